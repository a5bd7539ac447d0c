import fs from 'node:fs';
import pino from 'pino';
import pretty from 'pino-pretty';
import { loadStackConfig, type StackUrls } from './config';
import { localStack } from './localStack';

const USAGE = `usage: npm run stack -- <command>

  up       start PostgreSQL, Kafka, Connect and register the CDC connector (reuses what runs)
  down     stop every process; data is kept
  status   what runs, its pid and where it listens
  logs     [postgres|kafka|connect] [lines]   the end of a component's log (all three by default)
  reset    stop and wipe data and logs (keeps the downloaded jars)
  env      print the running stack's settings as shell exports: eval "$(npm run -s stack -- env)"
  start    up, then print where each part listens`;

async function main(argv: readonly string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  // Human-readable logs on stderr: stdout stays clean for `env`.
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' }, pretty({ destination: 2, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' }));
  const config = loadStackConfig();
  const stack = localStack({ config, logger });

  switch (command) {
    case 'up':
      await stack.up();
      return 0;
    case 'start': {
      const urls = await stack.up();
      printListening(urls, stack.status().map((s) => ({ name: s.name, log: s.log })));
      return 0;
    }
    case 'down':
      await stack.down();
      return 0;
    case 'reset':
      await stack.reset();
      return 0;
    case 'status': {
      const status = stack.status();
      for (const s of status) {
        console.log(`${s.name.padEnd(9)} ${(s.running ? `running (pid ${s.pid})` : 'stopped').padEnd(22)} ${s.listens.padEnd(24)} ${s.log}`);
      }
      if (status.find((s) => s.name === 'connect')?.running === true) {
        const connector = await stack.registry.status('im-write').catch(() => undefined);
        const tasks = connector?.tasks.map((t) => `task ${t.id} ${t.state}`).join(', ') ?? '';
        console.log(`connector im-write: ${connector === undefined ? 'not registered' : `${connector.connector.state}; ${tasks}`}`);
      }
      return status.every((s) => s.running) ? 0 : 3;
    }
    case 'logs': {
      const files = stack.logFiles();
      const wanted = rest.filter((a) => a in files);
      const lines = Number(rest.find((a) => /^\d+$/.test(a)) ?? 50);
      for (const name of wanted.length > 0 ? wanted : Object.keys(files)) {
        const file = files[name];
        if (file === undefined) continue;
        console.log(`==> ${file} <==`);
        console.log(fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-lines - 1).join('\n') : '(no log yet)');
      }
      return 0;
    }
    case 'env':
      for (const [name, value] of Object.entries(stack.urls)) console.log(`export ${name}='${value}'`);
      return 0;
    case 'help':
    case '--help':
      console.log(USAGE);
      return 0;
    default:
      console.error(`unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

function printListening(urls: StackUrls, logs: ReadonlyArray<{ name: string; log: string }>): void {
  console.log('\nThe pipeline is up:');
  console.log(`  write database  ${urls.WRITE_DATABASE_URL}`);
  console.log(`  read database   ${urls.READ_DATABASE_URL}`);
  console.log(`  kafka           ${urls.KAFKA_BROKERS}`);
  console.log(`  kafka connect   ${urls.CONNECT_URL}  (connector im-write, topics im.public.<table>)`);
  console.log('Logs:');
  for (const l of logs) console.log(`  ${l.name.padEnd(15)} ${l.log}`);
  console.log('Stop with: npm run stack -- down');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
