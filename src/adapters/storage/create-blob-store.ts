import type { BlobStore } from '../../ports/blob-store.js';
import { DiffalignError } from '../../ports/errors.js';
import { FsBlobStore } from './fs-blob-store.js';
import { S3BlobStore, type S3Settings } from './s3-blob-store.js';

/** Which blob store to build, with its settings; what is missing is named by a `BlobStoreConfigError`. */
export type CreateBlobStoreOptions =
  | { readonly storage: 'fs'; /** Directory of the store. */ readonly root?: string }
  | ({ readonly storage: 's3' } & Partial<S3Settings>);

/** A blob store setting is missing or malformed; `setting` names the option. */
export class BlobStoreConfigError extends DiffalignError {
  readonly setting: string;
  constructor(setting: string, message: string) {
    super('invalid_config', message);
    this.setting = setting;
  }
}

/** Builds the blob store the options name: a local directory (`fs`) or an S3 bucket (`s3`). */
export function createBlobStore(options: CreateBlobStoreOptions): BlobStore {
  switch (options.storage) {
    case 'fs':
      if (!options.root) throw new BlobStoreConfigError('root', 'the fs blob store needs `root`, the directory it keeps its objects in');
      return new FsBlobStore(options.root);
    case 's3': {
      const { storage: _storage, bucket, ...settings } = options;
      if (!bucket) throw new BlobStoreConfigError('bucket', 'the s3 blob store needs `bucket`, the bucket it keeps its objects in');
      return new S3BlobStore({ bucket, ...settings });
    }
    default:
      throw new BlobStoreConfigError('storage', `unknown blob store ${JSON.stringify((options as { storage: unknown }).storage)}; expected fs or s3`);
  }
}
