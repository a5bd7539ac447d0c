import type { Pool } from 'pg';

/**
 * Keeps a process alive when its database server goes away (a crash, a restart, a failover).
 * pg emits 'error' on a client whose connection breaks. The pool listens only while a client is
 * idle in it; a checked-out client (one in a transaction) has no listener, and an unhandled
 * 'error' event ends the process. So every client gets a listener for its whole life: the
 * statement in flight still fails with the error, and the caller's retry (the projector) or
 * its 503 (the services) takes it from there.
 */
export function surviveConnectionLoss(pool: Pool, onIdleError: (error: Error) => void): Pool {
  pool.on('error', onIdleError);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
