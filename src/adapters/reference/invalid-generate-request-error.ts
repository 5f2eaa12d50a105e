import { DiffalignError } from '../../ports/errors.js';

/** A generate request the reference generator cannot serve (bad size, steps, batch): a caller bug, not retryable. */
export class InvalidGenerateRequestError extends DiffalignError {
  constructor(message: string) {
    super('invalid_generate_request', message);
  }
}
