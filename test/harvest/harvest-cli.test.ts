import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import { runCliInProcess, runNodeEntry } from '../support/cli-run.js';
import { generationRecord, putFeedbackBatch, putGeneration, recordCandidate, storedEvent, uuidAt } from './harvest-store.js';

/** Runs a node entry of the repo with arguments and environment overrides; resolves when it exits. */
const run = (entry: string, args: readonly string[], env: Record<string, string>) => runNodeEntry(entry, args, { DIFFALIGN_TENANT: 'default', DIFFALIGN_STORAGE: 'fs', ...env });

/** Runs the CLI's `main` in this process with captured streams. */
const inProcess = (args: readonly string[], env: Record<string, string>) => runCliInProcess(args, { DIFFALIGN_TENANT: 'default', ...env });

describe('diffalign harvest (CLI)', () => {
  let temp: string;
  let dataDir: string;
  const generationId = uuidAt('2024-04-30T12:00:00.000Z', 1);

  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'diffalign-harvest-cli-'));
    dataDir = join(temp, 'data');
    const store = new FsBlobStore(dataDir);
    await putGeneration(store, generationRecord(generationId, 'a red train', [recordCandidate(0, 1), recordCandidate(1, 0.5), recordCandidate(2, 0)], 'alice'));
    await putFeedbackBatch(
      store,
      [
        storedEvent('2024-05-01T10:00:00.000Z', 1, { type: 'impression', generation_id: generationId, candidate_id: 'c000' }),
        storedEvent('2024-05-01T10:00:01.000Z', 2, { type: 'download', generation_id: generationId, candidate_id: 'c001' }),
        storedEvent('2024-05-01T10:00:02.000Z', 3, { type: 'select', generation_id: generationId, candidate_id: 'c002', consent: false }),
      ],
      'batch-1',
    );
  });
  afterAll(async () => {
    await rm(temp, { recursive: true, force: true });
  });

  it('harvests the configured store and prints the result as JSON, exit 0', async () => {
    // Prepare
    const out = join(temp, 'out');
    // Act
    const result = await run('src/runtime/cli.ts', ['harvest', '--out', out, '--from', '2024-05-01', '--to', '2024-05-01', '--json'], { DIFFALIGN_DATA_DIR: dataDir });
    // Assess
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.out).toBe(out);
    expect(summary.manifest.counts.events).toMatchObject({ read: 3, unconsented: 1, harvested: 2 });
    // c001 (downloaded) over c000 (shown); AI: c000 (reward 1) over c002 (0), margin 1 > 0.5
    expect(summary.manifest.counts.preferences).toMatchObject({ total: 2, human: 1, ai_feedback: 1 });
    expect(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')).content_sha256).toBe(summary.manifest.content_sha256);
    expect(Object.keys(summary.timings_ms)).toEqual(['stage', 'events', 'records', 'rules', 'images', 'write']);
  });

  it('prints a readable summary without --json, honouring --no-ai-feedback', async () => {
    // Act
    const result = await inProcess(['harvest', '--out', join(temp, 'human-only'), '--no-ai-feedback'], { DIFFALIGN_DATA_DIR: dataDir });
    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/harvested tenant default, start … end/);
    expect(result.stdout).toMatch(/preferences {2}1 pairs \(download 1\)/);
  });

  it('exits 2 on bad usage or configuration, and 1 when the harvest fails', async () => {
    // Prepare
    const file = join(temp, 'a-file');
    await writeFile(file, 'not a directory');
    const env = { DIFFALIGN_DATA_DIR: dataDir };
    // Act
    const badDate = await inProcess(['harvest', '--out', join(temp, 'x'), '--from', '2024-02-30'], env);
    const badMargin = await inProcess(['harvest', '--out', join(temp, 'x'), '--ai-margin', '-1'], env);
    const missingOut = await inProcess(['harvest'], env);
    const badConfig = await inProcess(['harvest', '--out', join(temp, 'y')], { ...env, DIFFALIGN_TENANT: 'Not A Tenant' });
    const failure = await inProcess(['harvest', '--out', join(file, 'out')], env);
    const help = await inProcess(['harvest', '--help'], env);
    // Assess
    expect([badDate.code, badMargin.code, missingOut.code, badConfig.code, failure.code, help.code]).toEqual([2, 2, 2, 2, 1, 0]);
    expect(badDate.stderr).toMatch(/from: expected a date YYYY-MM-DD/);
    expect(badMargin.stderr).toMatch(/--ai-margin/);
    expect(missingOut.stderr).toMatch(/--out/);
    expect(badConfig.stderr).toMatch(/DIFFALIGN_TENANT/);
    expect(failure.stderr).toMatch(/diffalign harvest: /);
    expect(help.stdout).toMatch(/--no-ai-feedback/);
  });

  it('runs as the package bin (bin/diffalign.js through tsx)', async () => {
    // Act
    const result = await run('bin/diffalign.js', ['harvest', '--help'], {});
    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: diffalign harvest \[options\]/);
    expect(result.stdout).toMatch(/--ai-margin <x>/);
  });
});
