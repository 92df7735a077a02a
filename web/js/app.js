// Console entry point: loads /config.json, sets the language, fills the
// header (app name, navigation, user, language switch) and starts the hash
// router. Pages live in js/pages/; every string comes from js/i18n.js.
// Each navigation entry needs a permission (NAV_PERM, from /auth/me):
// signed-in users see only the entries their role may use; visitors see
// the public ones (office pages such as Accounts and Audit stay hidden).
// Guarded pages answer "not allowed" on direct navigation; an account that
// must change its password is kept on that page until it has.
import { h, clear, icon } from './dom.js';
import { t, getLang, setLang, applyStatic, onLangChange } from './i18n.js';
import { loadConfig } from './api.js';
import { loadUser, onUserChange, currentUser, hasPerm, signOut, installAuthHandler } from './auth.js';
import { Router } from './router.js';
import * as unitsPage from './pages/units.js';
import * as soonPage from './pages/soon.js';
import * as loginPage from './pages/login.js';
import * as notFoundPage from './pages/notfound.js';
import * as passwordPage from './pages/password.js';
import * as accountsPage from './pages/accounts.js';
import * as auditPage from './pages/audit.js';
import { guard } from './pages/forbidden.js';
import * as boardPage from './pages/board.js';
import * as unconnectedPage from './pages/unconnected.js';
import * as housesPage from './pages/houses.js';
import * as housePage from './pages/house.js';
import * as declarePage from './pages/declare.js';
import * as facilitiesPage from './pages/facilities.js';
import * as facilityPage from './pages/facility.js';
import * as inspectPage from './pages/inspect.js';
import * as overduePage from './pages/overdue.js';
import * as importPage from './pages/import.js';
import * as cataloguePage from './pages/catalogue.js';
import * as inspectionsPage from './pages/inspections.js';
import * as devicesPage from './pages/devices.js';
import * as devicePage from './pages/device.js';
import { startOffline } from './offline.js';

// Navigation for the parts of pccc (who sees which entry: NAV_PERM below).
export const NAV = [
	{ name: 'units', key: 'nav.units', page: unitsPage },
	{ name: 'houses', key: 'nav.houses', page: housesPage },
	{ name: 'facilities', key: 'nav.facilities', page: facilitiesPage },
	{ name: 'overdue', key: 'nav.overdue', page: guard(overduePage, 'facility.read') },
	{ name: 'import', key: 'nav.import', page: guard(importPage, 'facility.write') },
	{ name: 'inspections', key: 'nav.inspections', page: guard(inspectionsPage, 'inspect') },
	{ name: 'alarms', key: 'nav.alarms', page: boardPage },
	{ name: 'reports', key: 'nav.reports', page: soonPage },
	{ name: 'accounts', key: 'nav.accounts', page: guard(accountsPage, 'accounts.admin') },
	{ name: 'audit', key: 'nav.audit', page: guard(auditPage, 'audit.read') },
	{ name: 'catalogue', key: 'nav.catalogue', page: guard(cataloguePage, 'units.admin') },
];

// The permission (from /auth/me) each entry needs once signed in; absent:
// everyone; a list: all of them. STAFF_ONLY entries are hidden from
// visitors too.
const NAV_PERM = {
	houses: 'house.read',
	facilities: 'facility.read',
	overdue: 'facility.read',
	import: ['house.write', 'facility.write'],
	inspections: 'inspect',
	alarms: 'alarm.read',
	reports: 'report.read',
	accounts: 'accounts.admin',
	audit: 'audit.read',
	catalogue: 'units.admin',
};
const STAFF_ONLY = new Set(['accounts', 'audit', 'overdue', 'import', 'catalogue', 'inspections']);

// Pages reached from a navigation entry: that entry stays marked current.
const NAV_PARENT = {
	house: 'houses', facility: 'facilities', unconnected: 'alarms', devices: 'alarms', device: 'alarms',
};

// Pages that depend on who is signed in: drawn again when that changes.
const USER_PAGES = new Set(['accounts', 'audit', 'overdue', 'import', 'catalogue', 'inspections']);

function navVisible(n) {
	const perm = NAV_PERM[n.name];
	if (!perm)
		return true;
	if (currentUser())
		return [].concat(perm).every(hasPerm);
	return !STAFF_ONLY.has(n.name);
}

function buildRoutes() {
	const routes = NAV.map((n) => ({
		name: n.name,
		page: n.page,
		match: (parts) => {
			if (parts[0] !== n.name)
				return null;
			if (n.name === 'units' && parts.length <= 2)
				return { code: parts[1] || null };
			return parts.length === 1 ? {} : null;
		},
	}));
	// The register (issue 4): cards, forms, the checklist, the declaration.
	routes.push({ name: 'house', page: housePage, match: (p) => (p[0] === 'houses' && p.length >= 2 && p.length <= 3 && (p.length === 2 || p[2] === 'edit')
		? (p[1] === 'new' && p.length === 2 ? { mode: 'new' } : { id: p[1], mode: p[2] === 'edit' ? 'edit' : 'card' }) : null) });
	routes.push({ name: 'facility', page: facilityPage, match: (p) => (p[0] === 'facilities' && p.length >= 2 && p.length <= 3 && (p.length === 2 || p[2] === 'edit')
		? (p[1] === 'new' && p.length === 2 ? { mode: 'new' } : { id: p[1], mode: p[2] === 'edit' ? 'edit' : 'card' }) : null) });
	routes.push({ name: 'inspect', page: inspectPage, match: (p) => (p.length === 3 && p[2] === 'inspect' && (p[0] === 'houses' || p[0] === 'facilities')
		? { kind: p[0] === 'houses' ? 'house' : 'facility', id: p[1] } : null) });
	// Alarms (issue 5): facilities that must connect a transmitter and have not.
	routes.push({ name: 'unconnected', page: guard(unconnectedPage, 'facility.read'), match: (p) => (p.length === 2 && p[0] === 'alarms' && p[1] === 'unconnected' ? {} : null) });
	// Alarms (issue 5): the transmitters registered with the centre.
	routes.push({ name: 'devices', page: guard(devicesPage, 'alarm.read'), match: (p) => (p.length === 2 && p[0] === 'alarms' && p[1] === 'devices' ? {} : null) });
	routes.push({ name: 'device', page: guard(devicePage, 'alarm.read'), match: (p) => (p[0] === 'alarms' && p[1] === 'devices' && p.length >= 3 && p.length <= 4 && (p.length === 3 || p[3] === 'edit')
		? (p[2] === 'new' && p.length === 3 ? { mode: 'new' } : (/^\d+$/.test(p[2]) ? { id: p[2], mode: p[3] === 'edit' ? 'edit' : 'card' } : null)) : null) });
	routes.push({ name: 'declare', page: declarePage, match: (p) => (p.length === 1 && p[0] === 'declare' ? {} : null) });
	routes.push({ name: 'login', page: loginPage, match: (p) => (p.length === 1 && p[0] === 'login' ? {} : null) });
	routes.push({ name: 'password', page: passwordPage, match: (p) => (p.length === 1 && p[0] === 'password' ? {} : null) });
	return routes;
}

function renderNav(list, active) {
	clear(list, NAV.filter(navVisible).map((n) => h('li', null,
		h('a', {
			href: '#/' + n.name,
			class: 'nav-link' + (n.page === soonPage ? ' nav-soon' : ''),
			'aria-current': n.name === active ? 'page' : null,
		}, t(n.key)))));
}

// The signed-in user's name and role, and a menu: change password, sign
// out, sign out everywhere.
function renderUser(box) {
	const u = currentUser();
	if (u) {
		const menuId = 'user-menu';
		const menu = h('ul', { id: menuId, class: 'user-menu', hidden: true },
			h('li', null, h('a', { href: '#/password', class: 'user-menu-item', 'data-testid': 'menu-password' },
				t('user.changePassword'))),
			h('li', null, h('button', { type: 'button', class: 'user-menu-item', 'data-testid': 'menu-signout',
				onClick: () => doSignOut(false) }, t('user.signOut'))),
			h('li', null, h('button', { type: 'button', class: 'user-menu-item', 'data-testid': 'menu-signout-all',
				onClick: () => doSignOut(true) }, t('user.signOutAll'))));
		const btn = h('button', {
			type: 'button', id: 'user-menu-btn', class: 'user-menu-btn',
			'aria-expanded': 'false', 'aria-controls': menuId,
		}, h('span', null, t('user.menu')), icon('chevron'));
		const setOpen = (open) => {
			btn.setAttribute('aria-expanded', String(open));
			menu.hidden = !open;
		};
		btn.addEventListener('click', () => setOpen(menu.hidden));
		menu.addEventListener('click', (ev) => {
			if (ev.target.closest('a'))
				setOpen(false);
		});
		clear(box,
			h('span', { class: 'user-icon' }, icon('user')),
			h('span', { class: 'user-text' },
				h('span', { class: 'user-name', 'data-testid': 'user-name' }, u.display_name || u.name || u.username || ''),
				u.role ? h('span', { class: 'user-role', 'data-testid': 'user-role' }, t('role.' + u.role)) : null),
			h('div', { class: 'user-menu-wrap' }, btn, menu));
		box.closeMenu = (focusButton) => {
			const wasOpen = !menu.hidden;
			setOpen(false);
			if (wasOpen && focusButton)
				btn.focus();
		};
		return;
	}
	box.closeMenu = null;
	clear(box,
		h('span', { class: 'user-icon' }, icon('user')),
		h('span', { class: 'user-text' },
			h('span', { class: 'user-name', 'data-testid': 'user-name' }, t('user.anonymous')),
			h('a', { class: 'user-signin', href: '#/login' }, t('user.signIn'))));
}

async function doSignOut(everywhere) {
	try {
		await signOut(everywhere);
	} catch (e) {
		/* the session is gone on this side whatever the server said */
	}
	window.location.hash = '#/login?signedout=1';
}

// A signed-in user who must change their password stays on that page.
function forcePasswordChange(info) {
	const u = currentUser();
	if (u && u.must_change_password && info && info.name !== 'password' && info.name !== 'login') {
		window.location.replace('#/password');
		return true;
	}
	return false;
}

function updateTitle(info) {
	const nav = NAV.find((n) => n.name === info.name);
	const titles = { login: 'login.title', password: 'password.title', house: 'house.title', facility: 'facility.title', inspect: 'inspect.title', declare: 'declare.title', unconnected: 'unconn.title', devices: 'dev.title', device: 'dev.title' };
	let page = nav ? t(nav.key) : t(titles[info.name] || 'notfound.title');
	document.title = page + ' · ' + t('app.short');
}

async function main() {
	document.documentElement.lang = getLang();
	applyStatic(document);

	const config = await loadConfig();
	const navList = document.getElementById('nav-list');
	const userBox = document.getElementById('user-box');
	const langBtn = document.getElementById('lang-btn');
	const menuBtn = document.getElementById('menu-btn');
	const nav = document.getElementById('main-nav');
	const main = document.getElementById('main');
	const version = document.getElementById('app-version');

	const setVersion = () => {
		version.textContent = config.version ? t('footer.version', { version: config.version }) : '';
	};
	setVersion();

	// Skip link: focus <main> without touching the hash (the router owns it).
	document.getElementById('skip-link').addEventListener('click', (ev) => {
		ev.preventDefault();
		main.focus();
		main.scrollIntoView();
	});

	langBtn.addEventListener('click', () => setLang(getLang() === 'vi' ? 'en' : 'vi'));

	menuBtn.addEventListener('click', () => {
		const open = menuBtn.getAttribute('aria-expanded') !== 'true';
		menuBtn.setAttribute('aria-expanded', String(open));
		nav.classList.toggle('open', open);
	});
	navList.addEventListener('click', (ev) => {
		if (ev.target.closest('a')) {
			menuBtn.setAttribute('aria-expanded', 'false');
			nav.classList.remove('open');
		}
	});

	const router = new Router(main, buildRoutes(), { name: 'notfound', page: notFoundPage }, { config });
	let active = null;
	let activeInfo = null;
	router.onChange((info) => {
		active = NAV_PARENT[info.name] || info.name;
		activeInfo = info;
		if (userBox.closeMenu)
			userBox.closeMenu(false);
		if (forcePasswordChange(info))
			return;
		renderNav(navList, active);
		updateTitle(info);
	});

	// The user menu closes on Escape and on a click elsewhere.
	document.addEventListener('click', (ev) => {
		if (userBox.closeMenu && !ev.target.closest('.user-menu-wrap'))
			userBox.closeMenu(false);
	});
	document.addEventListener('keydown', (ev) => {
		if (ev.key === 'Escape' && userBox.closeMenu)
			userBox.closeMenu(true);
	});

	// A session that ended: back to sign-in (then here again); a password
	// that must be changed first: the change-password page.
	installAuthHandler(() => {
		if (active === 'login')
			return;
		const next = activeInfo ? '/' + activeInfo.path.replace(/^\/+/, '') : '';
		window.location.hash = '#/login' + (next.length > 1 ? '?next=' + encodeURIComponent(next) : '');
	}, () => {
		if (active !== 'password')
			window.location.hash = '#/password';
	});

	onUserChange(() => {
		renderUser(userBox);
		renderNav(navList, active);
		if (forcePasswordChange(activeInfo))
			return;
		if (USER_PAGES.has(active))
			router.refresh();
	});
	renderUser(userBox);

	onLangChange(() => {
		renderUser(userBox);
		setVersion();
		router.refresh();
	});

	router.resolve();
	loadUser();
	document.body.classList.add('ready');
}

main();
startOffline();
