// Who is signed in, and the session actions. GET /api/v1/auth/me answers
// the user ({id, username, display_name, role, unit, must_change_password}),
// the session's CSRF token and the caller's permissions (401 when nobody is
// signed in). Sign-in (POST /auth/login) sets an HttpOnly cookie; the CSRF
// token is handed to api.js for every write. whenUserKnown() resolves once
// the first /auth/me has answered, so guarded pages do not decide "not
// allowed" before the console knows who is there.
import { apiGet, apiPost, setCsrfToken, setAuthHandler } from './api.js';

let current = null;
let permissions = [];
const listeners = new Set();
let knownResolve = null;
const known = new Promise((resolve) => {
	knownResolve = resolve;
});

export function currentUser() {
	return current;
}

export function whenUserKnown() {
	return known;
}

// 'accounts.admin', 'audit.read', ... (empty when signed out).
export function hasPerm(perm) {
	return !!current && permissions.includes(perm);
}

export function hasRole(...roles) {
	return !!current && roles.includes(current.role);
}

function notify() {
	for (const fn of listeners)
		fn(current);
}

function setSession(user, csrf, perms) {
	current = user || null;
	permissions = current ? (perms || permissions || []) : [];
	setCsrfToken(current ? csrf : null);
	notify();
}

export async function loadUser() {
	try {
		const me = await apiGet('/auth/me', null, { cache: false });
		setSession(me && (me.user || me), me && me.csrf_token, (me && me.permissions) || []);
	} catch (e) {
		setSession(null);
	}
	knownResolve();
	return current;
}

// Signs in; throws ApiError (401 invalid_credentials, 429 with
// err.retryAfter). Fetches /auth/me afterwards for the permissions (not
// while a password change is pending: it needs nothing else).
export async function signIn(username, password) {
	const res = await apiPost('/auth/login', { username, password });
	permissions = [];
	setCsrfToken(res.csrf_token);
	if (res.user && !res.user.must_change_password) {
		try {
			const me = await apiGet('/auth/me', null, { cache: false });
			setSession(me.user || res.user, me.csrf_token || res.csrf_token, me.permissions || []);
			return current;
		} catch (e) {
			/* fall back to the login answer */
		}
	}
	setSession(res.user, res.csrf_token, []);
	return current;
}

export async function signOut(everywhere) {
	try {
		await apiPost(everywhere ? '/auth/logout-all' : '/auth/logout');
	} finally {
		setSession(null);
	}
}

export async function changePassword(currentPassword, newPassword) {
	const res = await apiPost('/auth/password', {
		current_password: currentPassword,
		new_password: newPassword,
	});
	await loadUser();
	return res;
}

// Sessions that end under the console's feet (expiry, sign-out elsewhere)
// and accounts that must change their password first.
export function installAuthHandler(onUnauthorized, onPasswordChange) {
	setAuthHandler((kind) => {
		if (kind === 'unauthorized') {
			if (current)
				setSession(null);
			onUnauthorized();
		} else if (kind === 'password_change_required') {
			if (current && !current.must_change_password) {
				current = Object.assign({}, current, { must_change_password: true });
				notify();
			}
			onPasswordChange();
		}
	});
}

export function onUserChange(fn) {
	listeners.add(fn);
	return () => listeners.delete(fn);
}
