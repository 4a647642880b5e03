/**
 * Every invalid configuration shape the tests drive through the CLI (test/cli/cli.test.ts) and through the pack
 * process itself (test/e2e/pack-config-validation.test.ts), with what the one error must name: the key and a
 * fragment of the allowed values (the file or source is checked by each test).
 */
import * as yaml from "js-yaml";
import { encodeStackConfig } from "../../src/host/analyzer-client";

const VMSS = "aks-vmss-direct-modification";

export interface InvalidPackConfig {
  name: string;
  /** The `--policy-pack-config` document. */
  document: unknown;
  /** The offending key as the message names it. */
  key: string;
  /** A fragment of the allowed values the message lists. */
  allowed: string;
  /** A further fragment the message must hold (e.g. a "did you mean"). */
  detail?: string;
  /**
   * The policy and properties the engine would send in Configure for this document, when Configure can carry
   * the shape (document-level shapes and invalid levels never reach the pack: the engine rejects them first).
   */
  configure?: { policy: string; properties: Record<string, unknown> };
}

const option = (
  name: string,
  policy: string,
  properties: Record<string, unknown>,
  key: string,
  allowed: string,
): InvalidPackConfig => ({
  name,
  document: { [policy]: properties },
  key,
  allowed,
  configure: { policy, properties },
});

export const INVALID_PACK_CONFIGS: readonly InvalidPackConfig[] = [
  { name: "not an object (a list)", document: ["all"], key: "(document)", allowed: '{ "all"?: level' },
  { name: "not an object (a string)", document: "mandatory", key: "(document)", allowed: '{ "all"?: level' },
  {
    name: "unknown rule id (a typo)",
    document: { "aks-vmss-direct-modifcation": "mandatory" },
    key: "aks-vmss-direct-modifcation",
    allowed: `all, aks-alpha-kubernetes-api`,
    detail: `did you mean "${VMSS}"?`,
  },
  { name: "`all` with a bad level", document: { all: "error" }, key: "all", allowed: "advisory | mandatory" },
  { name: "`all` not a string", document: { all: 3 }, key: "all", allowed: "advisory | mandatory" },
  {
    name: "a rule with a bad level",
    document: { [VMSS]: "warn" },
    key: VMSS,
    allowed: "advisory | mandatory",
  },
  {
    name: "a rule that is neither a level nor an object",
    document: { [VMSS]: 42 },
    key: VMSS,
    allowed: "a level (advisory | mandatory | disabled | remediate) or an object",
  },
  {
    name: "a bad enforcementLevel",
    document: { [VMSS]: { enforcementLevel: "fatal" } },
    key: `${VMSS}.enforcementLevel`,
    allowed: "advisory | mandatory",
  },
  option("`stacks` not a map", VMSS, { stacks: "prod" }, `${VMSS}.stacks`, '{ "<stack glob>"'),
  option(
    "a malformed stacks glob",
    VMSS,
    { stacks: { "prod[0-9]": "mandatory" } },
    `${VMSS}.stacks["prod[0-9]"]`,
    "stack-name globs using * and ?",
  ),
  option(
    "a malformed tag selector",
    VMSS,
    { stacks: { "tag:environment": "mandatory" } },
    `${VMSS}.stacks["tag:environment"]`,
    '"tag:<name>=<glob>"',
  ),
  option(
    "a bad level in stacks",
    VMSS,
    { stacks: { "prod*": "block" } },
    `${VMSS}.stacks["prod*"]`,
    "advisory | mandatory",
  ),
  option(
    "allowStackLoosening not a boolean",
    VMSS,
    { allowStackLoosening: "yes" },
    `${VMSS}.allowStackLoosening`,
    "true | false",
  ),
  option(
    "an unknown option (a typo)",
    VMSS,
    { nodeResourceGroup: ["custom-nodes"] },
    `${VMSS}.nodeResourceGroup`,
    "nodeResourceGroups",
  ),
  option(
    "an option of a rule that does not have it",
    "aks-node-os-upgrade",
    { nodeResourceGroups: ["custom-nodes"] },
    "aks-node-os-upgrade.nodeResourceGroups",
    "enforcementLevel, stacks, allowStackLoosening",
  ),
  option(
    "an option of the wrong type",
    VMSS,
    { nodeResourceGroups: "custom-nodes" },
    `${VMSS}.nodeResourceGroups`,
    "an array of a string",
  ),
  option(
    "an option list with a wrong item",
    VMSS,
    { nodeResourceGroups: [1] },
    `${VMSS}.nodeResourceGroups`,
    "an array of a string",
  ),
  option(
    "an invalid regular expression",
    VMSS,
    { nodeResourceGroupPattern: "^MC_([" },
    `${VMSS}.nodeResourceGroupPattern`,
    "a string",
  ),
  option(
    "an option below its minimum",
    "aks-node-pool-version-skew",
    { maxMinorSkew: -1 },
    "aks-node-pool-version-skew.maxMinorSkew",
    "an integer or null",
  ),
  option(
    "an object entry outside its syntax",
    "aks-managed-components-unmodified",
    { protectedObjects: ["kube-system/ConfigMap/Bad Name"] },
    "aks-managed-components-unmodified.protectedObjects",
    "an array of a string matching",
  ),
  option(
    "an object entry with an invalid /regex/",
    "aks-managed-components-unmodified",
    { protectedObjects: ["kube-system/DaemonSet//^csi-([/"] },
    "aks-managed-components-unmodified.protectedObjects",
    "an array of a string matching",
  ),
];

export interface InvalidStackConfig {
  name: string;
  /** The `config:` map of `Pulumi.<stack>.yaml`. */
  config: Record<string, unknown>;
  key: string;
  allowed: string;
  detail?: string;
}

const LEVELS_KEY = "aks-guardrails:levels";
const levels = (value: unknown) => ({ [LEVELS_KEY]: value });

export const INVALID_STACK_CONFIGS: readonly InvalidStackConfig[] = [
  {
    name: "an unknown key in the aks-guardrails namespace",
    config: { "aks-guardrails:level": { [VMSS]: "mandatory" } },
    key: "aks-guardrails:level",
    allowed: LEVELS_KEY,
  },
  {
    name: "levels not a map (a string)",
    config: levels("mandatory"),
    key: LEVELS_KEY,
    allowed: '{ "<rule-id>": "advisory" | "mandatory" | "disabled" }',
  },
  {
    name: "levels not a map (a list)",
    config: levels([VMSS]),
    key: LEVELS_KEY,
    allowed: '{ "<rule-id>": "advisory" | "mandatory" | "disabled" }',
  },
  {
    name: "an unknown rule id (a typo)",
    config: levels({ "aks-vmss-direct-modifcation": "mandatory" }),
    key: `${LEVELS_KEY}.aks-vmss-direct-modifcation`,
    allowed: "aks-alpha-kubernetes-api, aks-beta-kubernetes-api",
    detail: `did you mean "${VMSS}"?`,
  },
  {
    name: "a bad level",
    config: levels({ [VMSS]: "off" }),
    key: `${LEVELS_KEY}.${VMSS}`,
    allowed: "disabled | advisory | mandatory",
  },
  {
    name: "remediate (a pack-config level, not a stack level)",
    config: levels({ [VMSS]: "remediate" }),
    key: `${LEVELS_KEY}.${VMSS}`,
    allowed: "disabled | advisory | mandatory",
  },
  {
    name: "a level that is not a string",
    config: levels({ [VMSS]: { enforcementLevel: "advisory" } }),
    key: `${LEVELS_KEY}.${VMSS}`,
    allowed: "disabled | advisory | mandatory",
  },
];

/** The `Pulumi.<stack>.yaml` text of a stack-config case. */
export function stackConfigYaml(c: InvalidStackConfig): string {
  return yaml.dump({ config: c.config });
}

/** The stack config as the CLI passes it to a pack (`PULUMI_CONFIG`, ConfigureStack). */
export function stackConfigEnv(c: InvalidStackConfig): Record<string, string> {
  return encodeStackConfig(c.config);
}

/** The one error line a message must hold: the source, then the key, then the allowed values. */
export function expectNamed(
  message: string,
  source: string,
  c: { key: string; allowed: string; detail?: string },
): void {
  const line = message.split("\n").find((l) => l.includes(`${source}: ${c.key}: `));
  if (!line) throw new Error(`no line names "${source}: ${c.key}" in:\n${message}`);
  const allowed = line.slice(line.indexOf("allowed: "));
  if (!line.includes("allowed: ") || !allowed.includes(c.allowed)) {
    throw new Error(`"${line}" does not list the allowed values "${c.allowed}"`);
  }
  if (c.detail && !line.includes(c.detail)) throw new Error(`"${line}" does not say "${c.detail}"`);
}
