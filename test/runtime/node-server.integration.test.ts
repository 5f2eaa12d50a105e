import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { freePort, type RunningServer, startServer } from '../support/spawn-server.js';

async function filesUnder(directory: string): Promise<string[]> {
  try {
    return (await readdir(directory, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name);
  } catch {
    return [];
  }
}

describe('node runtime (a real server process on loopback, reference backend, fs storage)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let server: RunningServer;

  beforeAll(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'diffalign-node-')), 'data');
    env = { DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_DATA_DIR: dataDir, DIFFALIGN_HEARTBEAT_MS: '100' };
    server = await startServer(env);
    console.log(`server listening after ${server.startupMs} ms`);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('answers GET /healthz', async () => {
    const response = await fetch(`${server.baseUrl}/healthz`);
    expect(response.status).toBe(200);
  });

  it('refuses bad input with problem+json and writes nothing', async () => {
    // Prepare
    const post = (body: string) => fetch(`${server.baseUrl}/v1/generations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    // Act
    const responses = await Promise.all([
      post(JSON.stringify({ search: { budget: 4 } })),
      post(JSON.stringify({ prompt: 'a photo of a red apple', search: { budget: 1_000_000 } })),
      post('this is not json'),
      post(JSON.stringify({ prompt: 'x'.repeat(5 * 1024 * 1024) })),
    ]);
    // Assess
    expect(responses.map((response) => response.status)).toEqual([422, 422, 400, 413]);
    for (const response of responses) expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await filesUnder(dataDir)).toEqual([]);
  });

  it('generates best-of-4, serves the chosen PNG, and finds the record again after a restart', async () => {
    // Act
    const response = await fetch(`${server.baseUrl}/v1/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a photo of a red apple', search: { method: 'best_of_n', budget: 4 } }),
    });
    const record = (await response.json()) as GenerationRecord;
    // Assess
    expect(response.status).toBe(200);
    expect(record.usage?.images).toBe(4);
    expect(record.candidates).toHaveLength(4);
    const bestReward = Math.max(...record.candidates.map((candidate) => candidate.reward ?? -Infinity));
    expect(record.best?.reward).toBe(bestReward);
    expect(record.candidates.find((candidate) => candidate.reward === bestReward)?.id).toBe(record.best?.id);

    const image = await fetch(new URL(record.best!.url!, server.baseUrl));
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    const metadata = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    expect(metadata).toMatchObject({ format: 'png', width: 512, height: 512 });

    await server.stop();
    server = await startServer(env);
    const again = await fetch(`${server.baseUrl}/v1/generations/${record.id}`);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(record);
  });

  it('after kill -9 mid-job, the first read says failed / interrupted, lists every candidate whose image is on disk, and none of the killed writer\'s temp files remains', async () => {
    // Prepare
    const response = await fetch(`${server.baseUrl}/v1/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', prefer: 'respond-async' },
      body: JSON.stringify({ prompt: 'a photo of three dogs and a red car', search: { budget: 256 }, width: 1024, height: 1024 }),
    });
    const queued = (await response.json()) as GenerationRecord;
    expect(response.status).toBe(202);
    for (let attempt = 0; attempt < 300; attempt += 1) {
      const running = (await (await fetch(`${server.baseUrl}/v1/generations/${queued.id}`)).json()) as GenerationRecord;
      expect(running.status === 'queued' || running.status === 'running').toBe(true);
      if (running.candidates.filter((candidate) => candidate.status === 'scored').length >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Act
    const killedPid = server.pid;
    await server.stop('SIGKILL');
    server = await startServer(env);
    const after = (await (await fetch(`${server.baseUrl}/v1/generations/${queued.id}`)).json()) as GenerationRecord;
    // Assess
    expect(after.status).toBe('failed');
    expect(after.error?.code).toBe('interrupted');
    const all = await readdir(dataDir, { recursive: true });
    const onDisk = all.filter((name) => name.includes(queued.id) && name.endsWith('.png')).map((name) => name.split('/').pop()!.replace('.png', ''));
    expect(onDisk.length).toBeGreaterThanOrEqual(3);
    const listed = new Map(after.candidates.map((candidate) => [candidate.id, candidate]));
    for (const id of onDisk) expect(listed.get(id)?.url).toBeTruthy();
    expect(after.best).not.toBeNull();
    const best = await fetch(new URL(after.best!.url!, server.baseUrl));
    expect(best.status).toBe(200);
    // the killed writer's temp files and key locks are gone (the new server's own, e.g. the lock of the heartbeat it is writing, may be there)
    const ownerOf = async (name: string): Promise<number> =>
      Number.parseInt(name.endsWith('.tmp-lock') ? await readFile(join(dataDir, name), 'utf8').catch(() => '') : name.slice(name.indexOf('.tmp-') + '.tmp-'.length), 10);
    const left = await Promise.all(all.filter((name) => name.includes('.tmp-')).map(async (name) => ({ name, owner: await ownerOf(name) })));
    expect(left.filter((file) => file.owner === killedPid)).toEqual([]);
    expect(left.filter((file) => file.owner !== server.pid && !Number.isNaN(file.owner))).toEqual([]);
  });

  it('answers 60 concurrent budget-64 requests with MAX_QUEUED=8: each succeeds or gets 503 with Retry-After, and the server stays up', async () => {
    // Prepare
    const busy = await startServer({ ...env, DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_MAX_QUEUED: '8', DIFFALIGN_MAX_RUNNING: '2' });
    try {
      // Act
      const responses = await Promise.all(
        Array.from({ length: 60 }, (_, index) =>
          fetch(`${busy.baseUrl}/v1/generations`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ prompt: 'a photo of a red apple', seed: index, search: { budget: 64 }, width: 64, height: 64, steps: 4 }),
            signal: AbortSignal.timeout(90_000),
          }),
        ),
      );
      // Assess
      const statuses = responses.map((response) => response.status);
      expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(10);
      expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
      for (const response of responses.filter((item) => item.status === 503)) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(((await response.json()) as { code: string }).code).toBe('overloaded');
      }
      expect((await fetch(`${busy.baseUrl}/healthz`)).status).toBe(200);
    } finally {
      await busy.stop();
    }
  });
});
