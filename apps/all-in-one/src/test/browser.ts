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

/** Requests a chat in the widget of `base` as `nickname`; answers the chat's session id once the chat is live. */
export async function requestChat(page: Page, base: string, nickname: string): Promise<string> {
  await page.goto(`${base}/console/`);
  // The widget mounts once its script loaded the rest.
  await page.waitForSelector('#ocs-name');
  await page.type('#ocs-name', nickname);
  await page.type('#ocs-subject', 'billing');
  await page.click('.ocs-start button[type=submit]');
  await page.waitForSelector('.ocs-link[data-state=live]');
  const kept = await page.evaluate(() => sessionStorage.getItem('ocs-console-chat'));
  return (JSON.parse(kept as string) as { chatId: string }).chatId;
}

/** Signs in to the desktop of `base` with the agent token as `nickname`. */
export async function signInDesktop(page: Page, base: string, token: string, nickname: string, userType: 'AGENT' | 'SUPERVISOR'): Promise<void> {
  await page.goto(`${base}/console/agent`);
  await page.type('#ocs-token', token);
  await page.type('#ocs-nickname', nickname);
  await page.select('#ocs-user-type', userType);
  await page.click('.ocs-signin button[type=submit]');
  await page.waitForSelector('#ocs-session');
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
