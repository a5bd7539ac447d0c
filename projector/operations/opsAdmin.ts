import { Kafka, logLevel, type Admin } from 'kafkajs';

/**
 * A Kafka admin client for one operations command: few, short retries, so that a broker that is
 * down makes the command say so in seconds instead of retrying for half a minute.
 */
export function createOpsAdmin({ brokers, clientId = 'projector-ops' }: { brokers: readonly string[]; clientId?: string }): Admin {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 2, initialRetryTime: 300, maxRetryTime: 2000 },
  }).admin();
}
