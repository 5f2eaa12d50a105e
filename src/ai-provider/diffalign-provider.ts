import { createDiffalignClient, type DiffalignClient, type RetryOptions } from '../client/index.js';
import { DiffalignImageModel } from './diffalign-image-model.js';

/** Settings of the provider; unset ones come from `DIFFALIGN_BASE_URL` and `DIFFALIGN_API_KEY` when a model is made. */
export interface DiffalignProviderSettings {
  /** Where the API is (default `DIFFALIGN_BASE_URL`, else `http://127.0.0.1:8787`, what `npm start` serves). */
  readonly baseURL?: string;
  /** An API key (default `DIFFALIGN_API_KEY`; none while the server runs with auth off). */
  readonly apiKey?: string;
  readonly fetch?: typeof fetch;
  readonly retry?: RetryOptions;
}

/** The diffalign provider of the AI SDK: `diffalign.image(modelId)`. */
export interface DiffalignProvider {
  /** An image model (the AI SDK's ImageModel, spec v4); the id names it in results (a deployment serves one generator). */
  image(modelId?: string): DiffalignImageModel;
  /** The same, under the AI SDK's long name. */
  imageModel(modelId?: string): DiffalignImageModel;
}

/** A diffalign provider for `generateImage` from `ai`, calling the API over HTTP through diffalign/client. */
export function createDiffalign(settings: DiffalignProviderSettings = {}): DiffalignProvider {
  let client: DiffalignClient | undefined;
  const clientOf = (): DiffalignClient => {
    // settings are read when the first model is made, not at import (as the AI SDK's providers do)
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
    const apiKey = settings.apiKey ?? env['DIFFALIGN_API_KEY'];
    client ??= createDiffalignClient({
      baseUrl: settings.baseURL ?? env['DIFFALIGN_BASE_URL'] ?? 'http://127.0.0.1:8787',
      ...(apiKey ? { apiKey } : {}),
      ...(settings.fetch ? { fetch: settings.fetch } : {}),
      ...(settings.retry ? { retry: settings.retry } : {}),
    });
    return client;
  };
  const image = (modelId = 'default'): DiffalignImageModel => new DiffalignImageModel(modelId, clientOf());
  return { image, imageModel: image };
}

/** The default provider: `DIFFALIGN_BASE_URL` and `DIFFALIGN_API_KEY`, read when a model is made. */
export const diffalign: DiffalignProvider = createDiffalign();
