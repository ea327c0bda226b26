import { cloneKv } from '../kv';
import type { PiiRules } from '../rules';
import type { ChatEvent, KvList, NoticeType, Participant } from '../types';
import { OUTBOUND_ENTRY } from './access';
import type { Command } from './command';
import type { EventActor } from './event-pipeline';
import { maskDigits, maskText, type CompiledPiiRule, type PiiFinding } from './pii-rules';
import { findParticipant } from './presence';
import type { SessionState } from './state';

/**
 * PII masking (`[transcript-cleanup]`), a step of the event pipeline: every message, text notice and rich message
 * is masked once, when it is appended. The event the session keeps (and so what is saved, published on the bus and
 * put into the UCS transcript) holds only the masked text. Where the live dialog may show the clear text
 * (`apply-area` history-all or history-final, or `always` with `unmask-live-dialog`), the clear text is kept beside
 * the event in this process's memory only (a WeakMap: no serialization, copy or record of the event carries it),
 * and the per-reader views (views.ts) show it to the readers allowed to see it.
 */

/** Notices whose text is a party's own words; the others carry commands, nicknames or server texts. */
const MASKED_NOTICES: readonly NoticeType[] = ['USER_CUSTOM', 'PUSH_URL'];
const TYPING: readonly NoticeType[] = ['TYPING_STARTED', 'TYPING_STOPPED'];
const STRUCTURED = 'structured-content';
const PII_CLEANUP = 'pii-cleanup';

interface Clear {
  text: string;
  /** The event attributes with the rich message unmasked, when the rich message was masked. */
  attributes?: KvList;
  /** `always` + `unmask-live-dialog`: an active agent was present when it was sent, so its sender sees it clear. */
  live: boolean;
}

const clearTexts = new WeakMap<ChatEvent, Clear>();

export function piiMasking(command: Command, event: ChatEvent, _actor: EventActor): void {
  const { pii, typingPreviewMask } = command.ctx.rules;
  if (event.kind === 'notice' && TYPING.includes(event.noticeType)) {
    if (typingPreviewMask !== undefined && event.text) event.text = maskDigits(event.text, typingPreviewMask);
    return;
  }
  if (!pii) return;
  if (event.kind !== 'message' && !(event.kind === 'notice' && MASKED_NOTICES.includes(event.noticeType))) return;
  const rules = rulesOfTenant(pii, (command.state.service ?? OUTBOUND_ENTRY).tenantDbid);
  const { text, findings } = maskText(event.text, rules);
  const rich = maskRich(event.eventAttributes, rules);
  if (findings.length === 0 && !rich) return;
  const clear: Clear = { text: event.text, live: false };
  if (rich) {
    clear.attributes = event.eventAttributes;
    event.eventAttributes = rich.attributes;
  }
  event.text = text;
  const report = cleanupReport(findings, rich?.rules ?? []);
  event.eventAttributes = withReport(event.eventAttributes, report);
  if (clear.attributes) clear.attributes = withReport(cloneKv(clear.attributes), report);
  if (keepsClear(command.state, pii, event, clear)) clearTexts.set(event, clear);
}

/** The rules that mask a tenant's texts: its own set (from UCS) where it has one, else the configured ones. */
export function rulesOfTenant(pii: Pick<PiiRules, 'rules' | 'tenantRules'>, tenantDbid: number): readonly CompiledPiiRule[] {
  return pii.tenantRules?.(tenantDbid) ?? pii.rules;
}

/** `attributes` (or new ones) with `GCTI_SYSTEM/pii-cleanup` set to `report`. */
function withReport(attributes: KvList | undefined, report: KvList): KvList {
  const out = attributes ?? {};
  const system = out.GCTI_SYSTEM;
  out.GCTI_SYSTEM = typeof system === 'object' ? { ...system, [PII_CLEANUP]: report } : { [PII_CLEANUP]: report };
  return out;
}

/** Whether the live dialog may ever show `event` clear; sets `clear.live` for `always` + `unmask-live-dialog`. */
function keepsClear(state: SessionState, pii: PiiRules, event: ChatEvent, clear: Clear): boolean {
  if (pii.area !== 'always') return true;
  if (!pii.unmaskLiveDialog || findParticipant(state, event.userId)?.userType !== 'CLIENT') return false;
  clear.live = state.participants.some((p) => p.present && p.userId !== event.userId && isActiveAgent(p, pii));
  return true;
}

/** An agent the customer sees: not coaching (INT) or monitoring (VIP), and no bot unless `allow-bot-unmask`. */
function isActiveAgent(party: Participant, pii: PiiRules): boolean {
  return (party.userType === 'AGENT' || party.userType === 'SUPERVISOR') && party.visibility === 'ALL' && (!party.isBot || pii.allowBotUnmask === true);
}

/**
 * `event` as `viewer` sees it: the clear text where the live dialog shows it to this reader, else the event as kept.
 * `always` + `unmask-live-dialog`: an active agent sees clear what the customer sent after the agent joined; the
 * customer sees its own text clear when an active agent was there to see it. `history-*`: every reader of the live
 * dialog sees it clear.
 */
export function unmaskedFor(state: SessionState, event: ChatEvent, viewer: Participant, pii: PiiRules | undefined): ChatEvent {
  if (!pii) return event;
  const clear = clearTexts.get(event);
  if (!clear || !mayReadClear(pii, event, viewer, clear)) return event;
  const copy = { ...event };
  copy.text = clear.text;
  if (clear.attributes) copy.eventAttributes = clear.attributes;
  return copy;
}

function mayReadClear(pii: PiiRules, event: ChatEvent, viewer: Participant, clear: Clear): boolean {
  if (pii.area !== 'always') return true;
  if (viewer.userId === event.userId) return clear.live;
  return isActiveAgent(viewer, pii) && viewer.present && viewer.joinPosition < event.position;
}

/** The `pii-cleanup` event attributes: per rule that found something, what it is and where it replaced what. */
function cleanupReport(findings: readonly PiiFinding[], richRules: readonly CompiledPiiRule[]): KvList {
  const report: KvList = {};
  const entry = (rule: CompiledPiiRule): KvList => {
    const key = `rule-${String(rule.order).padStart(4, '0')}`;
    const known = report[key];
    if (typeof known === 'object') return known;
    const created: KvList = { description: rule.description, id: rule.id, name: rule.name, positions: {} };
    report[key] = created;
    return created;
  };
  for (const { rule, start, end } of findings) (entry(rule).positions as KvList)[`${start}-${end}`] = { replaced: rule.spec.text };
  for (const rule of richRules) entry(rule);
  return report;
}

/**
 * The event attributes with every text of a rich message (`structured-content`) masked, and the rules that found
 * something there; undefined when there is no rich message or nothing in it to mask. A JSON content is masked
 * value by value, so it stays valid JSON.
 */
function maskRich(attributes: KvList | undefined, rules: readonly CompiledPiiRule[]): { attributes: KvList; rules: CompiledPiiRule[] } | undefined {
  const structured = attributes?.[STRUCTURED];
  if (structured === undefined || !attributes) return undefined;
  const found = new Set<CompiledPiiRule>();
  const maskString = (text: string): string => {
    const masked = maskText(text, rules);
    for (const f of masked.findings) found.add(f.rule);
    return masked.text;
  };
  const maskedStructured = typeof structured === 'string' ? maskContent(structured, maskString) : maskKv(structured, (v) => maskContent(v, maskString));
  if (found.size === 0) return undefined;
  return { attributes: { ...attributes, [STRUCTURED]: maskedStructured }, rules: [...found] };
}

function maskKv(list: KvList, mask: (value: string) => string): KvList {
  const out: KvList = {};
  for (const [key, value] of Object.entries(list)) out[key] = typeof value === 'string' ? mask(value) : maskKv(value, mask);
  return out;
}

/** A rich message's content: JSON masked in its string values (keys kept), any other text masked as it is. */
function maskContent(content: string, mask: (text: string) => string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return mask(content);
  }
  if (typeof parsed !== 'object' || parsed === null) return mask(content);
  return JSON.stringify(maskJson(parsed, mask));
}

function maskJson(value: unknown, mask: (text: string) => string): unknown {
  if (typeof value === 'string') return mask(value);
  if (Array.isArray(value)) return value.map((v) => maskJson(v, mask));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskJson(v, mask)]));
  }
  return value;
}
