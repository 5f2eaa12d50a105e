import type { CandidateRecord } from '../../api/schemas/generation-record.js';
import { byId, element } from './dom.js';
import type { ImageCache } from './image-cache.js';
import { formatReward } from './score-text.js';

/** The verdict on a pair: the preferred candidate id, or `tie`. */
export type CompareChoice = string;

/**
 * Two candidates side by side, Pick-a-Pic style: the user says which is better, or that they tie
 * (buttons, a click on an image, or ← → ↓). Starts with the best and the runner-up, then moves on to pairs
 * not judged yet.
 */
export class ComparePanel {
  private readonly section = byId('compare', HTMLElement);
  private readonly left = byId('compare-left', HTMLSelectElement);
  private readonly right = byId('compare-right', HTMLSelectElement);
  private readonly leftSide = byId('compare-left-image', HTMLButtonElement);
  private readonly rightSide = byId('compare-right-image', HTMLButtonElement);
  private candidates: readonly CandidateRecord[] = [];
  private readonly judged = new Set<string>();

  constructor(
    private readonly images: ImageCache,
    private readonly onVerdict: (pair: readonly [string, string], choice: CompareChoice) => void,
  ) {
    this.left.addEventListener('change', () => this.showPair());
    this.right.addEventListener('change', () => this.showPair());
    byId('compare-next', HTMLButtonElement).addEventListener('click', () => this.advance());
    byId('compare-left-better', HTMLButtonElement).addEventListener('click', () => this.verdict('left'));
    byId('compare-right-better', HTMLButtonElement).addEventListener('click', () => this.verdict('right'));
    byId('compare-tie', HTMLButtonElement).addEventListener('click', () => this.verdict('tie'));
    this.leftSide.addEventListener('click', () => this.verdict('left'));
    this.rightSide.addEventListener('click', () => this.verdict('right'));
    this.section.addEventListener('keydown', (event) => {
      if (event.target instanceof HTMLSelectElement || event.altKey || event.ctrlKey || event.metaKey) return;
      const side = ({ ArrowLeft: 'left', ArrowRight: 'right', ArrowDown: 'tie' } as const)[event.key as 'ArrowLeft' | 'ArrowRight' | 'ArrowDown'];
      if (side === undefined) return;
      event.preventDefault();
      this.verdict(side);
    });
  }

  /** Hides the panel (no finished generation with two images). */
  hide(): void {
    this.section.hidden = true;
    this.candidates = [];
    this.judged.clear();
  }

  /** Shows the panel for a finished generation's candidates (those with an image), best and runner-up first. */
  show(candidates: readonly CandidateRecord[]): void {
    const withImages = candidates.filter((candidate) => candidate.url !== undefined && candidate.status === 'scored');
    if (withImages.length < 2) {
      this.hide();
      return;
    }
    this.candidates = withImages;
    this.judged.clear();
    for (const select of [this.left, this.right]) {
      select.replaceChildren(...withImages.map((candidate) => element('option', { value: candidate.id }, `${candidate.id} (${candidate.reward === null ? '—' : formatReward(candidate.reward)})`)));
    }
    const ranked = [...withImages].sort((a, b) => (b.reward ?? -Infinity) - (a.reward ?? -Infinity));
    this.left.value = ranked[0]!.id;
    this.right.value = ranked[1]!.id;
    this.section.hidden = false;
    this.showPair();
  }

  /** The pair on screen. */
  get pair(): readonly [string, string] {
    return [this.left.value, this.right.value];
  }

  private showPair(): void {
    for (const [side, id] of [
      [this.leftSide, this.left.value],
      [this.rightSide, this.right.value],
    ] as const) {
      const candidate = this.candidates.find((each) => each.id === id);
      const image = side.querySelector('img')!;
      side.classList.remove('chosen');
      if (!candidate?.url) continue;
      image.alt = `${candidate.id}: ${candidate.prompt}`;
      this.images.show(image, candidate.url);
      side.querySelector('.side-caption')!.textContent = `${candidate.id} · ${candidate.prompt}`;
    }
  }

  private verdict(side: 'left' | 'right' | 'tie'): void {
    const [a, b] = this.pair;
    if (a === b) return;
    const choice = side === 'tie' ? 'tie' : side === 'left' ? a : b;
    this.leftSide.classList.toggle('chosen', side === 'left');
    this.rightSide.classList.toggle('chosen', side === 'right');
    this.judged.add(pairKey(a, b));
    this.onVerdict([a, b], choice);
  }

  /** Moves on to a pair not judged yet (or any other pair when all were). */
  private advance(): void {
    const ids = this.candidates.map((candidate) => candidate.id);
    const pairs: [string, string][] = [];
    for (let i = 0; i < ids.length; i += 1) for (let j = i + 1; j < ids.length; j += 1) pairs.push([ids[i]!, ids[j]!]);
    const current = pairKey(...this.pair);
    const fresh = pairs.filter((pair) => !this.judged.has(pairKey(...pair)) && pairKey(...pair) !== current);
    const pool = fresh.length > 0 ? fresh : pairs.filter((pair) => pairKey(...pair) !== current);
    const next = pool[Math.floor(Math.random() * pool.length)];
    if (!next) return;
    [this.left.value, this.right.value] = Math.random() < 0.5 ? next : [next[1], next[0]];
    this.showPair();
  }
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
