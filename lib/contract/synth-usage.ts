/**
 * The usage of `cdk8s-kserve synth`, in the CLI's help beside infer and loadtest. The command
 * itself is lib/fleet/cli.ts, which the package bin loads only for `synth`: the load-testing
 * commands never load the constructs.
 */
export const SYNTH_USAGE = `usage: cdk8s-kserve synth <fleet.yaml> [--out <folder>] [--check] [--strict]

Synthesizes a fleet file (docs/fleet-file.md) into the output folder, all or nothing: each
environment's YAML, kustomization.yaml, ENDPOINTS.md, example requests, the JMeter plan and load
targets, and the Argo CD, Flux and GPU check folders the file asks for. Problems are printed one
per line with file:line:column, and nothing is written.

options:
  --out <folder>   where to write (default: $CDK8S_OUTDIR, else dist)
  --check          write nothing; exit 1 when the folder differs from what the file gives now
  --strict         warnings fail the synth too
`;
