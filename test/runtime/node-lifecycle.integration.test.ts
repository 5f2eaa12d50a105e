import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { freePort, isAlive, type RunningServer, runServerUntilExit, startNpmStart, startServer } from '../support/spawn-server.js';

/** A generation of the reference world that runs for far longer than any grace period below. */
const SLOW_GENERATION = { prompt: 'a photo of three dogs and a red car', search: { budget: 256 }, width: 1024, height: 1024 };
/** One that finishes well within a generous grace period. */
const SMALL_GENERATION = { prompt: 'a photo of a red apple', search: { budget: 4 }, width: 256, height: 256 };

async function newDataDir(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'diffalign-lifecycle-')), 'data');
}

/** Every `generations/<tenant>/<yyyy>/<mm>/<dd>/<id>/record.json` under a data directory. */
async function recordsUnder(dataDir: string): Promise<GenerationRecord[]> {
  let entries: string[];
  try {
    entries = await readdir(join(dataDir, 'generations'), { recursive: true });
  } catch {
    return [];
  }
  const files = entries.filter((entry) => entry.endsWith('/record.json') || entry === 'record.json');
  const records = await Promise.all(
    files.map(async (file) => {
      try {
        return JSON.parse(await readFile(join(dataDir, 'generations', file), 'utf8')) as GenerationRecord;
      } catch {
        return undefined; // being replaced right now: the next look sees it
      }
    }),
  );
  return records.filter((record): record is GenerationRecord => record !== undefined);
}

/** Polls until `probe` gives a value (no fixed sleeps: the machine may be slow). */
async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends raw bytes on a fresh TCP connection and answers everything the server sent back before closing. */
function rawExchange(baseUrl: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    let received = '';
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received));
  });
}

function parseRawResponse(raw: string): { status: number; headers: Record<string, string>; body: unknown } {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body: body ? JSON.parse(body) : undefined };
}

function startGeneration(baseUrl: string, body: unknown): Promise<number | 'connection lost'> {
  return fetch(`${baseUrl}/v1/generations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
    async (response) => {
      await response.arrayBuffer();
      return response.status;
    },
    () => 'connection lost' as const,
  );
}

function runningRecord(dataDir: string): Promise<GenerationRecord> {
  return waitFor(async () => (await recordsUnder(dataDir)).find((record) => record.status === 'running'), 'a running generation record');
}

describe('node runtime lifecycle (real `node src/runtime/node.ts` and `npm start` processes on loopback, fs storage)', () => {
  describe('a running server', () => {
    let server: RunningServer;

    beforeAll(async () => {
      server = await startServer({ DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_DATA_DIR: await newDataDir() });
    });

    afterAll(async () => {
      await server?.stop();
    });

    it('answers a malformed request line with a 400 problem+json on the raw socket', async () => {
      // Act
      const raw = await rawExchange(server.baseUrl, 'THIS IS NOT HTTP\r\n\r\n');
      // Assess
      const response = parseRawResponse(raw);
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(response.body).toMatchObject({ status: 400, code: 'malformed_request' });
    });

    it('answers a 64 KB header with a 431 problem+json on the raw socket', async () => {
      // Act
      const raw = await rawExchange(server.baseUrl, `GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
      // Assess
      const response = parseRawResponse(raw);
      expect(response.status).toBe(431);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(response.body).toMatchObject({ status: 431, code: 'request_header_fields_too_large' });
    });

    it('is ready (/readyz probes the store) and alive (/healthz)', async () => {
      // Act
      const [ready, health] = await Promise.all([fetch(`${server.baseUrl}/readyz`), fetch(`${server.baseUrl}/healthz`)]);
      // Assess
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });
      expect(health.status).toBe(200);
    });

    it('writes JSON log lines carrying the request id', async () => {
      // Act
      const response = await fetch(`${server.baseUrl}/v1/models`, { method: 'DELETE', headers: { 'x-request-id': 'lifecycle-405' } });
      // Assess
      expect(response.status).toBe(405);
      expect(response.headers.get('x-request-id')).toBe('lifecycle-405');
      const line = await waitFor(async () => server.output().split('\n').find((candidate) => candidate.includes('"lifecycle-405"')), 'the request log line');
      expect(JSON.parse(line)).toMatchObject({ level: 'info', msg: 'request', request_id: 'lifecycle-405', method: 'DELETE', status: 405, code: 'method_not_allowed' });
    });
  });

  it('still says where it listens at log level silent, and writes nothing else', async () => {
    // Prepare
    const server = await startServer({ DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_DATA_DIR: await newDataDir(), DIFFALIGN_LOG_LEVEL: 'silent' });
    // Act
    const health = await fetch(`${server.baseUrl}/healthz`);
    await server.stop();
    // Assess
    expect(health.status).toBe(200);
    const lines = server.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: expect.stringContaining(`diffalign listening on ${server.baseUrl}`) });
  });

  describe('startup failures the operator can fix', () => {
    it('exits 2 with one line naming DIFFALIGN_PORT when the port is in use, and no stack', async () => {
      // Prepare
      const blocker = createServer();
      const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as { port: number }).port)));
      try {
        // Act
        const end = await runServerUntilExit({ DIFFALIGN_PORT: String(port), DIFFALIGN_DATA_DIR: await newDataDir() });
        // Assess
        expect(end.code).toBe(2);
        expect(end.stderr.trim().split('\n')).toEqual([`diffalign: port ${port} is in use on 127.0.0.1: stop what uses it or set DIFFALIGN_PORT to a free port`]);
        expect(end.stdout).not.toContain('listening on');
      } finally {
        blocker.close();
      }
    });

    it('exits 2 naming DIFFALIGN_DATA_DIR when the data directory cannot be written (a file in its path)', async () => {
      // Prepare
      const parent = await mkdtemp(join(tmpdir(), 'diffalign-unwritable-'));
      await writeFile(join(parent, 'a-file'), 'not a directory');
      const dataDir = join(parent, 'a-file', 'data');
      // Act
      const end = await runServerUntilExit({ DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_DATA_DIR: dataDir });
      // Assess
      expect(end.code).toBe(2);
      const lines = end.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`data directory ${dataDir} is not usable`);
      expect(lines[0]).toContain('ENOTDIR');
      expect(lines[0]).toContain('set DIFFALIGN_DATA_DIR');
    });
  });

  describe('signals', () => {
    it('exits at once with 143 on a second SIGTERM while it drains', async () => {
      // Prepare
      const dataDir = await newDataDir();
      const server = await startServer({ DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_DATA_DIR: dataDir, DIFFALIGN_SHUTDOWN_GRACE_MS: '600000' });
      const answer = startGeneration(server.baseUrl, SLOW_GENERATION);
      await runningRecord(dataDir);
      process.kill(server.pid, 'SIGTERM');
      await waitFor(async () => (server.output().includes('shutting down') ? true : undefined), 'the shutdown to begin');
      // A second signal right after the first is npm forwarding the same one; this one comes well after it.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // Act
      process.kill(server.pid, 'SIGTERM');
      const end = await server.exited;
      // Assess
      expect(end.code).toBe(143);
      expect(await answer).toBe('connection lost');
    });

    it('shuts down gracefully when the same signal arrives twice at once (as npm forwards it when the shell execs node)', async () => {
      // Prepare
      const dataDir = await newDataDir();
      const server = await startServer({ DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_DATA_DIR: dataDir, DIFFALIGN_SHUTDOWN_GRACE_MS: '500' });
      const answer = startGeneration(server.baseUrl, SLOW_GENERATION);
      const running = await runningRecord(dataDir);
      // Act
      process.kill(server.pid, 'SIGTERM');
      process.kill(server.pid, 'SIGTERM');
      const end = await server.exited;
      // Assess
      expect(end.code).toBe(0);
      expect(end.stdout).toContain('shutdown complete');
      await answer;
      const records = await recordsUnder(dataDir);
      expect(records.filter((record) => record.status === 'running' || record.status === 'queued')).toEqual([]);
      expect(records.find((record) => record.id === running.id)).toMatchObject({ status: 'failed', error: { code: 'interrupted' } });
    });

    it.each([
      { signal: 'SIGTERM' as const, generation: SMALL_GENERATION, graceMs: 120_000, outcome: 'completes with 200' },
      { signal: 'SIGINT' as const, generation: SLOW_GENERATION, graceMs: 1000, outcome: 'is recorded failed / interrupted' },
    ])(
      'on $signal to the `npm start` process group, a generation in flight $outcome, nothing is left running, and the server exits',
      async ({ signal, generation, graceMs }) => {
        // Prepare
        const dataDir = await newDataDir();
        const server = await startNpmStart({ DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_DATA_DIR: dataDir, DIFFALIGN_SHUTDOWN_GRACE_MS: String(graceMs) });
        expect(server.serverPid).toBeGreaterThan(0);
        const answer = startGeneration(server.baseUrl, generation);
        const running = await runningRecord(dataDir);
        // Act
        server.signalGroup(signal);
        const status = await answer;
        await server.closed;
        // Assess
        expect(isAlive(server.serverPid)).toBe(false);
        expect(server.output()).toContain('shutdown complete');
        const records = await recordsUnder(dataDir);
        expect(records.filter((record) => record.status === 'running' || record.status === 'queued')).toEqual([]);
        const record = records.find((candidate) => candidate.id === running.id);
        if (generation === SMALL_GENERATION) {
          expect(status).toBe(200);
          expect(record?.status).toBe('succeeded');
        } else {
          expect(record).toMatchObject({ status: 'failed', error: { code: 'interrupted' } });
        }
      },
    );
  });
});
