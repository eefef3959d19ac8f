/** What a rollout stage does with traffic. */
export enum RolloutStageKind {
  /** Traffic is split between the stable model and the candidate. */
  CANARY = 'canary',
  /** The candidate gets every request. */
  PROMOTED = 'promoted',
  /** The stable model gets every request; the candidate stays deployed with none. */
  ROLLED_BACK = 'rolled-back',
}

/**
 * Where a model rollout stands. The stage is part of the code, so each step of a rollout is a
 * commit, and `git revert` undoes a step (docs/rollouts.md).
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
    return new RolloutStage(RolloutStageKind.CANARY, percent);
  }

  /** The candidate gets every request. The same output as making the candidate the predictor. */
  public static readonly PROMOTED = new RolloutStage(RolloutStageKind.PROMOTED, undefined);

  /** The stable model gets every request again; the candidate stays deployed with none. */
  public static readonly ROLLED_BACK = new RolloutStage(RolloutStageKind.ROLLED_BACK, 0);

  private constructor(
    /** What the stage does with traffic. */
    public readonly kind: RolloutStageKind,
    /** Percent of requests the candidate gets, when traffic is split. */
    public readonly candidatePercent: number | undefined,
  ) {}

  /** `canary 10 %`, `promoted`, `rolled-back`. */
  public toString(): string {
    return this.kind === RolloutStageKind.CANARY ? `canary ${this.candidatePercent} %` : this.kind;
  }
}
