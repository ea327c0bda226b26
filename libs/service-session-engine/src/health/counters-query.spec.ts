import { KpiCounters } from '@ocs/chat-engine';
import { answerCounters, countersQuery } from './counters-query';

const q = (text: string) => countersQuery(new URLSearchParams(text));
const gms = () => ({ node: 'n1', flexUsers: 3, sessions: 2 });

describe('GET /Counters parameters', () => {
  it('defaults: content=all, every flag false; an invalid value takes the default', () => {
    expect(q('')).toEqual({ reset: false, answer: 'content', content: 'all' });
    expect(q('content=bogus&metadata=maybe&reset=1&prometheus=on')).toEqual({ reset: false, answer: 'content', content: 'all' });
    expect(q('content=SET')).toEqual({ reset: false, answer: 'content', content: 'set' });
  });

  it('true/yes set a flag; metadata ignores content; reset goes with the rest; gms_info ignores everything else', () => {
    expect(q('metadata=yes&content=set&reset=true')).toEqual({ reset: true, answer: 'metadata', content: 'all' });
    expect(q('prometheus=true&content=new')).toEqual({ reset: false, answer: 'prometheus', content: 'new' });
    expect(q('gms_info=true&reset=true&metadata=true')).toEqual({ reset: false, answer: 'gms_info', content: 'all' });
  });

  it('reset is applied before the answer; prometheus text has a HELP, TYPE and sample per counter', () => {
    const counters = new KpiCounters(() => 5);
    counters.session_created = 4;
    const text = answerCounters(counters, q('prometheus=true&content=set'), gms).body;
    expect(text).toContain('# TYPE session_created counter\nsession_created 4\n');
    expect(text).toContain('# TYPE process_memory gauge\nprocess_memory 5\n');
    expect(JSON.parse(answerCounters(counters, q('reset=yes&content=set'), gms).body)).toEqual({ process_memory: 5 });
    expect(answerCounters(counters, q('gms_info=yes'), gms).body).toContain('gms_flex_users{node="n1"} 3');
    const meta = JSON.parse(answerCounters(counters, q('metadata=true'), gms).body);
    expect(meta.counters).toContainEqual(expect.objectContaining({ name: 'process_memory', cumulative: false }));
  });
});
