// A real OpenID Connect provider for the tests: panva's oidc-provider (OpenID
// Certified), listening on 127.0.0.1. Only the parts a deployment writes itself are
// here: the accounts (users.json), the sign-in page, and the settings. The protocol
// (discovery, authorization code with PKCE, ID tokens signed with RS256, userinfo,
// JWKS, dynamic client registration) is the library's own.
//
// Usage: node provider.mjs --port 9400
// Tests register their own client through dynamic registration (RFC 7591), so each
// can use the redirect URI of the server it started.
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: { port: { type: 'string', default: '9400' } },
});
const port = Number(args.port);
const issuer = `http://127.0.0.1:${port}`;
const users = JSON.parse(readFileSync(new URL('./users.json', import.meta.url), 'utf8'));

// A fresh RS256 key per start, as a provider that rotates keys would publish.
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
  },
  // Every client must send a PKCE challenge: a client that forgets fails here.
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, sub) {
    const user = Object.values(users).find((u) => u.sub === sub);
    if (!user) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email: user.email, email_verified: user.email_verified, name: user.name };
      },
    };
  },
});

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, message) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><h1>Test identity provider: sign in</h1>
${message ? `<p id="error">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
<label>Username <input id="username" name="username" autocomplete="username"></label>
<label>Password <input id="password" name="password" type="password"></label>
<button id="submit" type="submit">Sign in</button>
</form></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

// Consent: the workbench is the organisation's own application (as when an Entra ID
// administrator grants consent for the tenant), so the scopes it asks for are granted.
async function grantConsent(ctx, details) {
  const { prompt, params, session, grantId } = details;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId: await grant.save() } }, {
    mergeWithLastSubmission: true,
  });
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([\w-]+)$/);
  if (!match) return next();
  ctx.set('Cache-Control', 'no-store');
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.prompt.name === 'consent') return grantConsent(ctx, details);
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = loginPage(match[1]);
    return undefined;
  }
  const form = await readForm(ctx.req);
  const user = users[form.get('username') ?? ''];
  const given = Buffer.from(form.get('password') ?? '');
  const expected = Buffer.from(user?.password ?? '');
  if (!user || given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    ctx.type = 'html';
    ctx.status = 401;
    ctx.body = loginPage(match[1], 'Wrong username or password');
    return undefined;
  }
  return provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: user.sub } }, {
    mergeWithLastSubmission: false,
  });
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`test OIDC provider on ${issuer}`);
});
