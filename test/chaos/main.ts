import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { surviveConnectionLoss } from '../../infra/db/connectionLoss';
import pino from 'pino';
import { loadStackConfig } from '../../infra/stack/config';
import { injectFault, FAULTS, FAULT_PART, type Fault } from '../../infra/stack/faultInjection';
import { createLocalStack } from '../../infra/stack/localStack';
import { CORE_PARTS } from '../../infra/stack/partHealth';
import { waitFor } from '../../infra/stack/waitFor';
import { createReadPool } from '../../projector/db/readPool';
import { verifyViews } from '../../projector/verify/verifyViews';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { createSeededRandom } from '../../services/workload/seededRandom';
import { createGroup, createUsers, freshId } from '../support/writeSide';

const USAGE = `usage: npm run chaos -- [--kills N] [--seed S] [--rate R]

Runs the pipeline (npm start), drives the workload generator against its API, and kills a
random component at a random moment, N times. After each kill it measures the time until a
write made after the kill shows in its view row, then pauses the workload, lets the pipeline
catch up and runs verify. Prints a table per component. Run it on a stack of its own
(STACK_DIR and the STACK_*_PORT settings): it breaks the stack on purpose.`;

const CHAOS_FAULTS: readonly Fault[] = FAULTS;

interface KillResult {
  readonly fault: Fault;
  readonly recoverySeconds: number;
  readonly divergentRows: number;
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { kills: { type: 'string' }, seed: { type: 'string' }, rate: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const kills = Number(values.kills ?? 10);
  const seed = Number(values.seed ?? Math.floor(Math.random() * 2 ** 31));
  const rate = Number(values.rate ?? 50);
  if (!Number.isInteger(kills) || kills < 1 || !Number.isInteger(seed) || !Number.isInteger(rate) || rate < 1) {
    console.error(`--kills, --seed and --rate take positive integers\n\n${USAGE}`);
    return 2;
  }
  const rng = createSeededRandom(seed);
  const random = () => rng.next();
  const logger = pino({ level: 'warn' });
  const config = loadStackConfig();
  const stack = createLocalStack({ config, logger });
  const urls = await stack.start();
  const writePool = surviveConnectionLoss(
    new Pool({ connectionString: urls.WRITER_DATABASE_URL, max: 2, connectionTimeoutMillis: 2000 }),
    () => undefined,
  );
  const read = createReadPool(urls.PROJECTOR_DATABASE_URL, 2, () => undefined);
  const deadLettersBefore = await countDeadLetters(read);
  console.log(`chaos: ${kills} kills, seed ${seed}, workload ${rate} commands/s against ${stack.apps.apiUrl}`);

  // A probe channel: a write after each kill, and the time until its view row shows it.
  const probeUser = freshId();
  const probeChannel = freshId();
  await createUsers(writePool, [probeUser], 'chaos-probe');
  await createGroup(writePool, probeChannel, [probeUser], 'chaos-probe');

  const workload = spawn(
    process.execPath,
    [
      '--import',
      path.join(config.rootDir, 'node_modules', 'tsx', 'dist', 'loader.mjs'),
      path.join(config.rootDir, 'services', 'workload', 'main.ts'),
      '--url',
      stack.apps.apiUrl,
      '--users',
      '100',
      '--rate',
      String(rate),
      '--duration',
      String(kills * 120),
      '--seed',
      String(seed),
    ],
    { cwd: config.rootDir, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const results: KillResult[] = [];
  try {
    await sleep(10_000);
    for (let i = 1; i <= kills; i += 1) {
      await sleep(3000 + random() * 15_000);
      const fault = CHAOS_FAULTS[Math.floor(random() * CHAOS_FAULTS.length)]!;
      const killedAt = Date.now();
      await injectFault(stack, fault);
      const seq = await writeProbe(writePool, probeChannel, probeUser);
      await waitFor(async () => ((await probeVisible(read, probeUser, probeChannel, seq)) ? true : undefined), {
        what: `the probe after ${fault}`,
        timeoutMs: 300_000,
        intervalMs: 250,
      });
      const recoverySeconds = (Date.now() - killedAt) / 1000;
      await waitFor(
        async () =>
          (await stack.health()).filter((p) => CORE_PARTS.includes(p.name)).every((p) => p.state === 'RUNNING') ? true : undefined,
        { what: 'every part working', timeoutMs: 300_000, intervalMs: 1000 },
      );

      workload.kill('SIGSTOP');
      let divergentRows: number;
      try {
        divergentRows = await settleAndVerify(
          writePool,
          read,
          urls.KAFKA_BROKERS,
          urls.VERIFIER_WRITE_DATABASE_URL,
          urls.VERIFIER_READ_DATABASE_URL,
          logger,
        );
      } finally {
        workload.kill('SIGCONT');
      }
      results.push({ fault, recoverySeconds, divergentRows });
      console.log(
        `kill ${String(i).padStart(3)}: ${fault.padEnd(15)} recovered in ${recoverySeconds.toFixed(1).padStart(6)} s, divergent rows ${divergentRows}`,
      );
    }
  } finally {
    workload.kill('SIGTERM');
  }
  const finalDivergent = await settleAndVerify(
    writePool,
    read,
    urls.KAFKA_BROKERS,
    urls.VERIFIER_WRITE_DATABASE_URL,
    urls.VERIFIER_READ_DATABASE_URL,
    logger,
  );
  const deadLetters = (await countDeadLetters(read)) - deadLettersBefore;
  await writePool.end();
  await read.end();

  console.log(
    `\n${'component'.padEnd(11)} ${'fault'.padEnd(15)} ${'kills'.padStart(5)} ${'longest recovery'.padStart(17)} ${'median'.padStart(8)} ${'divergent rows'.padStart(15)}`,
  );
  for (const fault of CHAOS_FAULTS) {
    const mine = results.filter((r) => r.fault === fault);
    if (mine.length === 0) continue;
    const times = mine.map((r) => r.recoverySeconds).sort((a, b) => a - b);
    console.log(
      `${FAULT_PART[fault].padEnd(11)} ${fault.padEnd(15)} ${String(mine.length).padStart(5)} ${`${times[times.length - 1]!.toFixed(1)} s`.padStart(17)} ${`${times[Math.floor((times.length - 1) / 2)]!.toFixed(1)} s`.padStart(8)} ${String(mine.reduce((s, r) => s + r.divergentRows, 0)).padStart(15)}`,
    );
  }
  console.log(`\nafter the run: ${finalDivergent} divergent rows (verify, every view), ${deadLetters} new dead letters, seed ${seed}`);
  return finalDivergent === 0 && deadLetters === 0 && results.every((r) => r.divergentRows === 0) ? 0 : 1;
}

async function writeProbe(pool: Pool, channel: bigint, user: bigint): Promise<number> {
  return waitFor(
    async () => {
      const { rows } = await pool.query<{ seq: string }>(
        `insert into messages (id, channel_id, seq, sender_id, content)
         select $1, $2, coalesce(max(seq), 0) + 1, $3, 'probe' from messages where channel_id = $2 returning seq::text`,
        [String(freshId()), String(channel), String(user)],
      );
      return Number(rows[0]!.seq);
    },
    { what: 'the probe write', timeoutMs: 300_000, intervalMs: 250 },
  );
}

async function probeVisible(read: Pool, user: bigint, channel: bigint, seq: number): Promise<boolean> {
  const { rows } = await read.query<{ seq: bigint }>(
    'select last_message_seq as seq from user_conversation_view where user_id = $1 and channel_id = $2',
    [String(user), String(channel)],
  );
  return rows[0] !== undefined && rows[0].seq >= BigInt(seq);
}

async function settleAndVerify(
  writePool: Pool,
  read: Pool,
  brokers: string,
  writeUrl: string,
  readUrl: string,
  logger: pino.Logger,
): Promise<number> {
  await waitUntilCaptured(writePool, 300_000);
  await waitUntilCaughtUp(read, [brokers], 'im-projector', 300_000);
  const result = await verifyViews({ writeUrl, readUrl, logger });
  return result.views.reduce((sum, v) => sum + v.missing + v.unexpected + v.differing, 0);
}

async function countDeadLetters(read: Pool): Promise<number> {
  const { rows } = await read.query<{ n: string }>('select count(*)::text as n from projection_dead_letters');
  return Number(rows[0]!.n);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
