// The communes (2025 scheme) a signed-in user reaches, for commune filters
// on the alarm pages: a user whose home unit is a province (dispatcher,
// city fire police) reaches every commune of it; a commune officer or fire
// team reaches their home commune and the communes they cover. Read from
// GET /api/v1/auth/me (user.unit, user.province, user.covered_communes)
// and GET /api/v1/units (names). The server enforces the scope anyway:
// this only keeps the choices to what can match. [{code, name}], sorted
// by name; [] when nothing can be read.
import { apiGet, apiGetAll } from './api.js';
import { locale } from './i18n.js';

export async function scopeCommunes() {
	let me = null;
	try {
		me = await apiGet('/auth/me', null, { cache: false });
	} catch (e) {
		return [];
	}
	const user = (me && me.user) || {};
	const home = user.unit || '';
	const province = user.province || (home.length === 2 ? home : '');
	if (!province)
		return [];
	let all = [];
	try {
		all = await apiGetAll('/units', { parent: province, scheme: '2025', level: 'commune', limit: 500 }, 5);
	} catch (e) {
		return [];
	}
	let list = all;
	if (home.length === 5) {
		const mine = new Set([home, ...(user.covered_communes || [])]);
		list = all.filter((u) => mine.has(u.code));
	}
	return list.map((u) => ({ code: u.code, name: u.name }))
		.sort((a, b) => a.name.localeCompare(b.name, locale()));
}
