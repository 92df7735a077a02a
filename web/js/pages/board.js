// The dispatcher's live alarm board (#/alarms). Loads a snapshot
// (GET /api/v1/alarms/board: open incidents, device states, the stream
// position) and then follows GET /api/v1/alarms/stream (server-sent events)
// from that position, so nothing between the two is missed. One line per
// building: a flood of events from one site is one incident with a counter.
// A new incident beeps (a WAV generated here, no audio file), flashes and
// shows on the map; escalated ones (not acknowledged in time) are
// highlighted. The workflow buttons post to /api/v1/incidents/{id}/...
// Device states at a glance: counts per state and the devices in alarm,
// trouble or communication failure, for the chosen commune (the communes
// offered are those of the user's scope). A link leads to the registered
// transmitters; users who may read facilities get one to the facilities
// still to connect a transmitter.
import { h, clear, icon } from '../dom.js';
import { t, locale } from '../i18n.js';
import { apiGet, ApiError } from '../api.js';
import { hasPerm, whenUserKnown } from '../auth.js';
import { scopeCommunes } from '../communes.js';
import { DEVICE_STATES } from './devices.js';

const STATES = ['active', 'open', 'verifying', 'confirmed', 'dispatched', 'false_alarm', 'all'];
const RELOAD_DEBOUNCE_MS = 120;

let cssLoaded = false;
function loadCss() {
	if (cssLoaded || document.querySelector('link[href="/board.css"]'))
		return;
	cssLoaded = true;
	document.head.appendChild(h('link', { rel: 'stylesheet', href: '/board.css' }));
}

// A short beep as a WAV file built in memory (16-bit PCM, 8 kHz): plays
// through <audio> with a blob: URL, which the CSP allows.
let beepUrl = null;
function beepWavUrl() {
	if (beepUrl)
		return beepUrl;
	const rate = 8000, secs = 0.35, n = Math.floor(rate * secs);
	const buf = new ArrayBuffer(44 + n * 2);
	const v = new DataView(buf);
	const str = (o, s) => { for (let i = 0; i < s.length; i++) v.setUint8(o + i, s.charCodeAt(i)); };
	str(0, 'RIFF'); v.setUint32(4, 36 + n * 2, true); str(8, 'WAVE');
	str(12, 'fmt '); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
	v.setUint32(24, rate, true); v.setUint32(28, rate * 2, true); v.setUint16(32, 2, true);
	v.setUint16(34, 16, true); str(36, 'data'); v.setUint32(40, n * 2, true);
	for (let i = 0; i < n; i++) {
		const tt = i / rate;
		const env = Math.min(1, i / 200, (n - i) / 200);
		const f = tt < secs / 2 ? 880 : 1320;
		v.setInt16(44 + i * 2, Math.round(Math.sin(2 * Math.PI * f * tt) * 0.5 * env * 32767), true);
	}
	beepUrl = URL.createObjectURL(new Blob([buf], { type: 'audio/wav' }));
	return beepUrl;
}

function fmtTime(ms) {
	if (ms === null || ms === undefined)
		return '';
	const d = new Date(ms);
	return d.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' }) +
		' ' + d.toLocaleDateString(locale(), { day: '2-digit', month: '2-digit' });
}

// Address, with the commune's name unless the address already says it.
function placeOf(inc) {
	const a = inc.address || '';
	if (inc.unit_name && !a.includes(inc.unit_name))
		return a ? a + ', ' + inc.unit_name : inc.unit_name;
	return a;
}

async function csrfToken() {
	try {
		const me = await apiGet('/auth/me', null, { cache: false });
		return me && me.csrf_token;
	} catch (e) {
		return null;
	}
}

async function apiPost(path, body) {
	const headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
	const csrf = await csrfToken();
	if (csrf)
		headers['X-CSRF-Token'] = csrf;
	let res;
	try {
		res = await fetch('/api/v1' + path, {
			method: 'POST', headers, credentials: 'same-origin', body: JSON.stringify(body || {}),
		});
	} catch (e) {
		throw new ApiError(0, 'network', t('error.network'));
	}
	let data = null;
	try {
		data = await res.json();
	} catch (e) {
		data = null;
	}
	if (!res.ok) {
		const err = data && data.error ? data.error : {};
		throw new ApiError(res.status, err.code, err.message, err.field);
	}
	return data;
}

export function mount(container, route, ctx) {
	loadCss();
	const config = (ctx && ctx.config) || {};
	const state = {
		incidents: new Map(),   // id -> incident (board JSON)
		selected: null,
		filterState: route.query.get('state') || 'active',
		filterUnit: route.query.get('unit') || '',
		lastId: 0,
		es: null,
		reloadTimer: null,
		destroyed: false,
		beeps: 0,
		known: new Set(),
		communes: [],
		map: null,
		markers: new Map(),
	};
	if (!STATES.includes(state.filterState))
		state.filterState = 'active';

	const statusEl = h('span', { class: 'board-live', 'data-testid': 'board-live', 'data-state': 'connecting' },
		t('board.connecting'));
	const soundBtn = h('button', { type: 'button', class: 'btn btn-small board-sound' }, t('board.soundTest'));
	const devicesEl = h('div', { class: 'board-devices', 'data-testid': 'board-devices' });
	const attentionEl = h('div', { class: 'board-attention', 'data-testid': 'board-attention' });
	const toolsEl = h('div', { class: 'board-tools' }, statusEl, soundBtn);
	const stateSel = h('select', { id: 'board-state', 'data-testid': 'board-state' },
		STATES.map((s) => h('option', { value: s, selected: s === state.filterState }, t('board.state.' + s))));
	const unitSel = h('select', { id: 'board-unit', 'data-testid': 'board-unit' },
		h('option', { value: '' }, t('board.allCommunes')));
	const listEl = h('ul', { class: 'board-list', 'data-testid': 'board-list', 'aria-live': 'polite' });
	const countEl = h('p', { class: 'board-count muted' });
	const mapEl = h('div', { class: 'board-map', id: 'board-map' });
	const detailEl = h('div', { class: 'board-detail card', 'data-testid': 'board-detail' });
	const errEl = h('p', { class: 'board-error', role: 'alert' });

	const root = h('section', { class: 'page page-board', 'aria-labelledby': 'page-title', 'data-beeps': '0' },
		h('div', { class: 'page-head board-head' },
			h('div', null,
				h('p', { class: 'eyebrow' }, t('board.eyebrow')),
				h('h1', { id: 'page-title' }, t('board.title'))),
			toolsEl),
		devicesEl,
		attentionEl,
		h('div', { class: 'board-filters' },
			h('label', { for: 'board-state' }, t('board.filterState')), stateSel,
			h('label', { for: 'board-unit' }, t('board.filterUnit')), unitSel),
		errEl,
		h('div', { class: 'board-grid' },
			h('div', { class: 'board-col-list' }, countEl, listEl),
			h('div', { class: 'board-col-side' }, mapEl, detailEl)));
	container.appendChild(root);

	function beep() {
		state.beeps++;
		root.setAttribute('data-beeps', String(state.beeps));
		try {
			const a = new Audio(beepWavUrl());
			const p = a.play();
			if (p && p.catch)
				p.catch(() => {});
		} catch (e) {
			/* no audio: the flash still shows */
		}
	}
	soundBtn.addEventListener('click', beep);

	stateSel.addEventListener('change', () => {
		state.filterState = stateSel.value;
		reload();
	});
	unitSel.addEventListener('change', () => {
		state.filterUnit = unitSel.value;
		reload();
	});

	function setLive(kind) {
		statusEl.setAttribute('data-state', kind);
		statusEl.textContent = t('board.live.' + kind);
	}

	function renderDevices(d) {
		if (!d) {
			clear(devicesEl);
			return;
		}
		clear(devicesEl, DEVICE_STATES.map((s) => h('div', { class: 'board-dev board-dev-' + s, 'data-testid': 'dev-' + s },
			h('span', { class: 'board-dev-n' }, String(d[s] || 0)),
			h('span', { class: 'board-dev-label' }, t('board.dev.' + s)))),
		h('div', { class: 'board-dev board-dev-total' },
			h('span', { class: 'board-dev-n' }, String(d.total || 0)),
			h('span', { class: 'board-dev-label' }, t('board.dev.total'))));
	}

	function renderAttention(list) {
		if (!Array.isArray(list)) {
			clear(attentionEl);
			return;
		}
		if (!list.length) {
			clear(attentionEl, h('p', { class: 'muted board-attention-none' }, t('board.attentionNone')));
			return;
		}
		clear(attentionEl,
			h('h2', { class: 'board-attention-title' }, t('board.attention')),
			h('ul', { class: 'board-attention-list' }, list.map((d) => h('li', {
				class: 'board-att board-att-' + d.state, 'data-testid': 'att-' + d.id, 'data-state': d.state,
			},
			h('span', { class: 'badge board-dev-' + d.state }, t('board.dev.' + d.state)), ' ',
			h('strong', null, d.site_name || t('board.unnamed')), ' ',
			h('span', { class: 'mono' }, '#' + (d.account || '') + (d.receiver ? ' ' + d.receiver : '') + (d.line ? ' ' + d.line : '')), ' ',
			h('span', { class: 'muted' }, (d.unit_name ? d.unit_name + ' · ' : '') +
				(d.last_heard_ms ? t('board.heard', { time: fmtTime(d.last_heard_ms) }) : t('board.neverHeard')))))));
	}

	function visible(inc) {
		const s = state.filterState;
		if (state.filterUnit && inc.unit !== state.filterUnit)
			return false;
		if (s === 'all')
			return true;
		if (s === 'active')
			return ['open', 'verifying', 'confirmed', 'dispatched'].includes(inc.state);
		return inc.state === s;
	}

	function sorted() {
		return [...state.incidents.values()].filter(visible).sort((a, b) => {
			const ea = a.escalation_level > 0 && a.state === 'open' ? 1 : 0;
			const eb = b.escalation_level > 0 && b.state === 'open' ? 1 : 0;
			if (ea !== eb)
				return eb - ea;
			return (b.last_event_ms || 0) - (a.last_event_ms || 0) || b.id - a.id;
		});
	}

	function renderList() {
		const items = sorted();
		countEl.textContent = t('board.count', { n: items.length });
		if (!items.length) {
			clear(listEl, h('li', { class: 'board-empty muted' }, t('board.empty')));
		} else {
			clear(listEl, items.map((inc) => {
				const esc = inc.escalation_level > 0 && inc.state === 'open';
				return h('li', {
					class: 'board-item state-' + inc.state + (esc ? ' escalated' : '') +
						(state.selected === inc.id ? ' selected' : '') + (inc._fresh ? ' fresh' : ''),
					'data-testid': 'incident-' + inc.id,
					'data-state': inc.state,
				},
				h('button', { type: 'button', class: 'board-item-btn', onClick: () => select(inc.id) },
					h('span', { class: 'board-item-main' },
						h('span', { class: 'board-item-name' }, inc.site_name || t('board.unnamed')),
						h('span', { class: 'board-item-addr' }, placeOf(inc))),
					h('span', { class: 'board-item-meta' },
						h('span', { class: 'badge badge-' + inc.state }, t('board.state.' + inc.state)),
						esc ? h('span', { class: 'badge badge-escalated' }, t('board.escalated', { n: inc.escalation_level })) : null,
						h('span', { class: 'board-item-count', title: t('board.eventsTitle'), 'data-testid': 'count-' + inc.id },
							'×' + (inc.event_count || 1)),
						h('span', { class: 'board-item-time' }, fmtTime(inc.last_event_ms || inc.opened_ms)))));
			}));
		}
		renderMarkers(items);
	}

	function ensureMap() {
		if (state.map || !window.L)
			return state.map;
		const L = window.L;
		state.map = L.map(mapEl, { zoomControl: true, attributionControl: true }).setView([21.0285, 105.8542], 11);
		if (config.tile_url)
			L.tileLayer(config.tile_url, { attribution: config.tile_attribution || '', maxZoom: 19 }).addTo(state.map);
		L.control.scale({ imperial: false }).addTo(state.map);
		return state.map;
	}

	function renderMarkers(items) {
		const map = ensureMap();
		if (!map)
			return;
		const L = window.L;
		const seen = new Set();
		for (const inc of items) {
			if (typeof inc.lat !== 'number' || typeof inc.lon !== 'number')
				continue;
			seen.add(inc.id);
			const esc = inc.escalation_level > 0 && inc.state === 'open';
			const style = {
				radius: state.selected === inc.id ? 12 : 9, weight: 2,
				color: esc ? '#4a0000' : '#8e1b16',
				fillColor: inc.state === 'open' ? '#e53935' : (inc.state === 'dispatched' ? '#6d4c41' : '#fb8c00'),
				fillOpacity: 0.9,
			};
			let m = state.markers.get(inc.id);
			if (!m) {
				m = L.circleMarker([inc.lat, inc.lon], style).addTo(map);
				m.on('click', () => select(inc.id));
				state.markers.set(inc.id, m);
			} else {
				m.setLatLng([inc.lat, inc.lon]);
				m.setStyle(style);
			}
			m.bindTooltip(inc.site_name || '');
		}
		for (const [id, m] of state.markers) {
			if (!seen.has(id)) {
				m.remove();
				state.markers.delete(id);
			}
		}
	}

	async function select(id) {
		state.selected = id;
		renderList();
		const inc = state.incidents.get(id);
		if (inc && state.map && typeof inc.lat === 'number')
			state.map.setView([inc.lat, inc.lon], Math.max(state.map.getZoom(), 15));
		await renderDetail();
	}

	function actionBtn(label, testid, cls, fn) {
		return h('button', { type: 'button', class: 'btn ' + cls, 'data-testid': testid, onClick: async (ev) => {
			ev.currentTarget.disabled = true;
			errEl.textContent = '';
			try {
				const inc = await fn();
				if (inc && inc.id) {
					state.incidents.set(inc.id, inc);
					renderList();
				}
				await renderDetail();
			} catch (e) {
				errEl.textContent = t('board.actionError', { message: e.message || '' });
				await renderDetail();
			}
		} }, label);
	}

	async function renderDetail() {
		const inc = state.incidents.get(state.selected);
		if (!inc) {
			clear(detailEl, h('p', { class: 'muted' }, t('board.pick')));
			return;
		}
		const id = inc.id;
		const s = inc.state;
		const callResult = h('select', { 'data-testid': 'call-result', 'aria-label': t('board.callResult') },
			['answered', 'no_answer', 'busy', 'wrong_number'].map((r) => h('option', { value: r }, t('board.call.' + r))));
		const note = h('input', { type: 'text', 'data-testid': 'step-note', maxlength: '500', placeholder: t('board.notePlaceholder'),
			'aria-label': t('board.note') });
		const contacts = Array.isArray(inc.contacts) ? inc.contacts : [];
		const buttons = [];
		if (s === 'open')
			buttons.push(actionBtn(t('board.btn.ack'), 'btn-ack', 'btn-primary', () => apiPost('/incidents/' + id + '/ack')));
		if (s === 'verifying') {
			buttons.push(actionBtn(t('board.btn.confirm'), 'btn-confirm', 'btn-danger',
				() => apiPost('/incidents/' + id + '/verify', { outcome: 'confirmed', note: note.value || undefined })));
			buttons.push(actionBtn(t('board.btn.false'), 'btn-false', 'btn-secondary',
				() => apiPost('/incidents/' + id + '/verify', { outcome: 'false_alarm', note: note.value || undefined })));
		}
		if (s === 'confirmed')
			buttons.push(actionBtn(t('board.btn.dispatch'), 'btn-dispatch', 'btn-danger',
				() => apiPost('/incidents/' + id + '/dispatch', { note: note.value || undefined })));
		const canCall = ['verifying', 'confirmed', 'dispatched'].includes(s);
		let timeline = [];
		try {
			const tl = await apiGet('/incidents/' + id + '/timeline', null, { cache: false });
			timeline = tl.items || [];
		} catch (e) {
			timeline = [];
		}
		if (state.selected !== id || state.destroyed)
			return;
		clear(detailEl,
			h('h2', { class: 'board-detail-title' }, inc.site_name || t('board.unnamed')),
			h('p', { class: 'board-detail-addr' }, icon('pin'), placeOf(inc)),
			h('dl', { class: 'board-facts' },
				h('dt', null, t('board.fact.state')), h('dd', { 'data-testid': 'detail-state' }, t('board.state.' + s)),
				h('dt', null, t('board.fact.opened')), h('dd', null, fmtTime(inc.opened_ms)),
				h('dt', null, t('board.fact.events')), h('dd', null, String(inc.event_count || 1)),
				h('dt', null, t('board.fact.device')), h('dd', null, inc.account ? '#' + inc.account : '—'),
				inc.acked_by ? [h('dt', null, t('board.fact.acked')), h('dd', null, inc.acked_by + ' · ' + fmtTime(inc.acked_ms))] : null),
			h('h3', null, t('board.contacts')),
			contacts.length ? h('ul', { class: 'board-contacts' }, contacts.map((c) => h('li', null,
				h('span', { class: 'board-contact-name' }, c.name || ''), ' ',
				c.phone ? h('a', { href: 'tel:' + c.phone }, c.phone) : null,
				canCall ? actionBtn(t('board.btn.call'), 'btn-call', 'btn-small',
					() => apiPost('/incidents/' + id + '/call', { contact: c.name || '?', phone: c.phone || undefined,
						result: callResult.value, note: note.value || undefined })) : null)))
				: h('p', { class: 'muted' }, t('board.noContacts')),
			canCall && contacts.length ? h('label', { class: 'board-inline' }, t('board.callResult'), ' ', callResult) : null,
			h('div', { class: 'board-actions' }, note, buttons),
			h('h3', null, t('board.timeline')),
			timeline.length ? h('ol', { class: 'board-timeline', 'data-testid': 'timeline' }, timeline.map((st) => h('li', null,
				h('time', null, fmtTime(st.at_ms)), ' ',
				h('strong', null, t('board.step.' + st.kind)),
				st.kind === 'escalation' ? ' ' + t('board.escalated', { n: st.outcome }) : null,
				st.outcome && st.kind === 'verify' ? ' — ' + t('board.state.' + st.outcome) : null,
				st.contact ? ' — ' + st.contact + (st.phone ? ' (' + st.phone + ')' : '') + (st.result ? ': ' + t('board.call.' + st.result) : '') : null,
				st.note ? ' — ' + st.note : null,
				h('span', { class: 'muted' }, ' · ' + (st.actor_name || st.actor || '')))))
				: h('p', { class: 'muted' }, t('board.noSteps')));
	}

	function upsert(inc, fromEvent) {
		if (!inc || !inc.id)
			return;
		const isNew = !state.known.has(inc.id);
		state.known.add(inc.id);
		if (fromEvent && isNew) {
			inc._fresh = true;
			setTimeout(() => {
				inc._fresh = false;
				if (!state.destroyed)
					renderList();
			}, 4000);
		}
		state.incidents.set(inc.id, inc);
	}

	async function reload(fromEvent) {
		let snap;
		try {
			snap = await apiGet('/alarms/board', { state: 'all', unit: state.filterUnit || undefined, limit: 500 }, { cache: false });
		} catch (e) {
			if (state.destroyed)
				return;
			errEl.textContent = e.status === 401 ? t('board.signIn') :
				(e.status === 403 ? t('board.forbidden') : t('error.load', { message: e.message || '' }));
			setLive('off');
			return;
		}
		if (state.destroyed)
			return;
		errEl.textContent = '';
		const before = new Set(state.known);
		state.incidents.clear();
		let fresh = false;
		for (const inc of snap.incidents || []) {
			if (fromEvent && !before.has(inc.id) && inc.state === 'open')
				fresh = true;
			upsert(inc, fromEvent);
		}
		renderDevices(snap.devices);
		renderAttention(snap.attention);
		renderList();
		if (fresh)
			beep();
		if (state.selected)
			renderDetail();
		if (!state.es)
			connect(snap.last_event_id || 0);
	}

	function scheduleReload() {
		if (state.reloadTimer)
			return;
		state.reloadTimer = setTimeout(() => {
			state.reloadTimer = null;
			if (!state.destroyed)
				reload(true);
		}, RELOAD_DEBOUNCE_MS);
	}

	function connect(lastId) {
		if (state.destroyed)
			return;
		const es = new EventSource('/api/v1/alarms/stream?last_event_id=' + encodeURIComponent(lastId), { withCredentials: true });
		state.es = es;
		es.onopen = () => setLive('on');
		es.onerror = () => setLive(es.readyState === EventSource.CLOSED ? 'off' : 'connecting');
		const onIncident = (ev) => {
			let d = null;
			try {
				d = JSON.parse(ev.data);
			} catch (e) {
				return;
			}
			if (d && d.incident && d.incident.id) {
				upsert(d.incident, true);
				renderList();
				if (state.selected === d.incident.id)
					renderDetail();
				if (ev.type === 'escalation')
					beep();
			}
		};
		es.addEventListener('board', onIncident);
		es.addEventListener('escalation', onIncident);
		// incidents opened or joined and raw alarms: the pipeline's shape
		// differs from the board's, so fetch the board again (debounced)
		es.addEventListener('incident', scheduleReload);
		es.addEventListener('alarm', scheduleReload);
		es.addEventListener('device', scheduleReload);
		es.addEventListener('reset', scheduleReload);
	}

	async function loadCommunes() {
		state.communes = await scopeCommunes();
		if (state.destroyed)
			return;
		for (const u of state.communes)
			unitSel.appendChild(h('option', { value: u.code, selected: u.code === state.filterUnit }, u.name));
	}

	renderDetail();
	loadCommunes();
	reload(false);
	whenUserKnown().then(() => {
		if (state.destroyed)
			return;
		toolsEl.appendChild(h('a', { class: 'btn btn-small btn-secondary', href: '#/alarms/devices',
			'data-testid': 'board-devices-link' }, t('board.devices')));
		if (hasPerm('facility.read'))
			toolsEl.appendChild(h('a', { class: 'btn btn-small btn-secondary', href: '#/alarms/unconnected',
				'data-testid': 'board-unconnected' }, t('board.unconnected')));
	});

	return {
		update(info) {
			const s = info.query.get('state');
			if (s && STATES.includes(s) && s !== state.filterState) {
				state.filterState = s;
				stateSel.value = s;
				renderList();
			}
		},
		destroy() {
			state.destroyed = true;
			if (state.es)
				state.es.close();
			if (state.reloadTimer)
				clearTimeout(state.reloadTimer);
			if (state.map)
				state.map.remove();
		},
	};
}
