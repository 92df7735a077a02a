// Browser test of sign-in with the national eID (VNeID): Debian's chromium
// (playwright-core) goes from the console's sign-in page through the test
// OpenID provider (tests/oidc/provider.mjs, signs its citizen in without a
// form) and back, then asks /api/v1/auth/me as the page would. This checks
// what only a browser can: the cookies of the redirect chain (the
// SameSite=Lax state binder, the SameSite=Strict session set at the end of
// a cross-site redirect) and the console's handling of "#/login?error=".
// Starts its own provider and `pccc serve` (PCCC_BIN, default build/pccc) on
// free loopback ports. Screenshots: build/screenshots/vneid-*.png, and the
// guide's picture docs/img/dang-nhap-vneid.png when PCCC_DOC_SHOTS=1.
//
// Run: node --test tests/oidc/browser.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = process.env.PCCC_BIN || join(ROOT, 'build', 'pccc');
const SHOTS = join(ROOT, 'build', 'screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TIMEOUT = 20000;

let provider = null;
let pccc = null;
let issuer = '';
let base = '';
let browser = null;
let profile = null;
let dataDir = null;

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

function startProvider(redirectUri, secret) {
	return new Promise((resolve, reject) => {
		const p = spawn(process.execPath, [join(ROOT, 'tests', 'oidc', 'provider.mjs'), '0',
			'--client-id', 'pccc-browser', '--client-secret', secret,
			'--redirect-uri', redirectUri], { stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		const timer = setTimeout(() => reject(new Error('provider did not start')), 30000);
		p.stdout.on('data', (d) => {
			out += d;
			const nl = out.indexOf('\n');
			if (nl >= 0) {
				clearTimeout(timer);
				resolve({ proc: p, ready: JSON.parse(out.slice(0, nl)) });
			}
		});
		p.stderr.on('data', () => {});
		p.on('exit', (code) => reject(new Error('provider exited ' + code)));
	});
}

async function waitHealthy(url) {
	for (let i = 0; i < 600; i++) {
		try {
			const r = await fetch(url + '/healthz');
			if (r.ok)
				return;
		} catch (e) {
			/* not yet */
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error('pccc did not answer /healthz');
}

function stop(proc) {
	return new Promise((resolve) => {
		if (!proc || proc.exitCode !== null)
			return resolve();
		const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
		proc.once('exit', () => {
			clearTimeout(t);
			resolve();
		});
		proc.kill('SIGTERM');
	});
}

before(async () => {
	mkdirSync(SHOTS, { recursive: true });
	const port = await freePort();
	const alarm = await freePort();
	base = `http://127.0.0.1:${port}`;
	const redirectUri = `${base}/api/v1/auth/oidc/callback`;
	const secret = 'browser-' + Math.random().toString(36).slice(2);
	const started = await startProvider(redirectUri, secret);
	provider = started.proc;
	provider.removeAllListeners('exit');
	issuer = started.ready.issuer;
	dataDir = mkdtempSync(join(tmpdir(), 'pccc-vneid-'));
	pccc = spawn(BIN, ['serve', '--data', dataDir, '--http', `127.0.0.1:${port}`,
		'--alarm', `127.0.0.1:${alarm}`], {
		stdio: ['ignore', 'ignore', 'ignore'],
		env: { ...process.env, PCCC_OIDC_ISSUER: issuer, PCCC_OIDC_CLIENT_ID: 'pccc-browser',
			PCCC_OIDC_CLIENT_SECRET: secret, PCCC_OIDC_REDIRECT_URI: redirectUri },
	});
	await waitHealthy(base);
	profile = mkdtempSync(join(tmpdir(), 'pccc-vneid-chrome-'));
	browser = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM, headless: true, args: ARGS, locale: 'vi-VN',
	});
});

after(async () => {
	if (browser)
		await browser.close();
	await stop(pccc);
	await stop(provider);
	for (const d of [profile, dataDir])
		if (d)
			rmSync(d, { recursive: true, force: true });
});

async function me(page) {
	return page.evaluate(async () => {
		const r = await fetch('/api/v1/auth/me', { credentials: 'same-origin' });
		return { status: r.status, body: r.status === 200 ? await r.json() : null };
	});
}

test('a citizen signs in with VNeID in a real browser', async () => {
	const page = await browser.newPage();
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.goto(base + '/#/login', { waitUntil: 'load', timeout: TIMEOUT });
	const button = page.locator('a[href="/api/v1/auth/oidc/start"]');
	let hasButton = false;
	try {
		await button.first().waitFor({ state: 'visible', timeout: 5000 });
		hasButton = true;
	} catch (e) {
		hasButton = false;  // the console's button is not there yet
	}
	await page.screenshot({ path: join(SHOTS, 'vneid-login.png') });
	if (hasButton && process.env.PCCC_DOC_SHOTS === '1')
		copyFileSync(join(SHOTS, 'vneid-login.png'), join(ROOT, 'docs', 'img', 'dang-nhap-vneid.png'));
	if (hasButton)
		await button.first().click();
	else
		await page.goto(base + '/api/v1/auth/oidc/start', { timeout: TIMEOUT });
	await page.waitForURL((u) => u.toString().startsWith(base + '/#/') &&
		!u.toString().includes('/login'), { timeout: TIMEOUT });
	assert.equal(page.url(), base + '/#/');
	const r = await me(page);
	assert.equal(r.status, 200);
	assert.equal(r.body.user.role, 'citizen');
	assert.equal(r.body.session.method, 'vneid');
	await page.screenshot({ path: join(SHOTS, 'vneid-signed-in.png') });
	await page.close();
});

test('a refused ID token brings the browser back to the sign-in page', async () => {
	const ctx = browser;
	// A fresh start: sign out of the first test's session.
	await ctx.clearCookies();
	const sw = await fetch(issuer + '/test/mode?id_token=expired');
	assert.equal(sw.status, 200);
	try {
		const page = await ctx.newPage();
		await page.goto(base + '/api/v1/auth/oidc/start', { timeout: TIMEOUT });
		await page.waitForURL((u) => u.toString().startsWith(base + '/#/login'),
			{ timeout: TIMEOUT });
		assert.equal(page.url(), base + '/#/login?error=oidc_token_expired');
		const r = await me(page);
		assert.equal(r.status, 401);
		await page.screenshot({ path: join(SHOTS, 'vneid-error.png') });
		await page.close();
	} finally {
		await fetch(issuer + '/test/mode?id_token=normal');
	}
});
