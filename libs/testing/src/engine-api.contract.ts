import type { Actor, ChatEngineApi, SessionView } from '@ocs/chat-engine';
import { actor, refusal } from './chat-helpers';
import { Inbox } from './clients/inbox';
import { eachTest } from './fixture';

const CUSTOMER = { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106 } as const;
const AGENT = { userType: 'AGENT', nickname: 'Bob', protocol: 'BASIC', clientVersion: 106 } as const;

const texts = (view: SessionView) => view.events.map((e) => (e.event.kind === 'message' ? e.event.text : e.event.kind));

/**
 * The behaviour every `ChatEngineApi` shows its callers (the gateways): the engine in-process and `RemoteEngine`
 * over the engine RPC alike. `create` gives a fresh engine (in a cluster: its nodes and a gateway) for each test.
 */
export function chatEngineApiContract(name: string, create: () => Promise<{ api: ChatEngineApi; close?: () => Promise<void> }>): void {
  describe(`ChatEngineApi contract: ${name}`, () => {
    let api: ChatEngineApi;
    eachTest(create, (fixture) => ({ api } = fixture));

    async function chat(): Promise<{ sessionId: string; customer: Actor; agent: Actor }> {
      const created = await api.createSession({ creator: CUSTOMER, userData: { Subject: 'Billing' } });
      const joined = await api.join(created.party.sessionId, AGENT);
      return { sessionId: created.party.sessionId, customer: actor(created.party), agent: actor(joined.party) };
    }

    it("creates a session: the creator's credentials and view, with its own join event", async () => {
      const { party, view } = await api.createSession({ creator: CUSTOMER });
      expect(party).toMatchObject({ partyNumber: 1, sessionId: expect.stringMatching(/^[0-9A-F]{16}$/), secureKey: expect.any(String) });
      expect(view).toMatchObject({ sessionId: party.sessionId, userId: party.userId, closed: false, left: false, monitored: false, nextPosition: 1 });
      expect(view.events.map((e) => [e.event.kind, e.from.nickname, e.from.userType, e.from.partyNumber])).toEqual([['newParty', 'Ann', 'CLIENT', 1]]);
    });

    it('numbers parties in join order and shows each reader what it may see', async () => {
      const { sessionId, customer, agent } = await chat();
      const coach = await api.join(sessionId, { userType: 'SUPERVISOR', nickname: 'Sue', protocol: 'BASIC', visibility: 'INT', clientVersion: 106 });
      expect(coach.party.partyNumber).toBe(3);
      await api.message(actor(coach.party), { text: 'coaching tip' });
      await api.message(agent, { text: 'hello Ann' });
      expect(texts(await api.read(customer, 0))).toEqual(['newParty', 'newParty', 'hello Ann']);
      expect(texts(await api.read(agent, 3))).toEqual(['coaching tip', 'hello Ann']);
    });

    it("carries the agent API's join scope: a token's tenants bound the join", async () => {
      const service = { name: 'acme', tenantDbid: 2, endpoint: 'default' };
      const { party } = await api.createSession({ creator: CUSTOMER, service });
      expect((await refusal(api.join(party.sessionId, AGENT, { tenants: [1] }))).code).toBe('FORBIDDEN');
      const sue = await api.join(party.sessionId, { ...AGENT, userType: 'SUPERVISOR', visibility: 'VIP' }, { tenants: [2], entryPoints: ['2:default'] });
      expect(sue.party.partyNumber).toBe(2);
    });

    it("answers a party's command with its own event and the party's view from the position asked for", async () => {
      const { customer, agent } = await chat();
      await api.message(agent, { text: 'how can I help?' });
      const sent = await api.message(customer, { text: 'my bill' }, 2);
      expect(sent.event).toMatchObject({ kind: 'message', text: 'my bill', position: 3, userId: customer.userId });
      expect(sent.view).toMatchObject({ userId: customer.userId, nextPosition: 4, closed: false });
      expect(texts(sent.view)).toEqual(['how can I help?', 'my bill']);
      const typing = await api.notice(customer, { noticeType: 'TYPING_STARTED' });
      expect(typing.event).toMatchObject({ kind: 'notice', noticeType: 'TYPING_STARTED', position: 4 });
      expect(typing.view).toMatchObject({ nextPosition: 5, events: [] });
    });

    it("changes a party's own visibility in place, answering the notice the others are told by, and refusing one it may not use", async () => {
      const { sessionId, customer, agent } = await chat();
      const sue = actor(
        (await api.join(sessionId, { userType: 'SUPERVISOR', nickname: 'Sue', protocol: 'BASIC', visibility: 'VIP', clientVersion: 106 })).party,
      );
      expect((await api.read(customer, 0)).monitored).toBe(true);
      const barged = await api.changeVisibility(sue, 'ALL', 3);
      expect(barged.event).toMatchObject({ kind: 'notice', noticeType: 'USER_CUSTOM', visibility: 'ALL', text: 'Sue joined the conversation' });
      expect(barged.view.monitored).toBe(false);
      const seen = await api.read(customer, 3);
      expect(seen.events.map((e) => [e.event.text, e.from.nickname])).toEqual([['Sue joined the conversation', 'Sue']]);
      expect((await refusal(api.changeVisibility(agent, 'VIP'))).code).toBe('INVALID_VISIBILITY');
    });

    it("merges user data without a transcript event, answering the party's view", async () => {
      const { customer } = await chat();
      const view = await api.updateUserData(customer, { Page: 'checkout' }, 0);
      expect(view.nextPosition).toBe(2);
      expect(texts(view)).toEqual(['newParty', 'newParty']);
    });

    it('answers a leave with the party-left event; a forced close ends the session for everyone', async () => {
      const { customer, agent } = await chat();
      const left = await api.leave(agent, 'FORCE_CLOSE', { text: 'bye' }, 2);
      expect(left.event).toMatchObject({ kind: 'partyLeft', userId: agent.userId, position: 2, quitReasonCode: '0' });
      expect(left.view).toMatchObject({ left: true, closed: true });
      const seen = await api.read(customer, 0);
      expect(seen).toMatchObject({ closed: true, left: true });
      expect(seen.events.at(-1)?.event).toMatchObject({ kind: 'partyLeft', userId: customer.userId, quitReasonCode: '4' });
      expect((await refusal(api.message(customer, { text: 'too late' }))).code).toBe('SESSION_CLOSED');
    });

    it('refuses an unknown session, a wrong key and a key of another protocol alike', async () => {
      const { customer, agent } = await chat();
      const refusals = await Promise.all([
        refusal(api.read({ ...customer, secureKey: agent.secureKey }, 0)),
        refusal(api.read({ ...customer, sessionId: 'FFFFFFFFFFFFFFFF' }, 0)),
        refusal(api.message({ ...agent, via: 'FLEX' }, { text: 'x' })),
      ]);
      expect(refusals.map((r) => r.code)).toEqual(['SESSION_NOT_FOUND', 'SESSION_NOT_FOUND', 'SESSION_NOT_FOUND']);
      expect(new Set(refusals.map((r) => r.message)).size).toBe(1);
      expect(refusals[0].message).not.toContain(customer.sessionId);
    });

    it('refuses a bad command with a code and a message naming the problem, and changes nothing', async () => {
      const { customer } = await chat();
      const refused = await refusal(api.notice(customer, { noticeType: 'SHOUTING' }));
      expect(refused.code).toBe('INVALID_NOTICE_TYPE');
      expect(refused.message).toMatch(/SHOUTING/);
      expect((await api.read(customer, 0)).nextPosition).toBe(2);
    });

    it('finds a party by its secure key, and a session by its interaction', async () => {
      const { sessionId, customer } = await chat();
      expect(await api.findParty(customer.secureKey)).toEqual(customer);
      expect(await api.findParty('no such key')).toBeUndefined();
      await api.bindInteraction(sessionId, 'IXN-contract-1');
      expect(await api.findByInteraction('IXN-contract-1')).toBe(sessionId);
      expect(await api.findByInteraction('IXN-unknown')).toBeUndefined();
      expect(await api.sessionInfo(sessionId)).toMatchObject({ sessionId, interactionId: 'IXN-contract-1', isRestored: false, closed: false, nextPosition: 2 });
    });

    it("posts a workflow's message and notice as one EXTERNAL party, joined on its first request", async () => {
      const { sessionId, customer } = await chat();
      expect(await api.externalMessage(sessionId, 'Workflow', { text: 'from the workflow' })).toMatchObject({ kind: 'message', position: 3 });
      expect(await api.externalNotice(sessionId, 'Workflow', { noticeType: 'USER_PUSHED_URL', text: 'https://example.com' })).toMatchObject({
        kind: 'notice',
        noticeType: 'PUSH_URL',
        position: 4,
      });
      const seen = await api.read(customer, 2);
      expect(seen.events.map((e) => [e.event.kind, e.from.userType, e.from.nickname])).toEqual([
        ['newParty', 'EXTERNAL', 'Workflow'],
        ['message', 'EXTERNAL', 'Workflow'],
        ['notice', 'EXTERNAL', 'Workflow'],
      ]);
      expect((await refusal(api.placeOnHold(sessionId))).code).toBe('NOT_ASYNC');
    });

    it('closes a session for a workflow, unless an agent is present when it asks so', async () => {
      const { sessionId, agent } = await chat();
      expect(await api.closeSession(sessionId, { closeIfNoAgents: true })).toEqual({ closed: false });
      await api.leave(agent, 'KEEP_ALIVE');
      expect(await api.closeSession(sessionId, { closeIfNoAgents: true })).toEqual({ closed: true });
      expect((await api.sessionInfo(sessionId)).closed).toBe(true);
    });

    it('removes a party whose connection dropped, with the disconnect reason', async () => {
      const { customer, agent } = await chat();
      await api.disconnect(agent);
      expect((await api.read(customer, 2)).events.map((e) => e.event)).toEqual([
        expect.objectContaining({ kind: 'partyLeft', userId: agent.userId, quitReasonCode: '3', reason: { code: 3, text: 'left due to disconnect' } }),
      ]);
    });

    it("tells a customer's file-transfer limits with its view, checks an upload, and counts downloads", async () => {
      const { sessionId, customer } = await chat();
      await api.bindInteraction(sessionId, 'IXN-files-1');
      const { limits, view } = await api.fileLimits(customer, 0);
      expect(limits).toMatchObject({ 'upload-max-files': expect.any(String), 'used-upload-max-files': '0', 'used-download-attempts': '0' });
      expect(view.events).toHaveLength(2);
      expect(await api.checkUpload(customer, { name: 'invoice.pdf', size: 10 })).toEqual({ interactionId: 'IXN-files-1' });
      expect((await refusal(api.checkUpload(customer, { name: 'tool.exe', size: 10 }))).code).toBe('UPLOAD_TYPE_NOT_ALLOWED');
      expect((await refusal(api.download(customer, '7'))).code).toBe('FILE_NOT_FOUND');
    });

    it('takes the session configuration of a workflow', async () => {
      const { sessionId } = await chat();
      await expect(api.configureIdleControl(sessionId, { 'timeout-alert': '60' })).resolves.toBeUndefined();
      await expect(api.configureSession(sessionId, { asyncIdleReset: true })).resolves.toBeUndefined();
      expect((await refusal(api.configureIdleControl(sessionId, { 'timeout-alert': '-1' }))).code).toBe('INVALID_ARGUMENT');
      expect((await refusal(api.configureSession(sessionId, { languageName: 'No such language' }))).code).toBe('INVALID_ARGUMENT');
      expect((await refusal(api.configureIdleControl('FFFFFFFFFFFFFFFF', { enabled: 'true' }))).code).toBe('SESSION_NOT_FOUND');
    });

    it('delivers each later change live, once and in order, filtered for the reader, until detached', async () => {
      const { sessionId, customer, agent } = await chat();
      const coach = await api.join(sessionId, { userType: 'SUPERVISOR', nickname: 'Sue', protocol: 'BASIC', visibility: 'INT', clientVersion: 106 });
      const live = new Inbox<SessionView>();
      const attachment = await api.attach(customer, 3, (view) => live.push(view));
      expect(attachment.view).toMatchObject({ userId: customer.userId, nextPosition: 3, events: [] });
      await api.message(actor(coach.party), { text: 'coaching tip' });
      for (const text of ['one', 'two', 'three']) await api.message(agent, { text });
      await live.next((view) => texts(view).includes('three'), 'the third message, live');
      expect(live.history.flatMap(texts)).toEqual(['one', 'two', 'three']);
      attachment.detach();
      await api.message(agent, { text: 'after the detach' });
      await api.read(customer, 0);
      expect(live.history.flatMap(texts)).toEqual(['one', 'two', 'three']);
    });
  });
}
