import { Size } from 'cdk8s';

/**
 * An amount of CPU, in Kubernetes quantity terms.
 */
export class Cpu {
  /** Whole or fractional cores: `Cpu.cores(1.5)` is `1500m`. */
  public static cores(amount: number): Cpu {
    return Cpu.millis(amount * 1000);
  }

  /** Thousandths of a core: `Cpu.millis(250)`. */
  public static millis(amount: number): Cpu {
    return new Cpu(amount);
  }

  private constructor(
    /** The amount in millicores. */
    public readonly millicores: number,
  ) {}

  /** The Kubernetes quantity: `2` for whole cores, `250m` otherwise. */
  public get quantity(): string {
    return this.millicores % 1000 === 0 ? String(this.millicores / 1000) : `${this.millicores}m`;
  }
}

/** CPU request and limit of a container. */
export interface CpuResources {
  /**
   * The CPU the scheduler reserves.
   *
   * @default - equal to `limit`
   */
  readonly request?: Cpu;

  /**
   * The most CPU the container may use.
   *
   * @default - equal to `request`
   */
  readonly limit?: Cpu;
}

/** Memory request and limit of a container. */
export interface MemoryResources {
  /**
   * The memory the scheduler reserves.
   *
   * @default - equal to `limit`
   */
  readonly request?: Size;

  /**
   * The most memory the container may use before it is killed.
   *
   * @default - equal to `request`
   */
  readonly limit?: Size;
}

/**
 * CPU and memory of a container. Requests and limits are always written both: KServe fills
 * a missing limit with 1 CPU / 2Gi, which breaks any larger request (kserve#3947).
 */
export interface ContainerResources {
  /**
   * CPU request and limit.
   *
   * @default - the component's documented default
   */
  readonly cpu?: CpuResources;

  /**
   * Memory request and limit.
   *
   * @default - the component's documented default
   */
  readonly memory?: MemoryResources;
}

/** @internal */
export interface ResolvedResources {
  readonly requests: Record<string, string>;
  readonly limits: Record<string, string>;
}

/**
 * Fills each side of a request/limit pair from the other and from the defaults.
 * @internal
 */
export function resolveResources(given: ContainerResources | undefined, defaults: { cpu: Cpu; memory: Size }): ResolvedResources {
  const cpuRequest = given?.cpu?.request ?? given?.cpu?.limit ?? defaults.cpu;
  const cpuLimit = given?.cpu?.limit ?? given?.cpu?.request ?? defaults.cpu;
  const memRequest = given?.memory?.request ?? given?.memory?.limit ?? defaults.memory;
  const memLimit = given?.memory?.limit ?? given?.memory?.request ?? defaults.memory;
  return {
    requests: { cpu: cpuRequest.quantity, memory: memRequest.asString() },
    limits: { cpu: cpuLimit.quantity, memory: memLimit.asString() },
  };
}

/**
 * Problems with a resources struct, as messages naming the field.
 * @internal
 */
export function resourceProblems(field: string, given: ContainerResources | undefined): string[] {
  const problems: string[] = [];
  const cpu = given?.cpu;
  if (cpu?.request && !(cpu.request.millicores > 0 && Number.isInteger(cpu.request.millicores))) {
    problems.push(`${field}.cpu.request (${cpu.request.millicores}m) must be a positive whole number of millicores`);
  }
  if (cpu?.limit && !(cpu.limit.millicores > 0 && Number.isInteger(cpu.limit.millicores))) {
    problems.push(`${field}.cpu.limit (${cpu.limit.millicores}m) must be a positive whole number of millicores`);
  }
  if (cpu?.request && cpu?.limit && cpu.request.millicores > cpu.limit.millicores) {
    problems.push(`${field}.cpu.request (${cpu.request.quantity}) must not exceed ${field}.cpu.limit (${cpu.limit.quantity})`);
  }
  const mem = given?.memory;
  const bytes = (s: Size) => s.toKibibytes();
  if (mem?.request && !(bytes(mem.request) > 0)) {
    problems.push(`${field}.memory.request (${mem.request.asString()}) must be positive`);
  }
  if (mem?.limit && !(bytes(mem.limit) > 0)) {
    problems.push(`${field}.memory.limit (${mem.limit.asString()}) must be positive`);
  }
  if (mem?.request && mem?.limit && bytes(mem.request) > bytes(mem.limit)) {
    problems.push(`${field}.memory.request (${mem.request.asString()}) must not exceed ${field}.memory.limit (${mem.limit.asString()})`);
  }
  return problems;
}

/**
 * Converts quantity strings to a generated quantity class (`Foo.fromString`).
 * @internal
 */
export function quantities<T>(values: Record<string, string>, fromString: (value: string) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, fromString(v)]));
}
