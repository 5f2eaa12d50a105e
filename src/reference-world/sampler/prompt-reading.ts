import { clipWindow } from '../difficulty/clip-tokens.js';
import { parsePrompt, type ParsedPrompt } from '../scene/prompt-parser.js';
import { styleFromModifiers, type RenderStyle } from '../scene/render-style.js';

/** A prompt as the world's text-to-image model reads it. */
export interface PromptReading {
  /** The prompt as given. */
  readonly prompt: string;
  /** What reaches the model: the prompt cut to CLIP's 77-token window (lower-cased). */
  readonly text: string;
  /** Whether the window cut something off (those words are never drawn). */
  readonly truncated: boolean;
  /** Approximate CLIP tokens of the whole prompt. */
  readonly tokens: number;
  /** The scene the kept text asks for, its leftover modifiers and clarity. */
  readonly parsed: ParsedPrompt;
  /** The render style the modifiers ask for. */
  readonly style: RenderStyle;
}

/** Reads a prompt like the model's text encoder: CLIP's window first, then the scene it describes. */
export function readPrompt(prompt: string): PromptReading {
  const window = clipWindow(prompt);
  const parsed = parsePrompt(window.text);
  return { prompt, text: window.text, truncated: window.truncated, tokens: window.tokens, parsed, style: styleFromModifiers(parsed.modifiers) };
}
