// Inspections in the caller's scope (#/inspections?unit=&target_kind=&kind=
// &compliance=&failing_item=&from=&to=&cursor=): every inspection of a
// house or facility, newest first (GET /api/v1/inspections), with the
// target's address or name and a link to its card, the kind, the outcome
// and failing items, the inspector, and the record (biên bản) to print with
// its number once printed; filters checked here before anything is sent,
// cursor paging and CSV/XLSX export of the whole filtered set.
import { h, clear, icon, fieldError } from '../dom.js';
import { t } from '../i18n.js';
import { apiUrl } from '../api.js';
import { makeLoader, pager, showList, listTable, syncFilters, emptyNote } from '../listpage.js';
import { label, complianceBadge, formatHouseId, itemText, ITEM_CODES } from '../register.js';

const FILTERS = ['unit', 'target_kind', 'kind', 'compliance', 'failing_item', 'from', 'to'];
const LIMIT = 25;

export function mount(container, route) {
	const view = new InspectionsPage(container);
	view.update(route);
	return view;
}

function sel(name, values, labelOf) {
	return h('select', { id: 'i-' + name, name, class: 'input' },
		h('option', { value: '' }, t('reg.any')),
		values.map((v) => h('option', { value: v }, labelOf(v))));
}

// A real calendar date YYYY-MM-DD.
function validDate(s) {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(s))
		return false;
	const d = new Date(s + 'T00:00:00Z');
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

// Field errors of the filter values v ({unit, from, to}), keyed by field.
function filterErrors(v) {
	const e = {};
	if (v.unit && !/^\d{5}$/.test(v.unit))
		e.unit = t('v.unit');
	for (const k of ['from', 'to'])
		if (v[k] && !validDate(v[k]))
			e[k] = t('insp.v.date');
	if (!e.from && !e.to && v.from && v.to && v.from > v.to)
		e.from = t('insp.v.range');
	return e;
}

function targetCell(o) {
	const house = o.target_kind === 'house';
	const href = (house ? '#/houses/' : '#/facilities/') + encodeURIComponent(o.target_id);
	return h('div', null,
		h('a', { class: 'mono', href }, house ? formatHouseId(o.target_id) : o.target_id),
		h('span', { class: 'muted small' }, ' · ' + t('insp.target.' + o.target_kind)),
		o.target_label ? h('div', { class: 'small' }, o.target_label) : null);
}

class InspectionsPage {
	constructor(container) {
		this.els = {
			unit: h('input', { id: 'i-unit', name: 'unit', class: 'input', inputmode: 'numeric', maxlength: '5', placeholder: '00364' }),
			target_kind: sel('target_kind', ['house', 'facility'], (v) => t('insp.target.' + v)),
			kind: sel('kind', ['periodic', 'unannounced', 'self'], (v) => label('reg.kind.', v)),
			compliance: sel('compliance', ['khong_dam_bao', 'dam_bao'], (v) => label('reg.compliance.', v)),
			failing_item: sel('failing_item', ITEM_CODES, itemText),
			from: h('input', { id: 'i-from', name: 'from', class: 'input', type: 'date' }),
			to: h('input', { id: 'i-to', name: 'to', class: 'input', type: 'date' }),
		};
		this.errs = {};
		for (const k of ['unit', 'from', 'to']) {
			this.errs[k] = h('p', { id: 'i-' + k + '-err', class: 'field-error', hidden: true });
			this.els[k].setAttribute('aria-describedby', 'i-' + k + '-err');
		}
		const labels = { unit: 'insp.unit', target_kind: 'insp.targetKind', kind: 'insp.kind', compliance: 'insp.compliance', failing_item: 'insp.failing', from: 'insp.from', to: 'insp.to' };
		this.results = h('div', { id: 'inspections-results', 'aria-live': 'polite' });
		this.load = makeLoader(this.results);
		this.exports = h('div', { class: 'downloads export-links' });
		const form = h('form', { class: 'card filter-form', role: 'search', novalidate: true, onSubmit: (ev) => {
			ev.preventDefault();
			const v = {};
			for (const k of FILTERS)
				v[k] = this.els[k].value.trim();
			const errs = filterErrors(v);
			let first = null;
			for (const k of ['unit', 'from', 'to']) {
				fieldError(this.els[k], this.errs[k], errs[k]);
				if (errs[k] && !first)
					first = this.els[k];
			}
			if (first) {
				first.focus();
				return;
			}
			const q = new URLSearchParams();
			for (const k of FILTERS)
				if (v[k])
					q.set(k, v[k]);
			window.location.hash = '#/inspections' + (q.toString() ? '?' + q : '');
		} },
		Object.entries(labels).map(([k, key]) => h('div', { class: 'field' },
			h('label', { for: 'i-' + k }, t(key)), this.els[k], this.errs[k] || null)),
		h('div', { class: 'form-actions' },
			h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'insp-filter' }, icon('search'), t('reg.search')),
			h('a', { class: 'btn btn-link', href: '#/inspections' }, t('reg.reset'))));
		container.appendChild(h('section', { class: 'page page-inspections', 'aria-labelledby': 'page-title' },
			h('div', { class: 'page-head' },
				h('h1', { id: 'page-title' }, t('insp.title')),
				h('p', { class: 'lead' }, t('insp.lead'))),
			form, h('div', { class: 'list-tools' }, this.exports), this.results));
	}

	update(route) {
		const q = route.query;
		this.query = q;
		for (const [k, p] of Object.entries(this.errs))
			fieldError(this.els[k], p, '');
		showList(this, '/inspections', syncFilters(this.els, q, FILTERS), LIMIT);
	}

	render(page) {
		const items = page.items || [];
		if (!items.length)
			return clear(this.results, emptyNote('insp-empty', 'insp.empty'));
		const cols = ['date', 'kind', 'target', 'unit', 'inspector', 'outcome', 'record'].map((c) => 'insp.col.' + c);
		const table = listTable('inspections-table', cols, items, (o) => h('tr', { 'data-id': String(o.id), 'data-target': o.target_id },
				h('td', { 'data-label': t(cols[0]), class: 'nowrap' }, o.date || ''),
				h('td', { 'data-label': t(cols[1]) }, label('reg.kind.', o.kind)),
				h('td', { 'data-label': t(cols[2]) }, targetCell(o)),
				h('td', { 'data-label': t(cols[3]) }, o.unit_name || o.unit || ''),
				h('td', { 'data-label': t(cols[4]) }, o.inspector || ''),
				h('td', { 'data-label': t(cols[5]) }, complianceBadge(o.compliance),
					(o.failing_items || []).length ? h('ul', { class: 'small insp-failing' }, o.failing_items.map((c) => h('li', null, itemText(c)))) : null),
				h('td', { 'data-label': t(cols[6]) },
					o.record_number ? h('div', { class: 'small', 'data-testid': 'record-number' }, t('insp.recordNo', { number: o.record_number })) : null,
					h('a', { class: 'btn btn-secondary btn-small', href: apiUrl('/inspections/' + encodeURIComponent(o.id) + '/record.html'), target: '_blank', rel: 'noopener', 'data-testid': 'print-record' }, t('insp.print')))));
		clear(this.results, h('p', { class: 'results-summary muted' }, t('insp.shown', { n: items.length })),
			h('div', { class: 'table-wrap' }, table), pager('#/inspections', this.query, page.next_cursor));
	}
}
