// Browser test of the dispatcher's live alarm board (#/alarms): Debian's
// chromium driven by playwright-core against a running `pccc demo` (base
// URL in PCCC_URL, as run.sh sets it). Signs in as the demo dispatcher,
// opens the board, sends a real SIA DC-09 fire alarm frame over TCP to the
// demo's receiver, sees the building appear without a reload (with a
// beep), walks it through acknowledge → confirmed → dispatch, checks the
// timeline, the English switch, no console errors and no CSP violations;
// saves build/screenshots/board.png and copies it to docs/img/board.png.
//
// The alarm port and the data directory come from PCCC_ALARM_PORT and
// PCCC_DATA when set; otherwise they are read from the command line of
// the pccc process serving PCCC_URL (/proc), which is how run.sh starts it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, readFileSync, readdirSync, readlinkSync, copyFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { dc09Frame, sendFrame } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = join(ROOT, 'build', 'screenshots');
const BASE = (process.env.PCCC_URL || '').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
	'--autoplay-policy=no-user-gesture-required'];
const TIMEOUT = 20000;
const DEMO_PASSWORD = 'Pccc@2025demo';

let ctx = null;
let profile = null;
let server = null;   // {alarmPort, dataDir}

// The pccc process whose --http port is PCCC_URL's: its --alarm and --data.
function findServer() {
	const port = new URL(BASE).port;
	let alarmPort = process.env.PCCC_ALARM_PORT ? Number(process.env.PCCC_ALARM_PORT) : null;
	let dataDir = process.env.PCCC_DATA || null;
	if (alarmPort && dataDir)
		return { alarmPort, dataDir };
	for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
		let argv, cwd;
		try {
			argv = readFileSync('/proc/' + pid + '/cmdline', 'utf8').split('\0');
			cwd = readlinkSync('/proc/' + pid + '/cwd');
		} catch (e) {
			continue;
		}
		const flag = (name) => {
			const i = argv.indexOf(name);
			return i >= 0 ? argv[i + 1] : null;
		};
		const http = flag('--http');
		if (!/pccc$/.test(argv[0] || '') || !http || !http.endsWith(':' + port))
			continue;
		const alarm = flag('--alarm');
		if (!alarmPort && alarm)
			alarmPort = Number(alarm.split(':').pop());
		const d = flag('--data');
		if (!dataDir && d)
			dataDir = isAbsolute(d) ? d : join(cwd, d);
		break;
	}
	return { alarmPort, dataDir };
}

// A plain ADM-CID fire alarm (Contact ID 1110) from a demo device.
function alarmFrame(dev, seq) {
	return dc09Frame('"ADM-CID"' + String(seq).padStart(4, '0') + (dev.receiver || '') +
		(dev.line || 'L0') + '#' + dev.account + '[#' + dev.account + '|1110 01 001]');
}

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
	return problems;
}

before(async () => {
	assert.ok(BASE, 'set PCCC_URL to the console base URL, e.g. http://127.0.0.1:8080');
	server = findServer();
	assert.ok(server.alarmPort, 'alarm port not found: set PCCC_ALARM_PORT');
	assert.ok(server.dataDir && existsSync(join(server.dataDir, 'demo-devices.json')),
		'demo data directory not found: set PCCC_DATA');
	mkdirSync(SHOTS, { recursive: true });
	profile = mkdtempSync(join(tmpdir(), 'pccc-e2e-board-'));
	ctx = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		args: ARGS,
		headless: true,
		locale: 'vi-VN',
		viewport: { width: 1440, height: 1000 },
	});
});

after(async () => {
	if (ctx)
		await ctx.close();
	if (profile)
		rmSync(profile, { recursive: true, force: true });
});

test('dispatcher board: live alarm, sound, workflow, timeline', async () => {
	const devices = JSON.parse(readFileSync(join(server.dataDir, 'demo-devices.json'), 'utf8'))
		.filter((d) => !d.key);
	let accounts = [];
	try {
		accounts = JSON.parse(readFileSync(join(server.dataDir, 'demo-accounts.json'), 'utf8'));
	} catch (e) {
		accounts = [];
	}
	const disp = accounts.find((a) => a.role === 'dispatcher') || { username: 'demo.dieudo', password: DEMO_PASSWORD };
	assert.ok(devices.length, 'no plain demo device');

	const page = await ctx.newPage();
	const problems = watch(page);
	await page.addInitScript(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) => {
			window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
		});
	});
	await page.goto(BASE + '/#/units');
	// sign in (cookie session) as the demo dispatcher
	const status = await page.evaluate(async (cred) => {
		const r = await fetch('/api/v1/auth/login', {
			method: 'POST', credentials: 'same-origin',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ username: cred.username, password: cred.password }),
		});
		return r.status;
	}, disp);
	assert.equal(status, 200);
	await page.goto(BASE + '/#/alarms');
	await page.reload();
	await page.getByRole('heading', { level: 1, name: 'Bảng báo cháy trực tuyến' }).waitFor({ timeout: TIMEOUT });
	await page.waitForSelector('[data-testid="board-live"][data-state="on"]', { timeout: TIMEOUT });
	await page.waitForSelector('[data-testid="dev-normal"]', { timeout: TIMEOUT });
	await page.evaluate(() => { window.__noReload = 1; });

	// a fire alarm from the first plain demo device: appears without reload
	const dev = devices[0];
	const before = await page.locator('.board-item').count();
	const t0 = Date.now();
	const reply = await sendFrame(server.alarmPort, alarmFrame(dev, 4711));
	assert.match(reply, /"ACK"/);
	await page.waitForFunction((n) => document.querySelectorAll('.board-item[data-state="open"]').length > 0 &&
		document.querySelectorAll('.board-item').length > n, before, { timeout: 3000 });
	const shownMs = Date.now() - t0;
	console.log('alarm received → shown on the board: ' + shownMs + ' ms');
	assert.equal(await page.evaluate(() => window.__noReload), 1, 'the page reloaded');
	const beeps = Number(await page.getAttribute('.page-board', 'data-beeps'));
	assert.ok(beeps >= 1, 'no beep for a new alarm');

	// the incident's line: name, address, counter; the map marker
	const item = page.locator('.board-item[data-state="open"]').first();
	const text = await item.innerText();
	assert.match(text, /×\d+/);
	assert.ok((await page.locator('.board-map .leaflet-interactive').count()) >= 1, 'no marker on the map');

	// the detail: contacts, then the workflow
	await item.locator('button').click();
	await page.waitForSelector('[data-testid="btn-ack"]', { timeout: TIMEOUT });
	assert.ok(await page.locator('.board-contacts li').count() >= 1, 'no contacts shown');
	await page.click('[data-testid="btn-ack"]');
	await page.waitForSelector('[data-testid="detail-state"]:has-text("Đang xác minh")', { timeout: TIMEOUT });
	await page.click('[data-testid="btn-call"] >> nth=0');
	await page.waitForSelector('[data-testid="timeline"] li:nth-child(2)', { timeout: TIMEOUT });
	await page.click('[data-testid="btn-confirm"]');
	await page.waitForSelector('[data-testid="detail-state"]:has-text("Xác nhận có cháy")', { timeout: TIMEOUT });
	await page.click('[data-testid="btn-dispatch"]');
	await page.waitForSelector('[data-testid="detail-state"]:has-text("Đã điều động")', { timeout: TIMEOUT });
	const steps = await page.locator('[data-testid="timeline"] li').allInnerTexts();
	const flat = steps.join('\n');
	for (const want of ['Tiếp nhận', 'Gọi điện', 'Kết luận', 'Chuyển điều động'])
		assert.ok(flat.includes(want), 'timeline lacks ' + want + ':\n' + flat);

	// a second frame from the same building: same line, counter up
	await sendFrame(server.alarmPort, alarmFrame(dev, 4712));
	await page.waitForFunction(() => {
		const c = document.querySelector('.board-item.selected .board-item-count');
		return c && /×([2-9]|\d\d)/.test(c.textContent);
	}, null, { timeout: 3000 });

	await page.waitForTimeout(300);
	await page.screenshot({ path: join(SHOTS, 'board.png'), fullPage: true });
	mkdirSync(join(ROOT, 'docs', 'img'), { recursive: true });
	copyFileSync(join(SHOTS, 'board.png'), join(ROOT, 'docs', 'img', 'board.png'));

	// English through the console's switch
	await page.click('#lang-btn');
	await page.getByRole('heading', { level: 1, name: 'Live alarm board' }).waitFor({ timeout: TIMEOUT });
	await page.click('#lang-btn');

	const csp = await page.evaluate(() => window.__csp || []);
	assert.deepEqual(csp, [], 'CSP violations: ' + csp.join('; '));
	assert.deepEqual(problems, [], 'browser errors:\n' + problems.join('\n'));
	await page.close();
});
