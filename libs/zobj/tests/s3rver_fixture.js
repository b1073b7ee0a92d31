// Starts s3rver (npm) for zerofs tests and benchmarks, after correcting two places where
// its file-system store is not the S3 it imitates:
//  1. Listing order. s3rver walks directories in name order, so "a/b" (in directory "a")
//     is listed before "a-b" and "a", while S3 lists keys in byte order; with start-after
//     and max-keys that skips keys. The walk below visits each directory's entries in key
//     order (a file "x._S3rver_object" sorts as "x", a directory "x" as "x/").
//  2. Atomicity. s3rver truncates an object file and rewrites it, then its md5 and
//     metadata, with awaits in between, so a concurrent GET can see a torn object (new
//     bytes with the old ETag, or an empty file). Below, a PUT writes a temporary file and
//     then swaps the object, md5 and metadata in one synchronous step, and GET/HEAD read the
//     metadata and open the object in one synchronous step; node runs one step at a time.
//  3. A ranged GET of an empty object gets 416, as from S3 (s3rver sends a broken reply).
//  4. An UploadPart whose connection breaks mid-body: s3rver leaves the request stream's
//     error unhandled and the whole server dies; below the part goes to a temporary file
//     that is renamed into place only when complete.
//  5. AbortMultipartUpload (DELETE /bucket/key?uploadId=ID), which s3rver answers 405:
//     it removes the upload's parts (<data>/<bucket>/._S3rver_uploads/ID) and answers 204,
//     or 404 NoSuchUpload.
//
// Usage: node s3rver_fixture.js S3RVER_PACKAGE_DIR -d DIR -a 127.0.0.1 -p PORT
//        --configure-bucket NAME [--silent]
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const pkg = process.argv[2];
process.argv.splice(2, 1);

const utils = require(path.join(pkg, 'lib', 'utils.js'));
const SUFFIX = '._S3rver_';
function sortKey(entry) {
  if (entry.isDirectory()) return entry.name + '/';
  const at = entry.name.indexOf(SUFFIX);
  return at >= 0 ? entry.name.slice(0, at) : entry.name;
}
function compare(a, b) {
  return Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)) || (a.name < b.name ? -1 : 1);
}
utils.walk = function* walk(dir, recurseFilter) {
  const entries = fs.readdirSync(dir, { withFileTypes: true })
    .map(e => ({ e, name: e.name, key: sortKey(e) }))
    .sort(compare);
  for (const { e } of entries) {
    const filePath = path.posix.join(dir, e.name);
    if (!e.isDirectory()) {
      yield filePath;
    } else if (!recurseFilter || recurseFilter(filePath)) {
      yield* walk(filePath, recurseFilter);
    }
  }
};

const FilesystemStore = require(path.join(pkg, 'lib', 'stores', 'filesystem.js'));
const S3Object = require(path.join(pkg, 'lib', 'models', 'object.js'));
const { pick, pickBy } = require(require.resolve('lodash', { paths: [pkg] }));

FilesystemStore.prototype.getMetadata = async function getMetadata(bucket, key) {
  return this.readMetadataSync(bucket, key);
};

FilesystemStore.prototype.readMetadataSync = function readMetadataSync(bucket, key) {
  const objectPath = this.getResourcePath(bucket, key, 'object');
  const stat = fs.statSync(objectPath);  // throws ENOENT for a missing object
  let stored;
  try {
    stored = JSON.parse(fs.readFileSync(this.getResourcePath(bucket, key, 'metadata.json')));
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  let md5;
  try {
    md5 = fs.readFileSync(`${objectPath}.md5`).toString();
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
    md5 = crypto.createHash('md5').update(fs.readFileSync(objectPath)).digest('hex');
  }
  return {
    ...stored,
    etag: JSON.stringify(md5),
    'last-modified': stat.mtime.toUTCString(),
    'content-length': stat.size,
  };
};

FilesystemStore.prototype.getObject = async function getObject(bucket, key, options) {
  let metadata;
  let fd;
  try {
    // One synchronous step: the metadata and the open file belong to the same version.
    metadata = this.readMetadataSync(bucket, key);
    fd = fs.openSync(this.getResourcePath(bucket, key, 'object'), 'r');
  } catch (err) {
    if (err.code === 'ENOENT') return null;
    throw err;
  }
  const lastByte = Math.max(0, Number(metadata['content-length']) - 1);
  const range = {
    start: (options && options.start) || 0,
    end: Math.min((options && options.end) || Infinity, lastByte),
  };
  const ranged = options && (options.start !== undefined || options.end);
  // S3 answers any range on an empty object with 416 InvalidRange; s3rver would promise one
  // byte and send none.
  const empty = Number(metadata['content-length']) === 0;
  if ((ranged && empty) || range.start < 0 || Math.min(range.end, lastByte) < range.start) {
    fs.closeSync(fd);
    const object = new S3Object(bucket, key, null, metadata);
    if (ranged) object.range = range;
    return object;
  }
  const content = fs.createReadStream(null, { fd, start: range.start, end: range.end });
  const object = new S3Object(bucket, key, content, metadata);
  if (ranged) object.range = range;
  return object;
};

FilesystemStore.prototype.putObject = async function putObject(object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  const dir = path.dirname(objectPath);
  await fs.promises.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.tmp-${crypto.randomBytes(8).toString('hex')}`);
  const md5Context = crypto.createHash('md5');
  let size = 0;
  if (Buffer.isBuffer(object.content)) {
    fs.writeFileSync(tmp, object.content);
    md5Context.update(object.content);
    size = object.content.length;
  } else {
    await new Promise((resolve, reject) => {
      const out = fs.createWriteStream(tmp);
      object.content.on('data', chunk => {
        md5Context.update(chunk);
        size += chunk.length;
      });
      object.content.on('error', reject);
      out.on('error', reject);
      out.on('finish', resolve);
      object.content.pipe(out);
    });
  }
  const md5 = md5Context.digest('hex');
  const json = {
    ...pick(object.metadata, S3Object.ALLOWED_METADATA),
    ...pickBy(object.metadata, (value, k) => k.startsWith('x-amz-meta-')),
  };
  // One synchronous step: no request sees a mix of versions.
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(this.getResourcePath(object.bucket, object.key, 'object.md5'), md5);
  fs.writeFileSync(this.getResourcePath(object.bucket, object.key, 'metadata.json'),
    JSON.stringify(json, null, 2));
  fs.renameSync(tmp, objectPath);
  return { size, md5 };
};

FilesystemStore.prototype.deleteObject = async function deleteObject(bucket, key) {
  for (const resource of ['object', 'object.md5', 'metadata.json']) {
    try {
      fs.unlinkSync(this.getResourcePath(bucket, key, resource));
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;
    }
  }
  const bucketPath = this.getBucketPath(bucket);
  const parts = key.split('/');
  parts.pop();
  while (parts.length) {
    const dir = path.join(bucketPath, ...parts);
    try {
      if (fs.readdirSync(dir).length) break;
      fs.rmdirSync(dir);
    } catch (err) {
      if (err.code !== 'ENOENT' && err.code !== 'ENOTEMPTY') throw err;
      break;
    }
    parts.pop();
  }
};

FilesystemStore.prototype.putPart = async function putPart(bucket, uploadId, partNumber,
  content) {
  const partPath = path.join(this.getResourcePath(bucket, undefined, 'uploads'), uploadId,
    partNumber.toString());
  await fs.promises.mkdir(path.dirname(partPath), { recursive: true });
  const tmp = `${partPath}.tmp-${crypto.randomBytes(8).toString('hex')}`;
  const md5Context = crypto.createHash('md5');
  let size = 0;
  try {
    await new Promise((resolve, reject) => {
      const out = fs.createWriteStream(tmp);
      content.on('data', chunk => {
        md5Context.update(chunk);
        size += chunk.length;
      });
      content.on('error', reject);
      content.on('aborted', () => reject(new Error('the client went away mid-part')));
      out.on('error', reject);
      out.on('finish', resolve);
      content.pipe(out);
    });
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  const md5 = md5Context.digest('hex');
  fs.renameSync(tmp, partPath);
  fs.writeFileSync(`${partPath}.md5`, md5);
  return { size, md5 };
};

const router = require(path.join(pkg, 'lib', 'routes.js'));
for (const layer of router.stack) {
  if (layer.path !== '/:bucket/:key+' || !layer.methods.includes('DELETE')) continue;
  const last = layer.stack.length - 1;
  const original = layer.stack[last];
  layer.stack[last] = async (ctx, next) => {
    if (ctx.params.queryMethod !== 'uploadId') return original(ctx, next);
    const dir = path.join(ctx.store.getResourcePath(ctx.params.bucket, undefined, 'uploads'),
      path.basename(String(ctx.query.uploadId)));
    if (!fs.existsSync(dir)) {
      ctx.status = 404;
      ctx.type = 'application/xml';
      ctx.body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code>' +
        '<Message>The specified upload does not exist.</Message></Error>';
      return undefined;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    ctx.status = 204;
    return undefined;
  };
}

require(path.join(pkg, 'bin', 's3rver.js'));
