import { Duration } from 'cdk8s';

/**
 * Go durations (`time.ParseDuration`), the one place they are written and read: Flux intervals,
 * External Secrets refresh intervals and Knative's duration annotations use them.
 */

/** A Duration in the largest whole unit Go writes: `1h`, `10m`, `90s`. */
export function goDuration(d: Duration): string {
  const seconds = d.toSeconds({ integral: false });
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** A Duration in seconds (`90s`, `1.5s`): fractions are kept for the checks to report. */
export function goSeconds(d: Duration): string {
  return `${d.toSeconds({ integral: false })}s`;
}

/** The seconds of a Go duration string (`1m30s`, `500ms`, or `0`), or undefined when it is not one. */
export function parseGoDuration(v: string): number | undefined {
  if (!/^([0-9]*\.?[0-9]+(ns|us|µs|ms|s|m|h))+$/.test(v)) return v === '0' ? 0 : undefined;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const m of v.matchAll(/([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * unit[m[2]];
  return total;
}
