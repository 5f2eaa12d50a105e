import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

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
});
