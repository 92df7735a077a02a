// Browser test of the import page (Nhập dữ liệu từ Excel, issue 4 items 7
// and 8): the file is checked before it is sent (chosen, .csv/.xlsx); a
// houses file with one bad row shows the errors by row and column in
// Vietnamese and nothing is applied; the corrected file is applied ("Đã
// nhập N dòng") with links to the new houses; a facilities file goes to
// the facilities import. Takes the guide's picture docs/img/nhap-excel.png.
// Runs against `pccc demo` (PCCC_URL, started by run.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, DOCIMG, BASE, CHROMIUM, ARGS, TIMEOUT, demoPassword, openSession, checkClean } from './lib.mjs';


let browser = null;
// A street name no other test uses (letters only), to count this test's
// houses.
const STREET = 'Phố Nhập Thử ' + Array.from(String(Date.now() % 1e8), (d) => 'bcdghklmnt'[Number(d)]).join('');
const HDR = 'Mã xã/phường,Đường/phố,Số nhà,Loại nhà,Số tầng,Số người ở\n';

async function apiGet(username, path) {
	const res = await fetch(BASE + '/api/v1/auth/login', {
		method: 'POST', headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ username, password: demoPassword(username) }),
	});
	const token = (await res.json()).token;
	const r = await fetch(BASE + '/api/v1' + path, { headers: { Authorization: 'Bearer ' + token } });
	assert.equal(r.status, 200, path);
	return r.json();
}

// The commune's most recently changed houses on STREET (no text search:
// the list itself, newest first).
async function housesOnStreet() {
	const j = await apiGet('demo.canbo', '/houses?unit=00364&sort=updated&limit=100');
	return j.items.filter((x) => (x.address_text || '').includes(STREET));
}

async function session(username) {
	// the refused import answers 422: expected
	return openSession(browser, username, { ignore: /\/import$/, posts: /\/import$/ });
}

before(async () => {
	assert.ok(BASE, 'PCCC_URL is not set');
	browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

after(async () => {
	if (browser)
		await browser.close();
});

test('import houses: checked first, one bad row → errors and nothing applied; good file → applied', async () => {
	const { context, page, problems, posts } = await session('demo.canbo');
	await page.locator('#nav-list a', { hasText: 'Nhập dữ liệu' }).click();
	await page.locator('#page-title', { hasText: 'Nhập dữ liệu từ Excel' }).waitFor({ timeout: TIMEOUT });
	// no file; a file of the wrong kind: refused here, nothing sent
	await page.click('[data-testid="import-submit"]');
	await page.locator('#imp-file-err', { hasText: 'Chọn tệp CSV hoặc XLSX cần nhập.' }).waitFor();
	await page.setInputFiles('[data-testid="import-file"]', { name: 'nha.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
	await page.click('[data-testid="import-submit"]');
	await page.locator('#imp-file-err', { hasText: 'Chỉ nhận tệp .csv hoặc .xlsx.' }).waitFor();
	assert.deepEqual(posts, []);

	// one bad row (row 3: an unknown house type)
	const bad = HDR + `00364,${STREET},1,Nhà trọ,3,10\n00364,${STREET},2,Nhà lạ,3,10\n00364,${STREET},3,nha tro,4,12\n`;
	await page.setInputFiles('[data-testid="import-file"]', { name: 'nha-tro.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
	await page.click('[data-testid="import-submit"]');
	const errs = page.locator('[data-testid="import-errors"]');
	await errs.waitFor({ timeout: TIMEOUT });
	assert.match(await errs.textContent(), /Tệp “nha-tro\.csv” có 1 lỗi/);
	assert.match(await errs.textContent(), /Chưa dòng nào được nhập/);
	const rows = page.locator('#import-errors-table tbody tr');
	assert.equal(await rows.count(), 1);
	const cells = await rows.first().locator('td').allTextContents();
	assert.equal(cells[0], '3');
	assert.equal(cells[1], 'Loại nhà');
	assert.ok(cells[2].length > 0 && !cells[2].includes(' / '), 'Vietnamese only: ' + cells[2]);
	assert.equal((await housesOnStreet()).length, 0, 'nothing applied');
	mkdirSync(DOCIMG, { recursive: true });
	await page.screenshot({ path: join(DOCIMG, 'nhap-excel.png'), fullPage: false });

	// the corrected file
	const good = bad.replace('Nhà lạ', 'Nhà ống');
	await page.setInputFiles('[data-testid="import-file"]', { name: 'nha-tro.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
	await page.click('[data-testid="import-submit"]');
	const ok = page.locator('[data-testid="import-ok"]');
	await ok.waitFor({ timeout: TIMEOUT });
	assert.match(await ok.textContent(), /Đã nhập 3 dòng từ tệp “nha-tro\.csv”/);
	assert.equal(await page.locator('[data-testid="import-errors"]').count(), 0);
	const links = await ok.locator('a.mono').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
	assert.equal(links.length, 3);
	const made = await housesOnStreet();
	assert.equal(made.length, 3);
	assert.deepEqual(links.map((l) => l.replace('#/houses/', '')).sort(), made.map((x) => x.id).sort());
	const tube = made.find((x) => x.house_number === '2');
	assert.equal(tube.house_type, 'tube_house');
	// a link opens the house card
	await ok.locator('a.mono').first().click();
	await page.locator('.house-id').waitFor({ timeout: TIMEOUT });
	await checkClean(page, problems);
	await context.close();
});

test('import facilities: the kind switch sends to the facilities import', async () => {
	const { context, page, problems } = await session('demo.canbo');
	await page.goto(BASE + '/#/import');
	await page.locator('[data-testid="import-file"]').waitFor({ timeout: TIMEOUT });
	await page.click('label[for="imp-kind-facilities"]');
	assert.match(await page.locator('#imp-hint').textContent(), /Tên cơ sở/);
	const name = 'Nhà hàng Nhập Thử ' + (Date.now() % 100000);
	const csv = 'Tên cơ sở,Loại cơ sở,Mã xã/phường,Địa chỉ,Điện thoại liên hệ khi có cháy\n' +
		`${name},entertainment,00364,Số 3 phố Khương Hạ,Chủ 0912345678; Quản lý 0987654321; Bảo vệ 0901112222\n`;
	await page.setInputFiles('[data-testid="import-file"]', { name: 'co-so.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
	await page.click('[data-testid="import-submit"]');
	const ok = page.locator('[data-testid="import-ok"]');
	await ok.waitFor({ timeout: TIMEOUT });
	assert.match(await ok.textContent(), /Đã nhập 1 dòng/);
	const href = await ok.locator('a.mono').first().getAttribute('href');
	assert.match(href, /^#\/facilities\/CS\d+$/);
	const f = await apiGet('demo.canbo', '/facilities/' + href.split('/').pop());
	assert.equal(f.name, name);
	assert.equal(f.contacts.length, 3);
	await checkClean(page, problems);
	await context.close();
});
