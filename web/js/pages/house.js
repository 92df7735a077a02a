// The house card (#/houses/ID) and the house form (#/houses/new,
// #/houses/ID/edit). The card shows the digital ID grouped 4-3-3, the
// address, every field in groups, the compliance status with its failing
// items, the door QR code (and a link to the printable label), the
// declaration state with verify / return for officers, residents (masked),
// the inspection and fire history. A mistyped ID in the address is refused
// here, before any request, with the same message the server gives.
import { h, clear, icon } from '../dom.js';
import { t } from '../i18n.js';
import { inspectionPhotos } from './inspect.js';
import {
	apiFetch, apiSend, errorBox, label, complianceBadge, stateBadge, formatHouseId, parseHouseId,
	HOUSE_FIELDS, HOUSE_GROUPS, houseTemplate, houseRules, RecordForm, fmtValue, fmtTime, dl, itemText,
	loadSession, can, serverMessage, showFieldError, fieldControl, changedFields, withoutNulls,
} from '../register.js';

export function mount(container, route) {
	const view = { gen: 0, container };
	view.update = (r) => render(view, r);
	view.update(route);
	return view;
}

export function failingList(items) {
	const list = Array.isArray(items) ? items : (() => {
		try {
			return JSON.parse(items || '[]');
		} catch (e) {
			return [];
		}
	})();
	if (!list.length)
		return h('p', { class: 'muted', 'data-testid': 'failing-none' }, t('reg.failingNone'));
	return h('ul', { class: 'failing-list', 'data-testid': 'failing-items' },
		list.map((c) => h('li', { 'data-code': c }, icon('close'), itemText(c))));
}

async function render(view, route) {
	const gen = ++view.gen;
	const { id, mode } = route.params;
	const c = view.container;
	clear(c);
	if (mode === 'new')
		return renderForm(view, c, null);
	const p = parseHouseId(id || '');
	if (!p.ok) {
		clear(c, h('section', { class: 'page' },
			h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, t('house.title'))),
			h('div', { class: 'alert', role: 'alert', 'data-testid': 'bad-id' },
				h('p', null, t('v.houseid.' + p.error)),
				h('p', null, h('a', { href: '#/houses' }, t('reg.back'))))));
		return;
	}
	if (p.id !== id) {
		window.location.replace('#/houses/' + p.id + (mode === 'edit' ? '/edit' : ''));
		return;
	}
	c.appendChild(h('p', { class: 'muted' }, t('loading')));
	let house;
	try {
		[house] = await Promise.all([apiFetch('/houses/' + p.id), loadSession()]);
	} catch (e) {
		if (gen === view.gen)
			clear(c, h('section', { class: 'page' },
				h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, t('house.title'))), errorBox(e, formatHouseId(p.id))));
		return;
	}
	if (gen !== view.gen)
		return;
	if (mode === 'edit')
		return renderForm(view, c, house);
	renderCard(view, c, house);
}

function groupRows(house) {
	return HOUSE_GROUPS.map((g) => {
		const defs = HOUSE_FIELDS.filter((f) => f.group === g);
		return h('section', { class: 'card-group', 'data-group': g },
			h('h3', null, t('house.g.' + g)),
			dl(defs.map((d) => [t(d.labelKey), fmtValue(d, house[d.key]), d.key])));
	});
}

function renderCard(view, c, house) {
	const id = house.id;
	const shown = formatHouseId(id);
	const status = h('div', { id: 'house-status', 'aria-live': 'polite' });
	const actions = h('div', { class: 'detail-actions' },
		can('house.write') ? h('a', { class: 'btn btn-secondary', href: '#/houses/' + id + '/edit', 'data-testid': 'house-edit' }, t('reg.edit')) : null,
		can('inspect') ? h('a', { class: 'btn btn-primary', href: '#/houses/' + id + '/inspect', 'data-testid': 'house-inspect' }, t('reg.inspect')) : null,
		h('a', { class: 'btn btn-secondary', href: '#/declare?id=' + id }, can('house.write') ? t('house.declareFor') : t('declare.title')),
		h('a', { class: 'btn btn-secondary', href: '/print/label.html#' + id, target: '_blank', rel: 'noopener', 'data-testid': 'label-link' }, t('house.printLabel')));
	const workflow = h('div', { class: 'workflow' });
	const history = h('div', { class: 'history', 'data-testid': 'history' }, h('p', { class: 'muted' }, t('loading')));
	const residents = h('div', { class: 'residents' });
	const fires = h('div', { class: 'fires' });

	clear(c, h('section', { class: 'page page-house', 'aria-labelledby': 'page-title' },
		h('div', { class: 'page-head' },
			h('p', { class: 'eyebrow' }, t('house.title')),
			h('h1', { id: 'page-title' }, house.address_text || shown),
			h('p', { class: 'lead' }, label('reg.type.', house.house_type), ' · ', house.unit_name || house.unit || '')),
		h('div', { class: 'house-grid' },
			h('div', { class: 'card house-id-card' },
				h('p', { class: 'sub-label' }, t('house.id')),
				h('p', { class: 'house-id mono', 'data-testid': 'house-id' }, shown),
				h('div', { class: 'detail-badges' }, complianceBadge(house.compliance), stateBadge(house.declared_state)),
				house.declared_state === 'returned' && house.return_reason
					? h('div', { class: 'alert', 'data-testid': 'return-reason' }, h('p', null, t('house.returnedBanner', { reason: house.return_reason }))) : null,
				h('h3', null, t('reg.failing')),
				failingList(house.failing_items),
				dl([[t('reg.lastInspection'), house.last_inspection_at || t('reg.none')],
					[t('house.declaredBy'), house.declared_by || t('reg.none')],
					[t('reg.updated'), fmtTime(house.updated_at)]]),
				actions, status, workflow),
			h('figure', { class: 'card qr-card' },
				h('img', { class: 'qr', src: '/api/v1/houses/' + encodeURIComponent(id) + '/qr.png', alt: t('house.qrAlt', { id: shown }), width: 180, height: 180, 'data-testid': 'house-qr' }),
				h('figcaption', null, t('house.qr'), h('br'), h('span', { class: 'mono' }, shown)))),
		h('div', { class: 'card groups-card' }, groupRows(house)),
		h('section', { class: 'card' }, h('h2', null, t('house.residents')), residents),
		h('section', { class: 'card' }, h('h2', null, t('reg.history')), history),
		h('section', { class: 'card' }, h('h2', null, t('reg.fires')), fires)));

	renderWorkflow(view, workflow, status, house);
	loadHistory('/houses/' + id + '/inspections', history);
	apiFetch('/houses/' + id + '/residents').then((r) => {
		const items = (r && r.items) || [];
		clear(residents, items.length ? h('ul', { class: 'plain-list' }, items.map((x) =>
			h('li', null, x.name, ' · ', x.cccd_mask || x.cccd || '', x.role === 'head' ? ' · ' + t('house.head') : ''))) : h('p', { class: 'muted' }, t('house.residentsNone')));
	}).catch(() => clear(residents, h('p', { class: 'muted' }, t('house.residentsNone'))));
	apiFetch('/houses/' + id + '/fires').then((r) => renderFires(fires, (r && r.items) || []))
		.catch(() => renderFires(fires, []));
}

export function renderFires(el, items) {
	clear(el, items.length ? h('ul', { class: 'plain-list' }, items.map((f) =>
		h('li', null, f.date, ' · ', t(f.kind === 'explosion' ? 'reg.fire.explosion' : 'reg.fire.fire'), f.cause ? ' · ' + f.cause : '', f.deaths ? ' · ' + t('reg.fire.deaths', { n: f.deaths }) : ''))) : h('p', { class: 'muted' }, t('reg.firesNone')));
}

export async function loadHistory(path, el) {
	try {
		const [r] = await Promise.all([apiFetch(path), loadSession()]);
		// who may remove a photo: the rights of adding one
		const write = can(path.startsWith('/facilities/') ? 'facility.write' : 'house.write');
		const canDelete = (i) => write && (i.kind === 'self' || can('inspect'));
		const items = (r && r.items) || [];
		if (!items.length) {
			clear(el, h('p', { class: 'muted' }, t('reg.historyNone')));
			return;
		}
		clear(el, h('ol', { class: 'history-list' }, items.map((i) => h('li', { 'data-inspection': i.id },
			h('strong', null, i.date), ' · ', label('reg.kind.', i.kind), ' · ', complianceBadge(i.compliance),
			' · ', i.inspector || '',
			(i.failing_items || []).length ? h('ul', { class: 'failing-sub' }, i.failing_items.map((code) => h('li', null, itemText(code)))) : null,
			inspectionPhotos(i, canDelete(i))))));
	} catch (e) {
		clear(el, errorBox(e));
	}
}

function renderWorkflow(view, el, status, house) {
	clear(el);
	if (house.declared_state !== 'declared' || !can('house.write'))
		return;
	const reasonDef = { key: 'reason', kind: 'textarea', labelKey: 'house.returnReason', max: 1000, group: 'x' };
	const reason = fieldControl(reasonDef, '');
	reason.input.id = 'return-reason';
	reason.el.querySelector('label').setAttribute('for', 'return-reason');
	const done = (h2, msgKey) => {
		clear(status, h('p', { class: 'ok', role: 'status' }, t(msgKey)));
		view.update({ params: { id: h2.id }, query: new URLSearchParams() });
	};
	const fail = (e) => clear(status, h('div', { class: 'alert', role: 'alert' }, h('p', null, t('reg.error.server', { message: serverMessage(e, document.documentElement.lang) }))));
	const retForm = h('form', { class: 'return-form', novalidate: true, hidden: true, onSubmit: async (ev) => {
		ev.preventDefault();
		const v = reason.get().trim();
		if (!v) {
			showFieldError(reason, t('v.reason'));
			reason.input.focus();
			return;
		}
		showFieldError(reason, null);
		try {
			done(await apiSend('POST', '/houses/' + house.id + '/return', { reason: v }), 'house.returned');
		} catch (e) {
			fail(e);
		}
	} }, reason.el, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'return-send' }, t('house.returnSend')));
	el.appendChild(h('div', { class: 'detail-actions' },
		h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'house-verify', onClick: async () => {
			try {
				done(await apiSend('POST', '/houses/' + house.id + '/verify', {}), 'house.verified');
			} catch (e) {
				fail(e);
			}
		} }, t('house.verify')),
		h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'house-return', onClick: () => {
			retForm.hidden = false;
			reason.input.focus();
		} }, t('house.return'))));
	el.appendChild(retForm);
}

// The create / edit form. Fields the chosen house type preselects come
// first; the others wait under "Thông tin khác".
function renderForm(view, c, house) {
	const editing = !!house;
	const form = new RecordForm(HOUSE_FIELDS, HOUSE_GROUPS, 'house.g.', house || {});
	const extra = h('details', { class: 'form-extra' }, h('summary', null, t('house.g.other')));
	const typeCtl = form.controls.get('house_type');
	const place = () => {
		const keep = houseTemplate(typeCtl.get());
		for (const [k, ctl] of form.controls) {
			const sec = form.sections.get(ctl.def.group);
			if (keep.has(k) || !typeCtl.get())
				sec.appendChild(ctl.el);
			else
				extra.appendChild(ctl.el);
		}
		for (const sec of form.sections.values())
			sec.hidden = !sec.querySelector('.reg-field');
	};
	typeCtl.input.addEventListener('change', place);
	place();
	const status = h('div', { 'aria-live': 'polite' });
	const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'house-save' }, t('reg.save'));
	const el = h('form', { class: 'record-form', id: 'house-form', novalidate: true, onSubmit: async (ev) => {
		ev.preventDefault();
		const { body, errors } = form.validate(houseRules, house || {});
		if (Object.keys(errors).length)
			return;
		const payload = editing ? changedFields(body, house) : withoutNulls(body);
		const saved = await form.send(submit, status, () => (editing ? apiSend('PATCH', '/houses/' + house.id, payload) : apiSend('POST', '/houses', payload)));
		if (saved)
			window.location.hash = '#/houses/' + saved.id;
	} },
	form.summary,
	h('p', { class: 'hint' }, t('house.templateHint')),
	Array.from(form.sections.values()),
	extra,
	h('div', { class: 'form-actions' }, submit,
		h('a', { class: 'btn btn-link', href: editing ? '#/houses/' + house.id : '#/houses' }, t('reg.cancel'))),
	status);
	clear(c, h('section', { class: 'page page-house-form', 'aria-labelledby': 'page-title' },
		h('div', { class: 'page-head' },
			h('h1', { id: 'page-title' }, editing ? t('house.editTitle') : t('house.newTitle')),
			editing ? h('p', { class: 'lead mono' }, formatHouseId(house.id)) : null),
		h('div', { class: 'card' }, el)));
}
