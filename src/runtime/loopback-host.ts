import { isIP } from 'node:net';

/**
 * Whether a listen host reaches only this machine: `localhost`, 127.0.0.0/8, `::1` (also as an
 * IPv4-mapped `::ffff:127.x.y.z`). `0.0.0.0`, `::` and every other address or name are not.
 */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || /^(0{1,4}:){1,7}0*1$/.test(name) || /^::ffff:127\./.test(name);
  return false;
}
