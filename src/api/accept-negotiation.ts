import type { Context } from 'hono';
import { accepts } from 'hono/accepts';

/** One parsed range of an `Accept` header (Hono's parser). */
type Accept = Parameters<NonNullable<Parameters<typeof accepts>[1]['match']>>[0][number];

/** Media type of a server-sent event stream. */
export const EVENT_STREAM = 'text/event-stream';
/** Media type of a JSON answer (the default). */
export const JSON_MEDIA_TYPE = 'application/json';

/**
 * The media type a generation answer takes by the request's `Accept` (RFC 9110 §12.5.1): each offered
 * type gets the quality of the most specific range that matches it (`text/event-stream` over `text/*` over
 * `*\/*`), the highest quality above 0 wins, a tie goes to the range listed first, and with no `Accept`
 * or nothing acceptable the answer is JSON. So `text/event-stream;q=0.1, application/json` is JSON and
 * `text/event-stream` alone is a stream. Hono's `accepts` parses the header; its default match is not
 * used because it never lets `*\/*` match, which would make `text/event-stream;q=0.5, *\/*` a stream.
 */
export function negotiateGenerationMediaType(c: Context): typeof EVENT_STREAM | typeof JSON_MEDIA_TYPE {
  const chosen = accepts(c, { header: 'Accept', supports: [JSON_MEDIA_TYPE, EVENT_STREAM], default: JSON_MEDIA_TYPE, match: bestByQuality });
  return chosen === EVENT_STREAM ? EVENT_STREAM : JSON_MEDIA_TYPE;
}

/** The offered type of highest quality (see negotiateGenerationMediaType); `ranges` come sorted by q, header order kept among equals. */
export function bestByQuality(ranges: readonly Accept[], config: { readonly supports: readonly string[]; readonly default: string }): string {
  let best: { type: string; q: number; position: number } | null = null;
  for (const type of config.supports) {
    const match = mostSpecificRange(ranges, type);
    if (!match || match.q <= 0) continue;
    if (!best || match.q > best.q || (match.q === best.q && match.position < best.position)) best = { type, q: match.q, position: match.position };
  }
  return best?.type ?? config.default;
}

function mostSpecificRange(ranges: readonly Accept[], type: string): { q: number; position: number } | null {
  const [main] = type.split('/');
  let found: { q: number; position: number; specificity: number } | null = null;
  ranges.forEach((range, position) => {
    const name = range.type.toLowerCase();
    const specificity = name === type ? 3 : name === `${main}/*` ? 2 : name === '*/*' || name === '*' ? 1 : 0;
    if (specificity > 0 && (!found || specificity > found.specificity)) found = { q: Number.isFinite(range.q) ? range.q : 1, position, specificity };
  });
  return found;
}
