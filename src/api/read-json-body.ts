import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from '@hono/zod-openapi';
import { MalformedRequestError, PayloadTooLargeError, ValidationFailedError } from './http-errors.js';

/**
 * Reads a JSON body and validates it: 400 when it is not sent as JSON, 413 past `maxBytes`
 * (Hono's `bodyLimit`: `Content-Length` first, else counted while reading), 400 when it is not JSON,
 * 422 with every schema violation named. Nothing is done with a body that fails, so bad input changes nothing.
 */
export async function readJsonBody<TSchema extends z.ZodType>(c: Context, schema: TSchema, maxBytes: number): Promise<z.infer<TSchema>> {
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType)) {
    throw new MalformedRequestError(`send the body as JSON with "content-type: application/json" (got "${contentType || 'none'}")`);
  }
  const text = await readBodyText(c, maxBytes);
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

const bodyTexts = new WeakMap<object, Promise<string>>();

/**
 * The request body as text, read once per request under the size limit (413 `PayloadTooLargeError` past
 * `maxBytes`): middleware that needs the raw bytes (idempotency hashes them) and the route share one read.
 */
export function readBodyText(c: Context, maxBytes: number): Promise<string> {
  let text = bodyTexts.get(c.req);
  if (!text) {
    const limit = bodyLimit({
      maxSize: maxBytes,
      onError: () => {
        throw new PayloadTooLargeError(maxBytes);
      },
    });
    text = limit(c, async () => undefined).then(() => c.req.text());
    bodyTexts.set(c.req, text);
  }
  return text;
}
