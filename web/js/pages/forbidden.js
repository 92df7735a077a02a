// Pages behind a permission (Accounts: accounts.admin, Audit: audit.read).
// guard(page, perm) wraps a page module: it waits until the console knows
// who is signed in, sends a visitor to the sign-in page (and back here
// afterwards), shows a clear "not allowed" page to a user whose role lacks
// the permission, and otherwise mounts the page. The server enforces the
// same rule; this only keeps the console from showing what it cannot use.
import { h, clear, icon } from '../dom.js';
import { t } from '../i18n.js';
import { currentUser, hasPerm, whenUserKnown } from '../auth.js';

export function renderForbidden(container) {
	clear(container, h('section', { class: 'page page-forbidden', 'aria-labelledby': 'page-title' },
		h('div', { class: 'page-head' },
			h('h1', { id: 'page-title', 'data-testid': 'forbidden' }, t('forbidden.title'))),
		h('div', { class: 'card soon-card' },
			h('div', { class: 'soon-icon' }, icon('close')),
			h('div', null,
				h('p', { class: 'soon-desc' }, t('forbidden.text')),
				h('p', { class: 'muted' }, t('forbidden.hint')),
				h('p', null, h('a', { class: 'btn btn-primary', href: '#/units' },
					t('soon.back'), icon('arrow')))))));
}

export function guard(page, perm) {
	return {
		mount(container, route, ctx) {
			const holder = h('div', { class: 'guarded' },
				h('p', { class: 'muted', role: 'status' }, t('loading')));
			container.appendChild(holder);
			let view = null;
			let destroyed = false;
			let latest = route;
			whenUserKnown().then(() => {
				if (destroyed)
					return;
				if (!currentUser()) {
					const next = '/' + (latest.path || '').replace(/^\/+/, '');
					window.location.replace('#/login?next=' + encodeURIComponent(next));
					return;
				}
				if (!hasPerm(perm)) {
					renderForbidden(holder);
					return;
				}
				clear(holder);
				view = page.mount(holder, latest, ctx) || {};
			});
			return {
				update(info) {
					latest = info;
					if (view && view.update)
						view.update(info);
				},
				destroy() {
					destroyed = true;
					if (view && view.destroy)
						view.destroy();
				},
			};
		},
	};
}
