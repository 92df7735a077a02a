// Working without signal (alleys, basements): registers the service worker
// (web/sw.js) that keeps the console shell available offline, and keeps
// inspection results on the device until they can be sent.
//
// IndexedDB "pccc-offline": "queue" holds results waiting to be sent
// ({qid, targetKind, targetId, base, body, photos: [{code, blob}], status,
// ...}), "drafts" the checklist being filled in (answers and photos, so a
// reload or a lost tab loses nothing), "cache" the last catalogue and
// records read (to open a checklist offline).
//
// Sending (flush) happens when the page comes back online, every 20 s
// while online, and on demand. Before sending, the record is read again:
// if its updated_at differs from the one seen when the checklist was
// opened (base), someone changed it meanwhile, and the entry becomes a
// "conflict" for the officer to resolve (send anyway, reopen, discard)
// instead of being written over the newer record.
import { apiFetch, apiSend, serverMessage } from './register.js';

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

// Adds an inspection to the queue; returns its qid. entry: {targetKind,
// targetId, base, body, photos}.
export async function enqueue(entry) {
	const e = Object.assign({ status: 'pending', created: Date.now(), tries: 0 }, entry);
	const qid = await tx('queue', 'readwrite', (s) => s.add(e));
	e.qid = qid;
	emit(e);
	return qid;
}

function targetPath(e) {
	return (e.targetKind === 'facility' ? '/facilities/' : '/houses/') + encodeURIComponent(e.targetId);
}

async function hasPhotoRoute() {
	if (photoRoute !== null)
		return photoRoute;
	try {
		const spec = await apiFetch('/openapi.json');
		photoRoute = Object.keys((spec && spec.paths) || {}).some((p) => /inspections\/\{[^}]+\}\/photos$/.test(p));
	} catch (e) {
		photoRoute = false;
	}
	return photoRoute;
}

async function sendPhotos(e, inspection) {
	if (!e.photos || !e.photos.length || !inspection || !inspection.id || !(await hasPhotoRoute()))
		return e.photos && e.photos.length ? 'kept' : 'none';
	for (const p of e.photos) {
		const s = await import('./register.js').then((m) => m.loadSession());
		await fetch('/api/v1/inspections/' + encodeURIComponent(inspection.id) + '/photos?item=' + encodeURIComponent(p.code), {
			method: 'POST', credentials: 'same-origin', body: p.blob,
			headers: { 'Content-Type': p.blob.type || 'image/jpeg', 'X-CSRF-Token': (s && s.csrf_token) || '' },
		});
	}
	return 'sent';
}

function isNetwork(err) {
	return err && (err.status === 0 || err.code === 'network');
}

// Sends one entry; returns its new state.
async function sendOne(e) {
	e.status = 'sending';
	emit(e);
	let current;
	try {
		current = await apiFetch(targetPath(e));
	} catch (err) {
		e.status = isNetwork(err) ? 'pending' : 'failed';
		e.message = isNetwork(err) ? '' : serverMessage(err, document.documentElement.lang);
		await putEntry(e);
		emit(e);
		return e;
	}
	if (!e.force && e.base !== undefined && e.base !== null && String(current.updated_at) !== String(e.base)) {
		e.status = 'conflict';
		e.serverUpdatedAt = current.updated_at;
		await putEntry(e);
		emit(e);
		return e;
	}
	try {
		const res = await apiSend('POST', targetPath(e) + '/inspections', e.body);
		const photos = await sendPhotos(e, res).catch(() => 'kept');
		if (photos === 'kept' && res && res.id !== undefined)
			await cachePut('photos:' + e.targetKind + ':' + e.targetId + ':' + res.id, e.photos).catch(() => {});
		await tx('queue', 'readwrite', (s) => s.delete(e.qid));
		const done = Object.assign({}, e, { status: 'sent', result: res, photosState: photos, photos: undefined });
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
