import { ChaosCluster } from './cluster';
import { say, type ChatRecord } from './records';
import type { Fault } from './schedule';

/** What happened when: the fault timeline of the report. */
export interface Happened {
  at: number;
  what: string;
}

/** Asks the owner store which node owns a session (`chaos-e1`, …). */
export type OwnerOf = (sessionId: string) => Promise<string | undefined>;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, Math.max(0, ms)));

/**
 * Carries out the schedule from `startedAt`: product faults in order on one line, server stops on another (a
 * restart that takes longer delays the next one). After a pause, the resumed engine must refuse the sessions that
 * moved to another node meanwhile (NOT_OWNER on its engine RPC): each one it still serves is a violation.
 */
export async function runFaults(
  cluster: ChaosCluster,
  faults: Fault[],
  startedAt: number,
  records: () => ChatRecord[],
  ownerOf: OwnerOf,
): Promise<{ happened: Happened[]; violations: string[] }> {
  const happened: Happened[] = [];
  const violations: string[] = [];
  const note = (what: string) => {
    happened.push({ at: Date.now(), what });
    say(`[chaos] +${((Date.now() - startedAt) / 1000).toFixed(1)}s ${what}`);
  };
  const line = async (list: Fault[]) => {
    for (const fault of list) {
      await sleep(startedAt + fault.atMs - Date.now());
      try {
        await carryOut(fault);
      } catch (error) {
        violations.push(`fault ${fault.kind} ${fault.target}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  const carryOut = async (fault: Fault) => {
    if (fault.kind === 'kill') {
      await cluster.kill(fault.target);
      note(`SIGKILL ${fault.target}`);
      await sleep(fault.forMs);
      await cluster.launch(fault.target);
      note(`${fault.target} restarted and ready`);
    } else if (fault.kind === 'pause') {
      const owned = await ownedBy(`chaos-${fault.target}`);
      cluster.signal(fault.target, 'SIGSTOP');
      note(`SIGSTOP ${fault.target} (owns ${owned.length} sessions)`);
      await sleep(fault.forMs);
      cluster.signal(fault.target, 'SIGCONT');
      note(`SIGCONT ${fault.target}`);
      violations.push(...(await stillServed(fault.target, owned)));
    } else if (fault.kind === 'drain') {
      note(`drain ${fault.target}`);
      await cluster.drain(fault.target);
      note(`${fault.target} replaced and ready`);
    } else {
      note(`${fault.target} down`);
      await ChaosCluster.serverDown(fault.target, fault.forMs);
      note(`${fault.target} up again`);
    }
  };
  const ownedBy = async (node: string) => {
    const sessions = records().filter((r) => r.sessionId && r.scriptClosedAt === undefined);
    const owners = await Promise.all(sessions.map((r) => ownerOf(r.sessionId).catch(() => undefined)));
    return sessions.filter((_, i) => owners[i] === node).map((r) => r.sessionId);
  };
  const stillServed = async (name: string, owned: string[]) => {
    await sleep(3_000);
    const found: string[] = [];
    let moved = 0;
    for (const sessionId of owned) {
      const owner = await ownerOf(sessionId).catch(() => undefined);
      if (!owner || owner === `chaos-${name}`) continue;
      moved += 1;
      const answer = await engineCall(cluster, name, 'sessionInfo', [sessionId, { restore: false }]);
      if (!/NOT_OWNER|NOT_FOUND|UNKNOWN|not own/i.test(answer))
        found.push(`${name} resumed after a pause still serves ${sessionId}, now owned by ${owner}: ${answer}`);
    }
    note(`${name}: ${moved} of its ${owned.length} sessions moved during the pause; it refuses ${moved - found.length}`);
    for (const f of found) note(f);
    return found;
  };
  await Promise.all([line(faults.filter((f) => f.kind !== 'server-stop')), line(faults.filter((f) => f.kind === 'server-stop'))]);
  return { happened, violations };
}

/** One engine RPC call to node `name`; the answer's text (result or error). */
async function engineCall(cluster: ChaosCluster, name: string, method: string, args: unknown[]): Promise<string> {
  const response = await fetch(`${cluster.url(name)}/engine/rpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${cluster.internalSecret}` },
    body: JSON.stringify({ method, args }),
    signal: AbortSignal.timeout(10_000),
  }).catch((error: unknown) => ({ status: 0, text: async () => String(error) }));
  return `${response.status} ${(await response.text()).slice(0, 300)}`;
}
