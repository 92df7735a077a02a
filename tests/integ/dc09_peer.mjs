// An independent DC-09 peer built on the npm package iobroker.sia (MIT):
// its frame parser, CRC, length check and AES are used to check what pccc
// sends and what our tests and load generator send. Two modes:
//
//   node dc09_peer.mjs check < cases.json
//     cases: [{"frame": hex, "reply": hex, "key": hex|null, "account": "1234"}]
//     prints [{"frame": parsed|{"error"}, "reply": {"id","crc_ok","len_ok",
//     "seq","receiver","line","account","decrypted","ts"}}]. iobroker.sia's
//     parseSIA needs a non-empty message, so replies (whose data is empty)
//     are checked with its crc16str / getcrcFormat / decrypt_hex and the
//     same header grammar.
//
//   node dc09_peer.mjs serve PORT ACCOUNTS_JSON
//     the reference receiver for benchmarks: iobroker.sia's own TCP+UDP
//     server on 127.0.0.1:PORT (stores nothing), accounts as
//     [{"accountnumber","password"?,"aes"?,"hex"?}]; prints "listening".
import { createRequire } from 'module';
import fs from 'fs';

const require = createRequire(import.meta.url);
const { sia } = require('iobroker.sia/build/lib/sia.js');

function makeSia(accounts, port) {
	const s = new sia({ host: '127.0.0.1', port: port || 0, timeout: 0 });
	s.on('error', () => {});
	s.setAccounts(accounts);
	return s;
}

function accountFor(c) {
	const a = { accountnumber: c.account };
	if (c.key) {
		a.aes = true;
		a.hex = true;
		a.password = c.key;
	}
	return a;
}

function checkReply(s, buf, key) {
	const out = { crc_ok: false, len_ok: false };
	let data = s.deleteAppendingZero(buf);
	if (s.getcrcFormat(data) !== 'hex')
		return { ...out, error: 'not a hex-CRC frame' };
	const str = data.subarray(9, data.length - 1).toString();
	const len = data.subarray(5, 9).toString().toUpperCase();
	const crc = data.subarray(1, 5).toString().toUpperCase();
	out.len_ok = `0000${str.length.toString(16)}`.slice(-4).toUpperCase() === len;
	out.crc_ok = `0000${s.crc16str(str).toString(16)}`.slice(-4).toUpperCase() === crc;
	const m = /^"(\*?[A-Z-]+)"(\d{4})(?:R([0-9A-F]*))?L([0-9A-F]*)(?:#([0-9A-F]+)|A0)?\[(.*)$/.exec(str);
	if (!m)
		return { ...out, error: 'header' };
	Object.assign(out, { id: m[1], seq: m[2], receiver: m[3] ?? null, line: m[4], account: m[5] ?? null });
	let rest = m[6];
	if (m[1].startsWith('*')) {
		const pw = Buffer.from(key, 'hex');
		const plain = s.decrypt_hex(pw, rest);
		out.decrypted = plain.substring(plain.indexOf('|') + 1);
		rest = out.decrypted;
	}
	const t = /_(\d\d:\d\d:\d\d,\d\d-\d\d-\d{4})$/.exec(rest);
	out.ts = t ? t[1] : null;
	return out;
}

function check() {
	const cases = JSON.parse(fs.readFileSync(0, 'utf8'));
	const accounts = [];
	for (const c of cases)
		if (!accounts.find((a) => a.accountnumber === c.account))
			accounts.push(accountFor(c));
	const s = makeSia(accounts);
	const res = cases.map((c) => {
		let frame;
		try {
			const p = s.parseSIA(Buffer.from(c.frame, 'hex'));
			frame = { id: p.id, seq: p.seq, act: p.act, data_message: p.data_message, ts: p.ts,
				crc_ok: p.calc_crc === p.crc, len_ok: p.calc_len === p.len };
		} catch (e) {
			frame = { error: String(e.message || e) };
		}
		return { frame, reply: checkReply(s, Buffer.from(c.reply, 'hex'), c.key) };
	});
	process.stdout.write(JSON.stringify(res));
}

function serve(port, accounts) {
	const s = makeSia(accounts, port);
	s.serverStartTCP();
	s.serverStartUDP();
	s.servertcp.on('listening', () => {
		process.stdout.write('listening\n');
	});
	process.on('SIGTERM', () => process.exit(0));
}

const [mode, a1, a2] = process.argv.slice(2);
if (mode === 'check')
	check();
else if (mode === 'serve')
	serve(Number(a1), JSON.parse(a2));
else {
	process.stderr.write('usage: dc09_peer.mjs check | serve PORT ACCOUNTS_JSON\n');
	process.exit(2);
}
