// Talks to the pccc JSON API under /api/v1. Errors come back as
// {"error":{"code","message","field"}} and are thrown as ApiError; unit
// reads are cached for the page's life (the catalogue rarely changes).
import { t } from './i18n.js';

const BASE = '/api/v1';
const cache = new Map();

export class ApiError extends Error {
	constructor(status, code, message, field) {
		super(message || code || ('HTTP ' + status));
		this.status = status;
		this.code = code || 'http_' + status;
		this.field = field || null;
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

async function fetchJson(url, signal) {
	let res;
	try {
		res = await fetch(url, {
			headers: { Accept: 'application/json' },
			credentials: 'same-origin',
			signal,
		});
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
		const err = body && body.error ? body.error : {};
		throw new ApiError(res.status, err.code, err.message, err.field);
	}
	return body;
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
