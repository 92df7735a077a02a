// The units map: one circle marker per commune (Leaflet, loaded as the
// classic script /vendor/leaflet/leaflet.js, so window.L). Tiles are
// optional: without a tile URL, or when tiles fail, the map keeps a plain
// background, the markers, an approximate outline (convex hull of the
// markers), a scale and a legend; the page's list stays the way to choose.
import { t } from './i18n.js';

const STYLE_WARD = { radius: 6, color: '#8e1b16', weight: 1.5, fillColor: '#c62828', fillOpacity: 0.9 };
const STYLE_COMMUNE = { radius: 6, color: '#8e1b16', weight: 1.5, fillColor: '#ffffff', fillOpacity: 0.95 };
const STYLE_SELECTED = { radius: 10, color: '#3d0a07', weight: 2.5, fillColor: '#ffc940', fillOpacity: 1 };
const TILE_WAIT_MS = 8000;

function baseStyle(u) {
	return u.type === 'Phường' ? STYLE_WARD : STYLE_COMMUNE;
}

// Andrew's monotone chain over [lon, lat] points.
function convexHull(points) {
	const p = points.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	if (p.length < 3)
		return p;
	const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
	const lower = [];
	for (const pt of p) {
		while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], pt) <= 0)
			lower.pop();
		lower.push(pt);
	}
	const upper = [];
	for (let i = p.length - 1; i >= 0; i--) {
		const pt = p[i];
		while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], pt) <= 0)
			upper.pop();
		upper.push(pt);
	}
	upper.pop();
	lower.pop();
	return lower.concat(upper);
}

// Pushes every hull vertex away from the centre by pad degrees.
function padHull(hull, pad) {
	if (!hull.length)
		return hull;
	const cx = hull.reduce((s, q) => s + q[0], 0) / hull.length;
	const cy = hull.reduce((s, q) => s + q[1], 0) / hull.length;
	return hull.map(([x, y]) => {
		const dx = x - cx, dy = y - cy;
		const d = Math.hypot(dx, dy) || 1;
		return [x + (dx / d) * pad, y + (dy / d) * pad];
	});
}

export class UnitMap {
	// opts: {tileUrl, attribution, onSelect(unit), onStatus(kind)}
	// kind: 'tiles' | 'noTiles' | 'tileError' | 'noLib'
	constructor(el, opts) {
		this.el = el;
		this.opts = opts || {};
		this.markers = new Map();
		this.units = new Map();
		this.highlighted = [];
		this.layer = null;
		this.outline = null;
		this.map = null;
		this.timer = null;
		const L = window.L;
		if (!L) {
			el.classList.add('map-nolib');
			this.status('noLib');
			return;
		}
		this.map = L.map(el, {
			center: [21.03, 105.83],
			zoom: 10,
			minZoom: 5,
			maxZoom: 18,
			// Raster tiles stay sharp at whole zoom levels only.
			zoomSnap: this.opts.tileUrl ? 1 : 0.25,
			worldCopyJump: false,
		});
		// data-moving lets tests (and screenshots) wait for animations.
		el.dataset.moving = '0';
		this.map.on('movestart zoomstart', () => { el.dataset.moving = '1'; });
		this.map.on('moveend zoomend', () => { el.dataset.moving = '0'; });
		this.map.attributionControl.setPrefix('<a href="https://leafletjs.com" rel="noopener">Leaflet</a>');
		L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(this.map);
		this.addLegend(L);
		this.layer = L.layerGroup().addTo(this.map);
		this.setupTiles(L);
	}

	status(kind) {
		this.tileStatus = kind;
		this.el.dataset.tiles = kind;
		if (this.opts.onStatus)
			this.opts.onStatus(kind);
	}

	setupTiles(L) {
		const url = this.opts.tileUrl;
		if (!url) {
			this.el.classList.add('map-plain');
			this.status('noTiles');
			return;
		}
		let loaded = 0, failed = 0;
		const tiles = L.tileLayer(url, {
			maxZoom: 19,
			attribution: this.opts.attribution || '',
			crossOrigin: false,
		});
		const giveUp = () => {
			if (loaded > 0)
				return;
			this.map.removeLayer(tiles);
			this.el.classList.add('map-plain');
			if (this.outline)
				this.outline.setStyle({ fillOpacity: 0.85 });
			this.status('tileError');
		};
		tiles.on('tileload', () => {
			loaded++;
			if (loaded === 1) {
				clearTimeout(this.timer);
				this.status('tiles');
			}
		});
		tiles.on('tileerror', () => {
			failed++;
			if (failed >= 4 && loaded === 0) {
				clearTimeout(this.timer);
				giveUp();
			}
		});
		// Never wait on the tile server: plain mode meanwhile, real tiles
		// replace it as soon as one arrives.
		this.el.classList.add('map-plain');
		tiles.once('tileload', () => this.el.classList.remove('map-plain'));
		this.timer = setTimeout(giveUp, TILE_WAIT_MS);
		tiles.addTo(this.map);
	}

	addLegend(L) {
		const Legend = L.Control.extend({
			options: { position: 'bottomright' },
			onAdd: () => {
				const box = L.DomUtil.create('div', 'map-legend');
				const row = (cls, key) => {
					const r = L.DomUtil.create('div', 'legend-row', box);
					L.DomUtil.create('span', 'legend-dot ' + cls, r);
					const s = L.DomUtil.create('span', 'legend-label', r);
					s.textContent = t(key);
				};
				row('dot-ward', 'map.legend.ward');
				row('dot-commune', 'map.legend.commune');
				row('dot-selected', 'map.legend.selected');
				L.DomEvent.disableClickPropagation(box);
				return box;
			},
		});
		new Legend().addTo(this.map);
	}

	// Replaces the markers with these units (those with coordinates).
	setUnits(units, opts) {
		this.units.clear();
		this.markers.clear();
		this.highlighted = [];
		if (!this.map) {
			this.el.dataset.markers = '0';
			return;
		}
		const L = window.L;
		this.layer.clearLayers();
		const pts = [];
		const withCoords = units.filter((u) => typeof u.lat === 'number' && typeof u.lon === 'number');
		for (const u of withCoords)
			pts.push([u.lon, u.lat]);
		if (pts.length >= 3) {
			const hull = padHull(convexHull(pts), 0.015).map(([x, y]) => [y, x]);
			this.outline = L.polygon(hull, {
				className: 'pccc-outline',
				color: '#6d1a15',
				weight: 1.5,
				dashArray: '6 5',
				fillColor: '#ffffff',
				fillOpacity: this.el.classList.contains('map-plain') ? 0.85 : 0.06,
				interactive: false,
			}).addTo(this.layer);
		}
		for (const u of withCoords) {
			const m = L.circleMarker([u.lat, u.lon], Object.assign({ className: 'pccc-marker' }, baseStyle(u)));
			this.labelMarker(m, u, false);
			m.on('click', () => {
				if (this.opts.onSelect)
					this.opts.onSelect(u);
			});
			m.addTo(this.layer);
			this.markers.set(u.code, m);
			this.units.set(u.code, u);
		}
		this.el.dataset.markers = String(this.markers.size);
		if (pts.length && (!opts || opts.fit !== false))
			this.fit();
	}

	// Hover label, or a permanent one while the marker is selected.
	labelMarker(m, u, selected) {
		m.unbindTooltip();
		m.bindTooltip(u.name, {
			direction: 'top',
			offset: [0, selected ? -10 : -6],
			permanent: selected,
			className: selected ? 'tip-selected' : '',
		});
	}

	fit() {
		if (!this.map || !this.markers.size)
			return;
		const b = window.L.latLngBounds([...this.units.values()].map((u) => [u.lat, u.lon]));
		this.map.fitBounds(b, { padding: [20, 20] });
	}

	// Highlights these codes (2025 communes); returns how many were found.
	highlight(codes) {
		for (const c of this.highlighted) {
			const m = this.markers.get(c);
			if (m) {
				m.setStyle(baseStyle(this.units.get(c)));
				this.labelMarker(m, this.units.get(c), false);
			}
		}
		this.highlighted = [];
		for (const c of codes || []) {
			const m = this.markers.get(c);
			if (m) {
				m.setStyle(STYLE_SELECTED);
				m.bringToFront();
				this.labelMarker(m, this.units.get(c), true);
				this.highlighted.push(c);
			}
		}
		this.el.dataset.selected = this.highlighted.join(',');
		return this.highlighted.length;
	}

	// Centres the map on a point or on the highlighted markers.
	centre(lat, lon) {
		if (!this.map)
			return;
		if (typeof lat === 'number' && typeof lon === 'number') {
			this.map.setView([lat, lon], Math.max(this.map.getZoom(), 12), { animate: true });
			return;
		}
		const pts = this.highlighted.map((c) => this.units.get(c)).filter(Boolean);
		if (pts.length === 1)
			this.map.setView([pts[0].lat, pts[0].lon], Math.max(this.map.getZoom(), 12), { animate: true });
		else if (pts.length > 1)
			this.map.fitBounds(window.L.latLngBounds(pts.map((u) => [u.lat, u.lon])), { padding: [40, 40], maxZoom: 14 });
	}

	hasUnit(code) {
		return this.markers.has(code);
	}

	invalidate() {
		if (this.map)
			this.map.invalidateSize();
	}

	destroy() {
		clearTimeout(this.timer);
		if (this.map)
			this.map.remove();
		this.map = null;
	}
}
