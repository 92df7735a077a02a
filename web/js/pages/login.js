// Sign-in placeholder. The auth issue replaces this page with the real form
// (POST /api/v1/auth/login, VNeID for citizens) and auth.js fills the header.
import { h, icon } from '../dom.js';
import { t } from '../i18n.js';

export function mount(container) {
	container.appendChild(h('section', { class: 'page page-login', 'aria-labelledby': 'page-title' },
		h('div', { class: 'page-head' },
			h('h1', { id: 'page-title' }, t('login.title'))),
		h('div', { class: 'card soon-card' },
			h('div', { class: 'soon-icon' }, icon('user')),
			h('div', null,
				h('p', { class: 'soon-desc' }, t('login.text')),
				h('p', { class: 'muted' }, t('login.note')),
				h('p', null, h('a', { class: 'btn btn-primary', href: '#/units' },
					t('soon.back'), icon('arrow')))))));
	return {};
}
