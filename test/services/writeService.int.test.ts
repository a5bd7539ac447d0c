import { Client } from 'pg';
import pino from 'pino';
import { waitFor } from '../../infra/stack/waitFor';
import { writeApiOnly, type WriteApiConfig } from '../../services/config';
import { startServices, type RunningServices } from '../../services/startServices';
import { stackEnv } from '../support/stackEnv';
import { TEST_GUARDS, TEST_JWT } from './writeApiHarness';

/** The service as main.ts runs it: listening, and stopping without dropping what is in flight. */

const config: WriteApiConfig = {
  writeDatabaseUrl: stackEnv().writeDatabaseUrl,
  databasePoolSize: 4,
  http: { host: '127.0.0.1', port: 0 },
  jwt: TEST_JWT,
  guards: TEST_GUARDS,
  idWorkerId: Math.floor(Math.random() * 1024),
  logLevel: 'silent',
  shutdownTimeoutMs: 5_000,
};

async function call(service: RunningServices, method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('startServices, the write API alone', () => {
  it('on stop, refuses new requests, finishes the one in flight, then closes the pool', async () => {
    const service = await startServices({ config: writeApiOnly(config), logger: pino({ level: 'silent' }) });
    const blocker = new Client({ connectionString: config.writeDatabaseUrl });
    // A second connection: inside the blocker's transaction pg_stat_activity would stay frozen.
    const observer = new Client({ connectionString: config.writeDatabaseUrl });
    await blocker.connect();
    await observer.connect();
    try {
      const signup = await call(service, 'POST', '/users', undefined, { nickname: 'stopper' });
      const token = signup.body.token;
      const channelId = (await call(service, 'POST', '/groups', token, { name: 'g' })).body.channelId;

      // Hold the channel row so the send below stays in flight inside its transaction.
      await blocker.query('begin');
      await blocker.query('select id from channels where id = $1 for update', [channelId]);
      const inFlight = call(service, 'POST', `/channels/${channelId}/messages`, token, { content: 'last words' });
      await waitFor(
        async () => {
          const waiting = await observer.query(
            `select 1 from pg_stat_activity where application_name = 'im-write-api' and wait_event_type = 'Lock' and query ilike '%from "channels"%'`,
          );
          return waiting.rowCount! > 0 ? true : undefined;
        },
        { what: 'the send to wait for the channel lock', timeoutMs: 10_000, intervalMs: 20 },
      );

      let stopped = false;
      const stopping = service.stop().then(() => {
        stopped = true;
      });
      await waitFor(
        async () => {
          try {
            const reply = await fetch(`${service.url}/health`);
            return reply.status === 503 ? true : undefined;
          } catch {
            return true; // connection refused: no longer listening
          }
        },
        { what: 'the service to refuse new requests', timeoutMs: 10_000, intervalMs: 20 },
      );
      expect(stopped).toBe(false);

      await blocker.query('commit');
      const reply = await inFlight;
      expect(reply.status).toBe(201);
      expect(reply.body.seq).toBe('1');
      await stopping;
      expect(service.writePool?.ended).toBe(true);
      const [stored] = (await blocker.query('select content from messages where channel_id = $1', [channelId])).rows;
      expect(stored).toEqual({ content: 'last words' });
    } finally {
      await blocker.end();
      await observer.end();
      if (service.writePool?.ended === false) await service.stop();
    }
  });
});
