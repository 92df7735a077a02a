// Accessible tree view (WAI-ARIA tree pattern) with lazily loaded branches.
// Keys: Up/Down move, Right opens or enters a branch, Left closes or goes to
// the parent, Home/End, Enter/Space choose, a letter jumps to the next item
// whose name starts with it. One item at a time is in the tab order.
import { h, clear, icon } from './dom.js';
import { t } from './i18n.js';

export function fold(s) {
	return String(s || '').replace(/[đĐ]/g, 'd').normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

let seq = 0;

export class Tree {
	// opts: {label, loadChildren(node) -> Promise<node[]>, renderLabel(node) -> Node,
	//        onSelect(node), scroller: element that scrolls}
	// node: {id, level, name, sortKey, expandable, children?, data}
	constructor(ul, opts) {
		this.ul = ul;
		this.opts = opts;
		this.nodes = new Map();
		this.items = new Map();
		this.selectedId = null;
		ul.setAttribute('role', 'tree');
		ul.classList.add('tree');
		ul.addEventListener('keydown', (ev) => this.onKey(ev));
		ul.addEventListener('click', (ev) => this.onClick(ev));
	}

	setRoots(nodes) {
		this.nodes.clear();
		this.items.clear();
		this.selectedId = null;
		clear(this.ul);
		for (const n of nodes)
			this.ul.appendChild(this.renderNode(n, 1));
		const first = this.ul.querySelector('[role=treeitem]');
		if (first)
			first.tabIndex = 0;
	}

	renderNode(node, level) {
		node.level = level;
		this.nodes.set(node.id, node);
		const labelId = 'ti-' + (++seq);
		const li = h('li', {
			role: 'treeitem',
			'aria-level': level,
			'aria-selected': 'false',
			'aria-labelledby': labelId,
			tabindex: '-1',
			dataset: { id: node.id },
		});
		const row = h('div', { class: 'tree-row' },
			h('span', { class: 'twisty' + (node.expandable ? '' : ' twisty-leaf'), 'aria-hidden': 'true' },
				node.expandable ? icon('chevron') : null),
			h('span', { class: 'tree-label', id: labelId }, this.opts.renderLabel(node)));
		li.appendChild(row);
		if (node.expandable) {
			li.setAttribute('aria-expanded', 'false');
			li.appendChild(h('ul', { role: 'group', hidden: true }));
		}
		this.items.set(node.id, li);
		if (node.expandable && node.children)
			this.fillGroup(node);
		return li;
	}

	fillGroup(node) {
		const li = this.items.get(node.id);
		const group = li.querySelector(':scope > ul[role=group]');
		clear(group);
		for (const c of node.children)
			group.appendChild(this.renderNode(c, node.level + 1));
		if (!node.children.length)
			group.appendChild(h('li', { role: 'none', class: 'tree-empty' }, t('tree.empty')));
	}

	async expand(id) {
		const node = this.nodes.get(id);
		const li = this.items.get(id);
		if (!node || !li || !node.expandable)
			return;
		const group = li.querySelector(':scope > ul[role=group]');
		li.setAttribute('aria-expanded', 'true');
		group.hidden = false;
		if (node.children)
			return;
		if (!node.loading) {
			clear(group, h('li', { role: 'none', class: 'tree-loading' }, t('loading')));
			node.loading = this.opts.loadChildren(node).then((kids) => {
				node.children = kids;
				this.fillGroup(node);
			}).catch((e) => {
				node.loading = null;
				clear(group, h('li', { role: 'none', class: 'tree-error' },
					t('error.load', { message: e.message })));
			});
		}
		await node.loading;
	}

	collapse(id) {
		const li = this.items.get(id);
		if (!li || !li.hasAttribute('aria-expanded'))
			return;
		li.setAttribute('aria-expanded', 'false');
		li.querySelector(':scope > ul[role=group]').hidden = true;
	}

	has(id) {
		return this.nodes.has(id);
	}

	node(id) {
		return this.nodes.get(id);
	}

	// Marks id selected (no callback). focus: move keyboard focus too.
	select(id, focus) {
		if (this.selectedId && this.items.get(this.selectedId))
			this.items.get(this.selectedId).setAttribute('aria-selected', 'false');
		this.selectedId = id;
		const li = this.items.get(id);
		if (!li)
			return;
		li.setAttribute('aria-selected', 'true');
		this.setTabStop(li);
		this.reveal(li, true);
		if (focus)
			li.focus({ preventScroll: true });
	}

	setTabStop(li) {
		for (const el of this.ul.querySelectorAll('[role=treeitem][tabindex="0"]'))
			el.tabIndex = -1;
		li.tabIndex = 0;
	}

	// Scrolls only the tree's own scroller so the page does not jump;
	// centre: put an item that is out of view in the middle.
	reveal(li, centre) {
		const sc = this.opts.scroller;
		if (!sc)
			return;
		const row = li.querySelector('.tree-row') || li;
		const r = row.getBoundingClientRect();
		const s = sc.getBoundingClientRect();
		if (centre && (r.top < s.top || r.bottom > s.bottom))
			sc.scrollTop += (r.top + r.bottom) / 2 - (s.top + s.bottom) / 2;
		else if (r.top < s.top)
			sc.scrollTop -= s.top - r.top + 8;
		else if (r.bottom > s.bottom)
			sc.scrollTop += r.bottom - s.bottom + 8;
	}

	visibleItems() {
		return [...this.ul.querySelectorAll('[role=treeitem]')]
			.filter((li) => !li.parentElement.closest('ul[role=group][hidden]') &&
				!(li.parentElement.hidden));
	}

	focusItem(li) {
		if (!li)
			return;
		this.setTabStop(li);
		li.focus({ preventScroll: true });
		this.reveal(li);
	}

	choose(li) {
		const node = this.nodes.get(li.dataset.id);
		if (node && this.opts.onSelect)
			this.opts.onSelect(node);
	}

	onClick(ev) {
		const li = ev.target.closest('[role=treeitem]');
		if (!li || !this.ul.contains(li))
			return;
		ev.stopPropagation();
		const id = li.dataset.id;
		if (ev.target.closest('.twisty')) {
			if (li.getAttribute('aria-expanded') === 'true')
				this.collapse(id);
			else
				this.expand(id);
			this.focusItem(li);
			return;
		}
		this.focusItem(li);
		this.choose(li);
	}

	onKey(ev) {
		const li = ev.target.closest('[role=treeitem]');
		if (!li || ev.altKey || ev.ctrlKey || ev.metaKey)
			return;
		const items = this.visibleItems();
		const i = items.indexOf(li);
		const id = li.dataset.id;
		const expanded = li.getAttribute('aria-expanded');
		let handled = true;
		switch (ev.key) {
		case 'ArrowDown':
			this.focusItem(items[i + 1]);
			break;
		case 'ArrowUp':
			this.focusItem(items[i - 1]);
			break;
		case 'Home':
			this.focusItem(items[0]);
			break;
		case 'End':
			this.focusItem(items[items.length - 1]);
			break;
		case 'ArrowRight':
			if (expanded === 'false')
				this.expand(id);
			else if (expanded === 'true')
				this.focusItem(li.querySelector(':scope > ul > [role=treeitem]'));
			break;
		case 'ArrowLeft':
			if (expanded === 'true')
				this.collapse(id);
			else
				this.focusItem(li.parentElement.closest('[role=treeitem]'));
			break;
		case 'Enter':
		case ' ':
			this.choose(li);
			if (expanded === 'false')
				this.expand(id);
			break;
		default:
			handled = this.typeAhead(ev.key, items, i);
		}
		if (handled) {
			ev.preventDefault();
			ev.stopPropagation();
		}
	}

	typeAhead(key, items, from) {
		if (!key || key.length !== 1 || !/\S/.test(key))
			return false;
		const k = fold(key);
		for (let n = 1; n <= items.length; n++) {
			const li = items[(from + n) % items.length];
			const node = this.nodes.get(li.dataset.id);
			if (node && fold(node.sortKey || node.name).startsWith(k)) {
				this.focusItem(li);
				return true;
			}
		}
		return true;
	}
}
