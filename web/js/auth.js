// Who is signed in. Sign-in is not built yet: GET /api/v1/auth/me answers
// 401 (or 404 before the route exists) and the console shows "not signed
// in". When auth lands, /auth/me returns the user object
// ({username, name, role, unit}) and the header picks it up unchanged.
import { apiGet } from './api.js';

let current = null;
const listeners = new Set();

export function currentUser() {
	return current;
}

export async function loadUser() {
	try {
		const me = await apiGet('/auth/me', null, { cache: false });
		current = me && (me.user || me);
	} catch (e) {
		current = null;
	}
	for (const fn of listeners)
		fn(current);
	return current;
}

export function onUserChange(fn) {
	listeners.add(fn);
	return () => listeners.delete(fn);
}
