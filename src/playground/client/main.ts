/**
 * The playground page (`GET /`): a form for a generation request, its candidates arriving live from the
 * server-sent events as a grid with their scores, the search's trace as a chart, the history, and
 * Pick-a-Pic style feedback (pick one, compare two) sent only with the user's consent.
 */
import type { z } from '@hono/zod-openapi';
import type { GenerationRecord } from '../../api/schemas/generation-record.js';
import type { modelsSchema } from '../../api/schemas/models.js';
import { ApiClient, ApiError, type GenerationEvent, ServerUnreachableError } from './api-client.js';
import { CandidateGrid } from './candidate-grid.js';
import { ComparePanel } from './compare-panel.js';
import { byId, element } from './dom.js';
import { compareEvent, type FeedbackEventBody, pickEvents } from './feedback-events.js';
import { generationRequest, type GenerationFormValues } from './generation-form.js';
import { GenerationProgress } from './generation-progress.js';
import { HistoryPanel } from './history-panel.js';
import { ImageCache } from './image-cache.js';
import { SessionState } from './session-state.js';
import { formatReward } from './score-text.js';
import { traceChartModel, traceChartSvg } from './trace-chart.js';

type Models = z.infer<typeof modelsSchema>;

const session = new SessionState(sessionStorage, () => {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
});
const api = new ApiClient({ baseUrl: '', apiKey: () => session.apiKey });
const images = new ImageCache(api);

const page = {
  serverStatus: byId('server-status', HTMLParagraphElement),
  keyPanel: byId('key-panel', HTMLDetailsElement),
  keyInput: byId('api-key', HTMLInputElement),
  form: byId('generate-form', HTMLFormElement),
  prompt: byId('prompt', HTMLTextAreaElement),
  search: byId('search-method', HTMLSelectElement),
  budget: byId('budget', HTMLInputElement),
  rewards: byId('rewards', HTMLFieldSetElement),
  aggregate: byId('aggregate', HTMLSelectElement),
  size: byId('size', HTMLSelectElement),
  steps: byId('steps', HTMLInputElement),
  seed: byId('seed', HTMLInputElement),
  formError: byId('form-error', HTMLParagraphElement),
  generate: byId('generate', HTMLButtonElement),
  stop: byId('stop', HTMLButtonElement),
  results: byId('results', HTMLElement),
  runStatus: byId('run-status', HTMLParagraphElement),
  progress: byId('run-progress', HTMLProgressElement),
  finalPrompt: byId('final-prompt', HTMLParagraphElement),
  warnings: byId('warnings', HTMLUListElement),
  trace: byId('trace', HTMLElement),
  chart: byId('chart', HTMLDivElement),
  rounds: byId('rounds', HTMLOListElement),
  feedbackStatus: byId('feedback-status', HTMLParagraphElement),
  consent: byId('consent', HTMLInputElement),
  appUser: byId('app-user', HTMLElement),
};

/** The generation on screen. */
interface Shown {
  progress: GenerationProgress;
  picked: string | null;
  /** Aborts the stream being read (a new generation, or leaving a followed one). */
  controller: AbortController;
  startedAt: number;
}

let shown: Shown | null = null;
const grid = new CandidateGrid(byId('grid', HTMLOListElement), images, (id) => void pick(id));
const compare = new ComparePanel(images, (pair, choice) => void sendCompare(pair, choice));
const history = new HistoryPanel(api, images, (id) => void openGeneration(id));

// ---- connection and the API key ----

async function connect(): Promise<void> {
  try {
    const models = await api.getJson<Models>('/v1/models');
    showModels(models);
    const generator = models.generators[0]?.id ?? 'no generator';
    page.serverStatus.classList.remove('problem');
    page.serverStatus.textContent = `Connected · ${generator} · ${models.scorers.length} scorers · ${session.apiKey ? 'using your API key' : 'no key needed (auth off)'}`;
    page.keyPanel.open = false;
    await history.load(true);
  } catch (error) {
    page.serverStatus.classList.add('problem');
    if (error instanceof ApiError && error.status === 401) {
      page.serverStatus.textContent = session.apiKey ? `The API key was refused: ${error.problem.detail}` : 'This server needs an API key: enter it under “API key”.';
      page.keyPanel.open = true;
      page.keyInput.focus();
    } else {
      page.serverStatus.textContent = describeError(error);
    }
  }
}

byId('key-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  session.apiKey = page.keyInput.value;
  page.keyInput.value = '';
  void connect();
});
byId('forget-key', HTMLButtonElement).addEventListener('click', () => {
  session.apiKey = undefined;
  void connect();
});

function showModels(models: Models): void {
  const served = new Set(models.prompt_optimizers.map((optimizer) => optimizer.method));
  for (const input of page.form.querySelectorAll<HTMLInputElement>('input[name="optimization"]')) {
    const available = input.value === 'none' || served.has(input.value as 'promptist' | 'opt2i');
    input.disabled = !available;
    input.closest('label')?.classList.toggle('unavailable', !available);
  }
  const defaults = new Map(models.default_rewards.map((reward) => [reward.model, reward.weight]));
  const rows = models.scorers.map((scorer) => {
    const on = defaults.has(scorer.id);
    const checkbox = element('input', { type: 'checkbox', name: 'reward', value: scorer.id, id: `reward-${scorer.id}` });
    checkbox.checked = on;
    const weight = element('input', { type: 'number', min: '0', max: '100', step: '0.1', value: String(defaults.get(scorer.id) ?? 1), id: `weight-${scorer.id}`, 'aria-label': `weight of ${scorer.id}` });
    const range = scorer.range ? ` ${scorer.range.min}–${scorer.range.max}` : '';
    return element('div', { class: 'reward-row' }, element('label', { for: `reward-${scorer.id}` }, checkbox, scorer.id, element('span', { class: 'hint' }, range)), weight);
  });
  page.rewards.replaceChildren(element('legend', {}, 'Rewards ', element('span', { class: 'hint' }, 'weight')), ...rows);
}

// ---- generating ----

function formValues(): GenerationFormValues | string {
  const prompt = page.prompt.value.trim();
  if (prompt === '') return 'Enter a prompt.';
  const budget = Number(page.budget.value);
  if (!Number.isInteger(budget) || budget < 1) return 'The budget is a whole number of images, at least 1.';
  const rewards = [...page.rewards.querySelectorAll<HTMLInputElement>('input[name="reward"]:checked')].map((checkbox) => ({
    model: checkbox.value,
    weight: Number(byId(`weight-${checkbox.value}`, HTMLInputElement).value),
  }));
  const seedText = page.seed.value.trim();
  const optimization = page.form.querySelector<HTMLInputElement>('input[name="optimization"]:checked')?.value ?? 'none';
  return {
    prompt,
    optimization: optimization as GenerationFormValues['optimization'],
    search: page.search.value as GenerationFormValues['search'],
    budget,
    rewards,
    aggregate: page.aggregate.value as GenerationFormValues['aggregate'],
    size: Number(page.size.value),
    steps: Number(page.steps.value),
    seed: seedText === '' ? undefined : Number(seedText),
    appUser: session.appUser,
  };
}

page.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const values = formValues();
  if (typeof values === 'string') {
    showFormError(values);
    return;
  }
  showFormError(null);
  const body = generationRequest(values);
  void runStream(new GenerationProgress(values.budget), (signal) => api.streamGeneration(body, signal));
});

page.stop.addEventListener('click', () => {
  const id = shown?.progress.id;
  if (!id) {
    shown?.controller.abort();
    return;
  }
  page.stop.disabled = true;
  // cancel through the API: the stream goes on to its `done` event with the cancelled record
  api.postJson(`/v1/generations/${id}/cancel`, {}).catch((error: unknown) => setStatus(describeError(error), true));
});

/** Shows a generation's events as they arrive, until `done`. */
async function runStream(progress: GenerationProgress, open: (signal: AbortSignal) => AsyncGenerator<GenerationEvent>): Promise<void> {
  shown?.controller.abort();
  const controller = new AbortController();
  const current: Shown = { progress, picked: null, controller, startedAt: Date.now() };
  shown = current;
  grid.clear();
  compare.hide();
  page.feedbackStatus.textContent = '';
  page.generate.disabled = true;
  page.stop.disabled = false;
  setStatus('Starting…', false);
  render(current);
  try {
    for await (const event of open(controller.signal)) {
      if (shown !== current) return;
      progress.apply(event);
      render(current);
    }
    if (progress.record) history.add(progress.record, 'start');
  } catch (error) {
    if (shown !== current || controller.signal.aborted) return;
    if (error instanceof ApiError && error.problem.invalid_params) showFormError(describeError(error));
    setStatus(describeError(error), true);
  } finally {
    if (shown === current) {
      page.generate.disabled = false;
      page.stop.disabled = true;
    }
  }
}

/** Opens a stored generation: its record, or its live events while it runs. */
async function openGeneration(id: string): Promise<void> {
  try {
    const record = await api.getJson<GenerationRecord>(`/v1/generations/${encodeURIComponent(id)}`);
    if (record.status === 'queued' || record.status === 'running') {
      await runStream(new GenerationProgress(record.request.search.budget), (signal) => api.followGeneration(id, signal));
      return;
    }
    shown?.controller.abort();
    const current: Shown = { progress: GenerationProgress.fromRecord(record), picked: null, controller: new AbortController(), startedAt: Date.now() };
    shown = current;
    grid.clear();
    page.feedbackStatus.textContent = '';
    page.prompt.value = record.prompt;
    render(current);
    page.results.focus();
  } catch (error) {
    setStatus(describeError(error), true);
  }
}

// ---- showing a generation ----

function render(current: Shown): void {
  const { progress } = current;
  page.results.dataset['generationId'] = progress.id ?? '';
  const candidates = progress.candidates;
  const best = progress.best;
  grid.render(candidates, best?.id ?? null, current.picked);
  const completed = progress.completed;
  page.progress.hidden = progress.finished;
  page.progress.max = Math.max(progress.budget, 1);
  page.progress.value = Math.min(completed, progress.budget);
  page.progress.textContent = `${completed} of ${progress.budget}`;
  const bestText = best ? ` · best ${best.id} (reward ${best.reward === null ? '—' : formatReward(best.reward)})` : '';
  const record = progress.record;
  if (!record) {
    setStatus(progress.id ? `Generating · ${completed} of ${progress.budget} images${bestText}` : 'Starting…', false);
  } else if (record.status === 'succeeded') {
    const seconds = ((record.usage?.ms['total'] ?? 0) / 1000).toFixed(1);
    setStatus(`Done in ${seconds} s · ${record.candidates.length} images${bestText}${record.truncated ? ` · stopped early (${record.stop_reason ?? 'truncated'})` : ''} · pick the one you prefer`, false);
  } else {
    setStatus(`${record.status}${record.error ? `: ${record.error.message}` : ''}${bestText}`, record.status === 'failed');
  }
  if (progress.problem && !record) setStatus(progress.problem.detail, true);
  page.finalPrompt.hidden = !record?.final_prompt || record.final_prompt === record.prompt;
  page.finalPrompt.textContent = record?.final_prompt ? `Final prompt: ${record.final_prompt}` : '';
  page.warnings.hidden = !record || record.warnings.length === 0;
  page.warnings.replaceChildren(...(record?.warnings ?? []).map((warning) => element('li', {}, warning)));
  renderTrace(progress);
  if (record && record.status !== 'queued' && record.status !== 'running') compare.show(record.candidates);
}

function renderTrace(progress: GenerationProgress): void {
  const candidates = progress.candidates.filter((candidate) => candidate.status !== 'pending');
  page.trace.hidden = candidates.length === 0;
  if (candidates.length === 0) return;
  const best = progress.best;
  const model = traceChartModel(candidates, best?.id ?? null, progress.budget);
  const description = `Rewards of ${candidates.length} candidates${best?.reward !== undefined && best.reward !== null ? `; best ${best.id} at ${formatReward(best.reward)}` : ''}.`;
  page.chart.innerHTML = traceChartSvg(model, description);
  const promptRewards = new Map<string, number>();
  for (const entry of progress.record?.trace ?? []) for (const prompt of entry.prompts ?? []) if (prompt.reward !== null) promptRewards.set(prompt.prompt, prompt.reward);
  page.rounds.replaceChildren(
    ...progress.prompts.map((prompt) => {
      const reward = promptRewards.get(prompt.prompt);
      const chosen = progress.record?.final_prompt === prompt.prompt;
      return element(
        'li',
        {},
        element('span', { class: 'source' }, `round ${prompt.round} · ${prompt.source === 'user' ? 'your prompt' : prompt.source}: `),
        prompt.prompt,
        reward === undefined ? '' : ` — reward ${formatReward(reward)}`,
        chosen ? element('span', { class: 'chosen' }, ' ★ chosen') : '',
      );
    }),
  );
}

// ---- feedback ----

page.consent.checked = session.consent;
page.appUser.textContent = session.appUser;
page.consent.addEventListener('change', () => {
  session.consent = page.consent.checked;
  setFeedbackStatus(page.consent.checked ? 'Consent on: your picks and comparisons are sent.' : 'Consent off: nothing about your picks is sent.', false);
});

byId('erase', HTMLButtonElement).addEventListener('click', () => {
  const appUser = session.appUser;
  api.postJson('/v1/erasures', { app_user: appUser }).then(
    () => {
      page.appUser.textContent = session.renewAppUser();
      setFeedbackStatus(`Erasure requested for ${appUser}: no later harvest includes its feedback or generations. You now have a new id.`, false);
    },
    (error: unknown) => setFeedbackStatus(describeError(error), true),
  );
});

async function pick(candidateId: string): Promise<void> {
  const current = shown;
  if (!current) return;
  current.picked = candidateId;
  render(current);
  grid.focus(candidateId);
  const generationId = current.progress.id;
  if (!generationId) return;
  if (!session.consent) {
    setFeedbackStatus(`You picked ${candidateId}. Not sent: consent is off (turn on “Share my picks for training” to send it).`, false);
    return;
  }
  await sendFeedback(pickEvents(feedbackSource(), generationId, candidateId, grid.shownIds()), `Sent: you picked ${candidateId}`);
}

async function sendCompare(pair: readonly [string, string], choice: string): Promise<void> {
  const generationId = shown?.progress.id;
  if (!generationId) return;
  const verdict = choice === 'tie' ? `${pair[0]} and ${pair[1]} tie` : `${choice} over ${choice === pair[0] ? pair[1] : pair[0]}`;
  if (!session.consent) {
    setFeedbackStatus(`You judged ${verdict}. Not sent: consent is off.`, false);
    return;
  }
  await sendFeedback([compareEvent(feedbackSource(), generationId, [pair[0], pair[1]], choice)], `Sent: ${verdict}`);
}

async function sendFeedback(events: FeedbackEventBody[], done: string): Promise<void> {
  try {
    const answer = await api.postJson<{ event_ids?: string[] }>('/v1/feedback', { events });
    setFeedbackStatus(`${done} (${answer.event_ids?.length ?? events.length} event${events.length === 1 ? '' : 's'} stored).`, false);
  } catch (error) {
    setFeedbackStatus(`Not stored: ${describeError(error)}`, true);
  }
}

function feedbackSource(): { appUser: string; sessionId: string } {
  return { appUser: session.appUser, sessionId: session.sessionId };
}

// ---- messages ----

function describeError(error: unknown): string {
  if (error instanceof ServerUnreachableError) return 'The server does not answer. Is it running? Start it with `npx diffalign serve`.';
  if (error instanceof ApiError) {
    if (error.status === 401) {
      page.keyPanel.open = true;
      return `${error.problem.detail} Enter an API key under “API key”.`;
    }
    // the fields, when the problem names them (its detail lists the same), else the detail
    const fields = (error.problem.invalid_params ?? []).map((param) => `${param.name}: ${param.reason}`);
    return fields.length > 0 ? fields.join('\n') : error.problem.detail;
  }
  return error instanceof Error ? error.message : String(error);
}

function setStatus(text: string, problem: boolean): void {
  page.runStatus.textContent = text;
  page.runStatus.classList.toggle('problem', problem);
}

function setFeedbackStatus(text: string, problem: boolean): void {
  page.feedbackStatus.textContent = text;
  page.feedbackStatus.classList.toggle('problem', problem);
}

function showFormError(text: string | null): void {
  page.formError.hidden = text === null;
  page.formError.textContent = text ?? '';
}

void connect();
