// Small DOM helpers for the console. No inline styles, no innerHTML with
// data: everything goes through textContent and setAttribute, so text from
// the API can never become markup and the strict CSP is never tripped.

// h('a', {href: '#/x', class: 'btn', onClick: fn}, 'text', child...)
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	if (attrs) {
		for (const [k, v] of Object.entries(attrs)) {
			if (v === null || v === undefined || v === false)
				continue;
			if (k.startsWith('on') && typeof v === 'function')
				el.addEventListener(k.slice(2).toLowerCase(), v);
			else if (k === 'class')
				el.className = v;
			else if (k === 'text')
				el.textContent = v;
			else if (k === 'dataset')
				Object.assign(el.dataset, v);
			else
				el.setAttribute(k, v === true ? '' : String(v));
		}
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const c of children) {
		if (c === null || c === undefined || c === false)
			continue;
		if (Array.isArray(c))
			append(el, c);
		else if (c instanceof Node)
			el.appendChild(c);
		else
			el.appendChild(document.createTextNode(String(c)));
	}
}

// Replaces every child of el.
export function clear(el, ...children) {
	while (el.firstChild)
		el.removeChild(el.firstChild);
	append(el, children);
	return el;
}

// Inline SVG icon from a path list (drawn with currentColor).
export function icon(name) {
	const ns = 'http://www.w3.org/2000/svg';
	const svg = document.createElementNS(ns, 'svg');
	svg.setAttribute('viewBox', '0 0 24 24');
	svg.setAttribute('aria-hidden', 'true');
	svg.setAttribute('focusable', 'false');
	svg.setAttribute('class', 'icon icon-' + name);
	for (const d of ICONS[name] || []) {
		const p = document.createElementNS(ns, 'path');
		p.setAttribute('d', d);
		svg.appendChild(p);
	}
	return svg;
}

const ICONS = {
	search: ['M10.5 3a7.5 7.5 0 015.96 12.06l4.24 4.23-1.42 1.42-4.23-4.24A7.5 7.5 0 1110.5 3zm0 2a5.5 5.5 0 100 11 5.5 5.5 0 000-11z'],
	user: ['M12 12a4.5 4.5 0 100-9 4.5 4.5 0 000 9zm0 2c-4.4 0-8 2.2-8 5v2h16v-2c0-2.8-3.6-5-8-5z'],
	chevron: ['M9 6l6 6-6 6-1.4-1.4 4.6-4.6-4.6-4.6z'],
	menu: ['M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z'],
	download: ['M11 3h2v9.2l3.3-3.3 1.4 1.4L12 16l-5.7-5.7 1.4-1.4 3.3 3.3zM4 18h16v2H4z'],
	pin: ['M12 2a7 7 0 017 7c0 5-7 13-7 13S5 14 5 9a7 7 0 017-7zm0 4a3 3 0 100 6 3 3 0 000-6z'],
	arrow: ['M13 5l7 7-7 7-1.4-1.4 4.6-4.6H4v-2h12.2l-4.6-4.6z'],
	close: ['M6.4 5L12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z'],
	tools: ['M4 4h16v4H4zm0 6h7v10H4zm9 0h7v4h-7zm0 6h7v4h-7z'],
};

// Shows msg in the error paragraph p of input (or hides it when msg is
// empty) and marks the input aria-invalid accordingly.
export function fieldError(input, p, msg) {
	p.textContent = msg || '';
	p.hidden = !msg;
	if (msg)
		input.setAttribute('aria-invalid', 'true');
	else
		input.removeAttribute('aria-invalid');
}
