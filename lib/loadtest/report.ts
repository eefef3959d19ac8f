/**
 * The HTML report of a load test or a saturation run: one self-contained file (inline CSS and
 * SVG, no scripts, nothing fetched) that opens in any browser. It is well-formed XML as well, so
 * tests read it with an XML parser.
 */
import { AutoscalingAdvice, formatAdvice } from './advice';
import { LATE_MS, LoadTestResult, SaturationResult } from './runner';

/** What a report shows: one run, or the steps of a saturation run and the advice from them. */
export interface ReportInput {
  readonly title: string;
  /** One line of context under the title, such as the command that ran. */
  readonly subtitle?: string;
  readonly result?: LoadTestResult;
  readonly saturation?: SaturationResult;
  readonly advice?: AutoscalingAdvice;
  /** Why there is no advice, when a saturation run gave none. */
  readonly adviceProblem?: string;
}

function esc(text: string | number): string {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fmt = (n: number | undefined, digits = 1) => (n === undefined || !Number.isFinite(n) ? '-' : n.toFixed(digits));

// ---- Charts ----------------------------------------------------------------------------------

/** A line of a chart: points (x, y); an undefined y breaks the line. */
export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly points: [number, number | undefined][];
  readonly dashed?: boolean;
  /** Hold each value until the next point (counts, such as pods). */
  readonly step?: boolean;
  /** Draw a dot on each point. */
  readonly markers?: boolean;
}

interface Chart {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: ChartSeries[];
  /** Horizontal reference lines, such as an objective. */
  readonly hLines?: { readonly y: number; readonly label: string }[];
  /** Vertical markers, such as the start of each step. */
  readonly vLines?: { readonly x: number; readonly label: string }[];
  /** Force the y axis to show this value (for a y = x reference). */
  readonly yAtLeast?: number;
  /** Force the x axis to show this value (charts of one run share their time axis). */
  readonly xAtLeast?: number;
  /** Whole-number y ticks only (counts). */
  readonly yIntegers?: boolean;
  /**
   * A logarithmic y axis when the values span more than a decade (latencies: a linear axis up to
   * a saturated step's seconds flattens every step below the knee).
   */
  readonly yLogWhenWide?: boolean;
}

/** Round tick values covering [0, max]: steps of 1, 2 or 5 times a power of ten (at least 1 with `integers`). */
export function ticks(max: number, target = 5, integers = false): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(integers ? 1 : 0, [1, 2, 5, 10].map(m => m * power).find(s => s >= raw)!);
  const out: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const W = 760;
const H = 260;
const M = { left: 60, right: 150, top: 30, bottom: 44 };

/** Ticks of a logarithmic axis over [min, max]: 1, 2 and 5 times each power of ten in it. */
export function logTicks(min: number, max: number): number[] {
  const out: number[] = [];
  for (let power = Math.floor(Math.log10(min)); 10 ** power <= max; power++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** power).toPrecision(12));
      if (v >= min && v <= max) out.push(v);
    }
  }
  return out;
}

function chart(c: Chart): string {
  const xs = c.series.flatMap(s => s.points.map(p => p[0])).concat((c.vLines ?? []).map(v => v.x));
  const ys = c.series.flatMap(s => s.points.map(p => p[1]).filter((y): y is number => y !== undefined && Number.isFinite(y)))
    .concat((c.hLines ?? []).map(h => h.y), c.yAtLeast ?? 0);
  // The x axis ends where the data does (a 10 s run is not drawn to 15 s), its ticks within it.
  const xMax = Math.max(1, c.xAtLeast ?? 0, ...xs);
  const xTicks = ticks(xMax).filter(t => t <= xMax * (1 + 1e-9));
  const positive = ys.filter(y => y > 0);
  const log = c.yLogWhenWide === true && positive.length > 0 && Math.max(...positive) / Math.min(...positive) > 10;
  const yMin = log ? 10 ** Math.floor(Math.log10(Math.min(...positive))) : 0;
  const yTicks = log ? logTicks(yMin, Math.max(...positive) * 1.05) : ticks(Math.max(...ys, 0) * 1.05, 5, c.yIntegers);
  const yMax = log ? Math.max(...positive) * 1.05 : yTicks[yTicks.length - 1];
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const X = (x: number) => (M.left + (x / xMax) * pw).toFixed(2);
  const share = (y: number) => (log ? Math.log10(Math.max(y, yMin) / yMin) / Math.log10(yMax / yMin) : y / yMax);
  const Y = (y: number) => (M.top + ph - Math.min(share(y), 1) * ph).toFixed(2);
  const out: string[] = [];
  // The axes' ranges as data attributes, so that a reader (or a test) can map points back to values.
  const axes = `data-x-max="${xMax}" data-y-min="${yMin}" data-y-max="${yMax}" data-y-scale="${log ? 'log' : 'linear'}"`;
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" id="${esc(c.id)}" class="chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(c.title)}" ${axes}>`);
  out.push(`<text x="${M.left}" y="18" class="chart-title">${esc(c.title)}</text>`);
  for (const t of yTicks) out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${Y(t)}" y2="${Y(t)}" class="grid"/><text x="${M.left - 6}" y="${Y(t)}" class="ytick">${esc(t)}</text>`);
  for (const t of xTicks) out.push(`<line x1="${X(t)}" x2="${X(t)}" y1="${M.top + ph}" y2="${M.top + ph + 4}" class="axis"/><text x="${X(t)}" y="${M.top + ph + 16}" class="xtick">${esc(t)}</text>`);
  out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${M.top + ph}" y2="${M.top + ph}" class="axis"/><line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + ph}" class="axis"/>`);
  const yLabel = log ? `${c.yLabel} (log scale)` : c.yLabel;
  out.push(`<text x="${M.left + pw / 2}" y="${H - 6}" class="xlabel">${esc(c.xLabel)}</text><text x="14" y="${M.top + ph / 2}" class="ylabel" transform="rotate(-90 14 ${M.top + ph / 2})">${esc(yLabel)}</text>`);
  for (const v of c.vLines ?? []) out.push(`<line x1="${X(v.x)}" x2="${X(v.x)}" y1="${M.top}" y2="${M.top + ph}" class="marker"/><text x="${Number(X(v.x)) + 3}" y="${M.top + 10}" class="marker-label">${esc(v.label)}</text>`);
  for (const h of c.hLines ?? []) out.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${Y(h.y)}" y2="${Y(h.y)}" class="objective"/><text x="${M.left + pw - 4}" y="${Number(Y(h.y)) - 4}" class="objective-label">${esc(h.label)}</text>`);
  c.series.forEach((s, i) => {
    // Contiguous runs of defined points, each one polyline.
    const runs: [number, number][][] = [[]];
    for (const [x, y] of s.points) {
      if (y === undefined || !Number.isFinite(y)) { if (runs[runs.length - 1].length > 0) runs.push([]); continue; }
      const run = runs[runs.length - 1];
      if (s.step && run.length > 0) run.push([x, run[run.length - 1][1]]);
      run.push([x, y]);
    }
    const style = `stroke="${s.color}"${s.dashed ? ' stroke-dasharray="5 4"' : ''}`;
    out.push(`<g class="series" data-series="${esc(s.name)}">`);
    for (const run of runs.filter(r => r.length > 0)) {
      out.push(`<polyline fill="none" stroke-width="1.8" ${style} points="${run.map(([x, y]) => `${X(x)},${Y(y)}`).join(' ')}"/>`);
      if (s.markers || run.length === 1) for (const [x, y] of run) out.push(`<circle cx="${X(x)}" cy="${Y(y)}" r="3" fill="${s.color}"/>`);
    }
    out.push('</g>');
    const ly = M.top + 6 + i * 18;
    out.push(`<line x1="${W - M.right + 12}" x2="${W - M.right + 36}" y1="${ly}" y2="${ly}" stroke-width="2" ${style}/><text x="${W - M.right + 42}" y="${ly + 4}" class="legend">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

// ---- Timelines -------------------------------------------------------------------------------

/**
 * A run's timeline and pod samples on one time axis, a saturation run's steps one after
 * another. Each second is drawn at its middle, and its counts divided by the time it covers (the
 * last second of a run is usually partial; one under a fifth of a second is left out).
 */
interface Timeline {
  readonly points: { x: number; sentRps: number; okRps: number; failedRps: number; p50?: number; p90?: number; p95?: number; p99?: number }[];
  readonly pods: { x: number; ready: Record<string, number>; total: Record<string, number> }[];
  readonly components: string[];
  readonly podsSampled: boolean;
  readonly podNote?: string;
  readonly steps: { readonly x: number; readonly label: string }[];
  /** Where the time axis ends: the end of the last run. */
  readonly end: number;
}

function timelineOf(results: { result: LoadTestResult; label?: string }[]): Timeline {
  const points: Timeline['points'] = [];
  const pods: Timeline['pods'] = [];
  const steps: Timeline['steps'] = [];
  let offset = 0;
  for (const { result, label } of results) {
    if (label) steps.push({ x: offset, label });
    for (const p of result.timeline) {
      const span = Math.min(1, result.elapsedSeconds - p.second);
      if (span < 0.2) continue;
      points.push({ x: offset + p.second + span / 2, sentRps: p.sent / span, okRps: p.ok / span, failedRps: p.failed / span, p50: p.p50, p90: p.p90, p95: p.p95, p99: p.p99 });
    }
    for (const s of result.pods.samples) pods.push({ x: offset + s.second, ready: s.ready, total: s.total });
    offset += result.elapsedSeconds;
  }
  const first = results[0]?.result;
  return {
    points, pods, steps, end: offset,
    components: first?.pods.components ?? [],
    podsSampled: results.some(r => r.result.pods.sampled),
    podNote: results.map(r => r.result.pods.note).find(n => n !== undefined),
  };
}

const PERCENTILE_COLORS: Record<string, string> = { p50: '#1b9e77', p90: '#7570b3', p95: '#d95f02', p99: '#e7298a' };
const COMPONENT_COLORS = ['#1f78b4', '#33a02c', '#6a3d9a', '#b15928'];

function timelineCharts(t: Timeline, sloP95Ms?: number): string[] {
  const vLines = t.steps.length > 0 ? t.steps : undefined;
  const xAtLeast = t.end;
  const out = [
    chart({
      id: 'latency', title: 'Latency percentiles of successful responses, per second', xLabel: 'seconds', yLabel: 'milliseconds', vLines, xAtLeast, yLogWhenWide: true,
      hLines: sloP95Ms ? [{ y: sloP95Ms, label: `p95 objective ${sloP95Ms} ms` }] : undefined,
      series: (['p50', 'p90', 'p95', 'p99'] as const).map(k => ({ name: k, color: PERCENTILE_COLORS[k], points: t.points.map(p => [p.x, p[k]] as [number, number | undefined]) })),
    }),
    chart({
      id: 'throughput', title: 'Requests per second', xLabel: 'seconds', yLabel: 'requests per second', vLines, xAtLeast,
      series: [
        { name: 'sent', color: '#888888', dashed: true, points: t.points.map(p => [p.x, p.sentRps]) },
        { name: 'ok', color: '#33a02c', points: t.points.map(p => [p.x, p.okRps]) },
        { name: 'failed', color: '#e31a1c', points: t.points.map(p => [p.x, p.failedRps]) },
      ],
    }),
  ];
  if (t.podsSampled && t.pods.length > 0) {
    out.push(chart({
      id: 'pods', title: 'Pods per component (ready; dashed: all, ready or not)', xLabel: 'seconds', yLabel: 'pods', vLines, xAtLeast, yIntegers: true,
      series: t.components.flatMap((c, i) => [
        { name: `${c} ready`, color: COMPONENT_COLORS[i % COMPONENT_COLORS.length], step: true, markers: true, points: t.pods.map(s => [s.x, s.ready[c]] as [number, number]) },
        { name: `${c} all`, color: COMPONENT_COLORS[i % COMPONENT_COLORS.length], step: true, dashed: true, points: t.pods.map(s => [s.x, s.total[c]] as [number, number]) },
      ]),
    }));
  } else {
    out.push(`<p class="note" id="pods">Pods were not counted${t.podNote ? `: ${esc(t.podNote.replace(/^pods not counted: /, ''))}` : ''}.</p>`);
  }
  return out;
}

// ---- Tables ----------------------------------------------------------------------------------

function table(head: string[] | undefined, rows: (string | number)[][], id?: string): string {
  return [
    `<table${id ? ` id="${id}"` : ''}>`,
    ...(head ? [`<thead><tr>${head.map(h => `<th>${esc(h)}</th>`).join('')}</tr></thead>`] : []),
    `<tbody>${rows.map(r => `<tr>${r.map(c => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

function summaryTables(r: LoadTestResult): string[] {
  const l = r.load;
  const load = l.mode === 'rate' ? `${l.rate} requests per second (open loop), at most ${l.connections} in flight` : `${l.connections} concurrent clients (closed loop)`;
  const bounds = [l.durationSeconds !== undefined ? `${l.durationSeconds} s` : undefined, l.count !== undefined ? `${l.count} requests` : undefined].filter(x => x).join(' or ');
  const out = [
    table(undefined, [
      ['target', `POST ${r.target.url}${r.target.path}`],
      ['Host header', r.target.host ?? '(from the URL)'],
      ['request', `${r.target.requestBytes} bytes`],
      ['load', `${load}, for ${bounds}${l.rampUpSeconds ? `, reached over ${l.rampUpSeconds} s` : ''}; timeout ${l.timeoutSeconds} s`],
      ...(r.runners ? [['runners', `${r.runners}, side by side, merged: counts added, percentiles from their latency histograms added together`]] : []),
      ['elapsed', `${fmt(r.elapsedSeconds, 2)} s`],
      ['requests', `${r.requests.sent} sent, ${r.requests.completed} answered, ${r.requests.ok} ok, ${r.requests.failed} failed`],
      ['throughput', `${fmt(r.throughput.rps)} answers per second, ${fmt(r.throughput.okRps)} ok per second`],
      ...(r.aborted ? [['stopped early', r.aborted]] : []),
      ...(r.interrupted ? [['interrupted', 'stopped by hand: the figures cover the requests sent until then']] : []),
      ...(r.sendLagMs ? [['send lag', `requests left p50 ${fmt(r.sendLagMs.p50, 3)} ms, p99 ${fmt(r.sendLagMs.p99, 3)} ms, at most ${fmt(r.sendLagMs.max, 3)} ms after their scheduled time (the runner's own timing)`]] : []),
      ...(r.waitedForConnection > 0 ? [['waited for a connection', `${r.waitedForConnection} requests found all ${l.connections} connections busy: the server fell behind the rate, or --connections is too low; their latency includes the wait`]] : []),
      ...(r.clientLimited ? [['client limited', `over 1 % of requests left more than ${LATE_MS} ms late: this machine could not keep the schedule, so the load offered was less even than asked`]] : []),
    ], 'summary'),
  ];
  const lat = r.latencyMs;
  out.push(lat
    ? table(['latency (ms)', 'min', 'mean', 'p50', 'p90', 'p95', 'p99', 'max'], [[`${lat.count} successful`, fmt(lat.min), fmt(lat.mean), fmt(lat.p50), fmt(lat.p90), fmt(lat.p95), fmt(lat.p99), fmt(lat.max)]], 'latency-table')
    : '<p class="note" id="latency-table">No successful response: no latency figures.</p>');
  out.push(table(['HTTP status', 'responses'], Object.entries(r.statusCodes).map(([k, v]) => [k, v]), 'status-codes'));
  if (Object.keys(r.errors).length > 0) {
    out.push(table(['failure', 'requests'], Object.entries(r.errors).map(([k, v]) => [k, v]), 'errors'));
    out.push('<p>The first failures, by request id (the same id is the <code>ce-id</code> of the logged CloudEvents):</p>');
    out.push(table(['x-request-id', 'failure', 'ms'], r.failures.map(f => [f.requestId, f.error, fmt(f.ms)]), 'failures'));
  }
  return out;
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 980px; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.8em 0; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
th { background: #f3f3f3; } pre { background: #f6f6f6; padding: 0.8em; white-space: pre-wrap; }
.note { color: #555; font-style: italic; } .problem { color: #b00020; }
svg.chart { display: block; margin: 1em 0; }
svg text { font-size: 11px; fill: #333; } .chart-title { font-size: 13px; font-weight: 600; }
.ytick { text-anchor: end; dominant-baseline: middle; } .xtick, .xlabel { text-anchor: middle; }
.ylabel { text-anchor: middle; } .grid { stroke: #eee; } .axis { stroke: #555; }
.marker { stroke: #aaa; stroke-dasharray: 2 3; } .marker-label { fill: #777; font-size: 10px; }
.objective { stroke: #b00020; stroke-dasharray: 6 3; } .objective-label { fill: #b00020; text-anchor: end; font-size: 10px; }
`;

/** The HTML report: summary, failures, and plots of latency percentiles, requests per second and pods over time. */
export function loadTestReport(input: ReportInput): string {
  const body: string[] = [`<h1>${esc(input.title)}</h1>`];
  if (input.subtitle) body.push(`<p><code>${esc(input.subtitle)}</code></p>`);
  const sat = input.saturation;
  if (sat) {
    body.push('<h2>Saturation</h2>');
    body.push(`<p>One replica, at increasing request rates, each for ${esc(sat.steps[0]?.result.load.durationSeconds ?? '-')} s; objective p95 ≤ ${esc(sat.sloP95Ms)} ms with at most ${esc(sat.maxErrorRate * 100)} % failures. The run stops after the first step past saturation.</p>`);
    body.push(table(['offered rps', 'answered rps', 'p50 ms', 'p95 ms', 'p99 ms', 'failed', 'past saturation because'], sat.steps.map(s => [
      s.offeredRps, fmt(s.step.achievedRps), fmt(s.result.latencyMs?.p50), fmt(s.result.latencyMs?.p95), fmt(s.result.latencyMs?.p99), `${fmt(s.step.errorRate * 100)} %`, s.problem ?? '',
    ])
      .concat(sat.skippedRates.map(r => [r, '-', '-', '-', '-', '-', 'not run'])), 'steps'));
    const offered = sat.steps.map(s => s.offeredRps);
    body.push(chart({
      id: 'saturation-throughput', title: 'Answered against offered requests per second', xLabel: 'offered requests per second', yLabel: 'answered per second',
      yAtLeast: Math.max(...offered),
      series: [
        { name: 'offered', color: '#888888', dashed: true, points: [[0, 0], [Math.max(...offered), Math.max(...offered)]] },
        { name: 'answered', color: '#1f78b4', markers: true, points: sat.steps.map(s => [s.offeredRps, s.step.achievedRps]) },
      ],
    }));
    body.push(chart({
      id: 'saturation-latency', title: 'p95 latency against offered requests per second', xLabel: 'offered requests per second', yLabel: 'milliseconds', yLogWhenWide: true,
      hLines: [{ y: sat.sloP95Ms, label: `objective ${sat.sloP95Ms} ms` }],
      series: [{ name: 'p95', color: PERCENTILE_COLORS.p95, markers: true, points: sat.steps.map(s => [s.offeredRps, s.step.p95Ms]) }],
    }));
    body.push('<h2>Autoscaling advice</h2>');
    if (input.advice) {
      body.push('<p>Component props for <code>TritonPredictor</code> or <code>PythonTransformer</code> (peers-and-load-testing.md §3.5):</p>');
      body.push(`<pre id="advice">${esc(formatAdvice(input.advice))}</pre>`);
    } else {
      body.push(`<p class="problem" id="advice">${esc(input.adviceProblem ?? 'No advice: give --peak-rps.')}</p>`);
    }
    body.push('<h2>Over time</h2>');
    body.push(...timelineCharts(timelineOf(sat.steps.map(s => ({ result: s.result, label: `${s.offeredRps} rps` }))), sat.sloP95Ms));
    body.push('<h2>Steps in detail</h2>');
    for (const s of sat.steps) body.push(`<h3>${esc(s.offeredRps)} requests per second</h3>`, ...summaryTables(s.result));
  }
  if (input.result) {
    body.push('<h2>Summary</h2>', ...summaryTables(input.result));
    body.push('<h2>Over time</h2>', ...timelineCharts(timelineOf([{ result: input.result }])));
  }
  return [
    '<!DOCTYPE html>',
    '<html xmlns="http://www.w3.org/1999/xhtml" lang="en">',
    `<head><meta charset="utf-8"/><title>${esc(input.title)}</title><style>${STYLE}</style></head>`,
    '<body>',
    ...body,
    '<p class="note">Written by cdk8s-kserve loadtest. Latency counts from each request\'s scheduled start with a rate (so a server that falls behind shows it) and from its sending with a concurrency.</p>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
