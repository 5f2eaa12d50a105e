import cliProgress from 'cli-progress';
import type { CandidateRecord } from '../api/schemas/generation-record.js';
import type { GenerationEvent } from '../playground/client/api-client.js';
import type { GenerationProgress } from '../playground/client/generation-progress.js';
import { formatReward, scoresText } from '../playground/client/score-text.js';
import type { CliIo } from './cli-io.js';

/** Shows a generation's progress on stderr while its events arrive. */
export interface GenerationProgressView {
  /** After `progress` took in `event`. */
  update(progress: GenerationProgress, event: GenerationEvent): void;
  /** Draws the bar's last state (if any) and ends it, before the summary is printed. */
  stop(): void;
}

/**
 * On a terminal, a cli-progress bar (images done of the budget, the best so far, the phase) with the prompts
 * judged printed above it; elsewhere (a pipe, a CI log), one plain line per event, so a log shows how the
 * search went. `quiet`: nothing. The bar is left on screen at its last state (a fast generation finishes
 * between two of cli-progress's timed redraws: without that final draw it would never be seen).
 */
export function generationProgressView(io: CliIo, quiet: boolean): GenerationProgressView {
  if (quiet) return { update: () => undefined, stop: () => undefined };
  return io.stderr.isTTY ? terminalView(io) : lineView(io);
}

function terminalView(io: CliIo): GenerationProgressView {
  const bars = new cliProgress.MultiBar(
    { stream: io.stderr, format: ' {bar} {value}/{total} images · {best} · {phase}', hideCursor: true, clearOnComplete: false, stopOnComplete: false, barsize: 24 },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(progress, event) {
      const payload = { best: bestText(progress.best), phase: phaseText(event, progress) };
      if (bar === null) bar = bars.create(progress.budget, 0, payload);
      if (event.event === 'prompt') bars.log(`prompt (${event.data.source}, round ${event.data.round}): ${event.data.prompt}\n`);
      if (event.event === 'accepted') bars.log(`generation ${event.data.id}\n`);
      bar.setTotal(Math.max(progress.budget, progress.completed));
      bar.update(progress.completed, payload);
    },
    stop() {
      bars.stop();
    },
  };
}

function lineView(io: CliIo): GenerationProgressView {
  const width = (total: number): number => String(total).length;
  return {
    update(progress, event) {
      const total = Math.max(progress.budget, progress.completed);
      switch (event.event) {
        case 'accepted':
          io.stderr.write(`generation ${event.data.id} accepted (${event.data.status})\n`);
          return;
        case 'prompt':
          io.stderr.write(`prompt (${event.data.source}, round ${event.data.round}): ${event.data.prompt}\n`);
          return;
        case 'candidate':
          io.stderr.write(`[${String(progress.completed).padStart(width(total))}/${total}] ${candidateText(event.data)}\n`);
          return;
        case 'best':
          io.stderr.write(`${' '.repeat(2 * width(total) + 3)} new ${bestText(event.data)}\n`);
          return;
        case 'error':
          io.stderr.write(`error: ${event.data.detail}\n`);
          return;
        case 'done':
          io.stderr.write(`${event.data.status}: ${event.data.candidates.length} images in ${((event.data.usage?.ms['total'] ?? 0) / 1000).toFixed(1)} s · ${bestText(event.data.best)}\n`);
          return;
      }
    },
    stop: () => undefined,
  };
}

function candidateText(candidate: CandidateRecord): string {
  if (candidate.status === 'failed') return `${candidate.id} failed: ${candidate.error?.message ?? 'no image'}`;
  const scores = scoresText(candidate);
  return `${candidate.id} ${candidate.phase} reward ${candidate.reward === null ? '—' : formatReward(candidate.reward)}${scores ? ` (${scores})` : ''}`;
}

function bestText(best: CandidateRecord | null): string {
  return best ? `best ${best.id} ${best.reward === null ? '' : formatReward(best.reward)}`.trim() : 'no best yet';
}

function phaseText(event: GenerationEvent, progress: GenerationProgress): string {
  if (event.event === 'done') return event.data.status;
  const last = progress.candidates.at(-1);
  return last ? last.phase : 'starting';
}
