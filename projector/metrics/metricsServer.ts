import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Readiness } from '../health/readiness';

export interface MetricsServerOptions {
  readonly registry: Registry;
  readonly readiness: { check(): Promise<Readiness> };
}

/**
 * The projector's HTTP endpoints for its operators: `/metrics` (Prometheus), `/healthz`
 * (liveness: the process answers) and `/readyz` (readiness: 200 or 503, JSON naming each check).
 */
export function createMetricsServer({ registry, readiness }: MetricsServerOptions) {
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/metrics') {
      registry.metrics().then(
        (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    } else if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      readiness.check().then(
        (answer) => response.writeHead(answer.ready ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify(answer)}\n`),
        (error: unknown) =>
          response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ ready: false, error: String(error) })),
      );
    } else {
      response.writeHead(404).end();
    }
  });

  return {
    /** Resolves with the address bound (port 0 picks a free one). */
    listen(port: number, host: string): Promise<{ url: string }> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve({ url: `http://${host.includes(':') ? `[${host}]` : host}:${(server.address() as AddressInfo).port}` });
        });
      });
    },
    close(): Promise<void> {
      return new Promise((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error))));
    },
  };
}

export type MetricsServer = ReturnType<typeof createMetricsServer>;
