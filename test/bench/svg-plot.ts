/** SVG pieces the benchmarks' plots share: a panel over log2(budget) with its frame, grid and ticks, and a series on it. */

/** Text made safe inside SVG. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (character) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[character] ?? character);
}

/** Where a panel is and what it shows. */
export interface BudgetPanel {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  readonly label: string;
  readonly xLabel: string;
  readonly budgets: readonly number[];
  readonly min: number;
  readonly max: number;
  /** Decimals of the y ticks. */
  readonly decimals: number;
}

/** A panel's frame (title, a grid line per budget, 5 y ticks, a dashed zero line when 0 is inside) and its coordinates. */
export function budgetPanel(panel: BudgetPanel): { readonly svg: string[]; x(budget: number): number; y(value: number): number } {
  const minX = Math.log2(Math.min(...panel.budgets));
  const maxX = Math.log2(Math.max(...panel.budgets));
  const x = (budget: number): number => panel.left + ((Math.log2(budget) - minX) / Math.max(1e-9, maxX - minX)) * panel.width;
  const y = (value: number): number => panel.top + panel.height - ((value - panel.min) / Math.max(1e-9, panel.max - panel.min)) * panel.height;
  const svg = [
    `<rect x="${panel.left}" y="${panel.top}" width="${panel.width}" height="${panel.height}" fill="none" stroke="#999"/>`,
    `<text x="${panel.left + panel.width / 2}" y="${panel.top - 8}" text-anchor="middle">${escapeXml(panel.label)}</text>`,
  ];
  for (const budget of panel.budgets) {
    svg.push(`<line x1="${x(budget)}" x2="${x(budget)}" y1="${panel.top}" y2="${panel.top + panel.height}" stroke="#eee"/>`);
    svg.push(`<text x="${x(budget)}" y="${panel.top + panel.height + 16}" text-anchor="middle">${budget}</text>`);
  }
  for (let tick = 0; tick <= 4; tick += 1) {
    const value = panel.min + ((panel.max - panel.min) * tick) / 4;
    svg.push(`<text x="${panel.left - 6}" y="${y(value) + 4}" text-anchor="end">${value.toFixed(panel.decimals)}</text>`);
  }
  if (panel.min < 0 && panel.max > 0) svg.push(`<line x1="${panel.left}" x2="${panel.left + panel.width}" y1="${y(0)}" y2="${y(0)}" stroke="#bbb" stroke-dasharray="4 3"/>`);
  svg.push(`<text x="${panel.left + panel.width / 2}" y="${panel.top + panel.height + 34}" text-anchor="middle">${escapeXml(panel.xLabel)}</text>`);
  return { svg, x, y };
}

/** One series: a line through its points and a dot on each. */
export function seriesSvg(points: readonly (readonly [number, number])[], color: string): string[] {
  return [
    `<polyline points="${points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`,
    ...points.map(([px, py]) => `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3" fill="${color}"/>`),
  ];
}
