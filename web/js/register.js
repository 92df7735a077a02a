// Shared parts of the register pages (houses, facilities, inspections):
// writes to the API with the session's CSRF token, the field tables of a
// house and a facility (mirroring src/register/house.c and facility.c),
// validation with Vietnamese messages before anything is sent (the same
// rules the server applies), a form builder with per-field errors and an
// error summary, labels of ids, and small display helpers.
import { h, clear } from './dom.js';
import { t, locale } from './i18n.js';
import { ApiError, apiUrl } from './api.js';
import { parseHouseId, formatHouseId } from './houseid.js';

export { formatHouseId, parseHouseId };

// ---- API -------------------------------------------------------------

let session = null;   // {user, csrf_token, permissions}

export async function loadSession(force) {
	if (session && !force)
		return session;
	try {
		const res = await fetch('/api/v1/auth/me', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
		session = res.ok ? await res.json() : null;
	} catch (e) {
		if (!session)
			session = null;
	}
	return session;
}

export function sessionUser() {
	return session ? session.user : null;
}

export function can(perm) {
	return !!(session && (session.permissions || []).includes(perm));
}

async function readBody(res) {
	try {
		return await res.json();
	} catch (e) {
		return null;
	}
}

// GET without the page cache.
export async function apiFetch(path, params) {
	let res;
	try {
		res = await fetch(apiUrl(path, params), { credentials: 'same-origin', headers: { Accept: 'application/json' } });
	} catch (e) {
		throw new ApiError(0, 'network', t('error.network'));
	}
	const body = await readBody(res);
	if (!res.ok) {
		const err = body && body.error ? body.error : {};
		throw new ApiError(res.status, err.code, err.message, err.field);
	}
	return body;
}

// POST/PATCH/DELETE with a JSON body and X-CSRF-Token; one retry with a
// fresh token when the server says the token is stale.
export async function apiSend(method, path, body, retried) {
	const s = await loadSession();
	const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
	if (s && s.csrf_token)
		headers['X-CSRF-Token'] = s.csrf_token;
	let res;
	try {
		res = await fetch(apiUrl(path), {
			method, headers, credentials: 'same-origin',
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	} catch (e) {
		throw new ApiError(0, 'network', t('error.network'));
	}
	const data = await readBody(res);
	if (!res.ok) {
		const err = data && data.error ? data.error : {};
		if (res.status === 403 && /csrf/i.test(err.code || '') && !retried) {
			await loadSession(true);
			return apiSend(method, path, body, true);
		}
		throw new ApiError(res.status, err.code, err.message, err.field);
	}
	return data;
}

// The Vietnamese half of "Tiếng Việt / English" server messages, or the
// English half when the console is in English.
export function serverMessage(err, lang) {
	const m = (err && err.message) || '';
	const i = m.indexOf(' / ');
	if (i < 0)
		return m;
	return lang === 'en' ? m.slice(i + 3) : m.slice(0, i);
}

// A page-level problem box for a failed load (401 → sign-in link).
export function errorBox(err, id) {
	if (err && err.status === 401)
		return h('div', { class: 'alert', role: 'alert', 'data-testid': 'need-signin' },
			h('p', null, t('reg.signin.need')),
			h('p', null, h('a', { class: 'btn btn-primary', href: '#/login' }, t('reg.signin.link'))));
	if (err && err.status === 403)
		return h('div', { class: 'alert', role: 'alert' }, h('p', null, t('reg.forbidden')));
	if (err && err.status === 404)
		return h('div', { class: 'alert', role: 'alert' }, h('p', null, t('reg.notfound', { id: id || '' })));
	return h('div', { class: 'alert', role: 'alert' },
		h('p', null, t('error.load', { message: serverMessage(err, document.documentElement.lang) || String(err) })));
}

// ---- labels and display ----------------------------------------------

export function label(prefix, id) {
	if (id === null || id === undefined || id === '')
		return t('reg.none');
	const s = t(prefix + id);
	return s === prefix + id ? String(id) : s;
}

export function complianceBadge(c) {
	const id = c || 'chua_kiem_tra';
	return h('span', { class: 'badge reg-compliance reg-c-' + id, 'data-compliance': id }, label('reg.compliance.', id));
}

export function stateBadge(s) {
	const id = s || 'draft';
	return h('span', { class: 'badge reg-state reg-s-' + id, 'data-state': id }, label('reg.state.', id));
}

export function itemText(code) {
	return label('item.', code);
}

export function fmtValue(def, v) {
	if (v === null || v === undefined || v === '')
		return t('reg.none');
	switch (def.kind) {
	case 'bool':
		return v ? t('reg.yes') : t('reg.no');
	case 'int':
	case 'real':
		if (def.plain)
			return String(v);
		return new Intl.NumberFormat(locale(), { maximumFractionDigits: 2 }).format(Number(v));
	case 'enum':
		return label(def.prefix, v);
	case 'list':
		return (v || []).map((x) => label(def.prefix, x)).join(', ') || t('reg.none');
	case 'doc':
		return [v.number, v.date, v.issuer].filter(Boolean).join(' · ') || t('reg.none');
	case 'phones':
		return (v || []).map((c) => (c.name ? c.name + ': ' : '') + c.phone).join('; ');
	case 'houseid':
		return formatHouseId(v);
	default:
		return String(v);
	}
}

export function fmtTime(v) {
	if (v === null || v === undefined || v === '')
		return t('reg.none');
	const ms = typeof v === 'number' ? (v < 1e12 ? v * 1000 : v) : Date.parse(v);
	if (Number.isNaN(ms))
		return String(v);
	return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date(ms));
}

export function today() {
	// The date in Hà Nội (UTC+7), YYYY-MM-DD.
	return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

export function dl(rows) {
	return h('dl', { class: 'dl' }, rows.map(([k, v, key]) => h('div', { class: 'dl-row', dataset: key ? { field: key } : undefined },
		h('dt', null, k), h('dd', null, v))));
}

// ---- field tables ----------------------------------------------------

export const HOUSE_TYPES = ['tube_house', 'detached_house', 'mini_apartment', 'boarding_house', 'home_business', 'apartment', 'other'];
export const COMPLIANCE = ['dam_bao', 'khong_dam_bao', 'chua_kiem_tra'];
export const ITEM_CODES = ['LOI_THOAT_NAN_2', 'NGAN_CHAY_KHU_DE_XE', 'THANG_THOAT_NAN', 'BAO_CHAY_MOI_PHONG',
	'DEN_SU_CO_CHI_DAN', 'BINH_CHUA_CHAY', 'HO_SO_PCCC', 'PHUONG_AN_CHUA_CHAY', 'KHONG_SAC_XE_DIEN_HAM',
	'CHUONG_COP_CO_O_THOAT', 'NGAN_CACH_KINH_DOANH', 'HANG_DE_CHAY_AN_TOAN', 'DIEN_AN_TOAN', 'DUN_NAU_THO_CUNG',
	'LOI_THOAT_THONG_THOANG', 'DUNG_CU_PHA_DO', 'MAT_NA_LOC_KHOI'];

const F = (key, kind, group, extra) => Object.assign({ key, kind, group }, extra || {});

export const HOUSE_FIELDS = [
	F('house_type', 'enum', 'building', { required: true, values: HOUSE_TYPES, prefix: 'reg.type.' }),
	F('unit', 'unit', 'address', { required: true }),
	F('house_number', 'text', 'address', { max: 50 }),
	F('alley', 'text', 'address', { max: 100 }),
	F('street', 'text', 'address', { max: 200 }),
	F('address_text', 'text', 'address', { max: 300 }),
	F('lat', 'real', 'address', { min: 8, max: 24 }),
	F('lon', 'real', 'address', { min: 102, max: 110 }),
	F('floors', 'int', 'building', { min: 1, max: 100 }),
	F('basement', 'int', 'building', { min: 0, max: 10 }),
	F('floor_area', 'real', 'building', { min: 0, max: 1e6 }),
	F('year_built', 'int', 'building', { min: 1800, max: 2100, plain: true }),
	F('exits', 'int', 'escape', { min: 0, max: 50 }),
	F('second_escape', 'bool', 'escape'),
	F('barred_windows', 'bool', 'escape'),
	F('escape_hatch', 'bool', 'escape'),
	F('alley_min_width_m', 'real', 'access', { min: 0, max: 100 }),
	F('truck_distance_m', 'real', 'access', { min: 0, max: 10000 }),
	F('extinguishers', 'int', 'equipment', { min: 0, max: 10000 }),
	F('detectors', 'int', 'equipment', { min: 0, max: 100000 }),
	F('escape_ladders', 'int', 'equipment', { min: 0, max: 1000 }),
	F('ground_business', 'bool', 'risks'),
	F('flammable_goods', 'bool', 'risks'),
	F('motorbikes', 'int', 'risks', { min: 0, max: 100000 }),
	F('ebikes_charged_indoors', 'bool', 'risks'),
	F('occupants', 'int', 'people', { min: 0, max: 100000 }),
	F('vulnerable_children', 'int', 'people', { min: 0, max: 100000 }),
	F('vulnerable_elderly', 'int', 'people', { min: 0, max: 100000 }),
	F('vulnerable_disabled', 'int', 'people', { min: 0, max: 100000 }),
	F('vulnerable_bedridden', 'int', 'people', { min: 0, max: 100000 }),
	F('notes', 'textarea', 'other', { max: 2000 }),
].map((f) => Object.assign(f, { labelKey: 'house.f.' + f.key }));

export const HOUSE_GROUPS = ['address', 'building', 'escape', 'access', 'equipment', 'risks', 'people', 'other'];

// Fields each house type preselects (src/register/house.c templates).
export const HOUSE_TEMPLATES = {
	tube_house: 'floors basement floor_area year_built exits second_escape barred_windows escape_hatch alley_min_width_m truck_distance_m extinguishers detectors escape_ladders motorbikes ebikes_charged_indoors occupants vulnerable_children vulnerable_elderly',
	detached_house: 'floors basement floor_area year_built exits second_escape barred_windows escape_hatch truck_distance_m extinguishers detectors occupants vulnerable_elderly',
	mini_apartment: 'floors basement floor_area year_built exits second_escape barred_windows escape_hatch alley_min_width_m truck_distance_m extinguishers detectors escape_ladders motorbikes ebikes_charged_indoors occupants vulnerable_children vulnerable_elderly vulnerable_disabled vulnerable_bedridden',
	boarding_house: 'floors floor_area exits second_escape barred_windows escape_hatch alley_min_width_m truck_distance_m extinguishers detectors escape_ladders motorbikes ebikes_charged_indoors occupants vulnerable_children',
	home_business: 'floors basement floor_area exits second_escape barred_windows escape_hatch alley_min_width_m truck_distance_m extinguishers detectors ground_business flammable_goods motorbikes ebikes_charged_indoors occupants',
	apartment: 'floors floor_area extinguishers detectors occupants vulnerable_children vulnerable_elderly vulnerable_disabled vulnerable_bedridden',
	other: 'floors floor_area exits extinguishers detectors occupants',
};

export function houseTemplate(type) {
	const base = ['house_type', 'unit', 'house_number', 'alley', 'street', 'address_text', 'lat', 'lon', 'notes'];
	return new Set(base.concat((HOUSE_TEMPLATES[type] || '').split(' ').filter(Boolean)));
}

export const FAC_CATS_105 = ['office', 'apartment_building', 'dormitory', 'education', 'healthcare', 'culture_sport',
	'entertainment', 'market_mall', 'hotel', 'office_building', 'transport_hub', 'warehouse', 'industrial', 'fuel_gas',
	'power_energy', 'parking_garage', 'religious', 'home_business', 'other'];
export const FAC_CATS_136 = Array.from({ length: 24 }, (_, i) => 'pl1_' + String(i + 1).padStart(2, '0'));
export const FAC_SYSTEMS = ['fire_alarm', 'sprinkler', 'hydrant_indoor', 'hydrant_outdoor', 'extinguishers',
	'emergency_lighting', 'exit_signs', 'smoke_control', 'gas_suppression', 'lightning', 'transmitter'];
export const FAC_STATUS = ['operating', 'temporarily_suspended', 'suspended'];
export const MIN_CONTACTS = 3;

export const FACILITY_FIELDS = [
	F('name', 'text', 'general', { required: true, max: 300 }),
	F('category_scheme', 'enum', 'general', { values: ['105/2025', '136/2020'], prefix: 'fac.scheme.' }),
	F('category', 'enum', 'general', { required: true, values: FAC_CATS_105, prefix: 'fac.cat.' }),
	F('unit', 'unit', 'general', { required: true }),
	F('address', 'text', 'general', { max: 300 }),
	F('house_id', 'houseid', 'general'),
	F('legal_rep', 'text', 'general', { max: 200 }),
	F('status', 'enum', 'general', { values: FAC_STATUS, prefix: 'fac.status.' }),
	F('authority', 'enum', 'general', { values: ['commune', 'fire_police'], prefix: 'fac.authority.' }),
	F('lat', 'real', 'general', { min: 8, max: 24 }),
	F('lon', 'real', 'general', { min: 102, max: 110 }),
	F('contacts', 'phones', 'contacts', { required: true, min: MIN_CONTACTS, max: 20 }),
	F('floors', 'int', 'scale', { min: 0, max: 200 }),
	F('height_m', 'real', 'scale', { min: 0, max: 1000 }),
	F('volume_m3', 'real', 'scale', { min: 0, max: 1e9 }),
	F('floor_area', 'real', 'scale', { min: 0, max: 1e8 }),
	F('occupants', 'int', 'scale', { min: 0, max: 1000000 }),
	F('construction_permit', 'text', 'legal', { max: 100 }),
	F('design_approval', 'doc', 'legal'),
	F('acceptance', 'doc', 'legal'),
	F('systems', 'list', 'systems', { values: FAC_SYSTEMS, prefix: 'fac.sys.' }),
	F('must_connect_transmitter', 'bool', 'systems'),
	F('transmitter_connected', 'bool', 'systems'),
].map((f) => Object.assign(f, { labelKey: 'fac.f.' + f.key }));

export const FACILITY_GROUPS = ['general', 'contacts', 'scale', 'legal', 'systems'];

// ---- validation ------------------------------------------------------

// A Vietnamese mobile number as pii_phone_normalize reads it → "0xxxxxxxxx"
// or null.
export function normalizePhone(s) {
	if (typeof s !== 'string')
		return null;
	let q = s.trim().replace(/^\(+/, '');
	let intl = false;
	if (q.startsWith('+')) {
		intl = true;
		q = q.slice(1);
	}
	if (/[^0-9 .\-()]/.test(q))
		return null;
	let d = q.replace(/[ .\-()]/g, '');
	if (!intl && d.startsWith('0084')) {
		intl = true;
		d = d.slice(2);
	}
	if (intl && !d.startsWith('84'))
		return null;
	if (intl || ((d.length === 11 || (d.length === 12 && d[2] === '0')) && d.startsWith('84'))) {
		d = d.slice(2);
		if (d.length === 10 && d[0] === '0')
			d = d.slice(1);
		return d.length === 9 ? '0' + d : null;
	}
	return d.length === 10 && d[0] === '0' ? d : null;
}

function numText(v) {
	return typeof v === 'string' ? v.trim().replace(',', '.') : v;
}

// Checks one raw value (as read from a form: strings, booleans, arrays);
// returns [value for the API, message or null].
export function checkField(def, raw) {
	const lab = t(def.labelKey);
	const empty = raw === null || raw === undefined || raw === '' ||
		(Array.isArray(raw) && raw.length === 0 && def.kind !== 'phones');
	if (empty) {
		if (def.required)
			return [null, t('v.required', { label: lab })];
		return [null, null];
	}
	switch (def.kind) {
	case 'text':
	case 'textarea': {
		const s = String(raw).trim();
		if (!s)
			return [null, def.required ? t('v.required', { label: lab }) : null];
		if (new TextEncoder().encode(s).length > def.max)
			return [null, t('v.maxlen', { label: lab, max: def.max })];
		return [s, null];
	}
	case 'int':
	case 'real': {
		const s = numText(raw);
		const re = def.kind === 'int' ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
		if (!re.test(String(s)))
			return [null, t(def.kind === 'int' ? 'v.int' : 'v.number', { label: lab })];
		const n = Number(s);
		if (n < def.min || n > def.max)
			return [null, t('v.range', { label: lab, min: def.min, max: def.max })];
		return [n, null];
	}
	case 'bool':
		return [raw === true || raw === 'true', null];
	case 'enum':
		return def.values.includes(raw) ? [raw, null] : [null, t('v.required', { label: lab })];
	case 'unit':
		return /^\d{5}$/.test(String(raw).trim()) ? [String(raw).trim(), null] : [null, t('v.unit')];
	case 'date':
		return /^\d{4}-\d{2}-\d{2}$/.test(raw) ? [raw, null] : [null, t('v.date')];
	case 'houseid': {
		const p = parseHouseId(String(raw));
		return p.ok ? [p.id, null] : [null, t('v.houseid.' + p.error)];
	}
	case 'list':
		return [raw.filter((x) => def.values.includes(x)), null];
	case 'doc': {
		const o = {};
		for (const k of ['number', 'date', 'issuer'])
			if (raw[k] && String(raw[k]).trim())
				o[k] = String(raw[k]).trim();
		if (o.date && !/^\d{4}-\d{2}-\d{2}$/.test(o.date))
			return [null, t('v.date')];
		return [Object.keys(o).length ? o : null, null];
	}
	case 'phones': {
		const out = [];
		const seen = new Set();
		for (const c of raw) {
			const name = (c.name || '').trim();
			const phone = (c.phone || '').trim();
			if (!name && !phone)
				continue;
			const n = normalizePhone(phone);
			if (!n)
				return [null, t('v.phone', { value: phone })];
			if (seen.has(n))
				return [null, t('v.phoneDup', { value: phone })];
			if (!name)
				return [null, t('v.contactName', { value: phone })];
			seen.add(n);
			out.push({ name, phone: n });
		}
		if (out.length < (def.min || 0))
			return [null, t('v.contacts', { n: def.min })];
		return [out, null];
	}
	default:
		return [raw, null];
	}
}

// The rules between house fields (house_check_rules): merged is the
// record as it will be stored. Returns {key: message}.
export function houseRules(m) {
	const e = {};
	if (m.escape_hatch === true && m.barred_windows !== true)
		e.escape_hatch = t('v.hatch');
	if (typeof m.occupants === 'number') {
		for (const k of ['vulnerable_children', 'vulnerable_elderly', 'vulnerable_disabled', 'vulnerable_bedridden'])
			if (typeof m[k] === 'number' && m[k] > m.occupants && !e[k])
				e[k] = t('v.vulnerable');
	}
	const hasLat = typeof m.lat === 'number', hasLon = typeof m.lon === 'number';
	if (hasLat !== hasLon)
		e[hasLat ? 'lon' : 'lat'] = t('v.latlon');
	if (typeof m.year_built === 'number' && m.year_built > Number(today().slice(0, 4)) + 1)
		e.year_built = t('v.future');
	if (m.house_type === 'mini_apartment' && typeof m.floors === 'number' && m.floors < 2)
		e.floors = t('v.miniFloors');
	if (m.second_escape === true && typeof m.exits === 'number' && m.exits < 2)
		e.exits = t('v.exits');
	if (!m.address_text && !m.street && !m.house_number)
		e.street = t('v.address');
	return e;
}

export function facilityRules(m) {
	const e = {};
	const cats = m.category_scheme === '136/2020' ? FAC_CATS_136 : FAC_CATS_105;
	if (m.category && !cats.includes(m.category))
		e.category = t('v.required', { label: t('fac.f.category') });
	if (m.transmitter_connected === true && !(m.systems || []).includes('fire_alarm'))
		e.transmitter_connected = t('v.transmitter');
	return e;
}

// ---- forms -----------------------------------------------------------

let uid = 0;

// One input for a field; returns {el (the .field wrapper), get(), set(v),
// input (focus target), error (the message element)}.
export function fieldControl(def, value) {
	const id = 'f-' + def.key + '-' + (++uid);
	const errId = id + '-err';
	const error = h('p', { id: errId, class: 'field-error', hidden: true });
	const lab = t(def.labelKey) + (def.required ? ' *' : '');
	let input, get, set, body;
	const common = { id, name: def.key, 'aria-describedby': errId, 'data-field': def.key };
	switch (def.kind) {
	case 'bool': {
		const opts = [['', t('reg.unknown')], ['true', t('reg.yes')], ['false', t('reg.no')]];
		input = h('select', Object.assign({ class: 'input' }, common),
			opts.map(([v, txt]) => h('option', { value: v }, txt)));
		get = () => (input.value === '' ? null : input.value === 'true');
		set = (v) => { input.value = v === true ? 'true' : v === false ? 'false' : ''; };
		body = input;
		break;
	}
	case 'enum': {
		input = h('select', Object.assign({ class: 'input' }, common),
			h('option', { value: '' }, '—'),
			def.values.map((v) => h('option', { value: v }, label(def.prefix, v))));
		get = () => input.value || null;
		set = (v) => { input.value = v || ''; };
		body = input;
		break;
	}
	case 'textarea':
		input = h('textarea', Object.assign({ class: 'input', rows: 3 }, common));
		get = () => input.value;
		set = (v) => { input.value = v == null ? '' : String(v); };
		body = input;
		break;
	case 'list': {
		const boxes = def.values.map((v) => h('input', { type: 'checkbox', value: v, id: id + '-' + v, 'data-field': def.key }));
		input = boxes[0];
		body = h('div', { class: 'check-grid', role: 'group', 'aria-labelledby': id + '-lab' },
			boxes.map((b) => h('label', { class: 'check', for: b.id }, b, label(def.prefix, b.value))));
		get = () => boxes.filter((b) => b.checked).map((b) => b.value);
		set = (v) => boxes.forEach((b) => { b.checked = (v || []).includes(b.value); });
		break;
	}
	case 'doc': {
		const parts = ['number', 'date', 'issuer'].map((k) => h('input', {
			class: 'input', type: k === 'date' ? 'date' : 'text', id: id + '-' + k,
			'aria-label': t(def.labelKey) + ' — ' + t('facility.doc.' + k), 'data-field': def.key + '.' + k,
		}));
		input = parts[0];
		body = h('div', { class: 'doc-grid' }, parts.map((p, i) => h('div', null,
			h('span', { class: 'sub-label' }, t('facility.doc.' + ['number', 'date', 'issuer'][i])), p)));
		get = () => ({ number: parts[0].value, date: parts[1].value, issuer: parts[2].value });
		set = (v) => { const o = v || {}; parts[0].value = o.number || ''; parts[1].value = o.date || ''; parts[2].value = o.issuer || ''; };
		break;
	}
	case 'phones': {
		const rows = h('div', { class: 'contacts' });
		const addRow = (c) => {
			const name = h('input', { class: 'input', type: 'text', autocomplete: 'name', 'aria-label': t('facility.contactName'), placeholder: t('facility.contactName'), 'data-field': 'contacts.name' });
			const phone = h('input', { class: 'input', type: 'tel', inputmode: 'tel', autocomplete: 'tel', 'aria-label': t('facility.contactPhone'), placeholder: t('facility.contactPhone'), 'data-field': 'contacts.phone' });
			name.value = (c && c.name) || '';
			phone.value = (c && c.phone) || '';
			const row = h('div', { class: 'contact-row' }, name, phone,
				h('button', { type: 'button', class: 'btn btn-link', onClick: () => row.remove() }, t('facility.removeContact')));
			rows.appendChild(row);
			return name;
		};
		input = h('button', { type: 'button', class: 'btn btn-secondary', id, onClick: () => addRow().focus() }, t('facility.addContact'));
		body = h('div', null, rows, input);
		get = () => Array.from(rows.querySelectorAll('.contact-row')).map((r) => {
			const [n, p] = r.querySelectorAll('input');
			return { name: n.value, phone: p.value };
		});
		set = (v) => {
			clear(rows);
			const list = (v || []).slice();
			while (list.length < MIN_CONTACTS)
				list.push(null);
			list.forEach(addRow);
		};
		break;
	}
	default: {
		const attrs = Object.assign({ class: 'input', type: 'text' }, common);
		if (def.kind === 'int' || def.kind === 'real')
			attrs.inputmode = def.kind === 'int' ? 'numeric' : 'decimal';
		if (def.kind === 'unit') {
			attrs.inputmode = 'numeric';
			attrs.maxlength = '5';
		}
		if (def.kind === 'houseid') {
			attrs.autocapitalize = 'characters';
			attrs.spellcheck = 'false';
			attrs.class = 'input mono';
		}
		input = h('input', attrs);
		get = () => input.value;
		set = (v) => { input.value = v == null ? '' : (def.kind === 'houseid' ? formatHouseId(v) : String(v)); };
		body = input;
	}
	}
	const isGroup = def.kind === 'list' || def.kind === 'doc' || def.kind === 'phones';
	const el = h('div', { class: 'field reg-field field-' + def.kind, 'data-key': def.key },
		h(isGroup ? 'span' : 'label', isGroup ? { class: 'field-label', id: id + '-lab' } : { for: id }, lab),
		body, error);
	set(value);
	return { def, el, get, set, input, error };
}

export function showFieldError(ctl, msg) {
	ctl.error.textContent = msg || '';
	ctl.error.hidden = !msg;
	ctl.el.classList.toggle('has-error', !!msg);
	const inputs = ctl.el.querySelectorAll('input, select, textarea');
	inputs.forEach((i) => (msg ? i.setAttribute('aria-invalid', 'true') : i.removeAttribute('aria-invalid')));
}

// What a PATCH sends: the fields of body that differ from current.
export function changedFields(body, current) {
	const out = {};
	for (const [k, v] of Object.entries(body))
		if (JSON.stringify(v) !== JSON.stringify(current[k] === undefined ? null : current[k]))
			out[k] = v;
	return out;
}

// What a POST sends: body without its empty (null) fields.
export function withoutNulls(body) {
	const out = {};
	for (const [k, v] of Object.entries(body))
		if (v !== null)
			out[k] = v;
	return out;
}

// A form over defs. opts: {values, groups, groupKey, visible(key)}.
// Returns {el, controls, validate(rulesFn, base) → {body, errors}, showErrors}.
export class RecordForm {
	constructor(defs, groups, groupPrefix, values) {
		this.defs = defs;
		this.controls = new Map();
		this.summary = h('div', { class: 'alert error-summary', role: 'alert', tabindex: '-1', hidden: true });
		this.sections = new Map();
		for (const g of groups) {
			const sec = h('fieldset', { class: 'form-group', 'data-group': g }, h('legend', null, t(groupPrefix + g)));
			this.sections.set(g, sec);
		}
		for (const d of defs) {
			const c = fieldControl(d, values ? values[d.key] : undefined);
			this.controls.set(d.key, c);
			this.sections.get(d.group).appendChild(c.el);
		}
	}

	// Raw values from the inputs, checked one by one; then rules over the
	// merged record. only: keys to read (others are left out).
	validate(rules, base, only) {
		const body = {};
		const errors = {};
		for (const [k, c] of this.controls) {
			if (only && !only.has(k))
				continue;
			const [v, err] = checkField(c.def, c.get());
			if (err)
				errors[k] = err;
			else
				body[k] = v;
		}
		if (rules && !Object.keys(errors).length) {
			const merged = Object.assign({}, base || {}, body);
			Object.assign(errors, rules(merged));
		}
		this.showErrors(errors);
		return { body, errors };
	}

	showErrors(errors) {
		const keys = Object.keys(errors);
		for (const [k, c] of this.controls)
			showFieldError(c, errors[k]);
		clear(this.summary);
		this.summary.hidden = keys.length === 0;
		if (!keys.length)
			return;
		this.summary.appendChild(h('p', { class: 'summary-title' }, t('reg.error.fix', { n: keys.length })));
		this.summary.appendChild(h('ul', null, keys.map((k) => {
			const c = this.controls.get(k);
			return h('li', null, h('a', {
				href: '#', onClick: (ev) => { ev.preventDefault(); if (c) c.input.focus(); },
			}, errors[k]));
		})));
		this.summary.focus();
	}

	// Sends with request() while submit is disabled and status says so;
	// the saved record, or null after showing the server's error here.
	async send(submit, status, request) {
		submit.disabled = true;
		clear(status, h('p', { class: 'muted' }, t('reg.saving')));
		try {
			return await request();
		} catch (e) {
			clear(status);
			this.showServerError(e);
			return null;
		} finally {
			submit.disabled = false;
		}
	}

	// A server error naming a field goes next to that field.
	showServerError(err) {
		const msg = serverMessage(err, document.documentElement.lang) || String(err.message || err);
		const f = err && err.field && this.controls.has(err.field) ? err.field : null;
		if (f)
			this.showErrors({ [f]: msg });
		else {
			clear(this.summary, h('p', null, t('reg.error.server', { message: msg })));
			this.summary.hidden = false;
			this.summary.focus();
		}
	}
}
