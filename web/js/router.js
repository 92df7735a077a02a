// Hash routing: "#/units", "#/units/00364?scheme=legacy", "#/login", ...
// A page module exports mount(container, route, ctx) returning an object
// with update(route) (same page, new parameters) and destroy(). Hashes that
// do not start with "#/" (the skip link's "#main") are left alone.

export function parseHash(hash) {
	let s = hash || '';
	if (s.startsWith('#'))
		s = s.slice(1);
	const qi = s.indexOf('?');
	const path = qi >= 0 ? s.slice(0, qi) : s;
	const query = new URLSearchParams(qi >= 0 ? s.slice(qi + 1) : '');
	const parts = path.split('/').filter(Boolean).map((p) => {
		try {
			return decodeURIComponent(p);
		} catch (e) {
			return p;
		}
	});
	return { path, parts, query };
}

export class Router {
	constructor(outlet, routes, fallback, ctx) {
		this.outlet = outlet;
		this.routes = routes;   // [{name, match(parts) -> params|null, page}]
		this.fallback = fallback;
		this.ctx = ctx;
		this.current = null;    // {name, view}
		this.listeners = new Set();
		window.addEventListener('hashchange', () => this.resolve());
	}

	onChange(fn) {
		this.listeners.add(fn);
	}

	resolve() {
		const hash = window.location.hash;
		if (hash && !hash.startsWith('#/'))
			return;
		const r = parseHash(hash || '#/');
		let hit = null;
		for (const route of this.routes) {
			const params = route.match(r.parts);
			if (params) {
				hit = { route, params };
				break;
			}
		}
		if (!hit && r.parts.length === 0 && this.routes.length) {
			window.location.replace('#/' + this.routes[0].name);
			return;
		}
		const route = hit ? hit.route : this.fallback;
		const info = { name: route.name, params: hit ? hit.params : {}, query: r.query, path: r.path };
		if (this.current && this.current.name === route.name && this.current.view.update) {
			this.current.view.update(info);
			this.current.info = info;
		} else {
			this.render(route, info);
		}
		for (const fn of this.listeners)
			fn(info);
	}

	render(route, info) {
		if (this.current && this.current.view.destroy)
			this.current.view.destroy();
		while (this.outlet.firstChild)
			this.outlet.removeChild(this.outlet.firstChild);
		const view = route.page.mount(this.outlet, info, this.ctx) || {};
		this.current = { name: route.name, route, view, info };
	}

	// Re-renders the current page from scratch (language change).
	refresh() {
		if (!this.current)
			return this.resolve();
		const { route } = this.current;
		const r = parseHash(window.location.hash || '#/');
		const info = Object.assign({}, this.current.info, { query: r.query });
		this.render(route, info);
		for (const fn of this.listeners)
			fn(info);
	}
}
