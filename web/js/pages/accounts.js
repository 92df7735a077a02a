// Account administration (#/accounts?unit=&role=&q=), for admins only
// (guarded in app.js; the server answers 403/404 outside the admin's unit
// subtree anyway). A filtered, paged list (GET /api/v1/accounts) with CSV
// and Excel exports of the whole filtered set; disable, enable and reset
// (each confirmed in a dialog); a form creating one account whose
// temporary password is shown once, with a copy button; an edit dialog
// (name, role, unit, covered communes: PATCH /api/v1/accounts/{id}); and a
// CSV import (username,display_name,role,unit[,covered_communes]) that
// reports the rejected rows by line and the temporary passwords of the
// created ones.
import { h, clear, icon } from '../dom.js';
import { t, locale } from '../i18n.js';
import { apiGet, apiSend, apiUrl, localMessage } from '../api.js';
import { currentUser } from '../auth.js';

export const ROLES = ['citizen', 'facility_owner', 'commune_officer', 'fire_team',
	'city_fire_police', 'dispatcher', 'auditor', 'admin'];
const PAGE_SIZE = 20;
const IMPORT_MAX_BYTES = 2 * 1024 * 1024;

export function mount(container, route) {
	const view = new AccountsPage(container);
	view.update(route);
	return view;
}

// A modal yes/no question (<dialog>); resolves true on confirm.
export function confirmDialog(title, text, okLabel) {
	return new Promise((resolve) => {
		const ok = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'confirm-ok' }, okLabel);
		const cancel = h('button', { type: 'button', class: 'btn btn-secondary' }, t('common.cancel'));
		const dlg = h('dialog', { class: 'confirm-dialog', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-text' },
			h('h2', { id: 'confirm-title' }, title),
			h('p', { id: 'confirm-text' }, text),
			h('div', { class: 'form-actions' }, ok, cancel));
		let answered = false;
		const done = (v) => {
			if (answered)
				return;
			answered = true;
			if (dlg.open)
				dlg.close();
			dlg.remove();
			resolve(v);
		};
		ok.addEventListener('click', () => done(true));
		cancel.addEventListener('click', () => done(false));
		dlg.addEventListener('close', () => done(false));
		document.body.appendChild(dlg);
		dlg.showModal();
		cancel.focus();
	});
}

// Copies text; falls back to selecting it in input for a manual copy.
async function copyText(text, input, status) {
	let ok = false;
	try {
		await navigator.clipboard.writeText(text);
		ok = true;
	} catch (e) {
		if (input) {
			input.focus();
			input.select();
			try {
				ok = document.execCommand('copy');
			} catch (e2) {
				ok = false;
			}
		}
	}
	if (status)
		status.textContent = ok ? t('accounts.copied') : t('accounts.copyManual');
}

// "Temporary password of X (shown once)" with a copy button.
function secretBox(username, password, titleKey) {
	const input = h('input', {
		class: 'input mono secret-value', type: 'text', readonly: true, value: password,
		'aria-label': t('accounts.tempPassword'), 'data-testid': 'temp-password', spellcheck: 'false',
	});
	const status = h('span', { class: 'hint', role: 'status' });
	return h('div', { class: 'secret-box', role: 'status', 'data-testid': 'secret-box' },
		h('p', { class: 'secret-title' }, t(titleKey, { user: username })),
		h('div', { class: 'secret-row' }, input,
			h('button', {
				type: 'button', class: 'btn btn-secondary', 'data-testid': 'copy-password',
				onClick: () => copyText(password, input, status),
			}, t('accounts.copy'))),
		status,
		h('p', { class: 'hint' }, t('accounts.onceOnly')));
}

function fmtDate(iso) {
	if (!iso)
		return '';
	const d = new Date(iso);
	if (Number.isNaN(d.getTime()))
		return iso;
	return new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'short' }).format(d);
}

class AccountsPage {
	constructor(container) {
		this.destroyed = false;
		this.gen = 0;
		this.cursors = [null];   // cursor of each page seen; last = current
		this.filterKey = null;
		this.build(container);
	}

	destroy() {
		this.destroyed = true;
	}

	build(container) {
		const me = currentUser();
		/* filters */
		this.fUnit = h('input', { id: 'acc-f-unit', class: 'input', inputmode: 'numeric', maxlength: '5', pattern: '[0-9]*', autocomplete: 'off' });
		this.fRole = h('select', { id: 'acc-f-role', class: 'input' },
			h('option', { value: '' }, t('accounts.allRoles')),
			ROLES.map((r) => h('option', { value: r }, t('role.' + r))));
		this.fQ = h('input', { id: 'acc-f-q', class: 'input', type: 'search', autocomplete: 'off', maxlength: '100' });
		const filters = h('form', { class: 'toolbar card filters', id: 'accounts-filter', role: 'search', 'aria-label': t('accounts.filter') },
			h('div', { class: 'field' }, h('label', { for: 'acc-f-unit' }, t('accounts.unit')), this.fUnit),
			h('div', { class: 'field' }, h('label', { for: 'acc-f-role' }, t('accounts.role')), this.fRole),
			h('div', { class: 'field' }, h('label', { for: 'acc-f-q' }, t('accounts.search')), this.fQ),
			h('div', { class: 'field field-buttons' },
				h('button', { type: 'submit', class: 'btn btn-primary' }, icon('search'), t('accounts.apply')),
				h('a', { class: 'btn btn-link', href: '#/accounts' }, t('accounts.clear'))));
		filters.addEventListener('submit', (ev) => {
			ev.preventDefault();
			const q = new URLSearchParams();
			if (this.fUnit.value.trim())
				q.set('unit', this.fUnit.value.trim());
			if (this.fRole.value)
				q.set('role', this.fRole.value);
			if (this.fQ.value.trim())
				q.set('q', this.fQ.value.trim());
			const s = q.toString();
			window.location.hash = '#/accounts' + (s ? '?' + s : '');
		});

		/* list */
		this.summary = h('span', { class: 'panel-sub', id: 'accounts-summary', 'aria-live': 'polite' });
		this.csv = h('a', { class: 'small-link', 'data-testid': 'export-csv', download: '' }, icon('download'), 'CSV');
		this.xlsx = h('a', { class: 'small-link', 'data-testid': 'export-xlsx', download: '' }, icon('download'), 'Excel');
		this.listMsg = h('div', { class: 'list-msg', role: 'status' });
		this.actionMsg = h('div', { class: 'action-msg', 'aria-live': 'polite' });
		this.tbody = h('tbody');
		this.table = h('table', { class: 'data-table', id: 'accounts-table' },
			h('caption', { class: 'visually-hidden' }, t('accounts.listTitle')),
			h('thead', null, h('tr', null,
				h('th', { scope: 'col' }, t('accounts.username')),
				h('th', { scope: 'col' }, t('accounts.displayName')),
				h('th', { scope: 'col' }, t('accounts.role')),
				h('th', { scope: 'col' }, t('accounts.unit')),
				h('th', { scope: 'col' }, t('accounts.status')),
				h('th', { scope: 'col' }, t('accounts.actions')))),
			this.tbody);
		this.prev = h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => this.page(-1) }, t('list.prev'));
		this.nextBtn = h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => this.page(1) }, t('list.next'));
		this.pageInfo = h('span', { class: 'muted' });

		/* create */
		this.cUser = h('input', { id: 'acc-c-username', class: 'input', required: true, maxlength: '63', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', 'aria-describedby': 'acc-c-username-hint acc-c-username-err' });
		this.cName = h('input', { id: 'acc-c-name', class: 'input', maxlength: '120', autocomplete: 'off', 'aria-describedby': 'acc-c-name-err' });
		this.cRole = h('select', { id: 'acc-c-role', class: 'input', required: true, 'aria-describedby': 'acc-c-role-err' },
			ROLES.map((r) => h('option', { value: r, selected: r === 'commune_officer' }, t('role.' + r))));
		this.cUnit = h('input', { id: 'acc-c-unit', class: 'input', required: true, inputmode: 'numeric', maxlength: '5', autocomplete: 'off', value: me && me.unit ? me.unit : '', 'aria-describedby': 'acc-c-unit-hint acc-c-unit-err' });
		this.cCovered = h('input', { id: 'acc-c-covered', class: 'input', autocomplete: 'off', 'aria-describedby': 'acc-c-covered-hint acc-c-covered_communes-err' });
		this.coveredField = h('div', { class: 'field', hidden: true },
			h('label', { for: 'acc-c-covered' }, t('accounts.covered')), this.cCovered,
			h('p', { id: 'acc-c-covered-hint', class: 'hint' }, t('accounts.coveredHint')),
			this.errEl('acc-c-covered_communes-err'));
		this.cRole.addEventListener('change', () => {
			this.coveredField.hidden = this.cRole.value !== 'fire_team';
		});
		this.createErr = h('div', { class: 'alert', role: 'alert', hidden: true });
		this.createOut = h('div', { id: 'create-result' });
		const createForm = h('form', { id: 'account-create', class: 'form', novalidate: true },
			h('div', { class: 'field' }, h('label', { for: 'acc-c-username' }, t('accounts.username')), this.cUser,
				h('p', { id: 'acc-c-username-hint', class: 'hint' }, t('accounts.usernameHint')), this.errEl('acc-c-username-err')),
			h('div', { class: 'field' }, h('label', { for: 'acc-c-name' }, t('accounts.displayName')), this.cName, this.errEl('acc-c-name-err')),
			h('div', { class: 'field' }, h('label', { for: 'acc-c-role' }, t('accounts.role')), this.cRole, this.errEl('acc-c-role-err')),
			h('div', { class: 'field' }, h('label', { for: 'acc-c-unit' }, t('accounts.unit')), this.cUnit,
				h('p', { id: 'acc-c-unit-hint', class: 'hint' }, t('accounts.unitHint')), this.errEl('acc-c-unit-err')),
			this.coveredField,
			this.createErr,
			h('div', { class: 'form-actions' },
				h('button', { type: 'submit', class: 'btn btn-primary', id: 'acc-c-submit' }, t('accounts.create'))));
		createForm.addEventListener('submit', (ev) => {
			ev.preventDefault();
			this.create();
		});
		this.createForm = createForm;

		/* import */
		this.iFile = h('input', { id: 'acc-i-file', class: 'input', type: 'file', accept: '.csv,text/csv', 'aria-describedby': 'acc-i-hint' });
		this.importOut = h('div', { id: 'import-result', 'aria-live': 'polite' });
		const importForm = h('form', { id: 'account-import', class: 'form', novalidate: true },
			h('div', { class: 'field' }, h('label', { for: 'acc-i-file' }, t('accounts.importFile')), this.iFile,
				h('p', { id: 'acc-i-hint', class: 'hint' }, t('accounts.importHint'))),
			h('div', { class: 'form-actions' },
				h('button', { type: 'submit', class: 'btn btn-primary', id: 'acc-i-submit' }, t('accounts.importButton'))));
		importForm.addEventListener('submit', (ev) => {
			ev.preventDefault();
			this.importCsv();
		});

		container.appendChild(h('section', { class: 'page page-accounts', 'aria-labelledby': 'page-title' },
			h('div', { class: 'page-head' },
				h('h1', { id: 'page-title' }, t('accounts.title')),
				h('p', { class: 'lead' }, t('accounts.lead'))),
			filters,
			h('div', { class: 'admin-grid' },
				h('section', { class: 'panel', 'aria-labelledby': 'acc-list-title' },
					h('div', { class: 'panel-head' },
						h('h2', { id: 'acc-list-title' }, t('accounts.listTitle')),
						h('span', { class: 'downloads' }, this.csv, this.xlsx)),
					h('div', { class: 'panel-body' }, this.summary, this.actionMsg, this.listMsg,
						h('div', { class: 'table-scroll' }, this.table),
						h('div', { class: 'pager' }, this.prev, this.pageInfo, this.nextBtn))),
				h('div', { class: 'side-col' },
					h('section', { class: 'panel', 'aria-labelledby': 'acc-create-title' },
						h('div', { class: 'panel-head' }, h('h2', { id: 'acc-create-title' }, t('accounts.createTitle'))),
						h('div', { class: 'panel-body' }, this.createOut, createForm)),
					h('section', { class: 'panel', 'aria-labelledby': 'acc-import-title' },
						h('div', { class: 'panel-head' }, h('h2', { id: 'acc-import-title' }, t('accounts.importTitle'))),
						h('div', { class: 'panel-body' }, importForm, this.importOut))))));
	}

	errEl(id) {
		return h('p', { id, class: 'field-error', hidden: true });
	}

	filters() {
		return { unit: this.route.query.get('unit') || '', role: this.route.query.get('role') || '', q: this.route.query.get('q') || '' };
	}

	update(route) {
		this.route = route;
		const f = this.filters();
		this.fUnit.value = f.unit;
		this.fRole.value = ROLES.includes(f.role) ? f.role : '';
		this.fQ.value = f.q;
		const key = JSON.stringify(f);
		if (key !== this.filterKey) {
			this.filterKey = key;
			this.cursors = [null];
		}
		this.csv.setAttribute('href', apiUrl('/accounts', Object.assign({}, f, { format: 'csv' })));
		this.xlsx.setAttribute('href', apiUrl('/accounts', Object.assign({}, f, { format: 'xlsx' })));
		this.load();
	}

	page(dir) {
		if (dir > 0 && this.nextCursor)
			this.cursors.push(this.nextCursor);
		else if (dir < 0 && this.cursors.length > 1)
			this.cursors.pop();
		this.load();
	}

	async load() {
		const gen = ++this.gen;
		const f = this.filters();
		const cursor = this.cursors[this.cursors.length - 1];
		this.table.setAttribute('aria-busy', 'true');
		let res;
		try {
			res = await apiGet('/accounts', Object.assign({}, f, { limit: PAGE_SIZE, cursor }), { cache: false });
		} catch (e) {
			if (gen !== this.gen || this.destroyed)
				return;
			this.table.removeAttribute('aria-busy');
			clear(this.tbody);
			clear(this.listMsg, h('div', { class: 'alert', role: 'alert' }, h('p', null, t('error.load', { message: e.message }))));
			return;
		}
		if (gen !== this.gen || this.destroyed)
			return;
		this.table.removeAttribute('aria-busy');
		const items = res.items || [];
		this.nextCursor = res.next_cursor || null;
		clear(this.listMsg, items.length ? null : h('p', { class: 'muted' }, t('accounts.none')));
		clear(this.tbody, items.map((a) => this.row(a)));
		const pageNo = this.cursors.length;
		this.summary.textContent = t('list.pageOf', { page: pageNo, n: items.length });
		this.pageInfo.textContent = t('list.page', { page: pageNo });
		this.prev.disabled = pageNo <= 1;
		this.nextBtn.disabled = !this.nextCursor;
		this.fillUnitNames();
	}

	row(a) {
		const me = currentUser();
		const self = me && me.id === a.id;
		const status = [];
		status.push(a.disabled
			? h('span', { class: 'badge badge-off' }, t('accounts.disabled'))
			: h('span', { class: 'badge badge-on' }, t('accounts.active')));
		if (a.must_change_password)
			status.push(h('span', { class: 'badge' }, t('accounts.mustChange')));
		const actions = [h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-action': 'edit',
			onClick: () => this.edit(a) }, t('accounts.edit'))];
		if (a.disabled)
			actions.push(h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-action': 'enable',
				onClick: () => this.act(a, 'enable') }, t('accounts.enable')));
		else if (!self)
			actions.push(h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-action': 'disable',
				onClick: () => this.act(a, 'disable') }, t('accounts.disable')));
		actions.push(h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'data-action': 'reset',
			onClick: () => this.act(a, 'reset-password') }, t('accounts.reset')));
		const covered = (a.covered_communes || []).length
			? h('div', { class: 'hint' }, t('accounts.coveredShort', { list: a.covered_communes.join(', ') })) : null;
		return h('tr', { 'data-username': a.username, class: a.disabled ? 'row-off' : null },
			h('td', { class: 'mono' }, a.username),
			h('td', null, a.display_name || ''),
			h('td', null, t('role.' + a.role)),
			h('td', null, h('span', { class: 'unit-code mono', 'data-unit': a.unit || '' }, a.unit || '—'),
				h('span', { class: 'unit-name', 'data-unit-name': a.unit || '' }), covered),
			h('td', null, h('span', { class: 'badges' }, status),
				h('div', { class: 'hint' }, t('accounts.createdAt', { date: fmtDate(a.created_at) }))),
			h('td', null, h('span', { class: 'row-actions' }, actions)));
	}

	// Unit names next to the codes (unit reads are cached by api.js).
	fillUnitNames() {
		const codes = new Set();
		for (const el of this.tbody.querySelectorAll('[data-unit-name]'))
			if (el.dataset.unitName)
				codes.add(el.dataset.unitName);
		for (const code of codes) {
			apiGet('/units/' + encodeURIComponent(code)).then((u) => {
				if (this.destroyed || !u || !u.name)
					return;
				for (const el of this.tbody.querySelectorAll('[data-unit-name="' + code + '"]'))
					el.textContent = ' ' + u.name;
			}).catch(() => {});
		}
	}

	async act(a, what) {
		const keys = {
			disable: ['accounts.confirmDisable', 'accounts.disable', 'accounts.didDisable'],
			enable: ['accounts.confirmEnable', 'accounts.enable', 'accounts.didEnable'],
			'reset-password': ['accounts.confirmReset', 'accounts.reset', 'accounts.didReset'],
		}[what];
		const yes = await confirmDialog(t(keys[1]), t(keys[0], { user: a.username }), t(keys[1]));
		if (!yes || this.destroyed)
			return;
		clear(this.actionMsg);
		let res;
		try {
			res = await apiSend('POST', '/accounts/' + encodeURIComponent(a.id) + '/' + what);
		} catch (e) {
			if (!this.destroyed)
				clear(this.actionMsg, h('div', { class: 'alert', role: 'alert' }, h('p', null, e.message)));
			return;
		}
		if (this.destroyed)
			return;
		if (res && res.temporary_password)
			clear(this.actionMsg, secretBox(a.username, res.temporary_password, 'accounts.resetDone'));
		else
			clear(this.actionMsg, h('div', { class: 'notice notice-ok', role: 'status' }, h('p', null, t(keys[2], { user: a.username }))));
		this.load();
	}

	// The edit dialog; PATCH sends only what changed.
	edit(a) {
		const name = h('input', { id: 'acc-e-name', class: 'input', maxlength: '120', value: a.display_name || '', autocomplete: 'off' });
		const role = h('select', { id: 'acc-e-role', class: 'input' },
			ROLES.map((r) => h('option', { value: r, selected: r === a.role }, t('role.' + r))));
		const unit = h('input', { id: 'acc-e-unit', class: 'input', inputmode: 'numeric', maxlength: '5', value: a.unit || '', autocomplete: 'off' });
		const covered = h('input', { id: 'acc-e-covered', class: 'input', value: (a.covered_communes || []).join(', '), autocomplete: 'off' });
		const coveredField = h('div', { class: 'field', hidden: a.role !== 'fire_team' },
			h('label', { for: 'acc-e-covered' }, t('accounts.covered')), covered,
			h('p', { class: 'hint' }, t('accounts.coveredHint')));
		role.addEventListener('change', () => {
			coveredField.hidden = role.value !== 'fire_team';
		});
		const err = h('div', { class: 'alert', role: 'alert', hidden: true });
		const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'edit-save' }, t('accounts.save'));
		const cancel = h('button', { type: 'button', class: 'btn btn-secondary' }, t('common.cancel'));
		const form = h('form', { class: 'form', novalidate: true },
			h('div', { class: 'field' }, h('label', { for: 'acc-e-name' }, t('accounts.displayName')), name),
			h('div', { class: 'field' }, h('label', { for: 'acc-e-role' }, t('accounts.role')), role),
			h('div', { class: 'field' }, h('label', { for: 'acc-e-unit' }, t('accounts.unit')), unit,
				h('p', { class: 'hint' }, t('accounts.unitHint'))),
			coveredField, err,
			h('div', { class: 'form-actions' }, save, cancel));
		const dlg = h('dialog', { class: 'confirm-dialog edit-dialog', 'aria-labelledby': 'edit-title' },
			h('h2', { id: 'edit-title' }, t('accounts.editTitle', { user: a.username })), form);
		const showErr = (msg) => {
			clear(err, msg ? h('p', null, msg) : null);
			err.hidden = !msg;
		};
		cancel.addEventListener('click', () => dlg.close());
		dlg.addEventListener('close', () => dlg.remove());
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const body = {};
			if (name.value.trim() !== (a.display_name || ''))
				body.display_name = name.value.trim();
			if (role.value !== a.role)
				body.role = role.value;
			if (unit.value.trim() !== (a.unit || '')) {
				if (!/^(\d{2}|\d{5})$/.test(unit.value.trim())) {
					showErr(t('accounts.badUnit'));
					unit.focus();
					return;
				}
				body.unit = unit.value.trim();
			}
			if (role.value === 'fire_team') {
				const list = covered.value.split(/[\s,;]+/).filter(Boolean);
				if (list.some((c) => !/^\d{5}$/.test(c))) {
					showErr(t('accounts.badCovered'));
					covered.focus();
					return;
				}
				if (list.join(',') !== (a.covered_communes || []).join(','))
					body.covered_communes = list;
			}
			if (!Object.keys(body).length) {
				dlg.close();
				return;
			}
			save.disabled = true;
			try {
				await apiSend('PATCH', '/accounts/' + encodeURIComponent(a.id), body);
			} catch (e) {
				save.disabled = false;
				showErr(e.message);
				return;
			}
			dlg.close();
			if (this.destroyed)
				return;
			clear(this.actionMsg, h('div', { class: 'notice notice-ok', role: 'status' },
				h('p', null, t('accounts.didEdit', { user: a.username }))));
			this.load();
		});
		document.body.appendChild(dlg);
		dlg.showModal();
		name.focus();
	}

	setFieldErr(field, msg) {
		for (const el of this.createForm.querySelectorAll('.field-error')) {
			const on = !!msg && el.id === 'acc-c-' + field + '-err';
			el.textContent = on ? msg : '';
			el.hidden = !on;
		}
		for (const inp of this.createForm.querySelectorAll('[aria-invalid]'))
			inp.removeAttribute('aria-invalid');
		const map = { username: this.cUser, display_name: this.cName, role: this.cRole, unit: this.cUnit, covered_communes: this.cCovered };
		if (msg && map[field]) {
			map[field].setAttribute('aria-invalid', 'true');
			map[field].focus();
		}
	}

	async create() {
		const username = this.cUser.value.trim().toLowerCase();
		const unit = this.cUnit.value.trim();
		this.createErr.hidden = true;
		clear(this.createOut);
		if (!/^[a-z0-9._-]{3,63}$/.test(username)) {
			this.setFieldErr('username', t('accounts.badUsername'));
			return;
		}
		if (!/^(\d{2}|\d{5})$/.test(unit)) {
			this.setFieldErr('unit', t('accounts.badUnit'));
			return;
		}
		this.setFieldErr(null, '');
		const body = { username, display_name: this.cName.value.trim(), role: this.cRole.value, unit };
		if (this.cRole.value === 'fire_team') {
			const list = this.cCovered.value.split(/[\s,;]+/).filter(Boolean);
			if (list.some((c) => !/^\d{5}$/.test(c))) {
				this.setFieldErr('covered_communes', t('accounts.badCovered'));
				return;
			}
			body.covered_communes = list;
		}
		const btn = this.createForm.querySelector('#acc-c-submit');
		btn.disabled = true;
		let res;
		try {
			res = await apiSend('POST', '/accounts', body);
		} catch (e) {
			btn.disabled = false;
			if (this.destroyed)
				return;
			const known = ['username', 'display_name', 'role', 'unit', 'covered_communes'];
			if (e.field && known.includes(e.field)) {
				this.setFieldErr(e.field, e.message);
			} else {
				clear(this.createErr, h('p', null, e.message));
				this.createErr.hidden = false;
			}
			return;
		}
		btn.disabled = false;
		if (this.destroyed)
			return;
		const acc = (res && res.account) || { username };
		clear(this.createOut, res && res.temporary_password
			? secretBox(acc.username, res.temporary_password, 'accounts.created')
			: h('div', { class: 'notice notice-ok', role: 'status' }, h('p', null, t('accounts.createdNoPw', { user: acc.username }))));
		this.cUser.value = '';
		this.cName.value = '';
		this.cCovered.value = '';
		this.load();
	}

	async importCsv() {
		const file = this.iFile.files && this.iFile.files[0];
		clear(this.importOut);
		if (!file) {
			clear(this.importOut, h('div', { class: 'alert', role: 'alert' }, h('p', null, t('accounts.importNoFile'))));
			return;
		}
		if (file.size > IMPORT_MAX_BYTES) {
			clear(this.importOut, h('div', { class: 'alert', role: 'alert' }, h('p', null, t('accounts.importTooBig'))));
			return;
		}
		const btn = document.getElementById('acc-i-submit');
		btn.disabled = true;
		let res;
		try {
			const text = await file.text();
			res = await apiSend('POST', '/accounts/import', text, { type: 'text/csv; charset=utf-8' });
		} catch (e) {
			btn.disabled = false;
			if (!this.destroyed)
				clear(this.importOut, h('div', { class: 'alert', role: 'alert' }, h('p', null, e.message)));
			return;
		}
		btn.disabled = false;
		if (this.destroyed)
			return;
		const created = res.created || [];
		const rejected = res.rejected || [];
		const parts = [h('div', { class: rejected.length ? 'notice notice-warn' : 'notice notice-ok', role: 'status', 'data-testid': 'import-summary' },
			h('p', null, t('accounts.importDone', { created: res.created_count || created.length, rejected: res.rejected_count || rejected.length })))];
		if (rejected.length) {
			parts.push(h('h3', { class: 'sub-title' }, t('accounts.rejectedTitle')),
				h('div', { class: 'table-scroll' }, h('table', { class: 'data-table', 'data-testid': 'import-rejected' },
					h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('accounts.line')), h('th', { scope: 'col' }, t('accounts.reason')))),
					h('tbody', null, rejected.map((r) => h('tr', null,
						h('td', { class: 'mono' }, String(r.line)), h('td', null, localMessage(String(r.message || '')))))))));
		}
		if (created.length) {
			const csv = 'username,temporary_password\n' + created.map((c) => c.username + ',' + c.temporary_password).join('\n') + '\n';
			const status = h('span', { class: 'hint', role: 'status' });
			parts.push(h('h3', { class: 'sub-title' }, t('accounts.createdTitle')),
				h('p', { class: 'hint' }, t('accounts.onceOnly')),
				h('div', { class: 'table-scroll' }, h('table', { class: 'data-table', 'data-testid': 'import-created' },
					h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('accounts.line')),
						h('th', { scope: 'col' }, t('accounts.username')), h('th', { scope: 'col' }, t('accounts.tempPassword')))),
					h('tbody', null, created.map((c) => h('tr', null,
						h('td', { class: 'mono' }, String(c.line)), h('td', { class: 'mono' }, c.username),
						h('td', { class: 'mono' }, c.temporary_password)))))),
				h('p', null, h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => copyText(csv, null, status) },
					t('accounts.copyAll')), ' ', status));
		}
		clear(this.importOut, parts);
		this.iFile.value = '';
		this.load();
	}
}

