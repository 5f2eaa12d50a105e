import type { CandidateRecord } from '../../api/schemas/generation-record.js';
import { element } from './dom.js';
import type { ImageCache } from './image-cache.js';
import { formatReward, sortedScores } from './score-text.js';

/**
 * The candidates as a grid of cards, in candidate order (c000, c001, …): each image is a button (focusable,
 * Enter or Space picks it, `aria-pressed` says which is picked), under it the reward, every raw score and
 * the prompt it came from; the best is marked. Cards are updated in place as events arrive.
 */
export class CandidateGrid {
  private readonly cards = new Map<string, HTMLLIElement>();

  constructor(
    private readonly list: HTMLOListElement,
    private readonly images: ImageCache,
    private readonly onPick: (candidateId: string) => void,
  ) {}

  /** Empties the grid (a new generation). */
  clear(): void {
    this.cards.clear();
    this.list.replaceChildren();
  }

  /** Shows these candidates, the best and the user's pick. */
  render(candidates: readonly CandidateRecord[], bestId: string | null, pickedId: string | null): void {
    for (const candidate of [...candidates].sort((a, b) => a.id.localeCompare(b.id))) {
      if (candidate.status === 'pending') continue;
      const card = this.cardOf(candidate);
      this.fill(card, candidate, candidate.id === bestId, candidate.id === pickedId);
    }
  }

  /** Ids of the candidates shown with an image (what a user saw beside a pick). */
  shownIds(): string[] {
    return [...this.cards.entries()].filter(([, card]) => card.dataset['hasImage'] === 'yes').map(([id]) => id);
  }

  /** Moves keyboard focus to a candidate's button. */
  focus(candidateId: string): void {
    this.cards.get(candidateId)?.querySelector<HTMLButtonElement>('button.pick')?.focus();
  }

  private cardOf(candidate: CandidateRecord): HTMLLIElement {
    const known = this.cards.get(candidate.id);
    if (known) return known;
    const card = element('li', { class: 'card', 'data-candidate': candidate.id });
    const button = element('button', { type: 'button', class: 'pick', 'aria-pressed': 'false' });
    button.addEventListener('click', () => this.onPick(candidate.id));
    card.append(button, element('div', { class: 'card-body' }));
    const next = [...this.cards.keys()].sort().find((id) => id > candidate.id);
    this.list.insertBefore(card, next === undefined ? null : (this.cards.get(next) ?? null));
    this.cards.set(candidate.id, card);
    return card;
  }

  private fill(card: HTMLLIElement, candidate: CandidateRecord, best: boolean, picked: boolean): void {
    card.classList.toggle('best', best);
    card.classList.toggle('picked', picked);
    card.classList.toggle('failed', candidate.status === 'failed');
    const button = card.querySelector<HTMLButtonElement>('button.pick')!;
    const reward = candidate.reward === null ? 'no reward' : `reward ${formatReward(candidate.reward)}`;
    button.setAttribute('aria-pressed', String(picked));
    button.setAttribute('aria-label', `Pick ${candidate.id}, ${reward}${best ? ', the best' : ''}${picked ? ', your pick' : ''}`);
    button.disabled = candidate.url === undefined;
    const image = button.querySelector('img');
    if (candidate.url !== undefined) {
      card.dataset['hasImage'] = 'yes';
      if (!image) {
        const created = element('img', { alt: `${candidate.id}: ${candidate.prompt}`, width: String(candidate.width), height: String(candidate.height), decoding: 'async' });
        button.prepend(created);
        this.images.show(created, candidate.url);
      }
    } else if (!button.querySelector('.failed-note')) {
      button.prepend(element('span', { class: 'failed-note' }, candidate.error ? `failed: ${candidate.error.message}` : 'no image'));
    }
    button.querySelectorAll('.badge').forEach((badge) => badge.remove());
    if (best) button.append(element('span', { class: 'badge' }, '★ best'));
    if (picked) button.append(element('span', { class: 'badge picked-badge' }, '✓ your pick'));

    const scores = element('dl', { class: 'scores' });
    for (const [model, score] of sortedScores(candidate)) scores.append(element('dt', {}, model), element('dd', {}, formatReward(score)));
    for (const [model, detail] of Object.entries(candidate.details ?? {})) {
      if (detail.abstained !== undefined && candidate.scores[model] === undefined) scores.append(element('dt', {}, model), element('dd', { title: detail.abstained }, 'abstained'));
    }
    const body = card.querySelector<HTMLDivElement>('.card-body')!;
    body.replaceChildren(
      element('div', { class: 'card-head' }, element('span', {}, candidate.id), element('span', { class: 'reward', title: 'aggregated reward (comparable within this generation)' }, candidate.reward === null ? '—' : formatReward(candidate.reward))),
      scores,
      element('p', { class: 'card-prompt', title: candidate.prompt }, candidate.prompt),
      element('p', { class: 'card-meta' }, `${candidate.phase} · round ${candidate.round} · ${candidate.steps} steps`),
    );
  }
}
