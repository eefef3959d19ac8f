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
 * Converts quantity strings to a generated quantity class (`Foo.fromString`).
 * @internal
 */
export function quantities<T>(values: Record<string, string>, fromString: (value: string) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, fromString(v)]));
}
