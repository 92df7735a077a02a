// Browser test of the web console: Debian's chromium driven by
// playwright-core against a running pccc (base URL in PCCC_URL; run.sh
// starts `pccc demo` and sets it). Checks Vietnamese by default, the
// English switch, the "khuong dinh" search, the unit page, 126 commune
// markers on Hà Nội's map, keyboard use of the tree, no console errors and
// no CSP violations; saves screenshots to build/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = join(ROOT, 'build', 'screenshots');
const BASE = (process.env.PCCC_URL || '').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TIMEOUT = 20000;

let ctx = null;
let profile = null;

// Console errors and CSP violations seen by a page. A 401/404 from
// /api/v1/auth/me is the expected "not signed in" answer, not an error.
function watch(page) {
	const problems = [];
	page.on('console', (msg) => {
		if (msg.type() !== 'error')
			return;
		const url = (msg.location() && msg.location().url) || '';
		if (/Failed to load resource/.test(msg.text()) && /\/api\/v1\/auth\/me\b/.test(url))
			return;
		problems.push('console: ' + msg.text() + (url ? ' @ ' + url : ''));
	});
	page.on('pageerror', (err) => problems.push('pageerror: ' + err.message));
	page.on('requestfailed', (req) => {
		const f = req.failure();
		if (f && /ERR_ABORTED/.test(f.errorText))
			return;   // an aborted (superseded) search request
		problems.push('requestfailed: ' + req.url() + ' ' + (f ? f.errorText : ''));
	});
	return problems;
}

async function openPage(viewport) {
	const page = await ctx.newPage();
	await page.setViewportSize(viewport);
	const problems = watch(page);
	// Collect CSP violations from inside the page (they also reach the
	// console, but this names the directive).
	await page.addInitScript(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) => {
			window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
		});
	});
	return { page, problems };
}

async function checkClean(page, problems) {
	const csp = await page.evaluate(() => window.__csp || []);
	assert.deepEqual(csp, [], 'CSP violations: ' + csp.join('; '));
	assert.deepEqual(problems, [], 'browser errors:\n' + problems.join('\n'));
}

async function waitMarkers(page, n) {
	await page.waitForFunction((want) => {
		const el = document.getElementById('unit-map');
		return el && el.dataset.markers === String(want);
	}, n, { timeout: TIMEOUT });
}

async function waitMapIdle(page) {
	await page.waitForTimeout(150);
	await page.waitForFunction(() => {
		const el = document.getElementById('unit-map');
		return el && el.dataset.moving === '0' && !el.querySelector('.leaflet-zoom-anim');
	}, null, { timeout: TIMEOUT });
	await page.waitForTimeout(150);
}

before(async () => {
	assert.ok(BASE, 'set PCCC_URL to the console base URL, e.g. http://127.0.0.1:8080');
	mkdirSync(SHOTS, { recursive: true });
	profile = mkdtempSync(join(tmpdir(), 'pccc-e2e-'));
	ctx = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		args: ARGS,
		headless: true,
		locale: 'vi-VN',
		viewport: { width: 1440, height: 960 },
	});
});

after(async () => {
	if (ctx)
		await ctx.close();
	if (profile)
		rmSync(profile, { recursive: true, force: true });
});

test('security headers on the console page', async () => {
	const res = await fetch(BASE + '/');
	assert.equal(res.status, 200);
	const csp = res.headers.get('content-security-policy') || '';
	assert.match(csp, /script-src 'self'/);
	assert.doesNotMatch(csp, /unsafe-inline/);
	assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
	const html = await res.text();
	assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'inline script in index.html');
	assert.doesNotMatch(html, /\sstyle=/i, 'inline style attribute in index.html');
	assert.doesNotMatch(html, /\son[a-z]+=/i, 'inline event handler in index.html');
});

test('language catalogues have the same keys', async () => {
	const { page, problems } = await openPage({ width: 1024, height: 700 });
	await page.goto(BASE + '/#/units');
	const diff = await page.evaluate(async () => {
		const vi = (await import('/i18n/vi.js')).default;
		const en = (await import('/i18n/en.js')).default;
		const a = Object.keys(vi), b = Object.keys(en);
		return { onlyVi: a.filter((k) => !(k in en)), onlyEn: b.filter((k) => !(k in vi)) };
	});
	assert.deepEqual(diff, { onlyVi: [], onlyEn: [] });
	await checkClean(page, problems);
	await page.close();
});

test('desktop: language switch, search "khuong dinh", unit, map', async () => {
	const { page, problems } = await openPage({ width: 1440, height: 960 });
	await page.goto(BASE + '/');
	await page.waitForURL(/#\/units/);

	// Vietnamese by default.
	assert.equal(await page.getAttribute('html', 'lang'), 'vi');
	await page.getByRole('heading', { level: 1, name: 'Đơn vị hành chính' }).waitFor({ timeout: TIMEOUT });
	await page.getByText('PCCC — Quản lý phòng cháy chữa cháy').waitFor();
	await page.getByText('Chưa đăng nhập').waitFor();
	await waitMarkers(page, 126);

	// English and back; the choice survives a reload.
	await page.click('#lang-btn');
	await page.getByRole('heading', { level: 1, name: 'Administrative units' }).waitFor({ timeout: TIMEOUT });
	assert.equal(await page.getAttribute('html', 'lang'), 'en');
	assert.equal((await page.textContent('#lang-btn')).trim(), 'VI');
	await page.getByText('Not signed in').waitFor();
	await page.reload();
	await page.getByRole('heading', { level: 1, name: 'Administrative units' }).waitFor({ timeout: TIMEOUT });
	await page.click('#lang-btn');
	await page.getByRole('heading', { level: 1, name: 'Đơn vị hành chính' }).waitFor({ timeout: TIMEOUT });
	assert.equal(await page.getAttribute('html', 'lang'), 'vi');
	assert.equal((await page.textContent('#lang-btn')).trim(), 'EN');
	await waitMarkers(page, 126);
	await page.screenshot({ path: join(SHOTS, 'console.png') });

	// Search without diacritics: the current ward and the legacy one.
	await page.getByLabel('Tìm đơn vị hành chính').fill('khuong dinh');
	const current = page.locator('#search-results a.result[href="#/units/00364"]');
	await current.waitFor({ timeout: TIMEOUT });
	assert.match(await current.textContent(), /Phường Khương Đình/);
	const legacy = page.locator('#search-results a.result[href="#/units/00364?scheme=legacy"]');
	await legacy.waitFor({ timeout: TIMEOUT });
	await page.waitForFunction(() => {
		const a = document.querySelector('#search-results a.result[href="#/units/00364?scheme=legacy"]');
		return a && /nay thuộc/.test(a.textContent);
	}, null, { timeout: TIMEOUT });

	// Open it: details, tree selection, marker highlighted, 126 markers.
	await current.click();
	await page.waitForURL(/#\/units\/00364$/);
	await page.waitForFunction(() => {
		const c = document.querySelector('[data-testid="unit-code"]');
		return c && c.textContent === '00364';
	}, null, { timeout: TIMEOUT });
	assert.equal((await page.textContent('#detail-name')).trim(), 'Phường Khương Đình');
	await page.locator('#unit-tree [role="treeitem"][aria-selected="true"]', { hasText: 'Phường Khương Đình' }).waitFor();
	await waitMarkers(page, 126);
	assert.equal(await page.locator('#unit-map path.pccc-marker').count(), 126);
	assert.equal(await page.getAttribute('#unit-map', 'data-selected'), '00364');
	await page.mouse.move(0, 0);
	await waitMapIdle(page);
	await page.screenshot({ path: join(SHOTS, 'units.png'), fullPage: true });

	// The legacy ward: successors in the details.
	await legacy.click();
	await page.waitForURL(/scheme=legacy/);
	await page.locator('.successors a[href="#/units/00364"]').waitFor({ timeout: TIMEOUT });
	await page.locator('#unit-tree [role="treeitem"][aria-selected="true"]', { hasText: 'Khương Đình' }).waitFor();
	assert.equal(await page.isChecked('#scheme-legacy'), true);
	await page.mouse.move(0, 0);
	await waitMapIdle(page);
	await page.screenshot({ path: join(SHOTS, 'units-legacy.png') });

	// A marker click selects its commune.
	await page.goto(BASE + '/#/units');
	await waitMarkers(page, 126);
	await waitMapIdle(page);
	await page.locator('#unit-map path.pccc-marker').nth(5).click();
	await page.waitForURL(/#\/units\/\d{5}$/);
	await page.waitForFunction(() => {
		const c = document.querySelector('[data-testid="unit-code"]');
		return c && location.hash.endsWith(c.textContent);
	}, null, { timeout: TIMEOUT });

	await checkClean(page, problems);
	await page.close();
});

test('keyboard: tree navigation with arrows and Enter', async () => {
	const { page, problems } = await openPage({ width: 1280, height: 900 });
	await page.goto(BASE + '/#/units');
	await waitMarkers(page, 126);
	const root = page.locator('#unit-tree [role="treeitem"][aria-level="1"]');
	await root.focus();
	assert.equal(await root.getAttribute('aria-expanded'), 'true');
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowDown');
	const focused = await page.evaluate(() => document.activeElement.getAttribute('aria-level'));
	assert.equal(focused, '2');
	await page.keyboard.press('Enter');
	await page.waitForURL(/#\/units\/\d{5}$/);
	await page.locator('#unit-tree [role="treeitem"][aria-level="2"][aria-selected="true"]').waitFor();
	// Left goes to the parent, Left again closes it.
	await page.keyboard.press('ArrowLeft');
	assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-level')), '1');
	await page.keyboard.press('ArrowLeft');
	assert.equal(await root.getAttribute('aria-expanded'), 'false');
	await page.keyboard.press('ArrowRight');
	assert.equal(await root.getAttribute('aria-expanded'), 'true');

	// Legacy scheme: Hà Nội → districts → communes, with "nay thuộc".
	await page.click('label[for="scheme-legacy"]');
	await page.waitForURL(/scheme=legacy/);
	const district = page.locator('#unit-tree [role="treeitem"][aria-level="2"]', { hasText: 'Quận Thanh Xuân' });
	await district.waitFor({ timeout: TIMEOUT });
	assert.equal(await page.locator('#unit-tree [role="treeitem"][aria-level="2"]').count(), 30);
	await district.focus();
	await page.keyboard.press('ArrowRight');
	await page.locator('#unit-tree [role="treeitem"][aria-level="3"]', { hasText: 'nay thuộc' }).first()
		.waitFor({ timeout: TIMEOUT });

	// Skip link moves focus to the main region.
	await page.keyboard.press('Control+Home');
	await page.focus('#skip-link');
	await page.keyboard.press('Enter');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'main');

	await checkClean(page, problems);
	await page.close();
});

test('coming-soon pages, sign-in placeholder and province picker', async () => {
	const { page, problems } = await openPage({ width: 1280, height: 900 });
	await page.goto(BASE + '/#/units');
	await page.getByRole('link', { name: 'Báo cáo' }).click();
	await page.waitForURL(/#\/reports$/);
	await page.getByText('Sắp có').waitFor();
	await page.getByRole('link', { name: 'Đăng nhập' }).click();
	await page.waitForURL(/#\/login$/);
	await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor();

	await page.goto(BASE + '/#/units');
	await waitMarkers(page, 126);
	const options = await page.locator('#province-select option').count();
	assert.equal(options, 34);
	await page.selectOption('#province-select', '79');
	await page.waitForURL(/province=79/);
	await page.waitForFunction(() => {
		const el = document.getElementById('unit-map');
		return el && Number(el.dataset.markers) > 50 && el.dataset.markers !== '126';
	}, null, { timeout: TIMEOUT });
	await checkClean(page, problems);
	await page.close();
});

test('phone (390 px): layout fits, search works', async () => {
	const { page, problems } = await openPage({ width: 390, height: 844 });
	await page.goto(BASE + '/#/units');
	await waitMarkers(page, 126);
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, 'page wider than the phone by ' + overflow + ' px');
	await page.screenshot({ path: join(SHOTS, 'console-phone.png') });

	// The menu opens the navigation.
	await page.click('#menu-btn');
	await page.getByRole('link', { name: 'Nhà ở' }).waitFor();
	await page.screenshot({ path: join(SHOTS, 'menu-phone.png') });
	await page.click('#menu-btn');

	await page.getByLabel('Tìm đơn vị hành chính').fill('khuong dinh');
	const current = page.locator('#search-results a.result[href="#/units/00364"]');
	await current.waitFor({ timeout: TIMEOUT });
	await current.click();
	await page.waitForFunction(() => {
		const c = document.querySelector('[data-testid="unit-code"]');
		return c && c.textContent === '00364';
	}, null, { timeout: TIMEOUT });
	const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow2 <= 0, 'page wider than the phone by ' + overflow2 + ' px');
	await waitMapIdle(page);
	await page.screenshot({ path: join(SHOTS, 'units-phone.png'), fullPage: true });

	// 360 px, the narrowest supported width.
	await page.setViewportSize({ width: 360, height: 740 });
	const overflow3 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow3 <= 0, 'page wider than 360 px by ' + overflow3 + ' px');
	await checkClean(page, problems);
	await page.close();
});
