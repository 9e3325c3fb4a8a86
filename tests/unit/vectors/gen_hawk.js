#!/usr/bin/env node
// Writes hawk.json for tests/unit/test_svc_hawk.c: Authorization headers
// made by the real npm `hawk` client (v9) and temporary credentials made by
// the real taskcluster-client createTemporaryCredentials, each verified by
// the real hawk server (`hawk` field: "ok" or hawk's error message).
//
//   cd tests/unit/vectors && npm ci && node gen_hawk.js
//
// `expect` is what svc_hawk must answer. For the Hawk layer (MAC, payload
// hash, timestamp, header syntax) it is derived from hawk's own answer. For
// the Taskcluster layer (ext, certificates, authorizedScopes), which hawk
// does not see, it follows services/auth/src/signaturevalidator.js and is
// stated per case. hawk_tooltool.json (gen_tooltool_hawk.py, headers made by
// the real tooltool.py) is re-verified here with the hawk server too.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const hawk = require('hawk');
const tc = require('taskcluster-client');
const scopes = require('taskcluster-lib-scopes');

// Temporary-credential seeds are random (slugid.v4): make them repeatable so
// that regenerating gives the same file.
{
  const slugid = require('slugid');
  let n = 0;
  slugid.v4 = () => crypto.createHash('sha256').update(`seed${n++}`).digest('base64')
    .replace(/\+/g, '-').replace(/\//g, '_').slice(0, 22);
}

const NOW = 1718000000; // seconds; every header is made at NOW unless said
const SKEW = 900;
const TT = 'project:releng:services/tooltool/api';
const TS = 'project:releng:services/treestatus';

const clients = [
  { clientId: 'tester', accessToken: 'tester-access-token-0123456789abcdef',
    scopes: [`${TT}/*`] },
  { clientId: 'issuer', accessToken: 'issuer-secret-W8bHh8m1S2u6aNq0ZLqv3A',
    scopes: [`${TS}/*`, `${TT}/download/*`, 'auth:create-client:temp/*'] },
  { clientId: 'limited', accessToken: 'limited-token',
    scopes: [`${TT}/download/public`] },
  { clientId: 'sheriff-bot', accessToken: 'sheriff-bot-token',
    scopes: ['assume:project:releng:treestatus/sheriff'] },
];
const roles = [
  { roleId: 'project:releng:treestatus/sheriff',
    scopes: [`${TS}/trees/update`, `${TS}/recent_changes/revert`] },
  { roleId: 'project:releng:treestatus/admin', scopes: [`${TS}/*`] },
  { roleId: 'anonymous', scopes: [`${TT}/download/public`] },
];
const client = id => clients.find(c => c.clientId === id);
const normalize = s => scopes.normalizeScopeSet([...s].sort(scopes.scopeCompare));
const expand = s => {
  // enough for this table: one level of plain roles
  const out = [...s];
  for (const r of roles) {
    if (s.some(h => scopes.patternMatch(h, `assume:${r.roleId}`))) out.push(...r.scopes);
  }
  return normalize(out);
};
const b64json = o => Buffer.from(JSON.stringify(o)).toString('base64');

const hawkErrors = {
  'Bad mac': 'bad-mac', 'Stale timestamp': 'stale-timestamp', 'Bad payload hash': 'bad-hash',
  'Missing required payload hash': 'missing-hash', 'Unknown credentials': 'unknown-client',
};
const hawkStatus = msg => hawkErrors[msg] || 'malformed';

// Verify with the real hawk server as the auth service calls it.
const hawkVerify = async (r, key) => {
  hawk.utils.setTimeFunction(() => r.now * 1000);
  const opts = { timestampSkewSec: SKEW };
  // svc_hawk checks the body when a hash is sent, or when told to require one
  if (r.body !== null && r.body !== undefined && (r.require_hash || / hash="/.test(r.authorization))) {
    opts.payload = r.body;
  }
  try {
    await hawk.server.authenticate({ method: r.method.toUpperCase(), url: r.resource,
      host: r.host, port: r.port, authorization: r.authorization,
      contentType: r.content_type || '' }, async id => (key ? { key, algorithm: 'sha256', id } : null), opts);
    return 'ok';
  } catch (e) {
    return e.message.replace(/^Unauthorized: /, '');
  }
};

const vectors = [];
// A request: url, method, credentials {id,key}, hawk client options.
const make = (url, method, id, key, opt = {}) => {
  const { header, artifacts } = hawk.client.header(url, method, Object.assign({
    credentials: { id, key, algorithm: 'sha256' }, timestamp: NOW, nonce: 'Nc3x9q',
  }, opt));
  return { authorization: header, method, resource: artifacts.resource,
    host: artifacts.host, port: Number(artifacts.port),
    content_type: opt.contentType || null, body: opt.payload === undefined ? null : opt.payload,
    require_hash: false, now: NOW };
};
const add = (name, what, request, key, expect, config) => {
  vectors.push({ name, what, config: config || null, request, key, expect });
};
const ok = (clientId, scopeList, extra = {}) =>
  Object.assign({ status: 'ok', client_id: clientId, issuer: null, expires_ms: 0, scopes: scopeList }, extra);
const err = (status, reason) => ({ status, reason });

// ---- plain credentials ------------------------------------------------------
const t = client('tester');
const q = make('https://tooltool.example.com/sha512/4a1e?region=us-east-1&x=%2F', 'GET', t.clientId, t.accessToken);
add('get-query', 'GET with a query string, default https port', q, t.accessToken, ok('tester', [`${TT}/*`]));
add('get-query-no-query', 'the upstream bug: resource sent without the query', Object.assign({}, q, { resource: '/sha512/4a1e' }), t.accessToken, null);
add('get-query-tampered', 'query changed after signing', Object.assign({}, q, { resource: '/sha512/4a1e?region=eu-west-1&x=%2F' }), t.accessToken, null);
add('get-host-case', 'Host header in another case (hawk lowercases)', Object.assign({}, q, { host: 'TOOLTOOL.Example.COM' }), t.accessToken, ok('tester', [`${TT}/*`]));
add('get-method-case', 'method in lower case (hawk uppercases)', Object.assign({}, q, { method: 'get' }), t.accessToken, ok('tester', [`${TT}/*`]));
add('get-wrong-host', 'another host', Object.assign({}, q, { host: 'tooltool.example.org' }), t.accessToken, null);
add('get-wrong-port', 'port 80 instead of 443', Object.assign({}, q, { port: 80 }), t.accessToken, null);
add('get-wrong-method', 'HEAD instead of GET', Object.assign({}, q, { method: 'HEAD' }), t.accessToken, null);
{
  const m = q.authorization.match(/mac="([^"]+)"/)[1];
  const bad = m[0] === 'A' ? `B${m.slice(1)}` : `A${m.slice(1)}`;
  add('get-tampered-mac', 'one character of the mac changed', Object.assign({}, q, { authorization: q.authorization.replace(m, bad) }), t.accessToken, null);
}
add('get-wrong-key', 'signed with another access token', make('https://tooltool.example.com/sha512/4a1e', 'GET', 'tester', 'not-the-token'), t.accessToken, null);

const port = make('https://treestatus.example.com:8443/trees/autoland', 'PATCH', t.clientId, t.accessToken);
add('non-default-port', 'explicit port 8443', port, t.accessToken, ok('tester', [`${TT}/*`]));
add('non-default-port-wrong', 'verified against 443', Object.assign({}, port, { port: 443 }), t.accessToken, null);

// timestamps: hawk allows |ts - now| <= skew
add('ts-edge-past', `now = ts + ${SKEW}`, Object.assign({}, q, { now: NOW + SKEW }), t.accessToken, ok('tester', [`${TT}/*`]));
add('ts-stale-past', `now = ts + ${SKEW + 1}`, Object.assign({}, q, { now: NOW + SKEW + 1 }), t.accessToken, null);
add('ts-stale-future', `now = ts - ${SKEW + 1}`, Object.assign({}, q, { now: NOW - SKEW - 1 }), t.accessToken, null);

// payload
const body = '{"message": "t\u00e9st", "files": {"a.txt": {"size": 15}}}';
const post = make('http://127.0.0.1:8080/tt/upload', 'POST', t.clientId, t.accessToken,
  { payload: body, contentType: 'Application/JSON; charset=utf-8' });
add('post-payload', 'POST with a payload hash, body checked (content type parameters dropped)', post, t.accessToken, ok('tester', [`${TT}/*`]));
add('post-payload-unchecked', 'same, body not given: hash only covered by the mac', Object.assign({}, post, { body: null }), t.accessToken, ok('tester', [`${TT}/*`]));
add('post-payload-wrong-body', 'body changed', Object.assign({}, post, { body: body.replace('15', '16') }), t.accessToken, null);
add('post-payload-other-type', 'body checked as text/plain', Object.assign({}, post, { content_type: 'text/plain' }), t.accessToken, null);
add('post-payload-tampered-hash', 'hash attribute replaced (mac fails first)', Object.assign({}, post, {
  authorization: post.authorization.replace(/hash="[^"]+"/, 'hash="' + hawk.crypto.calculatePayloadHash('x', 'sha256', 'application/json') + '"'),
}), t.accessToken, null);
const nohash = make('http://127.0.0.1:8080/tt/upload', 'POST', t.clientId, t.accessToken);
add('post-missing-hash-required', 'caller requires a hash, none sent', Object.assign({}, nohash, { body: body, content_type: 'application/json', require_hash: true }), t.accessToken, null);
add('post-missing-hash-optional', 'no hash, caller does not require one', Object.assign({}, nohash, { body: body, content_type: 'application/json' }), t.accessToken, ok('tester', [`${TT}/*`]));
const empty = make('http://127.0.0.1:8080/tt/x', 'PUT', t.clientId, t.accessToken, { payload: '', contentType: '' });
add('put-empty-payload', 'empty body, no content type', empty, t.accessToken, ok('tester', [`${TT}/*`]));

// app / dlg (Oz) lines in the normalized string
add('app-dlg', 'app and dlg attributes', make('https://h.example/a', 'GET', t.clientId, t.accessToken, { app: 'app-1', dlg: 'dlg-2' }), t.accessToken, ok('tester', [`${TT}/*`]));

// unknown client, roles, anonymous
add('unknown-client', 'id not in the table', make('https://h.example/a', 'GET', 'nobody', 'x'), null, err('unknown-client', "Client with clientId 'nobody' not found"));
const sb = client('sheriff-bot');
add('roles-expanded', 'client scopes assume a role', make('https://h.example/trees', 'PATCH', sb.clientId, sb.accessToken), sb.accessToken,
  ok('sheriff-bot', expand(sb.scopes)));
add('anonymous-role', 'grant_anonymous adds assume:anonymous and its role', make('https://h.example/trees', 'PATCH', sb.clientId, sb.accessToken), sb.accessToken,
  ok('sheriff-bot', expand([...sb.scopes, 'assume:anonymous'])), { grant_anonymous: true });

// ---- header syntax (hawk's parser decides) --------------------------------------
const base = 'Hawk id="tester", ts="' + NOW + '", nonce="Nc3x9q", mac="' + q.authorization.match(/mac="([^"]+)"/)[1] + '"';
const syntax = [
  ['dup-attr', base + ', id="tester"'],
  ['unknown-attr', base + ', foo="bar"'],
  ['bad-char', base.replace('nonce="Nc3x9q"', 'nonce="Nc3\u00e9q"')],
  ['empty-value', base.replace('nonce="Nc3x9q"', 'nonce=""')],
  ['missing-mac', 'Hawk id="tester", ts="' + NOW + '", nonce="Nc3x9q"'],
  ['missing-id', 'Hawk ts="' + NOW + '", nonce="Nc3x9q", mac="x"'],
  ['no-attributes', 'Hawk'],
  ['no-attributes-space', 'Hawk   '],
  ['no-comma', base.replace('", ts=', '" ts=')],
  ['junk-after', base + ' junk'],
  ['single-quotes', base.replace('id="tester"', "id='tester'")],
  ['backslash', base.replace('nonce="Nc3x9q"', 'nonce="Nc3\\x9q"')],
  ['trailing-comma', base + ', '],
  ['lowercase-scheme', base.replace(/^Hawk/, 'hawk')],
  ['spaces-around', base.replace(/, /g, ' ,  ')],
];
const accepted = ['trailing-comma', 'lowercase-scheme', 'spaces-around'];
for (const [name, authorization] of syntax) {
  add(`syntax-${name}`, 'header syntax', Object.assign({}, q, { authorization }), t.accessToken,
    accepted.includes(name) ? ok('tester', [`${TT}/*`]) : null);
}
add('syntax-not-hawk', 'another scheme', Object.assign({}, q, { authorization: 'Bearer abc' }), t.accessToken, err('not-hawk', null));
add('syntax-too-long', 'longer than 4096', Object.assign({}, q, { authorization: base + ', ext="' + 'a'.repeat(4100) + '"' }), t.accessToken, null);

// ---- Taskcluster ext (hawk does not look inside; expectations per the auth service)
const iss = client('issuer');
const start = new Date((NOW - 60) * 1000);
const expiry = new Date((NOW + 3600) * 1000);
const withExt = (url, method, id, key, ext) => make(url, method, id, key, { ext: b64json(ext) });

add('authorized-scopes', 'ext.authorizedScopes narrows the scopes',
  withExt('https://h.example/x?y=1', 'GET', t.clientId, t.accessToken, { authorizedScopes: [`${TT}/download/public`] }),
  t.accessToken, ok('tester', [`${TT}/download/public`]));
add('authorized-scopes-empty', 'authorizedScopes [] leaves no scope',
  withExt('https://h.example/x', 'GET', t.clientId, t.accessToken, { authorizedScopes: [] }), t.accessToken, ok('tester', []));
add('authorized-scopes-exceed', 'authorizedScopes not held',
  withExt('https://h.example/x', 'GET', 'limited', 'limited-token', { authorizedScopes: [`${TT}/manage`] }), 'limited-token',
  err('insufficient-scopes', `Supplied credentials do not satisfy authorizedScopes (missing "${TT}/manage")`));
add('authorized-scopes-via-anonymous', 'authorizedScopes satisfied only thanks to assume:anonymous',
  withExt('https://h.example/x', 'GET', sb.clientId, sb.accessToken, { authorizedScopes: [`${TT}/download/public`] }), sb.accessToken,
  ok('sheriff-bot', expand([`${TT}/download/public`, 'assume:anonymous'])), { grant_anonymous: true });
add('authorized-scopes-role', 'authorizedScopes naming a role the client may assume',
  withExt('https://h.example/x', 'GET', sb.clientId, sb.accessToken, { authorizedScopes: ['assume:project:releng:treestatus/sheriff'] }), sb.accessToken,
  ok('sheriff-bot', expand(['assume:project:releng:treestatus/sheriff'])));
add('authorized-scopes-not-array', 'authorizedScopes is a string',
  withExt('https://h.example/x', 'GET', t.clientId, t.accessToken, { authorizedScopes: 'x' }), t.accessToken,
  err('bad-ext', 'ext.authorizedScopes must be an array'));
if (!/[+/]/.test(Buffer.from(JSON.stringify({ authorizedScopes: [`${TT}/download/internal`], pad: '??>>' })).toString('base64'))) {
  throw new Error('ext-urlsafe does not exercise the URL-safe alphabet');
}
add('ext-urlsafe', 'ext in URL-safe base64 without padding (Python client)',
  make('https://h.example/x', 'GET', t.clientId, t.accessToken, {
    ext: Buffer.from(JSON.stringify({ authorizedScopes: [`${TT}/download/internal`], pad: '??>>' })).toString('base64')
      .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') }),
  t.accessToken, ok('tester', [`${TT}/download/internal`]));
add('ext-not-base64', 'plain hawk ext (not Taskcluster JSON)',
  make('https://h.example/x', 'GET', t.clientId, t.accessToken, { ext: 'some-app-ext-data' }), t.accessToken,
  err('bad-ext', 'Failed to parse ext'));
add('ext-not-json', 'base64 of something that is not JSON',
  make('https://h.example/x', 'GET', t.clientId, t.accessToken, { ext: Buffer.from('{nope').toString('base64') }), t.accessToken,
  err('bad-ext', 'Failed to parse ext'));

// temporary credentials from the real client library
const tempUnnamed = tc.createTemporaryCredentials({ credentials: { clientId: iss.clientId, accessToken: iss.accessToken },
  start, expiry, scopes: [`${TS}/trees/update`, `${TT}/download/public`] });
const certU = JSON.parse(tempUnnamed.certificate);
add('temp-unnamed', 'temporary credentials, unnamed (clientId = issuer)',
  withExt('https://h.example/trees?a=b', 'PATCH', tempUnnamed.clientId, tempUnnamed.accessToken, { certificate: certU }),
  tempUnnamed.accessToken, ok('issuer', normalize(certU.scopes), { issuer: 'issuer', expires_ms: certU.expiry }));
const tempNamed = tc.createTemporaryCredentials({ clientId: 'temp/worker-1',
  credentials: { clientId: iss.clientId, accessToken: iss.accessToken },
  start, expiry, scopes: [`${TS}/recent_changes/revert`] });
const certN = JSON.parse(tempNamed.certificate);
add('temp-named', 'named temporary credentials (issuer has auth:create-client:temp/*)',
  withExt('https://h.example/stack/3', 'DELETE', tempNamed.clientId, tempNamed.accessToken, { certificate: certN }),
  tempNamed.accessToken, ok('temp/worker-1', certN.scopes, { issuer: 'issuer', expires_ms: certN.expiry }));
add('temp-named-authorized', 'named temporary credentials + authorizedScopes',
  withExt('https://h.example/stack/3', 'DELETE', tempNamed.clientId, tempNamed.accessToken,
    { certificate: certN, authorizedScopes: [`${TS}/recent_changes/*`] }),
  tempNamed.accessToken, err('insufficient-scopes', `Supplied credentials do not satisfy authorizedScopes (missing "${TS}/recent_changes/*")`));
add('temp-named-authorized-ok', 'named temporary credentials + narrower authorizedScopes',
  withExt('https://h.example/stack/3', 'DELETE', tempNamed.clientId, tempNamed.accessToken,
    { certificate: certN, authorizedScopes: [`${TS}/recent_changes/revert`] }),
  tempNamed.accessToken, ok('temp/worker-1', [`${TS}/recent_changes/revert`], { issuer: 'issuer', expires_ms: certN.expiry }));
add('temp-named-wrong-id', 'named certificate used under another clientId (issuer may create it)',
  withExt('https://h.example/x', 'GET', 'temp/worker-2', tempNamed.accessToken, { certificate: certN }),
  tempNamed.accessToken, err('bad-certificate', 'ext.certificate.signature is not valid, or wrong clientId provided'));
add('temp-bad-signature', 'certificate signature altered',
  withExt('https://h.example/x', 'GET', tempUnnamed.clientId, tempUnnamed.accessToken,
    { certificate: Object.assign({}, certU, { signature: certN.signature }) }),
  tempUnnamed.accessToken, err('bad-certificate', 'ext.certificate.signature is not valid'));
add('temp-scopes-altered', 'certificate scopes changed after signing (still within the issuer)',
  withExt('https://h.example/x', 'GET', tempUnnamed.clientId, tempUnnamed.accessToken,
    { certificate: Object.assign({}, certU, { scopes: [`${TS}/*`] }) }),
  tempUnnamed.accessToken, err('bad-certificate', 'ext.certificate.signature is not valid'));
add('temp-wrong-key', 'temporary certificate, request signed with the issuer token',
  withExt('https://h.example/x', 'GET', tempUnnamed.clientId, iss.accessToken, { certificate: certU }),
  tempUnnamed.accessToken, null);
{
  const cu = tc.createTemporaryCredentials({ credentials: { clientId: iss.clientId, accessToken: iss.accessToken },
    start: new Date((NOW - 7200) * 1000), expiry: new Date((NOW - 301) * 1000), scopes: [] });
  const c = JSON.parse(cu.certificate);
  add('temp-expired', 'certificate expired more than 5 minutes ago',
    withExt('https://h.example/x', 'GET', cu.clientId, cu.accessToken, { certificate: c }), cu.accessToken,
    err('certificate-time', 'ext.certificate.expiry < now'));
  const cg = tc.createTemporaryCredentials({ credentials: { clientId: iss.clientId, accessToken: iss.accessToken },
    start: new Date((NOW - 7200) * 1000), expiry: new Date((NOW - 299) * 1000), scopes: [] });
  const g = JSON.parse(cg.certificate);
  add('temp-expired-grace', 'expired less than 5 minutes ago (auth service tolerance)',
    withExt('https://h.example/x', 'GET', cg.clientId, cg.accessToken, { certificate: g }), cg.accessToken,
    ok('issuer', [], { issuer: 'issuer', expires_ms: g.expiry }));
  const cf = tc.createTemporaryCredentials({ credentials: { clientId: iss.clientId, accessToken: iss.accessToken },
    start: new Date((NOW + 301) * 1000), expiry: new Date((NOW + 7200) * 1000), scopes: [] });
  const f = JSON.parse(cf.certificate);
  add('temp-not-yet', 'certificate starts more than 5 minutes from now',
    withExt('https://h.example/x', 'GET', cf.clientId, cf.accessToken, { certificate: f }), cf.accessToken,
    err('certificate-time', 'ext.certificate.start > now'));
  const cx = tc.createTemporaryCredentials({ credentials: { clientId: iss.clientId, accessToken: iss.accessToken },
    start, expiry, scopes: [`${TT}/manage`] });
  const x = JSON.parse(cx.certificate);
  add('temp-scopes-exceed', 'certificate scopes beyond the issuer\'s',
    withExt('https://h.example/x', 'GET', cx.clientId, cx.accessToken, { certificate: x }), cx.accessToken,
    err('insufficient-scopes', `ext.certificate issuer \`issuer\` doesn't satisfy all certificate scopes ${TT}/manage.  The temporary credentials were not generated correctly.`));
  const cn = tc.createTemporaryCredentials({ clientId: 'other/name',
    credentials: { clientId: iss.clientId, accessToken: iss.accessToken }, start, expiry, scopes: [] });
  const n = JSON.parse(cn.certificate);
  add('temp-named-no-create-scope', 'issuer lacks auth:create-client:<name>',
    withExt('https://h.example/x', 'GET', cn.clientId, cn.accessToken, { certificate: n }), cn.accessToken,
    err('insufficient-scopes', 'ext.certificate issuer `issuer` doesn\'t have `auth:create-client:other/name` for supplied clientId.'));
  const cl = tc.createTemporaryCredentials({ clientId: 'temp/x',
    credentials: { clientId: 'ghost', accessToken: 'ghost-token' }, start, expiry, scopes: [] });
  add('temp-unknown-issuer', 'certificate issuer not in the table',
    withExt('https://h.example/x', 'GET', cl.clientId, cl.accessToken, { certificate: JSON.parse(cl.certificate) }), cl.accessToken,
    err('unknown-client', "Client with clientId 'ghost' not found"));
  add('temp-issuer-is-id', 'certificate issuer equal to the clientId',
    withExt('https://h.example/x', 'GET', 'issuer', tempNamed.accessToken, { certificate: certN }), tempNamed.accessToken,
    err('bad-certificate', 'ext.certificate.issuer must differ from the supplied clientId'));
  // Hand-made certificates for checks that come before the signature.
  const long = Object.assign({}, certU, { start: (NOW - 60) * 1000, expiry: (NOW - 60) * 1000 + 31 * 86400000 + 1 });
  add('temp-too-long', 'certificate spanning more than 31 days',
    withExt('https://h.example/x', 'GET', 'issuer', tempUnnamed.accessToken, { certificate: long }), tempUnnamed.accessToken,
    err('bad-certificate', 'ext.certificate cannot last longer than 31 days!'));
  add('temp-short-seed', 'seed not 44 characters',
    withExt('https://h.example/x', 'GET', 'issuer', tempUnnamed.accessToken, { certificate: Object.assign({}, certU, { seed: 'short' }) }),
    tempUnnamed.accessToken, err('bad-certificate', 'ext.certificate.seed must be 44 characters'));
  add('temp-version-2', 'certificate version 2',
    withExt('https://h.example/x', 'GET', 'issuer', tempUnnamed.accessToken, { certificate: Object.assign({}, certU, { version: 2 }) }),
    tempUnnamed.accessToken, err('bad-certificate', 'ext.certificate.version must be 1'));
  add('temp-clientid-unnamed', 'clientId in an unnamed certificate',
    withExt('https://h.example/x', 'GET', 'issuer', tempUnnamed.accessToken, { certificate: Object.assign({}, certU, { clientId: 'x' }) }),
    tempUnnamed.accessToken, err('bad-certificate', 'ext.certificate.clientId must only be used with ext.certificate.issuer'));
  add('temp-cert-string', 'certificate left as a JSON string',
    withExt('https://h.example/x', 'GET', 'issuer', tempUnnamed.accessToken, { certificate: tempUnnamed.certificate }),
    tempUnnamed.accessToken, err('bad-certificate', 'ext.certificate must be a JSON object'));
}

// ---- building blocks: normalized string, mac, payload hash ---------------------
const blocks = { normalized: [], payload: [] };
for (const [opts, key] of [
  [{ ts: NOW, nonce: 'abc', method: 'get', resource: '/r?a=1', host: 'Example.COM', port: 8080 }, 'k1'],
  [{ ts: NOW, nonce: 'n', method: 'POST', resource: '/', host: 'h', port: 443, hash: 'aGFzaA==', ext: 'a\\b\nc' }, 'k2'],
  [{ ts: 1, nonce: 'n', method: 'PUT', resource: '/x', host: 'h', port: 80, app: 'ap', dlg: '' }, 'k3'],
  // absolute-form request targets: hawk signs their path (and query)
  [{ ts: 2, nonce: 'n', method: 'GET', resource: 'http://Example.com/abs?x=1', host: 'h', port: 80 }, 'k4'],
  [{ ts: 2, nonce: 'n', method: 'GET', resource: 'http://example.com?x=1', host: 'h', port: 80 }, 'k4'],
  [{ ts: 2, nonce: 'n', method: 'GET', resource: 'https://u:p@example.com:81/a/b#frag', host: 'h', port: 81 }, 'k4'],
  [{ ts: 2, nonce: 'n', method: 'GET', resource: 'http://example.com', host: 'h', port: 80 }, 'k4'],
]) {
  blocks.normalized.push({ attrs: { ts: String(opts.ts), nonce: opts.nonce, hash: opts.hash || null, ext: opts.ext || null,
    app: opts.app || null, dlg: opts.dlg || null }, method: opts.method, resource: opts.resource, host: opts.host,
  port: opts.port, key, normalized: hawk.crypto.generateNormalizedString('header', opts),
  mac: hawk.crypto.calculateMac('header', { key, algorithm: 'sha256' }, opts) });
}
for (const [ct, b] of [['application/json', '{"a":1}'], [' Text/Plain ; charset=x', 'h\u00e9llo\n'], ['', ''],
  [null, 'x'], ['APPLICATION/OCTET-STREAM', '\u0000\u0001']]) {
  blocks.payload.push({ content_type: ct, body: b, hash: hawk.crypto.calculatePayloadHash(b, 'sha256', ct) });
}

const main = async () => {
  for (const v of vectors) {
    v.hawk = await hawkVerify(v.request, v.key);
    if (v.expect === null) {
      // Hawk-layer case: hawk's answer is the expectation
      if (v.hawk === 'ok') throw new Error(`${v.name}: hawk accepts it`);
      v.expect = err(hawkStatus(v.hawk), v.hawk);
    } else if (v.hawk !== 'ok' && !['not-hawk', 'unknown-client'].includes(v.expect.status)) {
      throw new Error(`${v.name}: hawk says ${v.hawk}`);
    }
    delete v.key;
  }
  const ttFile = path.join(__dirname, 'hawk_tooltool.json');
  if (fs.existsSync(ttFile)) {
    const tt = JSON.parse(fs.readFileSync(ttFile, 'utf8'));
    for (const v of tt.vectors) {
      const r = await hawkVerify(v.request, tt.client.accessToken);
      if (r !== 'ok') throw new Error(`tooltool.py vector ${v.name}: hawk says ${r}`);
    }
    console.log(`hawk server accepts the ${tt.vectors.length} tooltool.py headers`);
  }
  const doc = { generated_by: `tests/unit/vectors/gen_hawk.js with hawk ${require('hawk/package.json').version}, ` +
      `taskcluster-client ${require('taskcluster-client/package.json').version}`,
  skew: SKEW, clients, roles, normalized: blocks.normalized, payload: blocks.payload, vectors };
  const body = Object.entries(doc).map(([k, v]) => `${JSON.stringify(k)}: ` +
    (Array.isArray(v) ? `[\n${v.map(x => JSON.stringify(x)).join(',\n')}\n]` : JSON.stringify(v)));
  fs.writeFileSync(path.join(__dirname, 'hawk.json'), `{\n${body.join(',\n')}\n}\n`);
  console.log(`wrote hawk.json: ${vectors.length} vectors, ${blocks.normalized.length} normalized, ${blocks.payload.length} payload`);
};
main().catch(e => { console.error(e); process.exit(1); });
