// Change-password page (#/password). Forced on the first sign-in of an
// account an admin created or reset (the console keeps the user here until
// it is done), and reachable from the user menu any time. POST
// /api/v1/auth/password {current_password, new_password}; the server's
// policy (at least 10 characters, not the username, not a common password)
// answers 400 with a message in both languages, shown next to the field.
// Other sessions of the account end when the password changes.
import { h, clear, icon } from '../dom.js';
import { t } from '../i18n.js';
import { currentUser, whenUserKnown, changePassword } from '../auth.js';
import { homeFor } from './login.js';

const MIN_CHARS = 10;

export function mount(container, route) {
	const view = new PasswordPage(container);
	view.update(route);
	return view;
}

function safeNext(next) {
	if (!next || !next.startsWith('/') || next.startsWith('//') || /^\/(login|password)\b/.test(next))
		return null;
	return next;
}

// The policy the server applies (auth/password.c), checked here first so
// the user hears about it next to the field; the server still decides
// (common passwords are only known there). '' when nothing is wrong.
function newPasswordProblem(nw, cur, username) {
	if (!nw)
		return t('password.needNew');
	if ([...nw].length < MIN_CHARS)
		return t('password.tooShort', { n: MIN_CHARS });
	const low = nw.toLowerCase(), name = (username || '').toLowerCase();
	if (name && (low === name || (name.length >= 3 && low.includes(name))))
		return t('password.isUsername');
	const classes = (/\p{L}/u.test(nw) ? 1 : 0) + (/\p{N}/u.test(nw) ? 1 : 0) + (/[^\p{L}\p{N}]/u.test(nw) ? 1 : 0);
	if (classes < 2)
		return t('password.classes');
	if (nw === cur)
		return t('password.same');
	return '';
}

class PasswordPage {
	constructor(container) {
		this.root = h('section', { class: 'page page-password', 'aria-labelledby': 'page-title' });
		container.appendChild(this.root);
		this.destroyed = false;
		this.gen = 0;
	}

	destroy() {
		this.destroyed = true;
	}

	async update(route) {
		const gen = ++this.gen;
		this.route = route;
		clear(this.root, h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, t('password.title'))),
			h('p', { class: 'muted', role: 'status' }, t('loading')));
		await whenUserKnown();
		if (gen !== this.gen || this.destroyed)
			return;
		const u = currentUser();
		if (!u) {
			clear(this.root,
				h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, t('password.title'))),
				h('div', { class: 'card login-card' },
					h('p', null, t('password.signInFirst')),
					h('p', null, h('a', { class: 'btn btn-primary', href: '#/login' }, t('user.signIn'), icon('arrow')))));
			return;
		}
		this.render(u);
	}

	field(id, labelKey, autocomplete, hintKey) {
		const input = h('input', {
			id, name: id, type: 'password', class: 'input', autocomplete, required: true,
			maxlength: '128', 'aria-describedby': id + '-err' + (hintKey ? ' ' + id + '-hint' : ''),
		});
		const err = h('p', { id: id + '-err', class: 'field-error', hidden: true });
		const wrap = h('div', { class: 'field' },
			h('label', { for: id }, t(labelKey)),
			input,
			hintKey ? h('p', { id: id + '-hint', class: 'hint' }, t(hintKey, { n: MIN_CHARS })) : null,
			err);
		return { input, err, wrap };
	}

	render(u) {
		this.cur = this.field('pw-current', 'password.current', 'current-password');
		this.next = this.field('pw-new', 'password.new', 'new-password', 'password.policy');
		this.again = this.field('pw-again', 'password.again', 'new-password');
		this.formErr = h('div', { class: 'alert', role: 'alert', hidden: true });
		this.submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'pw-submit' }, t('password.submit'));
		const form = h('form', { id: 'password-form', class: 'form', novalidate: true },
			h('input', { type: 'text', name: 'username', autocomplete: 'username', value: u.username, hidden: true, readonly: true }),
			this.cur.wrap, this.next.wrap, this.again.wrap, this.formErr,
			h('div', { class: 'form-actions' }, this.submit));
		form.addEventListener('submit', (ev) => {
			ev.preventDefault();
			this.send(u);
		});
		clear(this.root,
			h('div', { class: 'page-head' },
				h('h1', { id: 'page-title' }, t('password.title')),
				h('p', { class: 'lead' }, t('password.lead', { user: u.username }))),
			u.must_change_password
				? h('div', { class: 'notice notice-warn', role: 'status', 'data-testid': 'must-change' },
					h('p', null, t('password.forced')))
				: null,
			h('div', { class: 'card login-card' }, form));
	}

	setErr(f, msg) {
		f.err.textContent = msg || '';
		f.err.hidden = !msg;
		if (msg)
			f.input.setAttribute('aria-invalid', 'true');
		else
			f.input.removeAttribute('aria-invalid');
	}

	async send(u) {
		const cur = this.cur.input.value;
		const nw = this.next.input.value;
		const again = this.again.input.value;
		this.formErr.hidden = true;
		let bad = null;
		const check = (f, msg) => {
			this.setErr(f, msg);
			if (msg && !bad)
				bad = f;
		};
		check(this.cur, cur ? '' : t('password.needCurrent'));
		check(this.next, newPasswordProblem(nw, cur, u.username));
		check(this.again, nw && again !== nw ? t('password.mismatch') : (!again ? t('password.needAgain') : ''));
		if (bad) {
			bad.input.focus();
			return;
		}
		this.submit.disabled = true;
		try {
			await changePassword(cur, nw);
		} catch (e) {
			if (this.destroyed)
				return;
			this.submit.disabled = false;
			const f = e.field === 'current_password' ? this.cur : e.field === 'new_password' ? this.next : null;
			if (f) {
				this.setErr(f, e.message);
				f.input.focus();
			} else if (e.status === 429) {
				clear(this.formErr, h('p', null, t('login.throttled', { n: e.retryAfter || 60 })));
				this.formErr.hidden = false;
			} else {
				clear(this.formErr, h('p', null, t('error.load', { message: e.message })));
				this.formErr.hidden = false;
			}
			return;
		}
		if (this.destroyed)
			return;
		const after = currentUser();
		const next = safeNext(this.route.query.get('next'));
		clear(this.root,
			h('div', { class: 'page-head' }, h('h1', { id: 'page-title' }, t('password.title'))),
			h('div', { class: 'card login-card' },
				h('div', { class: 'notice notice-ok', role: 'status', 'data-testid': 'password-changed' },
					h('p', null, t('password.done'))),
				h('p', null, h('a', { class: 'btn btn-primary', href: next ? '#' + next : homeFor(after), id: 'pw-continue' },
					t('login.continue'), icon('arrow')))));
	}
}
