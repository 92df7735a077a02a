// Sign-in page (#/login, #/login?next=/accounts, #/login?error=CODE).
// Officers sign in with the username and password their unit was given
// (POST /api/v1/auth/login); citizens use the national eID: the VNeID
// button is a plain link to /api/v1/auth/oidc/start (a full-page
// navigation), shown when GET /api/v1/auth/oidc/config says it is enabled;
// the provider's answer comes back as "#/" signed in or "#/login?error=CODE".
// Repeated failures answer 429 with Retry-After: the page says how long to
// wait and counts down. After sign-in: the forced password change, or the
// page asked for (next), or the role's own page.
import { h, clear, icon, fieldError } from '../dom.js';
import { t } from '../i18n.js';
import { apiGet } from '../api.js';
import { currentUser, whenUserKnown, signIn, signOut } from '../auth.js';

const OIDC_ERRORS = new Set(['oidc_disabled', 'oidc_provider_unavailable', 'oidc_busy',
	'oidc_state', 'oidc_denied', 'oidc_claims', 'oidc_account_disabled']);

export function mount(container, route) {
	const view = new LoginPage(container);
	view.update(route);
	return view;
}

// Only an in-console path ("/accounts?x=1") is followed after sign-in.
function safeNext(next) {
	if (!next || !next.startsWith('/') || next.startsWith('//') || /^\/(login|password)\b/.test(next))
		return null;
	return next;
}

// The page a role starts on.
export function homeFor(user) {
	if (!user)
		return '#/units';
	if (user.role === 'admin')
		return '#/accounts';
	if (user.role === 'auditor')
		return '#/audit';
	return '#/units';
}

function oidcErrorText(code) {
	const c = String(code || '').replace(/[^a-z0-9_]/gi, '').slice(0, 60);
	if (OIDC_ERRORS.has(c))
		return t('login.oidc.' + c);
	if (/^oidc_token/.test(c))
		return t('login.oidc.oidc_token');
	return t('login.oidc.other', { code: c || '?' });
}

class LoginPage {
	constructor(container) {
		this.container = container;
		this.root = h('section', { class: 'page page-login', 'aria-labelledby': 'page-title' });
		container.appendChild(this.root);
		this.timer = null;
		this.destroyed = false;
		this.gen = 0;
	}

	destroy() {
		this.destroyed = true;
		clearInterval(this.timer);
	}

	async update(route) {
		const gen = ++this.gen;
		this.route = route;
		clearInterval(this.timer);
		this.timer = null;
		clear(this.root,
			h('div', { class: 'page-head' },
				h('h1', { id: 'page-title' }, t('login.title'))),
			h('p', { class: 'muted', role: 'status' }, t('loading')));
		await whenUserKnown();
		if (gen !== this.gen || this.destroyed)
			return;
		if (currentUser())
			this.renderSignedIn(currentUser());
		else
			this.renderForm();
	}

	next() {
		return safeNext(this.route && this.route.query.get('next'));
	}

	renderSignedIn(u) {
		const target = this.next() ? '#' + this.next() : homeFor(u);
		clear(this.root,
			h('div', { class: 'page-head' },
				h('h1', { id: 'page-title' }, t('login.title'))),
			h('div', { class: 'card login-card' },
				h('p', { class: 'soon-desc' }, t('login.already', {
					name: u.display_name || u.username, role: t('role.' + u.role),
				})),
				h('div', { class: 'form-actions' },
					h('a', { class: 'btn btn-primary', href: target }, t('login.continue'), icon('arrow')),
					h('button', {
						type: 'button', class: 'btn btn-secondary',
						onClick: async () => {
							try {
								await signOut(false);
							} catch (e) {
								/* signed out here anyway */
							}
							this.update(this.route);
						},
					}, t('user.signOut')))));
	}

	renderForm() {
		const q = this.route.query;
		this.user = h('input', {
			id: 'login-username', name: 'username', class: 'input', type: 'text',
			autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false',
			required: true, maxlength: '128', 'aria-describedby': 'login-username-err',
		});
		this.pass = h('input', {
			id: 'login-password', name: 'password', class: 'input', type: 'password',
			autocomplete: 'current-password', required: true, maxlength: '600',
			'aria-describedby': 'login-password-err',
		});
		this.userErr = h('p', { id: 'login-username-err', class: 'field-error', hidden: true });
		this.passErr = h('p', { id: 'login-password-err', class: 'field-error', hidden: true });
		this.formErr = h('div', { id: 'login-error', class: 'alert', role: 'alert', hidden: true });
		this.submit = h('button', { type: 'submit', class: 'btn btn-primary btn-wide', id: 'login-submit' },
			t('login.submit'));
		this.oidcBox = h('div', { class: 'oidc-box', hidden: true });

		const notices = [];
		if (q.get('error'))
			notices.push(h('div', { class: 'alert', role: 'alert', 'data-testid': 'oidc-error' },
				h('p', null, oidcErrorText(q.get('error')))));
		if (q.get('signedout'))
			notices.push(h('div', { class: 'notice', role: 'status' }, h('p', null, t('login.signedOut'))));
		if (this.next())
			notices.push(h('div', { class: 'notice', role: 'status' }, h('p', null, t('login.needed'))));

		const form = h('form', { id: 'login-form', class: 'form', novalidate: true },
			h('div', { class: 'field' },
				h('label', { for: 'login-username' }, t('login.username')),
				this.user, this.userErr),
			h('div', { class: 'field' },
				h('label', { for: 'login-password' }, t('login.password')),
				this.pass, this.passErr),
			this.formErr,
			h('div', { class: 'form-actions' }, this.submit));
		form.addEventListener('submit', (ev) => {
			ev.preventDefault();
			this.send();
		});

		clear(this.root,
			h('div', { class: 'page-head' },
				h('h1', { id: 'page-title' }, t('login.title')),
				h('p', { class: 'lead' }, t('login.lead'))),
			h('div', { class: 'login-grid' },
				h('div', { class: 'card login-card' },
					notices,
					h('h2', { class: 'card-title' }, t('login.staff')),
					form),
				h('div', { class: 'card login-card' },
					h('h2', { class: 'card-title' }, t('login.citizen')),
					h('p', null, t('login.citizenText')),
					this.oidcBox)));
		this.loadOidc();
	}

	async loadOidc() {
		let cfg = null;
		try {
			cfg = await apiGet('/auth/oidc/config', null, { cache: false });
		} catch (e) {
			cfg = null;
		}
		if (this.destroyed || !this.oidcBox.isConnected)
			return;
		if (cfg && cfg.enabled) {
			const name = cfg.provider_name || 'VNeID';
			clear(this.oidcBox,
				h('a', { class: 'btn btn-vneid btn-wide', href: '/api/v1/auth/oidc/start', id: 'oidc-start' },
					icon('user'), t('login.vneid', { provider: name })),
				h('p', { class: 'hint' }, t('login.vneidHint', { provider: name })));
		} else {
			clear(this.oidcBox, h('p', { class: 'hint' }, t('login.vneidOff')));
		}
		this.oidcBox.hidden = false;
	}

	showError(msg) {
		clear(this.formErr, h('p', null, msg));
		this.formErr.hidden = !msg;
	}

	waitFor(secs) {
		clearInterval(this.timer);
		let left = Math.max(1, Math.ceil(secs));
		const tick = () => {
			if (left <= 0) {
				clearInterval(this.timer);
				this.timer = null;
				this.submit.disabled = false;
				this.showError(t('login.tryAgainNow'));
				return;
			}
			this.showError(t('login.throttled', { n: left }));
			left--;
		};
		this.submit.disabled = true;
		tick();
		this.timer = setInterval(tick, 1000);
	}

	async send() {
		const username = this.user.value.trim();
		const password = this.pass.value;
		fieldError(this.user, this.userErr, username ? '' : t('login.needUsername'));
		fieldError(this.pass, this.passErr, password ? '' : t('login.needPassword'));
		this.showError('');
		if (!username) {
			this.user.focus();
			return;
		}
		if (!password) {
			this.pass.focus();
			return;
		}
		this.submit.disabled = true;
		this.submit.setAttribute('aria-busy', 'true');
		let user = null;
		try {
			user = await signIn(username, password);
		} catch (e) {
			if (this.destroyed)
				return;
			this.submit.removeAttribute('aria-busy');
			this.submit.disabled = false;
			if (e.status === 429) {
				this.waitFor(e.retryAfter || 60);
			} else if (e.status === 401) {
				this.showError(t('login.invalid'));
				this.pass.value = '';
				this.pass.focus();
			} else {
				this.showError(t('error.load', { message: e.message }));
			}
			return;
		}
		const next = this.next();
		if (user && user.must_change_password)
			window.location.hash = '#/password' + (next ? '?next=' + encodeURIComponent(next) : '');
		else
			window.location.hash = next ? '#' + next : homeFor(user);
	}
}
