import { describe, expect, it } from 'vitest';
import { ifMatchMatches, ifNoneMatchMatches } from '../../src/api/etag-match.js';

describe('etag matching (RFC 9110 §13.1.1, §13.1.2)', () => {
  // field value, current etag, If-None-Match (weak comparison), If-Match (strong comparison)
  it.each([
    ['"abc"', '"abc"', true, true],
    ['W/"abc"', '"abc"', true, false],
    ['"abc"', 'W/"abc"', true, false],
    ['W/"abc"', 'W/"abc"', true, false],
    ['"xyz"', '"abc"', false, false],
    ['"ABC"', '"abc"', false, false],
    ['"xyz", W/"abc"', '"abc"', true, false],
    ['"xyz", "abc"', '"abc"', true, true],
    ['"xyz",W/"abc" ,', '"abc"', true, false],
    [' , "abc"', '"abc"', true, true],
    ['"x,y", "abc"', '"abc"', true, true],
    ['"x,y"', '"y"', false, false],
    ['*', '"abc"', true, true],
    [' * ', 'W/"abc"', true, true],
    ['', '"abc"', false, false],
  ])('%s against %s: If-None-Match %s, If-Match %s', (header, etag, weakMatch, strongMatch) => {
    expect(ifNoneMatchMatches(header, etag)).toBe(weakMatch);
    expect(ifMatchMatches(header, etag)).toBe(strongMatch);
  });

  it.each([
    [undefined, '"abc"'],
    ['abc', '"abc"'],
    ['"abc', '"abc"'],
    ['w/"abc"', '"abc"'],
    ['"abc" "def"', '"abc"'],
    ['"a b"', '"a b"'],
    ['*, "abc"', '"abc"'],
    ['"abc"', 'abc'],
  ])('never matches an absent or malformed field or tag: %j against %s', (header, etag) => {
    expect(ifNoneMatchMatches(header, etag)).toBe(false);
    expect(ifMatchMatches(header, etag)).toBe(false);
  });
});
