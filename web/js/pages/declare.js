// The household head's declaration (#/declare, #/declare?id=ID), made for
// a phone: one group of questions per screen, big touch targets, the house
// type's template deciding which questions are asked, a review screen with
// a confirmation, then POST /houses/ID/declaration. The ID comes from the
// citizen's account (or is typed, and checked here); an officer opening
// the page declares on behalf of a resident who cannot (elderly, no eID).
// A returned declaration shows the officer's reason first.
import { h, clear } from '../dom.js';
import { t } from '../i18n.js';
import {
	apiFetch, apiSend, errorBox, stateBadge, formatHouseId, parseHouseId, HOUSE_FIELDS,
	houseTemplate, houseRules, RecordForm, fmtValue, loadSession, sessionUser, can, showFieldError,
	fieldControl,
} from '../register.js';

const STEPS = [
	['address', 'building'],
	['escape', 'access'],
	['equipment', 'risks'],
	['people', 'other'],
];

export function mount(container, route) {
	const view = { container, gen: 0 };
	view.update = (r) => start(view, r);
	view.update(route);
	return view;
}

async function start(view, route) {
	const gen = ++view.gen;
	const c = view.container;
	clear(c, h('p', { class: 'muted' }, t('loading')));
	await loadSession();
	if (gen !== view.gen)
		return;
	const u = sessionUser();
	const id = route.query.get('id') || (u && u.house_id) || '';
	const p = parseHouseId(id);
	if (!p.ok)
		return askId(view, c, id);
	let house;
	try {
		house = await apiFetch('/houses/' + p.id);
	} catch (e) {
		if (gen === view.gen)
			clear(c, shell(errorBox(e, formatHouseId(p.id))));
		return;
	}
	if (gen === view.gen)
		wizard(view, c, house);
}

function shell(...children) {
	return h('section', { class: 'page page-declare', 'aria-labelledby': 'page-title' },
		h('div', { class: 'page-head' },
			h('h1', { id: 'page-title' }, t('declare.title')),
			h('p', { class: 'lead' }, t('declare.lead'))),
		children);
}

function askId(view, c, typed) {
	const def = { key: 'house_id', kind: 'houseid', labelKey: 'declare.houseId', required: true, group: 'x' };
	const ctl = fieldControl(def, '');
	ctl.input.value = typed || '';
	ctl.input.id = 'declare-id';
	ctl.el.querySelector('label').setAttribute('for', 'declare-id');
	ctl.el.insertBefore(h('p', { class: 'hint' }, t('declare.houseIdHint')), ctl.error);
	clear(c, shell(h('form', { class: 'card declare-card', novalidate: true, onSubmit: (ev) => {
		ev.preventDefault();
		const p = parseHouseId(ctl.input.value);
		if (!p.ok) {
			showFieldError(ctl, t('v.houseid.' + p.error));
			ctl.input.focus();
			return;
		}
		window.location.hash = '#/declare?id=' + p.id;
	} }, ctl.el, h('div', { class: 'form-actions' },
		h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'declare-start' }, t('declare.start'))))));
}

function wizard(view, c, house) {
	const form = new RecordForm(HOUSE_FIELDS, ['address', 'building', 'escape', 'access', 'equipment', 'risks', 'people', 'other'], 'house.g.', house);
	const typeCtl = form.controls.get('house_type');
	let step = 0;
	const total = STEPS.length + 1;
	const body = h('div', { class: 'wizard-body' });
	const counter = h('p', { class: 'eyebrow', 'data-testid': 'declare-step' });
	const status = h('div', { 'aria-live': 'polite' });
	const confirm = h('input', { type: 'checkbox', id: 'declare-confirm' });
	const confirmErr = h('p', { class: 'field-error', hidden: true, id: 'declare-confirm-err' });
	const back = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'declare-prev', onClick: () => show(step - 1) }, t('declare.prev'));
	const next = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'declare-next' }, t('declare.next'));

	const keysOf = (i) => {
		const keep = houseTemplate(typeCtl.get() || house.house_type);
		return HOUSE_FIELDS.filter((f) => STEPS[i].includes(f.group) && keep.has(f.key)).map((f) => f.key);
	};
	const show = (i) => {
		step = Math.max(0, Math.min(i, total - 1));
		counter.textContent = t('declare.step', { n: step + 1, total });
		back.hidden = step === 0;
		next.textContent = step === total - 1 ? t('declare.submit') : (step === total - 2 ? t('declare.review') : t('declare.next'));
		next.dataset.testid = step === total - 1 ? 'declare-submit' : 'declare-next';
		clear(body);
		if (step < STEPS.length) {
			for (const g of STEPS[step]) {
				const keys = keysOf(step).filter((k) => form.controls.get(k).def.group === g);
				if (!keys.length)
					continue;
				body.appendChild(h('fieldset', { class: 'form-group' }, h('legend', null, t('house.g.' + g)),
					keys.map((k) => form.controls.get(k).el)));
			}
		} else {
			const all = new Set([].concat(...STEPS.map((_, j) => keysOf(j))));
			const { body: vals } = form.validate(null, house, all);
			body.appendChild(h('dl', { class: 'dl review' }, [...all].map((k) => {
				const d = form.controls.get(k).def;
				return h('div', { class: 'dl-row' }, h('dt', null, t(d.labelKey)), h('dd', null, fmtValue(d, vals[k])));
			})));
			body.appendChild(h('div', { class: 'field field-check' },
				h('label', { class: 'check', for: 'declare-confirm' }, confirm, t('declare.confirm')), confirmErr));
		}
		window.scrollTo(0, 0);
		const first = body.querySelector('input, select, textarea');
		if (first && step > 0)
			first.focus();
	};

	const el = h('form', { class: 'card declare-card', id: 'declare-form', novalidate: true, onSubmit: async (ev) => {
		ev.preventDefault();
		if (step < STEPS.length) {
			const keys = new Set(keysOf(step));
			const { errors } = form.validate(null, house, keys);
			if (Object.keys(errors).length)
				return;
			show(step + 1);
			return;
		}
		const all = new Set([].concat(...STEPS.map((_, j) => keysOf(j))));
		const { body: vals, errors } = form.validate(houseRules, house, all);
		if (Object.keys(errors).length) {
			// Go back to the first step holding a problem.
			const bad = Object.keys(errors)[0];
			const at = STEPS.findIndex((_, j) => keysOf(j).includes(bad));
			if (at >= 0) {
				show(at);
				form.showErrors(errors);
			}
			return;
		}
		if (!confirm.checked) {
			confirmErr.textContent = t('declare.confirmNeed');
			confirmErr.hidden = false;
			confirm.focus();
			return;
		}
		const patch = {};
		for (const [k, v] of Object.entries(vals))
			if (JSON.stringify(v) !== JSON.stringify(house[k] === undefined ? null : house[k]) && !(v === null && house[k] === undefined))
				patch[k] = v;
		next.disabled = true;
		try {
			const saved = await apiSend('POST', '/houses/' + house.id + '/declaration', patch);
			clear(c, shell(h('div', { class: 'card declare-card', 'data-testid': 'declare-done' },
				h('p', { class: 'ok', role: 'status' }, t('declare.sent')),
				h('p', null, t('declare.stateNow', { state: '' }), stateBadge(saved.declared_state)),
				h('p', { class: 'mono' }, formatHouseId(saved.id)))));
		} catch (e) {
			next.disabled = false;
			form.showServerError(e);
			const bad = e.field;
			const at = STEPS.findIndex((_, j) => keysOf(j).includes(bad));
			if (at >= 0) {
				show(at);
				form.showServerError(e);
			}
		}
	} },
	counter, form.summary, body,
	h('div', { class: 'form-actions wizard-actions' }, back, next), status);

	const u = sessionUser();
	clear(c, shell(
		h('div', { class: 'card declare-head' },
			h('p', { class: 'sub-label' }, t('declare.houseId')),
			h('p', { class: 'house-id mono', 'data-testid': 'house-id' }, formatHouseId(house.id)),
			h('p', null, house.address_text || ''),
			h('p', null, t('declare.stateNow', { state: '' }), stateBadge(house.declared_state)),
			house.declared_state === 'returned' && house.return_reason
				? h('div', { class: 'alert', 'data-testid': 'return-reason' }, h('p', null, t('house.returnedBanner', { reason: house.return_reason }))) : null,
			u && u.role !== 'citizen' && can('house.write') ? h('p', { class: 'hint' }, t('declare.onBehalf')) : null),
		el));
	show(0);
}
