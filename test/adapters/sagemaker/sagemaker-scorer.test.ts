import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceGenerator } from '../../../src/adapters/reference/reference-generator.js';
import { createReferenceScorers } from '../../../src/adapters/reference/reference-scorers.js';
import { SageMakerScorer } from '../../../src/adapters/sagemaker/sagemaker-scorer.js';
import { EndpointModelError, InvalidEndpointResponseError } from '../../../src/ports/errors.js';
import type { ImageRef, ScoreItem } from '../../../src/ports/index.js';
import { useEmulatorHarness, type EmulatorHarness } from './emulator-harness.js';

const ENDPOINT = 'diffalign-scorer';

describe('SageMakerScorer', () => {
  const harness = useEmulatorHarness();
  let images: ImageRef[];
  let imageServer: Server;
  let imageUrl: string;
  const scorer = (model: string, overrides: Parameters<EmulatorHarness['endpoint']>[1] = {}): SageMakerScorer =>
    new SageMakerScorer(model, { ...harness.endpoint(ENDPOINT, overrides), maxBatchSize: 8, maxConcurrency: 2 });

  beforeAll(async () => {
    const generated = await new ReferenceGenerator().doGenerate({
      items: [1, 2, 3].map((seed) => ({ prompt: 'a photo of two cats', noise: { terms: [{ seed, weight: 1 }] }, steps: 8, guidance: 5, width: 96, height: 96, format: 'png' as const })),
    });
    images = generated.images.map((image) => image.image);
    const first = images[0];
    imageServer = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(first?.type === 'inline' ? Buffer.from(first.data) : '');
    });
    await new Promise<void>((resolve) => imageServer.listen(0, '127.0.0.1', resolve));
    imageUrl = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}/c000.png`;
  });
  afterAll(async () => {
    await new Promise((resolve) => imageServer.close(resolve));
  });

  describe('doScore', () => {
    it.each(['geneval', 'aesthetic', 'compressibility'])('gives the reference %s scores and details, in order', async (model) => {
      // Prepare
      const items: ScoreItem[] = images.map((image) => ({ prompt: 'a photo of two cats', image }));
      const reference = createReferenceScorers().find((candidate) => candidate.modelId === model)!;
      const expected = await reference.doScore({ items });
      // Act
      const result = await scorer(model).doScore({ items });
      // Assess
      expect(result.scores).toEqual(expected.scores);
      expect(result.details).toEqual(expected.details);
      expect(result.response.modelId).toBe(model);
    });

    it('passes abstentions (null scores) through with their reason', async () => {
      // Act
      const result = await scorer('geneval').doScore({ items: [{ prompt: 'an abstract mood', image: images[0]! }] });
      // Assess
      expect(result.scores).toEqual([null]);
      expect(result.details?.[0]?.abstained).toEqual(expect.any(String));
    });

    it('sends a URL image as its URL, which the endpoint fetches', async () => {
      // Prepare
      const reference = createReferenceScorers().find((candidate) => candidate.modelId === 'aesthetic')!;
      const expected = await reference.doScore({ items: [{ prompt: 'two cats', image: images[0]! }] });
      // Act
      const result = await scorer('aesthetic').doScore({ items: [{ prompt: 'two cats', image: { type: 'url', url: imageUrl } }] });
      // Assess
      expect(result.scores).toEqual(expected.scores);
    });

    it('answers a model the endpoint does not serve as the caller\'s fault', async () => {
      // Act
      const failure = await scorer('pickscore').doScore({ items: [{ prompt: 'x', image: images[0]! }] }).catch((error: unknown) => error);
      // Assess
      expect(failure).toBeInstanceOf(EndpointModelError);
      expect(failure).toMatchObject({ fault: 'caller', originalStatusCode: 400 });
      expect((failure as Error).message).toContain('unknown scorer model "pickscore"; this endpoint serves geneval, aesthetic');
    });

    it('turns a short scores array into InvalidEndpointResponseError', async () => {
      // Prepare
      harness.faults({ rules: [{ fault: 'malformed', variant: 'wrong_count', endpoint: ENDPOINT }] });
      // Act
      const failure = await scorer('aesthetic').doScore({ items: images.map((image) => ({ prompt: 'x', image })) }).catch((error: unknown) => error);
      // Assess
      expect(failure).toBeInstanceOf(InvalidEndpointResponseError);
      expect((failure as Error).message).toMatch(/model aesthetic: answered 2 scores for 3 items/);
    });

    it('retries throttling and 5xx and succeeds', async () => {
      // Prepare
      harness.faults({ rules: [{ fault: 'throttle', endpoint: ENDPOINT, attempts: [1] }, { fault: 'internal_failure', endpoint: ENDPOINT, attempts: [2] }] });
      // Act
      const result = await scorer('aesthetic').doScore({ items: [{ prompt: 'x', image: images[0]! }] });
      // Assess
      expect(result.scores).toHaveLength(1);
      expect(harness.emulator.calls().map((call) => call.status)).toEqual([400, 500, 200]);
    });

    it('splits a batch over the request payload limit into consecutive calls with the same scores', async () => {
      // Prepare
      const items: ScoreItem[] = [...images, ...images].map((image) => ({ prompt: 'a photo of two cats', image }));
      const whole = await scorer('aesthetic').doScore({ items });
      const bytes = images[0]?.type === 'inline' ? images[0].data.byteLength : 0;
      harness.emulator.resetCalls();
      // Act
      const split = await scorer('aesthetic', { maxPayloadBytes: Math.ceil(bytes * 1.34 * 2.5) }).doScore({ items });
      // Assess
      expect(split.scores).toEqual(whole.scores);
      expect(harness.emulator.calls().length).toBeGreaterThanOrEqual(3);
    });
  });
});
