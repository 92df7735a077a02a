// "Coming soon" page for the parts of pccc that are not built yet (reports):
// names the part, says what it will do, and leads back to the units page.
import { h, icon } from '../dom.js';
import { t } from '../i18n.js';

export function mount(container, route) {
	const name = route.name;
	container.appendChild(h('section', { class: 'page page-soon', 'aria-labelledby': 'page-title' },
		h('div', { class: 'page-head' },
			h('p', { class: 'eyebrow' }, t('soon.badge')),
			h('h1', { id: 'page-title' }, t('nav.' + name))),
		h('div', { class: 'card soon-card' },
			h('div', { class: 'soon-icon' }, icon('tools')),
			h('div', null,
				h('p', { class: 'soon-desc' }, t('soon.' + name)),
				h('p', { class: 'muted' }, t('soon.text')),
				h('p', null, h('a', { class: 'btn btn-primary', href: '#/units' },
					t('soon.back'), icon('arrow')))))));
	return {};
}
