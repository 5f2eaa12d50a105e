import { DiffalignError } from '../../ports/errors.js';

/** Image bytes a scorer received could not be decoded (not an image, truncated, unsupported format). */
export class InvalidImageError extends DiffalignError {
  readonly mediaType: string | undefined;
  constructor(message: string, options?: { mediaType?: string; cause?: unknown }) {
    super('invalid_image', message, { cause: options?.cause });
    this.mediaType = options?.mediaType;
  }
}
