// Service worker of the pccc console: keeps the console shell (HTML, CSS,
// scripts, catalogues, images, Leaflet) in a cache so the console opens
// and the inspection checklist works without signal. Network first: every
// same-origin GET outside /api/ is fetched from the server when it answers
// (so a new version shows at once) and stored; when the network fails the
// stored copy is served. API requests are never touched here: the page
// decides what to do with them (js/offline.js queues inspection results).
const CACHE = 'pccc-shell-v1';
const SHELL = [
	'/', '/app.css', '/img/logo.svg', '/img/favicon.svg',
	'/js/app.js', '/js/api.js', '/js/auth.js', '/js/dom.js', '/js/i18n.js', '/js/router.js',
	'/js/register.js', '/js/houseid.js', '/js/offline.js',
	'/js/pages/houses.js', '/js/pages/house.js', '/js/pages/declare.js', '/js/pages/inspect.js',
	'/js/pages/facilities.js', '/js/pages/facility.js',
	'/i18n/vi.js', '/i18n/en.js',
	'/vendor/leaflet/leaflet.js', '/vendor/leaflet/leaflet.css',
];

self.addEventListener('install', (ev) => {
	ev.waitUntil(caches.open(CACHE).then((c) => Promise.all(SHELL.map((u) =>
		c.add(new Request(u, { cache: 'no-cache' })).catch(() => null))))
		.then(() => self.skipWaiting()));
});

self.addEventListener('activate', (ev) => {
	ev.waitUntil(caches.keys()
		.then((keys) => Promise.all(keys.filter((k) => k.startsWith('pccc-shell-') && k !== CACHE).map((k) => caches.delete(k))))
		.then(() => self.clients.claim()));
});

// The page sends the list of files it loaded before this worker took
// control (js/offline.js), so the whole shell is cached, whatever modules
// other parts of the console add.
self.addEventListener('message', (ev) => {
	const d = ev.data || {};
	if (d.type !== 'cache' || !Array.isArray(d.urls))
		return;
	ev.waitUntil(caches.open(CACHE).then((c) => Promise.all(d.urls.slice(0, 300).map(async (u) => {
		const url = new URL(u, self.location.origin);
		if (url.origin !== self.location.origin || url.pathname.startsWith('/api/'))
			return null;
		const key = url.pathname === '/' ? '/' : url.pathname + url.search;
		if (await c.match(key))
			return null;
		return c.add(new Request(key, { cache: 'no-cache' })).catch(() => null);
	}))));
});

self.addEventListener('fetch', (ev) => {
	const req = ev.request;
	if (req.method !== 'GET')
		return;
	const url = new URL(req.url);
	if (url.origin !== self.location.origin || url.pathname.startsWith('/api/') ||
	    url.pathname === '/healthz' || url.pathname === '/sw.js')
		return;
	ev.respondWith((async () => {
		const cache = await caches.open(CACHE);
		try {
			const res = await fetch(req);
			if (res.ok && res.type === 'basic')
				cache.put(url.pathname === '/' ? '/' : req, res.clone()).catch(() => {});
			return res;
		} catch (e) {
			const hit = await cache.match(url.pathname === '/' ? '/' : req, { ignoreSearch: req.mode === 'navigate' });
			if (hit)
				return hit;
			throw e;
		}
	})());
});
