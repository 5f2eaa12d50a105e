/** The synchronous InvokeEndpoint limit on a request body and on a response body (6 MB). */
export const SAGEMAKER_MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** What one item adds to a call: its bytes in the request, and (an upper bound of) its bytes in the response. */
export interface ItemPayload {
  readonly requestBytes: number;
  readonly responseBytes?: number;
}

/** Limits one call must respect. */
export interface PayloadLimits {
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
  /** Bytes of the request envelope around the items (`{"version":…,"items":[` … `]}`). */
  readonly requestEnvelopeBytes: number;
  /** Bytes of the response envelope around the results. */
  readonly responseEnvelopeBytes?: number;
}

/**
 * Splits items, in order, into the fewest consecutive chunks (greedily) whose request and response stay
 * within the limits; items are joined by one comma. An item too large on its own gets a chunk to itself
 * (the caller decides whether that chunk can be sent). Returns `[start, end)` ranges.
 */
export function splitByPayload(items: readonly ItemPayload[], limits: PayloadLimits): [number, number][] {
  const ranges: [number, number][] = [];
  let start = 0;
  let request = limits.requestEnvelopeBytes;
  let response = limits.responseEnvelopeBytes ?? 0;
  items.forEach((item, index) => {
    const separator = index > start ? 1 : 0;
    const nextRequest = request + separator + item.requestBytes;
    const nextResponse = response + separator + (item.responseBytes ?? 0);
    if (index > start && (nextRequest > limits.maxRequestBytes || nextResponse > limits.maxResponseBytes)) {
      ranges.push([start, index]);
      start = index;
      request = limits.requestEnvelopeBytes + item.requestBytes;
      response = (limits.responseEnvelopeBytes ?? 0) + (item.responseBytes ?? 0);
      return;
    }
    request = nextRequest;
    response = nextResponse;
  });
  if (items.length > start) ranges.push([start, items.length]);
  return ranges;
}

/**
 * An upper bound of the bytes one PNG of this size takes base64-encoded in a JSON answer: the raw RGB
 * bytes, one filter byte per row and 1 KiB of headers (what PNG's stored-block fallback costs at worst),
 * times 4/3, plus room for the image's other fields.
 */
export function pngResponseBound(width: number, height: number): number {
  return Math.ceil(((width * height * 3 + height + 1024) * 4) / 3) + 128;
}
