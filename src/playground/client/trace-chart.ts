import type { CandidateRecord } from '../../api/schemas/generation-record.js';
import { formatReward } from './score-text.js';

/** Size of the chart's coordinate system (the SVG scales to its box). */
const WIDTH = 640;
const HEIGHT = 220;
const MARGIN = { left: 58, right: 12, top: 24, bottom: 30 } as const;
/** Width of one character of the chart's 11px labels, to tell whether a label fits its band. */
const CHARACTER_WIDTH = 6.2;

/** One candidate on the chart. */
export interface ChartPoint {
  readonly id: string;
  readonly x: number;
  /** null: the candidate failed or no scorer judged it (drawn on the axis). */
  readonly y: number | null;
  readonly reward: number | null;
  readonly phase: CandidateRecord['phase'];
  readonly prompt: string;
  readonly best: boolean;
}

/** A stretch of candidates made by one phase (and, for prompt optimization, one round). */
export interface ChartBand {
  readonly x0: number;
  readonly x1: number;
  /** What the band is, longest first: the first that fits its width is drawn. */
  readonly labels: readonly string[];
  readonly phase: CandidateRecord['phase'];
}

/** Where everything of the trace chart goes, in SVG units. */
export interface TraceChartModel {
  readonly points: readonly ChartPoint[];
  /** The best reward so far after each candidate, as a step line. */
  readonly bestSoFar: readonly { readonly x: number; readonly y: number }[];
  readonly bands: readonly ChartBand[];
  readonly yTicks: readonly { readonly y: number; readonly label: string }[];
  readonly slots: number;
}

/**
 * Lays the search out: candidates left to right in the order given (finish order while streaming, the
 * record's order at the end) over `max(candidates, budget)` slots, reward upwards, the best reward so far as
 * a step line, and a band per phase — per round for prompt optimization.
 */
export function traceChartModel(candidates: readonly CandidateRecord[], bestId: string | null, budget: number): TraceChartModel {
  const slots = Math.max(candidates.length, budget, 1);
  const rewards = candidates.map((candidate) => candidate.reward).filter((reward): reward is number => reward !== null && Number.isFinite(reward));
  let low = rewards.length > 0 ? Math.min(...rewards) : 0;
  let high = rewards.length > 0 ? Math.max(...rewards) : 1;
  if (high - low < 1e-9) {
    low -= 0.5;
    high += 0.5;
  }
  const pad = (high - low) * 0.08;
  low -= pad;
  high += pad;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xOf = (index: number): number => MARGIN.left + ((index + 0.5) * plotWidth) / slots;
  const yOf = (reward: number): number => MARGIN.top + ((high - reward) * plotHeight) / (high - low);

  const points: ChartPoint[] = candidates.map((candidate, index) => ({
    id: candidate.id,
    x: xOf(index),
    y: candidate.reward === null || !Number.isFinite(candidate.reward) ? null : yOf(candidate.reward),
    reward: candidate.reward,
    phase: candidate.phase,
    prompt: candidate.prompt,
    best: candidate.id === bestId,
  }));

  const bestSoFar: { x: number; y: number }[] = [];
  let running = -Infinity;
  candidates.forEach((candidate, index) => {
    if (candidate.reward !== null && Number.isFinite(candidate.reward)) running = Math.max(running, candidate.reward);
    if (running > -Infinity) bestSoFar.push({ x: xOf(index), y: yOf(running) });
  });

  const bands: ChartBand[] = [];
  const slotWidth = plotWidth / slots;
  candidates.forEach((candidate, index) => {
    const labels = candidate.phase === 'prompt' ? [`prompts · round ${candidate.round}`, `round ${candidate.round}`, `r${candidate.round}`] : [candidate.phase, candidate.phase[0]!.toUpperCase()];
    const last = bands.at(-1);
    const x0 = MARGIN.left + index * slotWidth;
    if (last && last.labels[0] === labels[0]) bands[bands.length - 1] = { ...last, x1: x0 + slotWidth };
    else bands.push({ x0, x1: x0 + slotWidth, labels, phase: candidate.phase });
  });

  const yTicks = [high - pad, (high + low) / 2, low + pad].map((value) => ({ y: yOf(value), label: formatReward(value) }));
  return { points, bestSoFar, bands, yTicks, slots };
}

/** The chart as SVG markup (every text escaped), with a `<title>` per candidate for pointer users. */
export function traceChartSvg(model: TraceChartModel, description: string): string {
  const bottom = HEIGHT - MARGIN.bottom;
  const parts: string[] = [
    `<svg class="trace-chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeXml(description)}" xmlns="http://www.w3.org/2000/svg">`,
  ];
  model.bands.forEach((band, index) => {
    const label = band.labels.find((text) => text.length * CHARACTER_WIDTH + 6 <= band.x1 - band.x0) ?? '';
    parts.push(
      `<rect class="band band-${band.phase}${index % 2 ? ' band-odd' : ''}" x="${fixed(band.x0)}" y="${MARGIN.top}" width="${fixed(band.x1 - band.x0)}" height="${bottom - MARGIN.top}"><title>${escapeXml(band.labels[0]!)}</title></rect>`,
      `<text class="band-label" x="${fixed(band.x0 + 3)}" y="${MARGIN.top - 8}">${escapeXml(label)}</text>`,
    );
  });
  for (const tick of model.yTicks) {
    parts.push(
      `<line class="grid-line" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${fixed(tick.y)}" y2="${fixed(tick.y)}"/>`,
      `<text class="tick" x="${MARGIN.left - 6}" y="${fixed(tick.y + 4)}" text-anchor="end">${escapeXml(tick.label)}</text>`,
    );
  }
  parts.push(`<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${bottom}" y2="${bottom}"/>`);
  parts.push(`<text class="axis-label" x="${MARGIN.left}" y="${HEIGHT - 8}">candidates in order → (${model.slots} image${model.slots === 1 ? '' : 's'} of budget)</text>`);
  const middle = (MARGIN.top + bottom) / 2;
  parts.push(`<text class="axis-label" x="14" y="${fixed(middle)}" text-anchor="middle" transform="rotate(-90 14 ${fixed(middle)})">reward</text>`);
  if (model.bestSoFar.length > 0) {
    const path = model.bestSoFar.map((point, index) => (index === 0 ? `M${fixed(point.x)} ${fixed(point.y)}` : `H${fixed(point.x)} V${fixed(point.y)}`)).join(' ');
    parts.push(`<path class="best-so-far" d="${path}"/>`);
  }
  for (const point of model.points) {
    const title = `<title>${escapeXml(`${point.id} · ${point.reward === null ? 'no reward' : `reward ${formatReward(point.reward)}`}${point.best ? ' · best' : ''} · ${point.phase} · ${point.prompt}`)}</title>`;
    if (point.y === null) {
      parts.push(`<g class="point failed"><path d="M${fixed(point.x - 4)} ${bottom - 4} l8 -8 m-8 0 l8 8"/>${title}</g>`);
    } else {
      parts.push(
        `<g class="point phase-${point.phase}${point.best ? ' best' : ''}" data-candidate="${escapeXml(point.id)}">` +
          (point.best ? `<circle class="best-ring" cx="${fixed(point.x)}" cy="${fixed(point.y)}" r="8"/>` : '') +
          `<circle cx="${fixed(point.x)}" cy="${fixed(point.y)}" r="4"/>${title}</g>`,
      );
    }
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Escapes text for SVG/HTML markup. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function fixed(value: number): string {
  return String(Math.round(value * 10) / 10);
}
