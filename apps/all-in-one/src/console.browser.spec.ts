import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { CuttableProxy, GmsRestClient } from '@ocs/testing';
import { chromiumPath, entries, launchBrowser, newPage, screenshot, upload, waitForEntry } from './test/browser';

// The page's globals, as the functions evaluated in the page use them (this program has no DOM types).
declare const document: {
  activeElement: { id: string; tagName: string; className: string; textContent: string | null } | null;
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }> & Iterable<{ textContent: string | null }>;
  documentElement: { scrollWidth: number };
};
declare const window: { innerWidth: number };
import { AGENT_TOKEN, TestRouter, startTestProduct, type TestProduct } from './test/product';

const chromium = chromiumPath();
const describeInBrowser = chromium ? describe : describe.skip;
const suite = chromium ? 'the web console in Chromium' : 'the web console in Chromium (skipped: no Chromium; deploy/local/chromium.sh installs it)';

describeInBrowser(suite, () => {
  jest.setTimeout(90_000);
  let product: TestProduct;
  let router: TestRouter;
  let browser: Browser;
  const pages: Page[] = [];

  beforeAll(async () => {
    browser = await launchBrowser(chromium as string);
    product = await startTestProduct({ 'OCS__server__cometd-timeout': '2' });
    router = new TestRouter(product.esp);
  });

  afterEach(async () => {
    for (const page of pages.splice(0)) await page.browserContext().close();
  });

  afterAll(async () => {
    await browser?.close();
    await product?.embedded.close();
  });

  async function page(viewport?: { width: number; height: number; isMobile?: boolean }): Promise<Page> {
    const p = await newPage(browser, viewport);
    pages.push(p);
    return p;
  }

  /** A customer in the widget with a chat requested; answers the page and the chat's session id. */
  async function customer(nickname = 'Carol'): Promise<{ page: Page; sessionId: string }> {
    const p = await page();
    await p.goto(`${product.gateway}/console/`);
    await p.type('#ocs-name', nickname);
    await p.type('#ocs-subject', 'billing');
    await p.click('.ocs-start button[type=submit]');
    await p.waitForSelector('.ocs-link[data-state=live]');
    const kept = await p.evaluate(() => sessionStorage.getItem('ocs-console-chat'));
    return { page: p, sessionId: (JSON.parse(kept as string) as { chatId: string }).chatId };
  }

  /** The desktop signed in, with the chat of `sessionId` open (`join`: the join routing handed over). */
  async function desktop(
    nickname: string,
    userType: 'AGENT' | 'SUPERVISOR',
    sessionId: string,
    join?: Record<string, unknown>,
    base = product.gateway,
  ): Promise<Page> {
    const p = await page();
    await p.goto(`${base}/console/agent`);
    await p.type('#ocs-token', AGENT_TOKEN);
    await p.type('#ocs-nickname', nickname);
    await p.select('#ocs-user-type', userType);
    await p.click('.ocs-signin button[type=submit]');
    await p.waitForSelector('#ocs-session');
    await p.type('#ocs-session', sessionId);
    const password = (join?.userData as Record<string, string> | undefined)?.GCTI_Chat_SessionPassword;
    if (password) await p.type('#ocs-password', password);
    if (userType === 'SUPERVISOR') await p.select('#ocs-join-visibility', 'VIP');
    await p.click('.ocs-open button[type=submit]');
    await p.waitForSelector(`.ocs-card[data-session="${sessionId}"]`);
    return p;
  }

  const card = (sessionId: string) => `.ocs-card[data-session="${sessionId}"]`;
  const text = (p: Page, selector: string) => p.$eval(selector, (e) => e.textContent ?? '');

  it('a customer in the widget and an agent in the desktop chat both ways, with typing, read receipts and files', async () => {
    const { page: carol, sessionId } = await customer();
    const bob = await desktop('Bob', 'AGENT', sessionId, await router.join(sessionId));
    await waitForEntry(carol, 'Bob joined the chat');

    await carol.type('#ocs-message', 'Hello, my invoice is wrong');
    await bob.waitForFunction((s: string) => document.querySelector(`${s} .ocs-typing`)?.textContent === 'Carol is typing…', {}, card(sessionId));
    await carol.keyboard.press('Enter');
    await waitForEntry(bob, 'Hello, my invoice is wrong', card(sessionId));
    expect(await text(bob, `${card(sessionId)} .ocs-typing`)).toBe('');

    await bob.type(`${card(sessionId)} textarea`, 'Let me check that');
    await carol.waitForFunction(() => document.querySelector('.ocs-typing')?.textContent === 'Bob is typing…');
    await bob.keyboard.press('Enter');
    await waitForEntry(carol, 'Let me check that');

    // Each side confirms what it read; the other shows its own message as read.
    await carol.waitForSelector('.ocs-own .ocs-read');
    await bob.waitForSelector(`${card(sessionId)} .ocs-own .ocs-read`);

    const file = join(tmpdir(), 'receipt.txt');
    writeFileSync(file, 'paid 42 EUR');
    await upload(carol, '#ocs-file', file);
    await waitForEntry(bob, 'Download receipt.txt', card(sessionId));
    await upload(bob, `${card(sessionId)} input[type=file]`, file);
    await carol.waitForFunction(() => document.querySelectorAll('.ocs-transcript > li button').length === 2);
    expect((await entries(carol)).filter((e) => e.includes('Download receipt.txt (11 B)'))).toHaveLength(2);

    await screenshot(carol, 'widget');
    await screenshot(bob, 'agent-desktop');

    // A reload finds the chat again: the same transcript, nothing twice.
    const before = await entries(carol);
    await carol.reload();
    await carol.waitForSelector('.ocs-link[data-state=live]');
    await waitForEntry(carol, 'Let me check that');
    await carol.waitForFunction((n: number) => document.querySelectorAll('.ocs-transcript > li').length >= n, {}, before.length);
    expect(await entries(carol)).toEqual(before);

    await bob.select(`${card(sessionId)} select`, 'FORCE_CLOSE');
    await bob.click(`${card(sessionId)} details summary`);
    await bob.click(`${card(sessionId)} .ocs-inline:last-of-type button`);
    await carol.waitForSelector('.ocs-link[data-state=ended]');
  });

  it('a network drop of the customer resumes by transcript position, with no gap and no duplicate', async () => {
    const { page: carol, sessionId } = await customer('Dana');
    const join = await router.join(sessionId);
    const bob = await desktop('Bob', 'AGENT', sessionId, join);
    await waitForEntry(carol, 'Bob joined the chat');

    await carol.setOfflineMode(true);
    await carol.waitForSelector('.ocs-link[data-state=offline]');
    for (const t of ['one while away', 'two while away', 'three while away']) {
      await bob.type(`${card(sessionId)} textarea`, t);
      await bob.keyboard.press('Enter');
      await waitForEntry(bob, t, card(sessionId));
    }
    await carol.setOfflineMode(false);
    await waitForEntry(carol, 'three while away');
    await carol.waitForSelector('.ocs-link[data-state=live]');

    const shown = await carol.$$eval('.ocs-transcript > li', (items) => items.map((li) => Number(li.getAttribute('data-index'))));
    const kept = JSON.parse((await carol.evaluate(() => sessionStorage.getItem('ocs-console-chat'))) as string) as Record<string, string>;
    const all = await GmsRestClient.post(`${product.gateway}/genesys/2/chat/customer-support/${sessionId}/refresh`, {
      userId: kept.userId,
      secureKey: kept.secureKey,
      alias: kept.alias,
    });
    const receipt = (m: { type: string; text?: string }) => ['TypingStarted', 'TypingStopped', 'Notice'].includes(m.type) || m.text === 'read-confirm';
    const expected = all.body.messages.filter((m) => !receipt(m)).map((m) => m.index);
    expect(shown).toEqual(expected);
    expect((await entries(carol)).filter((e) => e.includes('while away'))).toHaveLength(3);
  });

  it('a network drop of the desktop reconnects and joins its chat again, each entry shown once', async () => {
    const { page: carol, sessionId } = await customer('Gus');
    const target = new URL(product.gateway);
    const proxy = new CuttableProxy({ host: target.hostname, port: Number(target.port) });
    await proxy.start();
    const bob = await desktop('Bob', 'AGENT', sessionId, await router.join(sessionId), `http://127.0.0.1:${proxy.port}`);
    await carol.type('#ocs-message', 'before the drop');
    await carol.keyboard.press('Enter');
    await waitForEntry(bob, 'before the drop', card(sessionId));

    // The network between the desktop and the server goes away (every connection cut, new ones refused), then back.
    await proxy.cut();
    await bob.waitForSelector('.ocs-bar .ocs-link[data-state=offline]');
    await proxy.restore();
    await bob.waitForSelector('.ocs-bar .ocs-link[data-state=live]');
    await waitForEntry(carol, 'Bob left the chat');
    await carol.waitForFunction(
      () => [...document.querySelectorAll('.ocs-transcript > li')].filter((li) => li.textContent?.includes('Bob joined')).length === 2,
    );

    await carol.type('#ocs-message', 'after the drop');
    await carol.keyboard.press('Enter');
    await waitForEntry(bob, 'after the drop', card(sessionId));
    const positions = await bob.$$eval(`${card(sessionId)} .ocs-transcript > li`, (items) => items.map((li) => Number(li.getAttribute('data-position'))));
    expect(new Set(positions).size).toBe(positions.length);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect((await entries(bob, card(sessionId))).filter((e) => e.includes('before the drop'))).toHaveLength(1);
    await proxy.cut();
  });

  it('a supervisor monitors, coaches, barges in and goes back, and each party sees what its visibility allows', async () => {
    const { page: carol, sessionId } = await customer('Erin');
    const bob = await desktop('Bob', 'AGENT', sessionId, await router.join(sessionId));
    const sue = await desktop('Sue', 'SUPERVISOR', sessionId);
    await waitForEntry(sue, 'Bob joined', card(sessionId));
    expect(await text(sue, `${card(sessionId)} .ocs-parties`)).toContain('Erin (client)');
    expect(await sue.$eval(`${card(sessionId)} [data-visibility=VIP]`, (b) => b.getAttribute('aria-pressed'))).toBe('true');

    const say = async (t: string) => {
      await sue.type(`${card(sessionId)} textarea`, t);
      await sue.keyboard.press('Enter');
      await waitForEntry(sue, t, card(sessionId));
    };
    await say('only supervisors read this');
    await sue.click(`${card(sessionId)} [data-visibility=INT]`);
    await waitForEntry(bob, 'Sue is coaching', card(sessionId));
    await say('offer a refund');
    await waitForEntry(bob, 'offer a refund', card(sessionId));
    await sue.click(`${card(sessionId)} [data-visibility=ALL]`);
    await waitForEntry(carol, 'Sue joined the conversation');
    await say('I am the supervisor, we will refund you');
    await waitForEntry(carol, 'we will refund you');
    await screenshot(sue, 'supervisor-desktop');
    await sue.click(`${card(sessionId)} [data-visibility=VIP]`);
    await waitForEntry(carol, 'Sue left the conversation');
    await say('back to watching');

    await waitForEntry(bob, 'Sue left the conversation', card(sessionId));
    const agentSees = (await entries(bob, card(sessionId))).join('\n');
    expect(agentSees).toContain('offer a refund');
    expect(agentSees).not.toContain('only supervisors read this');
    expect(agentSees).not.toContain('back to watching');
    const customerSees = (await entries(carol)).join('\n');
    expect(customerSees).toContain('we will refund you');
    for (const hidden of ['only supervisors', 'offer a refund', 'coaching', 'back to watching']) expect(customerSees).not.toContain(hidden);
  });

  it('the widget is used with the keyboard alone', async () => {
    const p = await page();
    await p.goto(`${product.gateway}/console/`);
    await p.waitForSelector('#ocs-name');
    const focused = () => p.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
    await p.keyboard.press('Tab');
    expect(await focused()).toBe('ocs-name');
    await p.keyboard.type('Kim');
    await p.keyboard.press('Tab');
    expect(await focused()).toBe('ocs-subject');
    await p.keyboard.type('returns');
    await p.keyboard.press('Enter');
    await p.waitForSelector('.ocs-link[data-state=live]');
    expect(await focused()).toBe('ocs-message');
    await p.keyboard.type('typed without a mouse');
    await p.keyboard.press('Enter');
    await waitForEntry(p, 'typed without a mouse');
    // Past Send and Attach file to End chat.
    for (let i = 0; i < 6 && (await p.evaluate(() => document.activeElement?.className)) !== 'ocs-end'; i++) await p.keyboard.press('Tab');
    expect(await p.evaluate(() => document.activeElement?.textContent)).toBe('End chat');
    await p.keyboard.press('Enter');
    await p.waitForSelector('.ocs-link[data-state=ended]');
    expect(await focused()).toBe('BUTTON');
  });

  it('the widget and the desktop fit a phone-sized screen', async () => {
    const phone = { width: 375, height: 667, isMobile: true };
    const p = await page(phone);
    await p.goto(`${product.gateway}/console/`);
    await p.waitForSelector('#ocs-name');
    const overflow = () => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await p.type('#ocs-name', 'Lee');
    await p.click('.ocs-start button[type=submit]');
    await p.waitForSelector('.ocs-link[data-state=live]');
    expect(await overflow()).toBeLessThanOrEqual(0);
    const send = await p.$eval('.ocs-compose button[type=submit]', (b) => {
      const r = b.getBoundingClientRect();
      return { right: r.right, height: r.height };
    });
    expect(send.right).toBeLessThanOrEqual(375);
    expect(send.height).toBeGreaterThanOrEqual(44);
    await screenshot(p, 'widget-phone');

    const d = await page(phone);
    await d.goto(`${product.gateway}/console/agent`);
    await d.waitForSelector('#ocs-token');
    expect(await d.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  });
});
