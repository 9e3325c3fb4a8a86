#!/usr/bin/env node
// Writes scopes.json: Taskcluster scope semantics as computed by the real
// taskcluster-lib-scopes (v11), for tests/unit/test_svc_scopes.c.
//
//   cd tests/unit/vectors && npm ci && node gen_scopes.js
//
// taskcluster-lib-scopes has no role expansion (that lives in the auth
// service, services/auth/src/trie.js), so the "roles" section holds the
// auth service's own test table (services/auth/test/trietestcases.js)
// rewritten as roles, plus the cases from our specs. If TC_TRIE points at a
// copy of that trie.js (ES module exporting build/execute/withPrefix/
// dependencyOrdering), the expectations of every role case, plus a set of
// random role tables, are recomputed by it; otherwise the random section
// already in scopes.json is kept.
'use strict';
const fs = require('fs');
const path = require('path');
const scopes = require('taskcluster-lib-scopes');

const OUT = path.join(__dirname, 'scopes.json');

// Deterministic PRNG (mulberry32) so regenerating gives the same file.
const rng = (seed => () => {
  seed = (seed + 0x6D2B79F5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
})(20240611);
const pick = a => a[Math.floor(rng() * a.length)];

const normalize = s => scopes.normalizeScopeSet([...s].sort(scopes.scopeCompare));

// ---- scopeMatch / patternMatch on a grid ----------------------------------
const TT = 'project:releng:services/tooltool/api';
const grid = ['', '*', 'a', 'a*', 'ab', 'ab*', 'abc', 'b', 'a**', '**',
  'assume:x', 'assume:*', 'assume:x*', `${TT}/download/public`,
  `${TT}/download/*`, `${TT}/*`, 'project:releng:services/*',
  `${TT}/download/internal`, `${TT}/manage`, 'x y', 'x *'];
const match = [];
for (const held of grid) {
  for (const required of grid) {
    match.push([held, required, scopes.patternMatch(held, required)]);
  }
}

// ---- satisfiesExpression / removeGivenScopes ------------------------------
const dl = `${TT}/download`;
const up = `${TT}/upload`;
const mg = `${TT}/manage`;
const TS = 'project:releng:services/treestatus';
const spec = [
  // tooltool.md 6.I (I3/I4/I5) and 4.1
  [[`${dl}/public`, `${up}/internal`], mg],
  [[mg], mg],
  [[`${TT}/*`], mg], [[`${TT}/*`], `${up}/internal`], [[`${TT}/*`], `${dl}/internal`],
  [['project:releng:services/*'], mg], [['project:releng:services/*'], `${dl}/internal`],
  [['*'], mg], [['*'], `${up}/public`],
  [[`${dl}/*`], mg], [[`${dl}/*`], `${dl}/internal`], [[`${dl}/*`], `${dl}/public`],
  [[`${dl}/internal`], `${dl}/public`], // internal never implies public
  [[`${up}/internal`], `${up}/public`],
  [[`${TT}`], mg], [[`${TT}*`], mg], [[], mg],
  // treestatus.md 4.4
  [[`${TS}/trees/update`], `${TS}/trees/update`],
  [[`${TS}/trees/update`], `${TS}/trees/create`],
  [[`${TS}/*`], `${TS}/recent_changes/revert`],
  [['project:releng:treestatus/*'], 'project:releng:treestatus/trees/delete'],
  [['project:releng:treestatus/trees/update'], 'project:releng:treestatus/trees/delete'],
];
const exprs = [
  { AnyOf: [{ AllOf: ['a', 'b'] }, 'c'] },
  { AllOf: ['a', { AnyOf: ['b', 'c'] }] },
  { AnyOf: [] }, { AllOf: [] },
  { AllOf: [{ AnyOf: [] }] }, { AnyOf: [{ AllOf: [] }] },
  { AllOf: ['a*', 'ab', { AnyOf: ['x', 'y', { AllOf: ['z', 'zz'] }] }] },
  { AnyOf: ['assume:role', { AllOf: ['q:1', 'q:2'] }] },
];
const helds = [[], ['a'], ['b'], ['c'], ['a', 'b'], ['a*'], ['*'], ['ab'],
  ['a', 'z', 'zz'], ['a*', 'y'], ['q:*'], ['q:1'], ['assume:role'], ['z*', 'a*']];
const satisfy = [];
for (const [held, required] of spec) {
  satisfy.push({ held, expr: required, legacy: null,
    satisfied: scopes.satisfiesExpression(held, required),
    missing: scopes.removeGivenScopes(held, required) });
}
for (const expr of exprs) {
  for (const held of helds) {
    satisfy.push({ held, expr, legacy: null,
      satisfied: scopes.satisfiesExpression(held, expr),
      missing: scopes.removeGivenScopes(held, expr) });
  }
}
// The older "any-of of all-of" form, as taskcluster.utils.scopeMatch takes.
const legacy = [[['a', 'b'], ['c']], [], [[]], [['a*'], ['b', 'c']], [['x']]];
for (const sets of legacy) {
  const expr = { AnyOf: sets.map(s => ({ AllOf: s })) };
  for (const held of helds) {
    satisfy.push({ held, expr: null, legacy: sets,
      satisfied: scopes.satisfiesExpression(held, expr),
      missing: scopes.removeGivenScopes(held, expr) });
  }
}

// ---- scopeCompare and normalization ---------------------------------------
const alphabet = ['', '*', 'a', 'a*', 'aa', 'aa*', 'ab', 'a(', 'a)*', 'b', 'b*',
  'ba', 'a**', 'q:1', 'q:*', 'q:', 'q:1*', 'Z', ' '];
const compare = [];
for (const a of alphabet) {
  for (const b of alphabet) {
    compare.push([a, b, Math.sign(scopes.scopeCompare(a, b))]);
  }
}
const normal = [];
normal.push({ input: ['*', '', 'a(', 'b', 'a', 'aa', 'a*'],
  output: normalize(['*', '', 'a(', 'b', 'a', 'aa', 'a*']) });
normal.push({ input: ['a', 'a*', 'ab', 'b'], output: normalize(['a', 'a*', 'ab', 'b']) });
for (let i = 0; i < 60; i++) {
  const n = Math.floor(rng() * 8);
  const input = [];
  for (let k = 0; k < n; k++) {
    input.push(pick(alphabet));
  }
  normal.push({ input, output: normalize(input) });
}
// scopeUnion: both sides normalized, merged (mergeScopeSets)
const union = [];
for (let i = 0; i < 30; i++) {
  const a = [], b = [];
  for (let k = Math.floor(rng() * 6); k > 0; k--) a.push(pick(alphabet));
  for (let k = Math.floor(rng() * 6); k > 0; k--) b.push(pick(alphabet));
  union.push({ a: [...a], b: [...b], output: scopes.scopeUnion(a, b) });
}

// ---- roles ------------------------------------------------------------------
// Taskcluster's trie test table (services/auth/test/trietestcases.js): rules
// `pattern -> scopes` over one namespace. As roles, pattern P is role id P
// and every granted scope S becomes `assume:S`, which keeps the chaining
// (and `<..>`) exactly; expanding {assume:I} must give assume:I plus
// assume:R for every listed result R, normalized.
const trieCases = [
  ['simple', { a: ['A'], b: ['B', 'C'] },
    { a: ['A'], b: ['B', 'C'], c: [], '*': ['A', 'B', 'C'] }],
  ['parameterized direct', { a: ['A'], b: ['B', 'C'], 'c*': ['C'], 'd*': ['D<..>'], 'e*': ['E<..>F'] },
    { a: ['A'], b: ['B', 'C'], c: ['C'], cccc: ['C'], cX: ['C'], 'c*': ['C'], dX: ['DX'],
      dXYZ: ['DXYZ'], 'd*': ['D*'], 'dXY*': ['DXY*'], eX: ['EXF'], eXYZ: ['EXYZF'],
      'e*': ['E*'], 'eXY*': ['EXY*'], q: [], '*': ['A', 'B', 'C', 'D*', 'E*'] }],
  ['star', { 'a*a': ['A'] },
    { a: [], 'a*': ['A'], 'a*a': ['A'], 'a*a*': ['A'], 'a*aa*': [], b: [], '': [], '*': ['A'] }],
  ['parameterized indirect', { 'a:*': ['q<..>'], a: ['b'], b: ['cc', 'eX*'], 'c*': ['dYY'],
    'd*': ['eZZZ'], 'e*': ['f<..>g'], 'ff*': ['h<..>j*'], hej: ['hello'], hej2: ['hello2'],
    'h*': ['H'], 'q*': ['Q'] },
  { a: ['b', 'cc', 'dYY', 'eZZZ', 'fZZZg', 'eX*', 'fX*'], aa: [], 'a:a': ['qa', 'Q'],
    'a:aa': ['qaa', 'Q'], z: [], 'eU*': ['fU*'], 'e*': ['f*', 'h*', 'hello', 'hello2', 'H'],
    e123: ['f123g'], eU: ['fUg'], hej: ['hello', 'H'], hej2: ['hello2', 'H'], hh: ['H'],
    efy: ['ffyg', 'hygj*', 'H'], 'ef*': ['ff*', 'h*', 'H'], ffe: ['hej*', 'hello', 'hello2', 'H'],
    'f*': ['h*', 'H'], ff: ['hj*', 'H'],
    '*': ['q*', 'b', 'cc', 'eX*', 'dYY', 'eZZZ', 'f*', 'h*', 'H', 'Q'] }],
  ['pattern hierarchy', { 'a*': ['A'], 'aa*': ['AA'], 'aaa*': ['AAA'], 'ab*': ['AB'], 'abc*': ['ABC'] },
    { a: ['A'], aa: ['A', 'AA'], aaa: ['A', 'AA', 'AAA'], aaaa: ['A', 'AA', 'AAA'],
      'aa*': ['A', 'AA', 'AAA'], ab: ['A', 'AB'], abc: ['A', 'AB', 'ABC'],
      abcd: ['A', 'AB', 'ABC'], 'ab*': ['A', 'AB', 'ABC'], 'a*': ['A', 'AA', 'AAA', 'AB', 'ABC'] }],
  ['prefix-parameterized hierarchy', { 'a*': ['A<..>'], 'aa*': ['AA<..>'], 'aaa*': ['AAA<..>'],
    'ab*': ['AB<..>'], 'abc*': ['ABC<..>'] },
  { a: ['A'], aa: ['Aa', 'AA'], aaa: ['Aaa', 'AAa', 'AAA'], aaaa: ['Aaaa', 'AAaa', 'AAAa'],
    'aa*': ['Aa*', 'AA*'], ab: ['Ab', 'AB'], abc: ['Abc', 'ABc', 'ABC'],
    abcd: ['Abcd', 'ABcd', 'ABCd'], 'ab*': ['Ab*', 'AB*'], 'a*': ['A*'] }],
  ['parameterized hierarchy', { 'a*': ['A<..>X'], 'aa*': ['AA<..>X'], 'aaa*': ['AAA<..>X'],
    'ab*': ['AB<..>X'], 'abc*': ['ABC<..>X'] },
  { a: ['AX'], aa: ['AaX', 'AAX'], aaa: ['AaaX', 'AAaX', 'AAAX'],
    aaaa: ['AaaaX', 'AAaaX', 'AAAaX'], 'aa*': ['Aa*', 'AA*'], ab: ['AbX', 'ABX'],
    abc: ['AbcX', 'ABcX', 'ABCX'], abcd: ['AbcdX', 'ABcdX', 'ABCdX'], 'ab*': ['Ab*', 'AB*'],
    'a*': ['A*'] }],
  ['parameterized kleene hierarchy', { 'a*': ['A<..>*'], 'aa*': ['AA<..>*'], 'aaa*': ['AAA<..>*'],
    'ab*': ['AB<..>*'], 'abc*': ['ABC<..>*'] },
  { a: ['A*'], aa: ['Aa*', 'AA*'], aaa: ['Aaa*', 'AAa*', 'AAA*'], aaaa: ['Aaaa*', 'AAaa*', 'AAAa*'],
    'aa*': ['Aa*', 'AA*'], ab: ['Ab*', 'AB*'], abc: ['Abc*', 'ABc*', 'ABC*'],
    abcd: ['Abcd*', 'ABcd*', 'ABCd*'], 'ab*': ['Ab*', 'AB*'], 'a*': ['A*'] }],
  ['parameterized suffixed kleene hierarchy', { 'a*': ['A<..>X*'], 'aa*': ['AA<..>X*'],
    'aaa*': ['AAA<..>X*'], 'ab*': ['AB<..>X*'], 'abc*': ['ABC<..>X*'] },
  { a: ['AX*'], aa: ['AaX*', 'AAX*'], aaa: ['AaaX*', 'AAaX*', 'AAAX*'],
    aaaa: ['AaaaX*', 'AAaaX*', 'AAAaX*'], 'aa*': ['Aa*', 'AA*'], ab: ['AbX*', 'ABX*'],
    abc: ['AbcX*', 'ABcX*', 'ABCX*'], abcd: ['AbcdX*', 'ABcdX*', 'ABCdX*'], 'ab*': ['Ab*', 'AB*'],
    'a*': ['A*'] }],
  ['acyclic parameterized rules', { a: ['START'], 'aaa*': ['bb<..>BB'], 'b*': ['ccc<..>*'],
    'cc*': ['dd<..>C'], ddcbXBB: ['C'], 'dd*': ['eee<..>D*'], ddXC: ['hello-world', 'you-made-it'] },
  { a: ['START'], aaaX: ['bbXBB', 'cccbXBB*', 'ddcbXBB*', 'C', 'eeecbXBB*'],
    ccX: ['ddXC', 'eeeXCD*', 'hello-world', 'you-made-it'], ddd: ['eeedD*'] }],
  ['acyclic parameterized matching pattern', { 'a*': ['bb<..>BB'], 'b*': ['cc<..>*'],
    'c*': ['dd<..>C'], ddcbXBB: ['C'] },
  { aX: ['bbXBB', 'ccbXBB*', 'ddcbXBB*', 'C'] }],
  ['no rules', {}, { '': [], a: [], '*': [], 'abc*': [] }],
  ['simple rules', { a: ['A1', 'A2'], b: ['B1', 'B2'] },
    { '': [], '*': ['A1', 'A2', 'B1', 'B2'], a: ['A1', 'A2'], 'a*': ['A1', 'A2'], b: ['B1', 'B2'],
      'b*': ['B1', 'B2'], ab: [] }],
  ['simple rules in a DAG', { a: ['c'], b: ['c'], c: ['D'] },
    { '': [], c: ['D'], a: ['c', 'D'], b: ['c', 'D'], '*': ['c', 'D'], 'a*': ['c', 'D'], 'b*': ['c', 'D'] }],
  ['prefix matching rules in a DAG', { 'a*': ['c'], 'b*': ['c'], 'c*': ['D'] },
    { '': [], c: ['D'], a: ['c', 'D'], b: ['c', 'D'], '*': ['c', 'D'], 'a*': ['c', 'D'], 'b*': ['c', 'D'] }],
  ['parameterized role DAG', { 'a*': ['c<..>A'], 'b*': ['c<..>B*'], 'c*': ['e<..>'] },
    { a: ['cA', 'eA'], abc: ['cbcA', 'ebcA'], bXYX: ['cXYXB*', 'eXYXB*'] }],
  ['chain of rules', { a: ['b'], b: ['c'], c: ['d'], d: ['e'], e: ['f'], f: ['g'], g: ['abc'],
    abc: ['1'], 1: ['12'], 12: ['123'], 123: ['1234'], 1234: ['12345'], 12345: ['GOAL'], num: ['1*'] },
  { a: ['b', 'c', 'd', 'e', 'f', 'g', 'abc', '1', '12', '123', '1234', '12345', 'GOAL'],
    d: ['e', 'f', 'g', 'abc', '1', '12', '123', '1234', '12345', 'GOAL'],
    abc: ['1', '12', '123', '1234', '12345', 'GOAL'], 1: ['12', '123', '1234', '12345', 'GOAL'],
    num: ['1*', 'GOAL'], 'num*': ['1*', 'GOAL'], 'n*': ['1*', 'GOAL'], '???': [] }],
  ['hierarchy of chained rules', { a: ['A'], aa: ['AA'], aaa: ['AAA'], 'a*': ['A_'], 'aa*': ['AA_'], 'aaa*': ['AAA_'] },
    { a: ['A', 'A_'], aaaa: ['AAA_', 'AA_', 'A_'], aaa: ['A_', 'AA_', 'AAA_', 'AAA'] }],
  ['chain of star-rules', { a: ['b'], b: ['c*'], c: ['d--'], 'd*': ['e*YY'], 'e**': ['f'], f: ['g'],
    g: ['abc'], abc: ['1'], 1: ['12'], 12: ['123*'], 123: ['1234'], 1234: ['12345'], 12345: ['GOAL'],
    num: ['1*'] },
  { a: ['b', 'c*', 'd--', 'e*YY', 'f', 'g', 'abc', '1', '12', '123*', 'GOAL'],
    d: ['e*YY', 'f', 'g', 'abc', '1', '12', '123*', 'GOAL'], abc: ['1', '12', '123*', 'GOAL'],
    1: ['12', '123*', 'GOAL'], num: ['1*', 'GOAL'], 'num*': ['1*', 'GOAL'], 'n*': ['1*', 'GOAL'],
    '???': [] }],
  ['chain of parameterized rules', { 'aa*': ['b<..>C'], bb: ['cYY'], 'c*': ['d**/<..>/'] },
    { a: [], '???': [], aa: ['bC'], aab: ['bbC'], 'aab*': ['bb*', 'cYY', 'd**/YY/'],
      'a*': ['b*', 'cYY', 'd**/YY/'], 'aa*': ['b*', 'cYY', 'd**/YY/'], '*': ['b*', 'cYY', 'd**/*'] }],
  ['parameterized rules matches simple rule', { 'aa*': ['b<..>C'], bb: ['cYY'] },
    { a: [], '???': [], aa: ['bC'], aab: ['bbC'], 'aab*': ['bb*', 'cYY'], 'a*': ['b*', 'cYY'],
      'aa*': ['b*', 'cYY'], '*': ['b*', 'cYY'] }],
  ['kleene in parameterization', { 'a*': ['A<..>B*'] }, { a: ['AB*'], 'a*': ['A*'], '*': ['A*'] }],
  ['example of namespacing with roles', { 'ns:*': ['index:user.<..>.*', 'notify:irc:<..>'] },
    { 'ns:jonasfj': ['index:user.jonasfj.*', 'notify:irc:jonasfj'], 'ns:*': ['index:user.*', 'notify:irc:*'],
      'ns:evil*': ['index:user.evil*', 'notify:irc:evil*'] }],
  ['match exact though parameterized role', { 'a*': ['A<..>B*'], 'param:*': ['A<..>B'],
    'A-123-B': ['GOAL'], ATB: ['TARGET'], 'ATB*': ['TARGET++'], 'AT*': ['prefix'] },
  { a: ['AB*'], 'a-123': ['A-123B*'], 'a-123-': ['A-123-B*', 'GOAL'],
    'a*': ['A*', 'GOAL', 'prefix', 'TARGET', 'TARGET++'], '*': ['A*', 'GOAL', 'prefix', 'TARGET', 'TARGET++'],
    'param:T': ['ATB', 'prefix', 'TARGET', 'TARGET++'] }],
];

const roleCases = [];
for (const [title, rules, results] of trieCases) {
  const roles = Object.entries(rules).map(([roleId, s]) => ({ roleId, scopes: s.map(x => `assume:${x}`) }));
  const cases = [];
  for (const [input, result] of Object.entries(results)) {
    const held = [`assume:${input}`];
    cases.push({ held, expanded: normalize([...held, ...result.map(x => `assume:${x}`)]) });
  }
  roleCases.push({ source: `trietestcases: ${title}`, roles, cases });
}

// Our specs: treestatus.md 4.4 roles, tooltool.md 4.1 scopes.
const tsRoles = [
  { roleId: 'project:releng:treestatus/admin', scopes: [`${TS}/*`] },
  { roleId: 'project:releng:treestatus/sheriff',
    scopes: [`${TS}/trees/update`, `${TS}/recent_changes/revert`] },
  { roleId: 'mozilla-group:vpn_sheriff', scopes: ['assume:project:releng:treestatus/admin'] },
  { roleId: 'login-identity:*', scopes: ['assume:user:<..>'] },
  { roleId: 'user:mozilla-auth0/ad|Mozilla-LDAP|sheriff1', scopes: ['assume:project:releng:treestatus/sheriff'] },
  { roleId: 'project:releng:tooltool/uploader', scopes: [`${up}/public`, `${up}/internal`, `${dl}/*`] },
];
const specHeld = [
  ['assume:project:releng:treestatus/sheriff'], ['assume:project:releng:treestatus/admin'],
  ['assume:mozilla-group:vpn_sheriff'], ['assume:login-identity:mozilla-auth0/ad|Mozilla-LDAP|sheriff1'],
  ['assume:login-identity:someone-else'], ['assume:project:releng:treestatus/*'],
  ['assume:project:releng:*'], ['assume:*'], ['*'], ['assume*'], ['a*'], ['assum'],
  ['assume:project:releng:tooltool/uploader'], [`${TS}/trees/update`], [],
];
// The expectation is what Taskcluster documents: assume:R grants R's scopes,
// recursively; a star role grants by prefix with <..>; `*`-scopes that could
// name a role assume it.
const specExpect = {
  0: [`${TS}/recent_changes/revert`, `${TS}/trees/update`],
  1: [`${TS}/*`],
  2: ['assume:project:releng:treestatus/admin', `${TS}/*`],
  3: ['assume:user:mozilla-auth0/ad|Mozilla-LDAP|sheriff1', 'assume:project:releng:treestatus/sheriff',
    `${TS}/recent_changes/revert`, `${TS}/trees/update`],
  4: ['assume:user:someone-else'],
  5: [`${TS}/*`],
  6: [`${TS}/*`, `${up}/public`, `${up}/internal`, `${dl}/*`],
  7: [], 8: [], 9: [], 10: [], 11: [],
  12: [`${up}/public`, `${up}/internal`, `${dl}/*`], 13: [], 14: [],
};
const specCases = [];
roleCases.push({ source: 'spec', roles: tsRoles, cases: specCases });
specHeld.forEach((held, i) => {
  const all = [...held, ...specExpect[i]];
  // roles reached by star scopes: everything the table grants
  if (['assume:*', '*', 'assume*', 'a*'].includes(held[0])) {
    for (const r of tsRoles) all.push(...r.scopes.map(s => s.replace('<..>', '*').replace(/\*.*$/, '*')));
  }
  specCases.push({ held, expanded: normalize(all) });
});

// Tables the auth service refuses (validateRoles): cycles and bad <..>.
const badRoles = [
  [{ roleId: 'a', scopes: ['assume:a'] }],
  [{ roleId: 'a', scopes: ['assume:b'] }, { roleId: 'b', scopes: ['assume:a'] }],
  [{ roleId: 'a', scopes: ['assume:b'] }, { roleId: 'b', scopes: ['assume:c*'] }, { roleId: 'c1', scopes: ['assume:a'] }],
  [{ roleId: 'a*', scopes: ['assume:ab'] }],
  [{ roleId: 'a*', scopes: ['assume:a<..>x'] }],
  [{ roleId: 'x*', scopes: ['assume:y<..>'] }, { roleId: 'y*', scopes: ['assume:x<..>'] }],
  [{ roleId: 'a', scopes: ['*'] }],
  [{ roleId: 'a*', scopes: ['q<..>r<..>'] }],
  [{ roleId: 'a*', scopes: ['q*<..>'] }],
];
const goodRoles = [
  [{ roleId: 'a', scopes: ['q<..>r<..>'] }], // <..> is literal in a plain role
  [{ roleId: 'a*', scopes: ['q*<..>r'] }],
  [{ roleId: 'a', scopes: ['assume:b'] }, { roleId: 'b', scopes: ['assume:c'] }],
  [{ roleId: 'a*', scopes: ['assume:b<..>'] }, { roleId: 'b*', scopes: ['x'] }],
];

let random = [];
try {
  random = JSON.parse(fs.readFileSync(OUT, 'utf8')).roles_random || [];
} catch (e) { /* first run */ }

const main = async () => {
  if (process.env.TC_TRIE) {
    const trie = await import(path.resolve(process.env.TC_TRIE));
    const resolve = (roles, held) => {
      const rules = roles.map(({ roleId, scopes: s }) => ({ pattern: `assume:${roleId}`, scopes: s }));
      const node = trie.optimize(trie.withPrefix(trie.build(rules), 'assume:'));
      const inputs = normalize(held);
      const out = [];
      for (const s of inputs) {
        if (/^(\*|a\*|as\*|ass\*|assu\*|assum\*|assume\*|assume:)/.test(s)) {
          out.push(...trie.execute(node, s.startsWith('assume:') ? s.slice(7) : '*').scopes());
        }
      }
      return normalize([...out, ...inputs]);
    };
    for (const t of roleCases) {
      for (const c of t.cases) {
        const got = resolve(t.roles, c.held);
        if (JSON.stringify(got) !== JSON.stringify(c.expanded)) {
          throw new Error(`trie.js disagrees on ${t.source} ${c.held}: ${got} vs ${c.expanded}`);
        }
      }
    }
    for (const t of badRoles) {
      let threw = false;
      try { trie.dependencyOrdering(t.map(r => ({ pattern: `assume:${r.roleId}`, scopes: r.scopes }))); } catch (e) { threw = true; }
      if (!threw) {
        throw new Error(`trie.js accepts ${JSON.stringify(t)}`);
      }
    }
    // Random acyclic tables over a tiny alphabet, so that prefixes collide.
    const ids = ['a', 'b', 'ab', 'a*', 'b*', 'ab*', 'ba', 'c', 'c*'];
    const tails = ['a', 'b', 'ab', 'a*', 'b*', 'c', '<..>', 'a<..>', '<..>b', 'b<..>*', 'c<..>a', '*'];
    random = [];
    while (random.length < 150) {
      const roles = [];
      const used = new Set();
      for (let k = 1 + Math.floor(rng() * 4); k > 0; k--) {
        const roleId = pick(ids);
        if (used.has(roleId)) continue;
        used.add(roleId);
        const s = [];
        for (let j = 1 + Math.floor(rng() * 3); j > 0; j--) {
          const t = pick(tails);
          if (t.includes('<..>') && !roleId.endsWith('*')) continue;
          s.push(rng() < 0.7 ? `assume:${t}` : `x:${t}`);
        }
        roles.push({ roleId, scopes: s });
      }
      try {
        trie.dependencyOrdering(roles.map(r => ({ pattern: `assume:${r.roleId}`, scopes: r.scopes })));
      } catch (e) {
        continue; // cyclic (or invalid): not a resolvable table
      }
      const held = [];
      for (let k = 1 + Math.floor(rng() * 2); k > 0; k--) {
        held.push(rng() < 0.85 ? `assume:${pick(ids.concat(['', 'abc', 'bab', 'a**']))}` : pick(['*', 'a*', 'x:*']));
      }
      random.push({ source: 'random (trie.js)', roles, cases: [{ held, expanded: resolve(roles, held) }] });
    }
  }
  const doc = {
    generated_by: 'tests/unit/vectors/gen_scopes.js with taskcluster-lib-scopes ' +
      require('taskcluster-lib-scopes/package.json').version,
    match, satisfy, compare, normalize: normal, union,
    roles: roleCases, roles_bad: badRoles, roles_good: goodRoles, roles_random: random,
  };
  // One vector per line: compact, yet a regeneration diffs readably.
  const body = Object.entries(doc).map(([k, v]) => `${JSON.stringify(k)}: ` +
    (Array.isArray(v) ? `[\n${v.map(x => JSON.stringify(x)).join(',\n')}\n]` : JSON.stringify(v)));
  fs.writeFileSync(OUT, `{\n${body.join(',\n')}\n}\n`);
  console.log(`wrote ${OUT}: ${match.length} match, ${satisfy.length} satisfy, ` +
    `${compare.length} compare, ${normal.length} normalize, ${union.length} union, ` +
    `${roleCases.reduce((n, t) => n + t.cases.length, 0)} role cases, ${badRoles.length} bad tables, ${random.length} random`);
};
main().catch(e => { console.error(e); process.exit(1); });
