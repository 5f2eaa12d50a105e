import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReferenceGenerator } from '../../src/adapters/reference/reference-generator.js';
import { createReferenceEmulatorWorld } from '../../src/emulator/reference-emulator-world.js';
import { SERVICE_TIME_HEADER, startSageMakerEmulator, type SageMakerEmulator } from '../../src/emulator/sagemaker-emulator.js';

const SIGNED = { authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/sagemaker/aws4_request, SignedHeaders=host, Signature=00', 'content-type': 'application/json' };

const generateBody = {
  version: 'generator-v1',
  items: [{ prompt: 'a photo of a dog', noise: { terms: [{ seed: 5, weight: 1 }] }, steps: 4, guidance: 5, width: 64, height: 64, format: 'png' }],
};

describe('startSageMakerEmulator', () => {
  let emulator: SageMakerEmulator;
  const invoke = (endpoint: string, body: unknown, headers: Record<string, string> = SIGNED) =>
    fetch(`${emulator.url}/endpoints/${endpoint}/invocations`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    const reference = createReferenceEmulatorWorld({ threads: 0 });
    emulator = await startSageMakerEmulator({ world: reference.world, port: 0, onClose: () => reference.close() });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.setFaults({ rules: [] });
    emulator.resetCalls();
  });

  describe('POST /endpoints/{name}/invocations', () => {
    it('serves generator-v1 with the reference PNG, the production variant and its service time', async () => {
      // Prepare
      const reference = await new ReferenceGenerator().doGenerate({ items: [{ ...generateBody.items[0]!, format: 'png' }] });
      // Act
      const response = await invoke('diffalign-generator', generateBody);
      const json = (await response.json()) as { version: string; model: string; images: { b64: string; media_type: string; nfe: number }[] };
      // Assess
      expect(response.status).toBe(200);
      expect(response.headers.get('x-amzn-invoked-production-variant')).toBe('AllTraffic');
      expect(Number(response.headers.get(SERVICE_TIME_HEADER))).toBeGreaterThan(0);
      expect(json).toMatchObject({ version: 'generator-v1', model: 'reference-ddim-v1', images: [{ media_type: 'image/png', nfe: 8 }] });
      const image = reference.images[0]?.image;
      expect(json.images[0]?.b64).toBe(image?.type === 'inline' ? Buffer.from(image.data).toString('base64') : '');
    });

    it('answers throttling as the runtime does: 400 ThrottlingException with a null message', async () => {
      // Prepare
      emulator.setFaults({ rules: [{ fault: 'throttle' }] });
      // Act
      const response = await invoke('diffalign-generator', generateBody);
      // Assess
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe('ThrottlingException');
      expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      expect(await response.json()).toEqual({ message: null });
    });

    it.each([
      ['service_unavailable', 503, 'ServiceUnavailable'],
      ['internal_failure', 500, 'InternalFailure'],
      ['model_not_ready', 429, 'ModelNotReadyException'],
    ] as const)('answers %s as HTTP %i %s', async (fault, status, errorType) => {
      // Prepare
      emulator.setFaults({ rules: [{ fault }] });
      // Act
      const response = await invoke('diffalign-scorer', {});
      // Assess
      expect(response.status).toBe(status);
      expect(response.headers.get('x-amzn-errortype')).toBe(errorType);
      expect((await response.json()) as object).toHaveProperty('message');
    });

    it('answers a container failure as ModelError: 424 with the original status, message and log stream', async () => {
      // Act: a scorer model the endpoint does not serve is the container's 400
      const response = await invoke('diffalign-scorer', { version: 'scorer-v1', model: 'pickscore', items: [{ prompt: 'x', image: { url: 'http://127.0.0.1:1/x.png' } }] });
      const json = (await response.json()) as Record<string, unknown>;
      // Assess
      expect(response.status).toBe(424);
      expect(response.headers.get('x-amzn-errortype')).toBe('ModelError');
      expect(json).toMatchObject({
        OriginalStatusCode: 400,
        OriginalMessage: JSON.stringify({ code: 400, type: 'BadRequest', message: 'unknown scorer model "pickscore"; this endpoint serves geneval, aesthetic, compressibility, incompressibility' }),
        LogStreamArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/sagemaker/Endpoints/diffalign-scorer',
      });
      expect(json['Message']).toMatch(/^Received client error \(400\) from primary with message ".*"\. See https:\/\/.* in account 000000000000 for more information\.$/s);
    });

    it('answers an injected ModelError with the given original status', async () => {
      // Prepare
      emulator.setFaults({ rules: [{ fault: 'model_error', originalStatus: 503, message: 'busy' }] });
      // Act
      const json = (await (await invoke('diffalign-llm', {})).json()) as Record<string, unknown>;
      // Assess
      expect(json).toMatchObject({ OriginalStatusCode: 503, OriginalMessage: 'busy', Message: expect.stringMatching(/^Received server error \(503\)/) });
    });

    it('refuses unsigned calls, unknown endpoints, other routes and bodies over 6 MB like the runtime', async () => {
      // Act
      const unsigned = await invoke('diffalign-generator', generateBody, { 'content-type': 'application/json' });
      const unknown = await invoke('nope', generateBody);
      const route = await fetch(`${emulator.url}/endpoints/diffalign-generator/other`, { method: 'POST', headers: SIGNED });
      const large = await invoke('diffalign-scorer', 'x'.repeat(6 * 1024 * 1024 + 1));
      // Assess
      expect([unsigned.status, unsigned.headers.get('x-amzn-errortype')]).toEqual([403, 'MissingAuthenticationTokenException']);
      expect([unknown.status, unknown.headers.get('x-amzn-errortype')]).toEqual([400, 'ValidationError']);
      expect(await unknown.json()).toEqual({ message: 'Endpoint nope of account 000000000000 not found.' });
      expect(route.status).toBe(404);
      expect(large.status).toBe(413);
    });

    it('adds latency, and answers a malformed body on demand', async () => {
      // Prepare
      emulator.setFaults({ rules: [{ fault: 'latency', latencyMs: 120 }, { fault: 'malformed' }] });
      const started = performance.now();
      // Act
      const response = await invoke('diffalign-promptist', { inputs: 'a cat Rephrase:' });
      const text = await response.text();
      // Assess
      expect(performance.now() - started).toBeGreaterThanOrEqual(110);
      expect(response.status).toBe(200);
      expect(() => JSON.parse(text)).toThrow();
    });

    it('keeps a hanging call open until the client gives up, and logs it unanswered', async () => {
      // Prepare
      emulator.setFaults({ rules: [{ fault: 'hang' }] });
      // Act
      const aborted = await fetch(`${emulator.url}/endpoints/diffalign-generator/invocations`, { method: 'POST', headers: SIGNED, body: JSON.stringify(generateBody), signal: AbortSignal.timeout(150) }).catch((error: unknown) => error);
      // Assess
      expect(aborted).toBeInstanceOf(Error);
      expect(emulator.calls().at(-1)).toMatchObject({ status: 0, fault: 'hang' });
    }, 10_000);
  });

  describe('admin routes', () => {
    it('replaces, reads and clears the fault plan, and rejects an invalid one', async () => {
      // Act
      const put = await fetch(`${emulator.url}/_faults`, { method: 'PUT', body: JSON.stringify({ seed: 3, rules: [{ fault: 'throttle', endpoint: 'diffalign-llm', rate: 0.5 }] }) });
      const read = (await (await fetch(`${emulator.url}/_faults`)).json()) as unknown;
      const bad = await fetch(`${emulator.url}/_faults`, { method: 'PUT', body: JSON.stringify({ rules: [{ fault: 'explode' }] }) });
      const cleared = (await (await fetch(`${emulator.url}/_faults`, { method: 'DELETE' })).json()) as unknown;
      // Assess
      expect(put.status).toBe(200);
      expect(read).toEqual({ seed: 3, rules: [{ fault: 'throttle', endpoint: 'diffalign-llm', rate: 0.5 }] });
      expect(bad.status).toBe(400);
      expect(cleared).toEqual({ rules: [] });
    });

    it('reports calls per endpoint with statuses, faults and mean service time', async () => {
      // Prepare
      emulator.setFaults({ rules: [{ fault: 'throttle', attempts: [1] }] });
      await invoke('diffalign-promptist', { inputs: 'a cat Rephrase:' });
      await invoke('diffalign-promptist', { inputs: 'a cat Rephrase:' }, { ...SIGNED, 'amz-sdk-request': 'attempt=2; max=4' });
      // Act
      const stats = (await (await fetch(`${emulator.url}/_stats`)).json()) as { calls: number; byEndpoint: Record<string, { calls: number; statuses: Record<string, number>; faults: Record<string, number>; meanServiceMs: number }> };
      // Assess
      expect(stats.calls).toBe(2);
      expect(stats.byEndpoint['diffalign-promptist']).toMatchObject({ calls: 2, statuses: { 400: 1, 200: 1 }, faults: { throttle: 1 } });
      expect(stats.byEndpoint['diffalign-promptist']?.meanServiceMs).toBeGreaterThan(0);
    });
  });
});
