// The printable door label (/print/label.html#ID — a hash, because the
// static file route refuses query parameters): reads the house ID from the
// address, checks it (js/houseid.js), shows the QR code of the
// house card (GET /api/v1/houses/ID/qr.png), the ID grouped 4-3-3 and the
// address (when the viewer may read the house), and prints on request.
import { t, getLang, applyStatic } from './i18n.js';
import { parseHouseId, formatHouseId } from './houseid.js';

async function main() {
	document.documentElement.lang = getLang();
	applyStatic(document);
	document.title = t('label.title');
	const err = document.getElementById('label-error');
	const label = document.getElementById('label');
	const id = decodeURIComponent(window.location.hash.replace(/^#(id=)?/, '')) || new URLSearchParams(window.location.search).get('id') || '';
	document.getElementById('label-print').addEventListener('click', () => window.print());
	const p = parseHouseId(id);
	if (!p.ok) {
		label.hidden = true;
		err.hidden = false;
		err.textContent = id ? t('v.houseid.' + p.error) : t('label.missing');
		return;
	}
	const shown = formatHouseId(p.id);
	const qr = document.getElementById('label-qr');
	qr.src = '/api/v1/houses/' + encodeURIComponent(p.id) + '/qr.png';
	qr.alt = t('house.qrAlt', { id: shown });
	document.getElementById('label-id').textContent = shown;
	document.title = t('label.title') + ' ' + shown;
	try {
		const res = await fetch('/api/v1/houses/' + encodeURIComponent(p.id), { credentials: 'same-origin', headers: { Accept: 'application/json' } });
		if (res.ok) {
			const house = await res.json();
			document.getElementById('label-address').textContent = house.address_text || '';
		}
	} catch (e) {
		/* the label prints without the address */
	}
	document.body.dataset.ready = '1';
}

main();
