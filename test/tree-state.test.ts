/**
 * Validation keeps its state on the constructs, not in module-level maps or flags: two apps in
 * one process do not see each other's checks, suppressions or collecting runs.
 */
import { Testing } from 'cdk8s';
import { InferenceServiceChart, Validation } from '../lib';
import { withoutChecks } from '../lib/core/findings';

const broken = (app = Testing.app()) => {
  // maxReplicas below minReplicas: an error of rule replicas.
  new InferenceServiceChart(app, 'iris', { modelUri: 'pvc://models/iris', predictor: { minReplicas: 3, maxReplicas: 2 } });
  return app;
};

describe('validation state lives on the construct tree', () => {
  test('a synth step of one app with checks switched off leaves another app\'s checks on', () => {
    const quiet = broken();
    const other = broken();
    // Inside app one's collecting run, app two's plain synth still fails on its error.
    expect(() => withoutChecks(quiet, () => other.synth())).toThrow(/\[replicas\] spec\.predictor\.maxReplicas \(2\)/);
    // And app one's own synth in that run is quiet (its checks ran already).
    expect(() => withoutChecks(quiet, () => quiet.synth())).not.toThrow();
    // Once the run is over, app one's checks are back.
    expect(() => quiet.synth()).toThrow(/\[replicas\]/);
  });

  test('findings and suppressions belong to their app', () => {
    const one = broken();
    const two = broken();
    Validation.suppress(one, 'ngc-tag-resolution', 'nvcr.io is in registries-skipping-tag-resolving on this cluster');
    const ngc = (app: ReturnType<typeof broken>) => Validation.findings(app).filter(f => f.rule.id === 'ngc-tag-resolution');
    expect(ngc(one).map(f => f.suppressedBecause)).toEqual(['nvcr.io is in registries-skipping-tag-resolving on this cluster']);
    expect(ngc(two).map(f => f.suppressedBecause)).toEqual([undefined]);
    expect(Validation.findings(one).filter(f => f.rule.id === 'replicas')).toHaveLength(1);
  });
});
