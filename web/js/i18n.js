// Language of the console: Vietnamese first, English second. Every string
// shown to a user lives in one catalogue per language (web/i18n/vi.js and
// web/i18n/en.js, same keys). The choice is remembered in localStorage and
// mirrored in <html lang>. Static markup names its strings with
// data-i18n="key" (text) and data-i18n-attr="attr:key;attr:key".
import vi from '../i18n/vi.js';
import en from '../i18n/en.js';

const CATALOGUES = { vi, en };
const STORE_KEY = 'pccc.lang';
const listeners = new Set();

let lang = readStored();

function readStored() {
	try {
		const v = window.localStorage.getItem(STORE_KEY);
		return v === 'en' ? 'en' : 'vi';
	} catch (e) {
		return 'vi';
	}
}

export function getLang() {
	return lang;
}

export function locale() {
	return lang === 'vi' ? 'vi-VN' : 'en-GB';
}

// t('search.count', {n: 3, q: 'x'}) — {name} placeholders are replaced.
// A key missing in English falls back to Vietnamese, then to the key.
export function t(key, params) {
	let s = CATALOGUES[lang][key];
	if (s === undefined)
		s = CATALOGUES.vi[key];
	if (s === undefined)
		return key;
	if (params)
		s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] !== undefined ? String(params[k]) : m));
	return s;
}

// Translation when the catalogue has the key, otherwise the fallback
// (used for unit types, which come from the data in Vietnamese).
export function tOr(key, fallback) {
	const s = CATALOGUES[lang][key];
	return s === undefined ? fallback : s;
}

export function fmtNumber(n, digits) {
	if (n === null || n === undefined || Number.isNaN(Number(n)))
		return null;
	return new Intl.NumberFormat(locale(), {
		maximumFractionDigits: digits === undefined ? 0 : digits,
		minimumFractionDigits: 0,
	}).format(Number(n));
}

export function applyStatic(root) {
	for (const el of root.querySelectorAll('[data-i18n]'))
		el.textContent = t(el.dataset.i18n);
	for (const el of root.querySelectorAll('[data-i18n-attr]')) {
		for (const pair of el.dataset.i18nAttr.split(';')) {
			const [attr, key] = pair.split(':').map((x) => x.trim());
			if (attr && key)
				el.setAttribute(attr, t(key));
		}
	}
}

export function setLang(next) {
	lang = next === 'en' ? 'en' : 'vi';
	try {
		window.localStorage.setItem(STORE_KEY, lang);
	} catch (e) {
		/* private mode: the choice lasts for this page only */
	}
	document.documentElement.lang = lang;
	applyStatic(document);
	for (const fn of listeners)
		fn(lang);
}

export function onLangChange(fn) {
	listeners.add(fn);
	return () => listeners.delete(fn);
}

export function catalogues() {
	return CATALOGUES;
}
