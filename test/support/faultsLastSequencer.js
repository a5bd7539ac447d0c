// Jest runs the slowest suites first by default. The fault suites break the shared stack on
// purpose (they kill the broker, Connect, PostgreSQL), so they run after every other suite.
const Sequencer = require('@jest/test-sequencer').default;

class FaultsLastSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const isFault = (test) => /[\\/]test[\\/]faults[\\/]/.test(test.path);
    return [...sorted.filter((t) => !isFault(t)), ...sorted.filter(isFault)];
  }
}

module.exports = FaultsLastSequencer;
