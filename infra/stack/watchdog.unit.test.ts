import pino from 'pino';
import type { ConnectorHealth, SlotState } from './connectorHealth';
import type { PartHealth, PartName, PartState } from './partHealth';
import { createWatchdog } from './watchdog';

/** A stack whose health the test sets, recording what the watchdog does to it. */
function fakeStack() {
  const calls: string[] = [];
  let parts: PartHealth[] = [];
  return {
    calls,
    set(states: Partial<Record<PartName, PartState>>, connector?: ConnectorHealth, kafkaStartedAt = 0): void {
      const names: PartName[] = ['postgres', 'kafka', 'connect', 'connector', 'projector', 'services', 'supervisor'];
      parts = names.map((name) => ({
        name,
        state: states[name] ?? 'RUNNING',
        reason: 'test',
        listens: '',
        log: '',
        ...(name === 'kafka' ? { startedAt: kafkaStartedAt } : {}),
        ...(name === 'connector' && connector !== undefined ? { connector } : {}),
      }));
    },
    stack: {
      health: async () => parts,
      startPart: async (name: PartName) => void calls.push(`start ${name}`),
      terminateSlotHolder: async (pid: number) => (calls.push(`terminate ${pid}`), true),
      restartConnectorTasks: async () => (calls.push('restart task'), undefined as never),
      restartConnect: async () => void calls.push('restart connect'),
    },
  };
}

const slot = (holderSinceMs: number | null, walStatus = 'reserved'): SlotState => ({
  name: 'im_write_cdc',
  active: holderSinceMs !== null,
  holder: holderSinceMs === null ? null : { pid: 42, since: new Date(holderSinceMs).toISOString(), sinceMs: holderSinceMs },
  walStatus,
  confirmedLsn: '0/1',
  retainedBytes: 0,
  safeWalBytes: null,
});
const stalled = (s: SlotState | null, lost = false): ConnectorHealth => ({
  state: 'STALLED',
  reason: 'nothing reached Kafka',
  slot: s,
  lost,
});
const running: ConnectorHealth = { state: 'RUNNING', reason: 'streaming', slot: slot(1000), atRisk: false };

function setUp() {
  let clock = 100_000;
  const fake = fakeStack();
  const dog = createWatchdog({ stack: fake.stack, logger: pino({ level: 'silent' }), now: () => clock });
  return { fake, dog, advance: (ms: number) => (clock += ms), now: () => clock };
}

test('given a dead broker, when a round runs, then the broker is started, and not again before its backoff', async () => {
  const { fake, dog, advance } = setUp();
  fake.set({ kafka: 'DOWN', connector: 'DOWN' }, { state: 'DOWN', reason: 'needs kafka', notRegistered: false });
  await dog.round();
  await dog.round();
  expect(fake.calls).toEqual(['start kafka']);
  advance(1500);
  await dog.round();
  expect(fake.calls).toEqual(['start kafka', 'start kafka']);
});

test('given a stalled connector whose slot holder connected before the broker started, when a round runs, then that walsender is ended and Connect restarted at once', async () => {
  const { fake, dog, now } = setUp();
  fake.set({ connector: 'STALLED' }, stalled(slot(now() - 60_000)), now() - 30_000);
  const { actions } = await dog.round();
  expect(fake.calls).toEqual(['terminate 42', 'restart connect']);
  expect(actions.map((a) => a.part)).toEqual(['connect']);
});

test('given a stalled connector with a recent slot holder, when it stays stalled, then the task is restarted first and Connect only after the bound', async () => {
  const { fake, dog, advance, now } = setUp();
  fake.set({ connector: 'STALLED' }, stalled(slot(now() - 5_000)), now() - 600_000);
  await dog.round();
  expect(fake.calls).toEqual(['terminate 42', 'restart task']);
  advance(10_000);
  await dog.round();
  expect(fake.calls).toHaveLength(2);
  advance(15_000);
  await dog.round();
  expect(fake.calls).toEqual(['terminate 42', 'restart task', 'restart connect']);
});

test('given a connector that streams again, when it later stalls, then healing starts over from the first step', async () => {
  const { fake, dog, advance, now } = setUp();
  fake.set({ connector: 'STALLED' }, stalled(slot(null)), now() - 600_000);
  await dog.round();
  fake.set({}, running);
  await dog.round();
  advance(60_000);
  fake.set({ connector: 'STALLED' }, stalled(slot(null)), now() - 600_000);
  await dog.round();
  expect(fake.calls).toEqual(['restart task', 'restart task']);
});

test('given a lost slot, when rounds run, then nothing is restarted (a restart cannot bring the WAL back)', async () => {
  const { fake, dog, advance } = setUp();
  fake.set({ connector: 'STALLED' }, stalled(slot(null, 'lost'), true));
  await dog.round();
  advance(120_000);
  await dog.round();
  expect(fake.calls).toEqual([]);
});

test('given the broker was just started, when the connector is stalled, then it is left to settle first', async () => {
  const { fake, dog, advance, now } = setUp();
  fake.set({ kafka: 'DOWN' }, { state: 'DOWN', reason: 'needs kafka', notRegistered: false });
  await dog.round();
  fake.set({ connector: 'STALLED' }, stalled(slot(null)), now());
  await dog.round();
  expect(fake.calls).toEqual(['start kafka']);
  advance(11_000);
  await dog.round();
  expect(fake.calls).toEqual(['start kafka', 'restart task']);
});

test('given an app that died and one stopped on purpose, when a round runs, then only the dead one is started', async () => {
  const { fake, dog } = setUp();
  fake.set({ projector: 'DOWN', services: 'STOPPED' }, running);
  await dog.round();
  expect(fake.calls).toEqual(['start projector']);
});

test('given a stack in Avro whose registry does not answer, when the connector has FAILED, then its task is not restarted until the registry is back, and its backoff starts over once it runs', async () => {
  let clock = 100_000;
  const fake = fakeStack();
  const dog = createWatchdog({
    stack: { ...fake.stack, health: () => fake.stack.health(), cdcFormat: 'avro' },
    logger: pino({ level: 'silent' }),
    now: () => clock,
  });
  const failed: ConnectorHealth = { state: 'FAILED', reason: 'task FAILED: RestClientException' };
  const baseHealth = fake.stack.health;
  const withRegistry = (registry: PartState, connector: ConnectorHealth) => {
    fake.set({ connector: connector.state === 'RUNNING' ? 'RUNNING' : 'DOWN' }, connector);
    return async () => [
      ...(await baseHealth()),
      // DOWN with a pid: its process runs but does not answer yet (starting): not started again.
      { name: 'schema-registry' as PartName, state: registry, reason: 'test', listens: '', log: '', pid: 1234 },
    ];
  };
  fake.stack.health = withRegistry('DOWN', failed);
  await dog.round();
  expect(fake.calls.filter((c) => c === 'restart task')).toEqual([]);

  fake.stack.health = withRegistry('RUNNING', failed);
  await dog.round();
  expect(fake.calls.filter((c) => c === 'restart task')).toHaveLength(1);
  // Failing again at once waits out its backoff; running again clears it.
  await dog.round();
  expect(fake.calls.filter((c) => c === 'restart task')).toHaveLength(1);
  fake.stack.health = withRegistry('RUNNING', running);
  await dog.round();
  clock += 1;
  fake.stack.health = withRegistry('RUNNING', failed);
  await dog.round();
  expect(fake.calls.filter((c) => c === 'restart task')).toHaveLength(2);
});
