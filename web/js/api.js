// Talks to the pccc JSON API under /api/v1. Errors come back as
// {"error":{"code","message","field"}} and are thrown as ApiError (the
// server's "Tiếng Việt / English" message is cut to the console's
// language); unit reads are cached for the page's life (the catalogue
// rarely changes). Writes (apiSend) carry the session's X-CSRF-Token. A 401
// outside /auth/* and a 403 password_change_required are also reported to
// the handler auth.js installs (back to sign-in, or to the change-password
// page).
import { t, getLang } from './i18n.js';

const BASE = '/api/v1';
const cache = new Map();
let csrfToken = null;
let authHandler = null;

// The CSRF token of the current session (from /auth/login or /auth/me).
export function setCsrfToken(token) {
	csrfToken = token || null;
}

// handler(kind, err): kind is 'unauthorized' or 'password_change_required'.
export function setAuthHandler(handler) {
	authHandler = handler;
}

// "Tiếng Việt / English" from the server → the part in the current
// language (the whole text when it has no " / ").
export function localMessage(msg) {
	if (!msg)
		return msg;
	const i = msg.indexOf(' / ');
	if (i < 0)
		return msg;
	return getLang() === 'en' ? msg.slice(i + 3) : msg.slice(0, i);
}

export class ApiError extends Error {
	constructor(status, code, message, field) {
		super(localMessage(message) || code || ('HTTP ' + status));
		this.status = status;
		this.code = code || 'http_' + status;
		this.field = field || null;
		this.raw = message || '';
		this.retryAfter = null;   // seconds, from a 429's Retry-After
	}
}

export function apiUrl(path, params) {
	const qs = new URLSearchParams();
	for (const [k, v] of Object.entries(params || {})) {
		if (v !== null && v !== undefined && v !== '')
			qs.set(k, v);
	}
	const s = qs.toString();
	return BASE + path + (s ? '?' + s : '');
}

function reportAuth(url, status, code, err) {
	if (!authHandler)
		return;
	if (status === 401 && !/\/api\/v1\/auth\//.test(url))
		authHandler('unauthorized', err);
	else if (status === 403 && code === 'password_change_required')
		authHandler('password_change_required', err);
}

async function fetchJson(url, signal, init) {
	let res;
	try {
		res = await fetch(url, Object.assign({
			headers: { Accept: 'application/json' },
			credentials: 'same-origin',
			signal,
		}, init || {}));
	} catch (e) {
		if (e.name === 'AbortError')
			throw e;
		throw new ApiError(0, 'network', t('error.network'));
	}
	let body = null;
	try {
		body = await res.json();
	} catch (e) {
		body = null;
	}
	if (!res.ok) {
		const e = body && body.error ? body.error : {};
		const err = new ApiError(res.status, e.code, e.message, e.field);
		const ra = Number(res.headers.get('Retry-After'));
		if (Number.isFinite(ra) && ra > 0)
			err.retryAfter = ra;
		reportAuth(url, res.status, err.code, err);
		throw err;
	}
	return body;
}

// A write: POST/PATCH/DELETE path with a JSON body (an object), or a raw
// body with opts.type ('text/csv'). Sends the session's X-CSRF-Token.
export function apiSend(method, path, body, opts) {
	const o = opts || {};
	const headers = { Accept: 'application/json' };
	let data;
	if (o.type) {
		headers['Content-Type'] = o.type;
		data = body;
	} else if (body !== undefined && body !== null) {
		headers['Content-Type'] = 'application/json';
		data = JSON.stringify(body);
	}
	if (csrfToken)
		headers['X-CSRF-Token'] = csrfToken;
	return fetchJson(apiUrl(path, o.params), o.signal, { method, headers, body: data });
}

export function apiPost(path, body, opts) {
	return apiSend('POST', path, body, opts);
}

// GET path with params; {cache: false} or a signal disables the cache.
export function apiGet(path, params, opts) {
	const url = apiUrl(path, params);
	const o = opts || {};
	if (o.signal || o.cache === false)
		return fetchJson(url, o.signal);
	if (!cache.has(url)) {
		const p = fetchJson(url).catch((e) => {
			cache.delete(url);
			throw e;
		});
		cache.set(url, p);
	}
	return cache.get(url);
}

// Every page of a list, following next_cursor (bounded).
export async function apiGetAll(path, params, maxPages) {
	const items = [];
	let cursor = null;
	for (let i = 0; i < (maxPages || 20); i++) {
		const page = await apiGet(path, Object.assign({}, params, { cursor }));
		items.push(...(page.items || []));
		cursor = page.next_cursor;
		if (!cursor)
			break;
	}
	return items;
}

export async function loadConfig() {
	try {
		const res = await fetch('/config.json', { credentials: 'same-origin' });
		if (res.ok)
			return await res.json();
	} catch (e) {
		/* fall through to defaults */
	}
	return { tile_url: '', version: '' };
}
