/** Text made literal inside a RegExp source (Node 20 has no `RegExp.escape`). */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
