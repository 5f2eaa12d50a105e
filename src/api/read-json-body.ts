import type { Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import { MalformedRequestError, PayloadTooLargeError, ValidationFailedError } from './http-errors.js';

/**
 * Reads a JSON body and validates it: 413 past `maxBytes`, 400 when it is not JSON, 422 with every
 * schema violation named. Nothing is done with a body that fails, so bad input changes nothing.
 */
export async function readJsonBody<TSchema extends z.ZodType>(c: Context, schema: TSchema, maxBytes: number): Promise<z.infer<TSchema>> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType)) {
    throw new MalformedRequestError(`send the body as JSON with "content-type: application/json" (got "${contentType || 'none'}")`);
  }
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw new PayloadTooLargeError(maxBytes);
  const text = await readLimited(c.req.raw, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MalformedRequestError(`request body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const invalidParams = parsed.error.issues.map((issue) => ({
      name: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
      reason: issue.message,
    }));
    throw new ValidationFailedError(invalidParams.map((param) => `${param.name}: ${param.reason}`).join('; '), invalidParams);
  }
  return parsed.data;
}

async function readLimited(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
