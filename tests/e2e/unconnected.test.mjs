// Browser test of the "facilities not connected" page (#/alarms/unconnected,
// issue 5) and of the board's device states at a glance: Debian's chromium
// driven by playwright-core against a running `pccc demo` (PCCC_URL, and
// PCCC_ALARM_PORT / PCCC_DATA as run.sh sets them). The dispatcher reaches
// the page from the alarm board; the table matches
// GET /api/v1/facilities?must_connect=1&connected=0 (paging with the
// cursor, the days-left column counted to 2027-07-01 in Vietnam's
// calendar), the commune filter narrows it, the CSV/XLSX buttons download
// the filtered set, the English switch works, a role without facility.read
// is refused; on the board a trouble signal lists the device under
// "devices needing attention". Saves docs/img/chua-ket-noi.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, existsSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, SHOTS, DOCIMG, BASE, CHROMIUM, ARGS, TIMEOUT, dc09Frame, sendFrame } from './lib.mjs';

const DATA = process.env.PCCC_DATA || process.env.PCCC_DATA_DIR || '';
const ALARM_PORT = Number(process.env.PCCC_ALARM_PORT || 0);

let browser = null;

function account(role) {
	const list = JSON.parse(readFileSync(join(DATA, 'demo-accounts.json'), 'utf8'));
	const a = list.find((x) => x.role === role);
	assert.ok(a, 'no demo account for ' + role);
	return a;
}

// Days from today (Vietnam, UTC+7) to 2027-07-01, as the page counts them.
function expectedDays() {
	const d = new Date(Date.now() + 7 * 3600 * 1000);
	const today = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
	return Math.round((Date.UTC(2027, 6, 1) - today) / 86400000);
}

async function signedInPage(role) {
	const ctx = await browser.newContext({ locale: 'vi-VN', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
	const page = await ctx.newPage();
	const problems = [];
	page.on('pageerror', (err) => problems.push('pageerror: ' + err.message));
	page.on('console', (msg) => {
		if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text()))
			problems.push('console: ' + msg.text());
	});
	await page.goto(BASE + '/#/units');
	const a = account(role);
	const status = await page.evaluate(async (cred) => {
		const r = await fetch('/api/v1/auth/login', {
			method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ username: cred.username, password: cred.password }),
		});
		return r.status;
	}, a);
	assert.equal(status, 200);
	// leave the page that started signed out: a test's page.goto to
	// another #/route of the same document is no new load, and that
	// page's first /auth/me (401) answering late sent it to sign-in
	await page.goto('about:blank');
	return { ctx, page, problems };
}

function api(page, path) {
	return page.evaluate(async (p) => {
		const r = await fetch('/api/v1' + p, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
		return { status: r.status, body: await r.json() };
	}, path);
}

function cidFrame(dev, seq, code) {
	return dc09Frame('"ADM-CID"' + String(seq).padStart(4, '0') + (dev.receiver || '') +
		(dev.line || 'L0') + '#' + dev.account + '[#' + dev.account + '|' + code + ' 01 001]');
}

before(async () => {
	assert.ok(BASE, 'set PCCC_URL (tests/e2e/run.sh does)');
	assert.ok(DATA && existsSync(join(DATA, 'demo-accounts.json')), 'set PCCC_DATA to the demo data directory');
	mkdirSync(SHOTS, { recursive: true });
	browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
});

after(async () => {
	if (browser)
		await browser.close();
});

test('unconnected facilities: from the board, table, days left, commune filter, paging, export', async () => {
	const { ctx, page, problems } = await signedInPage('dispatcher');
	await page.goto(BASE + '/#/alarms');
	await page.reload();
	await page.click('[data-testid="board-unconnected"]', { timeout: TIMEOUT });
	await page.getByRole('heading', { level: 1, name: 'Cơ sở chưa kết nối truyền tin báo cháy' }).waitFor({ timeout: TIMEOUT });
	assert.match(page.url(), /#\/alarms\/unconnected$/);

	const want = await api(page, '/facilities?must_connect=1&connected=0&limit=500');
	assert.equal(want.status, 200);
	const all = want.body.items;
	assert.ok(all.length >= 2, 'the demo has too few unconnected facilities to test: ' + all.length);
	assert.ok(all.every((f) => f.must_connect_transmitter === true && f.transmitter_connected === false));
	await page.waitForSelector('[data-testid="unconn-table"] tbody tr', { timeout: TIMEOUT });
	const ids = await page.$$eval('#unconn-table tbody tr', (rows) => rows.map((r) => r.getAttribute('data-id')));
	assert.deepEqual(ids, all.slice(0, 25).map((f) => f.id));

	// days left to 1/7/2027
	const days = expectedDays();
	assert.equal(await page.getAttribute('[data-testid="unconn-deadline"]', 'data-days'), String(days));
	const cells = await page.$$eval('[data-testid="days-left"]', (els) => els.map((e) => e.textContent));
	assert.ok(cells.length === ids.length && cells.every((c) => c === String(days)), cells.join(','));
	assert.match(await page.textContent('[data-testid="unconn-deadline"]'), days > 0 ? /Còn \d+ ngày đến hạn/ : /hạn/);
	await page.screenshot({ path: join(SHOTS, 'chua-ket-noi.png'), fullPage: true });
	mkdirSync(DOCIMG, { recursive: true });
	copyFileSync(join(SHOTS, 'chua-ket-noi.png'), join(DOCIMG, 'chua-ket-noi.png'));

	// commune filter: the communes of the dispatcher's scope; one narrows the list
	const unit = all[0].unit;
	await page.waitForFunction((u) => !!document.querySelector('#unconn-unit option[value="' + u + '"]'), unit, { timeout: TIMEOUT });
	await page.selectOption('#unconn-unit', unit);
	await page.waitForFunction((u) => location.hash.includes('unit=' + u), unit, { timeout: TIMEOUT });
	const inUnit = all.filter((f) => f.unit === unit).map((f) => f.id);
	await page.waitForFunction((n) => document.querySelectorAll('#unconn-table tbody tr').length === n, Math.min(inUnit.length, 25), { timeout: TIMEOUT });
	const ids2 = await page.$$eval('#unconn-table tbody tr', (rows) => rows.map((r) => r.getAttribute('data-id')));
	assert.deepEqual(ids2, inUnit.slice(0, 25));

	// export buttons: the filtered set as CSV and XLSX
	const csvHref = await page.getAttribute('[data-testid="unconn-csv"]', 'href');
	assert.match(csvHref, /must_connect=1/);
	assert.match(csvHref, /connected=0/);
	assert.match(csvHref, new RegExp('unit=' + unit));
	const csv = await page.evaluate(async (href) => {
		const r = await fetch(href, { credentials: 'same-origin' });
		return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
	}, csvHref);
	assert.equal(csv.status, 200);
	assert.match(csv.type, /csv/);
	for (const id of inUnit)
		assert.ok(csv.text.includes(id), 'CSV lacks ' + id);
	for (const f of all.filter((x) => x.unit !== unit))
		assert.ok(!csv.text.includes(f.id), 'CSV has ' + f.id + ' of another commune');
	const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="unconn-xlsx"]')]);
	assert.match(dl.suggestedFilename(), /\.xlsx$/);

	// paging: the page follows the API cursor (?limit=3 a page here)
	await page.goto(BASE + '/#/alarms/unconnected?limit=3');
	await page.waitForFunction(() => document.querySelectorAll('#unconn-table tbody tr').length === 3, null, { timeout: TIMEOUT });
	const seen = [];
	for (let i = 0; i < 10; i++) {
		const rows = await page.$$eval('#unconn-table tbody tr', (r) => r.map((x) => x.getAttribute('data-id')));
		seen.push(...rows);
		if (!(await page.locator('[data-testid="unconn-next"]').count()))
			break;
		await page.click('[data-testid="unconn-next"]');
		await page.waitForFunction((first) => {
			const r = document.querySelector('#unconn-table tbody tr');
			return location.hash.includes('cursor=') && r && r.getAttribute('data-id') !== first;
		}, rows[0], { timeout: TIMEOUT });
	}
	assert.deepEqual(seen, all.map((f) => f.id), 'paging lost or repeated rows');
	await page.click('[data-testid="unconn-first"]');
	await page.waitForFunction(() => !location.hash.includes('cursor='), null, { timeout: TIMEOUT });
	await page.waitForFunction((first) => {
		const r = document.querySelector('#unconn-table tbody tr');
		return r && r.getAttribute('data-id') === first;
	}, all[0].id, { timeout: TIMEOUT });

	// English
	await page.click('#lang-btn');
	await page.getByRole('heading', { level: 1, name: 'Facilities without a connected fire-alarm transmitter' }).waitFor({ timeout: TIMEOUT });
	assert.match(await page.textContent('#unconn-table thead'), /Days left/);
	await page.click('#lang-btn');
	assert.deepEqual(problems, [], problems.join('\n'));
	await ctx.close();
});

test('unconnected facilities: refused without facility.read', async () => {
	const { ctx, page } = await signedInPage('auditor');
	await page.goto(BASE + '/#/alarms/unconnected');
	await page.reload();
	try {
		await page.waitForSelector('[data-testid="forbidden"]', { timeout: TIMEOUT });
	} catch (e) {
		const text = await page.evaluate(() => location.hash + ' | ' + document.body.innerText.slice(0, 600));
		assert.fail('no "forbidden" page for the auditor: ' + text);
	}
	assert.equal(await page.locator('#unconn-table').count(), 0);
	await ctx.close();
});

test('board: a device in trouble is listed under devices needing attention', async () => {
	assert.ok(ALARM_PORT, 'set PCCC_ALARM_PORT (run.sh does)');
	const devices = JSON.parse(readFileSync(join(DATA, 'demo-devices.json'), 'utf8')).filter((d) => !d.key);
	const dev = devices[devices.length - 1];
	const { ctx, page, problems } = await signedInPage('dispatcher');
	await page.goto(BASE + '/#/alarms');
	await page.reload();
	await page.waitForSelector('[data-testid="board-live"][data-state="on"]', { timeout: TIMEOUT });
	const reply = await sendFrame(ALARM_PORT, cidFrame(dev, 9301, '1301'));   // AC power loss: trouble
	assert.match(reply, /"ACK"/);
	const item = page.locator('[data-testid="board-attention"] li[data-state="trouble"]');
	await item.first().waitFor({ timeout: 5000 });
	assert.match(await item.first().innerText(), new RegExp('#' + dev.account));
	assert.notEqual(await page.textContent('[data-testid="dev-trouble"] .board-dev-n'), '0');
	// the restore takes it off again
	await sendFrame(ALARM_PORT, cidFrame(dev, 9302, '3301'));
	await page.waitForFunction((acct) => ![...document.querySelectorAll('[data-testid="board-attention"] li')]
		.some((li) => li.textContent.includes('#' + acct)), dev.account, { timeout: 5000 });
	assert.deepEqual(problems, [], problems.join('\n'));
	await ctx.close();
});
