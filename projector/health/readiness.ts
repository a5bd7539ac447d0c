import type { CdcHeartbeatState } from '../source/cdcHeartbeatProgress';
import type { RegistryState } from '../decode/registrySchemas';

/** What `/readyz` answers: each check `ok`, or what is wrong and where to look. */
export interface Readiness {
  readonly ready: boolean;
  /** `schemaRegistry` only for a projector that reads Avro. */
  readonly checks: { readonly database: string; readonly cdc: string; readonly schemaRegistry?: string };
}

export interface ReadinessCheckOptions {
  /** The read database, asked `select 1` (the projector's own pool). */
  readonly database: { query(text: string): Promise<unknown> };
  readonly cdc: { state(): CdcHeartbeatState };
  /** The schema registry, as the projector's last ask of it found it. */
  readonly schemaRegistry?: { state(): RegistryState };
  readonly databaseTimeoutMs?: number;
}

const OK = 'ok';
const SEE_STATUS = 'see npm run stack -- status';

/**
 * Readiness of a projector process: it answers (or nothing would), its read database answers,
 * and CDC streams, so what it applies is what the write side commits. A projector with a dead
 * CDC is alive but its views stand still; `/healthz` (liveness) stays 200 then, this does not.
 */
export function createReadinessCheck({ database, cdc, schemaRegistry, databaseTimeoutMs = 2_000 }: ReadinessCheckOptions) {
  async function databaseCheck(): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timed out'>((resolve) => {
      timer = setTimeout(() => resolve('timed out'), databaseTimeoutMs);
    });
    try {
      // A query that outlives the timeout still settles later; race keeps its rejection handled.
      const outcome = await Promise.race([database.query('select 1').then(() => OK), timedOut]);
      return outcome === OK
        ? OK
        : `im_read did not answer select 1 within ${databaseTimeoutMs} ms: PostgreSQL is down or overloaded, or the pool is exhausted — ${SEE_STATUS}`;
    } catch (error) {
      return `im_read refused select 1: ${error instanceof Error ? error.message : String(error)} — ${SEE_STATUS}`;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async check(): Promise<Readiness> {
      const checks = {
        database: await databaseCheck(),
        cdc: cdcCheck(cdc.state()),
        ...(schemaRegistry === undefined ? {} : { schemaRegistry: registryCheck(schemaRegistry.state()) }),
      };
      return { ready: Object.values(checks).every((check) => check === OK), checks };
    },
  };
}

export type ReadinessCheck = ReturnType<typeof createReadinessCheck>;

/** The cdc check's answer for a watch's state. */
export function cdcCheck(state: CdcHeartbeatState): string {
  switch (state.kind) {
    case 'streaming':
      return OK;
    case 'silent':
      return (
        `silent for ${Math.round(state.ageMs / 1000)} s: no Debezium heartbeat reached Kafka; ` +
        `the connector is stopped or its replication slot is lost — ${SEE_STATUS}`
      );
    case 'unknown':
      return `unknown: ${state.reason} — ${SEE_STATUS}`;
    default: {
      const unreachable: never = state;
      throw new Error(`unhandled CDC state ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * The schemaRegistry check's answer: only a registry the projector needed and could not reach is
 * a problem (schemas fetched before keep being used while it is away).
 */
export function registryCheck(state: RegistryState): string {
  if (state.kind !== 'unavailable') return OK;
  return `unavailable for ${Math.round((Date.now() - state.sinceMs) / 1000)} s: ${state.error}; batches that need a schema not fetched yet wait for it — ${SEE_STATUS}`;
}
