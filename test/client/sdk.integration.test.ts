import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newWebhookSecret } from '../../src/api/webhooks/standard-webhooks.js';
import { freePort, type RunningServer, startServer } from '../support/spawn-server.js';

const run = promisify(execFile);

describe('the SDK (diffalign/client) against a real server process (npm start, reference backend, fs storage)', () => {
  let server: RunningServer;
  const secret = newWebhookSecret();

  beforeAll(async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'diffalign-sdk-')), 'data');
    server = await startServer({ DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_DATA_DIR: dataDir, DIFFALIGN_WEBHOOK_SECRET: secret, DIFFALIGN_WEBHOOK_RETRY_BASE_MS: '100' });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('runs an app written only against the SDK: generate, stream, submit and wait, list, a verified webhook (a forged one refused), feedback', async () => {
    // Act: the app is its own process, importing diffalign/client by the package's exports
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/client/sdk-app.ts', server.baseUrl, secret], { timeout: 120_000 });
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as {
      generated: { id: string; status: string; images: number; best: string };
      streamed: { events: string[]; status: string; id: string };
      submitted: { status: string; waited: string; id: string };
      pages: string[][];
      feedback: { accepted: number };
      webhooks: { type: string; id: string; status: string }[];
      forgeries: string[];
      deliveries: { status: string; event: string }[];
    };
    // Assess
    expect(report.generated).toMatchObject({ status: 'succeeded', images: 1, best: expect.stringMatching(/^c\d{3}$/) });
    expect(report.streamed.events[0]).toBe('accepted');
    expect(report.streamed.events.at(-1)).toBe('done');
    expect(report.streamed.events).toContain('best');
    expect(report.streamed.status).toBe('succeeded');
    expect(report.submitted).toMatchObject({ status: 'queued', waited: 'succeeded' });
    expect(report.pages).toEqual([[report.submitted.id], [report.generated.id]]);
    expect(report.feedback.accepted).toBe(1);
    expect(report.webhooks).toEqual([{ type: 'generation.completed', id: report.generated.id, status: 'succeeded' }]);
    expect(report.forgeries).toEqual(['WebhookVerificationError']);
    expect(report.deliveries).toEqual([expect.objectContaining({ event: 'completed', status: 'delivered' })]);
  });
});
