// The inspection checklist (#/houses/ID/inspect, #/facilities/ID/inspect),
// made for a phone in an alley or a basement: the condition items of the
// catalogue that apply to the house type (or to facilities), each answered
// pass / fail / not applicable with a note and photos. Everything typed is
// kept on the device as a draft; "send" puts the result in the offline
// queue (js/offline.js), which sends it now or when the signal returns. If
// the record changed on the server after the checklist was opened, the
// result is held as a conflict and shown here, never written over.
import { h, clear } from '../dom.js';
import { t, getLang } from '../i18n.js';
import {
	apiFetch, apiSend, serverMessage, errorBox, label, complianceBadge, formatHouseId, parseHouseId, fmtTime, today,
	loadSession, can, showFieldError, fieldControl, HOUSE_FIELDS, FACILITY_FIELDS, fmtValue, itemText,
} from '../register.js';
import {
	cacheGet, cachePut, saveDraft, loadDraft, deleteDraft, enqueue, flush, listQueue, deleteEntry,
	onQueueChange, shrinkPhoto, baseOf, conflictRows,
} from '../offline.js';

const RESULTS = ['pass', 'fail', 'not_applicable'];

export function mount(container, route) {
	const view = { container, gen: 0, off: [] };
	view.update = (r) => open(view, r);
	view.destroy = () => {
		view.off.forEach((f) => f());
		view.off = [];
		(view.urls || []).forEach((u) => URL.revokeObjectURL(u));
	};
	view.update(route);
	return view;
}

async function loadCatalogue() {
	try {
		const c = await apiFetch('/register/catalogue');
		cachePut('catalogue', c).catch(() => {});
		return c;
	} catch (e) {
		const c = await cacheGet('catalogue');
		if (c)
			return c;
		throw e;
	}
}

async function loadTarget(kind, id) {
	const path = (kind === 'facility' ? '/facilities/' : '/houses/') + encodeURIComponent(id);
	try {
		const rec = await apiFetch(path);
		cachePut('target:' + kind + ':' + id, rec).catch(() => {});
		return rec;
	} catch (e) {
		if (e.status === 0) {
			const rec = await cacheGet('target:' + kind + ':' + id);
			if (rec)
				return rec;
		}
		throw e;
	}
}

async function open(view, route) {
	view.destroy();
	const gen = ++view.gen;
	const c = view.container;
	const kind = route.params.kind;
	let id = route.params.id;
	if (kind === 'house') {
		const p = parseHouseId(id || '');
		if (!p.ok) {
			clear(c, h('section', { class: 'page' }, h('h1', { id: 'page-title' }, t('inspect.title')),
				h('div', { class: 'alert', role: 'alert' }, h('p', null, t('v.houseid.' + p.error)))));
			return;
		}
		id = p.id;
	}
	clear(c, h('p', { class: 'muted' }, t('loading')));
	let rec, cat;
	let me = null;
	try {
		[rec, cat, me] = await Promise.all([loadTarget(kind, id), loadCatalogue(), loadSession()]);
	} catch (e) {
		if (gen === view.gen)
			clear(c, h('section', { class: 'page' }, h('h1', { id: 'page-title' }, t('inspect.title')), errorBox(e, id)));
		return;
	}
	if (gen !== view.gen)
		return;
	// Who is inspecting, remembered for opening the checklist offline
	// (names and permissions only; never the session's tokens).
	if (me && me.user)
		cachePut('me', { user: { name: me.user.display_name || me.user.name || me.user.username, role: me.user.role }, permissions: me.permissions || [] }).catch(() => {});
	else
		me = await cacheGet('me').catch(() => null);
	const official = can('inspect') || !!(me && (me.permissions || []).includes('inspect'));
	const type = kind === 'facility' ? 'facility' : rec.house_type;
	// The items of the catalogue version the server published last (a
	// facility: only those for its category, or for every category).
	const items = (cat.conditions || []).filter((i) => (i.applies || []).includes(type) &&
		(kind !== 'facility' || !(i.categories || []).length || i.categories.includes(rec.category)))
		.map((i) => Object.assign({}, i, { req: (i.required || []).includes(type) }));
	const key = 'insp:' + kind + ':' + id;
	const draft = await loadDraft(key).catch(() => null);
	if (gen !== view.gen)
		return;
	render(view, c, { kind, id, rec, items, key, draft, official, catalogueVersion: Number.isInteger(cat.version) ? cat.version : null });
}

function render(view, c, s) {
	const { kind, id, rec, items, key } = s;
	const st = s.draft || Object.assign({ answers: {}, notes: '', photos: {}, kind: null, date: today(), deadline: '' }, baseOf(rec), { before: rec });
	st.answers = st.answers || {};
	st.photos = st.photos || {};
	view.urls = [];
	const official = s.official;
	const title = kind === 'facility' ? rec.name : (rec.address_text || formatHouseId(id));
	const net = h('p', { class: 'net-state', 'data-testid': 'net-state', role: 'status' });
	const setNet = () => {
		const on = navigator.onLine;
		net.className = 'net-state ' + (on ? 'net-on' : 'net-off');
		net.textContent = on ? t('inspect.online') : t('inspect.offline');
	};
	setNet();
	const onNet = () => setNet();
	window.addEventListener('online', onNet);
	window.addEventListener('offline', onNet);
	view.off.push(() => {
		window.removeEventListener('online', onNet);
		window.removeEventListener('offline', onNet);
	});

	// Every answer is written to the device at once (a tab can be lost at
	// any moment in the field); typing in a note is written after a pause.
	let timer = null;
	const persist = (later) => {
		clearTimeout(timer);
		if (later)
			timer = setTimeout(() => saveDraft(key, st).catch(() => {}), 300);
		else
			saveDraft(key, st).catch(() => {});
	};

	const kindDef = { key: 'kind', kind: 'enum', labelKey: 'inspect.kind', values: official ? ['periodic', 'unannounced', 'self'] : ['self'], prefix: 'reg.kind.', group: 'x', required: true };
	const kindCtl = fieldControl(kindDef, st.kind || (official ? 'periodic' : 'self'));
	const dateCtl = fieldControl({ key: 'date', kind: 'date', labelKey: 'inspect.date', required: true, group: 'x' }, st.date);
	dateCtl.input.type = 'date';
	const deadlineCtl = fieldControl({ key: 'deadline', kind: 'date', labelKey: 'inspect.deadline', group: 'x' }, st.deadline);
	deadlineCtl.input.type = 'date';
	const notesCtl = fieldControl({ key: 'notes', kind: 'textarea', labelKey: 'inspect.notes', max: 4000, group: 'x' }, st.notes);
	st.kind = kindCtl.get();
	for (const ctl of [kindCtl, dateCtl, deadlineCtl, notesCtl]) {
		ctl.input.addEventListener('change', () => {
			st[ctl.def.key] = ctl.get();
			persist();
		});
	}

	const progress = h('p', { class: 'progress', 'data-testid': 'progress', 'aria-live': 'polite' });
	const updateProgress = () => {
		const done = items.filter((i) => st.answers[i.code] && st.answers[i.code].result).length;
		progress.textContent = t('inspect.progress', { done, total: items.length });
	};

	const itemEls = items.map((it, n) => {
		const ans = st.answers[it.code] || (st.answers[it.code] = { result: null, note: '' });
		const err = h('p', { class: 'field-error', hidden: true, id: 'err-' + it.code });
		const radios = RESULTS.map((r) => {
			const inp = h('input', { type: 'radio', name: 'r-' + it.code, value: r, id: 'r-' + it.code + '-' + r, 'data-testid': 'answer-' + it.code + '-' + r });
			inp.checked = ans.result === r;
			inp.addEventListener('change', () => {
				ans.result = r;
				box.dataset.result = r;
				err.hidden = true;
				updateProgress();
				persist();
			});
			return [inp, h('label', { for: inp.id, class: 'seg-' + r }, label('reg.result.', r))];
		});
		const note = h('textarea', { class: 'input', rows: 2, id: 'note-' + it.code, 'aria-label': t('inspect.note') + ': ' + (getLang() === 'en' ? it.text_en : it.text_vi), placeholder: t('inspect.note') });
		note.value = ans.note || '';
		note.addEventListener('input', () => {
			ans.note = note.value;
			persist(true);
		});
		note.addEventListener('change', () => persist());
		const thumbs = h('div', { class: 'thumbs' });
		const drawThumbs = () => {
			clear(thumbs, (st.photos[it.code] || []).map((blob, i) => {
				const u = URL.createObjectURL(blob);
				view.urls.push(u);
				return h('span', { class: 'thumb' }, h('img', { src: u, alt: t('inspect.photo') + ' ' + (i + 1), width: 72, height: 72 }),
					h('button', { type: 'button', class: 'btn btn-link', onClick: () => {
						st.photos[it.code].splice(i, 1);
						drawThumbs();
						persist();
					} }, t('inspect.photoRemove')));
			}));
		};
		drawThumbs();
		const file = h('input', { type: 'file', accept: 'image/*', capture: 'environment', id: 'photo-' + it.code, class: 'file-input', 'data-testid': 'photo-' + it.code });
		file.addEventListener('change', async () => {
			for (const f of Array.from(file.files || [])) {
				const b = await shrinkPhoto(f);
				(st.photos[it.code] = st.photos[it.code] || []).push(b);
			}
			file.value = '';
			drawThumbs();
			persist();
		});
		const box = h('fieldset', { class: 'check-item', 'data-code': it.code, 'aria-describedby': err.id },
			h('legend', null, h('span', { class: 'item-no' }, String(n + 1) + '. '), getLang() === 'en' ? it.text_en : it.text_vi,
				h('span', { class: 'badge ' + (it.req ? 'badge-req' : 'badge-opt') }, it.req ? t('inspect.required') : t('inspect.optional'))),
			h('div', { class: 'segmented seg-3', role: 'radiogroup' }, radios),
			err, note,
			h('div', { class: 'photo-row' }, h('label', { for: file.id, class: 'btn btn-secondary' }, t('inspect.photo')), file, thumbs));
		if (ans.result)
			box.dataset.result = ans.result;
		return { it, box, err };
	});
	updateProgress();

	const summary = h('div', { class: 'alert error-summary', role: 'alert', tabindex: '-1', hidden: true });
	const queueBox = h('div', { id: 'queue-box', 'data-testid': 'queue-box', 'aria-live': 'polite' });

	const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'inspect-submit' }, t('inspect.submit'));
	const form = h('form', { class: 'checklist', id: 'checklist', novalidate: true, onSubmit: async (ev) => {
		ev.preventDefault();
		const problems = [];
		let first = null;
		for (const x of itemEls) {
			const missing = !(st.answers[x.it.code] && st.answers[x.it.code].result);
			x.err.hidden = !missing;
			x.err.textContent = missing ? t('v.answerAll', { n: 1 }) : '';
			if (missing && !first)
				first = x.box.querySelector('input');
		}
		const nMissing = itemEls.filter((x) => !x.err.hidden).length;
		if (nMissing)
			problems.push(t('v.answerAll', { n: nMissing }));
		const d = dateCtl.get();
		showFieldError(dateCtl, null);
		showFieldError(deadlineCtl, null);
		if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || d > today()) {
			showFieldError(dateCtl, t('v.date'));
			problems.push(t('v.date'));
			first = first || dateCtl.input;
		}
		const dl = deadlineCtl.get();
		if (dl && (!/^\d{4}-\d{2}-\d{2}$/.test(dl) || dl < d)) {
			showFieldError(deadlineCtl, t('v.date'));
			problems.push(t('v.date'));
			first = first || deadlineCtl.input;
		}
		clear(summary);
		summary.hidden = !problems.length;
		if (problems.length) {
			summary.appendChild(h('p', null, t('reg.error.fix', { n: problems.length })));
			summary.appendChild(h('ul', null, problems.map((p) => h('li', null, p))));
			summary.focus();
			if (first)
				first.scrollIntoView({ block: 'center' });
			return;
		}
		const body = {
			kind: kindCtl.get() || 'self',
			date: d,
			results: items.map((i) => {
				const a = st.answers[i.code];
				const o = { code: i.code, result: a.result };
				if (a.note && a.note.trim())
					o.note = a.note.trim();
				return o;
			}),
		};
		if (notesCtl.get().trim())
			body.notes = notesCtl.get().trim();
		// answered against this catalogue version, even if sent later
		if (s.catalogueVersion)
			body.catalogue_version = s.catalogueVersion;
		if (dl)
			body.deadline = dl;
		const photos = [];
		for (const [code, list] of Object.entries(st.photos))
			for (const blob of list || [])
				photos.push({ code, blob });
		submit.disabled = true;
		const qid = await enqueue({ targetKind: kind, targetId: id, base: st.base, baseKind: st.baseKind, before: st.before || rec, openedAt: st.openedAt || Date.now(), body, photos, title });
		await deleteDraft(key).catch(() => {});
		s.draft = null;
		showEntry({ qid, status: navigator.onLine ? 'sending' : 'pending' });
		flush().catch(() => {});
	} },
	summary,
	h('div', { class: 'card meta-grid' }, kindCtl.el, dateCtl.el, deadlineCtl.el),
	progress,
	itemEls.map((x) => x.box),
	h('div', { class: 'card' }, notesCtl.el),
	h('div', { class: 'form-actions sticky-actions' }, submit));

	// Status of this target's queued results (and of queued edits of the
	// record): waiting, sending, sent with its photos, or in conflict with
	// both values shown.
	const showEntry = (e) => {
		if (e.status === 'online' || e.status === 'offline')
			return;
		if (e.targetId !== undefined && (e.targetId !== id || e.targetKind !== kind))
			return;
		const edit = e.type === 'edit';
		const box = h('div', { class: 'queue-entry q-' + e.status, 'data-status': e.status, 'data-qid': e.qid, 'data-type': edit ? 'edit' : 'inspection' });
		const waiting = (e.photos || []).length;
		const add = (...xs) => box.append(...xs.filter((x) => x !== null && x !== undefined));
		if (e.status === 'pending')
			add(h('p', null, t(edit ? 'inspect.editQueued' : 'inspect.queued')),
				e.result && waiting ? h('p', { class: 'hint' }, t('inspect.photosPending', { n: waiting })) : null,
				h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => flush().catch(() => {}) }, t('inspect.retry')));
		else if (e.status === 'sending')
			add(h('p', null, t('inspect.sending')));
		else if (e.status === 'sent' && edit)
			add(h('p', { class: 'ok' }, t('inspect.editSent', { version: (e.result && e.result.version) || '' })));
		else if (e.status === 'sent')
			add(h('p', { class: 'ok' }, t('inspect.sent', { status: label('reg.compliance.', e.result && e.result.compliance) })),
				e.result && e.result.compliance ? complianceBadge(e.result.compliance) : null,
				sentPhotos(e),
				h('p', null, h('a', { href: (kind === 'facility' ? '#/facilities/' : '#/houses/') + id }, t('reg.back'))));
		else if (e.status === 'conflict')
			add(h('h3', null, t('inspect.conflictTitle')),
				h('p', null, t(edit ? 'inspect.editConflict' : 'inspect.conflict', {
					opened: typeof e.base === 'number' ? String(e.base) : fmtTime(e.base),
					server: e.serverVersion !== undefined ? String(e.serverVersion) : '?',
					when: fmtTime(e.serverUpdatedAt),
				})),
				conflictTable(e, kind),
				h('div', { class: 'detail-actions' },
					h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'conflict-send', onClick: () => flush({ qid: e.qid, force: true }).catch(() => {}) }, t(edit ? 'inspect.keepMine' : 'inspect.sendAnyway')),
					edit ? null : h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'conflict-reopen', onClick: async () => {
						// Keep the answers, take the server's record as the new base.
						await saveDraft(key, Object.assign({}, st, baseOf(e.server), { before: e.server || null, answers: answersOf(e.body), notes: e.body.notes || '' }));
						await deleteEntry(e.qid);
						view.update({ params: { kind, id }, query: new URLSearchParams() });
					} }, t('inspect.reopen')),
					h('button', { type: 'button', class: 'btn btn-link', 'data-testid': 'conflict-discard', onClick: () => deleteEntry(e.qid) }, t('inspect.discard'))));
		else if (e.status === 'failed')
			add(h('p', null, t('inspect.failed', { message: e.message || '' })),
				h('button', { type: 'button', class: 'btn btn-link', onClick: () => deleteEntry(e.qid) }, t('inspect.discard')));
		const old = queueBox.querySelector('[data-qid="' + e.qid + '"]');
		if (e.status === 'deleted') {
			if (old)
				old.remove();
			return;
		}
		if (old)
			old.replaceWith(box);
		else
			queueBox.appendChild(box);
		// One result per opening: the form stays locked while it waits, is
		// in conflict or was sent (reopening draws a fresh checklist).
		if (e.status !== 'failed' && !edit)
			submit.disabled = true;
		if (e.status === 'conflict' || e.status === 'sent')
			box.scrollIntoView({ block: 'nearest' });
	};
	view.off.push(onQueueChange(showEntry));
	listQueue().then((all) => all.forEach(showEntry)).catch(() => {});

	if (!st.openedAt) {
		st.openedAt = Date.now();
		Object.assign(st, baseOf(rec), { before: rec });
	}

	clear(c, h('section', { class: 'page page-inspect', 'aria-labelledby': 'page-title' },
		h('div', { class: 'page-head' },
			h('p', { class: 'eyebrow' }, t('inspect.title')),
			h('h1', { id: 'page-title' }, title),
			h('p', { class: 'lead' }, kind === 'house' ? h('span', { class: 'mono' }, formatHouseId(id)) : id,
				' · ', kind === 'house' ? label('reg.type.', rec.house_type) : label('fac.cat.', rec.category),
				' · ', complianceBadge(rec.compliance)),
			h('p', { class: 'hint' }, t('inspect.lead'))),
		net,
		s.draft ? h('p', { class: 'hint', 'data-testid': 'draft-restored' }, t('inspect.draftRestored')) : null,
		queueBox,
		items.length ? form : h('p', { class: 'card' }, t('inspect.noItems'))));
	saveDraft(key, st).catch(() => {});
}

function answersOf(body) {
	const a = {};
	for (const r of (body && body.results) || [])
		a[r.code] = { result: r.result, note: r.note || '' };
	return a;
}

// Photos the server took for a sent result (thumbnails from the server),
// and the ones it refused.
function sentPhotos(e) {
	const sent = e.photosSent || [];
	const errs = e.photoErrors || [];
	if (!sent.length && !errs.length)
		return null;
	return h('div', { class: 'sent-photos', 'data-testid': 'sent-photos' },
		sent.length ? h('p', null, t('inspect.photosSent', { n: sent.length })) : null,
		sent.length ? h('div', { class: 'thumbs' }, sent.map((p, i) => h('span', { class: 'thumb' },
			h('img', { src: p.url, alt: t('inspect.photo') + ' ' + (i + 1) + ': ' + itemText(p.code), width: 72, height: 72, loading: 'lazy', 'data-testid': 'server-photo' })))) : null,
		errs.map((x) => h('p', { class: 'field-error' }, t('inspect.photoFailed', { item: itemText(x.code), message: x.message || '' }))));
}

// The photos of one inspection as the API lists them per item (results[].
// photos): a strip of thumbnails, or null. For the inspection history.
// canDelete: each gets a remove button that asks once more before the
// DELETE; the thumbnail goes when the server has removed it.
export function inspectionPhotos(insp, canDelete) {
	const all = [];
	for (const r of (insp && insp.results) || [])
		for (const p of r.photos || [])
			all.push({ code: r.code, url: p.url });
	if (!all.length)
		return null;
	return h('div', { class: 'thumbs', 'data-testid': 'inspection-photos' }, all.map((p, i) => {
		const alt = t('inspect.photo') + ' ' + (i + 1) + ': ' + itemText(p.code);
		const box = h('span', { class: 'thumb-box', 'data-photo': p.url },
			h('a', { class: 'thumb', href: p.url, target: '_blank', rel: 'noopener' },
				h('img', { src: p.url, alt, width: 72, height: 72, loading: 'lazy' })));
		if (canDelete) {
			const err = h('span', { class: 'field-error', role: 'alert', hidden: true });
			const btn = h('button', { type: 'button', class: 'btn btn-link btn-small', 'data-testid': 'photo-delete', 'aria-label': t('inspect.photoRemove') + ' — ' + alt, onClick: async () => {
				if (btn.dataset.confirm !== '1') {
					btn.dataset.confirm = '1';
					btn.textContent = t('inspect.photoRemoveConfirm');
					return;
				}
				btn.disabled = true;
				try {
					await apiSend('DELETE', p.url.replace(/^\/api\/v1/, ''));
					box.remove();
				} catch (e) {
					btn.disabled = false;
					err.textContent = serverMessage(e, getLang()) || String(e.message || e);
					err.hidden = false;
				}
			} }, t('inspect.photoRemove'));
			box.appendChild(btn);
			box.appendChild(err);
		}
		return box;
	}));
}

// Both values of a conflict, field by field: for an edit what the officer
// set and what the server has now; for a result what the record was when
// the checklist was opened and what it is now.
function conflictTable(e, kind) {
	const rows = conflictRows(e);
	const edit = e.type === 'edit';
	if (!rows.length)
		return h('p', { class: 'hint' }, t('inspect.conflictNoDiff'));
	const defs = kind === 'facility' ? FACILITY_FIELDS : HOUSE_FIELDS;
	const def = (k) => defs.find((f) => f.key === k);
	const name = (k) => {
		const d = def(k);
		if (d)
			return t(d.labelKey);
		const extra = { compliance: 'inspect.f.compliance', failing_items: 'reg.failing', last_inspection_at: 'reg.lastInspection', declared_state: 'inspect.f.declared_state' };
		return extra[k] ? t(extra[k]) : k;
	};
	const show = (k, v) => {
		if (v === null || v === undefined || v === '')
			return t('reg.none');
		if (k === 'compliance')
			return label('reg.compliance.', v);
		if (k === 'failing_items')
			return (Array.isArray(v) ? v : []).map(itemText).join(', ') || t('reg.none');
		const d = def(k);
		if (d)
			return fmtValue(d, v);
		return typeof v === 'object' ? JSON.stringify(v) : String(v);
	};
	const mineLabel = t(edit ? 'inspect.conflictMine' : 'inspect.conflictOpened');
	const serverLabel = t('inspect.conflictServer');
	return h('div', { class: 'conflict-fields', 'data-testid': 'conflict-table' }, rows.map((r) => h('div', { class: 'conflict-field', 'data-field': r.field },
		h('p', { class: 'sub-label' }, name(r.field)),
		h('dl', { class: 'dl' },
			h('div', { class: 'dl-row' }, h('dt', null, mineLabel), h('dd', { class: 'mine' }, show(r.field, edit ? r.mine : r.before))),
			h('div', { class: 'dl-row' }, h('dt', null, serverLabel), h('dd', { class: 'server' }, show(r.field, r.server)))))));
}
