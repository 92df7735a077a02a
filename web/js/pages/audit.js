// Audit trail viewer (#/audit?actor=&action=&record_type=&from=&to=), for
// auditors only (guarded in app.js; GET /api/v1/audit needs audit.read).
// Filters by who, what, which kind of record and a date range; a paged
// table, newest first; CSV and Excel exports of the whole filtered set (each
// export is itself written to the trail by the server). The dates are calendar
// days of the browser's time zone, sent as Unix milliseconds (start of
// "from", end of "to") so that an evening in Hà Nội is not a UTC day off.
import { h, clear, icon } from '../dom.js';
import { t, tOr, locale } from '../i18n.js';
import { apiGet, apiUrl } from '../api.js';

const PAGE_SIZE = 50;
const ACTIONS = ['login', 'login.failed', 'logout', 'logout_all', 'password.change',
	'password.change_failed', 'account.create', 'account.update', 'account.disable',
	'account.enable', 'account.reset_password', 'account.import', 'audit.export'];
const RECORD_TYPES = ['account', 'audit', 'house', 'resident', 'facility', 'incident', 'device'];
const FILTERS = ['actor', 'action', 'record_type', 'from', 'to'];

export function mount(container, route) {
	const view = new AuditPage(container);
	view.update(route);
	return view;
}

function fmtTime(iso) {
	const d = new Date(iso);
	if (!iso || Number.isNaN(d.getTime()))
		return iso || '';
	return new Intl.DateTimeFormat(locale(), {
		year: 'numeric', month: '2-digit', day: '2-digit',
		hour: '2-digit', minute: '2-digit', second: '2-digit',
	}).format(d);
}

function fieldsText(f) {
	if (f === null || f === undefined)
		return '';
	if (typeof f !== 'object')
		return String(f);
	return Object.entries(f).map(([k, v]) =>
		k + ': ' + (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v))).join('; ');
}

class AuditPage {
	constructor(container) {
		this.destroyed = false;
		this.gen = 0;
		this.cursors = [null];
		this.filterKey = null;
		this.build(container);
	}

	destroy() {
		this.destroyed = true;
	}

	build(container) {
		this.in = {
			actor: h('input', { id: 'aud-actor', class: 'input', autocomplete: 'off', maxlength: '100', spellcheck: 'false' }),
			action: h('input', { id: 'aud-action', class: 'input', autocomplete: 'off', maxlength: '100', list: 'aud-actions', spellcheck: 'false' }),
			record_type: h('select', { id: 'aud-type', class: 'input' },
				h('option', { value: '' }, t('audit.anyType')),
				RECORD_TYPES.map((r) => h('option', { value: r }, tOr('audit.type.' + r, r)))),
			from: h('input', { id: 'aud-from', class: 'input', type: 'date' }),
			to: h('input', { id: 'aud-to', class: 'input', type: 'date' }),
		};
		const datalist = h('datalist', { id: 'aud-actions' },
			ACTIONS.map((a) => h('option', { value: a }, tOr('audit.act.' + a, a))));
		this.err = h('div', { class: 'list-msg', role: 'status' });
		const form = h('form', { id: 'audit-filter', class: 'toolbar card filters filters-audit', role: 'search', 'aria-label': t('audit.filter') },
			h('div', { class: 'field' }, h('label', { for: 'aud-actor' }, t('audit.actor')), this.in.actor),
			h('div', { class: 'field' }, h('label', { for: 'aud-action' }, t('audit.action')), this.in.action, datalist),
			h('div', { class: 'field' }, h('label', { for: 'aud-type' }, t('audit.recordType')), this.in.record_type),
			h('div', { class: 'field' }, h('label', { for: 'aud-from' }, t('audit.from')), this.in.from),
			h('div', { class: 'field' }, h('label', { for: 'aud-to' }, t('audit.to')), this.in.to),
			h('div', { class: 'field field-buttons' },
				h('button', { type: 'submit', class: 'btn btn-primary' }, icon('search'), t('accounts.apply')),
				h('a', { class: 'btn btn-link', href: '#/audit' }, t('accounts.clear'))));
		form.addEventListener('submit', (ev) => {
			ev.preventDefault();
			if (this.in.from.value && this.in.to.value && this.in.from.value > this.in.to.value) {
				clear(this.err, h('div', { class: 'alert', role: 'alert' }, h('p', null, t('audit.badRange'))));
				this.in.to.focus();
				return;
			}
			const q = new URLSearchParams();
			for (const k of FILTERS) {
				const v = this.in[k].value.trim();
				if (v)
					q.set(k, v);
			}
			const s = q.toString();
			window.location.hash = '#/audit' + (s ? '?' + s : '');
		});

		this.csv = h('a', { class: 'small-link', 'data-testid': 'audit-csv', download: '' }, icon('download'), t('audit.exportCsv'));
		this.xlsx = h('a', { class: 'small-link', 'data-testid': 'audit-xlsx', download: '' }, icon('download'), t('audit.exportXlsx'));
		this.summary = h('span', { class: 'panel-sub', 'aria-live': 'polite' });
		this.tbody = h('tbody');
		this.table = h('table', { class: 'data-table audit-table', id: 'audit-table' },
			h('caption', { class: 'visually-hidden' }, t('audit.listTitle')),
			h('thead', null, h('tr', null,
				h('th', { scope: 'col' }, t('audit.seq')),
				h('th', { scope: 'col' }, t('audit.time')),
				h('th', { scope: 'col' }, t('audit.actor')),
				h('th', { scope: 'col' }, t('audit.action')),
				h('th', { scope: 'col' }, t('audit.record')),
				h('th', { scope: 'col' }, t('audit.fields')),
				h('th', { scope: 'col' }, t('audit.remote')))),
			this.tbody);
		this.prev = h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => this.page(-1) }, t('list.prev'));
		this.nextBtn = h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => this.page(1) }, t('list.next'));
		this.pageInfo = h('span', { class: 'muted' });

		container.appendChild(h('section', { class: 'page page-audit', 'aria-labelledby': 'page-title' },
			h('div', { class: 'page-head' },
				h('h1', { id: 'page-title' }, t('audit.title')),
				h('p', { class: 'lead' }, t('audit.lead'))),
			form,
			h('section', { class: 'panel', 'aria-labelledby': 'aud-list-title' },
				h('div', { class: 'panel-head' },
					h('h2', { id: 'aud-list-title' }, t('audit.listTitle')),
					h('span', { class: 'downloads' }, this.csv, this.xlsx)),
				h('div', { class: 'panel-body' }, this.summary, this.err,
					h('div', { class: 'table-scroll' }, this.table),
					h('div', { class: 'pager' }, this.prev, this.pageInfo, this.nextBtn)))));
	}

	filters() {
		const f = {};
		for (const k of FILTERS)
			f[k] = this.route.query.get(k) || '';
		return f;
	}

	// The filters as the API takes them: dates → local day bounds in ms.
	apiFilters() {
		const f = this.filters();
		const day = (s, end) => {
			const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
			if (!m)
				return s;
			const start = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (end ? 1 : 0));
			return String(start.getTime() - (end ? 1 : 0));
		};
		if (f.from)
			f.from = day(f.from, false);
		if (f.to)
			f.to = day(f.to, true);
		return f;
	}

	update(route) {
		this.route = route;
		const f = this.filters();
		for (const k of FILTERS)
			this.in[k].value = f[k];
		const key = JSON.stringify(f);
		if (key !== this.filterKey) {
			this.filterKey = key;
			this.cursors = [null];
		}
		this.csv.setAttribute('href', apiUrl('/audit', Object.assign({}, this.apiFilters(), { format: 'csv' })));
		this.xlsx.setAttribute('href', apiUrl('/audit', Object.assign({}, this.apiFilters(), { format: 'xlsx' })));
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
		const cursor = this.cursors[this.cursors.length - 1];
		this.table.setAttribute('aria-busy', 'true');
		let res;
		try {
			res = await apiGet('/audit', Object.assign({}, this.apiFilters(), { limit: PAGE_SIZE, cursor }), { cache: false });
		} catch (e) {
			if (gen !== this.gen || this.destroyed)
				return;
			this.table.removeAttribute('aria-busy');
			clear(this.tbody);
			clear(this.err, h('div', { class: 'alert', role: 'alert' }, h('p', null, t('error.load', { message: e.message }))));
			return;
		}
		if (gen !== this.gen || this.destroyed)
			return;
		this.table.removeAttribute('aria-busy');
		const items = res.items || [];
		this.nextCursor = res.next_cursor || null;
		clear(this.err, items.length ? null : h('p', { class: 'muted' }, t('audit.none')));
		clear(this.tbody, items.map((e) => this.row(e)));
		const pageNo = this.cursors.length;
		this.summary.textContent = t('list.pageOf', { page: pageNo, n: items.length });
		this.pageInfo.textContent = t('list.page', { page: pageNo });
		this.prev.disabled = pageNo <= 1;
		this.nextBtn.disabled = !this.nextCursor;
	}

	row(e) {
		const who = e.actor || t('audit.system');
		return h('tr', { 'data-action': e.action || '', 'data-seq': e.seq },
			h('td', { class: 'mono' }, String(e.seq === undefined ? '' : e.seq)),
			h('td', { class: 'nowrap' }, h('time', { datetime: e.ts || '' }, fmtTime(e.ts))),
			h('td', null, h('span', { class: 'mono' }, who),
				e.role ? h('div', { class: 'hint' }, tOr('role.' + e.role, e.role) + (e.unit ? ' · ' + e.unit : '')) : null),
			h('td', null, tOr('audit.act.' + e.action, e.action || ''),
				h('div', { class: 'hint mono' }, e.action || '')),
			h('td', null, e.record_type ? tOr('audit.type.' + e.record_type, e.record_type) : '',
				e.record_id ? h('span', { class: 'mono' }, ' #' + e.record_id) : null),
			h('td', { class: 'audit-fields' }, fieldsText(e.fields)),
			h('td', { class: 'mono' }, e.remote || ''));
	}
}
