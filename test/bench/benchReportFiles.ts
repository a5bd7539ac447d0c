import fs from 'node:fs';
import path from 'node:path';

export interface LatencyAtRate {
  readonly rate: number;
  /** Commands/s the workload generator really completed. */
  readonly achieved: number;
  readonly probes: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Means over the window, from the projector's histograms (seconds → ms). */
  readonly captureMs: number;
  readonly consumeMs: number;
  readonly markToViewMs: number;
}

export interface BenchReport {
  readonly date: string;
  readonly machine: string;
  readonly commit: string;
  readonly size: string;
  /** Each row: what, figure, its ceiling or baseline, the ratio, the goal. */
  readonly rows: ReadonlyArray<{
    readonly what: string;
    readonly figure: string;
    readonly against: string;
    readonly ratio: string;
    readonly goal: string;
  }>;
  readonly latency: readonly LatencyAtRate[];
  readonly raw: Record<string, unknown>;
}

function latencyChart(points: readonly LatencyAtRate[]): string {
  const w = 560;
  const h = 320;
  const pad = { left: 60, right: 20, top: 20, bottom: 50 };
  const maxRate = Math.max(...points.map((p) => p.rate), 1);
  const maxMs = Math.max(...points.flatMap((p) => [p.p99Ms, p.p50Ms]).filter(Number.isFinite), 500) * 1.1;
  const x = (rate: number) => pad.left + (rate / maxRate) * (w - pad.left - pad.right);
  const y = (ms: number) => h - pad.bottom - (ms / maxMs) * (h - pad.top - pad.bottom);
  const line = (key: 'p50Ms' | 'p99Ms', color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map((p) => `${x(p.rate).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ')}"/>` +
    points.map((p) => `<circle cx="${x(p.rate).toFixed(1)}" cy="${y(p[key]).toFixed(1)}" r="3" fill="${color}"/>`).join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * maxMs));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
${ticks.map((t) => `<line x1="${pad.left}" x2="${w - pad.right}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/><text x="${pad.left - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`).join('\n')}
${points.map((p) => `<text x="${x(p.rate)}" y="${h - pad.bottom + 16}" text-anchor="middle">${p.rate}</text>`).join('\n')}
<text x="${(w + pad.left) / 2}" y="${h - 12}" text-anchor="middle">write rate (commands/s asked of the workload generator)</text>
<text transform="translate(16 ${h / 2}) rotate(-90)" text-anchor="middle">commit→view (ms)</text>
<line x1="${pad.left}" x2="${w - pad.right}" y1="${y(500)}" y2="${y(500)}" stroke="#c33" stroke-dasharray="4 3"/><text x="${w - pad.right}" y="${y(500) - 4}" text-anchor="end" fill="#c33">p99 goal 500 ms</text>
${line('p50Ms', '#2a6fdb')}
${line('p99Ms', '#e08a00')}
<text x="${pad.left + 8}" y="${pad.top + 12}" fill="#2a6fdb">p50</text><text x="${pad.left + 40}" y="${pad.top + 12}" fill="#e08a00">p99</text>
</svg>
`;
}

export function reportMarkdown(report: BenchReport): string {
  const lines = [
    `# Benchmark report (${report.size})`,
    '',
    `${report.date}, commit \`${report.commit}\`, ${report.machine}. One run; every ratio is to a figure measured in the same run.`,
    '',
    '| what | figure | against (same run) | ratio | goal |',
    '|---|---|---|---|---|',
    ...report.rows.map((r) => `| ${r.what} | ${r.figure} | ${r.against} | ${r.ratio} | ${r.goal} |`),
    '',
    '## Commit→view against write rate',
    '',
    "Probes: a message committed every 100 ms on probe channels, its conversation row polled every 10 ms on im_read. The parts are the projector histograms' means over the same window.",
    '',
    '| asked rate | achieved | probes | p50 | p99 | capture (commit→Kafka) | consume (Kafka→batch commit) | mark→view |',
    '|---|---|---|---|---|---|---|---|',
    ...report.latency.map(
      (l) =>
        `| ${l.rate}/s | ${l.achieved.toFixed(0)}/s | ${l.probes} | ${l.p50Ms.toFixed(0)} ms | ${l.p99Ms.toFixed(0)} ms | ${l.captureMs.toFixed(0)} ms | ${l.consumeMs.toFixed(0)} ms | ${l.markToViewMs.toFixed(0)} ms |`,
    ),
    '',
    '![commit→view against write rate](latency.svg)',
    '',
  ];
  return lines.join('\n');
}

/** Writes report.md, report.json and latency.svg into `dir`; returns the Markdown's path. */
export function writeReport(dir: string, report: BenchReport): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'latency.svg'), latencyChart(report.latency));
  const md = path.join(dir, 'report.md');
  fs.writeFileSync(md, reportMarkdown(report));
  return md;
}
