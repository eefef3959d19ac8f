/**
 * The autoscaling arithmetic of peers-and-load-testing.md §3.5, on worked examples computed by hand.
 */
import { adviseAutoscaling, formatAdvice, KnativeMetric } from '../lib/loadtest';

describe('adviseAutoscaling', () => {
  test('concurrency: the reference example, 40 rps at p95 120 ms', () => {
    const advice = adviseAutoscaling([
      { offeredRps: 10, achievedRps: 10, p95Ms: 60, errorRate: 0 },
      { offeredRps: 40, achievedRps: 40, p95Ms: 120, errorRate: 0 },
      { offeredRps: 20, achievedRps: 20, p95Ms: 80, errorRate: 0 },
      // Past the knee: p95 over the objective and 48 of 60 offered (< 90 %).
      { offeredRps: 60, achievedRps: 48, p95Ms: 400, errorRate: 0 },
    ], { sloP95Ms: 150, peakRps: 200, baselineRps: 20 });
    // C = 40 × 0.12 = 4.8 → containerConcurrency 5; target = floor(0.8 × 4.8 / 0.7) = floor(5.49) = 5;
    // a pod runs at 5 × 0.7 = 3.5 in flight = 3.5 / 0.12 = 29.17 rps; max = ceil(200 / 29.17) + 1 = 8; min = ceil(20 / 29.17) = 1.
    expect(advice.saturation).toEqual({ rps: 40, p95Ms: 120, concurrency: 4.8 });
    expect(advice.props).toEqual({ minReplicas: 1, maxReplicas: 8, containerConcurrency: 5, knative: { metric: KnativeMetric.CONCURRENCY, target: 5, targetUtilizationPercent: 70 } });
    expect(advice.perPodRps).toBeCloseTo(29.167, 3);
  });

  test('rps: the knee is the last step that kept up with its offered rate', () => {
    const advice = adviseAutoscaling([
      { offeredRps: 100, achievedRps: 100, p95Ms: 20, errorRate: 0 },
      { offeredRps: 200, achievedRps: 195, p95Ms: 30, errorRate: 0.001 },
      { offeredRps: 300, achievedRps: 240, p95Ms: 45, errorRate: 0 },
    ], { sloP95Ms: 50, peakRps: 1000, metric: KnativeMetric.RPS, allowScaleToZero: true });
    // 240 < 0.9 × 300: the third step saturated. C = 195 × 0.03 = 5.85 → 6; target = floor(0.8 × 195 / 0.7) = 222;
    // a pod runs at 222 × 0.7 = 155.4 rps; max = ceil(1000 / 155.4) + 1 = 8; no baseline and scale to zero allowed: min 0.
    expect(advice.saturation.rps).toBe(195);
    expect(advice.props).toEqual({ minReplicas: 0, maxReplicas: 8, containerConcurrency: 6, knative: { metric: KnativeMetric.RPS, target: 222, targetUtilizationPercent: 70 } });
    expect(advice.perPodRps).toBeCloseTo(155.4, 3);
  });

  test('errors end the usable range, and 100 % utilization without headroom targets saturation itself', () => {
    const advice = adviseAutoscaling([
      { achievedRps: 40, p95Ms: 120, errorRate: 0 },
      { achievedRps: 50, p95Ms: 130, errorRate: 0.05 },
    ], { sloP95Ms: 150, peakRps: 100, headroom: 0, targetUtilizationPercent: 100, baselineRps: 70 });
    // C = 4.8 → 5; target = min(5, floor(4.8 / 1)) = 4; a pod: 4 / 0.12 = 33.33 rps; max = ceil(3.0) + 1 = 4; min = ceil(70 / 33.33) = 3.
    expect(advice.props).toEqual({ minReplicas: 3, maxReplicas: 4, containerConcurrency: 5, knative: { metric: KnativeMetric.CONCURRENCY, target: 4, targetUtilizationPercent: 100 } });
  });

  test('fails when no step meets the objective, or the inputs are not usable', () => {
    expect(() => adviseAutoscaling([{ achievedRps: 5, p95Ms: 900, errorRate: 0 }], { sloP95Ms: 200, peakRps: 10 }))
      .toThrow('adviseAutoscaling: no step meets the objective (p95 ≤ 200 ms, errors ≤ 1 %): one replica cannot serve even the lowest rate; give it more resources or relax the objective');
    expect(() => adviseAutoscaling([], { sloP95Ms: 0, peakRps: -1, headroom: 1 }))
      .toThrow('adviseAutoscaling: sloP95Ms (0) must be a positive number of milliseconds; peakRps (-1) must be positive; headroom (1) must be at least 0 and below 1; steps must not be empty: run a saturation test first');
  });

  test('formatAdvice prints the props to paste, with the reasoning as comments', () => {
    const text = formatAdvice(adviseAutoscaling([{ offeredRps: 40, achievedRps: 40, p95Ms: 120, errorRate: 0 }], { sloP95Ms: 150, peakRps: 200, baselineRps: 20 }));
    expect(text.split('\n').filter(l => !l.startsWith('//'))).toEqual([
      'minReplicas: 1,',
      'maxReplicas: 8,',
      'containerConcurrency: 5,',
      'knative: { metric: KnativeMetric.CONCURRENCY, target: 5 },',
    ]);
    expect(text).toContain('// in flight at saturation (Little\'s law): 40 rps × 0.12 s = 4.8 → containerConcurrency 5');
  });
});
