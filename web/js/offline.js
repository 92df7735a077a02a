// Working without signal (alleys, basements): registers the service worker
// (web/sw.js) that keeps the console shell available offline, and keeps
// inspection results and record edits on the device until they can be sent.
//
// IndexedDB "pccc-offline": "queue" holds what waits to be sent — an
// inspection ({qid, type: 'inspection', targetKind, targetId, base,
// baseKind, before, body, photos: [{code, blob}], status, ...}) or an edit
// of a house or facility ({type: 'edit', targetKind, targetId, base,
// before, body}) — "drafts" the checklist being filled in (answers and
// photos, so a reload or a lost tab loses nothing), "cache" the last
// catalogue and records read (to open a checklist offline).
//
// Sending (flush) happens when the page comes back online, every 20 s
// while online, and on demand. Every entry carries the version of the
// record it was based on (base: the record's "version", which the server
// adds one to on every write; entries queued by older pages carry its
// updated_at instead). The inspection is sent with that version and an
// edit with If-Match; when the record changed meanwhile the server answers
// 409 "conflict" with the current record, and the entry becomes a
// "conflict" holding both (before: as the officer saw it, server: as it is
// now) for the officer to resolve — send anyway (on top of the version now
// shown), reopen, or discard — never written over the newer record.
//
// An inspection's photos go after it, one by one, to POST
// /api/v1/inspections/{id}/photos?item=CODE. The server stores a photo
// once per content, so a photo sent again after a lost answer is harmless;
// a photo that did not go yet stays in the entry and is sent at the next
// flush.
import { apiFetch, serverMessage, loadSession } from './register.js';
import { t } from './i18n.js';

const DB_NAME = 'pccc-offline';
const DB_VERSION = 1;
const listeners = new Set();
let dbp = null;
let flushing = null;
let photoRoute = null;   // does the server take photos? (openapi)

function db() {
	if (!dbp) {
		dbp = new Promise((resolve, reject) => {
			const req = indexedDB.open(DB_NAME, DB_VERSION);
			req.onupgradeneeded = () => {
				const d = req.result;
				if (!d.objectStoreNames.contains('queue'))
					d.createObjectStore('queue', { keyPath: 'qid', autoIncrement: true });
				if (!d.objectStoreNames.contains('drafts'))
					d.createObjectStore('drafts', { keyPath: 'key' });
				if (!d.objectStoreNames.contains('cache'))
					d.createObjectStore('cache', { keyPath: 'key' });
			};
			req.onsuccess = () => resolve(req.result);
			req.onerror = () => reject(req.error);
		});
	}
	return dbp;
}

async function tx(store, mode, fn) {
	const d = await db();
	return new Promise((resolve, reject) => {
		const tr = d.transaction(store, mode);
		const st = tr.objectStore(store);
		let out;
		const r = fn(st);
		if (r)
			r.onsuccess = () => { out = r.result; };
		tr.oncomplete = () => resolve(out);
		tr.onerror = () => reject(tr.error);
		tr.onabort = () => reject(tr.error);
	});
}

export const cachePut = (key, value) => tx('cache', 'readwrite', (s) => s.put({ key, value, at: Date.now() }));
export const cacheGet = async (key) => {
	const r = await tx('cache', 'readonly', (s) => s.get(key));
	return r ? r.value : null;
};
export const saveDraft = (key, data) => tx('drafts', 'readwrite', (s) => s.put(Object.assign({}, data, { key })));
export const loadDraft = (key) => tx('drafts', 'readonly', (s) => s.get(key));
export const deleteDraft = (key) => tx('drafts', 'readwrite', (s) => s.delete(key));

export const listQueue = () => tx('queue', 'readonly', (s) => s.getAll());
const putEntry = (e) => tx('queue', 'readwrite', (s) => s.put(e));
export const deleteEntry = async (qid) => {
	await tx('queue', 'readwrite', (s) => s.delete(qid));
	emit({ qid, status: 'deleted' });
};

export function onQueueChange(fn) {
	listeners.add(fn);
	return () => listeners.delete(fn);
}

function emit(e) {
	for (const fn of listeners) {
		try {
			fn(e);
		} catch (err) {
			/* a listener's problem is its own */
		}
	}
}

// The version a change is based on: the record's "version", or its
// updated_at from a server that has no versions.
export function baseOf(rec) {
	if (rec && Number.isInteger(rec.version))
		return { base: rec.version, baseKind: 'version' };
	return { base: rec ? rec.updated_at : null, baseKind: 'updated_at' };
}

// Adds an inspection to the queue; returns its qid. entry: {targetKind,
// targetId, base, baseKind, before, body, photos}.
export async function enqueue(entry) {
	const e = Object.assign({ type: 'inspection', status: 'pending', created: Date.now(), tries: 0 }, entry);
	const qid = await tx('queue', 'readwrite', (s) => s.add(e));
	e.qid = qid;
	emit(e);
	return qid;
}

// Adds an edit of a house or facility (body: the changed fields only,
// before: the record the form was filled from); returns its qid.
export function enqueueEdit(entry) {
	const b = baseOf(entry.before);
	return enqueue(Object.assign({ base: b.base, baseKind: b.baseKind }, entry, { type: 'edit' }));
}

function targetPath(e) {
	return (e.targetKind === 'facility' ? '/facilities/' : '/houses/') + encodeURIComponent(e.targetId);
}

// JSON (or raw, for photos) request with the CSRF token; the error keeps
// the whole error object of the answer (err.detail: a conflict's current
// record). One retry with a fresh token when the server says it is stale.
async function send(method, path, body, headers, raw, retried) {
	const s = await loadSession();
	const hd = Object.assign({ Accept: 'application/json' }, raw ? {} : { 'Content-Type': 'application/json' }, headers || {});
	if (s && s.csrf_token)
		hd['X-CSRF-Token'] = s.csrf_token;
	let res;
	try {
		res = await fetch('/api/v1' + path, {
			method, headers: hd, credentials: 'same-origin', body: raw ? body : JSON.stringify(body),
		});
	} catch (e) {
		const err = new Error(t('error.network'));
		err.status = 0;
		err.code = 'network';
		throw err;
	}
	let data = null;
	try {
		data = await res.json();
	} catch (e) {
		data = null;
	}
	if (!res.ok) {
		const d = (data && data.error) || {};
		if (res.status === 403 && /csrf/i.test(d.code || '') && !retried) {
			await loadSession(true);
			return send(method, path, body, headers, raw, true);
		}
		const err = new Error(d.message || ('HTTP ' + res.status));
		err.status = res.status;
		err.code = d.code;
		err.field = d.field;
		err.detail = d;
		throw err;
	}
	return data;
}

async function hasPhotoRoute() {
	if (photoRoute !== null)
		return photoRoute;
	try {
		const spec = await apiFetch('/openapi.json');
		photoRoute = Object.keys((spec && spec.paths) || {}).some((p) => /inspections\/\{[^}]+\}\/photos$/.test(p));
	} catch (e) {
		if (isNetwork(e))
			throw e;   // ask again next time
		photoRoute = false;
	}
	return photoRoute;
}

function isNetwork(err) {
	return err && (err.status === 0 || err.code === 'network');
}

function isConflict(err) {
	return err && err.status === 409 && err.code === 'conflict' && err.detail && err.detail.current;
}

function stale(e, current) {
	if (e.base === undefined || e.base === null || !current)
		return false;
	if (e.baseKind === 'version' || (e.baseKind === undefined && typeof e.base === 'number'))
		return current.version !== e.base;
	return String(current.updated_at) !== String(e.base);
}

async function toConflict(e, server) {
	e.status = 'conflict';
	e.force = false;
	e.server = server;
	e.serverVersion = server ? server.version : undefined;
	e.serverUpdatedAt = server ? server.updated_at : undefined;
	await putEntry(e);
	emit(e);
}

// The version a send names: the base, or after "send anyway" the version
// the officer was shown in the conflict.
function sendVersion(e) {
	if (e.force)
		return Number.isInteger(e.serverVersion) ? e.serverVersion : null;
	return e.baseKind === 'version' || (e.baseKind === undefined && typeof e.base === 'number') ? e.base : null;
}

async function sendPhotos(e) {
	const id = e.result && e.result.id;
	e.photosSent = e.photosSent || [];
	e.photoErrors = e.photoErrors || [];
	if (!e.photos || !e.photos.length || id === undefined)
		return 'none';
	if (!(await hasPhotoRoute())) {
		await cachePut('photos:' + e.targetKind + ':' + e.targetId + ':' + id, e.photos).catch(() => {});
		e.photos = [];
		return 'kept';
	}
	while (e.photos.length) {
		const p = e.photos[0];
		try {
			const r = await send('POST', '/inspections/' + encodeURIComponent(id) + '/photos?item=' + encodeURIComponent(p.code),
				p.blob, { 'Content-Type': (p.blob && p.blob.type) || 'image/jpeg' }, true);
			e.photosSent.push({ code: p.code, id: r.id, url: r.url });
		} catch (err) {
			if (isNetwork(err))
				throw err;   // the rest goes at the next flush
			e.photoErrors.push({ code: p.code, message: serverMessage(err, document.documentElement.lang) });
		}
		e.photos.shift();
		await putEntry(e);
	}
	return 'sent';
}

async function sendInspection(e) {
	if (!e.result) {
		const current = await apiFetch(targetPath(e));
		if (!e.force && stale(e, current))
			return toConflict(e, current);
		const body = Object.assign({}, e.body);
		const v = sendVersion(e);
		if (v !== null && v !== undefined)
			body.version = v;
		try {
			e.result = await send('POST', targetPath(e) + '/inspections', body);
		} catch (err) {
			if (isConflict(err))
				return toConflict(e, err.detail.current);
			throw err;
		}
		e.force = false;
		await putEntry(e);   // recorded: never sent twice, photos follow
	}
	e.photosState = await sendPhotos(e);
	return null;
}

async function sendEdit(e) {
	const v = sendVersion(e);
	const headers = v !== null && v !== undefined ? { 'If-Match': '"' + v + '"' } : {};
	try {
		e.result = await send('PATCH', targetPath(e), e.body, headers);
	} catch (err) {
		if (isConflict(err))
			return toConflict(e, err.detail.current);
		throw err;
	}
	return null;
}

// Sends one entry; returns its new state.
async function sendOne(e) {
	e.status = 'sending';
	emit(e);
	try {
		if (e.type === 'edit')
			await sendEdit(e);
		else
			await sendInspection(e);
		if (e.status === 'conflict')
			return e;
		await tx('queue', 'readwrite', (s) => s.delete(e.qid));
		const done = Object.assign({}, e, { status: 'sent', photos: undefined });
		emit(done);
		return done;
	} catch (err) {
		e.tries = (e.tries || 0) + 1;
		e.status = isNetwork(err) ? 'pending' : 'failed';
		e.message = isNetwork(err) ? '' : serverMessage(err, document.documentElement.lang);
		await putEntry(e);
		emit(e);
		return e;
	}
}

// Sends every pending entry (and, with force: qid, that one even when it
// is in conflict). One flush at a time.
export async function flush(opts) {
	const o = opts || {};
	if (flushing)
		await flushing.catch(() => {});
	flushing = (async () => {
		const all = await listQueue();
		const out = [];
		for (const e of all) {
			if (o.qid !== undefined && e.qid !== o.qid)
				continue;
			if (o.force && e.qid === o.qid)
				e.force = true;
			else if (e.status !== 'pending' && e.status !== 'sending')
				continue;
			out.push(await sendOne(e));
		}
		return out;
	})();
	try {
		return await flushing;
	} finally {
		flushing = null;
	}
}

// What differs in a conflict, for showing both values: an edit's fields
// ({field, before, mine, server}), or for an inspection the fields of the
// record that changed since the checklist was opened ({field, before,
// server}). Bookkeeping fields are left out.
const NOT_SHOWN = new Set(['version', 'updated_at', 'created_at', 'compliance_vi', 'id_display', 'unit_name',
	'address_folded', 'declared_by']);

function same(a, b) {
	return JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b);
}

export function conflictRows(e) {
	const server = e.server || {};
	const before = e.before || {};
	if (e.type === 'edit') {
		return Object.keys(e.body || {}).filter((k) => !NOT_SHOWN.has(k))
			.map((k) => ({ field: k, before: before[k], mine: e.body[k], server: server[k] }))
			.filter((r) => !same(r.mine, r.server));
	}
	if (!e.before)
		return [];
	const keys = new Set(Object.keys(before).concat(Object.keys(server)));
	return Array.from(keys).filter((k) => !NOT_SHOWN.has(k) && !same(before[k], server[k]))
		.map((k) => ({ field: k, before: before[k], server: server[k] }));
}

let started = false;

export function startOffline() {
	if (started)
		return;
	started = true;
	if ('serviceWorker' in navigator && window.isSecureContext) {
		navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
			/* no service worker: the console still works online */
		});
		// Files loaded before the worker took control: have it cache them.
		navigator.serviceWorker.ready.then((reg) => {
			const urls = ['/'].concat(performance.getEntriesByType('resource').map((e) => e.name)
				.filter((u) => u.startsWith(location.origin) && !u.includes('/api/')));
			if (reg.active)
				reg.active.postMessage({ type: 'cache', urls });
		}).catch(() => {});
	}
	window.addEventListener('online', () => {
		emit({ status: 'online' });
		flush().catch(() => {});
	});
	window.addEventListener('offline', () => emit({ status: 'offline' }));
	setInterval(() => {
		if (navigator.onLine)
			flush().catch(() => {});
	}, 20000);
	if (navigator.onLine)
		setTimeout(() => flush().catch(() => {}), 1000);
}

// Shrinks a photo to at most 1600 px (JPEG) so a day of photos fits on the
// phone; falls back to the original file.
export async function shrinkPhoto(file) {
	try {
		const bmp = await createImageBitmap(file);
		const scale = Math.min(1, 1600 / Math.max(bmp.width, bmp.height));
		const canvas = document.createElement('canvas');
		canvas.width = Math.round(bmp.width * scale);
		canvas.height = Math.round(bmp.height * scale);
		canvas.getContext('2d').drawImage(bmp, 0, 0, canvas.width, canvas.height);
		const blob = await new Promise((res) => canvas.toBlob(res, 'image/jpeg', 0.8));
		return blob || file;
	} catch (e) {
		return file;
	}
}
