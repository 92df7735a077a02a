// Overdue remediations and unpaid penalties (#/overdue?unit=00364): the
// list GET /api/v1/enforcement/overdue gives for the caller's scope, per
// commune (the unit filter, checked here before anything is sent), oldest
// deadline first, with how many days each is late, a link to the house or
// facility card, and CSV/XLSX export of the same set (Vietnamese headers).
import { h, clear, icon, fieldError } from '../dom.js';
import { t } from '../i18n.js';
import { exportButtons, makeLoader } from '../listpage.js';
import { apiFetch, formatHouseId, itemText, today, ITEM_CODES, loadSession } from '../register.js';

export function mount(container, route) {
	const view = new OverduePage(container);
	view.update(route);
	return view;
}

// Whole days from deadline (YYYY-MM-DD) to today (Hà Nội).
export function daysLate(deadline, now) {
	const a = Date.parse(deadline + 'T00:00:00Z');
	const b = Date.parse((now || today()) + 'T00:00:00Z');
	if (Number.isNaN(a) || Number.isNaN(b))
		return null;
	return Math.round((b - a) / 86400000);
}

function targetLink(o) {
	if (o.target_kind === 'house')
		return h('a', { class: 'mono', href: '#/houses/' + encodeURIComponent(o.target_id) }, formatHouseId(o.target_id));
	return h('a', { class: 'mono', href: '#/facilities/' + encodeURIComponent(o.target_id) }, o.target_id);
}

function what(o) {
	if (o.kind === 'penalty')
		return [h('strong', null, t('overdue.decision', { number: o.reference || '' })), o.description ? h('div', { class: 'muted small' }, o.description) : null];
	if (o.reference && ITEM_CODES.includes(o.reference))
		return itemText(o.reference);
	return o.description || o.reference || '';
}

class OverduePage {
	constructor(container) {
		this.unit = h('input', { id: 'f-unit', name: 'unit', class: 'input', inputmode: 'numeric', maxlength: '5', placeholder: '00364', 'aria-describedby': 'f-unit-err' });
		this.unitErr = h('p', { id: 'f-unit-err', class: 'field-error', hidden: true });
		this.results = h('div', { id: 'overdue-results', 'aria-live': 'polite' });
		this.load = makeLoader(this.results);
		this.exports = h('div', { class: 'downloads export-links' });
		const form = h('form', { class: 'card filter-form', role: 'search', novalidate: true, onSubmit: (ev) => {
			ev.preventDefault();
			const v = this.unit.value.trim();
			const bad = v && !/^\d{5}$/.test(v);
			fieldError(this.unit, this.unitErr, bad ? t('v.unit') : '');
			if (bad) {
				this.unit.focus();
				return;
			}
			window.location.hash = '#/overdue' + (v ? '?unit=' + v : '');
		} },
		h('div', { class: 'field' }, h('label', { for: 'f-unit' }, t('overdue.unit')), this.unit, this.unitErr),
		h('div', { class: 'form-actions' },
			h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'overdue-filter' }, icon('search'), t('reg.search')),
			h('a', { class: 'btn btn-link', href: '#/overdue' }, t('reg.reset'))));
		container.appendChild(h('section', { class: 'page page-overdue', 'aria-labelledby': 'page-title' },
			h('div', { class: 'page-head' },
				h('h1', { id: 'page-title' }, t('overdue.title')),
				h('p', { class: 'lead' }, t('overdue.lead'))),
			form, h('div', { class: 'list-tools' }, this.exports), this.results));
	}

	update(route) {
		const unit = route.query.get('unit') || '';
		this.unit.value = unit;
		const p = unit ? { unit } : {};
		clear(this.exports, exportButtons('/enforcement/overdue', p));
		this.load(() => Promise.all([apiFetch('/enforcement/overdue', p), loadSession()]).then(([page]) => page),
			(page) => this.render(page.items || []));
	}

	render(items) {
		if (!items.length) {
			clear(this.results, h('p', { class: 'empty card', 'data-testid': 'overdue-empty' }, t('overdue.empty')));
			return;
		}
		const now = today();
		const cols = ['overdue.col.kind', 'overdue.col.target', 'overdue.col.unit', 'overdue.col.deadline', 'overdue.col.late', 'overdue.col.what'];
		const table = h('table', { class: 'reg-table', id: 'overdue-table' },
			h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
			h('tbody', null, items.map((o) => h('tr', { 'data-id': o.id, 'data-target': o.target_id },
				h('td', { 'data-label': t(cols[0]) }, h('span', { class: 'badge badge-overdue' }, t('overdue.kind.' + o.kind))),
				h('td', { 'data-label': t(cols[1]) }, h('div', null, targetLink(o), h('div', { class: 'muted small' }, t('overdue.target.' + o.target_kind)))),
				h('td', { 'data-label': t(cols[2]) }, o.unit || ''),
				h('td', { 'data-label': t(cols[3]) }, o.deadline || ''),
				h('td', { 'data-label': t(cols[4]) }, t('overdue.days', { n: daysLate(o.deadline, now) })),
				h('td', { 'data-label': t(cols[5]) }, h('div', null, what(o)))))));
		clear(this.results, h('p', { class: 'results-summary muted', 'data-testid': 'overdue-count' }, t('overdue.count', { n: items.length })),
			h('div', { class: 'table-wrap' }, table));
	}
}
