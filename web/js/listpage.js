// What the console's list pages share (houses, facilities, inspections,
// overdue, unconnected facilities): the CSV/XLSX download buttons of the
// filtered set, loading a page of the API into the results box (a newer
// load wins over an older one still in flight), and the pager links that
// keep the filters of the address bar.
import { h, clear, icon } from './dom.js';
import { t } from './i18n.js';
import { apiUrl } from './api.js';
import { apiFetch, errorBox } from './register.js';

// Two download links for path with params (format=csv / xlsx).
// testids: { csv, xlsx } (default export-csv / export-xlsx).
export function exportButtons(path, params, testids) {
	const ids = Object.assign({ csv: 'export-csv', xlsx: 'export-xlsx' }, testids || {});
	return ['csv', 'xlsx'].map((f) => h('a', {
		class: 'btn btn-secondary', href: apiUrl(path, Object.assign({}, params, { format: f })),
		download: '', 'data-testid': ids[f],
	}, icon('download'), t(f === 'csv' ? 'reg.exportCsv' : 'reg.exportXlsx')));
}

// Loads one API page into box: "loading" first, then render(page) or an
// error box. Only the newest call of the same loader renders.
export function makeLoader(box) {
	let gen = 0;
	return async function load(fetchPage, render) {
		const mine = ++gen;
		box.setAttribute('aria-busy', 'true');
		clear(box, h('p', { class: 'muted' }, t('loading')));
		try {
			const page = await fetchPage();
			if (mine === gen)
				render(page);
		} catch (e) {
			if (mine === gen)
				clear(box, errorBox(e));
		} finally {
			if (mine === gen)
				box.removeAttribute('aria-busy');
		}
	};
}

// A loader of path's pages (apiFetch with params).
export function apiPage(path, params) {
	return () => apiFetch(path, params);
}

// "First page" / "Next page" links for a list at hash base (#/houses)
// whose address-bar query is query (URLSearchParams); next: the API's
// next_cursor. testids: { first, next } (default page-first / page-next).
export function pager(base, query, next, testids, labelKey) {
	const ids = Object.assign({ first: 'page-first', next: 'page-next' }, testids || {});
	const link = (cursor) => {
		const q = new URLSearchParams(query);
		if (cursor)
			q.set('cursor', cursor);
		else
			q.delete('cursor');
		return base + (q.toString() ? '?' + q : '');
	};
	const btns = [];
	if (query.get('cursor'))
		btns.push(h('a', { class: 'btn btn-secondary', href: link(null), 'data-testid': ids.first }, t('reg.first')));
	if (next)
		btns.push(h('a', { class: 'btn btn-secondary', href: link(next), 'data-testid': ids.next }, t('reg.next')));
	return h('nav', { class: 'pager', 'aria-label': t(labelKey || 'reg.next') }, btns);
}

// A list page's load for the address bar's query: its export buttons in
// view.exports, then page one (or view.query's cursor) of path into
// view.render through view.load (makeLoader).
export function showList(view, path, params, limit) {
	clear(view.exports, exportButtons(path, params));
	view.load(apiPage(path, Object.assign({}, params, { limit, cursor: view.query.get('cursor') })), (page) => view.render(page));
}

// A list table: column headers from the i18n keys cols, one row(item) each.
export function listTable(id, cols, items, row) {
	return h('table', { class: 'reg-table', id },
		h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
		h('tbody', null, items.map(row)));
}

// Puts the address bar's filter values into their inputs (els[k] for k
// of filters) and returns the API parameters of those that are set.
export function syncFilters(els, query, filters) {
	const p = {};
	for (const k of filters) {
		els[k].value = query.get(k) || '';
		if (query.get(k))
			p[k] = query.get(k);
	}
	return p;
}

// The "nothing matches" note of a list.
export function emptyNote(testid, key) {
	return h('p', { class: 'empty card', 'data-testid': testid }, t(key));
}
