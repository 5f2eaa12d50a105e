import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReferenceGeneratorV2 } from '../../src/adapters/reference/reference-generator-v2.js';
import { createReferenceEmulatorWorld } from '../../src/emulator/reference-emulator-world.js';
import { startSageMakerEmulator, type SageMakerEmulator } from '../../src/emulator/sagemaker-emulator.js';

const SIGNED = { authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/sagemaker/aws4_request, SignedHeaders=host, Signature=00', 'content-type': 'application/json' };
const ITEM = { prompt: 'a photo of a dog', noise: { terms: [{ seed: 5, weight: 1 }] }, steps: 6, guidance: 5, width: 64, height: 64, format: 'png' } as const;

describe('the emulator speaking generator-v2 (HTTP)', () => {
  const started: { emulator: SageMakerEmulator; v1Only: SageMakerEmulator; tiny: SageMakerEmulator }[] = [];
  const invoke = (emulator: SageMakerEmulator, body: unknown) =>
    fetch(`${emulator.url}/endpoints/diffalign-generator/invocations`, { method: 'POST', headers: SIGNED, body: JSON.stringify(body) });

  beforeAll(async () => {
    const reference = createReferenceEmulatorWorld({ threads: 0 });
    const emulator = await startSageMakerEmulator({ world: reference.world, port: 0 });
    const v1Only = await startSageMakerEmulator({ world: { ...reference.world, generatorV2: undefined }, port: 0 });
    const tiny = await startSageMakerEmulator({ world: reference.world, port: 0, maxPayloadBytes: 20_000 });
    started.push({ emulator, v1Only, tiny });
  });
  afterAll(async () => {
    for (const { emulator, v1Only, tiny } of started) await Promise.all([emulator.close(), v1Only.close(), tiny.close()]);
  });

  it('answers a segment with its checkpoint and preview, and resumes the checkpoint to the in-process generator\'s final image', async () => {
    // Prepare
    const { emulator } = started[0]!;
    const local = new ReferenceGeneratorV2();

    // Act
    const first = await invoke(emulator, { version: 'generator-v2', items: [{ ...ITEM, to: 3, return_latents: true, preview: { width: 64, height: 64 } }] });
    const partial = (await first.json()) as { outputs: { b64: string; preview: boolean; nfe: number; latents: { step: number; data: string } }[] };
    const second = await invoke(emulator, { version: 'generator-v2', items: [{ ...ITEM, start: partial.outputs[0]!.latents }] });
    const finished = (await second.json()) as { version: string; outputs: { b64: string; preview: boolean; nfe: number }[] };

    // Assess
    expect(first.status).toBe(200);
    expect(partial.outputs[0]).toMatchObject({ preview: true, nfe: 6, latents: { step: 3, steps: 6, dtype: 'float64' } });
    expect(finished).toMatchObject({ version: 'generator-v2', outputs: [{ preview: false, nfe: 6, media_type: 'image/png' }] });
    const whole = (await local.doGenerate({ items: [ITEM] })).outputs[0]!.image!;
    expect(finished.outputs[0]?.b64).toBe(Buffer.from((whole as { data: Uint8Array }).data).toString('base64'));
  });

  it('answers generator-v2 on a v1-only endpoint as a ModelError with the container\'s 400', async () => {
    // Act
    const response = await invoke(started[0]!.v1Only, { version: 'generator-v2', items: [{ ...ITEM, to: 3 }] });

    // Assess
    expect(response.status).toBe(424);
    expect(await response.json()).toMatchObject({ OriginalStatusCode: 400, OriginalMessage: expect.stringContaining('speaks generator-v1') });
  });

  it('refuses an answer over the synchronous payload limit, as the runtime does, and logs each call\'s sizes', async () => {
    // Prepare: a 64² PNG and a ~33 KB checkpoint do not fit 20 kB
    const { tiny } = started[0]!;
    tiny.resetCalls();

    // Act
    const response = await invoke(tiny, { version: 'generator-v2', items: [{ ...ITEM, to: 3, return_latents: true }] });

    // Assess
    expect(response.status).toBe(424);
    expect(await response.json()).toMatchObject({ OriginalStatusCode: 500, OriginalMessage: expect.stringContaining('exceeds the 20000-byte limit') });
    const [call] = tiny.calls();
    expect(call?.requestBytes).toBeGreaterThan(100);
    expect(call?.responseBytes).toBe(0);
  });
});
