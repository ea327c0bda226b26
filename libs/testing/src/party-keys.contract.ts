import { randomBytes } from 'node:crypto';
import type { PartyKeyIndex } from '@ocs/ports';
import { eachTest } from './fixture';

const aKey = () => randomBytes(16).toString('hex');
const aSession = () => randomBytes(8).toString('hex').toUpperCase();

/** The behaviour every PartyKeyIndex adapter must show; run it against each adapter and its real server. */
export function partyKeyIndexContract(name: string, create: () => Promise<{ index: PartyKeyIndex; close?: () => Promise<void> }>): void {
  describe(`PartyKeyIndex contract: ${name}`, () => {
    let index: PartyKeyIndex;
    eachTest(create, (fixture) => ({ index } = fixture));

    it('knows no session for a key never recorded', async () => {
      expect(await index.sessionOf(aKey())).toBeUndefined();
    });

    it('answers the session of each recorded key, the keys of one session and of different sessions kept apart', async () => {
      const [one, two] = [aSession(), aSession()];
      const [customer, agent, other] = [aKey(), aKey(), aKey()];
      await index.record(customer, one);
      await index.record(agent, one);
      await index.record(other, two);
      expect(await Promise.all([customer, agent, other].map((key) => index.sessionOf(key)))).toEqual([one, one, two]);
    });

    it('finds a key only as it was recorded: another case or one character more is another key', async () => {
      const key = aKey();
      const session = aSession();
      await index.record(key, session);
      expect(await index.sessionOf(key.toUpperCase())).toBeUndefined();
      expect(await index.sessionOf(`${key}0`)).toBeUndefined();
      expect(await index.sessionOf(key)).toBe(session);
    });

    it('takes the same record again without changing the answer', async () => {
      const key = aKey();
      const session = aSession();
      await index.record(key, session);
      await index.record(key, session);
      expect(await index.sessionOf(key)).toBe(session);
    });
  });
}
