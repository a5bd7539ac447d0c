import fs from 'node:fs';
import { PIPELINE_ROLE_KEYS, PIPELINE_ROLES } from '../../infra/db/pipelineRoles';
import { loadStackConfig } from '../../infra/stack/config';
import { loadStackSecrets } from '../../infra/stack/stackSecrets';
import { findSecretsInLogs } from '../support/secretsInLogs';
import { TEST_JWT } from '../services/writeApiHarness';

/**
 * Runs after every other suite (test/support/faultsLastSequencer.js): the logs of the whole run —
 * PostgreSQL, Kafka, Connect with Debezium, the exporter, Prometheus, the projector and services
 * the stack ran, the supervisor, the processes tests started with a log file — hold no password,
 * no signing key and no bearer token.
 */
const config = loadStackConfig();

it('given the logs of this test run, then no password, signing key or token is in any line of them', () => {
  const secrets = loadStackSecrets(config.stateDir);
  const named: Record<string, string> = {
    "the superuser's password": secrets.superuser,
    "the services' signing key": secrets.jwtSecret,
    "the schema registry's password": secrets.registry,
    "the tests' signing key": TEST_JWT.secret,
    ...Object.fromEntries(PIPELINE_ROLE_KEYS.map((key) => [`${PIPELINE_ROLES[key].name}'s password`, secrets.roles[key]])),
  };
  // The scan covered the parts' logs, not an empty folder.
  expect(fs.readdirSync(config.logDir)).toEqual(expect.arrayContaining(['postgres.log', 'kafka.log', 'connect.log']));
  expect(findSecretsInLogs([config.logDir], named)).toEqual([]);
});
