// Units page (#/units, #/units/CODE?scheme=legacy, #/units?province=79):
// search by name (diacritics optional, current and legacy units together),
// a tree of the chosen province (2025: province → communes; legacy:
// province → districts → communes with the 2025 units each went into), a
// details panel and a map with one marker per 2025 commune.
import { h, clear, icon } from '../dom.js';
import { t, tOr, fmtNumber } from '../i18n.js';
import { apiGet, apiGetAll, apiUrl } from '../api.js';
import { Tree } from '../tree.js';
import { UnitMap } from '../map.js';

const HANOI = '01';
const SEARCH_LIMIT = 20;
const SEARCH_DELAY_MS = 250;
let lastQuery = '';   // kept across re-renders (language switch)

export function mount(container, route, ctx) {
	const page = new UnitsPage(container, ctx.config || {});
	page.update(route);
	return page;
}

function unitHref(code, scheme) {
	return '#/units/' + encodeURIComponent(code) + (scheme === 'legacy' ? '?scheme=legacy' : '');
}

function typeLabel(type) {
	return type ? tOr('type.' + type, type) : '';
}

function levelOf(u) {
	if (u.level)
		return u.level;
	return u.parent ? 'commune' : 'province';
}

function successorsText(list) {
	return (list || []).map((s) => s.name).join(', ');
}

class UnitsPage {
	constructor(container, config) {
		this.config = config;
		this.scheme = null;
		this.province = null;     // province unit in this.scheme
		this.mapProvince = null;  // 2025 province code shown on the map
		this.selected = null;
		this.gen = 0;
		this.searchGen = 0;
		this.searchTimer = null;
		this.searchAbort = null;
		this.destroyed = false;
		this.build(container);
	}

	build(container) {
		this.input = h('input', {
			id: 'unit-search', type: 'search', class: 'input', autocomplete: 'off',
			spellcheck: 'false', placeholder: t('search.placeholder'),
			'aria-describedby': 'unit-search-hint', 'aria-controls': 'search-results',
		});
		this.schemeInputs = ['2025', 'legacy'].map((s) => h('input', {
			type: 'radio', name: 'scheme', value: s, id: 'scheme-' + s,
		}));
		this.provinceSelect = h('select', { id: 'province-select', class: 'input' });
		this.results = h('section', {
			id: 'search-results', class: 'search-results', hidden: true,
			'aria-label': t('search.results'), 'aria-live': 'polite',
		});
		this.treeHead = h('div', { class: 'panel-sub' });
		this.treeUl = h('ul', { id: 'unit-tree', 'aria-label': t('tree.title') });
		this.treeScroll = h('div', { class: 'tree-scroll' }, this.treeUl);
		this.mapEl = h('div', { id: 'unit-map', class: 'unit-map', role: 'region', 'aria-label': t('map.title') });
		this.mapNote = h('p', { id: 'map-note', class: 'map-note' });
		this.detail = h('div', { id: 'unit-detail', class: 'detail-body', 'aria-live': 'polite' });

		const page = h('section', { class: 'page page-units', 'aria-labelledby': 'page-title' },
			h('div', { class: 'page-head' },
				h('h1', { id: 'page-title' }, t('units.title')),
				h('p', { class: 'lead' }, t('units.lead'))),
			h('div', { class: 'toolbar card' },
				h('div', { class: 'field field-search' },
					h('label', { for: 'unit-search' }, t('search.label')),
					h('div', { class: 'search-box' }, icon('search'), this.input),
					h('p', { id: 'unit-search-hint', class: 'hint' }, t('search.hint'))),
				h('fieldset', { class: 'field field-scheme' },
					h('legend', null, t('scheme.legend')),
					h('div', { class: 'segmented' },
						this.schemeInputs.map((inp) => [inp,
							h('label', { for: inp.id }, t('scheme.' + inp.value))]))),
				h('div', { class: 'field field-province' },
					h('label', { for: 'province-select' }, t('province.label')),
					this.provinceSelect)),
			this.results,
			h('div', { class: 'units-grid' },
				h('section', { class: 'panel panel-tree', 'aria-labelledby': 'tree-title' },
					h('div', { class: 'panel-head' },
						h('h2', { id: 'tree-title' }, t('tree.title')),
						this.treeHead),
					this.treeScroll,
					h('p', { class: 'panel-foot hint' }, t('tree.keys'))),
				h('section', { class: 'panel panel-map', 'aria-labelledby': 'map-title' },
					h('div', { class: 'panel-head' },
						h('h2', { id: 'map-title' }, t('map.title')),
						h('span', { id: 'map-count', class: 'panel-sub' })),
					this.mapEl,
					this.mapNote),
				h('section', { class: 'panel panel-detail', 'aria-labelledby': 'detail-title' },
					h('div', { class: 'panel-head' },
						h('h2', { id: 'detail-title' }, t('detail.title'))),
					this.detail)));
		container.appendChild(page);

		this.tree = new Tree(this.treeUl, {
			scroller: this.treeScroll,
			loadChildren: (node) => this.loadChildren(node),
			renderLabel: (node) => this.treeLabel(node),
			onSelect: (node) => this.go(node.data.code, this.scheme),
		});
		this.map = new UnitMap(this.mapEl, {
			tileUrl: this.config.tile_url || '',
			attribution: this.config.tile_attribution || '',
			onSelect: (u) => this.go(u.code, '2025'),
			onStatus: (kind) => this.mapStatus(kind),
		});
		if (window.ResizeObserver) {
			this.resizeObs = new ResizeObserver(() => this.map.invalidate());
			this.resizeObs.observe(this.mapEl);
		}

		this.input.addEventListener('input', () => this.scheduleSearch());
		this.input.addEventListener('keydown', (ev) => this.onSearchKey(ev));
		this.results.addEventListener('keydown', (ev) => this.onResultsKey(ev));
		for (const inp of this.schemeInputs) {
			inp.addEventListener('change', () => {
				if (inp.checked)
					this.goProvince(inp.value, this.province ? this.province.code : HANOI);
			});
		}
		this.provinceSelect.addEventListener('change', () =>
			this.goProvince(this.scheme, this.provinceSelect.value));

		if (lastQuery) {
			this.input.value = lastQuery;
			this.runSearch();
		}
	}

	destroy() {
		this.destroyed = true;
		clearTimeout(this.searchTimer);
		if (this.searchAbort)
			this.searchAbort.abort();
		if (this.resizeObs)
			this.resizeObs.disconnect();
		this.map.destroy();
	}

	go(code, scheme) {
		const href = unitHref(code, scheme);
		if (window.location.hash === href)
			this.update({ params: { code }, query: new URLSearchParams(scheme === 'legacy' ? 'scheme=legacy' : '') });
		else
			window.location.hash = href;
	}

	goProvince(scheme, code) {
		const q = new URLSearchParams();
		if (scheme === 'legacy')
			q.set('scheme', 'legacy');
		q.set('province', code);
		window.location.hash = '#/units?' + q.toString();
	}

	/* ---------- route ---------- */

	async update(route) {
		const gen = ++this.gen;
		const stale = () => gen !== this.gen || this.destroyed;
		const scheme = route.query.get('scheme') === 'legacy' ? 'legacy' : '2025';
		const code = route.params.code;
		let province = route.query.get('province');
		let unit = null;
		for (const inp of this.schemeInputs)
			inp.checked = inp.value === scheme;
		try {
			if (code) {
				unit = await apiGet('/units/' + encodeURIComponent(code), { scheme });
				if (stale())
					return;
				province = await this.provinceOf(unit);
			}
			if (stale())
				return;
			await this.showProvince(scheme, province || (this.province && this.scheme === scheme ? this.province.code : HANOI), stale);
			if (stale())
				return;
			await this.select(unit || this.province, stale, !unit);
		} catch (e) {
			if (stale() || e.name === 'AbortError')
				return;
			this.showError(e, code);
		}
	}

	async provinceOf(u) {
		const lv = levelOf(u);
		if (lv === 'province')
			return u.code;
		const parent = await apiGet('/units/' + encodeURIComponent(u.parent), { scheme: u.scheme || '2025' });
		if (levelOf(parent) === 'province')
			return parent.code;
		return parent.parent;
	}

	async provincesOf(scheme) {
		const items = await apiGetAll('/units', { scheme, level: 'province', limit: 100 });
		return items.slice().sort((a, b) => a.code.localeCompare(b.code));
	}

	async showProvince(scheme, code, stale) {
		if (this.scheme === scheme && this.province && this.province.code === code)
			return;
		const list = await this.provincesOf(scheme);
		if (stale())
			return;
		let prov = list.find((p) => p.code === code) || list.find((p) => p.code === HANOI) || list[0];
		if (!prov)
			throw new Error(t('error.noProvinces'));
		this.scheme = scheme;
		this.province = prov;
		clear(this.provinceSelect, list.map((p) => h('option', { value: p.code }, p.name)));
		this.provinceSelect.value = prov.code;

		const root = this.nodeFor(prov, true);
		this.tree.setRoots([root]);
		this.treeUl.setAttribute('aria-label', t('tree.label', { name: prov.name }));
		this.mapEl.setAttribute('aria-label', t('map.label', { name: prov.name }));
		this.renderTreeHead();
		await this.tree.expand(prov.code);
		this.renderTreeHead();
		if (stale())
			return;
		// The map shows 2025 communes; a legacy province keeps its code
		// when it survived, otherwise the map follows the selection.
		if (scheme === '2025')
			await this.showMap(prov.code);
		else {
			const now = await this.provincesOf('2025');
			if (now.some((p) => p.code === prov.code))
				await this.showMap(prov.code);
		}
	}

	async showMap(code2025) {
		if (this.mapProvince === code2025)
			return;
		this.mapProvince = code2025;
		const items = await this.communes2025(code2025);
		if (this.mapProvince !== code2025 || this.destroyed)
			return;
		this.map.setUnits(items);
		const count = this.mapEl.dataset.markers || '0';
		const el = document.getElementById('map-count');
		if (el)
			el.textContent = t('map.markers', { n: fmtNumber(Number(count)) });
	}

	communes2025(code) {
		return apiGetAll('/units/' + encodeURIComponent(code) + '/children', { scheme: '2025', limit: 500 });
	}

	mapStatus(kind) {
		const key = { noTiles: 'map.noTiles', tileError: 'map.tileError', noLib: 'map.noLib' }[kind];
		this.mapNote.textContent = key ? t(key) : '';
		this.mapNote.hidden = !key;
	}

	/* ---------- tree ---------- */

	nodeFor(u, isRoot) {
		const lv = levelOf(u);
		return {
			id: u.code,
			name: u.name,
			sortKey: u.name.replace(/^(Thành phố|Tỉnh|Quận|Huyện|Thị xã|Phường|Xã|Thị trấn|Đặc khu)\s+/u, ''),
			expandable: isRoot || (this.scheme === 'legacy' && lv === 'district'),
			data: u,
		};
	}

	async loadChildren(node) {
		const scheme = this.scheme;
		const items = await apiGetAll('/units/' + encodeURIComponent(node.id) + '/children', { scheme, limit: 500 });
		const kids = items.map((u) => this.nodeFor(u, false));
		if (scheme === 'legacy')
			this.fillSuccessors(kids.filter((k) => levelOf(k.data) === 'commune' && !k.data.successors));
		return kids;
	}

	// Legacy communes listed without successors: ask for them, a few at a time.
	async fillSuccessors(nodes) {
		const queue = nodes.slice();
		const worker = async () => {
			while (queue.length && !this.destroyed) {
				const n = queue.shift();
				try {
					const r = await apiGet('/units/' + encodeURIComponent(n.id) + '/successors');
					n.data.successors = (r.items || []).map((s) => ({ code: s.code, name: s.name }));
					const li = this.treeUl.querySelector('[data-id="' + CSS.escape(n.id) + '"] .tree-label');
					if (li)
						clear(li, this.treeLabel(n));
				} catch (e) {
					/* the details panel asks again when opened */
				}
			}
		};
		await Promise.all([worker(), worker(), worker(), worker()]);
	}

	treeLabel(node) {
		const u = node.data;
		const frag = document.createDocumentFragment();
		frag.appendChild(h('span', { class: 'tl-name' }, u.name));
		frag.appendChild(h('span', { class: 'tl-code' }, u.code));
		if (this.scheme === 'legacy' && levelOf(u) === 'commune' && u.successors && u.successors.length) {
			frag.appendChild(h('span', { class: 'tl-succ' },
				t('tree.nowPart') + ' ' + successorsText(u.successors)));
		}
		return frag;
	}

	renderTreeHead() {
		const root = this.province && this.tree.node(this.province.code);
		const n = root && root.children ? root.children.length : null;
		const csv = apiUrl('/units/' + this.province.code + '/children', { scheme: this.scheme, format: 'csv' });
		const xlsx = apiUrl('/units/' + this.province.code + '/children', { scheme: this.scheme, format: 'xlsx' });
		clear(this.treeHead,
			n === null ? null : h('span', { class: 'count' }, t('tree.count', { n: fmtNumber(n) })),
			h('span', { class: 'downloads' },
				icon('download'),
				h('span', { class: 'visually-hidden' }, t('tree.download') + ': '),
				h('a', { href: csv, download: '', 'aria-label': t('tree.downloadCsv') }, 'CSV'),
				h('a', { href: xlsx, download: '', 'aria-label': t('tree.downloadXlsx') }, 'XLSX')));
	}

	/* ---------- selection ---------- */

	async select(u, stale, isSummary) {
		this.selected = u;
		const lv = levelOf(u);
		if (this.scheme === 'legacy' && lv === 'commune' && u.parent) {
			await this.tree.expand(u.parent);
			if (stale())
				return;
		}
		this.tree.select(u.code, false);
		const sel = this.treeUl.querySelector('[aria-selected=true]');
		if (sel && !isSummary)
			this.tree.reveal(sel, true);

		let successors = null;
		if (u.scheme === 'legacy' && lv === 'commune') {
			successors = u.successors;
			if (!successors) {
				const r = await apiGet('/units/' + encodeURIComponent(u.code) + '/successors');
				successors = (r.items || []).map((s) => ({ code: s.code, name: s.name, parent: s.parent }));
			}
			if (stale())
				return;
		}
		this.renderDetail(u, successors, isSummary);

		// Map: the unit itself (2025), its successors (legacy), or the province.
		if (u.scheme !== 'legacy' && lv === 'commune') {
			await this.showMap(u.parent);
			this.map.highlight([u.code]);
			this.map.centre(u.lat, u.lon);
		} else if (successors && successors.length) {
			const first = await apiGet('/units/' + encodeURIComponent(successors[0].code), { scheme: '2025' });
			if (stale())
				return;
			await this.showMap(first.parent);
			this.map.highlight(successors.map((s) => s.code));
			this.map.centre();
		} else {
			this.map.highlight([]);
			this.map.fit();
		}
	}

	renderDetail(u, successors, isSummary) {
		const lv = levelOf(u);
		const rows = [];
		const row = (key, value, cls) => {
			rows.push(h('div', { class: 'dl-row' + (cls ? ' ' + cls : '') },
				h('dt', null, t(key)),
				h('dd', null, value === null || value === undefined || value === ''
					? h('span', { class: 'muted' }, t('detail.unknown')) : value)));
		};
		row('detail.code', h('span', { class: 'mono', 'data-testid': 'unit-code' }, u.code));
		row('detail.scheme', t('scheme.name.' + (u.scheme || '2025')));
		row('detail.type', typeLabel(u.type));
		row('detail.level', t('level.' + lv));
		if (u.parent) {
			const link = h('a', { href: unitHref(u.parent, u.scheme) }, u.parent);
			row('detail.parent', link);
			apiGet('/units/' + encodeURIComponent(u.parent), { scheme: u.scheme || '2025' })
				.then((p) => { link.textContent = p.name + ' (' + p.code + ')'; })
				.catch(() => {});
		}
		let pop = u.population, area = u.area_km2;
		const node = this.tree.node(u.code);
		if (lv !== 'commune' && node && node.children) {
			row('detail.children', fmtNumber(node.children.length));
			if (u.scheme === '2025' && (pop === null || pop === undefined)) {
				const kids = node.children.map((k) => k.data);
				if (kids.length && kids.every((k) => typeof k.population === 'number'))
					pop = kids.reduce((s, k) => s + k.population, 0);
				if (kids.length && kids.every((k) => typeof k.area_km2 === 'number'))
					area = kids.reduce((s, k) => s + k.area_km2, 0);
			}
		}
		row('detail.population', pop === null || pop === undefined ? null : t('fmt.people', { v: fmtNumber(pop) }));
		row('detail.area', area === null || area === undefined ? null : t('fmt.km2', { v: fmtNumber(area, 2) }));
		if (pop && area)
			row('detail.density', t('fmt.perKm2', { v: fmtNumber(pop / area) }));
		const hasCoords = typeof u.lat === 'number' && typeof u.lon === 'number';
		row('detail.coords', hasCoords ? h('span', { class: 'mono' }, u.lat.toFixed(4) + ', ' + u.lon.toFixed(4)) : null);

		let succBlock = null;
		if (successors) {
			succBlock = h('div', { class: 'successors' },
				h('h4', null, t('detail.successors')),
				successors.length
					? h('ul', { class: 'succ-list' }, successors.map((s) => h('li', null,
						h('a', { href: unitHref(s.code, '2025') }, icon('arrow'), s.name),
						h('span', { class: 'tl-code' }, s.code))))
					: h('p', { class: 'muted' }, t('detail.noSuccessors')),
				successors.length > 1 ? h('p', { class: 'hint' }, t('detail.split', { n: successors.length })) : null);
		}

		const actions = h('div', { class: 'detail-actions' });
		if (hasCoords || (successors && successors.length)) {
			actions.appendChild(h('button', {
				type: 'button', class: 'btn btn-secondary',
				onClick: () => (hasCoords && u.scheme !== 'legacy' ? this.map.centre(u.lat, u.lon) : this.map.centre()),
			}, icon('pin'), t('detail.showOnMap')));
		}
		actions.appendChild(h('a', {
			class: 'btn btn-link', href: apiUrl('/units/' + encodeURIComponent(u.code), { scheme: u.scheme || '2025' }),
			target: '_blank', rel: 'noopener',
		}, t('detail.json')));

		clear(this.detail,
			isSummary ? h('p', { class: 'hint' }, t('detail.empty')) : null,
			h('h3', { class: 'detail-name', id: 'detail-name' }, u.name),
			h('p', { class: 'detail-badges' },
				h('span', { class: 'badge ' + (u.scheme === 'legacy' ? 'badge-legacy' : 'badge-current') },
					t('scheme.' + (u.scheme || '2025'))),
				h('span', { class: 'badge' }, typeLabel(u.type))),
			succBlock,
			h('dl', { class: 'dl' }, rows),
			actions);
	}

	showError(e, code) {
		const msg = e.status === 404 ? t('error.unitNotFound', { code: code || '' }) : t('error.load', { message: e.message });
		clear(this.detail,
			h('div', { class: 'alert', role: 'alert' },
				h('p', null, msg),
				h('p', null,
					h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => window.dispatchEvent(new HashChangeEvent('hashchange')) }, t('error.retry')),
					' ',
					h('a', { class: 'btn btn-link', href: '#/units' }, t('soon.back')))));
	}

	/* ---------- search ---------- */

	scheduleSearch() {
		clearTimeout(this.searchTimer);
		this.searchTimer = setTimeout(() => this.runSearch(), SEARCH_DELAY_MS);
	}

	async runSearch() {
		const q = this.input.value.trim();
		lastQuery = q;
		const gen = ++this.searchGen;
		if (this.searchAbort)
			this.searchAbort.abort();
		if (!q) {
			this.results.hidden = true;
			clear(this.results);
			return;
		}
		if (q.length < 2) {
			this.showResults(q, null, null, t('search.tooShort'));
			return;
		}
		const ac = new AbortController();
		this.searchAbort = ac;
		this.results.setAttribute('aria-busy', 'true');
		try {
			const [cur, old] = await Promise.all([
				apiGet('/units', { q, scheme: '2025', limit: SEARCH_LIMIT }, { signal: ac.signal }),
				apiGet('/units', { q, scheme: 'legacy', limit: SEARCH_LIMIT }, { signal: ac.signal }),
			]);
			if (gen !== this.searchGen || this.destroyed)
				return;
			const legacy = old.items || [];
			await Promise.all(legacy.filter((u) => levelOf(u) === 'commune' && !u.successors).slice(0, 10)
				.map(async (u) => {
					try {
						const r = await apiGet('/units/' + encodeURIComponent(u.code) + '/successors');
						u.successors = (r.items || []).map((s) => ({ code: s.code, name: s.name }));
					} catch (e) {
						u.successors = null;
					}
				}));
			if (gen !== this.searchGen || this.destroyed)
				return;
			this.showResults(q, cur, old, null);
		} catch (e) {
			if (e.name === 'AbortError' || gen !== this.searchGen)
				return;
			this.showResults(q, null, null, t('error.load', { message: e.message }));
		} finally {
			if (gen === this.searchGen)
				this.results.removeAttribute('aria-busy');
		}
	}

	showResults(q, cur, old, message) {
		this.results.hidden = false;
		const groups = [];
		let total = 0;
		const group = (scheme, data, titleKey) => {
			const items = (data && data.items) || [];
			total += items.length;
			if (!items.length)
				return;
			groups.push(h('div', { class: 'result-group' },
				h('div', { class: 'result-group-head' },
					h('h3', null, t(titleKey), ' ', h('span', { class: 'count' }, fmtNumber(items.length) + (data.next_cursor ? '+' : ''))),
					h('a', { class: 'small-link', href: apiUrl('/units', { q, scheme, format: 'csv' }), download: '' },
						icon('download'), t('search.downloadCsv'))),
				h('ul', { class: 'result-list' }, items.map((u) => this.resultItem(u, scheme))),
				data.next_cursor ? h('p', { class: 'hint' }, t('search.more')) : null));
		};
		if (!message) {
			group('2025', cur, 'search.current');
			group('legacy', old, 'search.legacy');
		}
		const head = h('div', { class: 'results-head' },
			h('h2', { class: 'results-title' }, t('search.results')),
			h('p', { class: 'results-summary' }, message || (total
				? t('search.count', { n: fmtNumber(total), q })
				: t('search.none', { q }))),
			h('button', {
				type: 'button', class: 'btn btn-icon', 'aria-label': t('search.clear'), title: t('search.clear'),
				onClick: () => {
					this.input.value = '';
					this.runSearch();
					this.input.focus();
				},
			}, icon('close')));
		clear(this.results, head, groups.length ? h('div', { class: 'result-groups' }, groups) : null);
	}

	resultItem(u, scheme) {
		const lv = levelOf(u);
		const parent = h('span', { class: 'r-parent' });
		if (u.parent) {
			apiGet('/units/' + encodeURIComponent(u.parent), { scheme })
				.then((p) => { parent.textContent = ' · ' + p.name; })
				.catch(() => {});
		}
		return h('li', null,
			h('a', { class: 'result', href: unitHref(u.code, scheme) },
				h('span', { class: 'r-name' }, u.name),
				h('span', { class: 'r-meta' },
					typeLabel(u.type) + ' · ' + t('meta.code', { code: u.code }), parent),
				scheme === 'legacy' && lv === 'commune' && u.successors && u.successors.length
					? h('span', { class: 'r-succ' }, icon('arrow'),
						t('tree.nowPart') + ' ' + successorsText(u.successors))
					: null));
	}

	onSearchKey(ev) {
		if (ev.key === 'ArrowDown') {
			const first = this.results.querySelector('a.result');
			if (first) {
				ev.preventDefault();
				first.focus();
			}
		} else if (ev.key === 'Escape' && this.input.value) {
			ev.preventDefault();
			this.input.value = '';
			this.runSearch();
		} else if (ev.key === 'Enter') {
			ev.preventDefault();
			clearTimeout(this.searchTimer);
			this.runSearch();
		}
	}

	onResultsKey(ev) {
		const links = [...this.results.querySelectorAll('a.result')];
		const i = links.indexOf(document.activeElement);
		if (i < 0)
			return;
		let next = null;
		if (ev.key === 'ArrowDown')
			next = links[i + 1];
		else if (ev.key === 'ArrowUp')
			next = i === 0 ? this.input : links[i - 1];
		else if (ev.key === 'Home')
			next = links[0];
		else if (ev.key === 'End')
			next = links[links.length - 1];
		else if (ev.key === 'Escape')
			next = this.input;
		if (next) {
			ev.preventDefault();
			next.focus();
		}
	}
}
