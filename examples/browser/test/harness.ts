// What the browser test needs around the page: the built page served on a free local port, and
// Debian's Chromium driven by playwright-core. Both are started here and stopped by the caller.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { type BrowserContext, chromium } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';

/** Where Debian's chromium package puts the browser (`apt-get install chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Builds the page in `root` with its vite.config.ts into `root`/dist. */
export async function buildPage(root: string): Promise<void> {
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}

/** Serves the built page (`vite preview`) on 127.0.0.1 at a port the system picks. */
export async function servePage(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: PreviewServer = await preview({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
  });
  const { port } = server.httpServer.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}

/**
 * Launches headless Chromium with a new, empty profile that accepts downloads. `close` ends the
 * browser and deletes the profile.
 */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with apt-get install chromium (.ci/run does)`);
  const profile = mkdtempSync(join(tmpdir(), 'torchlet-chromium-'));
  // Retries, because Chromium may still be flushing files into the profile as it exits.
  const removeProfile = () => rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      acceptDownloads: true,
      viewport: { width: 1280, height: 1000 },
      timeout: 60_000,
    });
    return {
      context,
      close: async () => {
        await context.close().catch(() => undefined);
        removeProfile();
      },
    };
  } catch (error) {
    removeProfile();
    throw error;
  }
}
