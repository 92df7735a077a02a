// Browser test of the inspections page (Kiểm tra, issue 4 items 4, 5 and 8):
// an officer opens it from the navigation (no longer "coming soon"), sees
// the inspections of the commune newest first with the target's address or
// name and a link to its card, the kind, the outcome with its failing
// items; filters by dates, target and outcome (a malformed commune code or
// a reversed date range is refused on the page before anything is sent);
// the CSV/XLSX export is the filtered set; the record prints and its number
// then shows in the list. Citizens get no entry and a refusal on direct
// navigation; on a phone the page fits the screen. Takes the guide's
// picture docs/img/kiem-tra.png. Runs against `pccc demo` (PCCC_URL).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DOCIMG, BASE, CHROMIUM, ARGS, TIMEOUT, apiClient, openSession, checkClean } from './lib.mjs';

let browser = null;
const made = {};

before(async () => {
	assert.ok(BASE, 'PCCC_URL is not set');
	browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
	// In Phường Khương Đình (00364), on days no demo inspection has (May
	// 1998): a failing periodic inspection of a house and a passing
	// unannounced one of a facility.
	const { call: api } = await apiClient('demo.canbo');
	const house = await api('POST', '/houses', { unit: '00364', street: 'Phố Khương Trung', house_number: '88', house_type: 'boarding_house', floors: 5, occupants: 30 });
	assert.equal(house.status, 201, JSON.stringify(house.body));
	const fac = await api('POST', '/facilities', {
		category: 'entertainment', name: 'Karaoke Trang Kiểm Tra', unit: '00364', address: 'Số 3 phố Khương Trung',
		contacts: [{ name: 'Chủ cơ sở', phone: '0912345678' }, '0987654321', '0901112222'],
	});
	assert.equal(fac.status, 201, JSON.stringify(fac.body));
	const cat = (await api('GET', '/register/catalogue')).body;
	const hitems = cat.conditions.filter((c) => c.applies.includes('boarding_house')).map((c) => c.code);
	const fitems = cat.conditions.filter((c) => c.applies.includes('facility')).map((c) => c.code);
	const a = await api('POST', '/houses/' + house.body.id + '/inspections', {
		kind: 'periodic', date: '1998-05-04', inspector: 'Đặng Văn Kiểm',
		results: hitems.map((c, i) => ({ code: c, result: i === 0 ? 'fail' : 'pass' })), deadline: '1998-06-04',
	});
	assert.equal(a.status, 201, JSON.stringify(a.body));
	const b = await api('POST', '/facilities/' + fac.body.id + '/inspections', {
		kind: 'unannounced', date: '1998-05-06', inspector: 'Đặng Văn Kiểm',
		results: fitems.map((c) => ({ code: c, result: 'pass' })),
	});
	assert.equal(b.status, 201, JSON.stringify(b.body));
	Object.assign(made, { house: house.body, fac: fac.body, a: a.body.id, b: b.body.id, failing: hitems[0] });
});

after(async () => {
	if (browser)
		await browser.close();
});

test('officer: the list, its filters checked on the page, export and the printed record', async () => {
	const { context, page, problems } = await openSession(browser, 'demo.canbo');
	const entry = page.locator('#nav-list a', { hasText: 'Kiểm tra' });
	assert.equal(await entry.getAttribute('class'), 'nav-link', 'no longer marked coming soon');
	await entry.click();
	await page.locator('#page-title', { hasText: 'Kiểm tra an toàn PCCC' }).waitFor({ timeout: TIMEOUT });
	await page.locator('#inspections-table').waitFor({ timeout: TIMEOUT });
	const dates = await page.locator('#inspections-table tbody tr td:nth-child(1)').allTextContents();
	assert.ok(dates.length > 0);
	assert.deepEqual(dates, [...dates].sort().reverse(), 'newest first');

	// refused on the page: nothing navigates
	await page.fill('#i-unit', '364');
	await page.click('[data-testid="insp-filter"]');
	await page.locator('#i-unit-err', { hasText: 'Mã xã, phường gồm đúng 5 chữ số' }).waitFor();
	await page.fill('#i-unit', '00364');
	await page.fill('#i-from', '1998-05-31');
	await page.fill('#i-to', '1998-05-01');
	await page.click('[data-testid="insp-filter"]');
	await page.locator('#i-from-err', { hasText: '“Từ ngày” phải trước hoặc bằng “Đến ngày”' }).waitFor();
	assert.equal(await page.evaluate(() => window.location.hash), '#/inspections');

	await page.fill('#i-from', '1998-05-01');
	await page.fill('#i-to', '1998-05-31');
	await page.click('[data-testid="insp-filter"]');
	await page.waitForFunction(() => window.location.hash === '#/inspections?unit=00364&from=1998-05-01&to=1998-05-31');
	await page.locator('#i-unit-err').waitFor({ state: 'hidden' });
	const rows = page.locator('#inspections-table tbody tr');
	await page.waitForFunction(() => document.querySelectorAll('#inspections-table tbody tr').length === 2, null, { timeout: TIMEOUT });
	assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.id)), [String(made.b), String(made.a)]);
	const houseRow = rows.nth(1);
	const text = await houseRow.textContent();
	assert.match(text, /1998-05-04/);
	assert.match(text, /Kiểm tra định kỳ/);
	assert.match(text, /Không đảm bảo/);
	assert.match(text, /Phố Khương Trung/);
	assert.match(text, /Đặng Văn Kiểm/);
	assert.match(text, /Phường Khương Đình/);
	assert.equal(await houseRow.locator('.insp-failing li').count(), 1);
	assert.equal(await houseRow.locator('a.mono').getAttribute('href'), '#/houses/' + made.house.id);
	assert.match(await rows.nth(0).textContent(), /Karaoke Trang Kiểm Tra.*|Kiểm tra đột xuất/);
	assert.equal(await rows.nth(0).locator('a.mono').getAttribute('href'), '#/facilities/' + made.fac.id);

	// narrower: houses failing only
	await page.selectOption('#i-target_kind', 'house');
	await page.selectOption('#i-compliance', 'khong_dam_bao');
	await page.click('[data-testid="insp-filter"]');
	await page.waitForFunction(() => document.querySelectorAll('#inspections-table tbody tr').length === 1, null, { timeout: TIMEOUT });
	assert.equal(await rows.first().getAttribute('data-id'), String(made.a));

	// the export is the filtered set
	const csvHref = await page.locator('[data-testid="export-csv"]').getAttribute('href');
	assert.equal(csvHref, '/api/v1/inspections?unit=00364&target_kind=house&compliance=khong_dam_bao&from=1998-05-01&to=1998-05-31&format=csv');
	const csv = await (await page.request.get(BASE + csvHref)).text();
	const lines = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
	assert.equal(lines.length, 2, csv);
	assert.match(lines[0], /^Ngày kiểm tra,Hình thức/);
	assert.ok(lines[1].includes(made.house.id));
	const xlsx = await page.request.get(BASE + await page.locator('[data-testid="export-xlsx"]').getAttribute('href'));
	assert.equal((await xlsx.body()).subarray(0, 2).toString(), 'PK');

	// printing the record numbers it; the list then shows the number
	assert.equal(await page.locator('[data-testid="record-number"]').count(), 0);
	const rec = await page.request.get(BASE + await rows.first().locator('[data-testid="print-record"]').getAttribute('href'));
	assert.equal(rec.status(), 200);
	await page.reload();
	const num = page.locator('[data-testid="record-number"]');
	await num.waitFor({ timeout: TIMEOUT });
	assert.match(await num.textContent(), /^Số \d+\/BB-PCCC$/);

	await page.goto(BASE + '/#/inspections?unit=00364&from=1998-05-01&to=1998-05-31');
	await page.waitForFunction(() => document.querySelectorAll('#inspections-table tbody tr').length === 2, null, { timeout: TIMEOUT });
	mkdirSync(DOCIMG, { recursive: true });
	await page.screenshot({ path: join(DOCIMG, 'kiem-tra.png'), fullPage: false });
	await checkClean(page, problems);
	await context.close();
});

test('citizens have no inspections page; on a phone the page fits', async () => {
	{
		const { context, page, problems } = await openSession(browser, 'demo.chuho');
		const nav = await page.locator('#nav-list a').allTextContents();
		assert.ok(!nav.includes('Kiểm tra'), nav.join(', '));
		await page.goto(BASE + '/#/inspections');
		await page.getByTestId('forbidden').waitFor({ timeout: TIMEOUT });
		await checkClean(page, problems);
		await context.close();
	}
	{
		const { context, page, problems } = await openSession(browser, 'demo.canbo', { viewport: { width: 390, height: 844 } });
		await page.goto(BASE + '/#/inspections?unit=00364&from=1998-05-01&to=1998-05-31');
		await page.waitForFunction(() => document.querySelectorAll('#inspections-table tbody tr').length === 2, null, { timeout: TIMEOUT });
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		assert.ok(overflow <= 0, 'page wider than the phone by ' + overflow + ' px');
		await checkClean(page, problems);
		await context.close();
	}
});
