import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../src/adapters/storage/fs-blob-store.js';
import { ApiKeyStore } from '../../src/api/auth/api-key-store.js';
import type { GenerationRecord } from '../../src/api/schemas/generation-record.js';
import { launchChromium, type LaunchedChromium } from '../support/chromium.js';
import { runCliInProcess } from '../support/cli-run.js';
import { storedFeedback } from '../support/stored-feedback.js';
import { freePort, type RunningServer, startServer } from '../support/spawn-server.js';

const SCREENSHOT = fileURLToPath(new URL('../../test-output/playground.png', import.meta.url));
const PROMPT = 'a photo of a red apple and a blue car';
const BUDGET = 6;

/** What the grid showed each time it changed, noted by the page itself while the stream ran. */
async function watchGrid(page: Page): Promise<void> {
  await page.evaluate(() => {
    const notes: { cards: number; best: number; status: string }[] = [];
    (window as unknown as { gridNotes: typeof notes }).gridNotes = notes;
    new MutationObserver(() => {
      notes.push({
        cards: document.querySelectorAll('#grid .card').length,
        best: document.querySelectorAll('#grid .card.best').length,
        status: document.querySelector('#run-status')?.textContent ?? '',
      });
    }).observe(document.querySelector('#grid')!, { childList: true, subtree: true, attributes: true });
  });
}

describe('playground (Debian Chromium against a real server process, reference backend, fs storage)', () => {
  let temp: string;
  let dataDir: string;
  let server: RunningServer;
  let browser: LaunchedChromium;

  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'diffalign-playground-'));
    dataDir = join(temp, 'data');
    [server, browser] = await Promise.all([
      startServer({ DIFFALIGN_DATA_DIR: dataDir, DIFFALIGN_PORT: String(await freePort()), DIFFALIGN_AUTH_CACHE_SECONDS: '0', DIFFALIGN_LOG_LEVEL: 'warn' }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await rm(temp, { recursive: true, force: true });
  });

  it('generates with live candidates and the best marked, sends a pick and a comparison only with consent, and the harvest finds them', async () => {
    // Prepare
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${server.baseUrl}/`);
    await page.locator('#reward-geneval').waitFor();
    await page.getByLabel('Prompt', { exact: true }).fill(PROMPT);
    await page.getByLabel('Search').selectOption('zero_order');
    await page.getByLabel('Budget').fill(String(BUDGET));
    await page.locator('#reward-aesthetic').check();
    await watchGrid(page);

    // Act: generate
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByText(/^Done in/).waitFor({ timeout: 60_000 });
    const generationId = await page.locator('#results').getAttribute('data-generation-id');
    const record = (await (await fetch(`${server.baseUrl}/v1/generations/${generationId}`)).json()) as GenerationRecord;
    const notes = await page.evaluate(() => (window as unknown as { gridNotes: { cards: number; best: number; status: string }[] }).gridNotes);

    // Assess: candidates arrived while it ran, each with its scores and prompt; the record's best is marked
    expect(notes.some((note) => note.cards > 0 && note.cards < BUDGET && note.status.startsWith('Generating'))).toBe(true);
    expect(notes.some((note) => note.best === 1 && note.status.startsWith('Generating'))).toBe(true);
    const cards = page.locator('#grid .card');
    await expect.poll(() => cards.count()).toBe(record.candidates.length);
    expect(record.candidates).toHaveLength(BUDGET);
    await expect.poll(() => page.locator('#grid .card.best').getAttribute('data-candidate')).toBe(record.best!.id);
    for (const candidate of record.candidates) {
      const card = page.locator(`#grid .card[data-candidate="${candidate.id}"]`);
      await expect.poll(() => card.locator('.scores dt').allTextContents()).toEqual(['aesthetic', 'geneval']);
      expect(await card.locator('.card-prompt').textContent()).toBe(candidate.prompt);
      await expect.poll(() => card.locator('img').getAttribute('src')).toMatch(/^blob:/);
    }
    await expect.poll(() => page.locator('#chart svg .point').count()).toBe(BUDGET);
    expect(await page.locator('#chart svg .point.best').getAttribute('data-candidate')).toBe(record.best!.id);

    // Act: a pick with consent off sends nothing
    const other = record.candidates.find((candidate) => candidate.id !== record.best!.id && candidate.url)!;
    const [left, right] = record.candidates.filter((candidate) => candidate.id !== other.id).map((candidate) => candidate.id);
    await page.locator(`#grid .card[data-candidate="${other.id}"] button.pick`).focus();
    await page.keyboard.press('Enter');
    await page.getByText(`You picked ${other.id}. Not sent: consent is off`).waitFor();
    const beforeConsent = await storedFeedback(dataDir);

    // Act: consent on, pick with the keyboard (Space), compare two (one wins, then a tie)
    await page.getByRole('switch', { name: 'Share my picks for training' }).check();
    await page.locator(`#grid .card[data-candidate="${other.id}"] button.pick`).focus();
    await page.keyboard.press('Space');
    await page.getByText(`Sent: you picked ${other.id}`).waitFor();
    expect(await page.locator(`#grid .card[data-candidate="${other.id}"] button.pick`).getAttribute('aria-pressed')).toBe('true');
    await page.getByLabel('Left', { exact: true }).selectOption(left);
    await page.getByLabel('Right', { exact: true }).selectOption(right);
    await page.getByRole('button', { name: 'Right is better →' }).click();
    await page.getByText(`Sent: ${right} over ${left}`).waitFor();
    await page.getByRole('button', { name: '↓ Tie' }).focus();
    await page.keyboard.press('ArrowDown');
    await page.getByText(`Sent: ${left} and ${right} tie`).waitFor();
    await mkdir(join(SCREENSHOT, '..'), { recursive: true });
    await page.locator('#grid').scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Assess: stored as the page said
    const stored = await storedFeedback(dataDir);
    expect(beforeConsent).toEqual([]);
    const select = stored.filter((event) => event.type === 'select');
    const compares = stored.filter((event) => event.type === 'compare');
    expect(select).toMatchObject([{ generation_id: generationId, candidate_id: other.id, consent: true }]);
    expect(compares.map((event) => [event.candidate_ids, event.choice])).toEqual([
      [[left, right], right],
      [[left, right], 'tie'],
    ]);
    expect(stored.filter((event) => event.type === 'impression').map((event) => event.candidate_id).sort()).toEqual(
      record.candidates.filter((candidate) => candidate.id !== other.id).map((candidate) => candidate.id).sort(),
    );
    expect(new Set(stored.map((event) => event.app_user)).size).toBe(1);

    // Act: harvest the server's data dir
    const out = join(temp, 'harvest');
    const harvest = await runCliInProcess(['harvest', '--out', out, '--no-ai-feedback', '--json'], { DIFFALIGN_DATA_DIR: dataDir });
    // Assess: the pick is a preference over every other image shown, the comparison one more pair (the tie dropped)
    expect(harvest.code, harvest.stderr).toBe(0);
    const summary = JSON.parse(harvest.stdout) as { manifest: { counts: { preferences: { by_signal: Record<string, number>; ties_dropped: number } } } };
    expect(summary.manifest.counts.preferences.by_signal).toMatchObject({ select: BUDGET - 1, compare: 1 });
    expect(summary.manifest.counts.preferences.ties_dropped).toBe(1);
    const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(join(out, 'preferences.parquet')) })) as Record<string, unknown>[];
    const picked = rows.filter((row) => row['signal'] === 'select');
    expect(picked).toHaveLength(BUDGET - 1);
    for (const row of picked) expect(row['best_image_uid']).toBe(row[row['candidate_id_0'] === other.id ? 'image_0_uid' : 'image_1_uid']);
    expect(picked.every((row) => row['candidate_id_0'] === other.id || row['candidate_id_1'] === other.id)).toBe(true);
    const compared = rows.filter((row) => row['signal'] === 'compare');
    expect(compared.map((row) => [row['candidate_id_0'], row['candidate_id_1'], row['label_0'], row['label_1']])).toEqual([[left, right, 0, 1]]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('lists the history from GET /v1/generations, newest first, and opens an earlier generation from it', async () => {
    // Prepare: a second generation, then a fresh page that reads the history from the listing endpoint
    const page = await browser.context.newPage();
    await page.goto(`${server.baseUrl}/`);
    await page.getByLabel('Prompt', { exact: true }).fill('a photo of two cats');
    await page.getByLabel('Budget').fill('2');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByText(/^Done in/).waitFor({ timeout: 60_000 });
    const latest = await page.locator('#results').getAttribute('data-generation-id');
    await page.reload();
    const items = page.locator('#history-list li');
    await expect.poll(() => items.count()).toBe(2);
    const listed = await items.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-generation')));
    const earlier = listed[1]!;

    // Act
    await items.nth(1).getByRole('button').click();

    // Assess
    expect(listed[0]).toBe(latest);
    await expect.poll(() => page.locator('#results').getAttribute('data-generation-id')).toBe(earlier);
    await expect.poll(() => page.locator('#grid .card').count()).toBe(BUDGET);
    await page.getByText(/^Done in/).waitFor();
    expect(await page.getByLabel('Prompt', { exact: true }).inputValue()).toBe(PROMPT);
    expect(await items.nth(1).textContent()).toContain(PROMPT);
    await page.close();
  });

  it('asks for an API key once auth is on, keeps it for the tab, and sends it as Bearer (images too)', async () => {
    // Prepare: a key switches auth on in the running server
    const { key } = await new ApiKeyStore(new FsBlobStore(dataDir), { cacheTtlMs: 0 }).create({ tenant: 'pg' });
    const page = await browser.context.newPage();
    const authorizations = new Set<string>();
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/v1/')) authorizations.add(request.headers()['authorization'] ?? '(none)');
    });

    // Act
    await page.goto(`${server.baseUrl}/`);
    await page.getByText('This server needs an API key').waitFor();
    await page.getByLabel('API key of this server').fill(key);
    await page.getByRole('button', { name: 'Use key' }).click();
    await page.getByText(/Connected .* using your API key/).waitFor();
    authorizations.clear();
    await page.getByLabel('Budget').fill('2');
    await page.getByRole('button', { name: 'Generate' }).click();
    await page.getByText(/^Done in/).waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator('#grid .card img').first().getAttribute('src')).toMatch(/^blob:/);
    await page.reload();
    await page.getByText(/Connected .* using your API key/).waitFor();

    // Assess
    expect([...authorizations]).toEqual([`Bearer ${key}`]);
    expect(await page.evaluate(() => sessionStorage.getItem('diffalign.apiKey'))).toBe(key);
    await page.close();
  });
});
