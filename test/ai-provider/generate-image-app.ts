/**
 * An app on the AI SDK: `generateImage` from `ai` with the diffalign provider (`diffalign/ai-provider`),
 * printing what it got as one JSON line. Needs Node >= 22 (the `ai` package).
 * Run: `node --import tsx test/ai-provider/generate-image-app.ts <base url>`.
 */
import { generateImage } from 'ai';
import { createDiffalign } from 'diffalign/ai-provider';

const [baseURL] = process.argv.slice(2);
const diffalign = createDiffalign({ ...(baseURL ? { baseURL } : {}) });

const result = await generateImage({
  model: diffalign.image('default'),
  prompt: 'a photo of a red apple',
  n: 2,
  seed: 100,
  // the SDK client already retries network errors, 429 and 5xx; the AI SDK's own retries would multiply them
  maxRetries: 0,
  size: '128x128',
  providerOptions: { diffalign: { steps: 10, search: { method: 'best_of_n', budget: 4 }, rewards: [{ model: 'geneval', weight: 1 }, { model: 'aesthetic', weight: 0.5 }], aggregate: 'rank' } },
});

process.stdout.write(
  `${JSON.stringify({
    node: process.version,
    images: result.images.map((image) => ({ mediaType: image.mediaType, bytes: image.uint8Array.length, base64: image.base64 })),
    metadata: result.providerMetadata['diffalign'],
    warnings: result.warnings,
  })}\n`,
);
