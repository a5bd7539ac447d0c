// Jest runs the slowest suites first by default. The fault suites break the shared stack on
// purpose (they kill the broker, Connect, PostgreSQL), so they run after every other suite; the
// scan of the run's logs for secrets (test/security/secretsInLogs) runs after them all.
const Sequencer = require('@jest/test-sequencer').default;

class FaultsLastSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const isFault = (test) => /[\\/]test[\\/]faults[\\/]/.test(test.path);
    const isLogScan = (test) => /[\\/]secretsInLogs\.int\.test\.ts$/.test(test.path);
    const rest = sorted.filter((t) => !isFault(t) && !isLogScan(t));
    return [...rest, ...sorted.filter(isFault), ...sorted.filter(isLogScan)];
  }
}

module.exports = FaultsLastSequencer;
