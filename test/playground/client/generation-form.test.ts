import { describe, expect, it } from 'vitest';
import { generationRequestSchema } from '../../../src/api/schemas/generation-request.js';
import { generationRequest, type GenerationFormValues } from '../../../src/playground/client/generation-form.js';

const values: GenerationFormValues = {
  prompt: '  a photo of a red apple  ',
  optimization: 'opt2i',
  search: 'zero_order',
  budget: 16,
  rewards: [
    { model: 'geneval', weight: 1 },
    { model: 'aesthetic', weight: 0.5 },
  ],
  aggregate: 'zscore',
  size: 256,
  steps: 12,
  seed: 7,
  appUser: 'pg-0a1b2c3d4e5f',
};

describe('generationRequest (the playground form as a POST /v1/generations body)', () => {
  it('is a body the API accepts, carrying every choice of the form', () => {
    // Act
    const body = generationRequest(values);
    const parsed = generationRequestSchema.parse(body);
    // Assess
    expect(parsed).toMatchObject({
      prompt: 'a photo of a red apple',
      width: 256,
      height: 256,
      steps: 12,
      seed: 7,
      prompt_optimization: { method: 'opt2i' },
      search: { method: 'zero_order', budget: 16 },
      rewards: values.rewards,
      aggregate: 'zscore',
      metadata: { app_user: 'pg-0a1b2c3d4e5f', client: 'playground' },
    });
  });

  it('leaves out prompt optimization for none, the seed when empty and the rewards when none is chosen (the server defaults apply)', () => {
    // Act
    const body = generationRequest({ ...values, optimization: 'none', seed: undefined, rewards: [] });
    // Assess
    expect(generationRequestSchema.safeParse(body).success).toBe(true);
    expect(Object.keys(body)).not.toContain('prompt_optimization');
    expect(Object.keys(body)).not.toContain('seed');
    expect(Object.keys(body)).not.toContain('rewards');
  });
});
