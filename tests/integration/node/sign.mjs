// Hawk headers made by the real npm clients, for tests/integration/test_auth_*.py.
//
//   node sign.mjs < specs.json    (a JSON array of specs)  ->  a JSON array of results
//
// Spec kinds:
//   {"kind": "hawk", "uri", "method", "id", "key",
//    "payload"?, "contentType"?, "ext"?, "timestamp"? (s), "nonce"?}
//       -> {"header"}: Hawk.client.header(uri, method, {credentials: {id, key,
//          algorithm: 'sha256'}, payload, contentType, ext, timestamp, nonce})
//   {"kind": "taskcluster", "uri", "method", "clientId", "accessToken",
//    "temporary"?: {"scopes", "start" (ms), "expiry" (ms), "clientId"?},
//    "authorizedScopes"?}
//       -> {"header", "ext", "credentials"}: what taskcluster-client sends. With
//          "temporary", the credentials are first made by
//          taskcluster.createTemporaryCredentials (named when clientId is given);
//          a client is then built with those credentials and authorizedScopes, and
//          its request header is computed as its request path does (client.js:
//          hawk.client.header(url, METHOD, {credentials, ext: client._extData})).
import Hawk from 'hawk';
import taskcluster from 'taskcluster-client';

function hawkHeader(spec) {
    const options = {
        credentials: { id: spec.id, key: spec.key, algorithm: 'sha256' },
    };
    for (const k of ['payload', 'contentType', 'ext', 'timestamp', 'nonce']) {
        if (spec[k] !== undefined && spec[k] !== null) {
            options[k] = spec[k];
        }
    }
    return { header: Hawk.client.header(spec.uri, spec.method, options).header };
}

function taskclusterHeader(spec) {
    let credentials = { clientId: spec.clientId, accessToken: spec.accessToken };
    if (spec.temporary) {
        const t = spec.temporary;
        const options = {
            credentials,
            scopes: t.scopes,
            start: new Date(t.start),
            expiry: new Date(t.expiry),
        };
        if (t.clientId) {
            options.clientId = t.clientId;
        }
        credentials = taskcluster.createTemporaryCredentials(options);
    }
    const clientOptions = { rootUrl: 'http://taskcluster.invalid', credentials };
    if (spec.authorizedScopes) {
        clientOptions.authorizedScopes = spec.authorizedScopes;
    }
    const client = new taskcluster.Auth(clientOptions);
    const header = Hawk.client.header(spec.uri, spec.method.toUpperCase(), {
        credentials: {
            id: credentials.clientId,
            key: credentials.accessToken,
            algorithm: 'sha256',
        },
        ext: client._extData,
    }).header;
    return { header, ext: client._extData || null, credentials };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
    const out = JSON.parse(input).map((spec) => {
        if (spec.kind === 'hawk') {
            return hawkHeader(spec);
        }
        if (spec.kind === 'taskcluster') {
            return taskclusterHeader(spec);
        }
        throw new Error('unknown spec kind ' + spec.kind);
    });
    process.stdout.write(JSON.stringify(out));
});
