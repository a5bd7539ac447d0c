import { Pool } from 'pg';
import { waitFor } from '../../infra/stack/waitFor';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { createGroup, createUsers, freshId, sendMessages } from '../support/writeSide';
import { startInProcessProjector, type InProcessProjector } from '../support/inProcessProjector';
import type { Projector } from '../../projector/projectorApp';

/**
 * commit→view latency, measured at the view: a message committed on the write side is counted in
 * projector_commit_to_view_seconds{view="user_conversation_view"} once the builder has committed
 * the conversation rows that show it, and the builder's backlog is exported beside it.
 */

const env = stackEnv();
const group = uniqueName('commit_to_view');
const writePool = new Pool({ connectionString: env.writeDatabaseUrl });
const members = [freshId(), freshId()];
const channel = freshId();
let running: InProcessProjector | undefined;
let projector: Projector | undefined;
let metricsUrl = '';

/** A sample of the projector's /metrics, as Prometheus scrapes it. */
async function sample(name: string, labels = ''): Promise<number | undefined> {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

beforeAll(async () => {
  running = await startInProcessProjector({ group });
  projector = running.projector;
  metricsUrl = `${running.url}/metrics`;
  await createUsers(writePool, members, group);
  await createGroup(writePool, channel, members, 'latency');
  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(running.projector.pool, env.kafkaBrokers, group);
});

afterAll(async () => {
  await running?.stop();
  await writePool.end();
});

it("counts a committed message once the conversation rows showing it are committed, and exports the builder backlog and the group's Kafka lag", async () => {
  const view = '{view="user_conversation_view"}';
  const before = (await sample('projector_commit_to_view_seconds_count', view)) ?? 0;
  await sendMessages(writePool, channel, members, 1);
  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(projector!.pool, env.kafkaBrokers, group);
  const after = await waitFor(
    async () => {
      const count = await sample('projector_commit_to_view_seconds_count', view);
      return count !== undefined && count > before ? count : undefined;
    },
    { what: 'commit→view observed for the conversation view', timeoutMs: 30_000 },
  );
  expect(after).toBeGreaterThan(before);
  // Seconds since the source commit: positive and finite, whatever the machine's speed.
  const sum = await sample('projector_commit_to_view_seconds_sum', view);
  expect(sum).toBeGreaterThan(0);
  expect(Number.isFinite(sum)).toBe(true);
  // Kafka's view of the group (committed offsets, what KEDA scales on) catches up too.
  const kafkaLag = await waitFor(
    async () => {
      const lines = (await (await fetch(metricsUrl)).text()).split('\n').filter((l) => l.startsWith('projector_kafka_consumer_group_lag{'));
      const total = lines.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
      return lines.length > 0 && total === 0 ? lines : undefined;
    },
    { what: "the group's Kafka-committed lag to reach 0", timeoutMs: 30_000 },
  );
  expect(kafkaLag.some((l) => l.includes('topic="im.public.messages"'))).toBe(true);
  expect(await sample('projector_builder_marks_waiting')).toBe(0);
  expect(await sample('projector_builder_oldest_mark_age_seconds')).toBe(0);
});

it('splits commit→view into its three parts: capture into Kafka, Kafka to the batch, the batch to the view', async () => {
  const view = '{view="user_conversation_view"}';
  const before = {
    capture: (await sample('projector_capture_seconds_count')) ?? 0,
    consume: (await sample('projector_consume_seconds_count')) ?? 0,
    markToView: (await sample('projector_mark_to_view_seconds_count', view)) ?? 0,
  };
  const partBefore = async (part: string, labels = '') => ({
    sum: (await sample(`${part}_sum`, labels)) ?? 0,
    count: (await sample(`${part}_count`, labels)) ?? 0,
  });
  const sumsBefore = {
    projector_capture_seconds: await partBefore('projector_capture_seconds'),
    projector_consume_seconds: await partBefore('projector_consume_seconds'),
    projector_mark_to_view_seconds: await partBefore('projector_mark_to_view_seconds', view),
  };
  const startedAt = Date.now();
  await sendMessages(writePool, channel, members, 3);
  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(projector!.pool, env.kafkaBrokers, group);
  await waitFor(async () => (((await sample('projector_mark_to_view_seconds_count', view)) ?? 0) > before.markToView ? true : undefined), {
    what: 'the third part observed',
    timeoutMs: 30_000,
  });
  expect(await sample('projector_capture_seconds_count')).toBeGreaterThanOrEqual(before.capture + 3);
  expect(await sample('projector_consume_seconds_count')).toBeGreaterThanOrEqual(before.consume + 3);
  // Kafka's timestamps are Connect's send times, not the source commit copied: capture takes time.
  expect(await sample('projector_capture_seconds_sum')).toBeGreaterThan(0);
  // In seconds (milliseconds would be 1000 times too large): on average no part took much longer
  // than the window. The slack is for what other suites' projectors left waiting in the shared
  // read database, which this member's builder may build in the window.
  const elapsedSeconds = (Date.now() - startedAt) / 1000;
  for (const [part, labels] of [
    ['projector_capture_seconds', ''],
    ['projector_consume_seconds', ''],
    ['projector_mark_to_view_seconds', view],
  ] as const) {
    const sum = ((await sample(`${part}_sum`, labels)) ?? 0) - sumsBefore[part].sum;
    const count = ((await sample(`${part}_count`, labels)) ?? 0) - sumsBefore[part].count;
    expect(count).toBeGreaterThan(0);
    expect(sum).toBeGreaterThanOrEqual(0);
    expect(sum / count).toBeLessThanOrEqual(elapsedSeconds + 60);
  }
});
