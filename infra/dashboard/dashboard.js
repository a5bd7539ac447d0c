// The local dashboard (index.html): draws one Grafana dashboard of infra/grafana/dashboards from the
// Prometheus HTTP API of the same origin, as SVG line charts, and redraws it at the dashboard's
// refresh interval. The boards are the Grafana JSON files themselves (copied next to this page by
// the stack, with boards/index.json listing them), so both show the same queries.
//
// Each panel element tells its state in data attributes: data-state is loading, ok, empty (the
// query returned no series) or error, and data-series counts the series drawn; the body's
// data-draws counts completed redraws of the whole board. The stack's tests read them.
'use strict';

const PALETTE = ['#73bf69', '#f2cc0c', '#5794f2', '#ff9830', '#f2495c', '#b877d9', '#8ab8ff', '#ca95e5', '#fade2a', '#96d98d'];
const SVG = 'http://www.w3.org/2000/svg';
const AXIS_LEFT = 58;
const AXIS_BOTTOM = 18;
const PLOT_TOP = 8;
const ROW_HEIGHT = 34;
const QUERY_TIMEOUT_MS = 20_000;

/** Numbers the way the panel's Grafana unit says. */
function formatValue(value, unit) {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const fixed = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : Number(v.toFixed(2)).toString());
  const scaled = (base, units) => {
    let i = 0;
    let v = value;
    while (Math.abs(v) >= base && i < units.length - 1) {
      v /= base;
      i += 1;
    }
    return `${fixed(v)} ${units[i]}`.trim();
  };
  switch (unit) {
    case 's':
      if (abs === 0) return '0 s';
      if (abs < 1) return `${fixed(value * 1000)} ms`;
      if (abs < 120) return `${fixed(value)} s`;
      return abs < 7200 ? `${fixed(value / 60)} min` : `${fixed(value / 3600)} h`;
    case 'ms':
      return formatValue(value / 1000, 's');
    case 'bytes':
      return scaled(1024, ['B', 'KiB', 'MiB', 'GiB', 'TiB']);
    case 'Bps':
      return `${scaled(1024, ['B', 'KiB', 'MiB', 'GiB'])}/s`;
    case 'ops':
      return `${scaled(1000, ['', 'k', 'M'])}/s`.replace(' /s', '/s');
    case 'reqps':
      return `${scaled(1000, ['', 'k', 'M'])} req/s`.replace('  ', ' ');
    case 'percentunit':
      return `${fixed(value * 100)}%`;
    default:
      return scaled(1000, ['', 'k', 'M', 'G']);
  }
}

/** The legend of one series: the target's legendFormat with {{label}} filled in, as Grafana does. */
function seriesName(legendFormat, metric) {
  if (legendFormat) return legendFormat.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, label) => metric[label] ?? '');
  const { __name__: name = '', ...labels } = metric;
  const inner = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return inner ? `${name}{${inner}}` : name || 'value';
}

/** Round step for an axis over `span` with about `count` ticks (in powers of 1024 for byte units). */
function niceStep(span, count, unit) {
  if ((unit === 'bytes' || unit === 'Bps') && span >= 1024) {
    const scale = 1024 ** Math.min(4, Math.floor(Math.log(span) / Math.log(1024)));
    return niceStep(span / scale, count, 'short') * scale;
  }
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** Grafana's refresh ("10s", "1m", "1h") in seconds; undefined when it is not one. */
function durationSeconds(text) {
  const match = /^(\d+)(s|m|h)$/.exec(text ?? '');
  return match ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2]] : undefined;
}

const TIME_STEPS = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200];

function element(name, attributes = {}, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  if (parent) parent.appendChild(node);
  return node;
}

/** One panel's chart: every series as a polyline over the range, axes with rounded ticks. */
function drawChart(container, series, unit, start, end) {
  container.replaceChildren();
  const width = Math.max(container.clientWidth, 120);
  const height = Math.max(container.clientHeight, 60);
  const svg = element('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none' }, container);
  // A loop, not Math.min(...values): a long range has more points than a call takes arguments.
  let low = 0;
  let high = -Infinity;
  for (const s of series) {
    for (const [, v] of s.points) {
      if (!Number.isFinite(v)) continue;
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  if (!(high > low)) high = low + 1;
  const yStep = niceStep(high - low, 4, unit);
  low = Math.floor(low / yStep) * yStep;
  high = Math.ceil(high / yStep) * yStep;
  const plotWidth = width - AXIS_LEFT - 6;
  const plotHeight = height - AXIS_BOTTOM - PLOT_TOP;
  const x = (t) => AXIS_LEFT + ((t - start) / (end - start)) * plotWidth;
  const y = (v) => PLOT_TOP + (1 - (v - low) / (high - low)) * plotHeight;

  for (let v = low; v <= high + yStep / 2; v += yStep) {
    element('line', { class: 'grid', x1: AXIS_LEFT, x2: width - 6, y1: y(v), y2: y(v) }, svg);
    element('text', { x: AXIS_LEFT - 4, y: y(v) + 3, 'text-anchor': 'end' }, svg).textContent = formatValue(v, unit);
  }
  const tStep = TIME_STEPS.find((s) => (end - start) / s <= Math.max(2, Math.floor(plotWidth / 80))) ?? 86400;
  for (let t = Math.ceil(start / tStep) * tStep; t <= end; t += tStep) {
    const label = new Date(t * 1000).toTimeString().slice(0, 5);
    element('text', { x: x(t), y: height - 4, 'text-anchor': 'middle' }, svg).textContent = label;
  }
  for (const s of series) {
    // A gap in the samples (a missed scrape, a series that came and went) breaks the line.
    let path = '';
    let previous;
    for (const [t, v] of s.points) {
      if (!Number.isFinite(v)) {
        previous = undefined;
        continue;
      }
      path += `${previous === undefined || t - previous > s.step * 2.5 ? 'M' : 'L'}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
      previous = t;
    }
    element('path', { class: 'series', d: path, stroke: s.color }, svg);
  }
}

async function queryRange(expr, start, end, step) {
  const params = new URLSearchParams({ query: expr, start: String(start), end: String(end), step: String(step) });
  // A query that never returns must not hold every later redraw up (they wait for this one).
  const response = await fetch(`../api/v1/query_range?${params}`, { signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
  const body = await response.json().catch(() => ({ status: 'error', error: `HTTP ${response.status}` }));
  if (body.status !== 'success') throw new Error(body.error ?? `HTTP ${response.status}`);
  return body.data.result;
}

function panelElement(panel) {
  const section = document.createElement('section');
  section.className = 'panel';
  section.dataset.title = panel.title;
  section.dataset.state = 'loading';
  const { x = 0, y = 0, w = 12, h = 8 } = panel.gridPos ?? {};
  section.style.gridColumn = `${x + 1} / span ${w}`;
  section.style.gridRow = `${y + 1} / span ${h}`;
  const heading = document.createElement('h2');
  heading.textContent = panel.title;
  if (panel.description) heading.title = panel.description;
  const chart = document.createElement('div');
  chart.className = 'chart';
  const legend = document.createElement('div');
  legend.className = 'legend';
  section.append(heading, chart, legend);
  return section;
}

async function drawPanel(section, panel, start, end, step) {
  const chart = section.querySelector('.chart');
  const legend = section.querySelector('.legend');
  const unit = panel.fieldConfig?.defaults?.unit ?? 'short';
  try {
    const results = await Promise.all(panel.targets.map((t) => queryRange(t.expr, start, end, step)));
    const series = results.flatMap((result, i) =>
      result.map((r) => ({
        name: seriesName(panel.targets[i].legendFormat, r.metric),
        points: r.values.map(([t, v]) => [t, Number(v)]),
        step,
      })),
    );
    series.forEach((s, i) => (s.color = PALETTE[i % PALETTE.length]));
    section.dataset.series = String(series.length);
    delete section.dataset.error;
    if (series.length === 0) {
      section.dataset.state = 'empty';
      chart.replaceChildren(Object.assign(document.createElement('p'), { className: 'message', textContent: 'no data' }));
      legend.replaceChildren();
      return;
    }
    section.dataset.state = 'ok';
    drawChart(chart, series, unit, start, end);
    legend.replaceChildren(
      ...series.map((s) => {
        const last = [...s.points].reverse().find((p) => Number.isFinite(p[1]));
        const item = document.createElement('span');
        item.style.setProperty('--swatch', s.color);
        item.textContent = `${s.name}${last ? `: ${formatValue(last[1], unit)}` : ''}`;
        return item;
      }),
    );
  } catch (error) {
    section.dataset.state = 'error';
    section.dataset.error = error.message;
    section.dataset.series = '0';
    chart.replaceChildren(Object.assign(document.createElement('p'), { className: 'message', textContent: error.message }));
    legend.replaceChildren();
  }
}

async function main() {
  const status = document.getElementById('status');
  const params = new URLSearchParams(location.search);
  const boards = await (await fetch('boards/index.json')).json();
  const chosen = boards.find((b) => b.file === params.get('board')) ?? boards.find((b) => b.file === 'pipeline-overview') ?? boards[0];
  const board = await (await fetch(`boards/${chosen.file}.json`)).json();
  document.title = board.title;
  document.getElementById('title').textContent = board.title;
  document.getElementById('description').textContent = board.description ?? '';
  const range = document.getElementById('range');
  // Only a range the select offers: any other value would leave it empty (and the charts without a span).
  if ([...range.options].some((o) => o.value === params.get('range'))) range.value = params.get('range');
  document.getElementById('boards').replaceChildren(
    ...boards.map((b) => {
      const link = Object.assign(document.createElement('a'), { textContent: b.title });
      link.addEventListener('click', (event) => {
        event.preventDefault();
        location.search = `?board=${encodeURIComponent(b.file)}&range=${range.value}`;
      });
      link.href = `?board=${encodeURIComponent(b.file)}`;
      if (b === chosen) link.setAttribute('aria-current', 'page');
      return link;
    }),
  );
  const main = document.getElementById('panels');
  main.style.gridAutoRows = `${ROW_HEIGHT}px`;
  const panels = board.panels.filter((p) => Array.isArray(p.targets)).map((p) => [p, panelElement(p)]);
  main.replaceChildren(...panels.map(([, section]) => section));

  let draws = 0;
  let drawing = false;
  let again = false;
  async function redraw() {
    // A slow Prometheus must not pile redraws up: one at a time, and one more after it if asked meanwhile.
    if (drawing) {
      again = true;
      return;
    }
    drawing = true;
    try {
      do {
        again = false;
        await drawBoard();
      } while (again);
    } finally {
      drawing = false;
    }
  }
  async function drawBoard() {
    const end = Math.floor(Date.now() / 1000);
    const start = end - Number(range.value);
    const step = Math.max(5, Math.round((end - start) / 240));
    await Promise.all(panels.map(([p, section]) => drawPanel(section, p, start, end, step)));
    const failed = panels.filter(([, s]) => s.dataset.state === 'error').length;
    status.textContent = `${failed === 0 ? 'updated' : `${failed} panels failed,`} ${new Date().toTimeString().slice(0, 8)}`;
    status.classList.toggle('bad', failed > 0);
    draws += 1;
    document.body.dataset.draws = String(draws);
  }
  const refreshSeconds = durationSeconds(board.refresh) ?? 10;
  range.addEventListener('change', () => void redraw());
  window.addEventListener('resize', () => void redraw());
  await redraw();
  setInterval(() => void redraw(), refreshSeconds * 1000);
}

main().catch((error) => {
  const status = document.getElementById('status');
  status.textContent = `cannot load the dashboard: ${error.message}`;
  status.classList.add('bad');
});
