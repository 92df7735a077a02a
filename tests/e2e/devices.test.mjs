// Browser test of the transmitters pages (Thiết bị truyền tin, issue 5):
// the dispatcher goes from the alarm board to the list of registered
// devices (the demo's, with their commissioning and state), registers a new
// one through the form (a malformed account, line and key are refused on
// the page before anything is sent; a duplicate account on the same line is
// the server's 409, shown next to the account), sees its card, puts it into
// service, then a real DC-09 signal over TCP to the demo's receiver shows on
// the card as its last contact and latest signal; the edit form keeps the
// stored key when left empty and sets a new one (the card shows only its
// length). Fire teams read the list but get no form; commune officers and
// citizens (no alarm.read) are refused. Takes the guide's picture docs/img/thiet-bi.png. Runs against
// `pccc demo` (PCCC_URL, PCCC_ALARM_PORT from run.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { DOCIMG, BASE, CHROMIUM, ARGS, TIMEOUT, openSession, checkClean, dc09Frame, sendFrame } from './lib.mjs';

const ACCOUNT = '7A' + String(Date.now() % 10000).padStart(4, '0');
let browser = null;

before(async () => {
	assert.ok(BASE, 'PCCC_URL is not set');
	assert.ok(process.env.PCCC_ALARM_PORT, 'PCCC_ALARM_PORT is not set');
	browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

after(async () => {
	if (browser)
		await browser.close();
});

function field(page, key) {
	return page.locator('#device-form [data-field="' + key + '"]').first();
}

test('dispatcher: list, register (checked first), put into service, a real signal, change the key', async () => {
	const { context, page, problems, posts } = await openSession(browser, 'demo.dieudo', { posts: /\/api\/v1\/devices/, ignore: /\/api\/v1\/devices$/ });
	await page.goto(BASE + '/#/alarms');
	await page.locator('[data-testid="board-devices-link"]').click();
	await page.waitForFunction(() => window.location.hash === '#/alarms/devices');
	await page.locator('#devices-table').waitFor({ timeout: TIMEOUT });
	const demo = await page.locator('#devices-table tbody tr').count();
	assert.ok(demo >= 5, 'the demo devices: ' + demo);
	await page.selectOption('#d-commissioning', 'live');
	await page.click('[data-testid="dev-filter"]');
	await page.waitForFunction(() => window.location.hash === '#/alarms/devices?commissioning=live');
	const comm = await page.locator('#devices-table tbody [data-commissioning]').evaluateAll((els) => els.map((e) => e.dataset.commissioning));
	assert.ok(comm.length > 0 && comm.every((c) => c === 'live'), comm.join(','));

	// register: refused on the page first
	await page.click('[data-testid="device-new"]');
	await page.locator('#device-form').waitFor({ timeout: TIMEOUT });
	await field(page, 'account').fill('7G!');
	await field(page, 'line').fill('L4Z');
	await field(page, 'key').fill('0011');
	await field(page, 'unit').fill('00364');
	await page.click('[data-testid="device-save"]');
	await page.locator('.error-summary').waitFor();
	const summary = await page.locator('.error-summary').textContent();
	assert.match(summary, /Tài khoản gồm 3 đến 16 chữ số hệ 16/);
	assert.match(summary, /Đường truyền là 1–6 chữ số hệ 16/);
	assert.match(summary, /Khóa AES gồm 32, 48 hoặc 64 chữ số hệ 16/);
	assert.deepEqual(posts, [], 'nothing sent');

	// the server's refusal (an account already on that line: 409, expected in
	// the console) goes next to the account
	await field(page, 'account').fill('1234');
	await field(page, 'receiver').fill('');
	await field(page, 'line').fill('L1');
	await field(page, 'key').fill('');
	await field(page, 'site_name').fill('Nhà trọ thử thiết bị');
	const taken = await page.evaluate(async () => (await fetch('/api/v1/devices?account=1234')).json());
	if (taken.items && taken.items.length) {
		await field(page, 'receiver').fill(taken.items[0].receiver || '');
		await field(page, 'line').fill(taken.items[0].line || '');
		await page.click('[data-testid="device-save"]');
		await page.locator('.field-error', { hasText: 'đã được đăng ký' }).first().waitFor({ timeout: TIMEOUT });
	}

	await field(page, 'account').fill(ACCOUNT);
	await field(page, 'receiver').fill('R1');
	await field(page, 'line').fill('L4');
	await field(page, 'supervision_s').fill('3600');
	await field(page, 'address').fill('9 ngõ 20 phố Khương Trung, Phường Khương Đình');
	await page.locator('#device-form input[data-field="contacts.name"]').first().fill('Lê Văn Trọ');
	await page.locator('#device-form input[data-field="contacts.phone"]').first().fill('0912 000 111');
	await page.click('[data-testid="device-save"]');
	await page.waitForFunction(() => /^#\/alarms\/devices\/\d+$/.test(window.location.hash), null, { timeout: TIMEOUT });
	const id = (await page.evaluate(() => window.location.hash)).split('/').pop();
	await page.locator('#page-title', { hasText: 'Thiết bị #' + ACCOUNT }).waitFor({ timeout: TIMEOUT });
	assert.match(await page.locator('[data-field="key"] dd').textContent(), /Không mã hóa/);
	assert.match(await page.locator('[data-field="supervision_s"] dd').textContent(), /1 giờ/);
	assert.match(await page.locator('[data-field="last_heard_at"] dd').textContent(), /Chưa liên lạc/);
	assert.match(await page.locator('.card-group', { hasText: 'Người liên hệ' }).textContent(), /Lê Văn Trọ: 0912000111/);
	await page.locator('[data-testid="device-not-live"]').waitFor();
	await page.locator('[data-testid="device-no-events"]').waitFor({ timeout: TIMEOUT });

	// into service
	await page.click('[data-testid="device-golive"]');
	await page.locator('[data-commissioning="live"]').first().waitFor({ timeout: TIMEOUT });
	assert.equal(await page.locator('[data-testid="device-not-live"]').count(), 0);

	// a real link test over DC-09: acknowledged, then on the card
	const reply = await sendFrame(Number(process.env.PCCC_ALARM_PORT),
		dc09Frame('"ADM-CID"0001R1L4#' + ACCOUNT + '[#' + ACCOUNT + '|1602 00 000]'));
	assert.match(reply, /"ACK"0001/);
	// the card shows the receiver's own last contact at once
	await page.reload();
	await page.locator('#device-events-table').waitFor({ timeout: TIMEOUT });
	assert.doesNotMatch(await page.locator('[data-field="last_heard_at"] dd').textContent(), /Chưa liên lạc/);
	assert.match(await page.locator('#device-events-table tbody tr').first().textContent(), /602/);

	mkdirSync(DOCIMG, { recursive: true });
	await page.screenshot({ path: join(DOCIMG, 'thiet-bi.png'), fullPage: false });

	// edit: an empty key field keeps none / the stored key; a new key is set
	await page.click('[data-testid="device-edit"]');
	await page.locator('#device-form').waitFor({ timeout: TIMEOUT });
	assert.equal(await field(page, 'key').inputValue(), '');
	assert.equal(await field(page, 'key').getAttribute('type'), 'password');
	await field(page, 'key').fill('00112233445566778899AABBCCDDEEFF');
	await page.click('[data-testid="device-save"]');
	await page.waitForFunction((i) => window.location.hash === '#/alarms/devices/' + i, id, { timeout: TIMEOUT });
	await page.locator('[data-field="key"] dd', { hasText: 'Mã hóa AES-128' }).waitFor({ timeout: TIMEOUT });
	await page.click('[data-testid="device-edit"]');
	await page.locator('#device-form').waitFor({ timeout: TIMEOUT });
	await field(page, 'site_name').fill('Nhà trọ thử thiết bị (đã đổi)');
	await page.click('[data-testid="device-save"]');
	await page.locator('.lead', { hasText: 'Nhà trọ thử thiết bị (đã đổi)' }).waitFor({ timeout: TIMEOUT });
	assert.match(await page.locator('[data-field="key"] dd').textContent(), /Mã hóa AES-128/, 'the key is kept');
	assert.doesNotMatch(await page.content(), /00112233445566778899AABBCCDDEEFF/);
	await checkClean(page, problems);
	await context.close();
});

test('fire teams read the list without the form; commune officers and citizens are refused', async () => {
	{
		const { context, page, problems } = await openSession(browser, 'demo.doipccc');
		await page.goto(BASE + '/#/alarms/devices');
		await page.locator('#devices-table, [data-testid="dev-empty"]').first().waitFor({ timeout: TIMEOUT });
		assert.equal(await page.locator('[data-testid="device-new"]').count(), 0);
		await page.goto(BASE + '/#/alarms/devices/new');
		await page.getByTestId('forbidden').waitFor({ timeout: TIMEOUT });
		await checkClean(page, problems);
		await context.close();
	}
	for (const who of ['demo.canbo', 'demo.chuho']) {
		const { context, page, problems } = await openSession(browser, who);
		await page.goto(BASE + '/#/alarms/devices');
		await page.getByTestId('forbidden').waitFor({ timeout: TIMEOUT });
		await checkClean(page, problems);
		await context.close();
	}
});
