// List of facilities under fire-safety management (#/facilities?q=&unit=
// &category=&compliance=&status=&must_connect=&connected=&overdue=
// &cursor=): search (diacritics optional, done server-side), filters,
// cursor paging and CSV/XLSX export of the whole filtered set.
import { h, clear, icon } from '../dom.js';
import { t } from '../i18n.js';
import { makeLoader, pager, showList, listTable } from '../listpage.js';
import {
	label, complianceBadge, COMPLIANCE, ITEM_CODES, itemText, FAC_CATS_105,
	FAC_STATUS, loadSession, can,
} from '../register.js';

const FILTERS = ['q', 'unit', 'category', 'compliance', 'failing_item', 'status', 'transmitter', 'overdue'];
const LIMIT = 25;

export function mount(container, route) {
	const view = new FacilitiesPage(container);
	view.update(route);
	return view;
}

function sel(name, values, prefix) {
	return h('select', { id: 'f-' + name, name, class: 'input' },
		h('option', { value: '' }, t('reg.any')),
		values.map((v) => h('option', { value: v }, prefix ? label(prefix, v) : v)));
}

// transmitter filter → API parameters
function apiParams(q) {
	const p = {};
	for (const k of FILTERS)
		if (q.get(k) && k !== 'transmitter')
			p[k] = q.get(k);
	if (q.get('transmitter') === 'must')
		p.must_connect = 1;
	if (q.get('transmitter') === 'missing') {
		p.must_connect = 1;
		p.connected = 0;
	}
	return p;
}

class FacilitiesPage {
	constructor(container) {
		this.els = {
			q: h('input', { id: 'f-q', name: 'q', class: 'input', type: 'search', autocomplete: 'off', placeholder: t('facilities.qPlaceholder') }),
			unit: h('input', { id: 'f-unit', name: 'unit', class: 'input', inputmode: 'numeric', maxlength: '5', placeholder: '00364' }),
			category: sel('category', FAC_CATS_105, 'fac.cat.'),
			compliance: sel('compliance', COMPLIANCE, 'reg.compliance.'),
			failing_item: h('select', { id: 'f-failing_item', name: 'failing_item', class: 'input' }, h('option', { value: '' }, t('reg.any')),
				ITEM_CODES.map((c) => h('option', { value: c }, itemText(c)))),
			status: sel('status', FAC_STATUS, 'fac.status.'),
			transmitter: h('select', { id: 'f-transmitter', name: 'transmitter', class: 'input' },
				h('option', { value: '' }, t('reg.any')),
				h('option', { value: 'must' }, t('facilities.tx.must')),
				h('option', { value: 'missing' }, t('facilities.tx.missing'))),
			overdue: h('input', { id: 'f-overdue', name: 'overdue', type: 'checkbox', value: '1' }),
		};
		const labels = { q: 'facilities.q', unit: 'houses.unit', category: 'facilities.category', compliance: 'houses.compliance', failing_item: 'houses.failingItem', status: 'facilities.status', transmitter: 'facilities.transmitter' };
		this.results = h('div', { id: 'facilities-results', 'aria-live': 'polite' });
		this.load = makeLoader(this.results);
		this.exports = h('div', { class: 'downloads export-links' });
		this.actions = h('div', { class: 'page-actions' });
		const form = h('form', { class: 'card filter-form', role: 'search', novalidate: true, onSubmit: (ev) => {
			ev.preventDefault();
			const q = new URLSearchParams();
			for (const k of FILTERS) {
				const el = this.els[k];
				const v = el.type === 'checkbox' ? (el.checked ? '1' : '') : el.value.trim();
				if (v)
					q.set(k, v);
			}
			window.location.hash = '#/facilities' + (q.toString() ? '?' + q : '');
		} },
		Object.entries(labels).map(([k, key]) => h('div', { class: 'field' + (k === 'q' ? ' field-wide' : '') },
			h('label', { for: 'f-' + k }, t(key)), this.els[k])),
		h('div', { class: 'field field-check' }, h('label', { class: 'check', for: 'f-overdue' }, this.els.overdue, t('reg.overdue'))),
		h('div', { class: 'form-actions' },
			h('button', { type: 'submit', class: 'btn btn-primary' }, icon('search'), t('reg.search')),
			h('a', { class: 'btn btn-link', href: '#/facilities' }, t('reg.reset'))));
		container.appendChild(h('section', { class: 'page page-facilities', 'aria-labelledby': 'page-title' },
			h('div', { class: 'page-head page-head-row' },
				h('div', null, h('h1', { id: 'page-title' }, t('facilities.title')), h('p', { class: 'lead' }, t('facilities.lead'))),
				this.actions),
			form, h('div', { class: 'list-tools' }, this.exports), this.results));
		loadSession().then(() => clear(this.actions, can('facility.write')
			? h('a', { class: 'btn btn-primary', href: '#/facilities/new', 'data-testid': 'facility-new' }, t('facilities.new')) : null));
	}

	update(route) {
		const q = route.query;
		this.query = q;
		for (const [k, el] of Object.entries(this.els)) {
			if (el.type === 'checkbox')
				el.checked = q.get(k) === '1';
			else
				el.value = q.get(k) || '';
		}
		const p = apiParams(q);
		showList(this, '/facilities', p, LIMIT);
	}

	render(page) {
		const items = page.items || [];
		if (!items.length) {
			clear(this.results, h('p', { class: 'empty card' }, t('reg.empty')));
			return;
		}
		const cols = ['facilities.col.id', 'facilities.col.name', 'facilities.category', 'houses.col.unit', 'houses.col.compliance', 'facilities.status'];
		const table = listTable('facilities-table', cols, items, (f) => h('tr', { 'data-id': f.id },
				h('td', { 'data-label': t(cols[0]) }, h('a', { class: 'mono', href: '#/facilities/' + encodeURIComponent(f.id) }, f.id)),
				h('td', { 'data-label': t(cols[1]) }, f.name || '', f.address ? h('div', { class: 'muted small' }, f.address) : null),
				h('td', { 'data-label': t(cols[2]) }, label('fac.cat.', f.category)),
				h('td', { 'data-label': t(cols[3]) }, f.unit_name || f.unit || ''),
				h('td', { 'data-label': t(cols[4]) }, complianceBadge(f.compliance)),
				h('td', { 'data-label': t(cols[5]) }, label('fac.status.', f.status))));
		clear(this.results, h('p', { class: 'results-summary muted' }, t('reg.shown', { n: items.length })),
			h('div', { class: 'table-wrap' }, table), pager('#/facilities', this.query, page.next_cursor));
	}
}
