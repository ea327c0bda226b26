import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const ROOT = resolve(__dirname, '../../../..');
/** Screenshots of the console tests, kept as test artifacts. */
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'console');

/**
 * The Chromium the browser tests drive: `OCS_CHROMIUM`, else Debian's `chromium` (deploy/local/chromium.sh installs
 * it; deploy/local/with-services.sh does so before the tests). Undefined when there is none, which skips the tests,
 * unless OCS_REQUIRE_SERVICES (or CI) asks for every test to run: then a missing browser fails them.
 */
export function chromiumPath(): string | undefined {
  const found = [process.env.OCS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));
  if (!found && (process.env.CI || process.env.OCS_REQUIRE_SERVICES)) {
    throw new Error('the web console tests need Chromium: run deploy/local/chromium.sh (or set OCS_CHROMIUM to a browser binary)');
  }
  return found;
}

/**
 * Builds the console into dist/console (the product serves it from there), with the build step `npm run build` runs
 * (apps/console/build.ts, loaded by path: apps are not imported), and starts a headless browser.
 */
export async function launchBrowser(executablePath: string): Promise<Browser> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildConsole } = require(join(ROOT, 'apps', 'console', 'build.ts')) as { buildConsole(root: string): string };
  buildConsole(ROOT);
  mkdirSync(ARTIFACTS, { recursive: true });
  return puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A page in a browser context of its own (its own sessionStorage and network conditions). */
export async function newPage(browser: Browser, viewport = { width: 1100, height: 800 }): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport(viewport);
  page.setDefaultTimeout(15_000);
  // What goes wrong in the page shows in the test's output.
  page.on('pageerror', (error) => process.stderr.write(`[page error] ${String(error)}\n`));
  page.on('console', (message) => {
    if (message.type() === 'error') process.stderr.write(`[page console] ${message.text()}\n`);
  });
  return page;
}

/** The texts of the entries of a transcript (`root`: the widget, or a desktop's chat card). */
export function entries(page: Page, root = '.ocs-widget'): Promise<string[]> {
  return page.$$eval(`${root} .ocs-transcript > li`, (items) => items.map((li) => li.textContent ?? ''));
}

/** Waits until an entry of the transcript under `root` contains `text`. */
export async function waitForEntry(page: Page, text: string, root = '.ocs-widget'): Promise<void> {
  const selector = JSON.stringify(`${root} .ocs-transcript > li`);
  await page.waitForFunction(`[...document.querySelectorAll(${selector})].some((li) => li.textContent.includes(${JSON.stringify(text)}))`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) as `${string}.png`, fullPage: true });
}

/** Puts `file` in the file input `selector` (which sends it, as a person choosing it would). */
export async function upload(page: Page, selector: string, file: string): Promise<void> {
  const input = await page.$(selector);
  if (!input) throw new Error(`no file input ${selector}`);
  await (input as unknown as { uploadFile(...paths: string[]): Promise<void> }).uploadFile(file);
}
