// Import from Excel (#/import?kind=houses|facilities): the officer picks
// the kind and a CSV or XLSX file (checked here first: chosen, .csv/.xlsx,
// not empty, at most 20 MB); the file goes as it is to POST
// /api/v1/houses/import or /api/v1/facilities/import. The server checks
// every row and applies all rows or none: on refusal the errors are shown
// by row and column in a table (Vietnamese); on success "applied N rows"
// with links to the new records. Kinds follow the caller's capabilities
// (house.write, facility.write).
import { h, clear, icon } from '../dom.js';
import { t } from '../i18n.js';
import { apiUrl } from '../api.js';
import { loadSession, can, serverMessage, formatHouseId } from '../register.js';

export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const KINDS = [
	{ id: 'houses', perm: 'house.write' },
	{ id: 'facilities', perm: 'facility.write' },
];
const SHOWN_IDS = 20;

export function mount(container, route) {
	const view = new ImportPage(container);
	view.update(route);
	return view;
}

// The file's type from its name ('csv' | 'xlsx'), or null.
export function fileKind(name) {
	const m = /\.(csv|xlsx)$/i.exec(name || '');
	return m ? m[1].toLowerCase() : null;
}

// Message (Vietnamese first) for a file that cannot be sent, or null.
export function checkFile(file) {
	if (!file)
		return t('imp.v.file');
	if (!fileKind(file.name))
		return t('imp.v.type');
	if (file.size === 0)
		return t('imp.v.empty');
	if (file.size > IMPORT_MAX_BYTES)
		return t('imp.v.size', { mb: IMPORT_MAX_BYTES / 1024 / 1024 });
	return null;
}

async function upload(kind, file, retried) {
	const s = await loadSession();
	const headers = { Accept: 'application/json', 'Content-Type': fileKind(file.name) === 'xlsx' ? XLSX_TYPE : 'text/csv' };
	if (s && s.csrf_token)
		headers['X-CSRF-Token'] = s.csrf_token;
	let res;
	try {
		res = await fetch(apiUrl('/' + kind + '/import'), { method: 'POST', headers, body: file, credentials: 'same-origin' });
	} catch (e) {
		return { status: 0, body: null };
	}
	let body = null;
	try {
		body = await res.json();
	} catch (e) {
		body = null;
	}
	const code = body && body.error ? body.error.code || '' : '';
	if (res.status === 403 && /csrf/i.test(code) && !retried) {
		await loadSession(true);
		return upload(kind, file, true);
	}
	return { status: res.status, body };
}

class ImportPage {
	constructor(container) {
		this.container = container;
		this.busy = false;
	}

	update(route) {
		this.kind = route.query.get('kind');
		this.render();
	}

	async render() {
		const c = this.container;
		clear(c, h('p', { class: 'muted' }, t('loading')));
		await loadSession();
		const kinds = KINDS.filter((k) => can(k.perm));
		if (!kinds.length) {
			clear(c, h('section', { class: 'page' }, h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, t('imp.title'))),
				h('div', { class: 'alert', role: 'alert' }, h('p', null, t('reg.forbidden')))));
			return;
		}
		const chosen = kinds.find((k) => k.id === this.kind) || kinds[0];
		const radios = kinds.map((k) => h('input', { type: 'radio', name: 'kind', id: 'imp-kind-' + k.id, value: k.id, checked: k === chosen ? true : null, 'data-testid': 'kind-' + k.id }));
		const hint = h('p', { class: 'muted small', id: 'imp-hint' });
		const setHint = () => {
			const k = radios.find((r) => r.checked).value;
			hint.textContent = t('imp.hint.' + k);
		};
		radios.forEach((r) => r.addEventListener('change', setHint));
		setHint();
		// The browser's own file button speaks the browser's language: a
		// Vietnamese button (a label) stands in for it.
		const file = h('input', { type: 'file', id: 'imp-file', name: 'file', class: 'file-input', accept: '.csv,.xlsx,text/csv,' + XLSX_TYPE, 'aria-labelledby': 'imp-file-lab', 'aria-describedby': 'imp-file-name imp-file-err imp-hint', 'data-testid': 'import-file' });
		const fileName = h('span', { id: 'imp-file-name', class: 'file-name muted', 'data-testid': 'import-file-name' }, t('imp.noFile'));
		file.addEventListener('change', () => {
			const f = file.files && file.files[0];
			fileName.textContent = f ? t('imp.chosen', { name: f.name, kb: Math.max(1, Math.round(f.size / 1024)) }) : t('imp.noFile');
		});
		const fileErr = h('p', { id: 'imp-file-err', class: 'field-error', hidden: true });
		const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'import-submit' }, icon('arrow'), t('imp.submit'));
		const result = h('div', { id: 'import-result', 'aria-live': 'polite' });
		const form = h('form', { class: 'card record-form import-form', novalidate: true, onSubmit: async (ev) => {
			ev.preventDefault();
			if (this.busy)
				return;
			const f = file.files && file.files[0];
			const kind = radios.find((r) => r.checked).value;
			const msg = checkFile(f);
			fileErr.textContent = msg || '';
			fileErr.hidden = !msg;
			if (msg) {
				file.setAttribute('aria-invalid', 'true');
				file.focus();
				clear(result);
				return;
			}
			file.removeAttribute('aria-invalid');
			this.busy = true;
			submit.disabled = true;
			clear(result, h('p', { class: 'muted', 'data-testid': 'import-busy' }, t('imp.sending', { name: f.name })));
			try {
				const r = await upload(kind, f);
				showResult(result, kind, f.name, r);
			} finally {
				this.busy = false;
				submit.disabled = false;
			}
		} },
		h('fieldset', { class: 'form-group' }, h('legend', null, t('imp.kind')),
			h('div', { class: 'segmented imp-kinds', role: 'radiogroup' }, kinds.map((k, i) => [radios[i],
				h('label', { for: 'imp-kind-' + k.id }, t('imp.kind.' + k.id))]))),
		h('div', { class: 'field' }, h('span', { class: 'field-label', id: 'imp-file-lab' }, t('imp.file')),
			h('div', { class: 'file-row' }, file, h('label', { for: 'imp-file', class: 'btn btn-secondary' }, t('imp.choose')), fileName),
			fileErr, hint),
		h('div', { class: 'form-actions' }, submit));
		clear(c, h('section', { class: 'page page-import', 'aria-labelledby': 'page-title' },
			h('div', { class: 'page-head' },
				h('h1', { id: 'page-title' }, t('imp.title')),
				h('p', { class: 'lead' }, t('imp.lead'))),
			form, result));
	}
}

function showResult(el, kind, name, r) {
	const lang = document.documentElement.lang;
	if (r.status === 200 && r.body) {
		const ids = r.body.ids || [];
		const href = (id) => (kind === 'houses' ? '#/houses/' : '#/facilities/') + encodeURIComponent(id);
		clear(el, h('div', { class: 'card import-ok', 'data-testid': 'import-ok' },
			h('p', { class: 'ok' }, t('imp.applied', { n: r.body.imported, name })),
			ids.length ? h('ul', { class: 'plain-list id-list' }, ids.slice(0, SHOWN_IDS).map((id) =>
				h('li', null, h('a', { class: 'mono', href: href(id) }, kind === 'houses' ? formatHouseId(id) : id)))) : null,
			ids.length > SHOWN_IDS ? h('p', { class: 'muted small' }, t('imp.more', { n: ids.length - SHOWN_IDS })) : null));
		return;
	}
	const err = r.body && r.body.error ? r.body.error : null;
	if (r.status === 422 && err && Array.isArray(err.rows)) {
		const cols = ['imp.col.row', 'imp.col.column', 'imp.col.message'];
		clear(el, h('div', { class: 'alert import-errors', role: 'alert', 'data-testid': 'import-errors' },
			h('p', null, h('strong', null, t('imp.rejected', { n: err.rows.length, name }))),
			h('p', null, t('imp.nothing'))),
		h('div', { class: 'table-wrap' }, h('table', { class: 'reg-table', id: 'import-errors-table' },
			h('thead', null, h('tr', null, cols.map((k) => h('th', { scope: 'col' }, t(k))))),
			h('tbody', null, err.rows.map((e) => h('tr', { 'data-row': e.row || '' },
				h('td', { 'data-label': t(cols[0]) }, e.row ? String(e.row) : t('reg.none')),
				h('td', { 'data-label': t(cols[1]) }, e.column || e.field || t('reg.none')),
				h('td', { 'data-label': t(cols[2]) }, serverMessage(e, lang))))))));
		return;
	}
	let msg;
	if (r.status === 0)
		msg = t('error.network');
	else if (r.status === 401)
		msg = t('reg.signin.need');
	else if (r.status === 403 && !(err && err.code === 'unit_outside_scope'))
		msg = t('reg.forbidden');
	else if (r.status === 413)
		msg = t('imp.v.size', { mb: IMPORT_MAX_BYTES / 1024 / 1024 });
	else
		msg = serverMessage(err, lang) || ('HTTP ' + r.status);
	clear(el, h('div', { class: 'alert', role: 'alert', 'data-testid': 'import-failed' },
		h('p', null, t('imp.failed', { message: msg })), h('p', null, t('imp.nothing'))));
}
