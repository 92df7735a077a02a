// Page for a hash route the console does not know.
import { h } from '../dom.js';
import { t } from '../i18n.js';

export function mount(container) {
	container.appendChild(h('section', { class: 'page', 'aria-labelledby': 'page-title' },
		h('div', { class: 'page-head' },
			h('h1', { id: 'page-title' }, t('notfound.title'))),
		h('div', { class: 'card' },
			h('p', null, t('notfound.text')),
			h('p', null, h('a', { class: 'btn btn-primary', href: '#/units' }, t('soon.back'))))));
	return {};
}
