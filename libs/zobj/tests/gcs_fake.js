// A small in-memory fake of the Google Cloud Storage JSON API subset GcsStore uses, plus an
// OAuth2 token endpoint, for the gs:// tests (no GCS emulator can be installed here).
//
//   POST /token                               JWT-bearer grant: the RS256 assertion must verify
//                                             with the public half of --key-file's key and carry
//                                             iss = client_email, aud = token_uri, a devstorage
//                                             scope and a live iat/exp
//   GET    /storage/v1/b/B/o/NAME             object resource (JSON); ?alt=media: the bytes
//                                             (Range, x-goog-generation, x-goog-meta-*)
//   GET    /storage/v1/b/B/o                  list: prefix, startOffset, maxResults, pageToken
//   DELETE /storage/v1/b/B/o/NAME
//   POST   /upload/storage/v1/b/B/o           uploadType=multipart | resumable, with
//                                             ifGenerationMatch; PUT to the session URI
//   GET    /_fake/stats                       {tokens, uploads, resumable}
//   POST   /_fake/revoke                      invalidates every token issued so far
// Storage requests need a Bearer token this fake issued and that has not expired.
//
// Usage: node gcs_fake.js --port PORT --key-file KEY.json --bucket NAME [--token-lifetime S]
'use strict';

const http = require('http');
const crypto = require('crypto');
const fs = require('fs');

const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) args[process.argv[i].slice(2)] = process.argv[i + 1];
const key = JSON.parse(fs.readFileSync(args['key-file']));
const publicKey = crypto.createPublicKey(crypto.createPrivateKey(key.private_key));
const bucket = args.bucket;
const tokenLifetime = Number(args['token-lifetime'] || 3600);

const objects = new Map();  // name -> {data, generation, metageneration, updated, metadata}
const sorted = [];          // the names of `objects` in byte order, as Buffers

// The index of the first name in `sorted` that is >= `key` (a Buffer).
function lowerBound(key) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Buffer.compare(sorted[mid], key) < 0) lo = mid + 1; else hi = mid;
  }
  return lo;
}
function indexName(name) {
  const key = Buffer.from(name);
  const at = lowerBound(key);
  if (at === sorted.length || Buffer.compare(sorted[at], key) !== 0) sorted.splice(at, 0, key);
}
function unindexName(name) {
  const key = Buffer.from(name);
  const at = lowerBound(key);
  if (at < sorted.length && Buffer.compare(sorted[at], key) === 0) sorted.splice(at, 1);
}
const tokens = new Map();   // token -> expiry (ms)
const sessions = new Map(); // upload id -> {name, metadata, condition}
const stats = { tokens: 0, uploads: 0, resumable: 0 };
let lastGeneration = Date.now() * 1000;

function send(res, status, body, headers = {}) {
  const data = Buffer.isBuffer(body) ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  res.writeHead(status, { 'Content-Length': data.length, ...headers });
  res.end(data);
}
function error(res, status, message) {
  send(res, status, { error: { code: status, message, errors: [{ message }] } },
    { 'Content-Type': 'application/json' });
}
function resource(name, o) {
  return {
    kind: 'storage#object', bucket, name, size: String(o.data.length),
    generation: String(o.generation), metageneration: String(o.metageneration),
    updated: o.updated, metadata: o.metadata,
  };
}
function b64url(s) { return Buffer.from(s, 'base64url'); }

function issueToken(body, res) {
  const form = new URLSearchParams(body.toString());
  if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
    return error(res, 400, 'unsupported grant_type');
  }
  const parts = (form.get('assertion') || '').split('.');
  if (parts.length !== 3) return error(res, 400, 'invalid_grant: malformed assertion');
  const header = JSON.parse(b64url(parts[0]));
  const claims = JSON.parse(b64url(parts[1]));
  const valid = header.alg === 'RS256' && crypto.verify('sha256',
    Buffer.from(parts[0] + '.' + parts[1]), publicKey, b64url(parts[2]));
  if (!valid) return error(res, 400, 'invalid_grant: Invalid JWT Signature.');
  const now = Math.floor(Date.now() / 1000);
  if (claims.iss !== key.client_email || claims.aud !== key.token_uri ||
      !String(claims.scope).includes('devstorage') || !(claims.iat <= now + 60) ||
      !(claims.exp > now) || claims.exp - claims.iat > 3600) {
    return error(res, 400, 'invalid_grant: bad claims');
  }
  stats.tokens += 1;
  const token = crypto.randomBytes(16).toString('hex');
  tokens.set(token, Date.now() + tokenLifetime * 1000);
  send(res, 200, { access_token: token, expires_in: tokenLifetime, token_type: 'Bearer' },
    { 'Content-Type': 'application/json' });
}

// Applies a finished upload under its precondition; replies with the resource or 412.
function store(res, name, data, metadata, condition) {
  const current = objects.get(name);
  if (condition !== null) {
    const generation = current ? String(current.generation) : '0';
    if (generation !== condition) return error(res, 412, 'conditionNotMet');
  }
  stats.uploads += 1;
  lastGeneration = Math.max(lastGeneration + 1, Date.now() * 1000);
  const o = { data, generation: lastGeneration, metageneration: 1,
    updated: new Date().toISOString(), metadata: metadata || {} };
  objects.set(name, o);
  indexName(name);
  send(res, 200, resource(name, o), { 'Content-Type': 'application/json' });
}

function multipart(req, body) {
  const match = /boundary=([^;]+)/.exec(req.headers['content-type'] || '');
  if (!match) return null;
  const delimiter = Buffer.from('--' + match[1]);
  const parts = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.slice(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) return null;
    const part = body.slice(start + 2, next - 2);  // drop the CRLFs around the part
    const split = part.indexOf('\r\n\r\n');
    parts.push(part.slice(split + 4));
    at = next;
  }
  return parts.length === 2 ? { meta: JSON.parse(parts[0]), data: parts[1] } : null;
}

function download(req, res, name, o) {
  const headers = {
    'Content-Type': 'application/octet-stream',
    'x-goog-generation': String(o.generation),
    'x-goog-metageneration': String(o.metageneration),
    'x-goog-stored-content-length': String(o.data.length),
    'Last-Modified': new Date(o.updated).toUTCString(),
  };
  for (const [k, v] of Object.entries(o.metadata)) headers['x-goog-meta-' + k] = v;
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || '');
  if (!range) return send(res, 200, o.data, headers);
  const first = Number(range[1]);
  if (first >= o.data.length) return error(res, 416, 'requested range not satisfiable');
  const last = Math.min(range[2] === '' ? Infinity : Number(range[2]), o.data.length - 1);
  headers['Content-Range'] = `bytes ${first}-${last}/${o.data.length}`;
  send(res, 206, o.data.slice(first, last + 1), headers);
}

function list(res, q) {
  const prefix = q.get('prefix') || '';
  const start = q.get('startOffset') || '';
  const after = q.get('pageToken') ? Buffer.from(q.get('pageToken'), 'base64').toString() : null;
  const max = Math.min(Number(q.get('maxResults') || 1000), 1000);
  // Start at the greatest of prefix, startOffset and just past the page token's name.
  let from = Buffer.from(prefix);
  if (Buffer.compare(Buffer.from(start), from) > 0) from = Buffer.from(start);
  if (after !== null) {
    const next = Buffer.concat([Buffer.from(after), Buffer.from([0])]);
    if (Buffer.compare(next, from) > 0) from = next;
  }
  const page = [];
  let more = false;
  for (let i = lowerBound(from); i < sorted.length; i++) {
    const name = sorted[i].toString();
    if (!name.startsWith(prefix)) break;
    if (page.length === max) {
      more = true;
      break;
    }
    page.push(name);
  }
  const out = { kind: 'storage#objects', items: page.map(n => resource(n, objects.get(n))) };
  if (more) out.nextPageToken = Buffer.from(page[page.length - 1]).toString('base64');
  send(res, 200, out, { 'Content-Type': 'application/json' });
}

function handle(req, res, body) {
  const url = new URL(req.url, 'http://fake');
  const q = url.searchParams;
  if (req.method === 'POST' && url.pathname === '/token') return issueToken(body, res);
  if (url.pathname === '/_fake/stats') return send(res, 200, stats);
  if (url.pathname === '/_fake/revoke') {
    tokens.clear();
    return send(res, 200, '');
  }
  const auth = /^Bearer (.+)$/.exec(req.headers.authorization || '');
  if (!auth || !(tokens.get(auth[1]) > Date.now())) return error(res, 401, 'Invalid Credentials');

  const objectsPath = `/storage/v1/b/${bucket}/o`;
  const uploadPath = `/upload/storage/v1/b/${bucket}/o`;
  const condition = q.has('ifGenerationMatch') ? q.get('ifGenerationMatch') : null;
  if (url.pathname === uploadPath && req.method === 'POST') {
    if (q.get('uploadType') === 'multipart') {
      const parsed = multipart(req, body);
      if (!parsed) return error(res, 400, 'bad multipart body');
      return store(res, parsed.meta.name, Buffer.from(parsed.data), parsed.meta.metadata, condition);
    }
    if (q.get('uploadType') === 'resumable') {
      const meta = JSON.parse(body.toString());
      const current = objects.get(meta.name);
      if (condition !== null && (current ? String(current.generation) : '0') !== condition) {
        return error(res, 412, 'conditionNotMet');
      }
      const id = crypto.randomBytes(8).toString('hex');
      sessions.set(id, { name: meta.name, metadata: meta.metadata, condition });
      stats.resumable += 1;
      return send(res, 200, '', {
        Location: `http://${req.headers.host}${uploadPath}?uploadType=resumable&upload_id=${id}`,
      });
    }
    return error(res, 400, 'unsupported uploadType');
  }
  if (url.pathname === uploadPath && req.method === 'PUT') {
    const session = sessions.get(q.get('upload_id'));
    if (!session) return error(res, 404, 'no such upload session');
    sessions.delete(q.get('upload_id'));
    return store(res, session.name, body, session.metadata, session.condition);
  }
  if (url.pathname === objectsPath && req.method === 'GET') return list(res, q);
  if (!url.pathname.startsWith(objectsPath + '/')) return error(res, 404, 'not found');
  const name = decodeURIComponent(url.pathname.slice(objectsPath.length + 1));
  const o = objects.get(name);
  if (req.method === 'DELETE') {
    if (!o) return error(res, 404, 'No such object');
    objects.delete(name);
    unindexName(name);
    return send(res, 204, '');
  }
  if (req.method !== 'GET') return error(res, 405, 'method not allowed');
  if (!o || (q.has('generation') && q.get('generation') !== String(o.generation))) {
    return error(res, 404, 'No such object');
  }
  if (q.get('alt') === 'media') return download(req, res, name, o);
  return send(res, 200, resource(name, o), { 'Content-Type': 'application/json' });
}

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    try {
      handle(req, res, Buffer.concat(chunks));
    } catch (e) {
      error(res, 500, String(e));
    }
  });
}).listen(Number(args.port), '127.0.0.1');
