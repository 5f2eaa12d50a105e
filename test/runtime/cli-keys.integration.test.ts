import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess as inProcess, runNodeEntry } from '../support/cli-run.js';
import { freePort, type RunningServer, runServerUntilExit, startServer } from '../support/spawn-server.js';

/** `node bin/diffalign.js …`, what `npx diffalign` runs. */
const diffalign = (args: readonly string[], env: Record<string, string>) => runNodeEntry('bin/diffalign.js', args, env);

describe('diffalign keys (the CLI against a real server process, fs storage)', () => {
  let env: Record<string, string>;
  let server: RunningServer;

  beforeAll(async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'diffalign-cli-keys-')), 'data');
    env = { DIFFALIGN_DATA_DIR: dataDir, DIFFALIGN_STORAGE: 'fs', DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_AUTH_CACHE_SECONDS: '0', DIFFALIGN_REFERENCE_THREADS: '0' };
    server = await startServer(env);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('starts with auth off on an empty store, listening on 127.0.0.1 only, and says so', async () => {
    // Act
    const response = await fetch(`${server.baseUrl}/v1/models`);
    // Assess
    expect(new URL(server.baseUrl).hostname).toBe('127.0.0.1');
    expect(server.output()).toMatch(/"auth":"off"/);
    expect(server.output()).toContain('auth off: no API key in the store');
    expect(response.status).toBe(200);
  });

  it('creates a key that switches auth on in the running server, works as Bearer, and is 401 once revoked', async () => {
    // Act: create
    const created = await diffalign(['keys', 'create', '--tenant', 'acme', '--label', 'ci'], env);
    const key = created.stdout.trim();
    const keyId = key.split('_')[1]!;
    const withoutKey = await fetch(`${server.baseUrl}/v1/models`);
    const withKey = await fetch(`${server.baseUrl}/v1/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a photo of a red apple', search: { budget: 2 }, width: 64, height: 64 }),
    });
    const listed = await diffalign(['keys', 'list'], env);
    // Act: revoke
    const revoked = await diffalign(['keys', 'revoke', keyId], env);
    const afterRevoke = await fetch(`${server.baseUrl}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    // Assess
    expect(created.code).toBe(0);
    expect(key).toMatch(/^da_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('only time the key is shown');
    expect(withoutKey.status).toBe(401);
    expect(withoutKey.headers.get('www-authenticate')).toBe('Bearer realm="diffalign"');
    expect(withKey.status).toBe(200);
    expect(listed.stdout).toMatch(new RegExp(`${keyId}\\s+acme\\s+\\S+\\s+-\\s+ci`));
    expect(listed.stdout).not.toContain(key.slice(20));
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked key ${keyId}`);
    expect(afterRevoke.status).toBe(401);
    expect(((await afterRevoke.json()) as { code: string }).code).toBe('revoked_api_key');
    expect(server.output()).toContain('auth is on');
  });

  it('prints JSON with --json: the key once on create, never a secret or digest on list', async () => {
    // Act
    const created = await inProcess(['keys', 'create', '--tenant', 'globex', '--rate-per-minute', '120', '--json'], env);
    const document = JSON.parse(created.stdout) as Record<string, unknown>;
    const listed = JSON.parse((await inProcess(['keys', 'list', '--json'], env)).stdout) as { keys: Record<string, unknown>[] };
    // Assess
    expect(created.code).toBe(0);
    expect(document).toMatchObject({ tenant: 'globex', limits: { rate_per_minute: 120 } });
    expect(String(document.key)).toMatch(new RegExp(`^da_${String(document.key_id)}_`));
    expect(listed.keys.map((entry) => entry.tenant)).toContain('globex');
    expect(JSON.stringify(listed)).not.toContain(String(document.key).slice(20));
    for (const entry of listed.keys) expect(entry).not.toHaveProperty('sha256');
  });

  it('exits 2 on a bad tenant name or limit and 1 on an unknown key id, saying why', async () => {
    // Act
    const badTenant = await inProcess(['keys', 'create', '--tenant', 'Not/A/Tenant'], env);
    const badLimit = await inProcess(['keys', 'create', '--tenant', 'acme', '--max-budget', '100000'], env);
    const unknown = await inProcess(['keys', 'revoke', 'ffffffffffffffff'], env);
    // Assess
    expect([badTenant.code, badLimit.code, unknown.code]).toEqual([2, 2, 1]);
    expect(badTenant.stderr).toContain('is not a tenant name');
    expect(badLimit.stderr).toContain('--max-budget');
    expect(unknown.stderr).toContain('no API key ffffffffffffffff');
  });
});

describe('node runtime with auth off (a real server process)', () => {
  it('refuses to listen on a non-loopback host while no key exists, naming what to do, exit 2', async () => {
    // Prepare
    const dataDir = join(await mkdtemp(join(tmpdir(), 'diffalign-auth-off-')), 'data');
    // Act
    const ended = await runServerUntilExit({ DIFFALIGN_DATA_DIR: dataDir, DIFFALIGN_HOST: '0.0.0.0', DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_REFERENCE_THREADS: '0' });
    // Assess
    expect(ended.code).toBe(2);
    expect(ended.stderr).toContain('auth is off');
    expect(ended.stderr).toContain('will not listen on 0.0.0.0');
    expect(ended.stderr).toContain('diffalign keys create');
  });
});
