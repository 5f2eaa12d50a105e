/**
 * Conditional-request matching of entity tags (RFC 9110 §8.8.3, §13.1.1, §13.1.2), pure and total:
 * a malformed field never matches.
 */

interface EntityTag {
  readonly weak: boolean;
  /** The quoted opaque tag, quotes included. */
  readonly opaque: string;
}

/**
 * `If-None-Match` against the current representation's tag, by weak comparison (`W/"x"` matches `"x"`):
 * true when the field is `*` or lists a tag that matches, i.e. when a GET may answer 304.
 */
export function ifNoneMatchMatches(headerValue: string | undefined, etag: string): boolean {
  return anyMatches(headerValue, etag, (listed, current) => listed.opaque === current.opaque);
}

/**
 * `If-Match` against the current representation's tag, by strong comparison (neither tag weak, same
 * opaque tag): true when the field is `*` or lists a matching tag, i.e. when the request may proceed.
 */
export function ifMatchMatches(headerValue: string | undefined, etag: string): boolean {
  return anyMatches(headerValue, etag, (listed, current) => !listed.weak && !current.weak && listed.opaque === current.opaque);
}

function anyMatches(headerValue: string | undefined, etag: string, equal: (listed: EntityTag, current: EntityTag) => boolean): boolean {
  if (headerValue === undefined) return false;
  const current = parseEntityTagList(etag);
  if (current === undefined || current === '*' || current.length !== 1) return false;
  const listed = parseEntityTagList(headerValue);
  if (listed === '*') return true;
  return listed !== undefined && listed.some((tag) => equal(tag, current[0]!));
}

/** `*`, or the entity tags of a comma-separated list (empty elements allowed); undefined when malformed. */
function parseEntityTagList(value: string): '*' | EntityTag[] | undefined {
  if (value.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  let index = 0;
  while (index < value.length) {
    const char = value[index]!;
    if (char === ' ' || char === '\t' || char === ',') {
      index += 1;
      continue;
    }
    const weak = value.startsWith('W/', index);
    const open = weak ? index + 2 : index;
    if (value[open] !== '"') return undefined;
    const close = value.indexOf('"', open + 1);
    if (close < 0) return undefined;
    const opaque = value.slice(open, close + 1);
    if (!isEtagChars(opaque.slice(1, -1))) return undefined;
    tags.push({ weak, opaque });
    index = close + 1;
    while (value[index] === ' ' || value[index] === '\t') index += 1;
    if (index < value.length && value[index] !== ',') return undefined;
  }
  return tags;
}

/** etagc = %x21 / %x23-7E / obs-text */
function isEtagChars(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (!(code === 0x21 || (code >= 0x23 && code <= 0x7e) || (code >= 0x80 && code <= 0xff))) return false;
  }
  return true;
}
