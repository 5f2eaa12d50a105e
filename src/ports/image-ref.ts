/**
 * An image as it travels between ports: inline bytes, or a URL the receiver fetches
 * (so large images need not transit the API or an endpoint payload).
 */
export type ImageRef =
  | { readonly type: 'inline'; readonly mediaType: string; readonly data: Uint8Array }
  | { readonly type: 'url'; readonly url: string; readonly mediaType?: string };
