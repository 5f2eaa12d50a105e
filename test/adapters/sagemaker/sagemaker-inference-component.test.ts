import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSageMakerWorld } from '../../../src/adapters/sagemaker/index.js';
import { ConfigError } from '../../../src/config.js';
import { loadSageMakerConfig } from '../../../src/runtime/sagemaker-config.js';

// A SageMaker-runtime-shaped HTTP server that records what each InvokeEndpoint carried and answers as Promptist.
const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      seen.push({ path: request.url ?? '', headers: request.headers });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ generated_text: 'a cat Rephrase: a cute cat, highly detailed' }]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('SageMaker inference components (the AWS SDK client against a local HTTP server)', () => {
  it('names DIFFALIGN_SM_PROMPTIST_INFERENCE_COMPONENT on every InvokeEndpoint of that endpoint, and nothing without it', async () => {
    // Prepare
    seen.length = 0;
    const withComponent = createSageMakerWorld(loadSageMakerConfig({ DIFFALIGN_SAGEMAKER_URL: url, DIFFALIGN_SM_PROMPTIST_INFERENCE_COMPONENT: 'diffalign-promptist-component' }));
    const without = createSageMakerWorld(loadSageMakerConfig({ DIFFALIGN_SAGEMAKER_URL: url }));
    // Act
    const rewritten = await withComponent.rewriter.doRewrite({ prompt: 'a cat', count: 1 });
    await without.rewriter.doRewrite({ prompt: 'a cat', count: 1 });
    await Promise.all([withComponent.close(), without.close()]);
    // Assess
    expect(rewritten.rewrites).toEqual(['a cute cat, highly detailed']);
    expect(seen.map((call) => call.path)).toEqual(['/endpoints/diffalign-promptist/invocations', '/endpoints/diffalign-promptist/invocations']);
    expect(seen[0]!.headers['x-amzn-sagemaker-inference-component']).toBe('diffalign-promptist-component');
    expect(seen[1]!.headers).not.toHaveProperty('x-amzn-sagemaker-inference-component');
  });

  it('reads one component per endpoint and rejects a malformed name', () => {
    // Act
    const config = loadSageMakerConfig({ DIFFALIGN_SM_GENERATOR_INFERENCE_COMPONENT: 'g-1', DIFFALIGN_SM_SCORER_INFERENCE_COMPONENT: 's-1', DIFFALIGN_SM_LLM_INFERENCE_COMPONENT: 'l-1' });
    // Assess
    expect([config.generator.inferenceComponentName, config.scorer.inferenceComponentName, config.promptist.inferenceComponentName, config.llm.inferenceComponentName]).toEqual(['g-1', 's-1', undefined, 'l-1']);
    expect(() => loadSageMakerConfig({ DIFFALIGN_SM_LLM_INFERENCE_COMPONENT: 'not a name' })).toThrow(ConfigError);
  });
});
