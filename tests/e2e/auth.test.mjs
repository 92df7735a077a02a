// Browser test of sign-in, accounts and the audit trail in the console:
// Debian's chromium driven by playwright-core against `pccc demo` (run.sh
// sets PCCC_URL and PCCC_DATA_DIR; the demo accounts are read from
// DIR/demo-accounts.json). The admin creates an account (temporary password
// shown once), disables and enables it, signs out; the new user signs in,
// is held on the forced password change, changes it and is refused the
// Accounts page; the auditor finds the creation in the audit trail and
// exports it; a citizen sees neither page. Also: validation, a wrong
// password, throttling with the wait time, an eID error code, the language
// switch on these pages, no console errors and no CSP violations.
// Screenshots go to build/screenshots/ (login.png, accounts.png, audit.png).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = join(ROOT, 'build', 'screenshots');
const BASE = (process.env.PCCC_URL || '').replace(/\/+$/, '');
const DATA = process.env.PCCC_DATA_DIR || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TIMEOUT = 20000;
const NEW_PASSWORD = 'Khuong-Dinh-2025!';

let ctx = null;
let profile = null;
let demo = {};          // role -> {username, password, unit}
const suffix = String(process.pid) + String(Date.now() % 100000);
const created = { username: 'e2e.canbo' + suffix, display: 'Vũ Thị Thu Trang (e2e)', temp: null, id: null };

// Console errors and CSP violations. Expected answers are not errors: 401
// from /auth/me (nobody signed in) and from /auth/login (wrong password),
// 429 from /auth/login (throttled).
function watch(page) {
	const problems = [];
	page.on('console', (msg) => {
		if (msg.type() !== 'error')
			return;
		const url = (msg.location() && msg.location().url) || '';
		if (/Failed to load resource/.test(msg.text()) && /\/api\/v1\/auth\/(me|login)\b/.test(url))
			return;
		problems.push('console: ' + msg.text() + (url ? ' @ ' + url : ''));
	});
	page.on('pageerror', (err) => problems.push('pageerror: ' + err.message));
	page.on('requestfailed', (req) => {
		const f = req.failure();
		if (f && /ERR_ABORTED/.test(f.errorText))
			return;
		problems.push('requestfailed: ' + req.url() + ' ' + (f ? f.errorText : ''));
	});
	return problems;
}

async function openPage(viewport) {
	const page = await ctx.newPage();
	await page.setViewportSize(viewport || { width: 1366, height: 900 });
	const problems = watch(page);
	await page.addInitScript(() => {
		window.__csp = [];
		document.addEventListener('securitypolicyviolation', (e) => {
			window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
		});
	});
	return { page, problems };
}

async function checkClean(page, problems) {
	const csp = await page.evaluate(() => window.__csp || []);
	assert.deepEqual(csp, [], 'CSP violations: ' + csp.join('; '));
	assert.deepEqual(problems, [], 'browser errors:\n' + problems.join('\n'));
}

async function signIn(page, username, password) {
	await ctx.clearCookies();   // whatever an earlier (failed) test left
	await page.goto(BASE + '/#/login');
	await page.getByLabel('Tên đăng nhập').fill(username);
	await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
	await page.click('#login-submit');
}

async function signOut(page) {
	await page.click('#user-menu-btn');
	await page.click('[data-testid="menu-signout"]');
	await page.waitForURL(/#\/login\?signedout=1/);
	await page.getByText('Bạn đã đăng xuất.').waitFor({ timeout: TIMEOUT });
	await page.getByText('Chưa đăng nhập').waitFor();
}

async function navNames(page) {
	return page.locator('#nav-list a').allTextContents();
}

async function setLang(page, want) {
	if (await page.getAttribute('html', 'lang') !== want)
		await page.click('#lang-btn');
	await page.waitForFunction((l) => document.documentElement.lang === l, want);
}

before(async () => {
	assert.ok(BASE, 'set PCCC_URL to the console base URL, e.g. http://127.0.0.1:8080');
	assert.ok(DATA, 'set PCCC_DATA_DIR to the demo data directory (run.sh does)');
	for (const a of JSON.parse(readFileSync(join(DATA, 'demo-accounts.json'), 'utf8')))
		demo[a.role] = a;
	for (const role of ['admin', 'auditor', 'citizen'])
		assert.ok(demo[role], 'no demo account for ' + role);
	mkdirSync(SHOTS, { recursive: true });
	profile = mkdtempSync(join(tmpdir(), 'pccc-e2e-auth-'));
	ctx = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		args: ARGS,
		headless: true,
		locale: 'vi-VN',
		timezoneId: 'Asia/Ho_Chi_Minh',   // date filters are local days
		viewport: { width: 1366, height: 900 },
	});
	await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
});

after(async () => {
	if (ctx)
		await ctx.close();
	if (profile)
		rmSync(profile, { recursive: true, force: true });
});

test('sign-in page: labels, validation, wrong password, eID error, English', async () => {
	const { page, problems } = await openPage();
	await page.goto(BASE + '/#/login');
	await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor({ timeout: TIMEOUT });
	// Visitors see neither Accounts nor Audit in the navigation.
	const nav = await navNames(page);
	assert.ok(nav.includes('Đơn vị hành chính'));
	assert.ok(!nav.includes('Tài khoản') && !nav.includes('Nhật ký kiểm tra'), nav.join(', '));

	// The eID box answers either way (button when enabled, a note when not).
	await page.locator('.oidc-box:not([hidden])').waitFor({ timeout: TIMEOUT });
	const oidc = await fetch(BASE + '/api/v1/auth/oidc/config').then((r) => (r.ok ? r.json() : null)).catch(() => null);
	if (oidc && oidc.enabled) {
		const btn = page.getByRole('link', { name: 'Đăng nhập bằng ' + (oidc.provider_name || 'VNeID') });
		assert.equal(await btn.getAttribute('href'), '/api/v1/auth/oidc/start');
	} else {
		await page.getByText('chưa được bật').first().waitFor();
	}

	// Empty form: Vietnamese messages on the fields.
	await page.click('#login-submit');
	await page.getByText('Vui lòng nhập tên đăng nhập.').waitFor();
	assert.equal(await page.getAttribute('#login-username', 'aria-invalid'), 'true');
	await page.getByLabel('Tên đăng nhập').fill(demo.admin.username);
	await page.click('#login-submit');
	await page.getByText('Vui lòng nhập mật khẩu.').waitFor();

	// Wrong password.
	await page.getByLabel('Mật khẩu', { exact: true }).fill('not-the-password-1');
	await page.click('#login-submit');
	await page.locator('#login-error', { hasText: 'Tên đăng nhập hoặc mật khẩu không đúng.' }).waitFor({ timeout: TIMEOUT });
	assert.match(page.url(), /#\/login$/);

	// The eID provider's error code comes back in the address.
	await page.goto(BASE + '/#/login?error=oidc_state');
	await page.locator('[data-testid="oidc-error"]', { hasText: 'Phiên đăng nhập VNeID đã hết hạn' }).waitFor({ timeout: TIMEOUT });

	// English.
	await setLang(page, 'en');
	await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor({ timeout: TIMEOUT });
	await page.getByLabel('Username').waitFor();
	await page.locator('[data-testid="oidc-error"]', { hasText: 'expired or was already used' }).waitFor();
	await setLang(page, 'vi');
	await page.getByRole('heading', { level: 1, name: 'Đăng nhập' }).waitFor({ timeout: TIMEOUT });
	await checkClean(page, problems);
	await page.close();

	// With eID sign-in enabled (the demo has no provider: only the config
	// answer is stood in for here), the button leads to the server's start.
	const shot = await openPage();
	if (!(oidc && oidc.enabled)) {
		await shot.page.route('**/api/v1/auth/oidc/config', (route) => route.fulfill({
			status: 200, contentType: 'application/json',
			body: JSON.stringify({ enabled: true, provider_name: 'VNeID' }),
		}));
	}
	await shot.page.goto(BASE + '/#/login');
	const vneid = shot.page.getByRole('link', { name: 'Đăng nhập bằng VNeID' });
	await vneid.waitFor({ timeout: TIMEOUT });
	assert.equal(await vneid.getAttribute('href'), '/api/v1/auth/oidc/start');
	await shot.page.mouse.move(0, 0);
	await shot.page.screenshot({ path: join(SHOTS, 'login.png') });
	await checkClean(shot.page, shot.problems);
	await shot.page.close();
});

test('repeated failures: the page says how long to wait', async () => {
	const { page, problems } = await openPage();
	await page.goto(BASE + '/#/login');
	await page.getByLabel('Tên đăng nhập').waitFor({ timeout: TIMEOUT });
	// Failures for an unknown name (throttled exactly like a real one),
	// until the server asks to wait; then one more through the form.
	const user = 'e2e.nobody' + suffix;
	const statuses = await page.evaluate(async (u) => {
		const out = [];
		for (let i = 0; i < 7; i++) {
			const r = await fetch('/api/v1/auth/login', {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ username: u, password: 'wrong-password-' + i }),
			});
			out.push(r.status);
			if (r.status === 429)
				break;
		}
		return out;
	}, user);
	assert.ok(statuses.includes(429), 'never throttled: ' + statuses.join(','));
	await page.getByLabel('Tên đăng nhập').fill(user);
	await page.getByLabel('Mật khẩu', { exact: true }).fill('wrong-password-x');
	await page.click('#login-submit');
	await page.locator('#login-error', { hasText: /thử lại sau \d+ giây/ }).waitFor({ timeout: TIMEOUT });
	assert.equal(await page.isDisabled('#login-submit'), true);
	await checkClean(page, problems);
	await page.close();
});

test('admin: accounts page, create (temporary password once), disable, enable', async () => {
	const { page, problems } = await openPage();
	// Direct navigation before signing in leads to sign-in, then back.
	await page.goto(BASE + '/#/accounts');
	await page.waitForURL(/#\/login\?next=%2Faccounts/, { timeout: TIMEOUT });
	await page.getByText('Vui lòng đăng nhập để mở trang này.').waitFor({ timeout: TIMEOUT });
	await page.getByLabel('Tên đăng nhập').fill(demo.admin.username);
	await page.getByLabel('Mật khẩu', { exact: true }).fill(demo.admin.password);
	await page.click('#login-submit');
	await page.waitForURL(/#\/accounts$/, { timeout: TIMEOUT });
	await page.getByRole('heading', { level: 1, name: 'Quản lý tài khoản' }).waitFor({ timeout: TIMEOUT });

	// Header: name, role, the menu.
	assert.equal((await page.textContent('[data-testid="user-role"]')).trim(), 'Quản trị hệ thống');
	const nav = await navNames(page);
	assert.ok(nav.includes('Tài khoản'), nav.join(', '));
	assert.ok(!nav.includes('Nhật ký kiểm tra'), nav.join(', '));
	await page.click('#user-menu-btn');
	await page.locator('[data-testid="menu-signout-all"]').waitFor();
	await page.keyboard.press('Escape');
	assert.equal(await page.getAttribute('#user-menu-btn', 'aria-expanded'), 'false');

	// The demo accounts are listed; a role filter narrows the list.
	await page.locator('#accounts-table tr[data-username="' + demo.auditor.username + '"]').waitFor({ timeout: TIMEOUT });
	await page.selectOption('#acc-f-role', 'auditor');
	await page.click('#accounts-filter button[type="submit"]');
	await page.waitForURL(/role=auditor/);
	await page.waitForFunction(() => {
		const rows = document.querySelectorAll('#accounts-table tbody tr');
		return rows.length > 0 && document.querySelector('#accounts-table[aria-busy]') === null &&
			[...rows].every((r) => /Kiểm tra viên/.test(r.textContent));
	}, null, { timeout: TIMEOUT });
	const csvHref = await page.getAttribute('[data-testid="export-csv"]', 'href');
	assert.match(csvHref, /^\/api\/v1\/accounts\?role=auditor&format=csv$/);
	const csv = await page.evaluate(async (u) => {
		const r = await fetch(u);
		return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
	}, csvHref);
	assert.equal(csv.status, 200);
	assert.match(csv.type, /csv/);
	assert.match(csv.text, new RegExp(demo.auditor.username.replace('.', '\\.')));
	const xlsx = await page.evaluate(async (u) => {
		const r = await fetch(u);
		const b = new Uint8Array(await r.arrayBuffer());
		return { status: r.status, type: r.headers.get('content-type'), zip: b[0] === 0x50 && b[1] === 0x4b };
	}, await page.getAttribute('[data-testid="export-xlsx"]', 'href'));
	assert.equal(xlsx.status, 200);
	assert.match(xlsx.type, /spreadsheetml/);
	assert.ok(xlsx.zip, 'the Excel export is not a zip file');
	await page.click('a.btn-link[href="#/accounts"]');
	await page.waitForURL(/#\/accounts$/);

	// Client-side check, then the real creation.
	await page.fill('#acc-c-username', 'x');
	await page.click('#acc-c-submit');
	await page.locator('#acc-c-username-err', { hasText: 'Tên đăng nhập gồm 3–63 ký tự' }).waitFor();
	await page.fill('#acc-c-username', created.username);
	await page.fill('#acc-c-name', created.display);
	await page.selectOption('#acc-c-role', 'commune_officer');
	await page.fill('#acc-c-unit', '00364');
	await page.click('#acc-c-submit');
	const secret = page.locator('#create-result [data-testid="temp-password"]');
	await secret.waitFor({ timeout: TIMEOUT });
	created.temp = await secret.inputValue();
	assert.ok(created.temp.length >= 10, 'temporary password too short: ' + created.temp);
	await page.click('#create-result [data-testid="copy-password"]');
	await page.locator('#create-result', { hasText: 'Đã sao chép.' }).waitFor();
	const row = page.locator('#accounts-table tr[data-username="' + created.username + '"]');
	await row.waitFor({ timeout: TIMEOUT });
	assert.match(await row.textContent(), /Chờ đổi mật khẩu/);
	await page.locator('#accounts-table [data-unit-name="00364"]', { hasText: 'Khương Đình' }).first().waitFor({ timeout: TIMEOUT });
	await page.mouse.move(0, 0);
	await page.screenshot({ path: join(SHOTS, 'accounts.png'), fullPage: true });

	// Disable (confirmed), then enable again.
	await row.locator('button[data-action="disable"]').click();
	const dialog = page.locator('dialog.confirm-dialog');
	await dialog.waitFor();
	assert.match(await dialog.textContent(), new RegExp('Khóa tài khoản ' + created.username.replace('.', '\\.')));
	await dialog.locator('[data-testid="confirm-ok"]').click();
	await page.getByText('Đã khóa tài khoản ' + created.username + '.').waitFor({ timeout: TIMEOUT });
	await row.locator('button[data-action="enable"]').waitFor({ timeout: TIMEOUT });
	await row.locator('button[data-action="enable"]').click();
	await dialog.locator('[data-testid="confirm-ok"]').click();
	await page.getByText('Đã mở khóa tài khoản ' + created.username + '.').waitFor({ timeout: TIMEOUT });
	await row.locator('button[data-action="disable"]').waitFor({ timeout: TIMEOUT });

	// Edit the name in the dialog.
	await row.locator('button[data-action="edit"]').click();
	const edit = page.locator('dialog.edit-dialog');
	await edit.waitFor();
	created.display = 'Vũ Thị Thu Trang (e2e, sửa)';
	await edit.getByLabel('Họ tên').fill(created.display);
	await edit.locator('[data-testid="edit-save"]').click();
	await page.getByText('Đã lưu thay đổi của tài khoản ' + created.username + '.').waitFor({ timeout: TIMEOUT });
	await page.locator('#accounts-table tr[data-username="' + created.username + '"]', { hasText: created.display }).waitFor({ timeout: TIMEOUT });

	// Reset: a new temporary password, shown once; the old one is void.
	await row.locator('button[data-action="reset"]').click();
	await dialog.locator('[data-testid="confirm-ok"]').click();
	const again = page.locator('.action-msg [data-testid="temp-password"]');
	await again.waitFor({ timeout: TIMEOUT });
	const fresh = await again.inputValue();
	assert.ok(fresh.length >= 10 && fresh !== created.temp, 'reset gave no new password');
	created.temp = fresh;

	// CSV import: one good line, one rejected, reported by line.
	const csvBody = 'username,display_name,role,unit\n' +
		'e2e.import' + suffix + ',Nhập thử,commune_officer,00364\n' +
		'e2e.bad' + suffix + ',Sai vai trò,chief,00364\n';
	await page.setInputFiles('#acc-i-file', { name: 'don-vi.csv', mimeType: 'text/csv', buffer: Buffer.from(csvBody) });
	await page.click('#acc-i-submit');
	await page.locator('[data-testid="import-summary"]', { hasText: 'Đã tạo 1 tài khoản; 1 dòng bị từ chối.' }).waitFor({ timeout: TIMEOUT });
	const rej = page.locator('[data-testid="import-rejected"] tbody tr');
	assert.equal(await rej.count(), 1);
	assert.equal((await rej.locator('td').first().textContent()).trim(), '3');
	await page.locator('[data-testid="import-created"]', { hasText: 'e2e.import' + suffix }).waitFor();

	// A 360 px phone: the table scrolls inside its panel, the page does not.
	await page.setViewportSize({ width: 360, height: 740 });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, 'accounts page wider than 360 px by ' + overflow + ' px');
	await page.setViewportSize({ width: 1366, height: 900 });

	// English on this page.
	await setLang(page, 'en');
	await page.getByRole('heading', { level: 1, name: 'Accounts' }).waitFor({ timeout: TIMEOUT });
	assert.equal((await page.textContent('[data-testid="user-role"]')).trim(), 'System administrator');
	await row.waitFor({ timeout: TIMEOUT });
	await setLang(page, 'vi');
	await page.getByRole('heading', { level: 1, name: 'Quản lý tài khoản' }).waitFor({ timeout: TIMEOUT });

	await signOut(page);
	await checkClean(page, problems);
	await page.close();
});

test('new account: forced password change, then no access to Accounts', async () => {
	assert.ok(created.temp, 'the admin test did not create the account');
	const { page, problems } = await openPage();
	await signIn(page, created.username, created.temp);
	await page.waitForURL(/#\/password/, { timeout: TIMEOUT });
	await page.locator('[data-testid="must-change"]').waitFor({ timeout: TIMEOUT });
	// Held on the page: another address comes back here.
	await page.goto(BASE + '/#/units');
	await page.waitForURL(/#\/password/, { timeout: TIMEOUT });
	await page.locator('[data-testid="must-change"]').waitFor({ timeout: TIMEOUT });
	await page.mouse.move(0, 0);
	await page.screenshot({ path: join(SHOTS, 'password.png') });

	// Policy checks in the page, then the change.
	await page.fill('#pw-current', created.temp);
	await page.fill('#pw-new', 'short');
	await page.fill('#pw-again', 'short');
	await page.click('#pw-submit');
	await page.locator('#pw-new-err', { hasText: 'ít nhất 10 ký tự' }).waitFor();
	await page.fill('#pw-new', 'onlyletterslong');
	await page.fill('#pw-again', 'onlyletterslong');
	await page.click('#pw-submit');
	await page.locator('#pw-new-err', { hasText: 'hai loại ký tự' }).waitFor();
	await page.fill('#pw-new', NEW_PASSWORD);
	await page.fill('#pw-again', NEW_PASSWORD + 'x');
	await page.click('#pw-submit');
	await page.locator('#pw-again-err', { hasText: 'không khớp' }).waitFor();
	await page.fill('#pw-again', NEW_PASSWORD);
	await page.click('#pw-submit');
	await page.locator('[data-testid="password-changed"]').waitFor({ timeout: TIMEOUT });
	await page.click('#pw-continue');
	await page.waitForURL(/#\/units/, { timeout: TIMEOUT });
	assert.equal((await page.textContent('[data-testid="user-name"]')).trim(), created.display);
	assert.equal((await page.textContent('[data-testid="user-role"]')).trim(), 'Cán bộ xã/phường');
	const nav = await navNames(page);
	assert.ok(!nav.includes('Tài khoản') && !nav.includes('Nhật ký kiểm tra'), nav.join(', '));
	await page.goto(BASE + '/#/accounts');
	await page.getByRole('heading', { level: 1, name: 'Không có quyền' }).waitFor({ timeout: TIMEOUT });
	await setLang(page, 'en');
	await page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor({ timeout: TIMEOUT });
	await setLang(page, 'vi');

	// The new password works after signing out.
	await signOut(page);
	await signIn(page, created.username, NEW_PASSWORD);
	await page.waitForURL(/#\/units/, { timeout: TIMEOUT });
	await page.getByText(created.display).waitFor({ timeout: TIMEOUT });
	await page.click('#user-menu-btn');
	await page.click('[data-testid="menu-signout-all"]');
	await page.waitForURL(/#\/login\?signedout=1/);
	await page.getByText('Chưa đăng nhập').waitFor({ timeout: TIMEOUT });
	await checkClean(page, problems);
	await page.close();
});

test('auditor: the creation is in the audit trail, CSV export', async () => {
	const { page, problems } = await openPage();
	await signIn(page, demo.auditor.username, demo.auditor.password);
	await page.waitForURL(/#\/audit$/, { timeout: TIMEOUT });
	await page.getByRole('heading', { level: 1, name: 'Nhật ký kiểm tra' }).waitFor({ timeout: TIMEOUT });
	const nav = await navNames(page);
	assert.ok(nav.includes('Nhật ký kiểm tra') && !nav.includes('Tài khoản'), nav.join(', '));
	await page.locator('#audit-table tbody tr').first().waitFor({ timeout: TIMEOUT });
	await page.mouse.move(0, 0);
	await page.screenshot({ path: join(SHOTS, 'audit.png') });

	await page.fill('#aud-actor', demo.admin.username);
	await page.fill('#aud-action', 'account.create');
	await page.selectOption('#aud-type', 'account');
	const today = await page.evaluate(() => {
		const d = new Date();
		return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
	});
	await page.fill('#aud-from', today);
	await page.fill('#aud-to', today);
	await page.click('#audit-filter button[type="submit"]');
	await page.waitForURL(/action=account\.create/);
	const hit = page.locator('#audit-table tr[data-action="account.create"]', { hasText: created.username });
	await hit.waitFor({ timeout: TIMEOUT });
	assert.match(await hit.textContent(), /Tạo tài khoản/);
	assert.match(await hit.textContent(), /commune_officer/);

	assert.match(await page.getAttribute('[data-testid="audit-xlsx"]', 'href'), /format=xlsx/);
	const href = await page.getAttribute('[data-testid="audit-csv"]', 'href');
	assert.match(href, /format=csv/);
	const csv = await page.evaluate(async (u) => {
		const r = await fetch(u);
		return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
	}, href);
	assert.equal(csv.status, 200);
	assert.match(csv.type, /csv/);
	assert.ok(csv.text.includes(created.username), 'CSV export lacks the new account');

	// The forced change and the sign-ins are there too.
	await page.goto(BASE + '/#/audit?actor=' + encodeURIComponent(created.username) + '&action=password.change');
	await page.locator('#audit-table tr[data-action="password.change"]').first().waitFor({ timeout: TIMEOUT });

	await setLang(page, 'en');
	await page.getByRole('heading', { level: 1, name: 'Audit trail' }).waitFor({ timeout: TIMEOUT });
	await page.locator('#audit-table tr[data-action="password.change"]', { hasText: 'Password change' }).first().waitFor({ timeout: TIMEOUT });
	await setLang(page, 'vi');
	await page.goto(BASE + '/#/accounts');
	await page.getByRole('heading', { level: 1, name: 'Không có quyền' }).waitFor({ timeout: TIMEOUT });
	await signOut(page);
	await checkClean(page, problems);
	await page.close();
});

test('citizen: neither Accounts nor Audit', async () => {
	const { page, problems } = await openPage({ width: 390, height: 844 });
	await signIn(page, demo.citizen.username, demo.citizen.password);
	await page.waitForURL(/#\/units/, { timeout: TIMEOUT });
	await page.locator('[data-testid="user-role"]').waitFor({ timeout: TIMEOUT });
	assert.equal((await page.textContent('[data-testid="user-role"]')).trim(), 'Người dân/chủ hộ');
	const nav = await navNames(page);
	assert.ok(!nav.includes('Tài khoản') && !nav.includes('Nhật ký kiểm tra'), nav.join(', '));
	for (const where of ['accounts', 'audit']) {
		await page.goto(BASE + '/#/' + where);
		await page.getByRole('heading', { level: 1, name: 'Không có quyền' }).waitFor({ timeout: TIMEOUT });
		await page.getByText('Tài khoản của bạn không có quyền xem trang này.').waitFor();
	}
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, 'page wider than the phone by ' + overflow + ' px');
	await page.screenshot({ path: join(SHOTS, 'forbidden-phone.png') });
	await page.click('#user-menu-btn');
	await page.click('[data-testid="menu-signout"]');
	await page.waitForURL(/#\/login\?signedout=1/);
	await checkClean(page, problems);
	await page.close();
});
