import { MemoryEventBus, MemoryInteractionServer, MemoryStatisticsCheckpoints, MemoryTranscriptStore, MemoryUcs } from '@ocs/adapters-memory';
import { DEFAULT_RULES } from '@ocs/chat-domain';
import { ManualClock, SequentialIds } from '@ocs/chat-domain/testing';
import { ChatEngine } from '@ocs/chat-engine';
import { TOPICS, type SessionEventRecord } from '@ocs/contracts';
import { InteractionBridge, STATISTICS_ATTACHED_MARK } from '@ocs/interaction-bridge';
import { isTakenRecord, type BusRecord, type InteractionProperties, type TakenRecord } from '@ocs/ports';
import type { FoldOutcome, StatisticsFold } from '@ocs/reporting-statistics';
import { ReportingAttacher, type AttacherOptions, type AttacherObserver, type SkipReason } from './reporting-attacher';

/**
 * A stand-in calculator: remembers the types of the records it folded, attaches `Update` on a properties record and,
 * at closure, the close time and every type it saw, in order.
 */
const fold: StatisticsFold = (state, record): FoldOutcome => {
  const seen = [...((state?.seen as string[] | undefined) ?? []), record.type];
  if (record.type === 'closed') return { state: undefined, attach: { [STATISTICS_ATTACHED_MARK]: String(record.at), Seen: seen.join(',') } };
  if (record.type === 'properties') return { state: { seen }, attach: { Update: String(seen.length) } };
  return { state: { seen } };
};

const SESSION = 'S-1';
const created: SessionEventRecord = { type: 'created', sessionId: SESSION, at: 1_000, userData: {}, properties: {} };
const props: SessionEventRecord = { type: 'properties', sessionId: SESSION, properties: { a: '1' } };
const closed = (interactionId?: string): SessionEventRecord => ({ type: 'closed', sessionId: SESSION, at: 9_000, ...(interactionId ? { interactionId } : {}) });
const onBus = (value: unknown, offset: number, key = SESSION): BusRecord => ({ topic: TOPICS.sessionEvents, key, value, partition: 2, offset: String(offset) });

function counting() {
  const counts = { consumed: 0, attached: [] as string[], lags: [] as number[], failed: 0, skipped: [] as SkipReason[] };
  const observer: AttacherObserver = {
    consumed: () => void (counts.consumed += 1),
    skipped: (reason) => void counts.skipped.push(reason),
    attached: (kind, lag) => {
      counts.attached.push(kind);
      if (lag !== undefined) counts.lags.push(lag);
    },
    failed: () => void (counts.failed += 1),
  };
  return { counts, observer };
}

async function setup(overrides: Partial<AttacherOptions> = {}) {
  let now = 9_250;
  const interactions = new MemoryInteractionServer();
  const { interactionId } = await interactions.submit({ tenantDbid: 1, queue: 'q', mediaType: 'chat', sessionId: SESSION, properties: {} });
  const checkpoints = new MemoryStatisticsCheckpoints();
  const ttls: number[] = [];
  const save = checkpoints.save.bind(checkpoints);
  checkpoints.save = async (sessionId, checkpoint, ttlMs) => (ttls.push(ttlMs), save(sessionId, checkpoint, ttlMs));
  const bus = new MemoryEventBus();
  const warnings: string[] = [];
  const updates: InteractionProperties[] = [];
  const update = interactions.updateProperties.bind(interactions);
  interactions.updateProperties = async (id, properties) => (updates.push(properties), update(id, properties));
  const folded: string[] = [];
  const newAttacher = () => {
    const attacher = new ReportingAttacher({
      bus,
      interactions,
      checkpoints,
      fold: (state, record, options) => (folded.push(record.type), fold(state, record, options)),
      findInteraction: (sessionId) => interactions.interactionOf(sessionId),
      options: { statistics: { attachSessionStatistics: 'all' }, checkpointTtlMs: 60_000, finishedTtlMs: 5_000, attempts: 2, retryDelayMs: 1, ...overrides },
      log: { warn: (_fields, message) => void warnings.push(message), error: (_fields, message) => void warnings.push(message) },
      now: () => now,
    });
    const { counts, observer } = counting();
    attacher.observe(observer);
    return { attacher, counts };
  };
  const properties = async () => (await interactions.get(interactionId))?.properties;
  const later = (ms: number) => void (now += ms);
  return { interactions, interactionId, checkpoints, ttls, bus, warnings, updates, folded, newAttacher, properties, later };
}

/** The record the attacher took in to finish later. */
function taken(result: void | TakenRecord): TakenRecord {
  if (!isTakenRecord(result)) throw new Error('expected the record taken in');
  return result;
}

describe('ReportingAttacher', () => {
  it("folds a session's records in order and attaches the final set at closure, with the time since the close", async () => {
    const s = await setup();
    const { attacher, counts } = s.newAttacher();
    for (const [i, value] of [created, props, props, closed()].entries()) await attacher.handle(onBus(value, 10 + i));
    expect(await s.properties()).toEqual({ Update: '3', [STATISTICS_ATTACHED_MARK]: '9000', Seen: 'created,properties,properties,closed' });
    expect(counts).toMatchObject({ consumed: 4, attached: ['update', 'update', 'final'], lags: [250], failed: 0, skipped: [] });
  });

  it('skips a redelivered record and a replay of a finished session: the values are attached once', async () => {
    const s = await setup();
    const { attacher, counts } = s.newAttacher();
    await attacher.handle(onBus(created, 10));
    await attacher.handle(onBus(props, 11));
    await attacher.handle(onBus(props, 11));
    await attacher.handle(onBus(created, 10));
    await attacher.handle(onBus(closed(), 12));
    const final = await s.properties();
    for (const [i, value] of [created, props, closed()].entries()) await attacher.handle(onBus(value, 10 + i));
    expect(await s.properties()).toEqual(final);
    expect(final?.Seen).toBe('created,properties,closed');
    expect(s.folded).toEqual(['created', 'properties', 'closed']);
    expect(s.updates.filter((u) => u.Seen !== undefined)).toHaveLength(1);
    expect(counts.skipped).toEqual(['redelivered', 'redelivered', 'finished', 'finished', 'finished']);
  });

  it('counts, logs and skips a malformed or unknown record, and goes on with the next', async () => {
    const s = await setup();
    const { attacher, counts } = s.newAttacher();
    await attacher.handle(onBus(created, 1));
    await attacher.handle(onBus({ type: 'closed', sessionId: SESSION, at: 'yesterday' }, 2));
    await attacher.handle(onBus('not even an object', 3));
    await attacher.handle(onBus({ type: 'teleported', sessionId: SESSION }, 4));
    await attacher.handle(onBus(closed(), 5));
    expect(counts.skipped).toEqual(['malformed', 'malformed', 'unknown']);
    expect(s.warnings.filter((w) => w.startsWith('malformed'))).toHaveLength(2);
    expect(s.warnings.filter((w) => w.startsWith('unknown'))).toHaveLength(1);
    expect((await s.properties())?.Seen).toBe('created,closed');
  });

  it('carries an open session over to a new instance through its checkpoint (a restart), skipping what the first applied', async () => {
    const s = await setup();
    const first = s.newAttacher();
    await first.attacher.handle(onBus(created, 20));
    await first.attacher.handle(onBus(props, 21));
    const second = s.newAttacher();
    // The bus delivers again what the first had not committed.
    await second.attacher.handle(onBus(props, 21));
    await second.attacher.handle(onBus(props, 22));
    await second.attacher.handle(onBus(closed(), 23));
    expect((await s.properties())?.Seen).toBe('created,properties,properties,closed');
    expect(second.counts.skipped).toEqual(['redelivered']);
  });

  it('keeps a done marker after the final attach and drops the checkpoint of a purged session', async () => {
    const s = await setup();
    const { attacher } = s.newAttacher();
    await attacher.handle(onBus(created, 1));
    await attacher.handle(onBus(closed(), 2));
    expect(await s.checkpoints.load(SESSION)).toEqual({ done: true, closedAt: 9_000, position: { partition: 2, offset: '2' }, interactionId: s.interactionId });
    // An open session's checkpoint lives the long TTL, a finished one's marker the short one.
    expect(s.ttls).toEqual([60_000, 5_000]);
    const other = 'S-2';
    await attacher.handle(onBus({ ...created, sessionId: other }, 3, other));
    expect((await s.checkpoints.load(other))?.state).toEqual({ seen: ['created'] });
    await attacher.handle(onBus({ type: 'purged', sessionId: other }, 4, other));
    expect(await s.checkpoints.load(other)).toBeUndefined();
  });

  it('keeps statistics it cannot attach yet pending and takes the record in: the partition goes on, they attach once the interaction comes', async () => {
    const s = await setup();
    const { attacher, counts } = s.newAttacher();
    const late = 'S-late';
    await attacher.handle(onBus({ ...created, sessionId: late }, 1, late));
    const update = taken(await attacher.handle(onBus({ ...props, sessionId: late }, 2, late)));
    expect((await s.checkpoints.load(late))?.pending).toEqual({ Update: '2' });
    // Another session of the partition is not held up, and a later record of this one waits behind the pending set.
    expect(await attacher.handle(onBus(created, 3))).toBeUndefined();
    const closing = taken(await attacher.handle(onBus({ ...closed(), sessionId: late }, 4, late)));
    expect(counts.attached).toEqual([]);
    const { interactionId } = await s.interactions.submit({ tenantDbid: 1, queue: 'q', mediaType: 'chat', sessionId: late, properties: {} });
    await Promise.all([update.handled, closing.handled]);
    expect((await s.interactions.get(interactionId))?.properties).toEqual({
      Update: '2',
      [STATISTICS_ATTACHED_MARK]: '9000',
      Seen: 'created,properties,closed',
    });
    expect(await s.checkpoints.load(late)).toEqual({ done: true, closedAt: 9_000, interactionId, position: { partition: 2, offset: '4' } });
    expect(counts).toMatchObject({ attached: ['update', 'final'], lags: [250], failed: 0 });
  });

  it('tries pending statistics again after a restart, when their record comes again', async () => {
    const s = await setup();
    const first = s.newAttacher();
    const late = 'S-late';
    await first.attacher.handle(onBus({ ...created, sessionId: late }, 1, late));
    taken(await first.attacher.handle(onBus({ ...closed(), sessionId: late }, 2, late)));
    await first.attacher.stop(); // Killed: the record stays unfinished, the bus delivers it again.
    const second = s.newAttacher();
    const again = taken(await second.attacher.handle(onBus({ ...closed(), sessionId: late }, 2, late)));
    const { interactionId } = await s.interactions.submit({ tenantDbid: 1, queue: 'q', mediaType: 'chat', sessionId: late, properties: {} });
    await again.handled;
    expect((await s.interactions.get(interactionId))?.properties.Seen).toBe('created,closed');
    expect(second.counts).toMatchObject({ skipped: ['finished'], attached: ['final'], failed: 0 });
    expect(s.folded).toEqual(['created', 'closed']);
  });

  it('gives pending statistics up after pendingRetryMs: counted, logged, and the session goes on', async () => {
    const s = await setup({ pendingRetryMs: 1_000 });
    const { attacher, counts } = s.newAttacher();
    const lost = 'S-lost';
    await attacher.handle(onBus({ ...created, sessionId: lost }, 1, lost));
    const update = taken(await attacher.handle(onBus({ ...props, sessionId: lost }, 2, lost)));
    s.later(1_000);
    await update.handled;
    expect(counts.failed).toBe(1);
    expect(s.warnings).toContain('reporting statistics not attached to the interaction');
    expect(await s.checkpoints.load(lost)).toEqual({ state: { seen: ['created', 'properties'] }, position: { partition: 2, offset: '2' } });
  });

  it('follows the session events in its own group on the bus', async () => {
    const s = await setup();
    const { attacher, counts } = s.newAttacher();
    await attacher.start();
    await s.bus.publish([created, props, closed(s.interactionId)].map((value) => ({ topic: TOPICS.sessionEvents, key: SESSION, value })));
    await s.bus.idle();
    await attacher.stop();
    expect((await s.properties())?.Seen).toBe('created,properties,closed');
    expect(counts.consumed).toBe(3);
  });
});

describe('ReportingAttacher beside the interaction bridge', () => {
  it('attaches the final statistics before the bridge marks the interaction offline, even when the attach is slow', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 25, 10));
    const bus = new MemoryEventBus();
    const store = new MemoryTranscriptStore();
    const engine = new ChatEngine({ clock, ids: new SequentialIds(), rules: DEFAULT_RULES, store, bus });
    const interactions = new MemoryInteractionServer();
    const history: InteractionProperties[] = [];
    const update = interactions.updateProperties.bind(interactions);
    interactions.updateProperties = async (id, properties) => {
      // The attacher's final attach comes late: the bridge must wait for it.
      if (properties[STATISTICS_ATTACHED_MARK]) await new Promise((resolve) => setTimeout(resolve, 100));
      history.push(properties);
      return update(id, properties);
    };
    const options = { appName: 'OCS_Chat', endpoints: { 1: { default: 'chat_inbound' } }, stopAbandoned: 'always' as const, saveNotices: 'major' as const };
    const bridge = new InteractionBridge({ engine, interactions, ucs: new MemoryUcs(), store, bus, options: { ...options, statisticsWaitMs: 10_000 } });
    const attacher = new ReportingAttacher({
      bus,
      interactions,
      checkpoints: new MemoryStatisticsCheckpoints(),
      fold,
      findInteraction: async (sessionId) => (await store.load(sessionId))?.interactionId,
      options: { statistics: { attachSessionStatistics: 'all' }, checkpointTtlMs: 60_000 },
    });
    await bridge.start();
    await attacher.start();
    const { party } = await engine.createSession({
      creator: { userType: 'CLIENT', nickname: 'Ann', protocol: 'FLEX', clientVersion: 106, userData: {} },
      userData: {},
      service: { name: 'customer-support', tenantDbid: 1, endpoint: 'default' },
    });
    await bus.idle();
    const [interaction] = interactions.waiting();
    await engine.leave({ sessionId: party.sessionId, userId: party.userId, secureKey: party.secureKey }, 'FORCE_CLOSE');
    // The bridge takes the closing in to finish it once the statistics are there.
    while ((await interactions.get(interaction.interactionId))?.state !== 'stopped') await new Promise((resolve) => setTimeout(resolve, 5));
    const marked = history.findIndex((p) => p[STATISTICS_ATTACHED_MARK] !== undefined);
    const offline = history.findIndex((p) => p.IsOnline === '0');
    expect(marked).toBeGreaterThanOrEqual(0);
    expect(offline).toBeGreaterThan(marked);
    expect(history[marked].Seen).toMatch(/^created,.*closed$/);
    expect((await interactions.get(interaction.interactionId))?.state).toBe('stopped');
    await attacher.stop();
    await bridge.stop();
  });
});
