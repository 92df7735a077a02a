// Browser test of the printed enforcement documents (issue 4, point 5):
// the inspection record and the penalty decision open as A4 pages under
// the strict CSP (no inline style: the layout comes from
// /print/forms.css), carry the national motto and a number, and print to
// PDF. Takes the guide's picture docs/img/bien-ban.png. Runs against
// `pccc demo` (PCCC_URL, started by run.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOCIMG = join(ROOT, 'docs', 'img');
const BASE = (process.env.PCCC_URL || '').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser = null;
let token = null;

async function api(path) {
	const res = await fetch(BASE + path, { headers: { Authorization: 'Bearer ' + token } });
	assert.equal(res.status, 200, path);
	return res.json();
}

before(async () => {
	assert.ok(BASE, 'PCCC_URL is not set');
	const res = await fetch(BASE + '/api/v1/auth/login', {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ username: 'demo.pc07',
			password: process.env.PCCC_DEMO_PASSWORD || 'Pccc@2025demo' }),
	});
	assert.equal(res.status, 200);
	token = (await res.json()).token;
	browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

after(async () => {
	if (browser)
		await browser.close();
});

async function open(path) {
	const context = await browser.newContext({ viewport: { width: 900, height: 1270 },
		locale: 'vi-VN', extraHTTPHeaders: { Authorization: 'Bearer ' + token } });
	const page = await context.newPage();
	const csp = [];
	page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()); });
	const res = await page.goto(BASE + path, { waitUntil: 'load' });
	assert.equal(res.status(), 200, path);
	return { context, page, csp };
}

test('inspection record prints on A4 with the national motto and a number', async () => {
	const houses = await api('/api/v1/houses?compliance=khong_dam_bao&limit=1');
	const insp = await api('/api/v1/houses/' + houses.items[0].id + '/inspections');
	const { context, page, csp } = await open('/api/v1/inspections/' + insp.items[0].id + '/record.html');
	const text = await page.textContent('main');
	assert.match(text, /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/);
	assert.match(text, /Số: \d+\/BB-PCCC/);
	assert.match(text, /BIÊN BẢN KIỂM TRA/);
	// the stylesheet applied (A4 width on screen, serif type), no CSP refusals
	const width = await page.$eval('main.page', (e) => e.getBoundingClientRect().width);
	assert.ok(width > 780 && width < 800, 'A4 width ' + width);
	const font = await page.$eval('body', (e) => getComputedStyle(e).fontFamily);
	assert.match(font, /Times New Roman/);
	assert.deepEqual(csp, []);
	mkdirSync(DOCIMG, { recursive: true });
	await page.screenshot({ path: join(DOCIMG, 'bien-ban.png'), fullPage: false });
	const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
	assert.ok(pdf.length > 10000);
	await context.close();
});

test('penalty decision prints with the amount in words', async () => {
	const { context, page, csp } = await open('/api/v1/penalties/1/decision.html');
	const text = await page.textContent('main');
	assert.match(text, /QUYẾT ĐỊNH/);
	assert.match(text, /Nghị định số 106\/2025\/NĐ-CP/);
	assert.match(text, /Bằng chữ: [A-ZĐ]/);
	assert.deepEqual(csp, []);
	await context.close();
});
