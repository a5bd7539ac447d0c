import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadStackConfig } from '../../infra/stack/config';
import { waitFor } from '../../infra/stack/waitFor';

/**
 * The pipeline's Prometheus rules: promtool finds them valid, every alert has a promtool unit
 * test that passes, and the stack's own Prometheus has loaded them and scrapes the slot's
 * metrics, the broker's and Debezium's (through the JMX exporter agent).
 */

const RULES_DIR = path.resolve(__dirname, '..', '..', 'infra', 'prometheus', 'rules');
const rules = path.join(RULES_DIR, 'pipeline.rules.yml');
const tests = path.join(RULES_DIR, 'pipeline.rules.test.yml');
const config = loadStackConfig();
const prometheusUrl = `http://${config.prometheus.host}:${config.prometheus.port}`;

const promtool = (...args: string[]) => spawnSync(config.prometheus.promtool, args, { cwd: RULES_DIR, encoding: 'utf8' });
const alertsIn = (file: string, pattern: RegExp) => [...fs.readFileSync(file, 'utf8').matchAll(pattern)].map((m) => m[1]);

it('promtool checks the rules and their unit tests pass', () => {
  const checked = promtool('check', 'rules', rules);
  expect(checked.stderr + checked.stdout).toContain('SUCCESS');
  expect(checked.status).toBe(0);
  const tested = promtool('test', 'rules', tests);
  expect(tested.stderr + tested.stdout).toContain('SUCCESS');
  expect(tested.status).toBe(0);
});

it('every alert has a unit test', () => {
  const alerts = new Set(alertsIn(rules, /^\s+- alert: (\w+)$/gm));
  const tested = new Set(alertsIn(tests, /^\s+alertname: (\w+)$/gm));
  expect(alerts.size).toBeGreaterThanOrEqual(5);
  expect([...alerts].filter((a) => !tested.has(a))).toEqual([]);
});

it("the stack's Prometheus has loaded every alert and scrapes the replication slot's metrics", async () => {
  const response = await fetch(`${prometheusUrl}/api/v1/rules`);
  const body = (await response.json()) as { data: { groups: Array<{ rules: Array<{ type: string; name: string }> }> } };
  const loaded = body.data.groups.flatMap((g) => g.rules.filter((r) => r.type === 'alerting').map((r) => r.name));
  expect(loaded.sort()).toEqual(alertsIn(rules, /^\s+- alert: (\w+)$/gm).sort());

  const query = encodeURIComponent('pg_replication_slot_retained_wal_bytes{slot_name="im_write_cdc"}');
  const samples = await waitFor(
    async () => {
      const answer = (await (await fetch(`${prometheusUrl}/api/v1/query?query=${query}`)).json()) as { data: { result: unknown[] } };
      return answer.data.result.length > 0 ? answer.data.result : undefined;
    },
    { what: 'Prometheus to scrape the slot metrics', timeoutMs: 60_000, intervalMs: 1000 },
  );
  expect(samples).toHaveLength(1);
});

it("scrapes Kafka's and Connect's JMX exporters: the broker answers, and Debezium says it is connected and streaming", async () => {
  const query = async (expr: string) =>
    (
      (await (await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as {
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      }
    ).data.result;
  const up = await waitFor(
    async () => {
      const found = await query('up{job=~"kafka|connect"}');
      return found.length === 2 && found.every((r) => r.value[1] === '1') ? found : undefined;
    },
    { what: 'Prometheus to scrape Kafka and Connect', timeoutMs: 60_000, intervalMs: 1000 },
  );
  expect(up.map((r) => r.metric.job).sort()).toEqual(['connect', 'kafka']);
  const connected = await waitFor(
    async () => {
      const found = await query('debezium_postgres_connector_metrics_connected{context="streaming"}');
      return found.length > 0 ? found : undefined;
    },
    { what: "Debezium's streaming metrics in Prometheus", timeoutMs: 60_000, intervalMs: 1000 },
  );
  expect(connected[0]?.value[1]).toBe('1');
  expect(await query('debezium_postgres_connector_metrics_millisecondsbehindsource{context="streaming"}')).toHaveLength(1);
});
