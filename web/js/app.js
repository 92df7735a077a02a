// Console entry point: loads /config.json, sets the language, fills the
// header (app name, navigation, user, language switch) and starts the hash
// router. Pages live in js/pages/; every string comes from js/i18n.js.
import { h, clear, icon } from './dom.js';
import { t, getLang, setLang, applyStatic, onLangChange } from './i18n.js';
import { loadConfig } from './api.js';
import { loadUser, onUserChange, currentUser } from './auth.js';
import { Router } from './router.js';
import * as unitsPage from './pages/units.js';
import * as soonPage from './pages/soon.js';
import * as loginPage from './pages/login.js';
import * as notFoundPage from './pages/notfound.js';

// Navigation for the parts of pccc; only "units" is built so far.
export const NAV = [
	{ name: 'units', key: 'nav.units', page: unitsPage },
	{ name: 'houses', key: 'nav.houses', page: soonPage },
	{ name: 'facilities', key: 'nav.facilities', page: soonPage },
	{ name: 'inspections', key: 'nav.inspections', page: soonPage },
	{ name: 'alarms', key: 'nav.alarms', page: soonPage },
	{ name: 'reports', key: 'nav.reports', page: soonPage },
];

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
	routes.push({ name: 'login', page: loginPage, match: (p) => (p.length === 1 && p[0] === 'login' ? {} : null) });
	return routes;
}

function renderNav(list, active) {
	clear(list, NAV.map((n) => h('li', null,
		h('a', {
			href: '#/' + n.name,
			class: 'nav-link' + (n.page === soonPage ? ' nav-soon' : ''),
			'aria-current': n.name === active ? 'page' : null,
		}, t(n.key)))));
}

function renderUser(box) {
	const u = currentUser();
	if (u) {
		clear(box,
			h('span', { class: 'user-icon' }, icon('user')),
			h('span', { class: 'user-text' },
				h('span', { class: 'user-name' }, u.name || u.username || ''),
				u.role ? h('span', { class: 'user-role' }, t('role.' + u.role)) : null));
		return;
	}
	clear(box,
		h('span', { class: 'user-icon' }, icon('user')),
		h('span', { class: 'user-text' },
			h('span', { class: 'user-name', 'data-testid': 'user-name' }, t('user.anonymous')),
			h('a', { class: 'user-signin', href: '#/login' }, t('user.signIn'))));
}

function updateTitle(info) {
	const nav = NAV.find((n) => n.name === info.name);
	let page = nav ? t(nav.key) : (info.name === 'login' ? t('login.title') : t('notfound.title'));
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
	router.onChange((info) => {
		active = info.name;
		renderNav(navList, active);
		updateTitle(info);
	});

	onUserChange(() => renderUser(userBox));
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
