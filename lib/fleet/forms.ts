/**
 * How a fleet file writes the values that TypeScript makes with a class: a string or number
 * (`memory: 8Gi`, `cpu: 500m`, `timeout: 30s`, `kserveVersion: "0.20"`), a bare name
 * (`security: none`), or a one-key object named after the factory, with its arguments
 * (`credentials: { existingSecret: test-azure-blob }`, `autoscaler: { keda: { metrics: [...] } }`).
 * Each form turns what the file gives into the class value, and says in JSON Schema what it
 * accepts (for `schema/fleet.schema.json`).
 */
import { Duration, Size } from 'cdk8s';
import { AzureCredentials } from '../azure/credentials';
import { IngressGateway } from '../constructs/inference-service';
import { parseGoDuration } from '../core/go-duration';
import { KnativeVersion } from '../core/knative-version';
import { KServeVersion } from '../core/kserve-version';
import { DeploymentStrategy, KedaMetric, StandardAutoscaler } from '../model/autoscaling';
import { EnvValue } from '../model/env';
import { Cpu } from '../model/resources';
import { RolloutStage } from '../model/rollout';
import { ContainerSecurity } from '../model/security';
import { WalkAs } from '../validation/props';

/** A factory written as a one-key object: `{ <name>: <args> }`. */
interface Factory {
  /** What the args are: a definition of the props schema, or a JSON type. */
  readonly args: string;
  readonly make: (args: any) => unknown;
}

/** How one class type is written in a file. */
export interface Form {
  /** What messages call it: `a Size ("8Gi", "512Mi")`. */
  readonly description: string;
  /** The JSON Schema of what a file may write, with `#/definitions/...` references to the props schema. */
  readonly schema: object;
  /** The class value of what the file gives, or undefined after reporting why not. */
  readonly make: (value: unknown, problem: (expected: string) => void, walkAs: WalkAs) => unknown;
}

const JSON_TYPES = new Set(['string', 'number', 'boolean']);

interface FormParts {
  /** Words for messages, after "must be". */
  readonly description: string;
  /** Bare names: `none`, `recreate`, `istio`. */
  readonly names?: Record<string, () => unknown>;
  /** A string or number that stands for a value, with its schema; `parse` returns undefined when it does not. */
  readonly scalar?: { readonly schema: object; readonly parse: (value: string | number) => unknown };
  readonly factories?: Record<string, Factory>;
  /** What to write instead, after the description, for a value that is not one. */
  readonly hint?: (value: unknown) => string;
}

function form(parts: FormParts): Form {
  const names = parts.names ?? {};
  const factories = parts.factories ?? {};
  const argsSchema = (args: string) => (JSON_TYPES.has(args) ? { type: args } : { $ref: `#/definitions/${args}` });
  const schema = {
    description: parts.description,
    anyOf: [
      ...(Object.keys(names).length > 0 ? [{ enum: Object.keys(names) }] : []),
      ...(parts.scalar ? [parts.scalar.schema] : []),
      ...Object.entries(factories).map(([name, f]) => ({
        type: 'object', properties: { [name]: argsSchema(f.args) }, required: [name], additionalProperties: false,
      })),
    ],
  };
  const make = (value: unknown, problem: (expected: string) => void, walkAs: WalkAs): unknown => {
    const fail = (why = `must be ${parts.description}${parts.hint?.(value) ?? ''}`) => {
      problem(why);
      return undefined;
    };
    if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(names, value)) return names[value]();
    if (parts.scalar && (typeof value === 'string' || typeof value === 'number')) {
      const made = parts.scalar.parse(value);
      return made === undefined ? fail() : made;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      const factory = keys.length === 1 ? factories[keys[0]] : undefined;
      if (factory) {
        const given = (value as Record<string, unknown>)[keys[0]];
        let args: unknown = given;
        if (JSON_TYPES.has(factory.args)) {
          if (typeof given !== factory.args) return fail(`must be ${parts.description}: ${keys[0]} takes a ${factory.args}`);
        } else {
          const checked = walkAs(given ?? {}, factory.args, [keys[0]]);
          if (!checked.ok) return undefined;
          args = checked.value;
        }
        try {
          return factory.make(args);
        } catch (e) {
          return fail(e instanceof Error ? e.message : String(e));
        }
      }
    }
    return fail();
  };
  return { description: parts.description, schema, make };
}

/** `8Gi`, `512Mi`: the binary units cdk8s's Size has. */
const SIZE_UNITS: Record<string, (n: number) => Size> = {
  Ki: Size.kibibytes, Mi: Size.mebibytes, Gi: Size.gibibytes, Ti: Size.tebibytes, Pi: Size.pebibyte,
};
const SIZE = /^([0-9]+)(Ki|Mi|Gi|Ti|Pi)$/;

/** `2`, `1.5`, `500m`. */
const CPU = /^([0-9]+(\.[0-9]+)?|[0-9]+m)$/;

/** A Duration in the largest whole unit, as Go durations are written. */
function durationOf(seconds: number): Duration {
  if (seconds > 0 && seconds % 3600 === 0) return Duration.hours(seconds / 3600);
  if (seconds > 0 && seconds % 60 === 0) return Duration.minutes(seconds / 60);
  if (Number.isInteger(seconds)) return Duration.seconds(seconds);
  return Duration.millis(Math.round(seconds * 1000));
}

/** A version form: YAML reads `0.20` as the number 0.2, so say to quote it. */
function versionForm(kind: string, example: string, pattern: string, of: (text: string) => unknown): Form {
  const base = form({ description: `a ${kind} string such as "${example}"`, scalar: { schema: { type: 'string', pattern }, parse: v => of(String(v)) } });
  return {
    ...base,
    make: (value, problem, walkAs) => {
      if (typeof value === 'number') {
        problem(`must be a ${kind} string such as "${example}": quote it, YAML reads ${value} as a number`);
        return undefined;
      }
      try {
        return base.make(value, problem, walkAs);
      } catch (e) {
        problem(e instanceof Error ? e.message.replace(/^\w+ \(.*?\) /, '') : String(e));
        return undefined;
      }
    },
  };
}

const minorPattern = (major: number, minors: number[]) => `^v?${major}\\.(${minors.join('|')})(\\.[0-9]+)?$`;

/** The form of every class type a fleet file can reach, by the name the props schema gives it. */
export const FORMS: Record<string, Form> = {
  KServeVersion: versionForm('KServe version', '0.20', minorPattern(0, KServeVersion.ALL.map(v => v.minor)), KServeVersion.of),
  KnativeVersion: versionForm('Knative version', '1.21', minorPattern(1, KnativeVersion.ALL.map(v => v.minor)), KnativeVersion.of),
  Size: form({
    description: 'a size such as "8Gi" or "512Mi" (Ki, Mi, Gi, Ti, Pi)',
    scalar: { schema: { type: 'string', pattern: SIZE.source }, parse: v => {
      const m = SIZE.exec(String(v));
      return m ? SIZE_UNITS[m[2]](Number(m[1])) : undefined;
    } },
  }),
  Cpu: form({
    description: 'a CPU amount such as 2, 0.5 or "500m"',
    scalar: { schema: { anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'string', pattern: CPU.source }] }, parse: v => {
      if (typeof v === 'number') return v > 0 ? Cpu.cores(v) : undefined;
      if (!CPU.test(v)) return undefined;
      return v.endsWith('m') ? Cpu.millis(Number(v.slice(0, -1))) : Cpu.cores(Number(v));
    } },
  }),
  Duration: form({
    description: 'a duration such as "30s", "5m" or "1h30m"',
    scalar: { schema: { type: 'string', pattern: '^([0-9]*\\.?[0-9]+(ms|s|m|h))+$' }, parse: v => {
      const seconds = typeof v === 'string' ? parseGoDuration(v) : undefined;
      return seconds === undefined ? undefined : durationOf(seconds);
    } },
    hint: v => (typeof v === 'number' ? `: write "${v}s" for seconds` : ''),
  }),
  AzureCredentials: form({
    description: 'credentials: { existingSecret: <name> }, { externalSecret: {...} }, { sealedSecret: {...} }, { secretFromEnvironment: {...} } or { workloadIdentity: {...} }',
    factories: {
      existingSecret: { args: 'string', make: (name: string) => AzureCredentials.existingSecret(name) },
      externalSecret: { args: 'AzureExternalSecretOptions', make: o => AzureCredentials.externalSecret(o) },
      sealedSecret: { args: 'AzureSealedSecretOptions', make: o => AzureCredentials.sealedSecret(o) },
      // The values come from the environment at synth time; the file names only the opt-in.
      secretFromEnvironment: { args: 'FleetSecretFromEnvironment', make: o => AzureCredentials.secretFromEnvironment(o) },
      workloadIdentity: { args: 'AzureWorkloadIdentityOptions', make: o => AzureCredentials.workloadIdentity(o) },
    },
  }),
  StandardAutoscaler: form({
    description: 'an autoscaler: { hpa: {...} }, { keda: { metrics: [...] } }, "external" or "none"',
    names: { external: () => StandardAutoscaler.external(), none: () => StandardAutoscaler.none(), hpa: () => StandardAutoscaler.hpa() },
    factories: {
      hpa: { args: 'HpaOptions', make: o => StandardAutoscaler.hpa(o) },
      keda: { args: 'KedaOptions', make: o => StandardAutoscaler.keda(o) },
    },
  }),
  KedaMetric: form({
    description: 'a KEDA metric: { cpu: <percent> }, { memoryUtilization: <percent> }, { memory: "2Gi" } or { prometheus: {...} }',
    factories: {
      cpu: { args: 'number', make: (n: number) => KedaMetric.cpu(n) },
      memoryUtilization: { args: 'number', make: (n: number) => KedaMetric.memoryUtilization(n) },
      memory: { args: 'Size', make: (s: Size) => KedaMetric.memory(s) },
      prometheus: { args: 'PrometheusMetricOptions', make: o => KedaMetric.prometheus(o) },
    },
  }),
  DeploymentStrategy: form({
    description: 'a deployment strategy: { rollingUpdate: { maxSurge, maxUnavailable } } or "recreate"',
    names: { recreate: () => DeploymentStrategy.recreate(), rollingUpdate: () => DeploymentStrategy.rollingUpdate() },
    factories: { rollingUpdate: { args: 'RollingUpdateOptions', make: o => DeploymentStrategy.rollingUpdate(o) } },
  }),
  ContainerSecurity: form({
    description: 'a security setting: "restricted", { restricted: {...} } or "none"',
    names: { restricted: () => ContainerSecurity.restricted(), none: () => ContainerSecurity.none() },
    factories: { restricted: { args: 'RestrictedSecurityOptions', make: o => ContainerSecurity.restricted(o) } },
  }),
  EnvValue: form({
    description: 'an env value: a string, { fromSecretKey: { name, key } } or { fromConfigMapKey: { name, key } }',
    factories: {
      fromSecretKey: { args: 'FleetEnvKey', make: o => EnvValue.fromSecretKey(o.name, o.key, { optional: o.optional }) },
      fromConfigMapKey: { args: 'FleetEnvKey', make: o => EnvValue.fromConfigMapKey(o.name, o.key, { optional: o.optional }) },
    },
  }),
  RolloutStage: form({
    description: 'a rollout stage: { canary: <percent> }, "promoted" or "rolledBack"',
    names: { promoted: () => RolloutStage.PROMOTED, rolledBack: () => RolloutStage.ROLLED_BACK },
    factories: { canary: { args: 'number', make: (n: number) => RolloutStage.canary(n) } },
  }),
  IngressGateway: form({
    description: 'an ingress gateway: "istio", "kourier" or { service: { namespace, name } }',
    names: { istio: () => IngressGateway.ISTIO, kourier: () => IngressGateway.KOURIER },
    factories: { service: { args: 'FleetIngressService', make: o => IngressGateway.service(o.namespace, o.name, o.description) } },
  }),
};
