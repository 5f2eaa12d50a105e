import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';

/** The parts of a record that must not depend on when or where it ran (ids aside: urls and timings differ). */
export function reproducible(record: GenerationRecord): Record<string, unknown> {
  return {
    final_prompt: record.final_prompt,
    best: record.best?.id,
    candidates: record.candidates.map(({ url: _url, ...candidate }) => candidate),
    trace: record.trace,
    images: record.usage?.images,
    nfe: record.usage?.nfe,
    search_nfe: record.usage?.search_nfe,
    final_nfe: record.usage?.final_nfe,
  };
}
