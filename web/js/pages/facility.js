// A facility under fire-safety management (#/facilities/ID) and its form
// (#/facilities/new, #/facilities/ID/edit): general data, the alarm
// contacts (at least three phone numbers, checked here as the server
// does), scale, permits and fire approvals, fire protection systems and
// the alarm transmitter duty (Art. 27, by 1/7/2027), compliance with its
// failing items, and enforcement: open violations with their remediation
// deadlines, administrative penalty decisions (recorded here, marked paid,
// printed as the decision form) and temporary suspensions / suspensions
// (recorded, lifted), the inspection history with the printable record
// (biên bản kiểm tra) of each inspection, and the fire history. Every
// enforcement form is checked here with Vietnamese messages before it is
// sent (the same rules the server applies, plus the order of the dates).
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { apiUrl } from '../api.js';
import {
	apiFetch, apiSend, errorBox, label, complianceBadge, FACILITY_FIELDS, FACILITY_GROUPS,
	facilityRules, RecordForm, fmtValue, fmtTime, dl, loadSession, can, formatHouseId,
	FAC_CATS_105, FAC_CATS_136, itemText, today, serverMessage, fieldControl, showFieldError, changedFields, withoutNulls,
} from '../register.js';
import { failingList, loadHistory, renderFires } from './house.js';

export function mount(container, route) {
	const view = { container, gen: 0, flash: null };
	view.update = (r) => {
		view.route = r;
		return render(view, r);
	};
	view.update(route);
	return view;
}

async function render(view, route) {
	const gen = ++view.gen;
	const c = view.container;
	const { id, mode } = route.params;
	clear(c, h('p', { class: 'muted' }, t('loading')));
	await loadSession();
	if (mode === 'new')
		return renderForm(c, null);
	let f;
	try {
		f = await apiFetch('/facilities/' + encodeURIComponent(id));
	} catch (e) {
		if (gen === view.gen)
			clear(c, h('section', { class: 'page' }, h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, t('facility.title'))), errorBox(e, id)));
		return;
	}
	if (gen !== view.gen)
		return;
	if (mode === 'edit')
		return renderForm(c, f);
	const history = h('div', { 'data-testid': 'history' });
	const fires = h('div');
	clear(c, h('section', { class: 'page page-facility', 'aria-labelledby': 'page-title' },
		h('div', { class: 'page-head' },
			h('p', { class: 'eyebrow' }, t('facility.title'), ' · ', h('span', { class: 'mono' }, f.id)),
			h('h1', { id: 'page-title' }, f.name),
			h('p', { class: 'lead' }, label('fac.cat.', f.category), ' · ', f.address || f.unit || '')),
		h('div', { class: 'house-grid' },
			h('div', { class: 'card' },
				h('div', { class: 'detail-badges' }, complianceBadge(f.compliance),
					h('span', { class: 'badge', 'data-status': f.status }, label('fac.status.', f.status))),
				h('h3', null, t('reg.failing')), failingList(f.failing_items),
				dl([[t('reg.lastInspection'), f.last_inspection_at || t('reg.none')], [t('reg.updated'), fmtTime(f.updated_at)],
					[t('facility.house'), f.house_id ? h('a', { class: 'mono', href: '#/houses/' + f.house_id }, formatHouseId(f.house_id)) : t('reg.none')]]),
				h('div', { class: 'detail-actions' },
					can('facility.write') ? h('a', { class: 'btn btn-secondary', href: '#/facilities/' + f.id + '/edit', 'data-testid': 'facility-edit' }, t('reg.edit')) : null,
					can('inspect') || can('facility.write') ? h('a', { class: 'btn btn-primary', href: '#/facilities/' + f.id + '/inspect', 'data-testid': 'facility-inspect' }, t('reg.inspect')) : null))),
		h('div', { class: 'card groups-card' }, FACILITY_GROUPS.map((g) => h('section', { class: 'card-group', 'data-group': g },
			h('h3', null, t('facility.g.' + g)),
			dl(FACILITY_FIELDS.filter((d) => d.group === g).map((d) => [t(d.labelKey), fmtValue(d, f[d.key]), d.key]))))),
		renderEnforcement(view, f),
		h('section', { class: 'card' }, h('h2', null, t('reg.history')), history),
		h('section', { class: 'card' }, h('h2', null, t('reg.fires')), fires)));
	loadHistory('/facilities/' + encodeURIComponent(f.id) + '/inspections', history).then(() => addRecordLinks(history));
	apiFetch('/facilities/' + encodeURIComponent(f.id) + '/fires').then((r) => renderFires(fires, (r && r.items) || []))
		.catch(() => renderFires(fires, []));
}

function renderForm(c, f) {
	const editing = !!f;
	const form = new RecordForm(FACILITY_FIELDS, FACILITY_GROUPS, 'facility.g.', f || { category_scheme: '105/2025', status: 'operating', authority: 'commune' });
	const scheme = form.controls.get('category_scheme');
	const cat = form.controls.get('category');
	const fillCats = () => {
		const list = scheme.get() === '136/2020' ? FAC_CATS_136 : FAC_CATS_105;
		const keep = cat.get();
		cat.def.values = list;
		clear(cat.input, h('option', { value: '' }, '—'), list.map((v) => h('option', { value: v }, label('fac.cat.', v))));
		cat.input.value = list.includes(keep) ? keep : '';
	};
	scheme.input.addEventListener('change', fillCats);
	fillCats();
	if (f)
		cat.set(f.category);
	const status = h('div', { 'aria-live': 'polite' });
	const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'facility-save' }, t('reg.save'));
	const el = h('form', { class: 'record-form', id: 'facility-form', novalidate: true, onSubmit: async (ev) => {
		ev.preventDefault();
		const { body, errors } = form.validate(facilityRules, f || {});
		if (Object.keys(errors).length)
			return;
		const payload = editing ? changedFields(body, f) : withoutNulls(body);
		const saved = await form.send(submit, status, () => (editing ? apiSend('PATCH', '/facilities/' + f.id, payload) : apiSend('POST', '/facilities', payload)));
		if (saved)
			window.location.hash = '#/facilities/' + saved.id;
	} }, form.summary, Array.from(form.sections.values()),
	h('div', { class: 'form-actions' }, submit, h('a', { class: 'btn btn-link', href: editing ? '#/facilities/' + f.id : '#/facilities' }, t('reg.cancel'))),
	status);
	clear(c, h('section', { class: 'page page-facility-form', 'aria-labelledby': 'page-title' },
		h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, editing ? t('facility.editTitle') : t('facility.newTitle'))),
		h('div', { class: 'card' }, el)));
}

// ---- enforcement --------------------------------------------------------

const EF = (group, key, kind, extra) => Object.assign({ key, kind, group, labelKey: 'enf.f.' + key }, extra || {});

export const PENALTY_FIELDS = [
	EF('penalty', 'number', 'text', { required: true, max: 60 }),
	EF('penalty', 'date', 'date', { required: true }),
	EF('penalty', 'amount', 'money', { required: true }),
	EF('penalty', 'legal_basis', 'text', { required: true, max: 500 }),
	EF('penalty', 'violation', 'textarea', { max: 2000 }),
	EF('penalty', 'deadline', 'date'),
	EF('penalty', 'issuer', 'text', { max: 200 }),
];

export const SUSPENSION_FIELDS = [
	EF('suspension', 'kind', 'enum', { required: true, values: ['temporary', 'suspension'], prefix: 'enf.kind.' }),
	EF('suspension', 'number', 'text', { required: true, max: 60 }),
	EF('suspension', 'date', 'date', { required: true }),
	EF('suspension', 'from_date', 'date', { required: true }),
	EF('suspension', 'to_date', 'date'),
	EF('suspension', 'reason', 'textarea', { required: true, max: 2000 }),
];

const MONEY_MAX = 1e12;

// "7.500.000", "7 500 000 đ", "7500000" → 7500000; null when not whole đồng.
export function parseMoney(raw) {
	let s = String(raw == null ? '' : raw).trim().replace(/\s*(đồng|vnđ|vnd|đ)$/i, '').replace(/\s+/g, '');
	if (/^\d{1,3}([.,]\d{3})+$/.test(s))
		s = s.replace(/[.,]/g, '');
	if (!/^\d+$/.test(s))
		return null;
	const n = Number(s);
	return Number.isSafeInteger(n) && n <= MONEY_MAX ? n : null;
}

// A real calendar day written YYYY-MM-DD (2025-02-30 is not).
export function realDate(s) {
	if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s))
		return false;
	const d = new Date(s + 'T00:00:00Z');
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function money(n) {
	return new Intl.NumberFormat('vi-VN').format(n || 0) + ' đ';
}

// Checks of a penalty decision beyond each field's own: real dates, the
// decision not in the future, the deadline not before it, the amount.
export function penaltyRules(m) {
	const e = {};
	if (parseMoney(m.amount) === null)
		e.amount = t('enf.v.amount');
	for (const k of ['date', 'deadline'])
		if (m[k] && !realDate(m[k]))
			e[k] = t('v.date');
	if (!e.date && m.date > today())
		e.date = t('enf.v.future');
	if (!e.date && !e.deadline && m.deadline && m.deadline < m.date)
		e.deadline = t('enf.v.deadlineBefore');
	return e;
}

export function suspensionRules(m) {
	const e = {};
	for (const k of ['date', 'from_date', 'to_date'])
		if (m[k] && !realDate(m[k]))
			e[k] = t('v.date');
	if (!e.date && m.date > today())
		e.date = t('enf.v.future');
	if (!e.from_date && !e.to_date && m.to_date && m.to_date < m.from_date)
		e.to_date = t('enf.v.toBefore');
	return e;
}

function dateInputs(form) {
	for (const c of form.controls.values()) {
		if (c.def.kind === 'date')
			c.input.type = 'date';
		if (c.def.kind === 'money') {
			c.input.setAttribute('inputmode', 'numeric');
			c.input.setAttribute('placeholder', '7.500.000');
		}
	}
}

function done(view, text) {
	view.flash = text;
	view.update(view.route);
}

function printLink(href, key, testid) {
	return h('a', { class: 'btn btn-secondary btn-small', href, target: '_blank', rel: 'noopener', 'data-testid': testid },
		t(key));
}

// The record (biên bản) print link next to each inspection of the history.
function addRecordLinks(el) {
	for (const li of el.querySelectorAll('li[data-inspection]')) {
		const id = li.getAttribute('data-inspection');
		if (!id || li.querySelector('[data-testid="print-record"]'))
			continue;
		li.appendChild(h('span', { class: 'print-inline' }, ' ',
			printLink(apiUrl('/inspections/' + encodeURIComponent(id) + '/record.html'), 'enf.printRecord', 'print-record')));
	}
}

function renderEnforcement(view, f) {
	const flash = h('div', { class: 'enf-flash', role: 'status', 'aria-live': 'polite', 'data-testid': 'enf-flash' });
	if (view.flash) {
		flash.appendChild(h('p', { class: 'ok' }, view.flash));
		view.flash = null;
	}
	const mayAct = can('penalty');
	return h('section', { class: 'card enf-card', 'aria-labelledby': 'enf-title', 'data-testid': 'enforcement' },
		h('h2', { id: 'enf-title' }, t('enf.title')),
		flash,
		h('h3', null, t('enf.violations')), violationsBlock(f.violations || []),
		h('h3', null, t('facility.penalties')), penaltiesBlock(view, f, f.penalties || [], mayAct),
		h('h3', null, t('facility.suspensions')), suspensionsBlock(view, f, f.suspensions || [], mayAct),
		mayAct ? h('div', { class: 'enf-forms' }, penaltyForm(view, f), suspensionForm(view, f)) : null);
}

function violationsBlock(items) {
	if (!items.length)
		return h('p', { class: 'muted', 'data-testid': 'violations-none' }, t('enf.violationsNone'));
	const cols = ['enf.col.item', 'enf.col.found', 'enf.col.deadline', 'enf.col.state', 'enf.col.record'];
	return h('div', { class: 'table-wrap' }, h('table', { class: 'reg-table', 'data-testid': 'violations' },
		h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
		h('tbody', null, items.map((v) => h('tr', { 'data-violation': v.id },
			h('td', { 'data-label': t(cols[0]) }, v.item_code ? itemText(v.item_code) : v.description || ''),
			h('td', { 'data-label': t(cols[1]) }, v.found_on || t('reg.none')),
			h('td', { 'data-label': t(cols[2]) }, v.deadline || t('enf.noDeadline')),
			h('td', { 'data-label': t(cols[3]) }, v.overdue
				? h('span', { class: 'badge badge-overdue', 'data-testid': 'overdue-badge' }, t('enf.overdue'))
				: h('span', { class: 'badge' }, t('enf.open'))),
			h('td', { 'data-label': t(cols[4]) }, v.inspection_id
				? printLink(apiUrl('/inspections/' + v.inspection_id + '/record.html'), 'enf.printRecord', 'print-record') : t('reg.none')))))));
}

// A small inline form with one date (pay, lift): check(value) → message or
// null; send(value) → Promise.
function dateAction(btnKey, testid, dateKey, check, send) {
	const wrap = h('div', { class: 'inline-action' });
	const open = h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-testid': testid }, t(btnKey));
	wrap.appendChild(open);
	open.addEventListener('click', () => {
		const ctl = fieldControl({ key: dateKey, kind: 'date', labelKey: 'enf.f.' + dateKey, group: 'x', required: true }, today());
		ctl.input.type = 'date';
		const ok = h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': testid + '-confirm' }, t('enf.confirm'));
		const form = h('form', { class: 'inline-form', novalidate: true, onSubmit: async (ev) => {
			ev.preventDefault();
			const v = ctl.get();
			const msg = !v ? t('v.required', { label: t('enf.f.' + dateKey) }) : !realDate(v) ? t('v.date') : check(v);
			showFieldError(ctl, msg);
			if (msg) {
				ctl.input.focus();
				return;
			}
			ok.disabled = true;
			try {
				await send(v);
			} catch (e) {
				showFieldError(ctl, serverMessage(e, document.documentElement.lang) || String(e.message || e));
				ok.disabled = false;
			}
		} }, ctl.el, h('div', { class: 'form-actions' }, ok,
			h('button', { type: 'button', class: 'btn btn-link btn-small', onClick: () => clear(wrap, open) }, t('reg.cancel'))));
		clear(wrap, form);
		ctl.input.focus();
	});
	return wrap;
}

function penaltiesBlock(view, f, items, mayAct) {
	if (!items.length)
		return h('p', { class: 'muted', 'data-testid': 'penalties-none' }, t('facility.penaltiesNone'));
	const cols = ['enf.col.number', 'enf.col.date', 'enf.col.amount', 'enf.col.basis', 'enf.col.payBy', 'enf.col.paid', 'enf.col.actions'];
	return h('div', { class: 'table-wrap' }, h('table', { class: 'reg-table', 'data-testid': 'penalties' },
		h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
		h('tbody', null, items.map((p) => h('tr', { 'data-penalty': p.id },
			h('td', { 'data-label': t(cols[0]) }, h('strong', null, p.number)),
			h('td', { 'data-label': t(cols[1]) }, p.date),
			h('td', { 'data-label': t(cols[2]), class: 'num' }, money(p.amount)),
			h('td', { 'data-label': t(cols[3]) }, h('div', null, p.legal_basis || '', p.violation ? h('div', { class: 'muted small' }, p.violation) : null)),
			h('td', { 'data-label': t(cols[4]) }, p.deadline || t('reg.none')),
			h('td', { 'data-label': t(cols[5]) }, p.paid
				? h('span', { class: 'badge badge-paid', 'data-testid': 'paid' }, t('facility.paid'), p.paid_on ? ' · ' + p.paid_on : '')
				: h('span', { class: 'badge badge-unpaid', 'data-testid': 'unpaid' }, t('facility.unpaid'))),
			h('td', { 'data-label': t(cols[6]) }, h('div', { class: 'row-actions' },
				printLink(apiUrl('/penalties/' + p.id + '/decision.html'), 'enf.printDecision', 'print-decision'),
				mayAct && !p.paid ? dateAction('enf.markPaid', 'mark-paid', 'paid_on',
					(v) => (v > today() ? t('enf.v.future') : v < p.date ? t('enf.v.paidBefore') : null),
					async (v) => {
						await apiSend('POST', '/penalties/' + p.id + '/paid', { paid: true, paid_on: v });
						done(view, t('enf.paidDone', { number: p.number }));
					}) : null)))))));
}

function suspensionsBlock(view, f, items, mayAct) {
	if (!items.length)
		return h('p', { class: 'muted', 'data-testid': 'suspensions-none' }, t('facility.suspensionsNone'));
	const cols = ['enf.col.kind', 'enf.col.number', 'enf.col.from', 'enf.col.to', 'enf.col.reason', 'enf.col.state', 'enf.col.actions'];
	return h('div', { class: 'table-wrap' }, h('table', { class: 'reg-table', 'data-testid': 'suspensions' },
		h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
		h('tbody', null, items.map((s) => h('tr', { 'data-suspension': s.id },
			h('td', { 'data-label': t(cols[0]) }, label('enf.kind.', s.kind)),
			h('td', { 'data-label': t(cols[1]) }, h('div', null, s.number, h('div', { class: 'muted small' }, s.date))),
			h('td', { 'data-label': t(cols[2]) }, s.from_date),
			h('td', { 'data-label': t(cols[3]) }, s.to_date || t('enf.untilLifted')),
			h('td', { 'data-label': t(cols[4]) }, s.reason || ''),
			h('td', { 'data-label': t(cols[5]) }, s.lifted_on
				? h('span', { class: 'badge', 'data-testid': 'lifted' }, t('facility.lifted', { date: s.lifted_on }))
				: h('span', { class: 'badge badge-overdue', 'data-testid': 'active' }, t('enf.active'))),
			h('td', { 'data-label': t(cols[6]) }, mayAct && !s.lifted_on ? dateAction('enf.lift', 'lift', 'lifted_on',
				(v) => (v < s.date ? t('enf.v.liftBefore') : null),
				async (v) => {
					await apiSend('POST', '/facilities/' + encodeURIComponent(f.id) + '/suspensions/' + s.id + '/lift', { lifted_on: v });
					done(view, t('enf.liftDone', { number: s.number }));
				}) : t('reg.none')))))));
}

// One enforcement form (a collapsible block): defs, rules, the body sent.
function enfForm(view, opts) {
	const form = new RecordForm(opts.defs, [opts.defs[0].group], 'enf.g.', opts.values || {});
	dateInputs(form);
	const status = h('div', { 'aria-live': 'polite' });
	const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': opts.testid + '-save' }, t(opts.submitKey));
	const el = h('form', { class: 'record-form', id: opts.testid + '-form', novalidate: true, onSubmit: async (ev) => {
		ev.preventDefault();
		const { body, errors } = form.validate(opts.rules, {});
		if (Object.keys(errors).length)
			return;
		const payload = opts.payload(body);
		submit.disabled = true;
		clear(status, h('p', { class: 'muted' }, t('reg.saving')));
		try {
			const saved = await apiSend('POST', opts.path, payload);
			done(view, opts.doneText(saved));
		} catch (e) {
			clear(status);
			form.showServerError(e);
			submit.disabled = false;
		}
	} }, form.summary, Array.from(form.sections.values()), h('div', { class: 'form-actions' }, submit), status);
	return h('details', { class: 'form-extra enf-form', 'data-testid': opts.testid },
		h('summary', null, t(opts.titleKey)), el);
}

function penaltyForm(view, f) {
	return enfForm(view, {
		defs: PENALTY_FIELDS, testid: 'penalty', titleKey: 'enf.newPenalty', submitKey: 'enf.savePenalty',
		values: { date: today() },
		rules: penaltyRules,
		path: '/facilities/' + encodeURIComponent(f.id) + '/penalties',
		payload: (b) => {
			const o = {};
			for (const [k, v] of Object.entries(b))
				if (v !== null && v !== '')
					o[k] = v;
			o.amount = parseMoney(b.amount);
			return o;
		},
		doneText: (p) => t('enf.penaltyDone', { number: p.number, amount: money(p.amount) }),
	});
}

function suspensionForm(view, f) {
	return enfForm(view, {
		defs: SUSPENSION_FIELDS, testid: 'suspension', titleKey: 'enf.newSuspension', submitKey: 'enf.saveSuspension',
		values: { kind: 'temporary', date: today(), from_date: today() },
		rules: suspensionRules,
		path: '/facilities/' + encodeURIComponent(f.id) + '/suspensions',
		payload: (b) => {
			const o = {};
			for (const [k, v] of Object.entries(b))
				if (v !== null && v !== '')
					o[k] = v;
			return o;
		},
		doneText: (s) => t('enf.suspensionDone', { kind: label('enf.kind.', s.kind).toLowerCase(), number: s.number }),
	});
}
