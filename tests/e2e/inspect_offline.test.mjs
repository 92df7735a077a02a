// Browser test of the offline inspection with photos and of conflicts
// (issue 4, item 4). A phone-sized Chromium answers a checklist with a
// photo while offline (context.setOffline), goes back online and sees the
// result and the photo sent (the thumbnail comes back from the server);
// a result and a queued edit based on a version the server no longer has
// are held as conflicts showing both values, never written over; "send
// anyway" then applies them on top of the version shown. Runs against
// `pccc demo` (PCCC_URL, started by run.sh); screenshots go to
// build/screenshots/ and the guide's pictures to docs/img/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ROOT, SHOTS, DOCIMG, BASE, CHROMIUM, ARGS, TIMEOUT, demoPassword, apiClient } from './lib.mjs';

const PHONE = { width: 390, height: 844 };

let browser = null;

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
		// The 409 answers this test provokes on purpose.
		if (/status of 409/.test(msg.text()))
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

async function session(username) {
	const context = await browser.newContext({ viewport: PHONE, locale: 'vi-VN', serviceWorkers: 'allow' });
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

async function shot(page, name, doc) {
	await page.screenshot({ path: join(SHOTS, name) });
	if (doc)
		await page.screenshot({ path: join(DOCIMG, name) });
}

// A small real PNG (a red and white stripe pattern), so the browser can
// decode and shrink it as it does a camera photo.
function stripesPng(w, h) {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (buf) => {
		let c = 0xffffffff;
		for (const b of buf)
			c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type, data) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
		const c = Buffer.alloc(4);
		c.writeUInt32BE(crc(td));
		return Buffer.concat([len, td, c]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr[8] = 8;
	ihdr[9] = 2;
	const rows = [];
	for (let y = 0; y < h; y++) {
		const row = Buffer.alloc(1 + w * 3);
		for (let x = 0; x < w; x++) {
			const red = ((x >> 3) + (y >> 3)) % 2 === 0;
			row[1 + x * 3] = red ? 200 : 250;
			row[2 + x * 3] = red ? 30 : 250;
			row[3 + x * 3] = red ? 30 : 250;
		}
		rows.push(row);
	}
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

async function answerAll(page, failCode) {
	const codes = await page.$$eval('#checklist .check-item', (els) => els.map((e) => e.dataset.code));
	assert.ok(codes.length >= 3, 'checklist items: ' + codes.length);
	for (const c of codes)
		await page.click('label[for="r-' + c + '-' + (c === failCode ? 'fail' : 'pass') + '"]');
	return codes;
}

async function openChecklist(s, target) {
	await s.page.goto(BASE + '/#/houses/' + target + '/inspect');
	await s.page.locator('#checklist .check-item').first().waitFor({ timeout: TIMEOUT });
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

test('offline checklist with a photo: kept on the phone, result and photo sent when online', async () => {
	const api = await apiClient('demo.canbo');
	const list = await api.call('GET', '/houses?type=mini_apartment&limit=20');
	const target = list.body.items[list.body.items.length - 1].id;
	const before = await api.call('GET', '/houses/' + target + '/inspections');

	const s = await session('demo.canbo');
	const { page } = s;
	await openChecklist(s, target);
	await s.offline(true);
	await page.locator('[data-testid="net-state"].net-off').waitFor({ timeout: TIMEOUT });
	await answerAll(page, 'LOI_THOAT_NAN_2');
	await page.fill('#note-LOI_THOAT_NAN_2', 'Tầng 4 chỉ có một cầu thang, chưa có lối thoát thứ hai');
	await page.setInputFiles('#photo-LOI_THOAT_NAN_2', { name: 'cau-thang.png', mimeType: 'image/png', buffer: stripesPng(96, 64) });
	await page.locator('.check-item[data-code="LOI_THOAT_NAN_2"] .thumb img').waitFor({ timeout: TIMEOUT });
	await page.click('[data-testid="inspect-submit"]');
	await page.locator('.queue-entry[data-status="pending"]').waitFor({ timeout: TIMEOUT });
	assert.match(await page.textContent('.queue-entry[data-status="pending"]'), /Đã lưu trên máy/);
	// The photo waits in the queue on the device.
	const queued = await page.evaluate(async () => {
		const m = await import('/js/offline.js');
		const all = await m.listQueue();
		return all.map((e) => ({ status: e.status, photos: (e.photos || []).map((p) => [p.code, p.blob.type, p.blob.size]) }));
	});
	assert.equal(queued.length, 1);
	assert.equal(queued[0].photos.length, 1);
	assert.equal(queued[0].photos[0][0], 'LOI_THOAT_NAN_2');
	assert.ok(queued[0].photos[0][2] > 0);
	// For the guide: the offline banner, the queued result and the first
	// item with its note and photo in one picture.
	await page.setViewportSize({ width: PHONE.width, height: 1480 });
	await page.evaluate(() => window.scrollTo(0, 0));
	await shot(page, 'kiem-tra-ngoai-tuyen.png', true);
	await page.setViewportSize(PHONE);
	const mid = await api.call('GET', '/houses/' + target + '/inspections');
	assert.equal(mid.body.items.length, before.body.items.length, 'nothing sent while offline');

	await s.offline(false);
	await page.locator('.queue-entry[data-status="sent"]').waitFor({ timeout: 30000 });
	const sent = page.locator('.queue-entry[data-status="sent"]');
	assert.match(await sent.textContent(), /Đã gửi 1 ảnh/);
	// The thumbnail is the server's copy.
	await page.waitForFunction(() => {
		const i = document.querySelector('[data-testid="server-photo"]');
		return i && i.complete && i.naturalWidth > 0;
	}, null, { timeout: TIMEOUT });
	const src = await page.getAttribute('[data-testid="server-photo"]', 'src');
	assert.match(src, /^\/api\/v1\/inspections\/\d+\/photos\/\d+$/);
	await shot(page, 'kiem-tra-da-gui.png', false);

	const after = await api.call('GET', '/houses/' + target + '/inspections');
	assert.equal(after.body.items.length, before.body.items.length + 1);
	const insp = after.body.items[0];
	const res = insp.results.find((r) => r.code === 'LOI_THOAT_NAN_2');
	assert.equal(res.photos.length, 1);
	assert.equal(res.photos[0].url, src);
	const bytes = await api.call('GET', src.replace('/api/v1', ''));
	assert.equal(bytes.status, 200);
	assert.match(bytes.headers.get('content-type'), /^image\/(jpeg|png)$/);
	assert.ok(bytes.bytes.length > 100);
	assert.equal((await page.evaluate(async () => (await (await import('/js/offline.js')).listQueue()).length)), 0, 'queue empty');

	// Taken by mistake: removed from the house card (asked twice), gone on the server.
	await page.goto(BASE + '/#/houses/' + target);
	const box = page.locator('.thumb-box[data-photo="' + src + '"]');
	await box.waitFor({ timeout: TIMEOUT });
	const del = box.locator('[data-testid="photo-delete"]');
	await del.click();
	assert.equal(await del.textContent(), 'Bấm lần nữa để xóa ảnh');
	assert.equal((await api.call('GET', src.replace('/api/v1', ''))).status, 200, 'not yet');
	await del.click();
	await box.waitFor({ state: 'detached', timeout: TIMEOUT });
	assert.equal((await api.call('GET', src.replace('/api/v1', ''))).status, 404);
	const later = await api.call('GET', '/houses/' + target + '/inspections');
	assert.equal(later.body.items[0].results.find((r) => r.code === 'LOI_THOAT_NAN_2').photos.length, 0);
	await checkClean(page, s.problems);
	await s.context.close();
});

test('a result based on an old version: conflict with both values, then sent on top', async () => {
	const api = await apiClient('demo.canbo');
	const list = await api.call('GET', '/houses?type=boarding_house&limit=20');
	const target = list.body.items[list.body.items.length - 1].id;
	const rec = (await api.call('GET', '/houses/' + target)).body;
	const before = await api.call('GET', '/houses/' + target + '/inspections');

	const s = await session('demo.canbo');
	const { page } = s;
	await openChecklist(s, target);
	await s.offline(true);
	await answerAll(page, null);
	await page.click('[data-testid="inspect-submit"]');
	await page.locator('.queue-entry[data-status="pending"]').waitFor({ timeout: TIMEOUT });

	// Someone changes the house meanwhile (no need to wait: versions, not clocks).
	const patch = await api.call('PATCH', '/houses/' + target, { notes: 'Chủ nhà đã lắp thêm thang dây', version: rec.version });
	assert.equal(patch.status, 200, JSON.stringify(patch.body));
	assert.equal(patch.body.version, rec.version + 1);

	await s.offline(false);
	const box = page.locator('.queue-entry[data-status="conflict"]');
	await box.waitFor({ timeout: 30000 });
	assert.match(await box.textContent(), /đã được người khác thay đổi/);
	assert.match(await box.textContent(), new RegExp('phiên bản ' + rec.version + '.*phiên bản ' + (rec.version + 1)));
	const row = box.locator('.conflict-field[data-field="notes"]');
	assert.equal((await row.locator('dd.server').textContent()).trim(), 'Chủ nhà đã lắp thêm thang dây');
	assert.equal((await row.locator('dd.mine').textContent()).trim(), rec.notes || '—');
	const mid = await api.call('GET', '/houses/' + target + '/inspections');
	assert.equal(mid.body.items.length, before.body.items.length, 'nothing written over the newer record');
	await box.scrollIntoViewIfNeeded();
	await shot(page, 'kiem-tra-xung-dot.png', true);

	// Send anyway: on top of the version the officer was shown.
	await page.click('[data-testid="conflict-send"]');
	await page.locator('.queue-entry[data-status="sent"]').waitFor({ timeout: 30000 });
	const after = await api.call('GET', '/houses/' + target + '/inspections');
	assert.equal(after.body.items.length, before.body.items.length + 1);
	const now = (await api.call('GET', '/houses/' + target)).body;
	assert.equal(now.notes, 'Chủ nhà đã lắp thêm thang dây', 'the other change is kept');
	assert.equal(now.version, rec.version + 2);
	await checkClean(page, s.problems);
	await s.context.close();
});

test('a queued edit: applies with its version, a stale one is a conflict showing both values', async () => {
	const api = await apiClient('demo.canbo');
	const list = await api.call('GET', '/houses?type=tube_house&limit=20');
	const target = list.body.items[list.body.items.length - 1].id;
	const s = await session('demo.canbo');
	const { page } = s;
	await openChecklist(s, target);
	const rec = (await api.call('GET', '/houses/' + target)).body;

	// Based on the current version: saved, version + 1.
	await s.offline(true);
	await page.evaluate(async ([id, r]) => {
		const m = await import('/js/offline.js');
		await m.enqueueEdit({ targetKind: 'house', targetId: id, before: r, body: { floors: 4 } });
	}, [target, rec]);
	await page.locator('.queue-entry[data-type="edit"][data-status="pending"]').waitFor({ timeout: TIMEOUT });
	await s.offline(false);
	await page.locator('.queue-entry[data-type="edit"][data-status="sent"]').waitFor({ timeout: 30000 });
	const r1 = (await api.call('GET', '/houses/' + target)).body;
	assert.equal(r1.floors, 4);
	assert.equal(r1.version, rec.version + 1);

	// Based on r1, but someone else changes the notes first.
	await s.offline(true);
	await page.evaluate(async ([id, r]) => {
		const m = await import('/js/offline.js');
		await m.enqueueEdit({ targetKind: 'house', targetId: id, before: r, body: { notes: 'Ghi chú của cán bộ A' } });
	}, [target, r1]);
	const other = await api.call('PATCH', '/houses/' + target, { notes: 'Ghi chú của cán bộ B' }, { 'If-Match': '"' + r1.version + '"' });
	assert.equal(other.status, 200);
	await s.offline(false);
	const box = page.locator('.queue-entry[data-type="edit"][data-status="conflict"]');
	await box.waitFor({ timeout: 30000 });
	const row = box.locator('.conflict-field[data-field="notes"]');
	assert.equal((await row.locator('dd.mine').textContent()).trim(), 'Ghi chú của cán bộ A');
	assert.equal((await row.locator('dd.server').textContent()).trim(), 'Ghi chú của cán bộ B');
	const held = (await api.call('GET', '/houses/' + target)).body;
	assert.equal(held.notes, 'Ghi chú của cán bộ B', 'not overwritten');
	assert.equal(held.version, r1.version + 1);

	// The officer keeps theirs, knowingly: applied on top of version shown.
	await box.locator('[data-testid="conflict-send"]').click();
	await page.locator('.queue-entry[data-type="edit"][data-status="sent"]').last().waitFor({ timeout: 30000 });
	await page.waitForFunction(() => !document.querySelector('.queue-entry[data-type="edit"][data-status="conflict"]'), null, { timeout: TIMEOUT });
	const fin = (await api.call('GET', '/houses/' + target)).body;
	assert.equal(fin.notes, 'Ghi chú của cán bộ A');
	assert.equal(fin.version, held.version + 1);
	await checkClean(page, s.problems);
	await s.context.close();
});
