import type { CdcHeartbeatState } from '../source/cdcHeartbeatProgress';
import { createReadinessCheck } from './readiness';

const answering = { query: () => Promise.resolve({ rows: [{ '?column?': 1 }] }) };
const refusing = { query: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:55432')) };
const hanging = { query: () => new Promise<never>(() => undefined) };
const cdcIn = (state: CdcHeartbeatState) => ({ state: () => state });
const streaming = cdcIn({ kind: 'streaming', ageMs: 2_000 });

describe('readiness', () => {
  it('given a database that answers and CDC streaming, then the projector is ready', async () => {
    const readiness = createReadinessCheck({ database: answering, cdc: streaming });
    expect(await readiness.check()).toEqual({ ready: true, checks: { database: 'ok', cdc: 'ok' } });
  });

  it('given silent CDC, then it is not ready, and the cdc check says for how long, why, and where to look', async () => {
    const readiness = createReadinessCheck({ database: answering, cdc: cdcIn({ kind: 'silent', ageMs: 42_400 }) });
    expect(await readiness.check()).toEqual({
      ready: false,
      checks: {
        database: 'ok',
        cdc:
          'silent for 42 s: no Debezium heartbeat reached Kafka; the connector is stopped or its replication slot is lost — ' +
          'see npm run stack -- status',
      },
    });
  });

  it('given CDC in an unknown state, then it is not ready, with the reason', async () => {
    const readiness = createReadinessCheck({
      database: answering,
      cdc: cdcIn({ kind: 'unknown', reason: '__debezium-heartbeat.im does not exist: the connector never streamed (is it registered?)' }),
    });
    expect(await readiness.check()).toEqual({
      ready: false,
      checks: {
        database: 'ok',
        cdc: 'unknown: __debezium-heartbeat.im does not exist: the connector never streamed (is it registered?) — see npm run stack -- status',
      },
    });
  });

  it('given a database that refuses, then it is not ready, with the database error', async () => {
    const readiness = createReadinessCheck({ database: refusing, cdc: streaming });
    expect(await readiness.check()).toEqual({
      ready: false,
      checks: { database: 'im_read refused select 1: connect ECONNREFUSED 127.0.0.1:55432 — see npm run stack -- status', cdc: 'ok' },
    });
  });

  it('given a database that does not answer in time, then it is not ready, naming the timeout', async () => {
    const readiness = createReadinessCheck({ database: hanging, cdc: streaming, databaseTimeoutMs: 5 });
    const { ready, checks } = await readiness.check();
    expect(ready).toBe(false);
    expect(checks.database).toMatch(/^im_read did not answer select 1 within 5 ms/);
  });

  it('given both failing, then both checks name their failure', async () => {
    const readiness = createReadinessCheck({ database: refusing, cdc: cdcIn({ kind: 'silent', ageMs: 31_000 }) });
    const { checks } = await readiness.check();
    expect(checks.database).toMatch(/^im_read refused select 1/);
    expect(checks.cdc).toMatch(/^silent for 31 s/);
  });

  it('given a projector that reads Avro and a registry it could not reach, then it is not ready, saying since when and why', async () => {
    const readiness = createReadinessCheck({
      database: answering,
      cdc: streaming,
      schemaRegistry: {
        state: () => ({ kind: 'unavailable', sinceMs: Date.now() - 31_000, error: 'connect ECONNREFUSED 127.0.0.1:58081' }),
      },
    });
    const { ready, checks } = await readiness.check();
    expect(ready).toBe(false);
    expect(checks.schemaRegistry).toMatch(/^unavailable for 3[01] s: connect ECONNREFUSED 127\.0\.0\.1:58081; batches that need a schema/);
    const answeringRegistry = createReadinessCheck({
      database: answering,
      cdc: streaming,
      schemaRegistry: { state: () => ({ kind: 'answering' }) },
    });
    expect(await answeringRegistry.check()).toEqual({ ready: true, checks: { database: 'ok', cdc: 'ok', schemaRegistry: 'ok' } });
  });
});
