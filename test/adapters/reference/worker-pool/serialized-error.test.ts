import { describe, expect, it } from 'vitest';
import { InvalidGenerateRequestError } from '../../../../src/adapters/reference/reference-generator.js';
import { InvalidImageError } from '../../../../src/adapters/reference/invalid-image-error.js';
import { reviveError, serializeError } from '../../../../src/adapters/reference/worker-pool/serialized-error.js';
import { AbortedError, BackendCallError, DiffalignError } from '../../../../src/ports/errors.js';

/** An error after a trip through a thread boundary (structured clone of the serialized form). */
function acrossThreads(error: unknown): Error {
  return reviveError(structuredClone(serializeError(error)));
}

describe('serializeError / reviveError', () => {
  it('brings the reference adapters\' typed errors back as their classes, with their fields', () => {
    // Act
    const invalidItem = acrossThreads(new InvalidGenerateRequestError('steps 0 outside 1..1000'));
    const invalidImage = acrossThreads(new InvalidImageError('could not decode image', { mediaType: 'image/webp' }));
    const aborted = acrossThreads(new AbortedError('generation aborted'));
    const backend = acrossThreads(new BackendCallError({ backend: 'image-url', message: 'image fetch answered 503', statusCode: 503 }));

    // Assess
    expect(invalidItem).toBeInstanceOf(InvalidGenerateRequestError);
    expect(invalidItem).toMatchObject({ code: 'invalid_generate_request', message: 'steps 0 outside 1..1000' });
    expect(invalidImage).toBeInstanceOf(InvalidImageError);
    expect(invalidImage).toMatchObject({ code: 'invalid_image', mediaType: 'image/webp' });
    expect(aborted).toBeInstanceOf(AbortedError);
    expect(backend).toBeInstanceOf(BackendCallError);
    expect(backend).toMatchObject({ backend: 'image-url', statusCode: 503, isRetryable: true });
  });

  it('keeps the name, code and worker stack of other errors', () => {
    // Prepare
    const original = new TypeError('bad input');

    // Act
    const plain = acrossThreads(original);
    const coded = acrossThreads(new DiffalignError('something_else', 'odd'));
    const thrownString = acrossThreads('just a string');

    // Assess
    expect(plain).toMatchObject({ name: 'TypeError', message: 'bad input', stack: original.stack });
    expect(coded).toBeInstanceOf(DiffalignError);
    expect(coded).toMatchObject({ name: 'DiffalignError', code: 'something_else' });
    expect(thrownString).toMatchObject({ name: 'Error', message: 'just a string' });
  });
});
