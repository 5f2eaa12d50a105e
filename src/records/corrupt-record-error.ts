import { DiffalignError } from '../ports/errors.js';

/** A stored generation record cannot be read (not JSON, or not an object): the store's fault, never the request's. */
export class CorruptRecordError extends DiffalignError {
  readonly generationId: string;
  constructor(generationId: string, options?: { cause?: unknown }) {
    super('corrupt_record', `the stored record of generation ${generationId} cannot be read`, options);
    this.generationId = generationId;
  }
}
