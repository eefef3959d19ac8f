import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { InferenceService, MessageDumper } from '../lib';
import { publishedModelErrors, PUBLISHED_MODEL_KINDS, schemaErrors, schemaSetFor } from './schema';

/**
 * Synthesizes a chart and validates every object against the real schemas for the KServe
 * version of the chart's InferenceServices (0.20 when it has none) and their Knative version. Every test that looks at
 * output goes through here, so nothing is emitted unchecked.
 */
export function synth(chart: Chart): any[] {
  const objects = chart.toJson();
  const targets = chart.node.findAll().filter((c): c is InferenceService | MessageDumper => c instanceof InferenceService || c instanceof MessageDumper);
  const versions = new Set(targets.filter((c): c is InferenceService => c instanceof InferenceService).map(c => c.kserveVersion.minor));
  const knative = new Set(targets.map(c => c.knativeVersion.minor));
  if (versions.size > 1 || knative.size > 1) throw new Error('a test chart must target one KServe and one Knative version');
  const set = schemaSetFor(versions.size === 1 ? [...versions][0] : 20, knative.size === 1 ? [...knative][0] : undefined);
  const published = objects.filter(o => PUBLISHED_MODEL_KINDS.has(`${o.apiVersion}/${o.kind}`));
  const errors = [
    ...objects.filter(o => !published.includes(o)).flatMap(o => schemaErrors(o, set)),
    ...publishedModelErrors(published),
  ];
  if (errors.length > 0) throw new Error(`schema validation failed:\n  ${errors.join('\n  ')}`);
  return objects;
}

/** A fresh chart in a fresh app. */
export function newChart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

/** The one object of a kind. */
export function only(objects: any[], kind: string): any {
  const found = objects.filter(o => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}

/** The container securityContext of `ContainerSecurity.restricted()`, as the Kubernetes docs spell the restricted profile. */
export function restrictedContext(runAsUser?: number): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    ...(runAsUser !== undefined ? { runAsUser } : {}),
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Every file under dir, relative path -> text. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath ?? (entry as any).path, entry.name);
      out[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  }
  return out;
}
