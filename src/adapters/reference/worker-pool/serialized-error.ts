import { AbortedError, BackendCallError, DiffalignError } from '../../../ports/errors.js';
import { InvalidGenerateRequestError } from '../invalid-generate-request-error.js';
import { InvalidImageError } from '../invalid-image-error.js';

/**
 * An error as it crosses a thread boundary. Structured clone keeps only an Error's message and
 * stack (and a standard name), so the fields callers branch on (`code`, `isRetryable`, …) travel here.
 */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
  readonly mediaType?: string;
  readonly backend?: string;
  readonly statusCode?: number;
  readonly isRetryable?: boolean;
}

/** Flattens an error into its cloneable fields. */
export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const fields = error as Error & Partial<Record<'code' | 'mediaType' | 'backend', unknown>> & Partial<Record<'statusCode' | 'isRetryable', unknown>>;
  return {
    name: error.name,
    message: error.message,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...(typeof fields.code === 'string' ? { code: fields.code } : {}),
    ...(typeof fields.mediaType === 'string' ? { mediaType: fields.mediaType } : {}),
    ...(typeof fields.backend === 'string' ? { backend: fields.backend } : {}),
    ...(typeof fields.statusCode === 'number' ? { statusCode: fields.statusCode } : {}),
    ...(typeof fields.isRetryable === 'boolean' ? { isRetryable: fields.isRetryable } : {}),
  };
}

/** Rebuilds the typed error a serialized one stands for (the in-thread adapters' classes), keeping the worker's stack. */
export function reviveError(serialized: SerializedError): Error {
  const error = instantiate(serialized);
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}

/** The error class of a code, or a DiffalignError / plain Error carrying the name. */
function instantiate(serialized: SerializedError): Error {
  const { code, message } = serialized;
  switch (code) {
    case 'invalid_generate_request':
      return new InvalidGenerateRequestError(message);
    case 'invalid_image':
      return new InvalidImageError(message, serialized.mediaType === undefined ? {} : { mediaType: serialized.mediaType });
    case 'aborted':
      return new AbortedError(message);
    case 'backend_call_failed':
      return new BackendCallError({
        backend: serialized.backend ?? 'reference-worker',
        message,
        ...(serialized.statusCode === undefined ? {} : { statusCode: serialized.statusCode }),
        ...(serialized.isRetryable === undefined ? {} : { isRetryable: serialized.isRetryable }),
      });
    default: {
      const error = code === undefined ? new Error(message) : new DiffalignError(code, message);
      error.name = serialized.name;
      return error;
    }
  }
}
