import { describe, expect, it } from 'vitest';
import { traceChartModel, traceChartSvg } from '../../../src/playground/client/trace-chart.js';
import { candidate } from './candidates.js';

describe('trace chart', () => {
  describe('traceChartModel', () => {
    it('puts candidates left to right over the budget, higher reward higher, and the best so far as a running maximum', () => {
      // Prepare
      const candidates = [candidate(0, 0.2), candidate(1, 0.8), candidate(2, 0.5), candidate(3, null), candidate(4, 0.9)];
      // Act
      const model = traceChartModel(candidates, 'c004', 8);
      // Assess
      expect(model.slots).toBe(8);
      const xs = model.points.map((point) => point.x);
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
      const y = (id: string) => model.points.find((point) => point.id === id)!.y!;
      expect(y('c004')).toBeLessThan(y('c001'));
      expect(y('c001')).toBeLessThan(y('c002'));
      expect(y('c002')).toBeLessThan(y('c000'));
      expect(model.points.find((point) => point.id === 'c003')!.y).toBeNull();
      expect(model.bestSoFar.map((point) => point.y)).toEqual([y('c000'), y('c001'), y('c001'), y('c001'), y('c004')]);
      expect(model.points.filter((point) => point.best).map((point) => point.id)).toEqual(['c004']);
    });

    it('bands each prompt-optimization round and each later phase', () => {
      // Prepare
      const candidates = [
        candidate(0, 0.1, { phase: 'prompt', round: 0 }),
        candidate(1, 0.2, { phase: 'prompt', round: 1 }),
        candidate(2, 0.3, { phase: 'prompt', round: 1 }),
        candidate(3, 0.4),
        candidate(4, 0.5, { phase: 'final' }),
      ];
      // Act
      const model = traceChartModel(candidates, 'c004', 5);
      // Assess
      expect(model.bands.map((band) => [band.phase, band.labels[0]])).toEqual([
        ['prompt', 'prompts · round 0'],
        ['prompt', 'prompts · round 1'],
        ['search', 'search'],
        ['final', 'final'],
      ]);
      expect(model.bands[1]!.x1 - model.bands[1]!.x0).toBeCloseTo(2 * (model.bands[0]!.x1 - model.bands[0]!.x0));
    });

    it('draws equal rewards on one line (no division by zero)', () => {
      // Act
      const model = traceChartModel([candidate(0, 0.5), candidate(1, 0.5)], 'c000', 2);
      // Assess
      expect(model.points.every((point) => Number.isFinite(point.y))).toBe(true);
      expect(model.points[0]!.y).toBe(model.points[1]!.y);
    });
  });

  describe('traceChartSvg', () => {
    it('is an accessible SVG with one mark per candidate, the best ringed, and every text escaped', () => {
      // Prepare
      const model = traceChartModel([candidate(0, 0.4, { prompt: 'a <b>bold</b> & "quoted" prompt' }), candidate(1, 0.6)], 'c001', 4);
      // Act
      const svg = traceChartSvg(model, 'Rewards of 2 candidates <best c001>');
      // Assess
      expect(svg).toMatch(/^<svg class="trace-chart" viewBox="0 0 640 220" role="img" aria-label="Rewards of 2 candidates &#60;best c001&#62;"/);
      expect(svg.match(/<g class="point/g)).toHaveLength(2);
      expect(svg).toContain('<g class="point phase-search best" data-candidate="c001"><circle class="best-ring"');
      expect(svg).toContain('a &#60;b&#62;bold&#60;/b&#62; &#38; &#34;quoted&#34; prompt');
      expect(svg).not.toContain('<b>');
    });
  });
});
