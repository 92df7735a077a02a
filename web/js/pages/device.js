// One fire-alarm transmitter (#/alarms/devices/{id}), its registration
// form (#/alarms/devices/new) and its edit form (#/alarms/devices/{id}/edit).
// The card shows how the device is identified on the line (account,
// receiver, line, AES key: whether there is one and its length, never the
// key), the protected site and the people to call, the commissioning stage
// with the step to put it into service, the live state, when it was last
// heard and its supervision window, and its latest events. The form checks
// everything the receiver checks (account of 3-16 hex digits, receiver and
// line numbers, key length, window from 20 s to 32 days) before sending;
// on edit an empty key field keeps the stored key.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { hasPerm, whenUserKnown } from '../auth.js';
import { apiFetch, apiSend, errorBox, RecordForm, changedFields, withoutNulls, fmtValue, fmtTime, dl, formatHouseId } from '../register.js';
import { stateBadge, commissioningBadge, fmtWindow, COMMISSIONING } from './devices.js';

const F = (key, kind, group, extra) => Object.assign({ key, kind, group, labelKey: 'dev.f.' + key }, extra || {});

const DEVICE_FIELDS = [
	F('account', 'text', 'link', { required: true, max: 16 }),
	F('receiver', 'text', 'link', { max: 7 }),
	F('line', 'text', 'link', { max: 7 }),
	F('key', 'text', 'link', { max: 64 }),
	F('key_kind', 'enum', 'link', { values: ['hex', 'raw'], prefix: 'dev.keyKind.' }),
	F('supervision_s', 'int', 'link', { required: true, min: 20, max: 2764800 }),
	F('commissioning', 'enum', 'link', { required: true, values: COMMISSIONING, prefix: 'dev.comm.' }),
	F('site_name', 'text', 'site', { max: 190 }),
	F('address', 'text', 'site', { max: 290 }),
	F('unit', 'unit', 'site', { required: true }),
	F('facility_id', 'text', 'site', { max: 63 }),
	F('house_id', 'houseid', 'site'),
	F('lat', 'real', 'site', { min: -90, max: 90 }),
	F('lon', 'real', 'site', { min: -180, max: 180 }),
	F('contacts', 'phones', 'contacts', { max: 20 }),
];
const GROUPS = ['link', 'site', 'contacts'];

const HEX = /^[0-9A-Fa-f]+$/;

// What the receiver refuses, checked here first; merged: the form's values.
// → {field: message}.
function deviceRules(m) {
	const e = {};
	if (m.account && !(HEX.test(m.account) && m.account.length >= 3 && m.account.length <= 16))
		e.account = t('dev.v.account');
	for (const [k, p] of [['receiver', 'R'], ['line', 'L']]) {
		const v = m[k] ? String(m[k]).replace(new RegExp('^' + p, 'i'), '') : '';
		if (m[k] && !(HEX.test(v) && v.length <= 6))
			e[k] = t('dev.v.' + k);
	}
	if (m.key) {
		const kind = m.key_kind || (HEX.test(m.key) && [32, 48, 64].includes(m.key.length) ? 'hex' : 'raw');
		const ok = kind === 'hex' ? HEX.test(m.key) && [32, 48, 64].includes(m.key.length)
			: [16, 24, 32].includes(new TextEncoder().encode(m.key).length);
		if (!ok)
			e.key = t('dev.v.key');
	}
	return e;
}

export function mount(container, route) {
	const show = (r) => {
		const p = r.params;
		if (p.mode === 'new')
			whenUserKnown().then(() => renderForm(container, null));
		else
			load(container, p.id, p.mode);
	};
	show(route);
	return { update: show };
}

async function load(container, id, mode) {
	clear(container, h('p', { class: 'muted' }, t('loading')));
	try {
		const [d] = await Promise.all([apiFetch('/devices/' + encodeURIComponent(id)), whenUserKnown()]);
		if (mode === 'edit')
			renderForm(container, d);
		else
			renderCard(container, d);
	} catch (e) {
		clear(container, errorBox(e, id));
	}
}

function keyText(d) {
	if (d.key_unreadable)
		return t('dev.keyUnreadable');
	return d.has_key ? t('dev.aes', { bits: d.key_bits }) : t('dev.plain');
}

// A form label without its hint in brackets, for the card.
function lab(key) {
	return t('dev.f.' + key).replace(/\s*\(.*\)$/, '');
}

function renderCard(container, d) {
	const admin = hasPerm('device.admin');
	const status = h('div', { 'aria-live': 'polite' });
	const events = h('div', { 'data-testid': 'device-events' }, h('p', { class: 'muted' }, t('loading')));
	const actions = [];
	if (admin) {
		actions.push(h('a', { class: 'btn btn-secondary', href: '#/alarms/devices/' + d.id + '/edit', 'data-testid': 'device-edit' }, t('reg.edit')));
		if (d.commissioning !== 'live')
			actions.push(h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'device-golive', onClick: async (ev) => {
				ev.target.disabled = true;
				try {
					await apiSend('PATCH', '/devices/' + d.id, { commissioning: 'live' });
					load(container, d.id, 'card');
				} catch (e) {
					clear(status, errorBox(e));
					ev.target.disabled = false;
				}
			} }, t('dev.goLive')));
	}
	const link = (href, text) => h('a', { class: 'mono', href }, text);
	clear(container, h('section', { class: 'page page-device', 'aria-labelledby': 'page-title' },
		h('div', { class: 'page-head page-head-row' },
			h('div', null,
				h('p', { class: 'eyebrow' }, h('a', { href: '#/alarms/devices' }, t('dev.back'))),
				h('h1', { id: 'page-title' }, t('dev.cardTitle', { account: d.account })),
				h('p', { class: 'lead' }, d.site_name || t('board.unnamed'), ' ', commissioningBadge(d.commissioning), ' ', stateBadge(d.state))),
			h('div', { class: 'page-actions' }, actions)),
		status,
		d.commissioning !== 'live' ? h('p', { class: 'alert', 'data-testid': 'device-not-live' }, t('dev.notLive')) : null,
		h('div', { class: 'card groups-card' },
			h('section', { class: 'card-group' }, h('h3', null, t('dev.g.link')), dl([
				[lab('account'), h('span', { class: 'mono' }, '#' + d.account), 'account'],
				[lab('receiver'), d.receiver || t('dev.anyReceiver'), 'receiver'],
				[lab('line'), d.line || t('dev.anyLine'), 'line'],
				[lab('key'), keyText(d), 'key'],
				[lab('supervision_s'), fmtWindow(d.supervision_s), 'supervision_s'],
				[t('dev.heard'), d.last_heard_at ? fmtTime(d.last_heard_at) : t('dev.never'), 'last_heard_at'],
				[t('dev.registered'), fmtTime(d.created_at), 'created_at'],
			])),
			h('section', { class: 'card-group' }, h('h3', null, t('dev.g.site')), dl([
				[lab('site_name'), d.site_name || t('reg.none'), 'site_name'],
				[lab('address'), d.address || t('reg.none'), 'address'],
				[lab('unit'), d.unit || t('reg.none'), 'unit'],
				[lab('facility_id'), d.facility_id ? link('#/facilities/' + encodeURIComponent(d.facility_id), d.facility_id) : t('reg.none'), 'facility_id'],
				[lab('house_id'), d.house_id ? link('#/houses/' + encodeURIComponent(d.house_id), formatHouseId(d.house_id)) : t('reg.none'), 'house_id'],
				[t('dev.coords'), d.lat !== null && d.lon !== null ? d.lat + ', ' + d.lon : t('reg.none'), 'coords'],
			])),
			h('section', { class: 'card-group' }, h('h3', null, t('dev.g.contacts')),
				fmtValue({ kind: 'phones' }, d.contacts))),
		h('section', { class: 'card' }, h('h2', null, t('dev.events')), events)));
	apiFetch('/alarm-events', { device: d.id, limit: 20 }).then((page) => {
		const items = page.items || [];
		if (!items.length) {
			clear(events, h('p', { class: 'muted', 'data-testid': 'device-no-events' }, t('dev.noEvents')));
			return;
		}
		clear(events, h('div', { class: 'table-wrap' }, h('table', { class: 'reg-table', id: 'device-events-table' },
			h('thead', null, h('tr', null, ['time', 'code', 'class', 'zone', 'text'].map((c) => h('th', { scope: 'col' }, t('dev.ev.' + c))))),
			h('tbody', null, items.map((e) => h('tr', { 'data-id': String(e.id) },
				h('td', null, fmtTime(e.received_at)),
				h('td', { class: 'mono' }, e.code || ''),
				h('td', null, e.class ? t('dev.class.' + e.class) : '', e.restore ? ' · ' + t('dev.restore') : ''),
				h('td', null, e.zone || ''),
				h('td', null, e.text || '')))))));
	}).catch((e) => clear(events, errorBox(e)));
}

function renderForm(container, d) {
	if (!hasPerm('device.admin')) {
		clear(container, h('div', { class: 'alert', role: 'alert', 'data-testid': 'forbidden' }, h('p', null, t('reg.forbidden'))));
		return;
	}
	const editing = !!d;
	const values = editing ? Object.assign({}, d, { key: '' }) : { supervision_s: 90, commissioning: 'registered' };
	const form = new RecordForm(DEVICE_FIELDS, GROUPS, 'dev.g.', values);
	const key = form.controls.get('key');
	key.input.type = 'password';
	key.input.autocomplete = 'off';
	key.input.spellcheck = false;
	const keyHint = h('p', { class: 'hint small' }, t(editing ? (d.has_key ? 'dev.keyKeep' : 'dev.keyNone') : 'dev.keyHint'));
	key.el.appendChild(keyHint);
	const dropKey = h('input', { type: 'checkbox', id: 'dev-dropkey', 'data-testid': 'device-dropkey' });
	if (editing && d.has_key)
		key.el.appendChild(h('label', { class: 'check', for: 'dev-dropkey' }, dropKey, t('dev.dropKey')));
	const status = h('div', { 'aria-live': 'polite' });
	const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'device-save' }, t('reg.save'));
	const el = h('form', { class: 'record-form', id: 'device-form', novalidate: true, onSubmit: async (ev) => {
		ev.preventDefault();
		const { body, errors } = form.validate(deviceRules, {});
		if (Object.keys(errors).length)
			return;
		const fields = Object.assign({}, body);
		delete fields.key;
		delete fields.key_kind;
		const payload = editing ? changedFields(fields, d) : withoutNulls(body);
		if (editing) {
			if (body.key) {
				payload.key = body.key;
				if (body.key_kind)
					payload.key_kind = body.key_kind;
			} else if (dropKey.checked) {
				payload.key = null;
			}
		}
		if (editing && !Object.keys(payload).length) {
			window.location.hash = '#/alarms/devices/' + d.id;
			return;
		}
		const saved = await form.send(submit, status, () => (editing ? apiSend('PATCH', '/devices/' + d.id, payload) : apiSend('POST', '/devices', payload)));
		if (saved)
			window.location.hash = '#/alarms/devices/' + saved.id;
	} }, form.summary, Array.from(form.sections.values()),
	h('div', { class: 'form-actions' }, submit, h('a', { class: 'btn btn-link', href: editing ? '#/alarms/devices/' + d.id : '#/alarms/devices' }, t('reg.cancel'))),
	status);
	clear(container, h('section', { class: 'page page-device-form', 'aria-labelledby': 'page-title' },
		h('div', { class: 'page-head' },
			h('p', { class: 'eyebrow' }, h('a', { href: '#/alarms/devices' }, t('dev.back'))),
			h('h1', { id: 'page-title' }, editing ? t('dev.editTitle', { account: d.account }) : t('dev.newTitle')),
			h('p', { class: 'lead' }, t('dev.formLead'))),
		h('div', { class: 'card' }, el)));
}
