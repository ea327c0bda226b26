import { counter } from './push-figures';

describe('the push figures of a bench run', () => {
  it("adds up a counter's samples over its labels, and no other metric that starts with its name", () => {
    const text = [
      '# HELP ocs_push_notifications_failed_total Push notifications given up',
      'ocs_push_notifications_failed_total{reason="refused"} 3',
      'ocs_push_notifications_failed_total{reason="retries"} 4',
      'ocs_push_notifications_failed_totally 100',
      'ocs_push_notifications_sent_total 12',
    ].join('\n');
    expect(counter(text, 'ocs_push_notifications_failed_total')).toBe(7);
    expect(counter(text, 'ocs_push_notifications_sent_total')).toBe(12);
    expect(counter(text, 'ocs_push_records_skipped_total')).toBe(0);
  });
});
