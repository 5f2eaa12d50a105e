import { DiffalignError } from '../../ports/errors.js';

/** No API key document with this id in the store. */
export class ApiKeyNotFoundError extends DiffalignError {
  readonly keyId: string;
  constructor(keyId: string) {
    super('api_key_not_found', `no API key ${keyId} in the store (\`diffalign keys list\` shows the ids)`);
    this.keyId = keyId;
  }
}

/** A tenant name that is not lowercase letters, digits and dashes (1–63, as DIFFALIGN_TENANT). */
export class InvalidTenantNameError extends DiffalignError {
  constructor(tenant: string) {
    super('invalid_tenant', `tenant ${JSON.stringify(tenant)} is not a tenant name: 1 to 63 lowercase letters, digits and dashes, starting with a letter or digit`);
  }
}
