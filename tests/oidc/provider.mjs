// A real OpenID Connect provider on loopback, standing in for the national
// eID (VNeID) in pccc's tests. It is the npm package oidc-provider with one
// registered client, one test citizen who is signed in without a form (so
// tests run headless), and a few test-only switches that make the next
// token response carry a bad ID token (forged signature, expired, wrong
// audience, wrong issuer, wrong nonce) so the relying party's checks are
// exercised end to end.
//
// Usage:
//   node tests/oidc/provider.mjs PORT --client-id ID --client-secret S \
//        --redirect-uri URI [--auth-method client_secret_basic|client_secret_post]
//        [--cccd-claim cccd] [--sub S] [--name N] [--cccd 001090012345]
//        [--phone 0912345678] [--userinfo-only]
// PORT 0 picks a free port. When ready it prints one JSON line on stdout:
// {"ready":true,"port":N,"issuer":"http://127.0.0.1:N"}.
//
// Test switches (GET, loopback only, never part of a real provider):
//   /test/mode?id_token=normal|forged|expired|wrong_aud|wrong_iss|bad_nonce|no_kid_match
//       how the ID token of the next token responses is altered
//   /test/account?sub=&name=&cccd=&phone=   the account signed in next
//   /test/stats                              counters (token calls, logins)
import http from 'node:http';
import crypto from 'node:crypto';
import { Provider } from 'oidc-provider';
import * as jose from 'jose';

function parseArgs(argv) {
	const out = { port: 0, authMethod: 'client_secret_basic', cccdClaim: 'cccd',
		sub: 'vneid-sub-0001', name: 'Nguyễn Văn An', cccd: '001090012345',
		phone: '0912345678', userinfoOnly: false };
	const rest = argv.slice(2);
	if (rest.length && !rest[0].startsWith('--'))
		out.port = Number(rest.shift());
	for (let i = 0; i < rest.length; i++) {
		const a = rest[i];
		const v = () => {
			if (i + 1 >= rest.length)
				throw new Error(`missing value after ${a}`);
			return rest[++i];
		};
		switch (a) {
		case '--port': out.port = Number(v()); break;
		case '--client-id': out.clientId = v(); break;
		case '--client-secret': out.clientSecret = v(); break;
		case '--redirect-uri': out.redirectUri = v(); break;
		case '--auth-method': out.authMethod = v(); break;
		case '--cccd-claim': out.cccdClaim = v(); break;
		case '--sub': out.sub = v(); break;
		case '--name': out.name = v(); break;
		case '--cccd': out.cccd = v(); break;
		case '--phone': out.phone = v(); break;
		case '--userinfo-only': out.userinfoOnly = true; break;
		default: throw new Error(`unknown argument ${a}`);
		}
	}
	if (!out.clientId || !out.clientSecret || !out.redirectUri)
		throw new Error('--client-id, --client-secret and --redirect-uri are required');
	if (!Number.isInteger(out.port) || out.port < 0 || out.port > 65535)
		throw new Error('bad port');
	return out;
}

const opts = parseArgs(process.argv);
const account = { sub: opts.sub, name: opts.name, cccd: opts.cccd, phone: opts.phone };
let idTokenMode = 'normal';
const stats = { token_calls: 0, logins: 0, altered: 0 };

// The provider's signing key (we hold it so the test switches can re-sign
// altered tokens with the real key) and a stranger's key for forgeries.
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
const { privateKey: strangerKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

function send(res, status, body) {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

async function alterIdToken(idToken, issuer) {
	const claims = jose.decodeJwt(idToken);
	const header = jose.decodeProtectedHeader(idToken);
	const now = Math.floor(Date.now() / 1000);
	let key = privateKey;
	let kid = header.kid;
	switch (idTokenMode) {
	case 'forged': key = strangerKey; break;
	case 'expired': claims.iat = now - 7200; claims.exp = now - 3600; break;
	case 'wrong_aud': claims.aud = 'someone-else'; break;
	case 'wrong_iss': claims.iss = issuer + '/evil'; break;
	case 'bad_nonce': claims.nonce = 'not-the-nonce'; break;
	case 'no_kid_match': kid = 'unknown-kid'; key = strangerKey; break;
	default: return idToken;
	}
	stats.altered++;
	return new jose.SignJWT(claims).setProtectedHeader({ alg: header.alg, kid, typ: header.typ })
		.sign(key);
}

function buildProvider(issuer) {
	const claims = {
		openid: ['sub'],
		profile: ['name', opts.cccdClaim],
		phone: ['phone_number', 'phone_number_verified'],
	};
	const provider = new Provider(issuer, {
		clients: [{
			client_id: opts.clientId,
			client_secret: opts.clientSecret,
			redirect_uris: [opts.redirectUri],
			grant_types: ['authorization_code'],
			response_types: ['code'],
			token_endpoint_auth_method: opts.authMethod,
		}],
		jwks: { keys: [signingJwk] },
		cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
		claims,
		scopes: ['openid', 'profile', 'phone'],
		conformIdTokenClaims: opts.userinfoOnly,
		pkce: { required: () => true },
		features: { devInteractions: { enabled: false } },
		interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
		async findAccount(ctx, sub) {
			if (sub !== account.sub)
				return undefined;
			const snapshot = { ...account };
			return {
				accountId: sub,
				async claims() {
					const c = { sub: snapshot.sub, name: snapshot.name,
						phone_number: snapshot.phone, phone_number_verified: true };
					if (snapshot.cccd !== '')
						c[opts.cccdClaim] = snapshot.cccd;
					return c;
				},
			};
		},
		renderError(ctx, out) {
			ctx.type = 'application/json';
			ctx.body = out;
		},
	});
	provider.proxy = false;
	// Alters the ID token of token responses when a test switch asks for it.
	provider.use(async (ctx, next) => {
		await next();
		if (ctx.method === 'POST' && ctx.path === '/token') {
			stats.token_calls++;
			if (ctx.status === 200 && ctx.body && ctx.body.id_token && idTokenMode !== 'normal')
				ctx.body = { ...ctx.body, id_token: await alterIdToken(ctx.body.id_token, issuer) };
		}
	});
	provider.on('server_error', (ctx, err) => console.error('server_error', err));
	return provider;
}

// The interaction: sign the test account in and grant what the client asked,
// without any form.
async function interact(provider, req, res) {
	try {
		const details = await provider.interactionDetails(req, res);
		const { prompt, params, session } = details;
		if (prompt.name === 'login') {
			stats.logins++;
			await provider.interactionFinished(req, res, { login: { accountId: account.sub } },
				{ mergeWithLastSubmission: false });
			return;
		}
		if (prompt.name === 'consent') {
			const grant = details.grantId
				? await provider.Grant.find(details.grantId)
				: new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
			const d = prompt.details;
			if (d.missingOIDCScope)
				grant.addOIDCScope(d.missingOIDCScope.join(' '));
			if (d.missingOIDCClaims)
				grant.addOIDCClaims(d.missingOIDCClaims);
			if (d.missingResourceScopes)
				for (const [ind, sc] of Object.entries(d.missingResourceScopes))
					grant.addResourceScope(ind, sc.join(' '));
			const grantId = await grant.save();
			await provider.interactionFinished(req, res, { consent: { grantId } },
				{ mergeWithLastSubmission: true });
			return;
		}
		send(res, 400, { error: 'unsupported_prompt', prompt: prompt.name });
	} catch (err) {
		send(res, 400, { error: 'interaction_failed', message: String(err && err.message) });
	}
}

function testSwitch(url, res) {
	if (url.pathname === '/test/mode') {
		const m = url.searchParams.get('id_token') || 'normal';
		const known = ['normal', 'forged', 'expired', 'wrong_aud', 'wrong_iss', 'bad_nonce', 'no_kid_match'];
		if (!known.includes(m))
			return send(res, 400, { error: 'unknown mode', known });
		idTokenMode = m;
		return send(res, 200, { id_token: idTokenMode });
	}
	if (url.pathname === '/test/account') {
		for (const k of ['sub', 'name', 'cccd', 'phone'])
			if (url.searchParams.has(k))
				account[k] = url.searchParams.get(k);
		return send(res, 200, account);
	}
	if (url.pathname === '/test/stats')
		return send(res, 200, { ...stats, id_token: idTokenMode });
	return send(res, 404, { error: 'not found' });
}

let provider = null;
let callback = null;
const server = http.createServer((req, res) => {
	if (!provider)
		return send(res, 503, { error: 'starting' });
	const url = new URL(req.url, 'http://127.0.0.1');
	if (req.method === 'GET' && url.pathname.startsWith('/interaction/'))
		return void interact(provider, req, res);
	if (req.method === 'GET' && url.pathname.startsWith('/test/'))
		return testSwitch(url, res);
	return callback(req, res);
});
server.listen(opts.port, '127.0.0.1', () => {
	const port = server.address().port;
	const issuer = `http://127.0.0.1:${port}`;
	provider = buildProvider(issuer);
	callback = provider.callback();
	process.stdout.write(JSON.stringify({ ready: true, port, issuer }) + '\n');
});
for (const sig of ['SIGTERM', 'SIGINT'])
	process.on(sig, () => {
		server.close(() => process.exit(0));
		server.closeAllConnections();
	});
