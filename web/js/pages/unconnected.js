// Facilities that must connect a fire-alarm transmitter to the command
// centre by 1/7/2027 (Law 55/2024/QH15, Decree 105/2025/NĐ-CP Art. 27) and
// are not connected yet (#/alarms/unconnected?unit=&cursor=&limit=). Reads
// GET /api/v1/facilities?must_connect=1&connected=0 (the caller's scope is
// applied by the server), filters by commune, pages with the list cursor,
// exports the whole filtered set as CSV/XLSX through the same API, and
// shows the days left to the deadline (counted in Vietnam's calendar,
// UTC+7). Reached from the alarm board; needs facility.read.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import { label } from '../register.js';
import { exportButtons, makeLoader, apiPage, pager } from '../listpage.js';
import { scopeCommunes } from '../communes.js';

export const DEADLINE = '2027-07-01';
const LIMIT = 25;   // rows a page unless ?limit= (1-100) says otherwise
const VN_OFFSET_MS = 7 * 3600 * 1000;

// Whole days from today (Vietnam) to the deadline; negative once past.
export function daysLeft(nowMs) {
	const d = new Date((nowMs === undefined ? Date.now() : nowMs) + VN_OFFSET_MS);
	const today = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
	const [y, m, day] = DEADLINE.split('-').map(Number);
	return Math.round((Date.UTC(y, m - 1, day) - today) / 86400000);
}

function daysText(n) {
	if (n > 0)
		return t('unconn.daysLeft', { n });
	if (n === 0)
		return t('unconn.dueToday');
	return t('unconn.daysLate', { n: -n });
}

function loadCss() {
	if (!document.querySelector('link[href="/board.css"]'))
		document.head.appendChild(h('link', { rel: 'stylesheet', href: '/board.css' }));
}

export function mount(container, route) {
	loadCss();
	const view = new UnconnectedPage(container);
	view.update(route);
	return view;
}

class UnconnectedPage {
	constructor(container) {
		this.names = new Map();   // commune code -> name
		this.page = null;
		this.unitSel = h('select', { id: 'unconn-unit', name: 'unit', class: 'input', 'data-testid': 'unconn-unit' },
			h('option', { value: '' }, t('unconn.allCommunes')));
		this.unitSel.addEventListener('change', () => {
			const q = new URLSearchParams();
			if (this.unitSel.value)
				q.set('unit', this.unitSel.value);
			window.location.hash = '#/alarms/unconnected' + (q.toString() ? '?' + q : '');
		});
		const n = daysLeft();
		this.results = h('div', { id: 'unconn-results', 'aria-live': 'polite' });
		this.load = makeLoader(this.results);
		this.exports = h('div', { class: 'downloads export-links' });
		container.appendChild(h('section', { class: 'page page-unconnected', 'aria-labelledby': 'page-title' },
			h('div', { class: 'page-head' },
				h('p', { class: 'eyebrow' }, h('a', { href: '#/alarms', 'data-testid': 'unconn-back' }, t('unconn.back'))),
				h('h1', { id: 'page-title' }, t('unconn.title')),
				h('p', { class: 'lead' }, t('unconn.lead'))),
			h('div', { class: 'card unconn-deadline' + (n < 0 ? ' late' : ''), 'data-testid': 'unconn-deadline', 'data-days': String(n) },
				h('strong', { class: 'unconn-days' }, daysText(n)),
				h('span', { class: 'muted' }, ' ' + t('unconn.deadline'))),
			h('div', { class: 'card filter-form' },
				h('div', { class: 'field' }, h('label', { for: 'unconn-unit' }, t('unconn.unit')), this.unitSel)),
			h('div', { class: 'list-tools' }, this.exports),
			this.results));
		this.communesLoaded = scopeCommunes().then((list) => {
			for (const u of list) {
				this.names.set(u.code, u.name);
				this.unitSel.appendChild(h('option', { value: u.code }, u.name + ' (' + u.code + ')'));
			}
			if (this.query)
				this.unitSel.value = this.query.get('unit') || '';
			if (this.page)
				this.render(this.page);
		});
	}

	update(route) {
		const q = route.query;
		this.query = q;
		this.unitSel.value = q.get('unit') || '';
		const p = { must_connect: 1, connected: 0 };
		if (q.get('unit'))
			p.unit = q.get('unit');
		clear(this.exports, exportButtons('/facilities', p, { csv: 'unconn-csv', xlsx: 'unconn-xlsx' }));
		const lim = Number(q.get('limit'));
		const limit = Number.isInteger(lim) && lim >= 1 && lim <= 100 ? lim : LIMIT;
		this.load(apiPage('/facilities', Object.assign(p, { limit, cursor: q.get('cursor') })), (page) => this.render(page));
	}

	render(page) {
		this.page = page;
		const items = page.items || [];
		if (!items.length) {
			clear(this.results, h('p', { class: 'empty card', 'data-testid': 'unconn-empty' }, t('unconn.empty')));
			return;
		}
		const n = daysLeft();
		const cols = ['unconn.col.id', 'unconn.col.name', 'unconn.col.category', 'unconn.col.unit', 'unconn.col.rep', 'unconn.col.days'];
		const table = h('table', { class: 'reg-table', id: 'unconn-table', 'data-testid': 'unconn-table' },
			h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
			h('tbody', null, items.map((f) => h('tr', { 'data-id': f.id },
				h('td', { 'data-label': t(cols[0]) }, h('a', { class: 'mono', href: '#/facilities/' + encodeURIComponent(f.id) }, f.id)),
				h('td', { 'data-label': t(cols[1]) }, f.name || '', f.address ? h('div', { class: 'muted small' }, f.address) : null),
				h('td', { 'data-label': t(cols[2]) }, f.category ? label('fac.cat.', f.category) : ''),
				h('td', { 'data-label': t(cols[3]) }, f.unit_name || this.names.get(f.unit) || f.unit || ''),
				h('td', { 'data-label': t(cols[4]) }, f.legal_rep || ''),
				h('td', { 'data-label': t(cols[5]), class: 'num unconn-days-cell' + (n < 0 ? ' late' : ''), 'data-testid': 'days-left' }, String(n))))));
		clear(this.results, h('p', { class: 'results-summary muted' }, t('unconn.shown', { n: items.length })),
			h('div', { class: 'table-wrap' }, table),
			pager('#/alarms/unconnected', this.query, page.next_cursor, { first: 'unconn-first', next: 'unconn-next' }, 'unconn.pager'));
	}
}
