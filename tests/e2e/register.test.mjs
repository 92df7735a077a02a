// Browser test of the register pages (issue 4): the house list (search
// with diacritics folded, filters, paging, CSV/XLSX export links), the
// house card (grouped ID, QR, failing items), the house ID check in the
// browser (a mistyped ID is refused before any request), form validation
// with Vietnamese messages, the citizen's declaration on a 360 px phone,
// the officer's return and verify, the facility card and form, and the
// inspection checklist offline (context.setOffline: answered offline, sent
// when back online) with the conflict case (the record changed on the
// server meanwhile: shown, not written over). Runs against `pccc demo`
// (PCCC_URL, started by run.sh); screenshots go to build/screenshots/ and
// the guide's pictures to docs/img/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, SHOTS, DOCIMG, BASE, CHROMIUM, ARGS, TIMEOUT, demoPassword, apiClient } from './lib.mjs';

const PHONE = { width: 360, height: 740 };

let browser = null;

// Console errors and CSP violations; expected API refusals (a 401 for
// /auth/me before sign-in, the 400 the test provokes) are not problems,
// nor are requests failing while the test has the page offline.
function watch(page, state) {
	const problems = [];
	// Offline now, or back online so recently that a request which failed
	// while offline may still be being reported.
	const wasOffline = () => state.offline || Date.now() - (state.onlineAt || 0) < 3000;
	page.on('console', (msg) => {
		if (msg.type() !== 'error')
			return;
		const url = (msg.location() && msg.location().url) || '';
		if (/Failed to load resource/.test(msg.text()) && (/\/api\/v1\/auth\/me\b/.test(url) || wasOffline()))
			return;
		if (/ERR_INTERNET_DISCONNECTED/.test(msg.text()) && wasOffline())
			return;
		problems.push('console: ' + msg.text() + (url ? ' @ ' + url : ''));
	});
	page.on('pageerror', (err) => problems.push('pageerror: ' + err.message));
	page.on('requestfailed', (req) => {
		const f = req.failure();
		if (f && /ERR_ABORTED/.test(f.errorText))
			return;
		if (wasOffline() && f && /ERR_INTERNET_DISCONNECTED|ERR_FAILED/.test(f.errorText))
			return;
		problems.push('requestfailed: ' + req.url() + ' ' + (f ? f.errorText : ''));
	});
	return problems;
}

async function session(viewport, username) {
	const context = await browser.newContext({ viewport, locale: 'vi-VN', serviceWorkers: 'allow' });
	const page = await context.newPage();
	const state = { offline: false };
	const problems = watch(page, state);
	await page.addInitScript(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) => {
			window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
		});
	});
	await page.goto(BASE + '/#/units');
	if (username) {
		const status = await page.evaluate(async ([u, p]) => {
			const r = await fetch('/api/v1/auth/login', {
				method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin',
				body: JSON.stringify({ username: u, password: p }),
			});
			return r.status;
		}, [username, demoPassword(username)]);
		assert.equal(status, 200, 'browser login ' + username);
		await page.reload();
		await page.locator('#user-box .user-name').filter({ hasNotText: 'Chưa đăng nhập' }).first().waitFor({ timeout: TIMEOUT });
	}
	const offline = async (on) => {
		if (!on && state.offline)
			state.onlineAt = Date.now();
		state.offline = on;
		await context.setOffline(on);
	};
	return { context, page, problems, offline };
}

async function checkClean(page, problems) {
	const csp = await page.evaluate(() => window.__csp || []);
	assert.deepEqual(csp, [], 'CSP violations: ' + csp.join('; '));
	assert.deepEqual(problems, [], 'browser errors:\n' + problems.join('\n'));
}

async function noOverflow(page, what) {
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, (what || 'page') + ' wider than the screen by ' + overflow + ' px');
}

async function shot(page, name, opts) {
	const o = opts || {};
	await page.screenshot({ path: join(SHOTS, name), fullPage: !!o.fullPage });
	if (o.doc)
		await page.screenshot({ path: join(DOCIMG, name), fullPage: !!opts.fullPage });
}

// The JS port of the house ID check, run in node against IDs the server made.
// (Loaded as a data: URL so node does not guess the module type.)
async function houseIdModule() {
	const src = readFileSync(join(ROOT, 'web', 'js', 'houseid.js'), 'utf8');
	return import('data:text/javascript;charset=utf-8,' + encodeURIComponent(src));
}

function mistype(id) {
	const c = id[3] === 'A' ? 'B' : 'A';
	return id.slice(0, 3) + c + id.slice(4);
}

before(async () => {
	assert.ok(BASE, 'set PCCC_URL to the console base URL');
	mkdirSync(SHOTS, { recursive: true });
	mkdirSync(DOCIMG, { recursive: true });
	browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
});

after(async () => {
	if (browser)
		await browser.close();
});

test('house ID check: the browser port agrees with the server', async () => {
	const { parseHouseId, formatHouseId, ALPHABET } = await houseIdModule();
	const api = await apiClient('demo.canbo');
	const list = await api.call('GET', '/houses?limit=50');
	assert.equal(list.status, 200);
	assert.ok(list.body.items.length > 10);
	for (const it of list.body.items) {
		assert.ok(parseHouseId(it.id).ok, it.id);
		if (it.id_display)
			assert.equal(formatHouseId(it.id), it.id_display);
		// every substitution and every adjacent swap refused
		for (let i = 0; i < 10; i++) {
			for (const c of ALPHABET)
				if (c !== it.id[i])
					assert.equal(parseHouseId(it.id.slice(0, i) + c + it.id.slice(i + 1)).ok, false);
			if (i < 9 && it.id[i] !== it.id[i + 1])
				assert.equal(parseHouseId(it.id.slice(0, i) + it.id[i + 1] + it.id[i] + it.id.slice(i + 2)).ok, false);
		}
	}
	const bad = mistype(list.body.items[0].id);
	assert.equal(parseHouseId(bad).error, 'check');
	const res = await api.call('GET', '/houses/' + bad);
	assert.equal(res.status, 400);
	assert.equal(res.body.error.code, 'invalid_house_id');
	assert.equal(parseHouseId(list.body.items[0].id.toLowerCase().replace(/0/g, 'o')).ok, true);
});

test('houses: search folded, filters, paging, export, card, mistyped ID', async () => {
	const { page, problems, context } = await session({ width: 1366, height: 900 }, 'demo.canbo');
	await page.goto(BASE + '/#/houses');
	await page.getByRole('heading', { level: 1, name: 'Sổ quản lý nhà ở' }).waitFor({ timeout: TIMEOUT });
	await page.locator('#houses-table tbody tr').first().waitFor({ timeout: TIMEOUT });

	// Search without diacritics.
	await page.getByLabel('Tìm theo mã hoặc địa chỉ').fill('khuong dinh');
	await page.click('#h-search');
	await page.waitForURL(/q=khuong/);
	await page.locator('#houses-table tbody tr').first().waitFor({ timeout: TIMEOUT });
	const addr = await page.locator('#houses-table tbody tr td:nth-child(2)').first().textContent();
	assert.match(addr, /Khương Đình/);

	// Filter: not compliant → every row says so.
	await page.selectOption('#h-compliance', 'khong_dam_bao');
	await page.click('#h-search');
	await page.waitForURL(/compliance=khong_dam_bao/);
	await page.waitForFunction(() => {
		const b = [...document.querySelectorAll('#houses-table [data-compliance]')];
		return b.length > 0 && b.every((x) => x.dataset.compliance === 'khong_dam_bao');
	}, null, { timeout: TIMEOUT });

	// Export links carry the filters; the CSV has Vietnamese headers.
	const csvHref = await page.getAttribute('[data-testid="export-csv"]', 'href');
	assert.match(csvHref, /format=csv/);
	assert.match(csvHref, /compliance=khong_dam_bao/);
	assert.match(await page.getAttribute('[data-testid="export-xlsx"]', 'href'), /format=xlsx/);
	const csv = await page.evaluate(async (u) => {
		const r = await fetch(u, { credentials: 'same-origin' });
		return { status: r.status, type: r.headers.get('content-type'), text: (await r.text()).slice(0, 400) };
	}, csvHref);
	assert.equal(csv.status, 200);
	assert.match(csv.type, /csv/);
	assert.match(csv.text, /Mã định danh/);

	// Paging: the next page holds other houses.
	await page.goto(BASE + '/#/houses');
	await page.locator('#houses-table tbody tr').first().waitFor({ timeout: TIMEOUT });
	const first = await page.locator('#houses-table tbody tr').first().getAttribute('data-id');
	await page.click('[data-testid="page-next"]');
	await page.waitForURL(/cursor=/);
	await page.waitForFunction((f) => {
		const r = document.querySelector('#houses-table tbody tr');
		return r && r.dataset.id !== f;
	}, first, { timeout: TIMEOUT });
	await page.goto(BASE + '/#/houses?sort=id');
	await page.locator('#houses-table tbody tr').first().waitFor({ timeout: TIMEOUT });
	await page.mouse.move(0, 0);
	await shot(page, 'houses.png', { doc: true });

	// The card: grouped ID, QR image, groups, history.
	const link = page.locator('#houses-table a.house-link').first();
	const shown = (await link.textContent()).trim();
	assert.match(shown, /^[0-9A-Z]{4}-[0-9A-Z]{3}-[0-9A-Z]{3}$/);
	await link.click();
	await page.locator('[data-testid="house-id"]').waitFor({ timeout: TIMEOUT });
	assert.equal((await page.textContent('[data-testid="house-id"]')).trim(), shown);
	await page.waitForFunction(() => {
		const i = document.querySelector('[data-testid="house-qr"]');
		return i && i.complete && i.naturalWidth > 0;
	}, null, { timeout: TIMEOUT });
	for (const g of ['address', 'building', 'escape', 'access', 'equipment', 'risks', 'people'])
		await page.locator('.card-group[data-group="' + g + '"]').waitFor();
	await page.getByRole('heading', { name: 'Lịch sử kiểm tra' }).waitFor();
	await shot(page, 'house-card.png', { fullPage: true });

	// A failing house shows its failing items by name.
	await page.goto(BASE + '/#/houses?compliance=khong_dam_bao');
	await page.locator('#houses-table a.house-link').first().click();
	await page.locator('[data-testid="failing-items"] li').first().waitFor({ timeout: TIMEOUT });
	assert.ok((await page.locator('[data-testid="failing-items"] li').count()) > 0);

	// A mistyped ID is refused in the browser, before any request.
	const id = shown.replace(/-/g, '');
	const bad = mistype(id);
	const seen = [];
	page.on('request', (r) => {
		if (r.url().includes('/api/v1/houses/' + bad))
			seen.push(r.url());
	});
	await page.goto(BASE + '/#/houses/' + bad);
	await page.locator('[data-testid="bad-id"]').waitFor({ timeout: TIMEOUT });
	assert.match(await page.textContent('[data-testid="bad-id"]'), /sai ký tự kiểm tra/);
	await page.goto(BASE + '/#/houses');
	await page.fill('#h-open', bad);
	await page.press('#h-open', 'Enter');
	await page.locator('#h-open-err:not([hidden])').waitFor();
	assert.match(await page.textContent('#h-open-err'), /gõ nhầm hoặc đổi chỗ/);
	await page.fill('#h-open', id.toLowerCase());
	await page.press('#h-open', 'Enter');
	await page.waitForURL(new RegExp('#/houses/' + id + '$'));
	assert.deepEqual(seen, []);

	await checkClean(page, problems);
	await context.close();
});

test('house form: Vietnamese validation, then create', async () => {
	const { page, problems, context } = await session({ width: 1280, height: 900 }, 'demo.canbo');
	await page.goto(BASE + '/#/houses/new');
	await page.locator('#house-form').waitFor({ timeout: TIMEOUT });
	await page.click('[data-testid="house-save"]');
	await page.locator('.error-summary:not([hidden])').waitFor();
	const summary = await page.textContent('.error-summary');
	assert.match(summary, /Vui lòng nhập “Loại nhà”/);
	assert.match(summary, /Vui lòng nhập “Mã xã\/phường”/);
	await page.fill('#house-form input[name="unit"]', '364');
	await page.click('[data-testid="house-save"]');
	await page.waitForFunction(() => /Mã xã, phường gồm đúng 5 chữ số/.test(document.querySelector('.error-summary').textContent));

	await page.selectOption('#house-form select[name="house_type"]', 'mini_apartment');
	await page.fill('#house-form input[name="unit"]', '00364');
	await page.fill('#house-form input[name="floors"]', '1');
	await page.fill('#house-form input[name="occupants"]', 'mười');
	await page.click('[data-testid="house-save"]');
	await page.waitForFunction(() => /phải là số nguyên/.test(document.querySelector('.error-summary').textContent));
	assert.equal(await page.getAttribute('#house-form input[name="occupants"]', 'aria-invalid'), 'true');
	await page.fill('#house-form input[name="occupants"]', '24');
	await page.click('[data-testid="house-save"]');
	await page.waitForFunction(() => /Chung cư mini có ít nhất 2 tầng/.test(document.querySelector('.error-summary').textContent));
	await page.fill('#house-form input[name="floors"]', '6');
	await page.selectOption('#house-form select[name="escape_hatch"]', 'true');
	await page.click('[data-testid="house-save"]');
	await page.waitForFunction(() => /Ô thoát nạn chỉ khai khi nhà có chuồng cọp/.test(document.querySelector('.error-summary').textContent));
	await page.selectOption('#house-form select[name="barred_windows"]', 'true');
	await page.click('[data-testid="house-save"]');
	await page.waitForFunction(() => /Cần địa chỉ/.test(document.querySelector('.error-summary').textContent));
	await page.fill('#house-form input[name="house_number"]', '12');
	await page.fill('#house-form input[name="alley"]', 'Ngõ 105');
	await page.fill('#house-form input[name="street"]', 'Phố Khương Đình');
	await shot(page, 'house-form.png', { fullPage: true });
	await page.click('[data-testid="house-save"]');
	await page.waitForURL(/#\/houses\/[0-9A-Z]{10}$/, { timeout: TIMEOUT });
	await page.locator('[data-testid="house-id"]').waitFor({ timeout: TIMEOUT });
	const { parseHouseId } = await houseIdModule();
	const newId = page.url().split('/').pop();
	assert.ok(parseHouseId(newId).ok);
	assert.match(await page.textContent('.card-group[data-group="building"]'), /Chung cư mini/);
	await checkClean(page, problems);
	await context.close();
});

test('citizen declares on a 360 px phone; officer returns, then verifies', async () => {
	const citizen = await session(PHONE, 'demo.chuho');
	const { page } = citizen;
	await page.goto(BASE + '/#/declare');
	await page.locator('[data-testid="declare-step"]').waitFor({ timeout: TIMEOUT });
	const houseId = (await page.textContent('[data-testid="house-id"]')).replace(/-/g, '').trim();
	assert.match(await page.textContent('[data-testid="declare-step"]'), /Bước 1\/5/);
	await noOverflow(page, 'declaration step 1');
	await shot(page, 'declare-phone.png', { doc: true });
	// A wrong number is refused on its step, in Vietnamese.
	await page.fill('#declare-form input[name="floors"]', '3,5');
	await page.click('[data-testid="declare-next"]');
	await page.locator('#declare-form .field-error:not([hidden])').first().waitFor();
	assert.match(await page.textContent('#declare-form .error-summary'), /“Số tầng” phải là số nguyên/);
	await page.fill('#declare-form input[name="floors"]', '4');
	await page.click('[data-testid="declare-next"]');
	await page.waitForFunction(() => /Bước 2\/5/.test(document.querySelector('[data-testid="declare-step"]').textContent));
	await page.selectOption('#declare-form select[name="second_escape"]', 'true');
	await page.fill('#declare-form input[name="exits"]', '2');
	await noOverflow(page, 'declaration step 2');
	await page.click('[data-testid="declare-next"]');
	await page.waitForFunction(() => /Bước 3\/5/.test(document.querySelector('[data-testid="declare-step"]').textContent));
	await page.fill('#declare-form input[name="extinguishers"]', '2');
	await page.click('[data-testid="declare-next"]');
	await page.waitForFunction(() => /Bước 4\/5/.test(document.querySelector('[data-testid="declare-step"]').textContent));
	await page.fill('#declare-form input[name="occupants"]', '5');
	await page.fill('#declare-form input[name="vulnerable_elderly"]', '2');
	await page.click('[data-testid="declare-next"]');
	await page.waitForFunction(() => /Bước 5\/5/.test(document.querySelector('[data-testid="declare-step"]').textContent));
	await page.click('[data-testid="declare-submit"]');
	await page.waitForFunction(() => /Cần đánh dấu xác nhận/.test(document.body.textContent));
	await page.check('#declare-confirm');
	await shot(page, 'declare-phone-review.png', { fullPage: true });
	await page.click('[data-testid="declare-submit"]');
	await page.locator('[data-testid="declare-done"]').waitFor({ timeout: TIMEOUT });
	await page.locator('[data-testid="declare-done"] [data-state="declared"]').waitFor();
	await noOverflow(page, 'declaration done');

	// The officer returns it with a reason (required).
	const officer = await session({ width: 1280, height: 900 }, 'demo.canbo');
	const op = officer.page;
	await op.goto(BASE + '/#/houses/' + houseId);
	await op.locator('[data-testid="house-return"]').waitFor({ timeout: TIMEOUT });
	await op.click('[data-testid="house-return"]');
	await op.click('[data-testid="return-send"]');
	await op.waitForFunction(() => /Nhập lý do trả lại/.test(document.body.textContent));
	await op.fill('#return-reason', 'Thiếu thông tin số bình chữa cháy ở khu để xe');
	await op.click('[data-testid="return-send"]');
	await op.locator('[data-state="returned"]').first().waitFor({ timeout: TIMEOUT });

	// The citizen sees the reason, declares again; the officer verifies.
	await page.goto(BASE + '/#/units');
	await page.goto(BASE + '/#/declare');
	await page.locator('[data-testid="return-reason"]').waitFor({ timeout: TIMEOUT });
	assert.match(await page.textContent('[data-testid="return-reason"]'), /Thiếu thông tin số bình chữa cháy/);
	for (let i = 0; i < 4; i++)
		await page.click('[data-testid="declare-next"]');
	await page.check('#declare-confirm');
	await page.click('[data-testid="declare-submit"]');
	await page.locator('[data-testid="declare-done"]').waitFor({ timeout: TIMEOUT });
	await op.goto(BASE + '/#/units');
	await op.goto(BASE + '/#/houses/' + houseId);
	await op.locator('[data-testid="house-verify"]').click({ timeout: TIMEOUT });
	await op.locator('[data-state="verified"]').first().waitFor({ timeout: TIMEOUT });

	await checkClean(page, citizen.problems);
	await checkClean(op, officer.problems);
	await citizen.context.close();
	await officer.context.close();
});

test('facilities: list, card, form validation', async () => {
	const { page, problems, context } = await session({ width: 1280, height: 900 }, 'demo.canbo');
	await page.goto(BASE + '/#/facilities');
	await page.locator('#facilities-table tbody tr').first().waitFor({ timeout: TIMEOUT });
	await page.fill('#f-q', 'khuong dinh');
	await page.press('#f-q', 'Enter');
	await page.waitForURL(/q=khuong/);
	await page.locator('#facilities-table tbody tr').first().waitFor({ timeout: TIMEOUT });
	assert.match(await page.getAttribute('[data-testid="export-xlsx"]', 'href'), /\/api\/v1\/facilities\?.*format=xlsx/);
	await shot(page, 'facilities.png');
	await page.locator('#facilities-table tbody a').first().click();
	await page.locator('.card-group[data-group="contacts"]').waitFor({ timeout: TIMEOUT });
	await shot(page, 'facility-card.png', { fullPage: true });

	await page.goto(BASE + '/#/facilities/new');
	await page.locator('#facility-form').waitFor({ timeout: TIMEOUT });
	await page.fill('#facility-form input[name="name"]', 'Quán karaoke Hoa Mai');
	await page.selectOption('#facility-form select[name="category"]', 'entertainment');
	await page.fill('#facility-form input[name="unit"]', '00364');
	const names = page.locator('#facility-form input[data-field="contacts.name"]');
	const phones = page.locator('#facility-form input[data-field="contacts.phone"]');
	assert.equal(await phones.count(), 3);
	await names.nth(0).fill('Chủ cơ sở');
	await phones.nth(0).fill('0912 345 678');
	await page.click('[data-testid="facility-save"]');
	await page.waitForFunction(() => /Cần ít nhất 3 số điện thoại/.test(document.querySelector('.error-summary').textContent));
	await names.nth(1).fill('Bảo vệ');
	await phones.nth(1).fill('12345');
	await names.nth(2).fill('Quản lý');
	await phones.nth(2).fill('+84 98 765 4321');
	await page.click('[data-testid="facility-save"]');
	await page.waitForFunction(() => /Số điện thoại “12345” không hợp lệ/.test(document.querySelector('.error-summary').textContent));
	await phones.nth(1).fill('0987.111.222');
	await page.fill('#facility-form input[name="house_id"]', 'ABCD-EFG-HJK');
	await page.click('[data-testid="facility-save"]');
	await page.waitForFunction(() => /Mã định danh số nhà sai ký tự kiểm tra/.test(document.querySelector('.error-summary').textContent));
	await page.fill('#facility-form input[name="house_id"]', '');
	await page.click('[data-testid="facility-save"]');
	await page.waitForURL(/#\/facilities\/CS\d+$/, { timeout: TIMEOUT });
	await page.locator('h1', { hasText: 'Quán karaoke Hoa Mai' }).waitFor({ timeout: TIMEOUT });
	assert.match(await page.textContent('.card-group[data-group="contacts"]'), /0987111222/);

	// The facility's checklist (items for facilities), sent online.
	const fid = page.url().split('/').pop();
	await page.click('[data-testid="facility-inspect"]');
	await page.waitForURL(new RegExp('#/facilities/' + fid + '/inspect$'));
	await page.locator('#checklist .check-item').first().waitFor({ timeout: TIMEOUT });
	await answerAll(page, 'BINH_CHUA_CHAY');
	await page.click('[data-testid="inspect-submit"]');
	await page.locator('.queue-entry[data-status="sent"]').waitFor({ timeout: 30000 });
	await page.goto(BASE + '/#/facilities/' + fid);
	await page.locator('[data-testid="failing-items"] li[data-code="BINH_CHUA_CHAY"]').waitFor({ timeout: TIMEOUT });
	await checkClean(page, problems);
	await context.close();
});

async function answerAll(page, failCode) {
	const codes = await page.$$eval('#checklist .check-item', (els) => els.map((e) => e.dataset.code));
	assert.ok(codes.length >= 3, 'checklist items: ' + codes.length);
	for (const c of codes)
		await page.click('label[for="r-' + c + '-' + (c === failCode ? 'fail' : 'pass') + '"]');
	return codes;
}

test('inspection checklist offline on a phone: kept, sent when back online', async () => {
	const api = await apiClient('demo.canbo');
	const list = await api.call('GET', '/houses?type=mini_apartment&limit=5');
	const target = list.body.items[0];
	assert.ok(target, 'a mini-apartment block in the demo');
	const before = await api.call('GET', '/houses/' + target.id + '/inspections');

	const s = await session({ width: 390, height: 844 }, 'demo.canbo');
	const { page } = s;
	await page.goto(BASE + '/#/houses/' + target.id + '/inspect');
	await page.locator('#checklist .check-item').first().waitFor({ timeout: TIMEOUT });
	await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
	await page.waitForFunction(async () => {
		const c = await caches.open('pccc-shell-v1');
		const urls = performance.getEntriesByType('resource').map((e) => new URL(e.name))
			.filter((u) => u.origin === location.origin && /\.(js|css)$/.test(u.pathname));
		for (const u of urls)
			if (!(await c.match(u.pathname)))
				return false;
		return urls.length > 5 && !!(await c.match('/'));
	}, null, { timeout: TIMEOUT, polling: 250 });
	await noOverflow(page, 'checklist');
	// The service worker controls the page (the first load only installs it).
	if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) {
		await page.reload();
		await page.locator('#checklist .check-item').first().waitFor({ timeout: TIMEOUT });
	}
	await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: TIMEOUT });

	await s.offline(true);
	await page.locator('[data-testid="net-state"].net-off').waitFor({ timeout: TIMEOUT });
	await page.click('label[for="r-LOI_THOAT_NAN_2-fail"]');
	await page.fill('#note-LOI_THOAT_NAN_2', 'Chưa có lối thoát nạn thứ hai qua mái');
	// A photo taken offline stays on the device with the answers.
	const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
	await page.setInputFiles('#photo-LOI_THOAT_NAN_2', { name: 'loi-thoat.png', mimeType: 'image/png', buffer: png });
	await page.locator('.check-item[data-code="LOI_THOAT_NAN_2"] .thumb img').waitFor({ timeout: TIMEOUT });
	// Reload without signal: the shell comes from the service worker's
	// cache, the answers and the photo from the device.
	await page.reload();
	await page.locator('[data-testid="draft-restored"]').waitFor({ timeout: TIMEOUT });
	assert.equal(await page.isChecked('#r-LOI_THOAT_NAN_2-fail'), true);
	assert.equal(await page.inputValue('#checklist select[name="kind"]'), 'periodic', 'still an official inspection offline');
	assert.equal(await page.inputValue('#note-LOI_THOAT_NAN_2'), 'Chưa có lối thoát nạn thứ hai qua mái');
	await page.locator('.check-item[data-code="LOI_THOAT_NAN_2"] .thumb img').waitFor({ timeout: TIMEOUT });
		// Not everything answered: refused with a count.
	await page.click('[data-testid="inspect-submit"]');
	await page.waitForFunction(() => /hạng mục chưa đánh giá/.test(document.querySelector('#checklist .error-summary').textContent));
	await answerAll(page, 'LOI_THOAT_NAN_2');
	await page.click('[data-testid="inspect-submit"]');
	await page.locator('.queue-entry[data-status="pending"]').waitFor({ timeout: TIMEOUT });
	assert.match(await page.textContent('.queue-entry[data-status="pending"]'), /Đã lưu trên máy/);
	await page.evaluate(() => window.scrollTo(0, 0));
	await shot(page, 'inspect-offline.png', { doc: true });
	// Nothing reached the server while offline.
	const mid = await api.call('GET', '/houses/' + target.id + '/inspections');
	assert.equal(mid.body.items.length, before.body.items.length);

	await s.offline(false);
	await page.locator('.queue-entry[data-status="sent"]').waitFor({ timeout: 30000 });
	assert.match(await page.textContent('.queue-entry[data-status="sent"]'), /Không đảm bảo/);
	const after = await api.call('GET', '/houses/' + target.id);
	assert.equal(after.body.compliance, 'khong_dam_bao');
	assert.ok(after.body.failing_items.includes('LOI_THOAT_NAN_2'));
	const insp = await api.call('GET', '/houses/' + target.id + '/inspections');
	assert.equal(insp.body.items.length, before.body.items.length + 1);
	await shot(page, 'inspect-sent.png');

	// The card shows the new state and the failing item.
	await page.goto(BASE + '/#/houses/' + target.id);
	await page.locator('[data-testid="failing-items"] li[data-code="LOI_THOAT_NAN_2"]').waitFor({ timeout: TIMEOUT });
	await checkClean(page, s.problems);
	await s.context.close();
});

test('inspection conflict: the record changed on the server meanwhile', async () => {
	const api = await apiClient('demo.canbo');
	const list = await api.call('GET', '/houses?type=boarding_house&limit=5');
	const target = list.body.items[0];
	assert.ok(target, 'a boarding house in the demo');
	const before = await api.call('GET', '/houses/' + target.id + '/inspections');

	const s = await session({ width: 390, height: 844 }, 'demo.canbo');
	const { page } = s;
	await page.goto(BASE + '/#/houses/' + target.id + '/inspect');
	await page.locator('#checklist .check-item').first().waitFor({ timeout: TIMEOUT });
	await s.offline(true);
	await answerAll(page, null);
	await page.click('[data-testid="inspect-submit"]');
	await page.locator('.queue-entry[data-status="pending"]').waitFor({ timeout: TIMEOUT });

	// Someone else changes the house (a second later, so updated_at moves).
	await new Promise((r) => setTimeout(r, 1100));
	const patch = await api.call('PATCH', '/houses/' + target.id, { notes: 'Chủ nhà báo đã lắp thêm thang thoát nạn' });
	assert.equal(patch.status, 200, JSON.stringify(patch.body));

	await s.offline(false);
	await page.locator('.queue-entry[data-status="conflict"]').waitFor({ timeout: 30000 });
	assert.match(await page.textContent('.queue-entry[data-status="conflict"]'), /đã được người khác thay đổi/);
	const mid = await api.call('GET', '/houses/' + target.id + '/inspections');
	assert.equal(mid.body.items.length, before.body.items.length, 'nothing sent over the newer record');
	await shot(page, 'inspect-conflict.png');

	// Reopen: the answers stay, the base becomes the server's record; send.
	await page.click('[data-testid="conflict-reopen"]');
	await page.locator('[data-testid="draft-restored"]').waitFor({ timeout: TIMEOUT });
	const checked = await page.$$eval('#checklist input[type="radio"]:checked', (els) => els.length);
	assert.ok(checked >= 3);
	await page.click('[data-testid="inspect-submit"]');
	await page.locator('.queue-entry[data-status="sent"]').waitFor({ timeout: 30000 });
	const after = await api.call('GET', '/houses/' + target.id + '/inspections');
	assert.equal(after.body.items.length, before.body.items.length + 1);
	await checkClean(page, s.problems);
	await s.context.close();
});

test('door label page prints the QR and the grouped ID', async () => {
	const { page, problems, context } = await session({ width: 800, height: 1000 }, 'demo.canbo');
	const api = await apiClient('demo.canbo');
	const id = (await api.call('GET', '/houses?limit=1')).body.items[0].id;
	await page.goto(BASE + '/print/label.html#' + id);
	await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: TIMEOUT });
	await page.waitForFunction(() => {
		const i = document.getElementById('label-qr');
		return i && i.complete && i.naturalWidth > 0;
	}, null, { timeout: TIMEOUT });
	assert.match(await page.textContent('#label-id'), /^[0-9A-Z]{4}-[0-9A-Z]{3}-[0-9A-Z]{3}$/);
	assert.match(await page.textContent('.label-scan'), /Quét mã/);
	await shot(page, 'label.png');
	await page.goto(BASE + '/print/label.html#' + mistype(id));
	await page.reload();
	await page.locator('#label-error:not([hidden])').waitFor();
	assert.match(await page.textContent('#label-error'), /sai ký tự kiểm tra/);
	await checkClean(page, problems);
	await context.close();
});
