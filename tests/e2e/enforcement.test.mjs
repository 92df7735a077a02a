// Browser test of enforcement in the console (issue 4, items 5 and 8): on
// a facility card the fire police record a penalty decision (checked
// before it is sent, with Vietnamese messages), see it on the card with
// its print link (the decision form), mark it paid, record a temporary
// suspension and lift it; open violations show their remediation
// deadline and the inspection record's print link. The overdue page
// (Quá hạn khắc phục) lists an overdue item of the unit, with CSV/XLSX
// export; the navigation shows the new entries only to roles with the
// capabilities. Takes the guide's pictures docs/img/xu-ly-vi-pham.png and
// docs/img/qua-han.png. Runs against `pccc demo` (PCCC_URL, run.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, DOCIMG, BASE, CHROMIUM, ARGS, TIMEOUT, apiClient, openSession, checkClean } from './lib.mjs';

const DESKTOP = { width: 1280, height: 900 };

let browser = null;
let fac = null;          // the facility the tests work on
let inspectionId = null;

async function session(username, viewport) {
	return openSession(browser, username, { viewport, posts: /\/api\/v1\/(facilities|penalties)\// });
}

async function navNames(page) {
	return page.locator('#nav-list a').allTextContents();
}

before(async () => {
	assert.ok(BASE, 'PCCC_URL is not set');
	browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
	// A facility of Phường Khương Đình (00364) with a failed inspection whose
	// remediation deadline has passed.
	const { call: api } = await apiClient('demo.pc07');
	const r = await api('POST', '/facilities', {
		category: 'entertainment', name: 'Karaoke Thử Xử Lý ' + Date.now(), unit: '00364',
		address: 'Số 12 phố Khương Đình',
		contacts: [{ name: 'Chủ cơ sở', phone: '0912345678' }, '0987654321', '0901112222'],
	});
	assert.equal(r.status, 201, JSON.stringify(r.body));
	fac = r.body;
	const cat = (await api('GET', '/register/catalogue')).body;
	const items = cat.conditions.filter((c) => c.applies.includes('facility')).map((c) => c.code);
	const ins = await api('POST', '/facilities/' + fac.id + '/inspections', {
		kind: 'periodic', date: '2025-08-01', deadline: '2025-08-15',
		results: items.map((c, i) => ({ code: c, result: i === 0 ? 'fail' : 'pass', note: i === 0 ? 'Lối thoát nạn bị chắn' : undefined })),
	});
	assert.equal(ins.status, 201, JSON.stringify(ins.body));
	inspectionId = ins.body.id;
});

after(async () => {
	if (browser)
		await browser.close();
});

test('penalty: checked before sending, recorded, on the card, printed, paid', async () => {
	const { context, page, problems, posts } = await session('demo.pc07');
	await page.goto(BASE + '/#/facilities/' + fac.id);
	const card = page.locator('[data-testid="enforcement"]');
	await card.waitFor({ timeout: TIMEOUT });
	// the open violation with its deadline, overdue, and its record print link
	const viol = card.locator('[data-testid="violations"] tbody tr');
	assert.equal(await viol.count(), 1);
	assert.match(await viol.textContent(), /2025-08-15/);
	await viol.locator('[data-testid="overdue-badge"]').waitFor();
	assert.equal(await viol.locator('[data-testid="print-record"]').getAttribute('href'),
		'/api/v1/inspections/' + inspectionId + '/record.html');
	// the inspection history also links the record
	await page.locator('[data-testid="history"] [data-testid="print-record"]').first().waitFor({ timeout: TIMEOUT });
	assert.match(await card.locator('[data-testid="penalties-none"]').textContent(), /Chưa có quyết định xử phạt/);

	// empty form: Vietnamese messages, nothing sent
	await card.locator('[data-testid="penalty"] summary').click();
	const form = page.locator('#penalty-form');
	await form.locator('[data-field="date"]').fill('');
	await form.locator('[data-testid="penalty-save"]').click();
	const summary = form.locator('.error-summary');
	await summary.waitFor({ state: 'visible' });
	const msgs = await summary.textContent();
	assert.match(msgs, /Vui lòng nhập “Số quyết định”/);
	assert.match(msgs, /Vui lòng nhập “Số tiền phạt \(đồng\)”/);
	assert.match(msgs, /Vui lòng nhập “Căn cứ pháp lý/);
	// wrong amount, decision in the future, deadline before the decision
	await form.locator('[data-field="number"]').fill('51/QĐ-XPHC');
	await form.locator('[data-field="amount"]').fill('bảy triệu');
	await form.locator('[data-field="legal_basis"]').fill('Điểm a khoản 2 Điều 10 Nghị định 106/2025/NĐ-CP');
	await form.locator('[data-field="date"]').fill('2099-01-01');
	await form.locator('[data-testid="penalty-save"]').click();
	await page.waitForFunction(() => /số nguyên đồng/.test(document.querySelector('#penalty-form .error-summary').textContent));
	assert.match(await summary.textContent(), /Ngày không được sau hôm nay/);
	await form.locator('[data-field="amount"]').fill('7.500.000');
	await form.locator('[data-field="date"]').fill('2025-08-05');
	await form.locator('[data-field="deadline"]').fill('2025-08-01');
	await form.locator('[data-testid="penalty-save"]').click();
	await page.waitForFunction(() => /không được trước ngày quyết định/.test(document.querySelector('#penalty-form .error-summary').textContent));
	assert.deepEqual(posts, [], 'a refused form sent nothing');

	// valid: recorded and shown on the card
	await form.locator('[data-field="deadline"]').fill('2025-08-25');
	await form.locator('[data-field="violation"]').fill('Không duy trì lối thoát nạn thứ hai');
	await form.locator('[data-testid="penalty-save"]').click();
	await page.locator('[data-testid="enf-flash"]').filter({ hasText: 'Đã ghi quyết định xử phạt số 51/QĐ-XPHC' }).waitFor({ timeout: TIMEOUT });
	const row = page.locator('[data-testid="penalties"] tbody tr');
	assert.equal(await row.count(), 1);
	const text = (await row.textContent()).replace(/\s+/g, ' ');
	assert.match(text, /51\/QĐ-XPHC/);
	assert.match(text, /2025-08-05/);
	assert.match(text, /7\.500\.000 đ/);
	assert.match(text, /Điểm a khoản 2 Điều 10 Nghị định 106\/2025\/NĐ-CP/);
	assert.match(text, /Chưa nộp phạt/);
	const pid = Number(await row.getAttribute('data-penalty'));
	assert.ok(pid > 0);
	// the same on the API
	const { call: api } = await apiClient('demo.pc07');
	const f = (await api('GET', '/facilities/' + fac.id)).body;
	assert.equal(f.penalties[0].amount, 7500000);
	assert.equal(f.penalties[0].number, '51/QĐ-XPHC');

	// print: the decision form opens from the card's link
	const href = await row.locator('[data-testid="print-decision"]').getAttribute('href');
	assert.equal(href, '/api/v1/penalties/' + pid + '/decision.html');
	assert.equal(await row.locator('[data-testid="print-decision"]').getAttribute('target'), '_blank');
	const [popup] = await Promise.all([page.waitForEvent('popup'), row.locator('[data-testid="print-decision"]').click()]);
	await popup.waitForLoadState('load');
	const decision = await popup.textContent('main');
	assert.match(decision, /QUYẾT ĐỊNH/);
	assert.match(decision, /51\/QĐ-XPHC/);
	await popup.close();
	const rec = await page.request.get(BASE + '/api/v1/inspections/' + inspectionId + '/record.html');
	assert.equal(rec.status(), 200);
	assert.match(await rec.text(), /BIÊN BẢN KIỂM TRA/);

	mkdirSync(DOCIMG, { recursive: true });
	await page.locator('[data-testid="enforcement"]').screenshot({ path: join(DOCIMG, 'xu-ly-vi-pham.png') });

	// mark paid: a date in the future is refused, then recorded
	await row.locator('[data-testid="mark-paid"]').click();
	const paidOn = row.locator('input[type="date"]');
	await paidOn.fill('2099-01-01');
	await row.locator('[data-testid="mark-paid-confirm"]').click();
	await row.locator('.field-error').filter({ hasText: 'Ngày không được sau hôm nay' }).waitFor();
	await paidOn.fill('2025-08-01');
	await row.locator('[data-testid="mark-paid-confirm"]').click();
	await row.locator('.field-error').filter({ hasText: 'không được trước ngày quyết định' }).waitFor();
	assert.deepEqual(posts.filter((u) => /\/paid$/.test(u)), []);
	await paidOn.fill('2025-08-20');
	await row.locator('[data-testid="mark-paid-confirm"]').click();
	await page.locator('[data-testid="enf-flash"]').filter({ hasText: 'đã nộp phạt' }).waitFor({ timeout: TIMEOUT });
	const paid = page.locator('[data-testid="penalties"] tbody tr [data-testid="paid"]');
	assert.match(await paid.textContent(), /Đã nộp phạt · 2025-08-20/);
	assert.equal(await page.locator('[data-testid="penalties"] [data-testid="mark-paid"]').count(), 0);
	await checkClean(page, problems);
	await context.close();
});

test('suspension: recorded with dates, then lifted', async () => {
	const { context, page, problems } = await session('demo.pc07');
	await page.goto(BASE + '/#/facilities/' + fac.id);
	await page.locator('[data-testid="enforcement"]').waitFor({ timeout: TIMEOUT });
	await page.locator('[data-testid="suspension"] summary').click();
	const form = page.locator('#suspension-form');
	await form.locator('[data-field="kind"]').selectOption('temporary');
	await form.locator('[data-field="number"]').fill('8/QĐ-TĐC');
	await form.locator('[data-field="date"]').fill('2025-08-06');
	await form.locator('[data-field="from_date"]').fill('2025-08-06');
	await form.locator('[data-field="to_date"]').fill('2025-08-01');
	await form.locator('[data-testid="suspension-save"]').click();
	const summary = form.locator('.error-summary');
	await summary.waitFor({ state: 'visible' });
	const msgs = await summary.textContent();
	assert.match(msgs, /Vui lòng nhập “Lý do”/);
	await form.locator('[data-field="reason"]').fill('Không bảo đảm lối thoát nạn, nguy cơ cháy cao');
	await form.locator('[data-testid="suspension-save"]').click();
	await page.waitForFunction(() => /không được trước ngày bắt đầu/.test(document.querySelector('#suspension-form .error-summary').textContent));
	await form.locator('[data-field="to_date"]').fill('2025-09-06');
	await form.locator('[data-testid="suspension-save"]').click();
	await page.locator('[data-testid="enf-flash"]').filter({ hasText: 'số 8/QĐ-TĐC' }).waitFor({ timeout: TIMEOUT });
	const row = page.locator('[data-testid="suspensions"] tbody tr');
	assert.equal(await row.count(), 1);
	const text = (await row.textContent()).replace(/\s+/g, ' ');
	assert.match(text, /Tạm đình chỉ hoạt động/);
	assert.match(text, /2025-08-06/);
	assert.match(text, /2025-09-06/);
	await row.locator('[data-testid="active"]').waitFor();
	assert.match(await page.locator('.detail-badges').textContent(), /Tạm đình chỉ hoạt động/);

	// lift
	await row.locator('[data-testid="lift"]').click();
	const on = row.locator('input[type="date"]');
	await on.fill('2025-08-01');
	await row.locator('[data-testid="lift-confirm"]').click();
	await row.locator('.field-error').filter({ hasText: 'không được trước ngày quyết định' }).waitFor();
	await on.fill('2025-08-30');
	await row.locator('[data-testid="lift-confirm"]').click();
	await page.locator('[data-testid="enf-flash"]').filter({ hasText: 'Đã bãi bỏ quyết định số 8/QĐ-TĐC' }).waitFor({ timeout: TIMEOUT });
	assert.match(await page.locator('[data-testid="suspensions"] [data-testid="lifted"]').textContent(), /Đã bãi bỏ ngày 2025-08-30/);
	assert.match(await page.locator('.detail-badges').textContent(), /Đang hoạt động/);
	const { call: api } = await apiClient('demo.pc07');
	const f = (await api('GET', '/facilities/' + fac.id)).body;
	assert.equal(f.status, 'operating');
	assert.equal(f.suspensions[0].lifted_on, '2025-08-30');
	await checkClean(page, problems);
	await context.close();
});

test('overdue page lists the overdue item of the unit, with export', async () => {
	// an unpaid penalty past its deadline, too
	const { call: api } = await apiClient('demo.pc07');
	const p = await api('POST', '/facilities/' + fac.id + '/penalties', {
		number: '52/QĐ-XPHC', date: '2025-08-10', amount: 3000000,
		legal_basis: 'Nghị định 106/2025/NĐ-CP', deadline: '2025-08-30',
	});
	assert.equal(p.status, 201);
	const { context, page, problems } = await session('demo.doipccc');
	const nav = await navNames(page);
	assert.ok(nav.includes('Quá hạn khắc phục'), nav.join(', '));
	await page.locator('#nav-list a', { hasText: 'Quá hạn khắc phục' }).click();
	await page.locator('#page-title', { hasText: 'Quá hạn khắc phục' }).waitFor({ timeout: TIMEOUT });
	// a malformed commune code is refused before any request
	await page.fill('#f-unit', '364');
	await page.click('[data-testid="overdue-filter"]');
	await page.locator('#f-unit-err', { hasText: 'Mã xã, phường gồm đúng 5 chữ số' }).waitFor();
	assert.equal(await page.evaluate(() => window.location.hash), '#/overdue');
	await page.fill('#f-unit', '00364');
	await page.click('[data-testid="overdue-filter"]');
	await page.waitForFunction(() => window.location.hash === '#/overdue?unit=00364');
	await page.locator('#overdue-table').waitFor({ timeout: TIMEOUT });
	const rows = page.locator('#overdue-table tbody tr[data-target="' + fac.id + '"]');
	assert.equal(await rows.count(), 2, 'the violation and the unpaid penalty');
	const all = (await rows.allTextContents()).join(' | ');
	assert.match(all, /Vi phạm chưa khắc phục/);
	assert.match(all, /Chưa nộp phạt/);
	assert.match(all, /Quyết định số 52\/QĐ-XPHC/);
	assert.match(all, /2025-08-15/);
	assert.match(all, /\d+ ngày/);
	const units = await page.locator('#overdue-table tbody tr td:nth-child(3)').allTextContents();
	assert.ok(units.every((u) => u === '00364'), units.join(','));
	// the link goes to the card
	assert.equal(await rows.first().locator('a.mono').getAttribute('href'), '#/facilities/' + fac.id);
	// export of the same set
	const csvHref = await page.locator('[data-testid="export-csv"]').getAttribute('href');
	assert.equal(csvHref, '/api/v1/enforcement/overdue?unit=00364&format=csv');
	const csv = await page.request.get(BASE + csvHref);
	assert.equal(csv.status(), 200);
	const body = await csv.text();
	assert.match(body, /Hạn/);
	assert.ok(body.includes(fac.id));
	const xlsx = await page.request.get(BASE + await page.locator('[data-testid="export-xlsx"]').getAttribute('href'));
	assert.equal(xlsx.status(), 200);
	assert.equal((await xlsx.body()).subarray(0, 2).toString(), 'PK');
	mkdirSync(DOCIMG, { recursive: true });
	await page.screenshot({ path: join(DOCIMG, 'qua-han.png'), fullPage: false });
	await checkClean(page, problems);
	await context.close();
});

test('roles: commune officers read the history without the forms; citizens see no new entries', async () => {
	{
		const { context, page, problems } = await session('demo.canbo');
		const nav = await navNames(page);
		assert.ok(nav.includes('Quá hạn khắc phục') && nav.includes('Nhập dữ liệu'), nav.join(', '));
		await page.goto(BASE + '/#/facilities/' + fac.id);
		await page.locator('[data-testid="penalties"]').waitFor({ timeout: TIMEOUT });
		assert.equal(await page.locator('[data-testid="penalty"]').count(), 0, 'no penalty form without the capability');
		assert.equal(await page.locator('[data-testid="mark-paid"]').count(), 0);
		assert.ok(await page.locator('[data-testid="print-decision"]').count() >= 1);
		await checkClean(page, problems);
		await context.close();
	}
	{
		const { context, page, problems } = await session('demo.chuho');
		const nav = await navNames(page);
		assert.ok(!nav.includes('Quá hạn khắc phục') && !nav.includes('Nhập dữ liệu'), nav.join(', '));
		await checkClean(page, problems);
		await context.close();
	}
});
