import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * The SDK clients' default credential provider in the Lambda bundle, which resolves
 * `@aws-sdk/credential-provider-node` to this module: Lambda hands the function its role's credentials in
 * the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the first link of the
 * Node chain, so the bundle ships that link alone, not the profile, SSO, login, process, web-identity and
 * instance-metadata providers with their STS/SSO clients (~90 KB minified) it would never reach.
 */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
