import type { GenerationRecord } from '../../api/schemas/generation-record.js';
import { type ApiClient, ApiError } from './api-client.js';
import { byId, element } from './dom.js';
import type { ImageCache } from './image-cache.js';
import { formatReward } from './score-text.js';

/** Records per page of the history. */
const PAGE_SIZE = 10;

/**
 * This tenant's generations, newest first, from the listing endpoint (`GET /v1/generations`, `limit` and
 * `cursor`), with a thumbnail of each best image; choosing one opens it. A server without the listing
 * endpoint says so, and a generation can still be opened by its id.
 */
export class HistoryPanel {
  private readonly list = byId('history-list', HTMLOListElement);
  private readonly more = byId('history-more', HTMLButtonElement);
  private readonly status = byId('history-status', HTMLParagraphElement);
  private cursor: string | null = null;
  private readonly shown = new Set<string>();

  constructor(
    private readonly api: ApiClient,
    private readonly images: ImageCache,
    private readonly onOpen: (id: string) => void,
  ) {
    this.more.addEventListener('click', () => void this.load(false));
    byId('open-form', HTMLFormElement).addEventListener('submit', (event) => {
      event.preventDefault();
      const input = byId('open-id', HTMLInputElement);
      const id = input.value.trim();
      if (id !== '') this.onOpen(id);
    });
  }

  /** Loads the first page again (`fresh`) or the next one. */
  async load(fresh: boolean): Promise<void> {
    if (fresh) {
      this.cursor = null;
      this.shown.clear();
      this.list.replaceChildren();
    }
    this.status.textContent = 'Loading…';
    try {
      const page = await this.api.listGenerations({ limit: PAGE_SIZE, cursor: this.cursor });
      for (const record of page.data) this.add(record, 'end');
      this.cursor = page.next_cursor;
      this.more.hidden = page.next_cursor === null;
      this.status.textContent = this.shown.size === 0 ? 'No generations yet.' : '';
    } catch (error) {
      this.more.hidden = true;
      if (error instanceof ApiError && (error.status === 404 || error.status === 405)) {
        this.status.textContent = 'This server does not list generations (GET /v1/generations); open one by its id.';
      } else {
        this.status.textContent = `Could not load the history: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }

  /** Puts a record at the top (a generation just made) or the end (a page read), once. */
  add(record: GenerationRecord, where: 'start' | 'end'): void {
    const known = this.list.querySelector(`[data-generation="${CSS.escape(record.id)}"]`);
    if (known) known.remove();
    this.shown.add(record.id);
    const thumb = record.best?.url ? element('img', { alt: '', width: '44', height: '44' }) : element('span', { class: 'thumb', 'aria-hidden': 'true' });
    if (thumb instanceof HTMLImageElement && record.best?.url) this.images.show(thumb, record.best.url);
    const when = new Date(record.created_at).toLocaleString();
    const best = record.best?.reward === null || record.best?.reward === undefined ? '' : ` · best ${formatReward(record.best.reward)}`;
    const button = element(
      'button',
      { type: 'button', class: 'history-item', 'aria-label': `Open ${record.prompt}, ${record.status}, ${when}` },
      thumb,
      element('span', { class: 'history-text' }, element('strong', {}, record.prompt), element('span', {}, `${record.status} · ${record.candidates.length} images${best} · ${when}`)),
    );
    button.addEventListener('click', () => this.onOpen(record.id));
    const item = element('li', { 'data-generation': record.id }, button);
    if (where === 'start') this.list.prepend(item);
    else this.list.append(item);
    if (this.status.textContent === 'No generations yet.') this.status.textContent = '';
  }
}
