/**
 * The HTML report, read as XML: self-contained, and its plots drawn from the figures (each
 * point's pixel position maps back to its value on the chart's axes).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { adviseAutoscaling, formatAdvice, loadTestReport, LoadTestResult, SaturationResult, ticks } from '../lib/loadtest';

/** A run of 3.1 s: second 1 had no successful response; the 0.1 s tail is too short to plot. */
function result(overrides: Partial<LoadTestResult> = {}): LoadTestResult {
  return {
    target: { url: 'http://127.0.0.1:8080', path: '/v2/models/test/infer', host: 'test.default.example.com', requestBytes: 200 },
    load: { mode: 'rate', rate: 10, connections: 100, durationSeconds: 3, timeoutSeconds: 30 },
    startedAt: '2026-12-02T10:00:00.000Z',
    elapsedSeconds: 3.1,
    requests: { sent: 30, completed: 30, ok: 20, failed: 10 },
    throughput: { rps: 9.677, okRps: 6.452 },
    latencyMs: { count: 20, min: 10, mean: 30, p50: 20, p90: 60, p95: 80, p99: 90, max: 95 },
    statusCodes: { 200: 20, 503: 10 },
    errors: { 'HTTP 503': 10 },
    failures: [{ requestId: 'id-<1>', error: 'HTTP 503', ms: 12.5 }],
    clientLimited: false,
    waitedForConnection: 0,
    timeline: [
      { second: 0, sent: 10, ok: 10, failed: 0, p50: 20, p90: 30, p95: 40, p99: 50 },
      { second: 1, sent: 10, ok: 0, failed: 10 },
      { second: 2, sent: 10, ok: 9, failed: 0, p50: 25, p90: 60, p95: 80, p99: 90 },
      { second: 3, sent: 0, ok: 1, failed: 0, p50: 30, p90: 30, p95: 30, p99: 30 },
    ],
    pods: {
      sampled: true, components: ['transformer', 'predictor'],
      samples: [
        { second: 0, ready: { transformer: 1, predictor: 1 }, total: { transformer: 1, predictor: 1 } },
        { second: 1.5, ready: { transformer: 1, predictor: 1 }, total: { transformer: 1, predictor: 3 } },
        { second: 3, ready: { transformer: 1, predictor: 3 }, total: { transformer: 1, predictor: 3 } },
      ],
    },
    ...overrides,
  };
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false, isArray: name => ['svg', 'g', 'polyline', 'circle', 'table', 'tr', 'td', 'p', 'text', 'line', 'h2', 'h3', 'pre'].includes(name) });

function parse(html: string): any {
  expect(XMLValidator.validate(html.replace(/^<!DOCTYPE html>\n/, ''))).toBe(true);
  return parser.parse(html.replace(/^<!DOCTYPE html>\n/, '')).html;
}

/** The chart's series: name → polylines → points in chart units, via the axis ticks. */
function series(svg: any): Record<string, [number, number][][]> {
  const W = Number(svg.width);
  const H = Number(svg.height);
  const M = { left: 60, right: 150, top: 30, bottom: 44 };
  // The axes' ranges, as the chart states them; a tick's label sits where its value maps to.
  const [xMax, yMin, yMax] = [svg['data-x-max'], svg['data-y-min'], svg['data-y-max']].map(Number);
  const log = svg['data-y-scale'] === 'log';
  const toX = (px: number) => ((px - M.left) / (W - M.left - M.right)) * xMax;
  const toY = (px: number) => {
    const share = (H - M.bottom - px) / (H - M.top - M.bottom);
    return log ? yMin * (yMax / yMin) ** share : share * yMax;
  };
  for (const t of svg.text.filter((x: any) => x.class === 'ytick')) expect(toY(Number(t.y))).toBeCloseTo(Number(t['#text']), 1);
  for (const t of svg.text.filter((x: any) => x.class === 'xtick')) expect(toX(Number(t.x))).toBeCloseTo(Number(t['#text']), 1);
  return Object.fromEntries((svg.g ?? []).map((g: any) => [g['data-series'], (g.polyline ?? []).map((l: any) =>
    l.points.split(' ').map((p: string) => p.split(',').map(Number)).map(([x, y]: number[]) => [Number(toX(x).toFixed(1)), Number(toY(y).toFixed(1))]))]));
}

describe('loadTestReport', () => {
  const html = loadTestReport({ title: 'Load test: default/test entry', subtitle: 'cdk8s-kserve loadtest http://127.0.0.1:8080 --from dist/prod', result: result() });
  const doc = parse(html);
  const svgs: Record<string, any> = Object.fromEntries(doc.body.svg.map((s: any) => [s.id, s]));

  test('is one well-formed, self-contained file: no scripts, nothing fetched', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(/i);
    expect(doc.head.title).toBe('Load test: default/test entry');
    expect(Object.keys(svgs)).toEqual(['latency', 'throughput', 'pods']);
    // Text is escaped: a request id with markup stays text.
    expect(html).toContain('<td>id-&lt;1&gt;</td>');
  });

  test('latency percentiles per second: one line per percentile, drawn at each second\'s middle, broken where no request succeeded', () => {
    const s = series(svgs.latency);
    expect(Object.keys(s)).toEqual(['p50', 'p90', 'p95', 'p99']);
    // Second 1 has no figures: two lines; the 0.1 s tail (second 3) is left out.
    expect(s.p95).toEqual([[[0.5, 40]], [[2.5, 80]]]);
    expect(s.p99).toEqual([[[0.5, 50]], [[2.5, 90]]]);
  });

  test('requests per second: sent, ok and failed per second', () => {
    const s = series(svgs.throughput);
    expect(s.sent).toEqual([[[0.5, 10], [1.5, 10], [2.5, 10]]]);
    expect(s.ok).toEqual([[[0.5, 10], [1.5, 0], [2.5, 9]]]);
    expect(s.failed).toEqual([[[0.5, 0], [1.5, 10], [2.5, 0]]]);
  });

  test('pods per component: ready and all, held until the next sample', () => {
    const s = series(svgs.pods);
    expect(s['predictor ready']).toEqual([[[0, 1], [1.5, 1], [1.5, 1], [3, 1], [3, 3]]]);
    expect(s['predictor all']).toEqual([[[0, 1], [1.5, 1], [1.5, 3], [3, 3], [3, 3]]]);
    expect(s['transformer ready'][0].every(([, y]) => y === 1)).toBe(true);
  });

  test('tables: the summary, latency, statuses and failures with their request ids', () => {
    const tables: Record<string, any> = Object.fromEntries(doc.body.table.map((t: any) => [t.id, t]));
    expect(Object.keys(tables)).toEqual(['summary', 'latency-table', 'status-codes', 'errors', 'failures']);
    const rows = (id: string) => tables[id].tbody.tr.map((tr: any) => tr.td.map((td: any) => String(td)));
    expect(rows('summary')).toContainEqual(['load', '10 requests per second (open loop), at most 100 in flight, for 3 s; timeout 30 s']);
    expect(rows('summary')).toContainEqual(['requests', '30 sent, 30 answered, 20 ok, 10 failed']);
    expect(rows('latency-table')).toEqual([['20 successful', '10.0', '30.0', '20.0', '60.0', '80.0', '90.0', '95.0']]);
    expect(rows('status-codes')).toEqual([['200', '20'], ['503', '10']]);
    expect(rows('failures')).toEqual([['id-<1>', 'HTTP 503', '12.5']]);
  });

  test('pods not counted: the reason instead of the plot', () => {
    const page = parse(loadTestReport({ title: 't', result: result({ pods: { sampled: false, note: 'pods not counted: kubectl not found', components: ['predictor'], samples: [] } }) }));
    expect(page.body.svg.map((s: any) => s.id)).toEqual(['latency', 'throughput']);
    expect(page.body.p.find((p: any) => p.id === 'pods')['#text']).toBe('Pods were not counted: kubectl not found.');
  });

  test('a saturation run: steps, answered and p95 against offered, the objective, the advice, and the steps one after another over time', () => {
    const step = (offeredRps: number, achievedRps: number, p95Ms: number, problem?: string) => ({
      offeredRps, step: { offeredRps, achievedRps, p95Ms, errorRate: 0 }, ...(problem ? { problem } : {}),
      result: result({ elapsedSeconds: 2, load: { mode: 'rate', rate: offeredRps, connections: 100, durationSeconds: 2, timeoutSeconds: 30 }, latencyMs: { count: 1, min: 1, mean: 1, p50: 1, p90: 1, p95: p95Ms, p99: p95Ms, max: p95Ms },
        timeline: [{ second: 0, sent: offeredRps, ok: offeredRps, failed: 0, p50: 1, p90: 1, p95: p95Ms, p99: p95Ms }, { second: 1, sent: offeredRps, ok: achievedRps, failed: 0, p50: 1, p90: 1, p95: p95Ms, p99: p95Ms }] }),
    });
    const run: SaturationResult = { sloP95Ms: 100, maxErrorRate: 0.01, steps: [step(10, 10, 30), step(20, 20, 50), step(40, 30, 400, 'p95 400 ms is over the objective of 100 ms')], skippedRates: [80] };
    const advice = adviseAutoscaling(run.steps.map(s => s.step), { sloP95Ms: 100, peakRps: 100 });
    const page = parse(loadTestReport({ title: 'Saturation run', saturation: run, advice }));
    const byId: Record<string, any> = Object.fromEntries(page.body.svg.map((s: any) => [s.id, s]));
    expect(Object.keys(byId)).toEqual(['saturation-throughput', 'saturation-latency', 'latency', 'throughput', 'pods']);
    expect(series(byId['saturation-throughput']).answered).toEqual([[[10, 10], [20, 20], [40, 30]]]);
    expect(series(byId['saturation-latency']).p95).toEqual([[[10, 30], [20, 50], [40, 400]]]);
    // 30 to 400 ms spans more than a decade: a log axis, so the steps below the knee stay apart.
    expect(byId['saturation-latency']['data-y-scale']).toBe('log');
    expect(byId['saturation-latency'].text.filter((t: any) => t.class === 'ytick').map((t: any) => Number(t['#text']))).toEqual([10, 20, 50, 100, 200]);
    expect(byId['saturation-latency'].text.find((t: any) => t.class === 'ylabel')['#text']).toBe('milliseconds (log scale)');
    // Within a decade the axis stays linear (the single run above: 20 to 95 ms).
    expect(svgs.latency['data-y-scale']).toBe('linear');
    // The objective is drawn at 100 ms.
    expect(byId['saturation-latency'].text.find((t: any) => t.class === 'objective-label')['#text']).toBe('objective 100 ms');
    // Over time, step k starts at 2k seconds, marked with its rate.
    expect(series(byId.throughput).sent[0].map(([x, y]) => [x, y])).toEqual([[0.5, 10], [1.5, 10], [2.5, 20], [3.5, 20], [4.5, 40], [5.5, 40]]);
    expect(byId.throughput.text.filter((t: any) => t.class === 'marker-label').map((t: any) => t['#text'])).toEqual(['10 rps', '20 rps', '40 rps']);
    const steps = page.body.table.find((t: any) => t.id === 'steps').tbody.tr.map((tr: any) => tr.td.map(String));
    expect(steps.map((r: string[]) => [r[0], r[6]])).toEqual([['10', ''], ['20', ''], ['40', 'p95 400 ms is over the objective of 100 ms'], ['80', 'not run']]);
    expect(page.body.pre.find((p: any) => p.id === 'advice')['#text']).toBe(formatAdvice(advice));
  });

  test('axis ticks are round numbers covering the range', () => {
    expect(ticks(97)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(ticks(3.1)).toEqual([0, 1, 2, 3, 4]);
    expect(ticks(0.42)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(ticks(0)).toEqual([0, 1]);
  });
});

test('pod counts get whole-number ticks; the charts of a run share one time axis, which ends with the run', () => {
  expect(ticks(2.1, 5, true)).toEqual([0, 1, 2, 3]);
  const doc = parse(loadTestReport({ title: 't', result: result({ elapsedSeconds: 3.1 }) }));
  expect(doc.body.svg.map((s: any) => s['data-x-max'])).toEqual(['3.1', '3.1', '3.1']);
  const xTicks = doc.body.svg.map((s: any) => s.text.filter((t: any) => t.class === 'xtick').map((t: any) => Number(t['#text'])));
  expect(xTicks).toEqual([[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]]);
  // A 10 s run (10.02 s to its last answer) is drawn to 10.02 s, not to the next round 15.
  const ten = parse(loadTestReport({ title: 't', result: result({ elapsedSeconds: 10.02 }) }));
  expect(ten.body.svg[0]['data-x-max']).toBe('10.02');
  expect(ten.body.svg[0].text.filter((t: any) => t.class === 'xtick').map((t: any) => Number(t['#text']))).toEqual([0, 5, 10]);
  const podTicks = doc.body.svg.find((s: any) => s.id === 'pods').text.filter((t: any) => t.class === 'ytick').map((t: any) => t['#text']);
  expect(podTicks).toEqual(['0', '1', '2', '3', '4']);
});
