/**
 * The prompts of an OPT2I reviser's reply. Reads `<PROMPT>…</PROMPT>` spans wherever they are (numbered or
 * not); without any tag, falls back to one prompt per non-empty line, dropping list markers, surrounding
 * quotes, `...` placeholders and lead-in lines ending with a colon. Trimmed, in reply order, duplicates kept.
 */
export function parseOpt2iReply(text: string): string[] {
  const tagged = [...text.matchAll(/<PROMPT>([\s\S]*?)<\/PROMPT>/gi)].map((match) => clean(match[1] ?? ''));
  if (tagged.length > 0) return tagged.filter((prompt) => prompt.length > 0);
  return text
    .split(/\r?\n/)
    .map((line) => clean(line.replace(/^\s*(?:\d+\s*[.):-]|[-*•])\s*/, '')))
    .filter((line) => line.length > 0 && !/^\.{2,}$|^…$/.test(line) && !line.endsWith(':'))
    .filter((line) => !/^<\/?prompt>/i.test(line));
}

function clean(text: string): string {
  let result = text.replace(/\s+/g, ' ').trim();
  const quoted = /^(["'“”])(.*)(["'“”])$/.exec(result);
  if (quoted && quoted[2] !== undefined) result = quoted[2].trim();
  return result;
}
