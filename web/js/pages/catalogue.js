// The catalogue of safety condition items (#/catalogue?v=N), for the
// keepers of reference data (units.admin; guarded in app.js, enforced by
// the server). Lists the versions (GET /condition-catalogue/versions),
// shows the items of one (GET /condition-catalogue?version=N), filtered by
// house type; opens a draft copied from the latest published version; adds,
// edits and deactivates items of the draft in a dialog checked before it
// is sent (the same rules as the server: code A–Z 0–9 _, a Vietnamese
// title, at least one type, "required" only where it applies, facility
// categories only for facility items, order 0–100000); publishes the draft
// after a confirmation. A published version is read-only: new inspections
// use the latest one, earlier inspections keep theirs.
import { h, clear } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { apiFetch, apiSend, errorBox, label, serverMessage, fmtTime, HOUSE_TYPES, FAC_CATS_105 } from '../register.js';
import { confirmDialog } from './accounts.js';

const TYPES = HOUSE_TYPES.concat(['facility']);
const CODE_RE = /^[A-Z0-9_]{1,32}$/;
const TITLE_MAX = 500;
const LEGAL_MAX = 1000;
const POSITION_MAX = 100000;

export function mount(container, route) {
	const view = { container, gen: 0 };
	view.update = (r) => open(view, r);
	view.destroy = () => { view.gen++; };
	view.update(route);
	return view;
}

function typeLabel(id) {
	return id === 'facility' ? t('cat.type.facility') : label('reg.type.', id);
}

function title(it) {
	return getLang() === 'en' && it.title_en ? it.title_en : it.title_vi;
}

function bytes(s) {
	return new TextEncoder().encode(s || '').length;
}

function msg(err) {
	return serverMessage(err, getLang()) || String(err && err.message ? err.message : err);
}

async function open(view, route) {
	const gen = ++view.gen;
	const c = view.container;
	clear(c, h('p', { class: 'muted', role: 'status' }, t('loading')));
	let versions, cat;
	try {
		versions = (await apiFetch('/condition-catalogue/versions')).items || [];
		const draft = versions.find((v) => !v.published);
		const latest = versions.find((v) => v.published);
		const want = Number(route.query && route.query.get('v')) || (draft || latest || {}).version;
		cat = await apiFetch('/condition-catalogue', want ? { version: want } : undefined);
	} catch (e) {
		if (gen === view.gen)
			clear(c, h('section', { class: 'page' }, h('h1', { id: 'page-title' }, t('cat.title')), errorBox(e)));
		return;
	}
	if (gen !== view.gen)
		return;
	render(view, c, route, versions, cat);
}

function render(view, c, route, versions, cat) {
	const reload = (v) => {
		const hash = '#/catalogue' + (v ? '?v=' + v : '');
		if (window.location.hash === hash)
			view.update(Object.assign({}, route, { query: new URLSearchParams(v ? 'v=' + v : '') }));
		else
			window.location.hash = hash;
	};
	const draft = versions.find((v) => !v.published);
	const notice = h('div', { class: 'alert', role: 'alert', hidden: true, 'data-testid': 'cat-notice', tabindex: '-1' });
	const say = (text, ok) => {
		notice.hidden = false;
		notice.className = 'alert' + (ok ? ' alert-ok' : '');
		clear(notice, h('p', null, text));
		notice.focus();
	};

	// ---- versions ----------------------------------------------------
	const vrows = versions.map((v) => h('tr', { 'data-version': v.version, class: v.version === cat.version ? 'selected' : null },
		h('td', null, h('a', { href: '#/catalogue?v=' + v.version, 'data-testid': 'cat-open-' + v.version }, t('cat.versionN', { n: v.version }))),
		h('td', null, h('span', { class: 'badge ' + (v.published ? 'badge-on' : 'badge-off') }, v.published ? t('cat.published') : t('cat.draft'))),
		h('td', null, fmtTime(v.published_at || v.created_at), h('br'), h('span', { class: 'muted' }, v.published_by || v.created_by || '')),
		h('td', null, v.note || ''),
		h('td', null, t('cat.counts', { active: v.active, total: v.items }))));
	const note = h('input', { class: 'input', type: 'text', id: 'cat-note', maxlength: 1000, 'data-testid': 'cat-note' });
	const noteErr = h('p', { class: 'field-error', hidden: true, id: 'cat-note-err' });
	const createBtn = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'cat-create' }, t('cat.create'));
	const createForm = h('form', { class: 'stack', novalidate: true, onSubmit: async (ev) => {
		ev.preventDefault();
		noteErr.hidden = true;
		if (bytes(note.value) > 1000) {
			noteErr.textContent = t('cat.v.noteLen');
			noteErr.hidden = false;
			note.focus();
			return;
		}
		createBtn.disabled = true;
		try {
			const d = await apiSend('POST', '/condition-catalogue/versions', note.value.trim() ? { note: note.value.trim() } : {});
			reload(d.version);
		} catch (e) {
			createBtn.disabled = false;
			say(msg(e));
		}
	} },
	h('div', { class: 'field' }, h('label', { for: 'cat-note' }, t('cat.note')), note, noteErr),
	h('div', { class: 'form-actions' }, createBtn));

	// ---- items of the selected version --------------------------------
	const isDraft = !cat.published;
	const filter = h('select', { class: 'input', id: 'cat-filter', 'data-testid': 'cat-filter' },
		h('option', { value: '' }, t('cat.allTypes')),
		TYPES.map((ty) => h('option', { value: ty }, typeLabel(ty))));
	const tbody = h('tbody');
	const drawItems = () => {
		const ty = filter.value;
		const items = (cat.items || []).filter((i) => !ty || (i.applies || []).includes(ty));
		clear(tbody, items.map((it) => h('tr', { 'data-code': it.code, class: it.active ? null : 'inactive' },
			h('td', null, String(it.position)),
			h('td', { class: 'mono' }, it.code),
			h('td', null, title(it), it.legal_basis ? h('p', { class: 'muted small' }, t('cat.legalShort'), ' ', it.legal_basis) : null),
			h('td', null, (it.applies || []).map(typeLabel).join(', '),
				(it.categories || []).length ? h('p', { class: 'muted small' }, it.categories.map((x) => label('fac.cat.', x)).join(', ')) : null),
			h('td', null, (it.required || []).length ? it.required.map(typeLabel).join(', ') : t('cat.recommended')),
			h('td', null, h('span', { class: 'badge ' + (it.active ? 'badge-on' : 'badge-off') }, it.active ? t('cat.active') : t('cat.inactive'))),
			isDraft ? h('td', null, h('button', { type: 'button', class: 'btn btn-link', 'data-testid': 'cat-edit-' + it.code,
				onClick: () => editItem(cat, it, () => reload(cat.version)) }, t('cat.edit'))) : null)));
		if (!items.length)
			tbody.appendChild(h('tr', null, h('td', { colspan: isDraft ? 7 : 6 }, t('cat.noItems'))));
	};
	filter.addEventListener('change', drawItems);
	drawItems();

	const actions = isDraft
		? h('div', { class: 'detail-actions' },
			h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'cat-add', onClick: () => editItem(cat, null, () => reload(cat.version)) }, t('cat.add')),
			h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'cat-publish', onClick: async () => {
				if (!await confirmDialog(t('cat.publishTitle', { n: cat.version }), t('cat.publishText'), t('cat.publish')))
					return;
				try {
					await apiSend('POST', '/condition-catalogue/versions/' + cat.version + '/publish');
					reload(cat.version);
				} catch (e) {
					say(msg(e));
				}
			} }, t('cat.publish')))
		: h('p', { class: 'hint', 'data-testid': 'cat-readonly' }, t('cat.readonly'));

	const versionsPanel = h('section', { class: 'panel', 'aria-labelledby': 'cat-versions-title' },
		h('div', { class: 'panel-head' }, h('h2', { id: 'cat-versions-title' }, t('cat.versions'))),
		h('div', { class: 'panel-body' },
			h('div', { class: 'table-scroll' }, h('table', { class: 'data-table', 'data-testid': 'cat-versions' },
				h('thead', null, h('tr', null,
					h('th', { scope: 'col' }, t('cat.col.version')),
					h('th', { scope: 'col' }, t('cat.col.status')),
					h('th', { scope: 'col' }, t('cat.col.when')),
					h('th', { scope: 'col' }, t('cat.note')),
					h('th', { scope: 'col' }, t('cat.col.items')))),
				h('tbody', null, vrows))),
			draft ? h('p', { class: 'hint', 'data-testid': 'cat-draft-open' }, t('cat.draftOpen', { n: draft.version }))
				: createForm));
	const itemsPanel = h('section', { class: 'panel', 'aria-labelledby': 'cat-items-title' },
		h('div', { class: 'panel-head' },
			h('h2', { id: 'cat-items-title', 'data-testid': 'cat-current' },
				t('cat.versionN', { n: cat.version }), ' · ', cat.published ? t('cat.published') : t('cat.draft'))),
		h('div', { class: 'panel-body' },
			cat.note ? h('p', { class: 'muted' }, cat.note) : null,
			actions,
			h('div', { class: 'field' }, h('label', { for: 'cat-filter' }, t('cat.filter')), filter),
			h('div', { class: 'table-scroll' }, h('table', { class: 'data-table', id: 'cat-items', 'data-testid': 'cat-items' },
				h('thead', null, h('tr', null,
					h('th', { scope: 'col' }, t('cat.col.position')),
					h('th', { scope: 'col' }, t('cat.col.code')),
					h('th', { scope: 'col' }, t('cat.col.title')),
					h('th', { scope: 'col' }, t('cat.col.applies')),
					h('th', { scope: 'col' }, t('cat.col.required')),
					h('th', { scope: 'col' }, t('cat.col.status')),
					isDraft ? h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, t('cat.edit'))) : null)),
				tbody))));

	// The version being worked on first, then the list of versions.
	clear(c, h('section', { class: 'page page-catalogue', 'aria-labelledby': 'page-title' },
		h('div', { class: 'page-head' },
			h('h1', { id: 'page-title' }, t('cat.title')),
			h('p', { class: 'lead' }, t('cat.lead'))),
		notice,
		versionsPanel,
		itemsPanel));
}

// ---- item dialog -----------------------------------------------------

function checkGroup(name, values, labelFn, checked) {
	const boxes = values.map((v) => {
		const b = h('input', { type: 'checkbox', id: 'cat-' + name + '-' + v, value: v, 'data-testid': 'cat-' + name + '-' + v });
		b.checked = (checked || []).includes(v);
		return b;
	});
	const el = h('div', { class: 'check-grid', role: 'group', 'aria-labelledby': 'cat-' + name + '-lab' },
		boxes.map((b) => h('label', { class: 'check', for: b.id }, b, labelFn(b.value))));
	return { el, get: () => boxes.filter((b) => b.checked).map((b) => b.value), boxes };
}

// Checks an item as the server will; returns [{field, message}].
export function checkItem(it, adding) {
	const errs = [];
	if (adding && !CODE_RE.test(it.code || ''))
		errs.push({ field: 'code', message: t('cat.v.code') });
	if (!(it.title_vi || '').trim())
		errs.push({ field: 'title_vi', message: t('cat.v.titleVi') });
	else if (bytes(it.title_vi) > TITLE_MAX)
		errs.push({ field: 'title_vi', message: t('cat.v.titleLen') });
	if (bytes(it.title_en) > TITLE_MAX)
		errs.push({ field: 'title_en', message: t('cat.v.titleLen') });
	if (bytes(it.legal_basis) > LEGAL_MAX)
		errs.push({ field: 'legal_basis', message: t('cat.v.legalLen') });
	if (!it.applies.length)
		errs.push({ field: 'applies', message: t('cat.v.applies') });
	if (it.required.some((r) => !it.applies.includes(r)))
		errs.push({ field: 'required', message: t('cat.v.required') });
	if (it.categories.length && !it.applies.includes('facility'))
		errs.push({ field: 'categories', message: t('cat.v.categories') });
	const pos = String(it.position === undefined || it.position === null ? '' : it.position);
	if (pos !== '' && (!/^\d+$/.test(pos) || Number(pos) > POSITION_MAX))
		errs.push({ field: 'position', message: t('cat.v.position') });
	return errs;
}

function editItem(cat, item, done) {
	const adding = !item;
	const it = item || { code: '', title_vi: '', title_en: '', legal_basis: '', applies: [], required: [], categories: [], position: '', active: true };
	const fields = {};
	const errEl = (k) => h('p', { class: 'field-error', hidden: true, id: 'cat-e-' + k + '-err' });
	const field = (k, labelKey, control, hint) => {
		const err = errEl(k);
		fields[k] = { control, err };
		return h('div', { class: 'field', 'data-field': k },
			h(control.tagName ? 'label' : 'span', control.tagName ? { for: control.id } : { class: 'field-label', id: 'cat-' + k + '-lab' }, t(labelKey)),
			hint ? h('p', { class: 'hint' }, hint) : null,
			control.tagName ? control : control.el, err);
	};
	const code = h('input', { class: 'input mono', type: 'text', id: 'cat-e-code', maxlength: 32, value: it.code, readonly: !adding, autocapitalize: 'characters', spellcheck: 'false', 'data-testid': 'cat-e-code' });
	const titleVi = h('textarea', { class: 'input', rows: 2, id: 'cat-e-title_vi', 'data-testid': 'cat-e-title_vi' });
	titleVi.value = it.title_vi || '';
	const titleEn = h('textarea', { class: 'input', rows: 2, id: 'cat-e-title_en', 'data-testid': 'cat-e-title_en' });
	titleEn.value = it.title_en || '';
	const legal = h('textarea', { class: 'input', rows: 2, id: 'cat-e-legal_basis', 'data-testid': 'cat-e-legal_basis' });
	legal.value = it.legal_basis || '';
	const applies = checkGroup('applies', TYPES, typeLabel, it.applies);
	const required = checkGroup('required', TYPES, typeLabel, it.required);
	const cats = checkGroup('categories', FAC_CATS_105, (x) => label('fac.cat.', x), it.categories);
	const position = h('input', { class: 'input', type: 'number', min: 0, max: POSITION_MAX, step: 1, id: 'cat-e-position', value: it.position, 'data-testid': 'cat-e-position' });
	const active = h('input', { type: 'checkbox', id: 'cat-e-active', 'data-testid': 'cat-e-active' });
	active.checked = it.active !== false;
	const summary = h('div', { class: 'alert error-summary', role: 'alert', hidden: true, tabindex: '-1', 'data-testid': 'cat-e-summary' });
	const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'cat-e-save' }, t('cat.save'));
	const cancel = h('button', { type: 'button', class: 'btn btn-secondary' }, t('common.cancel'));

	const form = h('form', { novalidate: true, class: 'stack' },
		h('h2', { id: 'cat-e-title' }, adding ? t('cat.addTitle', { n: cat.version }) : t('cat.editTitle', { code: it.code })),
		summary,
		field('code', 'cat.col.code', code, adding ? t('cat.codeHint') : null),
		field('title_vi', 'cat.titleVi', titleVi),
		field('title_en', 'cat.titleEn', titleEn),
		field('legal_basis', 'cat.legal', legal),
		field('applies', 'cat.col.applies', applies),
		field('required', 'cat.col.required', required, t('cat.requiredHint')),
		field('categories', 'cat.categories', cats, t('cat.categoriesHint')),
		field('position', 'cat.col.position', position, adding ? t('cat.positionHint') : null),
		h('div', { class: 'field', 'data-field': 'active' }, h('label', { class: 'check', for: 'cat-e-active' }, active, t('cat.activeLabel'))),
		h('div', { class: 'form-actions' }, save, cancel));
	const dlg = h('dialog', { class: 'confirm-dialog cat-dialog', 'aria-labelledby': 'cat-e-title', 'data-testid': 'cat-dialog' }, form);
	const close = () => {
		if (dlg.open)
			dlg.close();
		dlg.remove();
	};
	cancel.addEventListener('click', close);
	dlg.addEventListener('close', () => dlg.remove());

	const showErrors = (errs) => {
		for (const f of Object.values(fields)) {
			f.err.hidden = true;
			f.err.textContent = '';
		}
		clear(summary);
		summary.hidden = !errs.length;
		if (!errs.length)
			return;
		summary.appendChild(h('p', null, t('reg.error.fix', { n: errs.length })));
		summary.appendChild(h('ul', null, errs.map((e) => h('li', null, e.message))));
		for (const e of errs) {
			const f = fields[e.field];
			if (f) {
				f.err.textContent = e.message;
				f.err.hidden = false;
			}
		}
		summary.focus();
	};

	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const val = {
			code: code.value.trim().toUpperCase(),
			title_vi: titleVi.value.trim(),
			title_en: titleEn.value.trim(),
			legal_basis: legal.value.trim(),
			applies: applies.get(),
			required: required.get(),
			categories: cats.get(),
			position: position.value.trim(),
			active: active.checked,
		};
		const errs = checkItem(val, adding);
		showErrors(errs);
		if (errs.length)
			return;
		const body = Object.assign({}, val);
		if (body.position === '')
			delete body.position;
		else
			body.position = Number(body.position);
		save.disabled = true;
		try {
			if (adding) {
				await apiSend('POST', '/condition-catalogue/versions/' + cat.version + '/items', body);
			} else {
				delete body.code;
				await apiSend('PATCH', '/condition-catalogue/versions/' + cat.version + '/items/' + encodeURIComponent(it.code), body);
			}
			close();
			done();
		} catch (e) {
			save.disabled = false;
			showErrors([{ field: e.field || '', message: msg(e) }]);
		}
	});
	// Empty position while adding: the server puts the item last.
	if (adding)
		position.value = '';
	document.body.appendChild(dlg);
	dlg.showModal();
	(adding ? code : titleVi).focus();
}
