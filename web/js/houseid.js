// The digital house ID (định danh số nhà) in the browser: the same rules
// as src/register/houseid.c, so a form refuses a mistyped ID before it is
// sent. 10 characters of the Crockford alphabet (no I, L, O, U): 9 payload
// and 1 check character; the characters v0..v9, read as elements of GF(32)
// (x^5 + x^2 + 1), satisfy sum v_i * x^(9-i) = 0, which catches every
// single substituted character and every swap of two characters. Input is
// case-insensitive; hyphens and spaces are ignored; I and L read as 1, O
// as 0 (then checked like any other character). Displayed grouped 4-3-3.

export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const LEN = 10;
const GF_POLY = 0x25;

function timesX(v) {
	v <<= 1;
	if (v & 0x20)
		v ^= GF_POLY;
	return v;
}

function weightedSum(vals) {
	let acc = 0;
	for (const v of vals)
		acc = timesX(acc) ^ v;
	return acc;
}

// {ok, id, error: null|'format'|'check', mapped} for what a person typed.
export function parseHouseId(input) {
	const res = { ok: false, id: '', error: 'format', mapped: false };
	if (typeof input !== 'string')
		return res;
	const vals = [];
	for (let c of input.toUpperCase()) {
		if (c === '-' || c === ' ')
			continue;
		if (c === 'I' || c === 'L') {
			c = '1';
			res.mapped = true;
		} else if (c === 'O') {
			c = '0';
			res.mapped = true;
		}
		const v = ALPHABET.indexOf(c);
		if (v < 0 || c.length !== 1 || vals.length === LEN)
			return res;
		vals.push(v);
	}
	if (vals.length !== LEN)
		return res;
	if (weightedSum(vals) !== 0) {
		res.error = 'check';
		return res;
	}
	res.ok = true;
	res.error = null;
	res.id = vals.map((v) => ALPHABET[v]).join('');
	return res;
}

export function isHouseId(input) {
	return parseHouseId(input).ok;
}

// "7K3MQ9X2BD" → "7K3M-Q9X-2BD"; anything invalid is returned unchanged.
export function formatHouseId(input) {
	const p = parseHouseId(input);
	if (!p.ok)
		return input == null ? '' : String(input);
	return p.id.slice(0, 4) + '-' + p.id.slice(4, 7) + '-' + p.id.slice(7);
}

// The check character for 9 payload characters (for tests and demo data).
export function checkChar(payload) {
	const vals = [];
	for (const c of String(payload).toUpperCase()) {
		const v = ALPHABET.indexOf(c);
		if (v < 0)
			return null;
		vals.push(v);
	}
	if (vals.length !== LEN - 1)
		return null;
	return ALPHABET[timesX(weightedSum(vals))];
}
