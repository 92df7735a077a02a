// What the browser tests share: where the demo server and the browser are,
// the demo accounts' passwords, and a signed-in API client from node (its
// own session) for setting up records and changing them behind the
// browser's back. Not a test file: node --test runs *.test.mjs only.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHOTS = join(ROOT, 'build', 'screenshots');
export const DOCIMG = join(ROOT, 'docs', 'img');
export const BASE = (process.env.PCCC_URL || '').replace(/\/+$/, '');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const TIMEOUT = 20000;

export function demoPassword(username) {
	const dir = process.env.PCCC_DATA;
	if (dir && existsSync(join(dir, 'demo-accounts.json'))) {
		const list = JSON.parse(readFileSync(join(dir, 'demo-accounts.json'), 'utf8'));
		const a = list.find((x) => x.username === username);
		if (a)
			return a.password;
	}
	return process.env.PCCC_DEMO_PASSWORD || 'Pccc@2025demo';
}

// call(method, path under /api/v1, JSON body?, extra headers?) →
// { status, body (parsed JSON, else the text), bytes, headers }.
export async function apiClient(username) {
	const res = await fetch(BASE + '/api/v1/auth/login', {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ username, password: demoPassword(username) }),
	});
	assert.equal(res.status, 200, 'login ' + username);
	const login = await res.json();
	const call = async (method, path, data, headers) => {
		const r = await fetch(BASE + '/api/v1' + path, {
			method,
			headers: Object.assign({ Authorization: 'Bearer ' + login.token, Accept: 'application/json' },
				data !== undefined ? { 'Content-Type': 'application/json' } : {}, headers || {}),
			body: data !== undefined ? JSON.stringify(data) : undefined,
		});
		const bytes = Buffer.from(await r.arrayBuffer());
		const text = bytes.toString('utf8');
		let body = null;
		try {
			body = JSON.parse(text);
		} catch (e) {
			body = text;
		}
		return { status: r.status, body, bytes, headers: r.headers };
	};
	return { user: login.user, call };
}

// A browser context signed in as username (through the console's own
// login call, so the session cookie is the browser's), on #/units.
// opts: viewport ({width, height}; default 1280×900); ignore: a RegExp of
// URLs whose failed loads are expected (401 of /auth/me before sign-in
// always is); posts: a RegExp of POST URLs to record (to prove a refused
// form sent nothing). → { context, page, problems, posts }: problems
// collects console errors, page errors; CSP violations are kept in the
// page for checkClean.
export async function openSession(browser, username, opts) {
	const o = opts || {};
	const context = await browser.newContext({ viewport: o.viewport || { width: 1280, height: 900 }, locale: 'vi-VN' });
	const page = await context.newPage();
	const problems = [];
	page.on('console', (msg) => {
		if (msg.type() !== 'error')
			return;
		const url = (msg.location() && msg.location().url) || '';
		if (/Failed to load resource/.test(msg.text()) && (/\/api\/v1\/auth\/me\b/.test(url) || (o.ignore && o.ignore.test(url))))
			return;
		problems.push('console: ' + msg.text() + (url ? ' @ ' + url : ''));
	});
	page.on('pageerror', (err) => problems.push('pageerror: ' + err.message));
	const posts = [];
	if (o.posts)
		page.on('request', (req) => {
			if (req.method() === 'POST' && o.posts.test(req.url()))
				posts.push(req.url());
		});
	await page.addInitScript(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
	});
	await page.goto(BASE + '/#/units');
	const status = await page.evaluate(async ([u, p]) => (await fetch('/api/v1/auth/login', {
		method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin',
		body: JSON.stringify({ username: u, password: p }),
	})).status, [username, demoPassword(username)]);
	assert.equal(status, 200, 'browser login ' + username);
	await page.reload();
	await page.locator('#user-box .user-name').filter({ hasNotText: 'Chưa đăng nhập' }).first().waitFor({ timeout: TIMEOUT });
	return { context, page, problems, posts };
}

// No CSP violation and no browser error on page.
export async function checkClean(page, problems) {
	const csp = await page.evaluate(() => window.__csp || []);
	assert.deepEqual(csp, [], 'CSP violations: ' + csp.join('; '));
	assert.deepEqual(problems, [], 'browser errors:\n' + problems.join('\n'));
}

// ---- SIA DC-09 (the receiver is the real one, on PCCC_ALARM_PORT) ----

function crc16arc(buf) {
	let crc = 0;
	for (const b of buf) {
		crc ^= b;
		for (let i = 0; i < 8; i++)
			crc = crc & 1 ? (crc >>> 1) ^ 0xA001 : crc >>> 1;
	}
	return crc;
}

function hex4(n) {
	return n.toString(16).toUpperCase().padStart(4, '0');
}

// A whole frame (LF, CRC, length, body, CR) around a plain body such as
// '"ADM-CID"0001L0#1234[#1234|1110 01 001]'.
export function dc09Frame(bodyText) {
	const body = Buffer.from(bodyText);
	return Buffer.concat([Buffer.from('\n' + hex4(crc16arc(body)) + hex4(body.length)), body, Buffer.from('\r')]);
}

// Sends frame over TCP to 127.0.0.1:port; resolves with the reply frame.
export function sendFrame(port, frame) {
	return new Promise((resolvePromise, reject) => {
		const sock = net.createConnection({ host: '127.0.0.1', port }, () => sock.write(frame));
		let reply = '';
		const timer = setTimeout(() => {
			sock.destroy();
			reject(new Error('no DC-09 reply'));
		}, 5000);
		sock.on('data', (d) => {
			reply += d.toString('latin1');
			if (reply.endsWith('\r')) {
				clearTimeout(timer);
				sock.end();
				resolvePromise(reply);
			}
		});
		sock.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
	});
}
