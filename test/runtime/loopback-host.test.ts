import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../src/runtime/loopback-host.js';

describe('isLoopbackHost', () => {
  it('accepts localhost, 127.0.0.0/8 and ::1 in its spellings', () => {
    // Act / Assess
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', 'api.localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
  });

  it('refuses every interface, other addresses and names', () => {
    // Act / Assess
    for (const host of ['0.0.0.0', '::', '[::]', '10.0.0.1', '192.168.1.2', '128.0.0.1', 'example.com', 'localhost.example.com', '::2', '::ffff:10.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
