import { KpiCounters } from './kpi-counters';

describe('KpiCounters', () => {
  it('content all, set (non-zero) and new (changed since this reader last asked); memory is read, not counted', () => {
    const counters = new KpiCounters(() => 1234);
    counters.session_created += 2;
    counters.message_flex++;
    expect(counters.read('all')).toMatchObject({ session_created: 2, message_flex: 1, session_closed: 0, process_memory: 1234 });
    expect(counters.read('set')).toEqual({ session_created: 2, message_flex: 1, process_memory: 1234 });
    expect(counters.read('new')).toEqual({ session_created: 2, message_flex: 1, process_memory: 1234 });
    counters.message_flex++;
    expect(counters.read('new')).toEqual({ message_flex: 2 });
    expect(counters.read('new', 'log')).toEqual({ session_created: 2, message_flex: 2, process_memory: 1234 });
    counters.reset();
    expect(counters.read('set')).toEqual({ process_memory: 1234 });
  });
});
