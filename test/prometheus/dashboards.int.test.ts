import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Pool } from 'pg';
import pino from 'pino';
import { loadStackConfig } from '../../infra/stack/config';
import { waitFor } from '../../infra/stack/waitFor';
import { createQueryPool } from '../../services/db/queryPool';
import { createHttpApp } from '../../services/http/httpApp';
import { createReadModelQueries } from '../../services/queries/readModelQueries';
import { TEST_GUARDS, TEST_JWT } from '../services/writeApiHarness';
import { waitUntilCaptured, waitUntilCaughtUp } from '../support/projectorProgress';
import { stackEnv, uniqueName } from '../support/stackEnv';
import { createGroup, createUsers, freshId, sendMessages } from '../support/writeSide';
import { startInProcessProjector, type InProcessProjector } from '../support/inProcessProjector';
import { ensureChromium, launchChromium } from '../support/chromium';

/**
 * Every panel of every dashboard in infra/grafana/dashboards, asked of the stack's live Prometheus
 * while the pipeline works: a projector and the services where Prometheus scrapes them (the ports
 * `npm start` uses), messages written all along. A query that returns nothing fails the test.
 * Then the local dashboard page (infra/dashboard, served by that Prometheus) is opened in headless
 * Chromium: every board must draw every panel with data, and each board's screenshot is saved in
 * <stack dir>/screenshots.
 */

const DASHBOARDS = path.resolve(__dirname, '..', '..', 'infra', 'grafana', 'dashboards');
const env = stackEnv();
const stack = loadStackConfig();
const prometheusUrl = `http://${stack.prometheus.host}:${stack.prometheus.port}`;
const screenshots = path.join(stack.stateDir, 'screenshots');
const group = uniqueName('dashboards');
const writePool = new Pool({ connectionString: env.writeDatabaseUrl });
const members = [freshId(), freshId()];
const channel = freshId();
let running: InProcessProjector | undefined;
let services: FastifyInstance | undefined;
let writing = true;
let traffic: Promise<void> = Promise.resolve();

interface Panel {
  readonly title: string;
  readonly targets: ReadonlyArray<{ readonly expr: string }>;
}

const panels = fs
  .readdirSync(DASHBOARDS)
  .filter((f) => f.endsWith('.json'))
  .flatMap((file) => {
    const board = JSON.parse(fs.readFileSync(path.join(DASHBOARDS, file), 'utf8')) as { panels: Panel[] };
    return board.panels.flatMap((p) => p.targets.map((t) => [file, p.title, t.expr] as const));
  });

async function query(expr: string): Promise<unknown[]> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { status: string; error?: string; data?: { result: unknown[] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? response.status}`);
  return body.data?.result ?? [];
}

beforeAll(async () => {
  running = await startInProcessProjector({ group, port: stack.apps.metricsPort });
  const logger = pino({ level: 'silent' });
  services = await createHttpApp({
    config: { jwt: TEST_JWT, guards: TEST_GUARDS },
    logger,
    commands: null,
    queries: createReadModelQueries({ pool: createQueryPool({ databaseUrl: env.readerDatabaseUrl, poolSize: 2, logger }) }),
  });
  await services.listen({ host: '127.0.0.1', port: stack.apps.apiPort });
  await createUsers(writePool, members, group);
  await createGroup(writePool, channel, members, 'dashboards');
  await waitUntilCaptured(writePool);
  await waitUntilCaughtUp(running.projector.pool, env.kafkaBrokers, group);
  // The pipeline at work while the panels are asked: a message and two requests a second.
  traffic = (async () => {
    while (writing) {
      await sendMessages(writePool, channel, members, 1);
      await fetch(`http://127.0.0.1:${stack.apps.apiPort}/health`);
      await fetch(`http://127.0.0.1:${stack.apps.apiPort}/me/conversations`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  await waitFor(async () => ((await query('up{job=~"projector|services"} == 1')).length === 2 ? true : undefined), {
    what: 'Prometheus to scrape the projector and the services',
    timeoutMs: 60_000,
    intervalMs: 1000,
  });
});

afterAll(async () => {
  writing = false;
  await traffic;
  await services?.close();
  await running?.stop();
  await writePool.end();
});

it('has dashboards for the overview and each component', () => {
  expect(fs.readdirSync(DASHBOARDS).sort()).toEqual([
    'kafka-connect.json',
    'pipeline-overview.json',
    'postgres.json',
    'projector.json',
    'services.json',
  ]);
});

it.each(panels)('%s, "%s": %s returns data from the live Prometheus', async (_file, _title, expr) => {
  const result = await waitFor(async () => ((await query(expr)).length > 0 ? await query(expr) : undefined), {
    what: `a result for ${expr}`,
    timeoutMs: 120_000,
    intervalMs: 2000,
  });
  expect(result.length).toBeGreaterThan(0);
});

describe('the local dashboard page', () => {
  // Installed here (apt-get, as root) rather than for the whole run: without it only these fail.
  beforeAll(() => ensureChromium(pino({ level: 'warn' })), 300_000);

  const boards = fs
    .readdirSync(DASHBOARDS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));

  it.each(boards)('draws every panel of %s with data from the live Prometheus', async (board) => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${prometheusUrl}/user/?board=${board}&range=900`);
      const titles = (JSON.parse(fs.readFileSync(path.join(DASHBOARDS, `${board}.json`), 'utf8')) as { panels: Panel[] }).panels.map(
        (p) => p.title,
      );
      // The page redraws at the board's refresh (10 s): wait for a draw in which every panel has data.
      const states = await waitFor(
        async () => {
          const drawn = await page.$$eval('section.panel', (sections) =>
            sections.map((s) => ({
              title: s.getAttribute('data-title'),
              state: s.getAttribute('data-state'),
              series: Number(s.getAttribute('data-series') ?? 0),
              lines: s.querySelectorAll('path.series').length,
              // Lines with coordinates (a series whose every value is NaN, like a quantile of an
              // empty histogram, has none), and lines with bad geometry (a span of 0 gives NaN).
              withPoints: [...s.querySelectorAll('path.series')].filter((p) => /^M-?[\d.]+,-?[\d.]+/.test(p.getAttribute('d') ?? ''))
                .length,
              withNaN: [...s.querySelectorAll('path.series')].filter((p) => (p.getAttribute('d') ?? '').includes('NaN')).length,
              legend: s.querySelector('.legend')?.textContent ?? '',
              error: s.getAttribute('data-error'),
            })),
          );
          const waiting = drawn.filter((d) => d.state !== 'ok' || d.withPoints === 0);
          if (drawn.length > 0 && waiting.length === 0) return drawn;
          throw new Error(waiting.map((d) => `"${d.title}" ${d.state}${d.error === null ? '' : ` (${d.error})`}`).join(', ') || 'no panel');
        },
        { what: `every panel of ${board} drawn with data`, timeoutMs: 90_000, intervalMs: 1000 },
      );
      expect(states.map((s) => s.title)).toEqual(titles);
      // Named, so that a failure says which panel.
      const badlyDrawn = states.filter(
        (s) => s.series === 0 || s.lines !== s.series || s.withPoints === 0 || s.withNaN > 0 || s.legend === '',
      );
      expect(badlyDrawn).toEqual([]);
      expect(await page.textContent('#status')).toMatch(/^updated /);
      expect(pageErrors).toEqual([]);
      fs.mkdirSync(screenshots, { recursive: true });
      await page.screenshot({ path: path.join(screenshots, `${board}.png`), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
