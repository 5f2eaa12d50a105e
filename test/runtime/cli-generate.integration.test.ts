import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { EXIT } from '../../src/runtime/cli.js';
import { runCliInProcess } from '../support/cli-run.js';
import { storedFeedback } from '../support/stored-feedback.js';
import { freePort, type RunningServer, startServer } from '../support/spawn-server.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const PROMPT = 'a photo of a red apple and a blue car';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The CLI's `main` in this process against the server process (fast); the `npx` and pseudo-terminal runs
 * below cover the real entry point.
 */
const diffalign = (args: readonly string[], env: Record<string, string>) => runCliInProcess(args, env);

/** `npx --no-install diffalign …` in the repository, as a user on a fresh clone types it. */
function npxDiffalign(args: readonly string[], env: Record<string, string>): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync('npx', ['--no-install', 'diffalign', ...args], { cwd: repoRoot, env: { ...process.env, npm_config_update_notifier: 'false', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('diffalign generate and feedback (the CLI against `diffalign serve`, a real server process, reference backend)', () => {
  let temp: string;
  let dataDir: string;
  let port: string;
  let server: RunningServer;
  let generated: GenerationRecord;

  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'diffalign-cli-generate-'));
    dataDir = join(temp, 'data');
    port = String(await freePort());
    server = await startServer({ DIFFALIGN_AUTH_CACHE_SECONDS: '0', DIFFALIGN_LOG_LEVEL: 'warn' }, ['bin/diffalign.js', 'serve', '--port', port, '--data-dir', dataDir]);
  });
  afterAll(async () => {
    await server?.stop();
    await rm(temp, { recursive: true, force: true });
  });

  it('serves the API and the playground from `diffalign serve`', async () => {
    // Act
    const page = await fetch(`${server.baseUrl}/`);
    // Assess
    expect(server.baseUrl).toBe(`http://127.0.0.1:${port}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>diffalign playground</title>');
  });

  it('`npx diffalign generate` finds the local server, shows progress, and writes best.png, every candidate and the record', async () => {
    // Prepare
    const out = join(temp, 'apple');
    // Act: no --server: the local server on DIFFALIGN_PORT
    const run = npxDiffalign(['generate', PROMPT, '--search', 'zero_order', '--budget', '6', '--size', '128', '--reward', 'geneval', '--reward', 'aesthetic=0.5', '--out', out], { DIFFALIGN_PORT: port });
    // Assess: progress lines on stderr (not a terminal), one per finished candidate
    expect(run.code, run.stderr).toBe(EXIT.ok);
    const id = /generation ([0-9a-f-]{36}) accepted/.exec(run.stderr)?.[1];
    expect(id).toBeDefined();
    for (let done = 1; done <= 6; done += 1) expect(run.stderr).toMatch(new RegExp(`^\\[${done}/6\\] c\\d{3} (search|final) reward [\\d.]+ \\(aesthetic [\\d.]+, geneval [\\d.]+\\)$`, 'm'));
    expect(run.stderr).toMatch(/new best c\d{3}/);
    expect(run.stderr).toMatch(/^succeeded: 6 images in [\d.]+ s · best c\d{3}/m);
    // the files: the record as the server keeps it, real PNGs
    generated = (await (await fetch(`${server.baseUrl}/v1/generations/${id}`)).json()) as GenerationRecord;
    expect(JSON.parse(await readFile(join(out, 'record.json'), 'utf8'))).toEqual(generated);
    const best = await readFile(join(out, 'best.png'));
    expect(best.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(await sharp(best).metadata()).toMatchObject({ format: 'png', width: 128, height: 128 });
    const served = Buffer.from(await (await fetch(`${server.baseUrl}${generated.best!.url}`)).arrayBuffer());
    expect(best.equals(served)).toBe(true);
    const candidates = (await readdir(join(out, 'candidates'))).sort();
    expect(candidates).toEqual(generated.candidates.map((candidate) => `${candidate.id}.png`));
    for (const file of candidates) expect((await sharp(join(out, 'candidates', file)).stats()).channels.length).toBeGreaterThanOrEqual(3);
    expect(run.stdout).toContain(`best ${generated.best!.id}: reward`);
    expect(run.stdout).toContain(`record.json (generation ${id}, succeeded)`);
  });

  it('draws a progress bar in a pseudo-terminal', async () => {
    // Prepare: util-linux `script` gives the command a terminal
    const out = join(temp, 'tty');
    const command = [process.execPath, 'bin/diffalign.js', 'generate', `'${PROMPT}'`, '--budget', '4', '--size', '64', '--server', server.baseUrl, '--out', out].join(' ');
    // Act
    const run = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    // Assess: the bar (cli-progress, shades_classic) left at its last state (all images, the best, the status), then the summary
    expect(run.status, run.stdout + run.stderr).toBe(EXIT.ok);
    expect(run.stdout).toMatch(/█{24} 4\/4 images · best c\d{3} [^·]+ · succeeded/);
    expect(run.stdout).toContain('wrote ');
    expect((await readdir(join(out, 'candidates'))).length).toBe(4);
  });

  it('prints a JSON result with --json, and no progress with --quiet', async () => {
    // Act
    const run = await diffalign(['generate', 'a photo of two cats', '--budget', '2', '--size', '64', '--json', '--quiet', '--out', join(temp, 'cats')], { DIFFALIGN_PORT: port });
    // Assess
    expect(run.code, run.stderr).toBe(EXIT.ok);
    const result = JSON.parse(run.stdout) as { id: string; status: string; best: { id: string }; files: { best: string; record: string; candidates: string[] } };
    expect(result).toMatchObject({ status: 'succeeded', files: { best: join(temp, 'cats', 'best.png'), record: join(temp, 'cats', 'record.json') } });
    expect(result.files.candidates).toHaveLength(2);
    expect(run.stderr).not.toMatch(/accepted|\[\d\/2\]|succeeded:/);
  });

  it('passes on what the server refused, naming the field (exit 2)', async () => {
    // Act
    const run = await diffalign(['generate', PROMPT, '--reward', 'no-such-scorer', '--server', server.baseUrl], {});
    // Assess
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain('diffalign generate: the server refused the request (validation_failed):\n  rewards[0].model: unknown scorer "no-such-scorer"');
  });

  it('sends select and compare feedback that the server stores, and a refused event exits 2', async () => {
    // Prepare
    const [first, second] = generated.candidates;
    // Act
    const select = await diffalign(['feedback', 'select', generated.id, first!.id, '--consent', '--app-user', 'u-cli', '--server', server.baseUrl], {});
    const compare = await diffalign(['feedback', 'compare', generated.id, first!.id, second!.id, '--choice', 'tie', '--consent', '--json'], { DIFFALIGN_PORT: port });
    const unconsented = await diffalign(['feedback', 'download', generated.id, second!.id], { DIFFALIGN_PORT: port });
    const unknown = await diffalign(['feedback', 'select', generated.id, 'c999', '--consent'], { DIFFALIGN_PORT: port });
    // Assess
    expect([select.code, compare.code, unconsented.code, unknown.code]).toEqual([EXIT.ok, EXIT.ok, EXIT.ok, EXIT.usage]);
    expect(select.stdout).toMatch(/^stored select event [0-9a-f-]{36} \(batch [0-9a-f-]{36}\)\n$/);
    expect(JSON.parse(compare.stdout)).toMatchObject({ object: 'feedback_batch', accepted: 1 });
    expect(unconsented.stderr).toContain('sent without --consent, so it is stored but never harvested');
    expect(unknown.stderr).toContain('events.0.candidate_id');
    const stored = await storedFeedback(dataDir);
    expect(stored.map((event) => [event.type, event.candidate_id ?? event.candidate_ids, event.consent])).toEqual([
      ['select', first!.id, true],
      ['compare', [first!.id, second!.id], true],
      ['download', second!.id, false],
    ]);
    expect(stored[0]!.app_user).toBe('u-cli');
  });

  it('exits 4 with what to do when the server wants a key, and works with --key', async () => {
    // Prepare: a key switches auth on in the running server
    const created = await diffalign(['keys', 'create', '--tenant', 'default'], { DIFFALIGN_DATA_DIR: dataDir });
    const key = created.stdout.trim();
    // Act
    const without = await diffalign(['generate', 'a cat', '--budget', '1', '--size', '64', '--out', join(temp, 'no-key')], { DIFFALIGN_PORT: port });
    const withKey = await diffalign(['generate', 'a cat', '--budget', '1', '--size', '64', '--key', key, '--quiet', '--out', join(temp, 'key')], { DIFFALIGN_PORT: port });
    const fromEnv = await diffalign(['feedback', 'select', generated.id, 'c000', '--consent'], { DIFFALIGN_PORT: port, DIFFALIGN_API_KEY: key });
    // Assess
    expect(created.code).toBe(EXIT.ok);
    expect(without.code).toBe(EXIT.unauthorized);
    expect(without.stderr).toContain('(unauthenticated): pass --key da_… or set DIFFALIGN_API_KEY');
    expect(withKey.code, withKey.stderr).toBe(EXIT.ok);
    expect((await sharp(join(temp, 'key', 'best.png')).metadata()).format).toBe('png');
    expect(fromEnv.code, fromEnv.stderr).toBe(EXIT.ok);
  });

  it('stops gracefully on SIGTERM, exit 0', async () => {
    // Act
    await server.stop('SIGTERM');
    // Assess
    expect((await server.exited).code).toBe(0);
  });
});

describe('diffalign emulator (a real emulator process)', () => {
  it('serves the reference world under the SageMaker endpoint names and stops on SIGTERM, exit 0', async () => {
    // Prepare
    const port = String(await freePort());
    // Act
    const emulator = await startServer({}, ['bin/diffalign.js', 'emulator', '--port', port, '--threads', '0']);
    const health = (await (await fetch(`${emulator.baseUrl}/_health`)).json()) as { ok: boolean; endpoints: Record<string, string> };
    await emulator.stop('SIGTERM');
    // Assess
    expect(emulator.baseUrl).toBe(`http://127.0.0.1:${port}`);
    expect(health).toEqual({ ok: true, endpoints: { 'diffalign-generator': 'generator', 'diffalign-scorer': 'scorer', 'diffalign-promptist': 'text-generation', 'diffalign-llm': 'chat' } });
    expect((await emulator.exited).code).toBe(0);
  });
});
