/**
 * A real S3-protocol server for tests and `npm run s3`: s3rver (a filesystem-backed S3 emulator) behind a
 * small HTTP shim that adds what diffalign relies on and s3rver lacks.
 *
 * What the shim does (everything else is proxied unchanged):
 * - Conditional writes, as S3 answers them: `PUT` with `If-None-Match: *` → 412 PreconditionFailed when
 *   the object exists; `PUT` with `If-Match: <etag>` → 412 when the stored ETag differs and 404 NoSuchKey
 *   when there is no object (S3's answer for a missing key; the port reads both as a failed precondition).
 *   It HEADs the object through s3rver first. `injectConflicts` makes the next conditional PUTs of a key
 *   answer 409 ConditionalRequestConflict, as S3 does when another write of the key is in flight.
 * - Per-key serialisation of every object request (GET, HEAD, PUT, DELETE), so a check-then-write has no
 *   gap (a create-only race on one key has exactly one winner) and a read never sees a half-written body.
 *   s3rver writes an object's file in place and answers the PUT before the file is flushed; the shim holds
 *   the key until s3rver reports the full size, which gives S3's read-after-write consistency. A DELETE
 *   also excludes all other requests while it runs, since s3rver removes emptied directories under
 *   concurrent writers and listings.
 * - ListObjectsV2 paging: s3rver encrypts its continuation tokens with DES, which OpenSSL 3 (Node ≥ 17)
 *   refuses, so a truncated V2 listing fails with 500. The shim asks s3rver for a V1 listing instead
 *   (`marker` = where the previous page ended) and answers V2 with a continuation token of its own.
 * - Delimited listings (`delimiter`, S3's CommonPrefixes) rolled up by the shim from the keys under the
 *   prefix: s3rver prunes the directories beneath a common prefix before it has seen their keys.
 *
 * What s3rver does not do that S3 does (so tests cover it another way, or not at all):
 * - SigV4 signatures are not verified (only that the access key id is S3RVER, its one account), neither
 *   in headers nor in presigned URLs: tests check that a presigned URL carries `X-Amz-Expires` and an
 *   `X-Amz-Signature`, and that fetching it returns the bytes. Presigned expiry is enforced (against the
 *   `X-Amz-Date` the URL was signed at), so a URL signed in the past is refused.
 * - No flexible checksums (`x-amz-checksum-*`, aws-chunked bodies): clients must send checksums only
 *   when required (`requestChecksumCalculation: 'WHEN_REQUIRED'`).
 * - No versioning, object lock, bucket policies, IAM, encryption, storage classes or multi-region.
 * - It never answers 409 ConditionalRequestConflict or throttles (503 SlowDown) on its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, createServer, type IncomingMessage, type OutgoingHttpHeaders, request as httpRequest, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { KeyedMutex } from '../../src/adapters/storage/keyed-mutex.js';
import { LOCAL_S3_CREDENTIALS } from '../../src/config.js';


export interface S3ServerOptions {
  /** Port of the shim (0: any free one). */
  readonly port?: number;
  readonly host?: string;
  readonly bucket?: string;
  /** Where s3rver keeps its files; default a fresh temp directory, removed on close. */
  readonly directory?: string;
  /** Log each request s3rver serves (default silent). */
  readonly verbose?: boolean;
}

export interface S3Server {
  /** URL clients use (the shim), e.g. `http://127.0.0.1:4568`; path-style addressing. */
  readonly endpoint: string;
  readonly bucket: string;
  /** s3rver's data directory: objects are files under `<directory>/<bucket>/<key>._S3rver_object`. */
  readonly directory: string;
  /** What s3rver accepts (its one account, S3RVER); signatures are not checked. */
  readonly credentials: typeof LOCAL_S3_CREDENTIALS;
  /** Makes the next `count` conditional PUTs of `bucket`/`key` answer 409 ConditionalRequestConflict. */
  injectConflicts(key: string, count: number, bucket?: string): void;
  close(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

/** Starts s3rver on a free loopback port with the bucket created, and the shim in front of it. */
export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  const host = options.host ?? '127.0.0.1';
  const bucket = options.bucket ?? 'diffalign-test';
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory === undefined ? await mkdtemp(join(tmpdir(), 'diffalign-s3rver-')) : resolve(options.directory);
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: !options.verbose, directory, configureBuckets: [{ name: bucket }] });
  const upstream = await s3rver.run();
  const shim = new ConditionalWriteShim({ host: '127.0.0.1', port: upstream.port });
  const server = createServer((request, response) => {
    shim.handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 500, 'InternalError', (error as Error).message);
      else response.destroy(error as Error);
    });
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${address.port}`,
    bucket,
    directory,
    credentials: LOCAL_S3_CREDENTIALS,
    injectConflicts: (key, count, inBucket = bucket) => shim.injectConflicts(`${inBucket}/${key}`, count),
    close: async () => {
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
      shim.close();
      await s3rver.close();
      if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Headers that describe one hop, not the message. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'expect', 'upgrade', 'proxy-connection'];
const FLUSH_WAIT_MS = 5000;

interface UpstreamResponse {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

class ConditionalWriteShim {
  private readonly agent = new Agent({ keepAlive: true });
  private readonly keys = new KeyedMutex();
  private readonly deletes = new SharedExclusiveLock();
  private readonly conflicts = new Map<string, number>();

  constructor(private readonly upstream: { host: string; port: number }) {}

  injectConflicts(objectPath: string, count: number): void {
    this.conflicts.set(objectPath, count);
  }

  close(): void {
    this.agent.destroy();
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://shim');
    const method = request.method ?? 'GET';
    const body = await readAll(request);
    const [bucket = '', ...rest] = url.pathname.slice(1).split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (bucket !== '' && key === '' && method === 'GET' && url.searchParams.get('list-type') === '2') {
      await this.deletes.run(false, async () => send(response, await this.listV2(bucket, url.searchParams, request.headers)));
      return;
    }
    if (key === '') {
      await this.deletes.run(false, async () => send(response, await this.forward(method, `${url.pathname}${url.search}`, request.headers, body)));
      return;
    }
    const objectPath = `${decodeURIComponent(bucket)}/${key}`;
    await this.deletes.run(method === 'DELETE', () =>
      this.keys.run(objectPath, async () => {
        send(response, await this.objectRequest(method, url, objectPath, request.headers, body));
      }),
    );
  }

  private async objectRequest(method: string, url: URL, objectPath: string, headers: IncomingMessage['headers'], body: Buffer): Promise<UpstreamResponse> {
    const path = `${url.pathname}${url.search}`;
    // `x-id` only names the SDK operation; any other parameter is a sub-resource (uploadId, tagging, acl …)
    const subresources = [...url.searchParams.keys()].filter((name) => name !== 'x-id');
    const isPlainPut = method === 'PUT' && subresources.length === 0 && headers['x-amz-copy-source'] === undefined;
    if (!isPlainPut) return this.forward(method, path, headers, body);
    const ifNoneMatch = headerValue(headers['if-none-match']);
    const ifMatch = headerValue(headers['if-match']);
    if (ifNoneMatch !== undefined || ifMatch !== undefined) {
      const pending = this.conflicts.get(objectPath) ?? 0;
      if (pending > 0) {
        this.conflicts.set(objectPath, pending - 1);
        return errorResponse(409, 'ConditionalRequestConflict', 'A conflicting conditional operation is currently in progress against this resource. Please try again.');
      }
      if (ifNoneMatch !== undefined && ifNoneMatch !== '*') return errorResponse(501, 'NotImplemented', 'If-None-Match on PUT accepts only *');
      const current = await this.forward('HEAD', url.pathname, authOnly(headers), Buffer.alloc(0));
      if (current.status !== 200 && current.status !== 404) return current;
      const etag = headerValue(current.headers.etag);
      if (ifNoneMatch !== undefined && current.status === 200) {
        return errorResponse(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 'If-None-Match');
      }
      if (ifMatch !== undefined && current.status === 404) return errorResponse(404, 'NoSuchKey', 'The specified key does not exist.');
      if (ifMatch !== undefined && (etag === undefined || unquote(etag) !== unquote(ifMatch))) {
        return errorResponse(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 'If-Match');
      }
    }
    const { 'if-none-match': _noneMatch, 'if-match': _match, ...unconditional } = headers;
    const stored = await this.forward('PUT', path, unconditional, body);
    if (stored.status === 200) await this.untilFlushed(url.pathname, headers, body.length);
    return stored;
  }

  /** Waits until s3rver reports the object at its full size (it answers PUT before its file is flushed). */
  private async untilFlushed(path: string, headers: IncomingMessage['headers'], size: number): Promise<void> {
    const deadline = Date.now() + FLUSH_WAIT_MS;
    for (let attempt = 0; Date.now() < deadline; attempt += 1) {
      const head = await this.forward('HEAD', path, authOnly(headers), Buffer.alloc(0));
      if (head.status === 200 && Number(head.headers['content-length']) === size) return;
      await delay(Math.min(2 ** attempt, 20));
    }
    throw new Error(`s3rver did not finish writing ${path} within ${FLUSH_WAIT_MS} ms`);
  }

  /** ListObjectsV2 answered from a V1 listing (see the file comment); the token is the last key, base64url. */
  private async listV2(bucket: string, query: URLSearchParams, headers: IncomingMessage['headers']): Promise<UpstreamResponse> {
    if (query.get('delimiter')) return this.listV2Delimited(bucket, query, headers);
    const token = query.get('continuation-token');
    const startAfter = query.get('start-after');
    const v1 = new URLSearchParams();
    for (const name of ['prefix', 'delimiter', 'max-keys', 'encoding-type']) {
      const value = query.get(name);
      if (value !== null) v1.set(name, value);
    }
    const marker = token !== null ? Buffer.from(token, 'base64url').toString('utf8') : startAfter;
    if (marker !== null && marker !== '') v1.set('marker', marker);
    const listed = await this.forward('GET', `/${bucket}?${v1.toString()}`, headers, Buffer.alloc(0));
    if (listed.status !== 200) return listed;
    const xml = listed.body.toString('utf8');
    const keys = [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => unescapeXml(match[1]!));
    const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
    const last = keys[keys.length - 1];
    const extra = [
      `<KeyCount>${keys.length}</KeyCount>`,
      token !== null ? `<ContinuationToken>${escapeXml(token)}</ContinuationToken>` : '',
      token === null && startAfter !== null ? `<StartAfter>${escapeXml(startAfter)}</StartAfter>` : '',
      truncated && last !== undefined ? `<NextContinuationToken>${Buffer.from(last, 'utf8').toString('base64url')}</NextContinuationToken>` : '',
    ].join('');
    const v2 = xml.replace(/<Marker>[^<]*<\/Marker>|<Marker\/>|<NextMarker>[^<]*<\/NextMarker>/g, '').replace('</ListBucketResult>', `${extra}</ListBucketResult>`);
    const bytes = Buffer.from(v2, 'utf8');
    return { status: 200, headers: { ...listed.headers, 'content-length': String(bytes.length) }, body: bytes };
  }

  /**
   * A delimited ListObjectsV2, rolled up here from every key under the prefix (V1 pages without a
   * delimiter): s3rver prunes the directories beneath a common prefix before it has seen their keys (so
   * deeper prefixes are never listed) and counts `max-keys` without the prefixes. As S3: entries (keys and
   * prefixes) after `start-after` or the token, at most `max-keys`, the token the page's last entry.
   */
  private async listV2Delimited(bucket: string, query: URLSearchParams, headers: IncomingMessage['headers']): Promise<UpstreamResponse> {
    const prefix = query.get('prefix') ?? '';
    const delimiter = query.get('delimiter')!;
    const maxKeys = Math.min(1000, Number(query.get('max-keys') ?? 1000));
    const token = query.get('continuation-token');
    const startAfter = query.get('start-after');
    const after = token !== null ? Buffer.from(token, 'base64url').toString('utf8') : startAfter;
    const contents = new Map<string, string>();
    for (let marker = ''; ; ) {
      const v1 = new URLSearchParams({ prefix, ...(marker === '' ? {} : { marker }) });
      const listed = await this.forward('GET', `/${bucket}?${v1.toString()}`, headers, Buffer.alloc(0));
      if (listed.status !== 200) return listed;
      const xml = listed.body.toString('utf8');
      for (const match of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) contents.set(unescapeXml(/<Key>([^<]*)<\/Key>/.exec(match[1]!)![1]!), match[0]);
      const keys = [...contents.keys()];
      if (!/<IsTruncated>true<\/IsTruncated>/.test(xml) || keys.length === 0) break;
      marker = keys[keys.length - 1]!;
    }
    const entries: { value: string; isPrefix: boolean }[] = [];
    for (const key of [...contents.keys()].sort()) {
      if (after !== null && after !== '' && (key <= after || (after.endsWith(delimiter) && key.startsWith(after)))) continue;
      const at = key.indexOf(delimiter, prefix.length);
      const entry = at === -1 ? { value: key, isPrefix: false } : { value: key.slice(0, at + delimiter.length), isPrefix: true };
      if (!entries.some((seen) => seen.isPrefix && entry.isPrefix && seen.value === entry.value)) entries.push(entry);
    }
    entries.sort((left, right) => (left.value < right.value ? -1 : left.value > right.value ? 1 : 0));
    const page = entries.slice(0, maxKeys);
    const truncated = entries.length > maxKeys;
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix><Delimiter>${escapeXml(delimiter)}</Delimiter><MaxKeys>${maxKeys}</MaxKeys>`,
      `<IsTruncated>${truncated}</IsTruncated><KeyCount>${page.length}</KeyCount>`,
      token !== null ? `<ContinuationToken>${escapeXml(token)}</ContinuationToken>` : '',
      token === null && startAfter !== null ? `<StartAfter>${escapeXml(startAfter)}</StartAfter>` : '',
      truncated ? `<NextContinuationToken>${Buffer.from(page[page.length - 1]!.value, 'utf8').toString('base64url')}</NextContinuationToken>` : '',
      ...page.filter((entry) => !entry.isPrefix).map((entry) => contents.get(entry.value)!),
      ...page.filter((entry) => entry.isPrefix).map((entry) => `<CommonPrefixes><Prefix>${escapeXml(entry.value)}</Prefix></CommonPrefixes>`),
      '</ListBucketResult>',
    ].join('');
    const bytes = Buffer.from(xml, 'utf8');
    return { status: 200, headers: { 'content-type': 'application/xml', 'content-length': String(bytes.length) }, body: bytes };
  }

  private forward(method: string, path: string, headers: IncomingMessage['headers'], body: Buffer): Promise<UpstreamResponse> {
    const outgoing: OutgoingHttpHeaders = { ...headers };
    for (const name of HOP_BY_HOP) delete outgoing[name];
    if (body.length > 0 || method === 'PUT' || method === 'POST') outgoing['content-length'] = String(body.length);
    return new Promise((resolveResponse, rejectResponse) => {
      const upstreamRequest = httpRequest({ ...this.upstream, method, path, headers: outgoing, agent: this.agent }, (upstreamResponse) => {
        readAll(upstreamResponse).then(
          (responseBody) => resolveResponse({ status: upstreamResponse.statusCode ?? 502, headers: upstreamResponse.headers, body: responseBody }),
          rejectResponse,
        );
      });
      upstreamRequest.once('error', rejectResponse);
      upstreamRequest.end(body);
    });
  }
}

/** Many shared holders or one exclusive holder, first come first served. */
class SharedExclusiveLock {
  /** Holders now: > 0 shared ones, -1 one exclusive. */
  private holders = 0;
  private readonly waiting: { exclusive: boolean; grant: () => void }[] = [];

  async run<T>(exclusive: boolean, work: () => Promise<T>): Promise<T> {
    await this.acquire(exclusive);
    try {
      return await work();
    } finally {
      this.holders = this.holders === -1 ? 0 : this.holders - 1;
      this.grantWaiting();
    }
  }

  private acquire(exclusive: boolean): Promise<void> {
    if (this.waiting.length === 0 && this.admits(exclusive)) {
      this.holders = exclusive ? -1 : this.holders + 1;
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiting.push({ exclusive, grant }));
  }

  private admits(exclusive: boolean): boolean {
    return exclusive ? this.holders === 0 : this.holders >= 0;
  }

  private grantWaiting(): void {
    while (this.waiting.length > 0 && this.admits(this.waiting[0]!.exclusive)) {
      const next = this.waiting.shift()!;
      this.holders = next.exclusive ? -1 : this.holders + 1;
      next.grant();
      if (next.exclusive) return;
    }
  }
}

function send(response: ServerResponse, upstream: UpstreamResponse): void {
  const headers: OutgoingHttpHeaders = { ...upstream.headers };
  for (const name of HOP_BY_HOP) delete headers[name];
  response.writeHead(upstream.status, headers);
  response.end(upstream.body);
}

function errorResponse(status: number, code: string, message: string, condition?: string): UpstreamResponse {
  const body = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${condition ? `<Condition>${condition}</Condition>` : ''}<RequestId>shim</RequestId></Error>`,
    'utf8',
  );
  return { status, headers: { 'content-type': 'application/xml', 'content-length': String(body.length) }, body };
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  send(response, errorResponse(status, code, message));
}

/** The headers s3rver's authentication looks at, for the shim's own HEADs. */
function authOnly(headers: IncomingMessage['headers']): IncomingMessage['headers'] {
  const kept: IncomingMessage['headers'] = {};
  for (const name of ['host', 'authorization', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token']) {
    if (headers[name] !== undefined) kept[name] = headers[name];
  }
  if (kept['x-amz-content-sha256'] !== undefined) kept['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  return kept;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function unquote(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolveBody(Buffer.concat(chunks)));
    stream.once('error', rejectBody);
  });
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity]!;
  });
}
