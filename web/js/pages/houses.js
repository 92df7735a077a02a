// House register list (#/houses?q=&unit=&type=&compliance=&failing_item=
// &overdue=1&sort=&cursor=): search by ID or address (folded server-side,
// so "ngo 105 khuong dinh" finds "Ngõ 105 … Khương Đình"), filters, paging
// by cursor, CSV/XLSX export of the whole filtered set, and a box that
// opens a house card by its digital ID (checked here first).
import { h, clear, icon } from '../dom.js';
import { t } from '../i18n.js';
import { exportButtons, makeLoader, apiPage, pager } from '../listpage.js';
import {
	label, complianceBadge, stateBadge, formatHouseId, parseHouseId,
	HOUSE_TYPES, COMPLIANCE, ITEM_CODES, itemText, loadSession, can,
} from '../register.js';

const FILTERS = ['q', 'unit', 'type', 'compliance', 'failing_item', 'overdue', 'sort'];
const LIMIT = 25;

export function mount(container, route) {
	const view = new HousesPage(container);
	view.update(route);
	return view;
}

function go(q) {
	const s = q.toString();
	window.location.hash = '#/houses' + (s ? '?' + s : '');
}

function select(id, values, prefix, anyKey) {
	return h('select', { id, class: 'input', name: id.replace(/^h-/, '') },
		h('option', { value: '' }, t(anyKey || 'reg.any')),
		values.map((v) => h('option', { value: v }, prefix ? label(prefix, v) : v)));
}

class HousesPage {
	constructor(container) {
		this.q = h('input', { id: 'h-q', class: 'input', type: 'search', name: 'q', autocomplete: 'off', spellcheck: 'false', placeholder: t('houses.qPlaceholder') });
		this.unit = h('input', { id: 'h-unit', class: 'input', type: 'text', name: 'unit', inputmode: 'numeric', maxlength: '5', placeholder: '00364' });
		this.type = select('h-type', HOUSE_TYPES, 'reg.type.');
		this.compliance = select('h-compliance', COMPLIANCE, 'reg.compliance.');
		this.failing = h('select', { id: 'h-failing_item', class: 'input', name: 'failing_item' },
			h('option', { value: '' }, t('reg.any')), ITEM_CODES.map((c) => h('option', { value: c }, itemText(c))));
		this.overdue = h('input', { id: 'h-overdue', type: 'checkbox', name: 'overdue', value: '1' });
		this.sort = h('select', { id: 'h-sort', class: 'input', name: 'sort' },
			['id', 'address', 'updated'].map((s) => h('option', { value: s }, t('reg.sort.' + s))));
		this.openInput = h('input', { id: 'h-open', class: 'input mono', type: 'text', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'characters', placeholder: 'XXXX-XXX-XXX', 'aria-describedby': 'h-open-err' });
		this.openErr = h('p', { id: 'h-open-err', class: 'field-error', hidden: true });
		this.results = h('div', { id: 'houses-results', 'aria-live': 'polite' });
		this.load = makeLoader(this.results);
		this.exports = h('div', { class: 'downloads export-links' });
		this.actions = h('div', { class: 'page-actions' });

		const form = h('form', { class: 'card filter-form', role: 'search', novalidate: true, onSubmit: (ev) => {
			ev.preventDefault();
			const q = new URLSearchParams();
			for (const k of FILTERS) {
				const el = form.elements[k];
				const v = el.type === 'checkbox' ? (el.checked ? '1' : '') : el.value.trim();
				if (v && !(k === 'sort' && v === 'id'))
					q.set(k, v);
			}
			go(q);
		} },
		h('div', { class: 'field field-wide' },
			h('label', { for: 'h-q' }, t('houses.q')),
			h('div', { class: 'search-box' }, icon('search'), this.q)),
		h('div', { class: 'field' }, h('label', { for: 'h-unit' }, t('houses.unit')), this.unit),
		h('div', { class: 'field' }, h('label', { for: 'h-type' }, t('houses.type')), this.type),
		h('div', { class: 'field' }, h('label', { for: 'h-compliance' }, t('houses.compliance')), this.compliance),
		h('div', { class: 'field' }, h('label', { for: 'h-failing_item' }, t('houses.failingItem')), this.failing),
		h('div', { class: 'field' }, h('label', { for: 'h-sort' }, t('reg.sort')), this.sort),
		h('div', { class: 'field field-check' }, h('label', { class: 'check', for: 'h-overdue' }, this.overdue, t('reg.overdue'))),
		h('div', { class: 'form-actions' },
			h('button', { type: 'submit', class: 'btn btn-primary', id: 'h-search' }, icon('search'), t('reg.search')),
			h('a', { class: 'btn btn-link', href: '#/houses' }, t('reg.reset'))));

		const openForm = h('form', { class: 'open-form', novalidate: true, onSubmit: (ev) => {
			ev.preventDefault();
			const p = parseHouseId(this.openInput.value);
			if (!p.ok) {
				this.openErr.textContent = t('v.houseid.' + p.error);
				this.openErr.hidden = false;
				this.openInput.setAttribute('aria-invalid', 'true');
				this.openInput.focus();
				return;
			}
			this.openErr.hidden = true;
			this.openInput.removeAttribute('aria-invalid');
			window.location.hash = '#/houses/' + p.id;
		} },
		h('label', { for: 'h-open' }, t('houses.open')),
		h('div', { class: 'open-row' }, this.openInput, h('button', { type: 'submit', class: 'btn btn-secondary' }, t('houses.openBtn'))),
		this.openErr);

		container.appendChild(h('section', { class: 'page page-houses', 'aria-labelledby': 'page-title' },
			h('div', { class: 'page-head page-head-row' },
				h('div', null,
					h('h1', { id: 'page-title' }, t('houses.title')),
					h('p', { class: 'lead' }, t('houses.lead'))),
				this.actions),
			form,
			h('div', { class: 'list-tools' }, openForm, this.exports),
			this.results));
		loadSession().then(() => this.renderActions());
	}

	renderActions() {
		clear(this.actions,
			can('house.write') ? h('a', { class: 'btn btn-primary', href: '#/houses/new', 'data-testid': 'house-new' }, t('houses.new')) : null,
			h('a', { class: 'btn btn-secondary', href: '#/declare' }, t('houses.declare')));
	}

	update(route) {
		const q = route.query;
		this.query = q;
		this.q.value = q.get('q') || '';
		this.unit.value = q.get('unit') || '';
		this.type.value = q.get('type') || '';
		this.compliance.value = q.get('compliance') || '';
		this.failing.value = q.get('failing_item') || '';
		this.overdue.checked = q.get('overdue') === '1';
		this.sort.value = q.get('sort') || 'id';
		const params = {};
		for (const k of FILTERS)
			if (q.get(k))
				params[k] = q.get(k);
		clear(this.exports, exportButtons('/houses', params));
		this.load(apiPage('/houses', Object.assign(params, { limit: LIMIT, cursor: q.get('cursor') })), (page) => this.render(page));
	}

	render(page) {
		const items = page.items || [];
		if (!items.length) {
			clear(this.results, h('p', { class: 'empty card' }, t('reg.empty')));
			return;
		}
		const table = h('table', { class: 'reg-table', id: 'houses-table' },
			h('thead', null, h('tr', null,
				['id', 'address', 'type', 'unit', 'compliance', 'state'].map((c) => h('th', { scope: 'col' }, t('houses.col.' + c))))),
			h('tbody', null, items.map((it) => h('tr', { 'data-id': it.id },
				h('td', { 'data-label': t('houses.col.id') }, h('a', { class: 'mono house-link', href: '#/houses/' + encodeURIComponent(it.id) }, formatHouseId(it.id))),
				h('td', { 'data-label': t('houses.col.address') }, it.address_text || it.address || ''),
				h('td', { 'data-label': t('houses.col.type') }, label('reg.type.', it.house_type)),
				h('td', { 'data-label': t('houses.col.unit') }, it.unit_name || it.unit || ''),
				h('td', { 'data-label': t('houses.col.compliance') }, complianceBadge(it.compliance),
					(it.failing_items || []).length ? h('span', { class: 'muted small' }, ' ' + t('reg.col.count', { n: it.failing_items.length })) : null),
				h('td', { 'data-label': t('houses.col.state') }, stateBadge(it.declared_state))))));
		clear(this.results,
			h('p', { class: 'results-summary muted' }, t('reg.shown', { n: items.length })),
			h('div', { class: 'table-wrap' }, table),
			pager('#/houses', this.query, page.next_cursor));
	}
}
