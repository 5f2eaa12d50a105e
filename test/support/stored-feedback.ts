import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredFeedbackEvent } from '../../src/api/schemas/feedback.js';

/** Every feedback event stored under an fs data dir (the NDJSON batches of its Hive partitions), in the order received. */
export async function storedFeedback(dataDir: string): Promise<StoredFeedbackEvent[]> {
  const root = join(dataDir, 'feedback');
  const files = (await readdir(root, { recursive: true }).catch(() => [] as string[])).filter((file) => file.endsWith('.ndjson'));
  const events: StoredFeedbackEvent[] = [];
  for (const file of files) {
    for (const line of (await readFile(join(root, file), 'utf8')).split('\n')) if (line.trim() !== '') events.push(JSON.parse(line) as StoredFeedbackEvent);
  }
  return events.sort((a, b) => a.received_at.localeCompare(b.received_at) || a.event_id.localeCompare(b.event_id));
}
