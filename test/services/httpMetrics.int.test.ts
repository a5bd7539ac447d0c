import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { createHttpApp } from '../../services/http/httpApp';
import { TEST_GUARDS, TEST_JWT } from './writeApiHarness';

/** The services' /metrics, as Prometheus scrapes it: requests counted by route pattern and status. */

let app: FastifyInstance;
let baseUrl = '';

beforeAll(async () => {
  app = await createHttpApp({
    config: { jwt: TEST_JWT, guards: TEST_GUARDS },
    logger: pino({ level: 'silent' }),
    commands: null,
    queries: null,
  });
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await app.close();
});

it('counts requests by method, route pattern and status, and a refused one apart', async () => {
  await fetch(`${baseUrl}/health`);
  await fetch(`${baseUrl}/health`);
  await fetch(`${baseUrl}/no/such/route`);
  const response = await fetch(`${baseUrl}/metrics`);
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(text).toMatch(/^services_http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} 2$/m);
  expect(text).toMatch(/^services_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1$/m);
  expect(text).toMatch(/^services_process_resident_memory_bytes \d+/m);
});
