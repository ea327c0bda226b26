import type { StatisticsState } from './statistics-api';
import { foldStatistics } from './fold';
import { ALL, Script, agent, fold } from './test/scripted-session';

/** `value` and everything in it frozen: a fold that changed any part of it would throw (modules run in strict mode). */
function deepFrozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const field of Object.values(value)) deepFrozen(field);
    Object.freeze(value);
  }
  return value;
}

describe('the fold and the state it is given', () => {
  it('leaves the state given as it was, nested parts included, and gives the same outcome as on a fresh copy', () => {
    const s = new Script();
    s.at(2);
    const a = s.join(agent('Ann'));
    s.at(10).say(s.creator, 'hi');
    s.at(20).say(a, 'hello');
    s.at(25).say(a, 'how can I help?');
    s.at(40).say(s.creator, 'my bill');
    s.at(60).leave(a, 'FORCE_CLOSE');
    const expected = fold(s.records);
    let state: StatisticsState | undefined;
    s.records.forEach((record, index) => {
      const given = state === undefined ? undefined : deepFrozen(JSON.parse(JSON.stringify(state)) as StatisticsState);
      const outcome = foldStatistics(given, record, ALL);
      expect(outcome.state).toEqual(expected.states[index]);
      state = outcome.state;
    });
    expect(expected.final?.csg_MessagesFromAgentsCount).toBe('2');
  });
});
