import type { Browser, Page } from 'puppeteer-core';
import { chromiumPath, entries, launchBrowser, newPage, requestChat, screenshot, signInDesktop, waitForEntry } from './test/browser';
import { AGENT_TOKEN, startTestProduct, type TestProduct } from './test/product';

// The page's globals, as the functions evaluated in the page use them (this program has no DOM types).
declare const document: {
  activeElement: { id: string; className: string } | null;
  querySelector(selector: string): { textContent: string | null } | null;
  documentElement: { scrollWidth: number };
};
declare const window: { innerWidth: number };

const chromium = chromiumPath();
const describeInBrowser = chromium ? describe : describe.skip;
const suite = chromium
  ? 'the desktop with the built-in routing, and the supervisor’s live sessions, in Chromium'
  : 'the desktop with the built-in routing in Chromium (skipped: no Chromium; deploy/local/chromium.sh installs it)';

describeInBrowser(suite, () => {
  jest.setTimeout(90_000);
  let product: TestProduct;
  let browser: Browser;
  const pages: Page[] = [];

  beforeAll(async () => {
    browser = await launchBrowser(chromium as string);
  });

  // A product of its own for each test: agents and chats of one test are not offered in the next.
  beforeEach(async () => {
    product = await startTestProduct({
      'OCS__server__cometd-timeout': '2',
      OCS__routing__mode: 'builtin',
      'OCS__routing__agent-grace-period': '1',
      'OCS__queue_chat_inbound__offer-timeout': '6',
      OCS__queue_pick_queue__strategy: 'manual',
    });
  });

  afterEach(async () => {
    for (const page of pages.splice(0)) await page.browserContext().close();
    await product?.embedded.close();
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function page(viewport?: { width: number; height: number; isMobile?: boolean }): Promise<Page> {
    const p = await newPage(browser, viewport);
    pages.push(p);
    return p;
  }

  async function customer(nickname: string): Promise<{ page: Page; sessionId: string }> {
    const p = await page();
    return { page: p, sessionId: await requestChat(p, product.gateway, nickname) };
  }

  /** An agent's desktop signed in to routing on `queues`, ready. */
  async function agent(nickname: string, queues = 'chat_inbound, pick_queue', viewport?: { width: number; height: number; isMobile?: boolean }): Promise<Page> {
    const p = await page(viewport);
    await signInDesktop(p, product.gateway, AGENT_TOKEN, nickname, 'AGENT');
    await p.$eval('#ocs-queues', (input) => ((input as unknown as { value: string }).value = ''));
    await p.type('#ocs-queues', queues);
    await p.click('.ocs-routing-signin button[type=submit]');
    await waitForText(p, '#ocs-presence', 'Not ready');
    // Signed in, the focus is on Ready: the keyboard goes on from there.
    expect(await p.evaluate(() => document.activeElement?.id)).toBe('ocs-ready');
    await p.keyboard.press('Enter');
    await waitForText(p, '#ocs-presence', 'Ready ·');
    return p;
  }

  async function waitForText(p: Page, selector: string, text: string): Promise<void> {
    await p.waitForFunction((s: string, t: string) => document.querySelector(s)?.textContent?.includes(t) ?? false, {}, selector, text);
  }

  const open = '.ocs-offer:not(.ocs-offer-ended)';
  const card = (sessionId: string) => `.ocs-card[data-session="${sessionId}"]`;

  async function say(p: Page, root: string, text: string, textarea = `${root} textarea`): Promise<void> {
    await p.type(textarea, text);
    await p.keyboard.press('Enter');
    await waitForEntry(p, text, root);
  }

  it('an agent goes ready, is offered the chat a customer requests, accepts it and they chat', async () => {
    const ann = await agent('ann');
    expect(await ann.$eval('#ocs-ready', (b) => b.getAttribute('aria-pressed'))).toBe('true');
    const { page: carol, sessionId } = await customer('Carol');

    await ann.waitForSelector(`${open} .ocs-accept`);
    expect(await ann.$eval(open, (li) => li.textContent ?? '')).toMatch(/New chat · chat_inbound.*s left to answer/);
    await screenshot(ann, 'agent-offer');
    await ann.click(`${open} .ocs-accept`);
    await ann.waitForSelector(card(sessionId));
    await waitForEntry(carol, 'ann joined the chat');
    expect(await ann.$$(open)).toHaveLength(0);

    await carol.type('#ocs-message', 'Hello from the widget');
    await carol.keyboard.press('Enter');
    await waitForEntry(ann, 'Hello from the widget', card(sessionId));
    await say(ann, card(sessionId), 'Hello Carol, ann here');
    await waitForEntry(carol, 'Hello Carol, ann here');

    // Not ready with a reason: the presence says so and no offer comes.
    await ann.select('#ocs-not-ready-reason', 'Lunch');
    await ann.click('#ocs-not-ready');
    await waitForText(ann, '#ocs-presence', 'Not ready (Lunch)');
    await customer('Dave');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await ann.$$(open)).toHaveLength(0);
    await screenshot(ann, 'agent-routing');
  });

  it('a declined offer moves on to the next agent, and an offer not answered times out visibly', async () => {
    const ann = await agent('ann');
    const bob = await agent('bob');
    const { sessionId: first } = await customer('Erin');
    // Ann is idle the longest: hers first; she declines and it goes to Bob.
    await ann.waitForSelector(`${open} .ocs-decline`);
    await ann.click(`${open} .ocs-decline`);
    await bob.waitForSelector(`${open} .ocs-accept`);
    expect(await ann.$$(open)).toHaveLength(0);
    await bob.click(`${open} .ocs-accept`);
    await bob.waitForSelector(card(first));

    // The next chat goes to Ann, who lets it time out: the offer says so, and Bob gets it.
    const { sessionId: second } = await customer('Finn');
    await ann.waitForSelector(`${open} .ocs-accept`);
    await ann.waitForSelector('.ocs-offer-ended[data-ended=no-answer]', { timeout: 10_000 });
    expect(await ann.$eval('.ocs-offer-ended', (li) => li.textContent ?? '')).toContain('timed out');
    await bob.waitForSelector(`${open} .ocs-accept`);
    await bob.click(`${open} .ocs-accept`);
    await bob.waitForSelector(card(second));
  });

  it('an agent hands a chat back to a queue, and another picks it from the queue view and chats on', async () => {
    const ann = await agent('ann', 'chat_inbound');
    const { page: gus, sessionId } = await customer('Gus');
    await ann.waitForSelector(`${open} .ocs-accept`);
    await ann.click(`${open} .ocs-accept`);
    await ann.waitForSelector(card(sessionId));
    await say(ann, card(sessionId), 'I will pass you to billing');

    const bob = await agent('bob', 'pick_queue');
    await bob.click('.ocs-queue-view summary');
    await bob.waitForSelector('.ocs-queue-view [role=status]');
    await waitForText(bob, '.ocs-queue-view [role=status]', 'No chat waiting in pick_queue');

    await ann.click(`${card(sessionId)} details summary`);
    await ann.$eval(`${card(sessionId)} .ocs-transfer input`, (input) => ((input as unknown as { value: string }).value = ''));
    await ann.type(`${card(sessionId)} .ocs-transfer input`, 'pick_queue');
    await ann.click(`${card(sessionId)} .ocs-transfer button`);
    await waitForText(ann, card(sessionId), 'You transferred the chat to queue pick_queue');
    await waitForEntry(gus, 'ann left the chat');

    // The queue view refreshes by itself; Bob picks the chat and is in it with its transcript.
    await bob.waitForSelector('.ocs-waiting-chat button', { timeout: 10_000 });
    await screenshot(bob, 'agent-queue-view');
    await bob.click('.ocs-waiting-chat button');
    await bob.waitForSelector(card(sessionId));
    await waitForEntry(bob, 'I will pass you to billing', card(sessionId));
    await waitForText(bob, '.ocs-queue-view [role=status]', 'No chat waiting');
    await say(bob, card(sessionId), 'Billing here, how can I help?');
    await waitForEntry(gus, 'Billing here, how can I help?');

    // The chat ends with an after-action: the customer sees it closed.
    await bob.click(`${card(sessionId)} details summary`);
    await bob.select(`${card(sessionId)} .ocs-inline:nth-of-type(2) select`, 'FORCE_CLOSE');
    await bob.click(`${card(sessionId)} .ocs-inline:nth-of-type(2) button`);
    await gus.waitForSelector('.ocs-link[data-state=ended]');
  });

  it('a supervisor sees the live sessions with parties, wait and last activity, and joins one from the list', async () => {
    const ann = await agent('ann');
    const { sessionId: served } = await customer('Hana');
    await ann.waitForSelector(`${open} .ocs-accept`);
    await ann.click(`${open} .ocs-accept`);
    await ann.waitForSelector(card(served));
    await say(ann, card(served), 'hello Hana');
    await ann.click('#ocs-not-ready');
    await waitForText(ann, '#ocs-presence', 'Not ready');
    const { sessionId: waiting } = await customer('Ivan');

    const sue = await page();
    await signInDesktop(sue, product.gateway, AGENT_TOKEN, 'Sue', 'SUPERVISOR');
    const row = (id: string) => `.ocs-sessions tr[data-session="${id}"]`;
    await sue.waitForSelector(row(waiting));
    await waitForText(sue, `${row(served)} .ocs-parties`, 'Hana (client), ann (agent)');
    expect(await sue.$eval(row(waiting), (tr) => tr.textContent ?? '')).toContain('still waiting');
    expect(await sue.$eval(row(served), (tr) => tr.getAttribute('data-waiting'))).toBe('false');
    expect(await sue.$eval(row(served), (tr) => tr.textContent ?? '')).toMatch(/ago/);
    await screenshot(sue, 'supervisor-sessions');

    await sue.click(`${row(served)} .ocs-monitor`);
    await sue.waitForSelector(card(served));
    await waitForEntry(sue, 'hello Hana', card(served));
    expect(await sue.$eval(`${card(served)} [data-visibility=VIP]`, (b) => b.getAttribute('aria-pressed'))).toBe('true');
    await waitForText(sue, row(served), 'Open below');
    await waitForText(sue, `${row(served)} .ocs-parties`, 'Sue (supervisor, monitoring)');
    // Monitoring is silent: the customer does not see the supervisor.
    expect((await entries(await customerPage('Hana'))).join('\n')).not.toContain('Sue');
  });

  /** The page of the customer called `nickname` in this test. */
  async function customerPage(nickname: string): Promise<Page> {
    for (const p of pages) if ((await p.evaluate(() => sessionStorage.getItem('ocs-console-chat')))?.includes(nickname)) return p;
    throw new Error(`no customer page of ${nickname}`);
  }

  it('the routing panel and the live sessions fit a phone-sized screen and are used with the keyboard', async () => {
    const phone = { width: 375, height: 667, isMobile: true };
    const ann = await agent('ann', 'chat_inbound', phone);
    const overflow = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await customer('Jo');
    await ann.waitForSelector(`${open} .ocs-accept`);
    expect(await overflow(ann)).toBeLessThanOrEqual(0);
    // The offer takes the focus: Enter accepts it.
    expect(await ann.evaluate(() => document.activeElement?.className)).toBe('ocs-accept');
    await ann.keyboard.press('Enter');
    await ann.waitForSelector('.ocs-card');
    expect(await overflow(ann)).toBeLessThanOrEqual(0);
    await screenshot(ann, 'agent-routing-phone');

    const sue = await page(phone);
    await signInDesktop(sue, product.gateway, AGENT_TOKEN, 'Sue', 'SUPERVISOR');
    await sue.waitForSelector('.ocs-sessions tr[data-session] .ocs-monitor');
    expect(await overflow(sue)).toBeLessThanOrEqual(0);
    const monitor = await sue.$eval('.ocs-sessions .ocs-monitor', (b) => {
      const r = b.getBoundingClientRect();
      return { right: r.right, height: r.height, label: b.getAttribute('aria-label') };
    });
    expect(monitor.right).toBeLessThanOrEqual(375);
    expect(monitor.height).toBeGreaterThanOrEqual(44);
    expect(monitor.label).toBe('Monitor the chat of Jo');
    await screenshot(sue, 'supervisor-sessions-phone');
  });
});
