// Debian's chromium driven by playwright-core, headless, with the flags that keep it quiet and offline.
import { chromium, type Browser, type Page } from 'playwright-core';
import { onCleanup } from './cleanup';
import { chromiumBin } from './paths';

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export interface BrowserSession {
  browser: Browser;
  page: Page;
  /** Requests the page tried to send anywhere but 127.0.0.1; they were blocked. Should stay empty. */
  outsideRequests: string[];
  close(): Promise<void>;
}

export async function openBrowser(viewport = { width: 1400, height: 900 }): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: chromiumBin,
    headless: true,
    args: chromiumArgs,
    timeout: 60_000,
  });
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    unregister();
    await browser.close().catch(() => undefined);
  };
  const unregister = onCleanup(close);
  const context = await browser.newContext({ viewport });
  // tsx compiles our functions with esbuild's keepNames, which wraps them in __name(...); functions handed to
  // page.evaluate run in the page, where that helper must exist too.
  await context.addInitScript('globalThis.__name = globalThis.__name || ((target) => target);');
  // Nothing may leave the machine: block and record whatever the workbench tries to fetch from elsewhere.
  const outsideRequests: string[] = [];
  await context.route(
    (url) =>
      (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:' || url.protocol === 'wss:') &&
      url.hostname !== '127.0.0.1',
    (route) => {
      outsideRequests.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return { browser, page, outsideRequests, close };
}
