import { withoutSecrets } from './withoutSecrets';
import { setTimeout as sleep } from 'node:timers/promises';
import { PipelineError } from '../infra/errors/pipelineError';
import type { ConnectorDefinition } from './connectorDefinition';

/** A Connect REST call failed; retriable when Connect may answer differently later (5xx, not yet RUNNING). */
export class ConnectorError extends PipelineError {
  constructor(
    message: string,
    readonly connector: string,
    retriable: boolean,
  ) {
    super(message, { retriable });
  }
}

interface ConnectorStatus {
  readonly connector: { readonly state: string; readonly trace?: string };
  readonly tasks: ReadonlyArray<{ readonly id: number; readonly state: string; readonly trace?: string }>;
}

async function expectOk(response: Response, what: string, name: string): Promise<void> {
  if (!response.ok)
    throw new ConnectorError(`${what}: HTTP ${response.status} ${withoutSecrets(await response.text())}`, name, response.status >= 500);
}

/** The Connect REST calls the project needs; idempotent where Connect allows it. */
export function createConnectorRegistry({ connectUrl, timeoutMs = 120_000 }: { connectUrl: string; timeoutMs?: number }) {
  async function call(method: string, pathname: string, body?: unknown): Promise<Response> {
    return fetch(`${connectUrl}${pathname}`, {
      method,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async function status(name: string): Promise<ConnectorStatus | undefined> {
    const response = await call('GET', `/connectors/${encodeURIComponent(name)}/status`);
    if (response.status === 404) return undefined;
    if (!response.ok)
      throw new ConnectorError(`status of ${name}: HTTP ${response.status} ${withoutSecrets(await response.text())}`, name, true);
    // Traces can carry the connector's resolved configuration: no secret leaves this function.
    const found = (await response.json()) as ConnectorStatus;
    const masked = <T extends { trace?: string }>(s: T): T => (s.trace === undefined ? s : { ...s, trace: withoutSecrets(s.trace) });
    return { ...found, connector: masked(found.connector), tasks: found.tasks.map(masked) };
  }

  /** Polls until the connector and every task are RUNNING; a FAILED one ends the wait with its trace. */
  async function waitUntilRunning(name: string): Promise<ConnectorStatus> {
    const deadline = Date.now() + timeoutMs;
    let last: ConnectorStatus | undefined;
    while (Date.now() < deadline) {
      last = await status(name).catch(() => undefined);
      if (last !== undefined) {
        const failed = [last.connector, ...last.tasks].find((s) => s.state === 'FAILED');
        if (failed !== undefined) {
          throw new ConnectorError(`connector ${name} FAILED:\n${failed.trace ?? '(no trace)'}`, name, false);
        }
        if (last.connector.state === 'RUNNING' && last.tasks.length > 0 && last.tasks.every((t) => t.state === 'RUNNING')) {
          return last;
        }
      }
      await sleep(250);
    }
    throw new ConnectorError(`connector ${name} not RUNNING after ${timeoutMs} ms: ${JSON.stringify(last)}`, name, true);
  }

  return {
    status,
    waitUntilRunning,

    /** PUT /connectors/<name>/config: creates or updates, then waits until every task runs. */
    async register(definition: ConnectorDefinition): Promise<ConnectorStatus> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const response = await call('PUT', `/connectors/${encodeURIComponent(definition.name)}/config`, definition.config);
        if (response.ok) break;
        const text = await response.text();
        // 409: the worker group is rebalancing; the same request succeeds a moment later.
        if (response.status === 409 && Date.now() < deadline) {
          await sleep(500);
          continue;
        }
        throw new ConnectorError(
          `registering ${definition.name}: HTTP ${response.status} ${text}`,
          definition.name,
          response.status >= 500,
        );
      }
      return waitUntilRunning(definition.name);
    },

    /** Restarts the connector and every task (Connect 3.0+), then waits until they run. */
    async restart(name: string): Promise<ConnectorStatus> {
      const response = await call('POST', `/connectors/${encodeURIComponent(name)}/restart?includeTasks=true&onlyFailed=false`);
      if (!response.ok)
        throw new ConnectorError(`restarting ${name}: HTTP ${response.status} ${await response.text()}`, name, response.status >= 500);
      return waitUntilRunning(name);
    },

    /** PUT /connectors/<name>/stop (Connect 3.5+): tasks shut down, config kept; waits until STOPPED. */
    async stop(name: string): Promise<void> {
      await expectOk(await call('PUT', `/connectors/${encodeURIComponent(name)}/stop`), `stopping ${name}`, name);
      const deadline = Date.now() + timeoutMs;
      while ((await status(name))?.connector.state !== 'STOPPED') {
        if (Date.now() > deadline) throw new ConnectorError(`connector ${name} not STOPPED after ${timeoutMs} ms`, name, true);
        await sleep(250);
      }
    },

    /** PUT /connectors/<name>/resume: a stopped or paused connector runs again; waits until every task runs. */
    async resume(name: string): Promise<ConnectorStatus> {
      await expectOk(await call('PUT', `/connectors/${encodeURIComponent(name)}/resume`), `resuming ${name}`, name);
      return waitUntilRunning(name);
    },

    /** GET /connectors/<name>/offsets (Connect 3.5+): the source offsets Connect keeps, as JSON text. */
    async offsets(name: string): Promise<string> {
      const response = await call('GET', `/connectors/${encodeURIComponent(name)}/offsets`);
      await expectOk(response, `reading the offsets of ${name}`, name);
      return JSON.stringify(((await response.json()) as { offsets?: unknown }).offsets ?? []);
    },

    /**
     * DELETE /connectors/<name>/offsets (Connect 3.6+, the connector must be STOPPED): the source
     * offsets are forgotten, so the connector starts as if new (Debezium: snapshot.mode decides).
     */
    async deleteOffsets(name: string): Promise<void> {
      await expectOk(await call('DELETE', `/connectors/${encodeURIComponent(name)}/offsets`), `resetting the offsets of ${name}`, name);
    },

    async remove(name: string): Promise<boolean> {
      const response = await call('DELETE', `/connectors/${encodeURIComponent(name)}`);
      if (response.status === 404) return false;
      if (!response.ok) throw new ConnectorError(`deleting ${name}: HTTP ${response.status} ${await response.text()}`, name, true);
      return true;
    },
  };
}

export type ConnectorRegistry = ReturnType<typeof createConnectorRegistry>;
