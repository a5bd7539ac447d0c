import pino from 'pino';
import { createSlowViewLog } from './slowViewLog';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

describe('the slow view log', () => {
  it('given changes that reached their view within a second, then it logs nothing', () => {
    const { log, lines } = capture();
    const slow = createSlowViewLog({ log });
    slow('user_conversation_view', 0.4);
    slow('user_contact_view', 1);
    expect(lines).toEqual([]);
  });

  it('given slow changes, then one warning per view per interval names the view, the slowest and how many', () => {
    const { log, lines } = capture();
    let clock = 0;
    const slow = createSlowViewLog({ log, everyMs: 30_000, now: () => clock });
    slow('user_conversation_view', 1.5);
    slow('user_conversation_view', 4.25);
    slow('user_conversation_view', 2);
    slow('user_contact_view', 3);
    clock = 30_000;
    slow('user_conversation_view', 0.2); // fast, but the burst held back is written now
    expect(lines.map(({ view, seconds, slow: count, msg }) => ({ view, seconds, count, msg }))).toEqual([
      { view: 'user_conversation_view', seconds: 1.5, count: 1, msg: 'commit to view slow' },
      { view: 'user_contact_view', seconds: 3, count: 1, msg: 'commit to view slow' },
      { view: 'user_conversation_view', seconds: 4.25, count: 2, msg: 'commit to view slow' },
    ]);
    slow('user_conversation_view', 0.3);
    expect(lines).toHaveLength(3);
  });
});
