/**
 * CLIP's context window, as a text-to-image model's text encoder sees a prompt. Stable Diffusion's
 * CLIP text encoders take 77 tokens, start and end markers included (Radford et al. 2021, "Learning
 * Transferable Visual Models From Natural Language Supervision"; the `max_length=77` of every SD
 * pipeline); whatever comes after the 75th content token is cut off and never reaches the model.
 */

/** Tokens of CLIP's context, start and end markers included. */
export const CLIP_CONTEXT_TOKENS = 77;

/** Content tokens that fit (77 minus the start and end markers). */
export const CLIP_CONTENT_TOKENS = CLIP_CONTEXT_TOKENS - 2;

/**
 * An approximation of how many byte-pair tokens CLIP's tokenizer makes of one pre-token (not the real
 * 49,408-entry vocabulary, which this project does not ship): a word of up to 8 letters is one token
 * (CLIP's vocabulary holds nearly every common English word whole), each further 6 letters one more
 * (long or rare words split into pieces); CLIP's pre-tokenizer splits numbers into single digits and
 * keeps each run of punctuation as its own token.
 */
export function approximateTokenCount(piece: string): number {
  if (/^\d+$/.test(piece)) return piece.length;
  if (/^[^a-z0-9]+$/i.test(piece)) return 1;
  return 1 + Math.max(0, Math.ceil((piece.length - 8) / 6));
}

/** A prompt cut to CLIP's window: the text the model reads and how many tokens the whole prompt had. */
export interface ClipWindow {
  /** The prompt up to the last pre-token that fits in 75 content tokens. */
  readonly text: string;
  /** Approximate content tokens of the whole prompt. */
  readonly tokens: number;
  /** Whether anything was cut off. */
  readonly truncated: boolean;
}

/** Cuts a prompt (lower-cased, as CLIP's tokenizer does) to what fits in CLIP's 77-token window. */
export function clipWindow(prompt: string): ClipWindow {
  const text = prompt.toLowerCase();
  const pieces = [...text.matchAll(/'s|'t|'re|'ve|'m|'ll|'d|[a-z]+|\d|[^\sa-z\d]+/g)];
  let tokens = 0;
  let end = text.length;
  let truncated = false;
  for (const piece of pieces) {
    const count = approximateTokenCount(piece[0]);
    if (!truncated && tokens + count > CLIP_CONTENT_TOKENS) {
      truncated = true;
      end = piece.index ?? text.length;
    }
    tokens += count;
  }
  return { text: truncated ? text.slice(0, end).trimEnd() : text, tokens, truncated };
}
