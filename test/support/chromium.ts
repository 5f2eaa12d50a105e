import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium (package `chromium`). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Makes sure Debian's Chromium is installed: when it is missing and this process is root, installs it with
 * apt-get (as .ci/run does); otherwise fails saying how to install it. Playwright's own browser download
 * cannot work here (no CDN), so playwright-core drives the Debian build.
 */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  if (process.getuid?.() !== 0) throw new Error(`${CHROMIUM_PATH} is missing: install Debian's Chromium (sudo apt-get install -y chromium)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'chromium']]) {
    const result = spawnSync('apt-get', args, { env, encoding: 'utf8', timeout: 15 * 60_000 });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium, but ${CHROMIUM_PATH} is still missing`);
}

/** A headless Chromium and how to close it (the fresh profile directory is removed). */
export interface LaunchedChromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Headless Chromium in a fresh profile, with the flags this machine needs: no sandbox (root), no GPU, and no
 * background networking or component updates (the network is closed, and Chromium's own connections fail).
 */
export async function launchChromium(viewport = { width: 1400, height: 1000 }): Promise<LaunchedChromium> {
  ensureChromium();
  const profile = await mkdtemp(join(tmpdir(), 'diffalign-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    viewport,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
