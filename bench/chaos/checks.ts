import type { ChatRecord } from './records';
import type { RoutingOfChat } from './routing-desk';

/** One entry of a stored transcript, as far as the checks read it. */
export interface StoredEntry {
  position: number;
  kind: string;
  text?: string;
}

export interface StoredSession {
  status: string;
  transcript: StoredEntry[];
}

/** A push the receiver got: its id, device and raw body. */
export interface ReceivedPush {
  id: string;
  deviceId: string;
  raw: string;
}

/**
 * The end-of-run checks of one chat against its stored session: every acknowledged message in the transcript exactly
 * once and in the order of its sender, at the position the client was told; contiguous positions; no end but the
 * script's; the agent's attachment resumed without gap or duplicate; every operation done in the end.
 */
export function checkChat(record: ChatRecord, stored: StoredSession | undefined): string[] {
  const chat = `chat ${record.index} (${record.sessionId || 'never created'})`;
  const found: string[] = [];
  if (!record.sessionId || !stored) return [`${chat}: no stored session`];
  for (const op of record.gaveUp) found.push(`${chat}: gave up on ${op}`);
  if (record.endedEarly) found.push(`${chat}: ended before its script closed it: ${record.endedEarly}`);
  const transcript = stored.transcript;
  const gaps = transcript.filter((e, i) => e.position !== i);
  if (gaps.length > 0) found.push(`${chat}: positions not contiguous from 0 (first off: ${gaps[0].position} at index ${transcript.indexOf(gaps[0])})`);
  for (const sender of ['customer', 'agent', 'esp'] as const) {
    const acked = record.acked.filter((a) => a.from === sender);
    let last = -1;
    for (const a of acked) {
      const copies = transcript.filter((e) => e.kind === 'message' && e.text === a.text);
      if (copies.length === 0) found.push(`${chat}: acknowledged ${sender} message "${a.text}" lost`);
      else if (copies.length > 1)
        found.push(`${chat}: acknowledged ${sender} message "${a.text}" ${copies.length} times${a.ambiguous ? ' (resent after an unanswered attempt)' : ''}`);
      const at = copies[0]?.position ?? -1;
      if (copies.length > 0 && at < last) found.push(`${chat}: ${sender} message "${a.text}" out of order (position ${at} after ${last})`);
      last = Math.max(last, at);
    }
  }
  if (record.scriptClosedAt !== undefined && stored.status !== 'CLOSED') found.push(`${chat}: closed by its script, stored as ${stored.status}`);
  if (record.scriptClosedAt !== undefined && !record.closeSeen) found.push(`${chat}: the customer never saw its chat end`);
  found.push(...checkAttachment(chat, record));
  return found;
}

/** Live pushes to the agent: none twice, none missing between its first join and the last it got. */
export function checkAttachment(chat: string, record: ChatRecord): string[] {
  if (record.agentJoins.length === 0 && record.agentLive.length === 0) return [`${chat}: the agent never joined`];
  const seen = new Set<number>();
  const found: string[] = [];
  for (const p of record.agentLive) {
    if (seen.has(p)) found.push(`${chat}: position ${p} pushed twice to the agent`);
    seen.add(p);
  }
  for (const join of record.agentJoins) for (let p = join.from; p <= join.to; p++) seen.add(p);
  const first = Math.min(...record.agentJoins.map((j) => j.from), ...record.agentLive.slice(0, 1));
  const last = Math.max(...seen);
  const missing: number[] = [];
  for (let p = first; p <= last; p++) if (!seen.has(p)) missing.push(p);
  if (missing.length > 0) found.push(`${chat}: the agent's attachment has a gap at positions ${missing.join(', ')}`);
  return found;
}

/**
 * Push notifications: each id always with the same body and each body under one id (an id stable across
 * redeliveries), and every acknowledged agent or workflow message of a subscribed chat pushed at least once, unless
 * the customer read it in a reply first.
 */
export function checkPushes(records: ChatRecord[], pushes: ReceivedPush[]): string[] {
  const found: string[] = [];
  const bodies = new Map<string, string>();
  const ids = new Map<string, Set<string>>();
  for (const push of pushes) {
    const before = bodies.get(push.id);
    if (before !== undefined && before !== push.raw) found.push(`push ${push.id} redelivered with another body`);
    bodies.set(push.id, push.raw);
    ids.set(push.raw, (ids.get(push.raw) ?? new Set()).add(push.id));
  }
  for (const [raw, of] of ids) if (of.size > 1) found.push(`one notification delivered under ${of.size} ids (${[...of].join(', ')}): ${raw.slice(0, 120)}`);
  const byDevice = new Map<string, string[]>();
  for (const push of pushes) byDevice.set(push.deviceId, [...(byDevice.get(push.deviceId) ?? []), push.raw]);
  for (const record of records.filter((r) => r.pushDevice)) {
    const received = byDevice.get(record.pushDevice ?? '') ?? [];
    for (const a of record.acked.filter((x) => x.from !== 'customer')) {
      if (record.customerRead.has(a.text)) continue;
      if (!received.some((raw) => raw.includes(JSON.stringify(a.text)))) found.push(`chat ${record.index}: no push notification of "${a.text}"`);
    }
  }
  return found;
}

/**
 * Routing: every chat reached exactly one agent: it was handed over (`routed`), to one agent, for one offer, never
 * returned to its queue, and offered to nobody once it was handed over.
 */
export function checkRouting(records: ChatRecord[], routingOf: (sessionId: string) => RoutingOfChat): string[] {
  const found: string[] = [];
  for (const record of records.filter((r) => r.sessionId)) {
    const chat = `chat ${record.index} (${record.sessionId})`;
    const { routed, offers, returned } = routingOf(record.sessionId);
    if (routed.length === 0) {
      found.push(`${chat}: never handed to an agent by routing (${offers.length} offers heard)`);
      continue;
    }
    const agents = new Set(routed.map((r) => r.agent));
    if (agents.size > 1) found.push(`${chat}: routed to ${agents.size} agents (${[...agents].join(', ')})`);
    else if (routed.length > 1) found.push(`${chat}: routed ${routed.length} times to ${routed[0].agent}`);
    const later = offers.filter((o) => o.seq > routed[0].seq && o.offerId !== routed[0].offerId);
    if (later.length > 0) found.push(`${chat}: offered again after it was routed (${later.map((o) => `${o.offerId} to ${o.agent}`).join(', ')})`);
    if (returned.length > 0) found.push(`${chat}: returned to its queue (${returned.join(', ')})`);
  }
  return found;
}

/** Errors the clients saw, by status. */
export function errorCounts(records: ChatRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of records) for (const e of r.errors) counts[e.status] = (counts[e.status] ?? 0) + 1;
  return counts;
}
