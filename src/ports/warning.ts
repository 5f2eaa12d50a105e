/** A non-fatal mismatch between what was asked and what a backend could do; returned, never thrown. */
export type Warning =
  | { readonly type: 'unsupported'; readonly feature: string; readonly details?: string }
  | { readonly type: 'other'; readonly message: string };
