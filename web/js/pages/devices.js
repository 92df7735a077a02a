// Fire-alarm transmitters registered with the receiving centre
// (#/alarms/devices?state=&commissioning=&unit=&cursor=): every device of
// the caller's scope with its account, receiver and line, the protected
// site, its commissioning stage and live state, when it was last heard and
// its supervision window; filters, cursor paging, CSV/XLSX export, and for
// those who manage devices (device.admin) the way to register one.
import { h, clear, icon } from '../dom.js';
import { t } from '../i18n.js';
import { hasPerm, whenUserKnown } from '../auth.js';
import { scopeCommunes } from '../communes.js';
import { makeLoader, pager, showList, listTable, syncFilters, emptyNote } from '../listpage.js';
import { fmtTime } from '../register.js';

export const DEVICE_STATES = ['normal', 'alarm', 'trouble', 'comm_fail'];
export const COMMISSIONING = ['registered', 'tested', 'live'];
const FILTERS = ['state', 'commissioning', 'unit'];
const LIMIT = 25;

export function mount(container, route) {
	const view = new DevicesPage(container);
	view.update(route);
	return view;
}

export function stateBadge(s) {
	return h('span', { class: 'badge dev-state dev-s-' + (s || 'normal'), 'data-state': s || 'normal' }, t('board.dev.' + (s || 'normal')));
}

export function commissioningBadge(c) {
	return h('span', { class: 'badge dev-comm dev-c-' + (c || 'registered'), 'data-commissioning': c || 'registered' }, t('dev.comm.' + (c || 'registered')));
}

// 90 → "90 giây", 3600 → "1 giờ", 86400 → "1 ngày".
export function fmtWindow(s) {
	if (!Number.isFinite(s))
		return t('reg.none');
	if (s % 86400 === 0)
		return t('dev.window.d', { n: s / 86400 });
	if (s % 3600 === 0)
		return t('dev.window.h', { n: s / 3600 });
	if (s % 60 === 0)
		return t('dev.window.m', { n: s / 60 });
	return t('dev.window.s', { n: s });
}

function sel(name, values, prefix, anyKey) {
	return h('select', { id: 'd-' + name, name, class: 'input' },
		h('option', { value: '' }, t(anyKey || 'reg.any')),
		values.map((v) => h('option', { value: v }, t(prefix + v))));
}

class DevicesPage {
	constructor(container) {
		this.els = {
			state: sel('state', DEVICE_STATES, 'board.dev.'),
			commissioning: sel('commissioning', COMMISSIONING, 'dev.comm.'),
			unit: sel('unit', [], '', 'board.allCommunes'),
		};
		this.results = h('div', { id: 'devices-results', 'aria-live': 'polite' });
		this.load = makeLoader(this.results);
		this.exports = h('div', { class: 'downloads export-links' });
		this.actions = h('div', { class: 'page-actions' });
		const labels = { state: 'dev.filter.state', commissioning: 'dev.filter.commissioning', unit: 'board.filterUnit' };
		const form = h('form', { class: 'card filter-form', role: 'search', novalidate: true, onSubmit: (ev) => {
			ev.preventDefault();
			const q = new URLSearchParams();
			for (const k of FILTERS)
				if (this.els[k].value)
					q.set(k, this.els[k].value);
			window.location.hash = '#/alarms/devices' + (q.toString() ? '?' + q : '');
		} },
		Object.entries(labels).map(([k, key]) => h('div', { class: 'field' }, h('label', { for: 'd-' + k }, t(key)), this.els[k])),
		h('div', { class: 'form-actions' },
			h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'dev-filter' }, icon('search'), t('reg.search')),
			h('a', { class: 'btn btn-link', href: '#/alarms/devices' }, t('reg.reset'))));
		container.appendChild(h('section', { class: 'page page-devices', 'aria-labelledby': 'page-title' },
			h('div', { class: 'page-head page-head-row' },
				h('div', null,
					h('p', { class: 'eyebrow' }, h('a', { href: '#/alarms' }, t('unconn.back'))),
					h('h1', { id: 'page-title' }, t('dev.title')), h('p', { class: 'lead' }, t('dev.lead'))),
				this.actions),
			form, h('div', { class: 'list-tools' }, this.exports), this.results));
		whenUserKnown().then(() => clear(this.actions, hasPerm('device.admin')
			? h('a', { class: 'btn btn-primary', href: '#/alarms/devices/new', 'data-testid': 'device-new' }, t('dev.new')) : null));
		scopeCommunes().then((list) => {
			for (const u of list)
				this.els.unit.appendChild(h('option', { value: u.code }, u.name + ' (' + u.code + ')'));
			if (this.query)
				this.els.unit.value = this.query.get('unit') || '';
		}).catch(() => {});
	}

	update(route) {
		const q = route.query;
		this.query = q;
		showList(this, '/devices', syncFilters(this.els, q, FILTERS), LIMIT);
	}

	render(page) {
		const items = page.items || [];
		if (!items.length)
			return clear(this.results, emptyNote('dev-empty', 'dev.empty'));
		const cols = ['account', 'site', 'unit', 'commissioning', 'state', 'heard', 'window'].map((c) => 'dev.col.' + c);
		const table = listTable('devices-table', cols, items, (d) => h('tr', { 'data-id': String(d.id), 'data-account': d.account },
				h('td', { 'data-label': t(cols[0]) },
					h('a', { class: 'mono', href: '#/alarms/devices/' + d.id }, '#' + d.account),
					h('div', { class: 'muted small' }, [d.receiver, d.line].filter(Boolean).join(' · ') || t('dev.anyLine'),
						d.has_key ? ' · ' + t('dev.aes', { bits: d.key_bits }) : '')),
				h('td', { 'data-label': t(cols[1]) }, d.site_name || t('board.unnamed'), d.address ? h('div', { class: 'muted small' }, d.address) : null),
				h('td', { 'data-label': t(cols[2]) }, d.unit || ''),
				h('td', { 'data-label': t(cols[3]) }, commissioningBadge(d.commissioning)),
				h('td', { 'data-label': t(cols[4]) }, stateBadge(d.state)),
				h('td', { 'data-label': t(cols[5]) }, d.last_heard_at ? fmtTime(d.last_heard_at) : t('dev.never')),
				h('td', { 'data-label': t(cols[6]) }, fmtWindow(d.supervision_s))));
		clear(this.results, h('p', { class: 'results-summary muted' }, t('dev.shown', { n: items.length })),
			h('div', { class: 'table-wrap' }, table), pager('#/alarms/devices', this.query, page.next_cursor));
	}
}
