import type { Context } from 'hono';
import { InternalServerError } from '../http-errors.js';

/** The tenant `authenticate` assigned to this request; a route reached without it is a wiring bug (500, fail closed). */
export function requestTenant(c: Context): string {
  const tenant = c.get('tenant');
  if (typeof tenant !== 'string' || tenant === '') throw new InternalServerError({ cause: new Error(`no tenant on ${c.req.method} ${c.req.path}: authenticate() is not in front of it`) });
  return tenant;
}
