import { describe, expect, it } from 'vitest';
import { ConfigError, hasAwsCredentials, LOCAL_S3_CREDENTIALS, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('needs nothing set: 127.0.0.1:8787, ./data, reference backend, fs storage', () => {
    // Act
    const config = loadConfig({}, '/srv/app');
    // Assess
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8787, dataDir: '/srv/app/data', backend: 'reference', storage: 'fs', tenant: 'default' });
  });

  it('names the variable that is wrong', () => {
    // Act / Assess
    expect(() => loadConfig({ DIFFALIGN_PORT: 'eighty' })).toThrowError(ConfigError);
    expect(() => loadConfig({ DIFFALIGN_PORT: 'eighty' })).toThrowError(/DIFFALIGN_PORT/);
    expect(() => loadConfig({ DIFFALIGN_BACKEND: 'gpu' })).toThrowError(/DIFFALIGN_BACKEND/);
  });

  describe('storage', () => {
    it('uses the local directory by default, without S3 settings', () => {
      // Act
      const config = loadConfig({}, '/srv/app');
      // Assess
      expect(config.storage).toBe('fs');
      expect(config.s3).toBeUndefined();
    });

    it('needs a bucket for s3 and names DIFFALIGN_S3_BUCKET', () => {
      // Act / Assess
      expect(() => loadConfig({ DIFFALIGN_STORAGE: 's3' })).toThrowError(ConfigError);
      expect(() => loadConfig({ DIFFALIGN_STORAGE: 's3' })).toThrowError(/DIFFALIGN_S3_BUCKET: required when DIFFALIGN_STORAGE=s3/);
      expect(() => loadConfig({ DIFFALIGN_STORAGE: 's3', DIFFALIGN_S3_BUCKET: 'Not_A_Bucket' })).toThrowError(/DIFFALIGN_S3_BUCKET/);
      expect(() => loadConfig({ DIFFALIGN_STORAGE: 'gcs' })).toThrowError(/DIFFALIGN_STORAGE/);
      expect(() => loadConfig({ DIFFALIGN_STORAGE: 's3', DIFFALIGN_S3_BUCKET: 'b', DIFFALIGN_S3_ENDPOINT: 'not a url' })).toThrowError(/DIFFALIGN_S3_ENDPOINT/);
    });

    it('reads an S3 bucket on AWS: the SDK resolves region and credentials', () => {
      // Act
      const config = loadConfig({ DIFFALIGN_STORAGE: 's3', DIFFALIGN_S3_BUCKET: 'diffalign-prod', DIFFALIGN_S3_PREFIX: 'v1/', AWS_REGION: 'eu-west-1' });
      // Assess
      expect(config.storage).toBe('s3');
      expect(config.s3).toEqual({ bucket: 'diffalign-prod', prefix: 'v1/', region: 'eu-west-1', endpoint: undefined, credentials: undefined });
    });

    it('talks to a local S3 endpoint in us-east-1 with s3rver credentials when the environment names none', () => {
      // Prepare
      const env = { DIFFALIGN_STORAGE: 's3', DIFFALIGN_S3_BUCKET: 'diffalign', DIFFALIGN_S3_ENDPOINT: 'http://127.0.0.1:4568' };
      // Act
      const local = loadConfig(env);
      const withKeys = loadConfig({ ...env, AWS_ACCESS_KEY_ID: 'AKIA…', AWS_SECRET_ACCESS_KEY: 'secret' });
      // Assess
      expect(local.s3).toEqual({ bucket: 'diffalign', prefix: '', region: 'us-east-1', endpoint: 'http://127.0.0.1:4568', credentials: LOCAL_S3_CREDENTIALS });
      expect(withKeys.s3?.credentials).toBeUndefined();
    });
  });
});

describe('hasAwsCredentials', () => {
  it('sees keys, a profile, a web identity or a container endpoint; empty values do not count', () => {
    // Act / Assess
    expect(hasAwsCredentials({})).toBe(false);
    expect(hasAwsCredentials({ AWS_ACCESS_KEY_ID: '', AWS_PROFILE: '' })).toBe(false);
    expect(hasAwsCredentials({ AWS_ACCESS_KEY_ID: 'AKIA…' })).toBe(true);
    expect(hasAwsCredentials({ AWS_PROFILE: 'dev' })).toBe(true);
    expect(hasAwsCredentials({ AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token' })).toBe(true);
    expect(hasAwsCredentials({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials' })).toBe(true);
  });
});

describe('loadConfig: auth, CORS and tenant limits', () => {
  it('defaults to auth auto with a 30 s key cache, no CORS, 600 requests per minute, 16 in flight and the schema budget', () => {
    // Act
    const config = loadConfig({}, '/srv/app');
    // Assess
    expect(config).toMatchObject({ authMode: 'auto', authCacheTtlMs: 30_000, corsOrigins: [], tenantLimits: { ratePerMinute: 600, maxRunning: 16, maxBudget: 256 } });
  });

  it('reads the variables, origins normalised', () => {
    // Act
    const config = loadConfig(
      {
        DIFFALIGN_AUTH: 'required',
        DIFFALIGN_AUTH_CACHE_SECONDS: '0',
        DIFFALIGN_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173/',
        DIFFALIGN_RATE_PER_MINUTE: '60',
        DIFFALIGN_TENANT_MAX_RUNNING: '2',
        DIFFALIGN_MAX_BUDGET: '32',
      },
      '/srv/app',
    );
    // Assess
    expect(config).toMatchObject({ authMode: 'required', authCacheTtlMs: 0, corsOrigins: ['https://app.example.com', 'http://localhost:5173'], tenantLimits: { ratePerMinute: 60, maxRunning: 2, maxBudget: 32 } });
    expect(loadConfig({ DIFFALIGN_CORS_ORIGINS: '*' }, '/srv/app').corsOrigins).toBe('*');
  });

  it('names the variable when a value is wrong', () => {
    // Act / Assess
    expect(() => loadConfig({ DIFFALIGN_AUTH: 'off' })).toThrowError(/DIFFALIGN_AUTH/);
    expect(() => loadConfig({ DIFFALIGN_CORS_ORIGINS: 'https://app.example.com/path' })).toThrowError(/DIFFALIGN_CORS_ORIGINS/);
    expect(() => loadConfig({ DIFFALIGN_CORS_ORIGINS: 'app.example.com' })).toThrowError(/DIFFALIGN_CORS_ORIGINS/);
    expect(() => loadConfig({ DIFFALIGN_CORS_ORIGINS: '*, https://app.example.com' })).toThrowError(/DIFFALIGN_CORS_ORIGINS/);
    expect(() => loadConfig({ DIFFALIGN_RATE_PER_MINUTE: '0' })).toThrowError(/DIFFALIGN_RATE_PER_MINUTE/);
    expect(() => loadConfig({ DIFFALIGN_MAX_BUDGET: '257' })).toThrowError(/DIFFALIGN_MAX_BUDGET/);
  });
});
