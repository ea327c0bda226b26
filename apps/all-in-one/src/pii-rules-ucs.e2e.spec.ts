import { Writable } from 'node:stream';
import { GmsRestClient, until } from '@ocs/testing';
import { FilePiiRules, filePiiRulesDirectory } from '@ocs/adapters-file';
import { loadConfig } from '@ocs/config';
import { runPiiRulesCommand, type Embedded } from '@ocs/wiring';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestProduct } from './test/product';

/**
 * `apply-config ucs`: the tenant's PII rules come from UCS, where the operator's command stores them, and a changed
 * set takes effect in the running product (read again every second here) without a restart.
 */

const CARD = '4111 1111 1111 1111';
const MASKED = '**** **** **** ****';
const ORDERS = [{ id: 'U-ORD', name: 'Orders', regex: String.raw`ORD-\d{6}`, spec: 'all' }];

const dataDir = mkdtempSync(join(tmpdir(), 'ocs-pii-ucs-'));
const env = {
  'OCS__server__data-dir': dataDir,
  'OCS__transcript-cleanup__apply-area': 'always',
  'OCS__transcript-cleanup__apply-config': 'ucs',
  'OCS__transcript-cleanup__ucs-refresh-interval': '1',
};
const config = loadConfig({ argv: [], env });
const logLines: string[] = [];
let embedded: Embedded;
let gateway: string;

/** Stores `rules` as tenant 1's set with the operator's command, as a JSON file. */
async function put(rules: unknown[]): Promise<void> {
  const file = join(dataDir, `rules-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(rules));
  await runPiiRulesCommand(['put', '1', file], config);
}

/** A customer's message as the session keeps it (the send reply shows the sender its own message). */
async function sent(text: string): Promise<string> {
  const ann = new GmsRestClient(gateway);
  expect((await ann.requestChat({ nickname: 'Ann' })).status).toBe(200);
  const reply = await ann.op('send', { message: text });
  return reply.body.messages.find((m) => m.type === 'Message')?.text ?? '';
}

beforeAll(async () => {
  await put(ORDERS);
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  ({ embedded, gateway } = await startTestProduct(env, logs));
});

afterAll(async () => {
  await embedded.close();
});

describe('PII rules from UCS (apply-config ucs)', () => {
  it('masks by the tenant’s set from the start: its own rules only, not the default ones', async () => {
    expect(await sent(`order ORD-123456, card ${CARD}`)).toBe(`order **********, card ${CARD}`);
  });

  it('takes a changed set without a restart, and masks nothing once the set is removed, warning of it', async () => {
    await put([{ id: 'U-CARD', name: 'Cards', regex: String.raw`\d{4} \d{4} \d{4} \d{4}` }]);
    await until(async () => ((await sent(`card ${CARD}`)) === `card ${MASKED}` ? true : undefined), 'the changed set in use');
    expect(await sent(`order ORD-123456, card ${CARD}`)).toBe(`order ORD-123456, card ${MASKED}`);

    await runPiiRulesCommand(['remove', '1'], config);
    await until(async () => ((await sent(`card ${CARD}`)) === `card ${CARD}` ? true : undefined), 'no rules in use');
    expect(logLines.join('')).toContain('no PII rule set in UCS: nothing is masked for this tenant (apply-config ucs)');
  });

  it('leaves out a stored rule that does not compile, warning with its name, and keeps masking by the others', async () => {
    // Written straight into UCS (the operator's command refuses such a rule).
    await new FilePiiRules(filePiiRulesDirectory(join(dataDir, 'ucs'))).save(1, [{ id: 'U-BAD', name: 'Broken', regex: '(' }, ...ORDERS]);
    await until(async () => ((await sent('order ORD-654321')) === 'order **********' ? true : undefined), 'the set with a broken rule in use');
    const warning = logLines.find((line) => line.includes('U-BAD'));
    expect(warning).toMatch(/"level":(40|"warn")/);
    expect(warning).toContain('PII rule left out: rule 1 (id \\"U-BAD\\", name \\"Broken\\"): invalid regular expression');
  });
});
