import { loadConnectorDefinition } from '../../connectors/connectorDefinition';
import { createConnectorRegistry } from '../../connectors/connectorRegistry';
import { waitFor } from '../../infra/stack/waitFor';
import type { Readiness } from '../../projector/health/readiness';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { startInProcessProjector, type InProcessProjector } from '../support/inProcessProjector';

/**
 * A projector whose CDC died (a stopped connector, a lost replication slot) is alive, but its
 * views stand still: /readyz answers 503 and says why, and 200 again once heartbeats come back.
 * The shared stack's connector is paused through Connect's REST API, which stops its records,
 * heartbeats included, from reaching Kafka; it is resumed whatever happens.
 */

const env = stackEnv();
const group = uniqueName('readyz');
const connector = loadConnectorDefinition().name;
const connectors = createConnectorRegistry({ connectUrl: env.connectUrl, timeoutMs: 60_000 });
// Debezium beats every 5 s: silence after 10 s (not 30) keeps the test short.
const SILENT_AFTER_MS = 10_000;
let running: InProcessProjector | undefined;
let baseUrl = '';

async function readyz(): Promise<{ status: number; body: Readiness }> {
  const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: (await response.json()) as Readiness };
}

async function heartbeatAgeSeconds(): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
  const line = text.split('\n').find((l) => l.startsWith('projector_cdc_heartbeat_age_seconds '));
  if (line === undefined) throw new Error('projector_cdc_heartbeat_age_seconds is not exported');
  return Number(line.split(' ')[1]);
}

const waitForReadyz = (what: string, accept: (answer: { status: number; body: Readiness }) => boolean) =>
  waitFor(
    async () => {
      const answer = await readyz();
      return accept(answer) ? answer : undefined;
    },
    { what, timeoutMs: 60_000 },
  );

async function connectorCommand(command: 'pause' | 'resume'): Promise<void> {
  const response = await fetch(`${env.connectUrl}/connectors/${encodeURIComponent(connector)}/${command}`, {
    method: 'PUT',
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new Error(`${command} ${connector}: HTTP ${response.status} ${await response.text()}`);
}

beforeAll(async () => {
  running = await startInProcessProjector({ group, cdcHeartbeat: { pollIntervalMs: 250, silentAfterMs: SILENT_AFTER_MS } });
  baseUrl = running.url;
});

afterAll(async () => {
  // Later tests need the shared connector streaming, whatever happened here.
  await connectorCommand('resume');
  await connectors.waitUntilRunning(connector);
  await running?.stop();
});

it('given CDC that stops heartbeating, then /readyz answers 503 naming the cdc check; once heartbeats come back, 200 again', async () => {
  const ready = await waitForReadyz('readyz 200 with CDC streaming', (a) => a.status === 200);
  expect(ready.body).toEqual({ ready: true, checks: { database: 'ok', cdc: 'ok' } });

  await connectorCommand('pause');
  try {
    const silent = await waitForReadyz('readyz 503 with CDC silent', (a) => a.status === 503 && a.body.checks.cdc.startsWith('silent'));
    expect(silent.body).toEqual({
      ready: false,
      checks: {
        database: 'ok',
        cdc: expect.stringMatching(
          /^silent for \d+ s: no Debezium heartbeat reached Kafka; the connector is stopped or its replication slot is lost — see npm run stack -- status$/,
        ),
      },
    });
    // Silent means no advance seen for longer than the threshold, so the metric says as much.
    expect(await heartbeatAgeSeconds()).toBeGreaterThan(SILENT_AFTER_MS / 1000);
  } finally {
    await connectorCommand('resume');
  }

  const back = await waitForReadyz('readyz 200 after the connector resumed', (a) => a.status === 200);
  expect(back.body).toEqual({ ready: true, checks: { database: 'ok', cdc: 'ok' } });
});
