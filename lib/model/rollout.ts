/**
 * Where a model rollout stands. The stage is part of the code, so each step of a rollout is a
 * commit, and `git revert` undoes a step (README, "Rolling out a new model version").
 *
 * What each stage writes, with `predictor` the stable model and the rollout's candidate the new one:
 *
 * | stage | Knative mode | Standard mode (KServe 0.20+) |
 * | --- | --- | --- |
 * | `canary(p)` | `spec.predictor` = candidate, `canaryTrafficPercent: p`: Knative keeps the previous rolled-out revision (the stable model) and sends it the rest | `spec.predictor` = stable, `spec.canary` = [candidate with `trafficPercent: p`] |
 * | `PROMOTED` | `spec.predictor` = candidate, no split | `spec.predictor` = candidate, no canary |
 * | `ROLLED_BACK` | `spec.predictor` = candidate, `canaryTrafficPercent: 0`: every request goes to the previous rolled-out revision, the candidate revision stays for inspection | `spec.predictor` = stable, `spec.canary` = [candidate with `trafficPercent: 0`] |
 */
export class RolloutStage {
  /** The candidate gets `percent` % of requests (0 to 100), the stable model the rest. */
  public static canary(percent: number): RolloutStage {
    return new RolloutStage('canary', percent);
  }

  /** The candidate gets every request. The same output as making the candidate the predictor. */
  public static readonly PROMOTED = new RolloutStage('promoted', undefined);

  /** The stable model gets every request again; the candidate stays deployed with none. */
  public static readonly ROLLED_BACK = new RolloutStage('rolled-back', 0);

  private constructor(
    /** `canary`, `promoted` or `rolled-back`. */
    public readonly kind: 'canary' | 'promoted' | 'rolled-back',
    /** Percent of requests the candidate gets, when traffic is split. */
    public readonly candidatePercent: number | undefined,
  ) {}

  /** `canary 10 %`, `promoted`, `rolled-back`. */
  public toString(): string {
    return this.kind === 'canary' ? `canary ${this.candidatePercent} %` : this.kind;
  }
}
