// Browser test of the condition catalogue page (#/catalogue, issue 4 item
// 4): an admin sees the versions and the items of version 1 (read-only),
// opens a draft, is stopped by the form's checks with Vietnamese messages
// before anything is sent, adds an item, deactivates it, and publishes the
// draft after confirming; an officer has no menu entry and is refused on
// direct navigation. Takes the guide's picture docs/img/danh-muc-dieu-kien.png.
// The published version differs from version 1 only by one inactive item,
// so the other browser tests' checklists do not change. Runs against
// `pccc demo` (PCCC_URL, started by run.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, DOCIMG, BASE, CHROMIUM, ARGS, TIMEOUT, openSession, checkClean } from './lib.mjs';


let browser = null;

before(async () => {
	assert.ok(BASE, 'PCCC_URL is not set');
	browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

after(async () => {
	if (browser)
		await browser.close();
});

async function session(username) {
	/* 401 before sign-in; 403 for the officer */
	return openSession(browser, username, { ignore: /\/api\/v1\/condition-catalogue/ });
}

test('an officer has no catalogue page', async () => {
	const { context, page } = await session('demo.canbo');
	assert.equal(await page.locator('a.nav-link[href="#/catalogue"]').count(), 0);
	await page.goto(BASE + '/#/catalogue');
	await page.getByTestId('forbidden').waitFor({ timeout: TIMEOUT });
	await context.close();
});

test('admin opens a draft, edits it with checks, and publishes it', async () => {
	const { context, page, problems } = await session('demo.quantri');
	await page.locator('a.nav-link[href="#/catalogue"]').click();
	await page.getByTestId('cat-items').waitFor({ timeout: TIMEOUT });
	// version 1: published, read-only, the campaign items
	const published = await page.getByTestId('cat-current').textContent();
	assert.match(published, /Phiên bản \d+ · Đã công bố/);
	await page.getByTestId('cat-readonly').waitFor();
	assert.equal(await page.locator('#cat-items tr[data-code="KHONG_SAC_XE_DIEN_HAM"]').count(), 1);
	assert.equal(await page.getByTestId('cat-add').count(), 0);
	// the type filter
	await page.selectOption('#cat-filter', 'home_business');
	assert.equal(await page.locator('#cat-items tr[data-code="NGAN_CACH_KINH_DOANH"]').count(), 1);
	assert.equal(await page.locator('#cat-items tr[data-code="HO_SO_PCCC"]').count(), 0);
	await page.selectOption('#cat-filter', '');

	// open a draft
	await page.getByTestId('cat-note').fill('Thử nghiệm giao diện');
	await page.getByTestId('cat-create').click();
	await page.locator('[data-testid="cat-current"]', { hasText: 'Bản nháp' }).waitFor({ timeout: TIMEOUT });
	const draftTitle = await page.getByTestId('cat-current').textContent();
	const n = Number(/Phiên bản (\d+)/.exec(draftTitle)[1]);
	assert.ok(n >= 2);
	await page.getByTestId('cat-draft-open').waitFor();

	// the form's checks: nothing is sent while they fail
	let writes = 0;
	page.on('request', (req) => {
		if (req.method() !== 'GET' && req.url().includes('/condition-catalogue/versions/'))
			writes++;
	});
	await page.getByTestId('cat-add').click();
	await page.getByTestId('cat-dialog').waitFor();
	await page.getByTestId('cat-e-save').click();
	const summary = page.getByTestId('cat-e-summary');
	await summary.waitFor();
	const text = await summary.textContent();
	assert.match(text, /Có 3 lỗi cần sửa/);
	assert.match(text, /Mã điều kiện gồm 1–32 ký tự/);
	assert.match(text, /Cần nhập nội dung điều kiện bằng tiếng Việt/);
	assert.match(text, /Chọn ít nhất một loại nhà hoặc cơ sở/);
	assert.equal(await page.locator('#cat-e-code-err').isVisible(), true);
	await page.getByTestId('cat-e-code').fill('KIEM TRA');
	await page.getByTestId('cat-e-title_vi').fill('Có nội quy PCCC niêm yết tại lối vào');
	await page.getByTestId('cat-required-apartment').check();
	await page.getByTestId('cat-e-save').click();
	assert.match(await summary.textContent(), /Chỉ đánh dấu bắt buộc với loại đã chọn/);
	assert.equal(writes, 0);

	// a valid item
	await page.getByTestId('cat-e-code').fill('NOI_QUY_PCCC_THU');
	await page.getByTestId('cat-required-apartment').uncheck();
	await page.getByTestId('cat-applies-apartment').check();
	await page.getByTestId('cat-e-title_en').fill('Fire rules posted at the entrance');
	await page.getByTestId('cat-e-legal_basis').fill('Thử nghiệm');
	await page.getByTestId('cat-e-save').click();
	const row = page.locator('#cat-items tr[data-code="NOI_QUY_PCCC_THU"]');
	await row.waitFor({ timeout: TIMEOUT });
	assert.match(await row.textContent(), /Có nội quy PCCC niêm yết tại lối vào/);
	assert.match(await row.textContent(), /Khuyến nghị/);
	assert.equal(writes, 1);
	mkdirSync(DOCIMG, { recursive: true });
	await page.evaluate(() => window.scrollTo(0, 0));
	await page.screenshot({ path: join(DOCIMG, 'danh-muc-dieu-kien.png'), fullPage: false });
	await page.getByTestId('cat-edit-NOI_QUY_PCCC_THU').click();
	await page.getByTestId('cat-dialog').waitFor();

	// deactivate it
	await page.getByTestId('cat-e-active').uncheck();
	await page.getByTestId('cat-e-save').click();
	await page.locator('#cat-items tr[data-code="NOI_QUY_PCCC_THU"]', { hasText: 'Ngừng áp dụng' }).waitFor({ timeout: TIMEOUT });

	// publish, after confirming
	await page.getByTestId('cat-publish').click();
	await page.getByTestId('confirm-ok').click();
	await page.locator('[data-testid="cat-current"]', { hasText: 'Đã công bố' }).waitFor({ timeout: TIMEOUT });
	assert.match(await page.getByTestId('cat-current').textContent(), new RegExp('Phiên bản ' + n));
	await page.getByTestId('cat-readonly').waitFor();
	await page.getByTestId('cat-create').waitFor();

	// the server agrees: version n is the latest published one
	const cat = await page.evaluate(async () => (await fetch('/api/v1/condition-catalogue', { credentials: 'same-origin' })).json());
	assert.equal(cat.version, n);
	const it = cat.items.find((x) => x.code === 'NOI_QUY_PCCC_THU');
	assert.ok(it && it.active === false && it.applies.join() === 'apartment');
	await checkClean(page, problems);
	await context.close();
});
