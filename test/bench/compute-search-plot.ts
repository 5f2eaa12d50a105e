/**
 * The compute-search benchmark's plot and table (a module, not a benchmark): truth accuracy, proxy reward
 * and the reward-hacking gap against the NFE budget, one row of panels per prompt set.
 */
import { budgetPanel, escapeXml, seriesSvg } from './svg-plot.js';

/** One (prompt set, strategy, NFE budget) cell. */
export interface ComputeCell {
  readonly set: string;
  readonly method: string;
  readonly budgetNfe: number;
  /** Mean NFEs the requests spent (nfe + failed_nfe). */
  readonly nfeUsed: number;
  /** GenEval accuracy by the truth (mean of the task accuracies). */
  readonly truth: number;
  /** Mean proxy reward (geneval score) of the returned image. */
  readonly proxy: number;
  /** Share of returned images the proxy scored 1 (mean of the tasks): the accuracy it promised. */
  readonly promised: number;
  /** promised − truth. */
  readonly gap: number;
}

export const METHOD_COLORS: Readonly<Record<string, string>> = {
  best_of_n: '#1f77b4',
  zero_order: '#d62728',
  preview_prune: '#2ca02c',
  paths: '#9467bd',
  particles: '#ff7f0e',
};

/** A markdown table per prompt set: rows strategies, columns NFE budgets, cells truth / proxy / gap. */
export function computeTable(cells: readonly ComputeCell[], sets: readonly string[], methods: readonly string[], budgets: readonly number[]): string {
  const lines: string[] = [];
  for (const set of sets) {
    lines.push(`**${set}**`, '', `| strategy | ${budgets.map((budget) => `${budget} NFE`).join(' | ')} |`, `|---|${budgets.map(() => '---:').join('|')}|`);
    for (const method of methods) {
      const row = budgets.map((budget) => {
        const cell = cells.find((entry) => entry.set === set && entry.method === method && entry.budgetNfe === budget);
        return cell ? `${cell.truth.toFixed(3)} / ${cell.proxy.toFixed(3)} / ${cell.gap >= 0 ? '+' : ''}${cell.gap.toFixed(3)}` : '';
      });
      lines.push(`| ${method} | ${row.join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push('cells: truth accuracy (GenEval rules on what the sampler drew; mean of the task accuracies) / mean proxy reward (geneval detector score of the returned image) / reward-hacking gap (accuracy the proxy promised − truth)');
  return lines.join('\n');
}

/** Rows of three panels (truth, proxy, gap) over log2(NFE budget), one line per strategy. */
export function computePlot(cells: readonly ComputeCell[], sets: readonly string[], methods: readonly string[], budgets: readonly number[], subtitle: string): string {
  const panel = { width: 330, height: 230 };
  const lefts = [70, 480, 890];
  const rowHeight = 320;
  const width = 1260;
  const height = 90 + rowHeight * sets.length + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16">Compute-aware search on the reference world at equal NFEs: truth, proxy reward, reward hacking</text>`,
    `<text x="${width / 2}" y="44" text-anchor="middle" fill="#555">${escapeXml(subtitle)}</text>`,
  ];
  const range = (values: number[], step: number, floor = Number.NEGATIVE_INFINITY): { min: number; max: number } => {
    const min = Math.max(floor, Math.floor(Math.min(...values) / step) * step);
    const max = Math.ceil(Math.max(...values) / step) * step;
    return { min, max: max > min ? max : min + step };
  };
  sets.forEach((set, row) => {
    const top = 90 + row * rowHeight;
    const ofSet = cells.filter((cell) => cell.set === set);
    if (ofSet.length === 0) return;
    const metrics: { key: 'truth' | 'proxy' | 'gap'; label: string; min: number; max: number }[] = [
      { key: 'truth', label: `${set}: GenEval accuracy by the truth`, ...range(ofSet.map((cell) => cell.truth), 0.05, 0) },
      { key: 'proxy', label: `${set}: proxy reward (geneval)`, ...range(ofSet.map((cell) => cell.proxy), 0.05, 0) },
      { key: 'gap', label: `${set}: reward hacking (promised − truth)`, ...range([0, ...ofSet.map((cell) => cell.gap)], 0.025) },
    ];
    metrics.forEach((metric, index) => {
      const frame = budgetPanel({ left: lefts[index]!, top, ...panel, label: metric.label, xLabel: 'NFE budget (log scale)', budgets, min: metric.min, max: metric.max, decimals: metric.key === 'gap' ? 3 : 2 });
      parts.push(...frame.svg);
      for (const method of methods) {
        const points = budgets
          .map((budget) => ofSet.find((cell) => cell.method === method && cell.budgetNfe === budget))
          .filter((cell): cell is ComputeCell => cell !== undefined)
          .map((cell) => [frame.x(cell.budgetNfe), frame.y(cell[metric.key])] as const);
        parts.push(...seriesSvg(points, METHOD_COLORS[method] ?? '#333'));
      }
    });
  });
  methods.forEach((method, index) => {
    const x = 70 + index * 190;
    const y = height - 18;
    parts.push(`<line x1="${x}" x2="${x + 24}" y1="${y - 4}" y2="${y - 4}" stroke="${METHOD_COLORS[method] ?? '#333'}" stroke-width="3"/>`);
    parts.push(`<text x="${x + 30}" y="${y}">${escapeXml(method)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
