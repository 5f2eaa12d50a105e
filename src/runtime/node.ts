import { createAdaptorServer } from '@hono/node-server';
import { type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import type { AppDeps } from '../api/app-deps.js';
import { createApp } from '../api/app.js';
import { ApiKeyStore } from '../api/auth/api-key-store.js';
import { GenerationSupervisor } from '../api/generation-supervisor.js';
import { HttpError, MalformedRequestError, PROBLEM_CONTENT_TYPE } from '../api/http-errors.js';
import type { Logger } from '../api/logger.js';
import { probeStore } from '../api/store-probe.js';
import { webhookDispatcherFor } from '../api/webhooks/app-webhooks.js';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { createDependencies } from './create-dependencies.js';
import { storageLocation } from './configured-store.js';
import { createLogger } from './create-logger.js';
import { isLoopbackHost } from './loopback-host.js';

/**
 * A signal that comes again within this window is the same request to stop, not a second one: `npm start`
 * forwards the SIGINT/SIGTERM it got to its child, so when the whole process group is signalled (Ctrl-C, a
 * container stop) and the shell execs node (bash does, dash does not), node gets the signal twice at once.
 */
const DUPLICATE_SIGNAL_WINDOW_MS = 1000;
/** How long open HTTP responses and background work may take to finish once the generations are done. */
const DRAIN_MS = 5000;

/** Exit code of a startup failure the operator can fix (busy port, bad host, unwritable data dir, bad config). */
const EXIT_MISCONFIGURED = 2;

/** Local server: `npm start`. Reads the environment, checks storage, listens, shuts down gracefully. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config);
  const supervisor = new GenerationSupervisor({ maxRunning: config.maxRunning, maxQueued: config.maxQueued, logger });
  // Async generations run in this process: the supervisor stops them on shutdown; this set is what is left to await.
  const background = new Set<Promise<unknown>>();
  const waitUntil = (work: Promise<unknown>): void => {
    background.add(work);
    void work.finally(() => background.delete(work));
  };
  const wired = createDependencies(config, { waitUntil, logger, supervisor });
  // one key store for the start check and the app, so both share its cache
  const keys = new ApiKeyStore(wired.store, { cacheTtlMs: config.authCacheTtlMs });
  const deps: AppDeps & { close?: () => Promise<void> | void } = {
    ...wired,
    auth: { mode: config.authMode, keys },
    // a server on loopback may deliver webhooks to http receivers on loopback (the same machine)
    webhooks: { ...wired.webhooks, allowLoopbackHttp: isLoopbackHost(config.host) },
    checkReady: () => probeStore(wired.store),
  };

  try {
    await probeStore(deps.store);
  } catch (error) {
    exitMisconfigured(
      config.s3
        ? `bucket ${storageLocation(config)} is not usable: ${(error as Error).message}; check DIFFALIGN_S3_BUCKET, DIFFALIGN_S3_ENDPOINT and the AWS credentials`
        : `data directory ${config.dataDir} is not usable: ${(error as Error).message}; set DIFFALIGN_DATA_DIR to a writable directory`,
    );
  }
  const authOn = config.authMode === 'required' || (await keys.anyExists());
  if (!authOn && !isLoopbackHost(config.host)) {
    exitMisconfigured(
      `auth is off (no API key in ${storageLocation(config)}), so the server listens on loopback only and will not listen on ${config.host}: ` +
        'create a key first (`npx diffalign keys create --tenant NAME`) or set DIFFALIGN_AUTH=required, or use DIFFALIGN_HOST=127.0.0.1',
    );
  }
  const removed = await wired.recover();
  if (removed > 0) logger.info({ removed }, 'removed temp files left by writers that crashed');
  await wired.warmUp();

  const app = createApp(deps);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: config.host }) as Server;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket, logger));
  const responses = trackResponses(server);

  try {
    await listen(server, config);
  } catch (error) {
    exitMisconfigured(listenFailureMessage(error as NodeJS.ErrnoException, config));
  }
  server.on('error', (error) => logger.error({ code: (error as NodeJS.ErrnoException).code, error: { message: error.message, stack: error.stack } }, 'http server error'));
  announceListening(server, config, logger, authOn);
  // webhook messages a previous run left pending (stopped before they were delivered or given up) are sent again
  webhookDispatcherFor(deps)
    .resume()
    .then(
      (pending) => pending > 0 && logger.info({ pending }, 'resumed pending webhook deliveries'),
      (error: unknown) => logger.error({ err: (error as Error).message }, 'could not resume pending webhook deliveries'),
    );

  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    logger.info({ signal, grace_ms: config.shutdownGraceMs, running: supervisor.running, queued: supervisor.queued }, `${signal}: shutting down; no new connections`);
    responses.closing = true;
    server.close();
    server.closeIdleConnections();
    await supervisor.shutdown(config.shutdownGraceMs);
    logger.info({}, 'generations finished or recorded as interrupted');
    const leftInBackground = await settledWithin([...background], DRAIN_MS);
    const leftOpen = await responses.drained(DRAIN_MS);
    server.closeAllConnections();
    logger.info({ background_left: leftInBackground, responses_cut: leftOpen }, 'http responses finished; connections closed');
    await deps.close?.();
    logger.info({}, 'shutdown complete');
  };

  let firstSignalAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (firstSignalAt === undefined) {
      firstSignalAt = Date.now();
      shutdown(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ error: { message: (error as Error).message, stack: (error as Error).stack } }, 'shutdown failed');
          process.exit(1);
        },
      );
      return;
    }
    if (Date.now() - firstSignalAt < DUPLICATE_SIGNAL_WINDOW_MS) {
      logger.debug({ signal }, `${signal} again at once (forwarded by npm): still shutting down gracefully`);
      return;
    }
    logger.warn({ signal }, `second ${signal}: exiting now`);
    process.exit(128 + osConstants.signals[signal]);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function loadConfigOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) exitMisconfigured(error.message);
    throw error;
  }
}

/** One plain line on stderr saying what to do, no stack, exit 2. */
function exitMisconfigured(message: string): never {
  process.stderr.write(`diffalign: ${message}\n`);
  process.exit(EXIT_MISCONFIGURED);
}

function listen(server: Server, config: Config): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function listenFailureMessage(error: NodeJS.ErrnoException, config: Config): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `port ${config.port} is in use on ${config.host}: stop what uses it or set DIFFALIGN_PORT to a free port`;
    case 'EACCES':
      return `not allowed to listen on ${config.host}:${config.port}: set DIFFALIGN_PORT to a port above 1023`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return `cannot listen on host ${config.host} (${error.code}: not an address of this machine): set DIFFALIGN_HOST, e.g. 127.0.0.1 or 0.0.0.0`;
    default:
      return `cannot listen on ${config.host}:${config.port} (${error.code ?? error.message}): check DIFFALIGN_HOST and DIFFALIGN_PORT`;
  }
}

/**
 * The one line people and tests look for (`diffalign listening on http://HOST:PORT`, in `msg`). Printed at
 * every log level, `warn`, `error` and `silent` included (through an info logger of its own when the
 * configured one drops info lines), so that even a quiet server says where it listens.
 */
function announceListening(server: Server, config: Config, logger: ReturnType<typeof createLogger>, authOn: boolean): void {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  const announcer = logger.isLevelEnabled('info') ? logger : createLogger({ logLevel: 'info' });
  const auth = authOn ? 'on' : 'off';
  // one line, so that even a quiet server says whether it wants keys
  const authNote = authOn
    ? 'auth on: every /v1 request needs Authorization: Bearer <key>'
    : `auth off: no API key in the store, every request is tenant ${config.tenant}, loopback only; \`npx diffalign keys create --tenant NAME\` switches auth on without a restart`;
  announcer.info(
    { url, backend: config.backend, storage: config.storage, data_dir: config.dataDir, auth },
    `diffalign listening on ${url} (backend ${config.backend}, storage ${config.storage} at ${storageLocation(config)}; ${authNote})`,
  );
}

/** The HTTP responses in progress, so shutdown can wait for them; answers begun while closing say `Connection: close`. */
function trackResponses(server: Server): { closing: boolean; drained(timeoutMs: number): Promise<number> } {
  const open = new Set<ServerResponse>();
  let onEmpty: (() => void) | undefined;
  const tracker = {
    closing: false,
    /** Resolves when no response is open, or after `timeoutMs`, with how many were still open. */
    drained(timeoutMs: number): Promise<number> {
      for (const response of open) if (!response.headersSent) response.setHeader('connection', 'close');
      if (open.size === 0) return Promise.resolve(0);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(open.size), timeoutMs);
        onEmpty = () => {
          clearTimeout(timer);
          resolve(0);
        };
      });
    },
  };
  server.on('request', (_request, response: ServerResponse) => {
    open.add(response);
    if (tracker.closing && !response.headersSent) response.setHeader('connection', 'close');
    response.once('close', () => {
      open.delete(response);
      if (open.size === 0) onEmpty?.();
    });
  });
  return tracker;
}

/** Waits for the promises to settle, at most `timeoutMs`; resolves with how many had not. */
async function settledWithin(work: readonly Promise<unknown>[], timeoutMs: number): Promise<number> {
  let settled = 0;
  let timer: NodeJS.Timeout | undefined;
  const all = Promise.allSettled(work.map((promise) => promise.finally(() => (settled += 1))));
  await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
  return work.length - settled;
}

/** 431: the request's header section is larger than Node's parser accepts. */
class RequestHeaderFieldsTooLargeError extends HttpError {
  readonly status = 431;
  readonly title = 'Request header fields too large';
  constructor() {
    super('request_header_fields_too_large', 'the request headers are larger than the server accepts; send fewer or shorter headers');
  }
}

/** 408: the client took too long to send its request. */
class RequestTimeoutError extends HttpError {
  readonly status = 408;
  readonly title = 'Request timeout';
  constructor() {
    super('request_timeout', 'the request was not received in time; send it again');
  }
}

const answeredSockets = new WeakSet<Socket>();

/**
 * Node's parser rejected a request before any handler saw it (malformed request line or headers, header
 * section too large, too slow). Node would answer an empty 400/431/408; answer problem+json instead, when
 * nothing of a response has been written to the socket yet (as Node itself checks), then close it.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket, logger: Logger): void {
  // The parser can fail again on bytes still arriving while the answer is flushed: answer once.
  if (answeredSockets.has(socket)) return;
  answeredSockets.add(socket);
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new RequestHeaderFieldsTooLargeError()
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new RequestTimeoutError()
        : new MalformedRequestError(`the server could not parse the request (${error.code ?? 'parse error'}); send a well-formed HTTP/1.1 request`);
  logger.info({ status: problem.status, code: problem.code, parser_code: error.code }, 'client error');
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(problem.toJSON());
  const head = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}`,
    `content-type: ${PROBLEM_CONTENT_TYPE}`,
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}

main().catch((error: unknown) => {
  process.stderr.write(`diffalign failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
