// A facility under fire-safety management (#/facilities/ID) and its form
// (#/facilities/new, #/facilities/ID/edit): general data, the alarm
// contacts (at least three phone numbers, checked here as the server
// does), scale, permits and fire approvals, fire protection systems and
// the alarm transmitter duty (Art. 27, by 1/7/2027), compliance with its
// failing items, enforcement (penalties, suspensions) and history.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import {
	apiFetch, apiSend, errorBox, label, complianceBadge, FACILITY_FIELDS, FACILITY_GROUPS,
	facilityRules, RecordForm, fmtValue, fmtTime, dl, loadSession, can, formatHouseId,
	FAC_CATS_105, FAC_CATS_136,
} from '../register.js';
import { failingList, loadHistory, renderFires } from './house.js';

export function mount(container, route) {
	const view = { container, gen: 0 };
	view.update = (r) => render(view, r);
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
	const penalties = f.penalties || [];
	const suspensions = f.suspensions || [];
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
		h('section', { class: 'card' }, h('h2', null, t('facility.penalties')),
			penalties.length ? h('ul', { class: 'plain-list' }, penalties.map((p) => h('li', null,
				p.number, ' · ', p.date, ' · ', new Intl.NumberFormat('vi-VN').format(p.amount || 0), ' đ · ', p.legal_basis || '', ' · ',
				p.paid ? t('facility.paid') : t('facility.unpaid')))) : h('p', { class: 'muted' }, t('facility.penaltiesNone'))),
		h('section', { class: 'card' }, h('h2', null, t('facility.suspensions')),
			suspensions.length ? h('ul', { class: 'plain-list' }, suspensions.map((s) => h('li', null,
				s.number, ' · ', s.from_date, s.to_date ? ' → ' + s.to_date : '', ' · ', s.reason || '',
				s.lifted_on ? ' · ' + t('facility.lifted', { date: s.lifted_on }) : ''))) : h('p', { class: 'muted' }, t('facility.suspensionsNone'))),
		h('section', { class: 'card' }, h('h2', null, t('reg.history')), history),
		h('section', { class: 'card' }, h('h2', null, t('reg.fires')), fires)));
	loadHistory('/facilities/' + encodeURIComponent(f.id) + '/inspections', history);
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
		let payload = body;
		if (editing) {
			payload = {};
			for (const [k, v] of Object.entries(body))
				if (JSON.stringify(v) !== JSON.stringify(f[k] === undefined ? null : f[k]))
					payload[k] = v;
		} else {
			for (const k of Object.keys(payload))
				if (payload[k] === null)
					delete payload[k];
		}
		submit.disabled = true;
		clear(status, h('p', { class: 'muted' }, t('reg.saving')));
		try {
			const saved = editing ? await apiSend('PATCH', '/facilities/' + f.id, payload) : await apiSend('POST', '/facilities', payload);
			window.location.hash = '#/facilities/' + saved.id;
		} catch (e) {
			clear(status);
			form.showServerError(e);
		} finally {
			submit.disabled = false;
		}
	} }, form.summary, Array.from(form.sections.values()),
	h('div', { class: 'form-actions' }, submit, h('a', { class: 'btn btn-link', href: editing ? '#/facilities/' + f.id : '#/facilities' }, t('reg.cancel'))),
	status);
	clear(c, h('section', { class: 'page page-facility-form', 'aria-labelledby': 'page-title' },
		h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, editing ? t('facility.editTitle') : t('facility.newTitle'))),
		h('div', { class: 'card' }, el)));
}
