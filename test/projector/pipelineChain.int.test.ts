import path from 'node:path';
import { Pool } from 'pg';
import { waitFor } from '../../infra/stack/waitFor';
import { CHAIN_LINKS, type ChainLink } from '../../projector/operations/pipelineChain';
import { runCli, startCli } from '../support/cliProcess';
import { startInProcessProjector, type InProcessProjector } from '../support/inProcessProjector';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { createGroup, createUsers, freshId, sendMessages } from '../support/writeSide';

/**
 * `npm run projector -- lag` and `npm run stack -- status` on the real stack: the chain from the
 * WAL to the view builder, judged link by link, for a group of the test's own.
 */

const OPERATIONS = path.join('projector', 'operations', 'main.ts');
const STACK = path.join('infra', 'stack', 'main.ts');
const env = stackEnv();
const group = uniqueName('chain');
const cliEnv = { PROJECTOR_GROUP_ID: group, LOG_LEVEL: 'warn' };
const writePool = new Pool({ connectionString: env.writeDatabaseUrl });
const members = [freshId(), freshId()];
const channel = freshId();
let running: InProcessProjector | undefined;

interface ChainJson {
  readonly verdict: string;
  readonly links: readonly ChainLink[];
  readonly group?: string;
  readonly partitions?: ReadonlyArray<{ topic: string; lag: string }> | null;
  readonly parts?: ReadonlyArray<{ name: string; state: string }>;
}

const linkOf = (chain: ChainJson, name: string) => chain.links.find((l) => l.link === name);

beforeAll(async () => {
  running = await startInProcessProjector({ group });
  await createUsers(writePool, members, group);
  await createGroup(writePool, channel, members, 'chain');
  await sendMessages(writePool, channel, members, 2);
  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(running.projector.pool, env.kafkaBrokers, group);
});

afterAll(async () => {
  await running?.stop();
  await writePool.end();
});

it('given a running projector that applied everything, then lag --json finds every link of the chain healthy', async () => {
  // Other suites' projectors share the read database's builder queue: wait for a quiet moment.
  const { chain, status } = await waitFor(
    async () => {
      const run = await runCli(OPERATIONS, ['lag', '--json'], cliEnv);
      const parsed = JSON.parse(run.stdout) as ChainJson;
      if (parsed.verdict !== 'healthy') throw new Error(parsed.links.map((l) => `${l.link} ${l.verdict}: ${l.reason}`).join('; '));
      return { chain: parsed, status: run.status };
    },
    { what: 'a healthy chain', timeoutMs: 90_000, intervalMs: 1000 },
  );
  expect(status).toBe(0);
  expect(chain.links.map((l) => [l.link, l.verdict])).toEqual(CHAIN_LINKS.map((name) => [name, 'healthy']));
  expect(linkOf(chain, 'projector')?.figures).toMatchObject({ group, members: 1, lagRecords: 0 });
  expect(chain.group).toBe(group);
  expect(chain.partitions?.every((p) => p.lag === '0')).toBe(true);
});

it('given the projector stopped and messages written since, then the projector link is stalled, counts the records, and lag exits 3', async () => {
  await running?.stop();
  running = undefined;
  await sendMessages(writePool, channel, members, 3);
  await waitUntilCaptured(writePool);

  const json = await runCli(OPERATIONS, ['lag', '--json'], cliEnv);
  const chain = JSON.parse(json.stdout) as ChainJson;
  expect(json.status).toBe(3);
  expect(chain.verdict).toBe('stalled');
  expect(linkOf(chain, 'projector')).toMatchObject({
    verdict: 'stalled',
    reason: `no member of group ${group} is running: nothing is applied`,
  });
  expect(Number(linkOf(chain, 'projector')?.figures.lagRecords)).toBeGreaterThanOrEqual(3);
  // Upstream of the projector nothing is wrong, and the chain says so.
  expect(linkOf(chain, 'slot')?.verdict).toBe('healthy');
  expect(linkOf(chain, 'kafka')?.verdict).toBe('healthy');

  const text = await runCli(OPERATIONS, ['lag'], cliEnv);
  expect(text.status).toBe(3);
  expect(text.stdout).toMatch(/^projector\s+STALLED\s+\d+ records/m);
  expect(text.stdout).toContain('pipeline: STALLED');
});

it('given --watch, then lag redraws every second until interrupted', async () => {
  let lines: string[] = [];
  const watching = startCli(OPERATIONS, ['lag', '--json', '--watch'], cliEnv, (soFar) => {
    lines = soFar.split('\n').filter((l) => l !== '');
  });
  await waitFor(async () => (lines.length >= 3 ? true : undefined), { what: 'three drawings', timeoutMs: 30_000 });
  watching.kill('SIGINT');
  const run = await watching.done;
  const drawings = run.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ChainJson & { at: string });
  expect(drawings.length).toBeGreaterThanOrEqual(3);
  expect(new Set(drawings.map((d) => d.at)).size).toBe(drawings.length);
  expect(drawings.every((d) => d.links.length === CHAIN_LINKS.length)).toBe(true);
  expect(run.status).toBe(3); // the last drawing still found the projector stalled
});

it('given the stack, then status --json shows its parts beside the chain', async () => {
  const run = await runCli(STACK, ['status', '--json'], cliEnv);
  const status = JSON.parse(run.stdout) as ChainJson;
  expect(status.parts?.find((p) => p.name === 'connector')?.state).toBe('RUNNING');
  expect(status.links.map((l) => l.link)).toEqual([...CHAIN_LINKS]);
  expect(linkOf(status, 'projector')?.verdict).toBe('stalled');
  expect(run.status).toBe(0); // the stack's own parts work; the projector's stall is the chain's to tell
});
