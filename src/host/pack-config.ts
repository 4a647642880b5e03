/**
 * Policy-pack configuration the way the Pulumi CLI reconciles it before calling `Configure`.
 *
 * Followed: pulumi/pulumi `pkg/resource/analyzer/config.go` (`parsePolicyPackConfig`,
 * `extractEnforcementLevel`, `createConfigWithDefaults`, `ReconcilePolicyPackConfig`, `applyConfig`) and
 * `sdk/go/common/resource/plugin/analyzer_plugin.go` (`GetAnalyzerInfo`, `Configure`).
 *
 * JSON-schema validation of the result (the last step of `ReconcilePolicyPackConfig`) is deliberately not
 * here: `src/model/config.ts` validates config files more strictly than the CLI does.
 */
import { readFileSync } from "fs";
import { jsonSyntaxError } from "./loaders/stack-export";

export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

export function isEnforcementLevel(value: unknown): value is EnforcementLevel {
  return typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value);
}

/** One policy's entry of a config source; either part may be absent, as in the CLI's `AnalyzerPolicyConfig`. */
export interface PolicyConfigEntry {
  enforcementLevel?: EnforcementLevel;
  properties?: Record<string, unknown>;
}

/** What the engine sends for one policy in `Configure`. */
export interface PolicyConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

/** The policy metadata reconciliation needs, as `GetAnalyzerInfo` reports it. */
export interface PolicyDefaults {
  name: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: { properties: Record<string, Record<string, unknown>> };
}

export class PackConfigError extends Error {
  constructor(
    message: string,
    readonly source: string,
    readonly key?: string,
  ) {
    super(message);
    this.name = "PackConfigError";
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Parses a `--policy-pack-config` document (already JSON-decoded). Each top-level value is a level string or
 * an object whose `enforcementLevel` is split off from the remaining properties; entries with neither are
 * dropped, like `parsePolicyPackConfig`.
 */
export function parsePolicyPackConfig(document: unknown, source: string): Record<string, PolicyConfigEntry> {
  if (!isPlainObject(document)) {
    throw new PackConfigError(`${source}: a policy pack config must be a JSON object`, source);
  }
  const result: Record<string, PolicyConfigEntry> = {};
  for (const [key, value] of Object.entries(document)) {
    const entry: PolicyConfigEntry = {};
    if (typeof value === "string") {
      entry.enforcementLevel = requireLevel(value, source, key);
    } else if (isPlainObject(value)) {
      const { enforcementLevel, ...properties } = value;
      if (enforcementLevel !== undefined) {
        if (typeof enforcementLevel !== "string") {
          throw new PackConfigError(
            `${source}: parsing enforcement level for "${key}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level; must be a string`,
            source,
            key,
          );
        }
        entry.enforcementLevel = requireLevel(enforcementLevel, source, key);
      }
      if (Object.keys(properties).length > 0) {
        entry.properties = properties;
      }
    } else {
      throw new PackConfigError(
        `${source}: parsing "${key}": ${JSON.stringify(value)} is not a valid value; must be a string or object`,
        source,
        key,
      );
    }
    if (entry.enforcementLevel !== undefined || entry.properties !== undefined) {
      result[key] = entry;
    }
  }
  return result;
}

function requireLevel(value: string, source: string, key: string): EnforcementLevel {
  if (!isEnforcementLevel(value)) {
    throw new PackConfigError(
      `${source}: parsing enforcement level for "${key}": "${value}" is not a valid enforcement level (expected one of ${ENFORCEMENT_LEVELS.join(", ")})`,
      source,
      key,
    );
  }
  return value;
}

/** Reads and parses a `--policy-pack-config` file; an empty file is no config, as in the CLI. */
export function loadPolicyPackConfigFile(file: string): Record<string, PolicyConfigEntry> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new PackConfigError(`${file}: cannot read policy pack config: ${(err as Error).message}`, file);
  }
  if (text.trim() === "") {
    return {};
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    throw new PackConfigError(`${file}: policy pack config is not valid JSON: ${jsonSyntaxError(err)}`, file);
  }
  return parsePolicyPackConfig(document, file);
}

/**
 * Schema defaults, then the pack's initial config, then the given config (`all` first sets every policy's
 * level). Like `applyConfig`, every key of a source lands in the result, including `all` and names that are
 * not policies: the CLI sends those to the pack too. A key that ends up without a level would make the CLI's
 * `Configure` fail ("invalid enforcement level"), so it fails here, naming the key.
 */
export function reconcilePolicyPackConfig(
  policies: readonly PolicyDefaults[],
  initialConfig: Record<string, PolicyConfigEntry> = {},
  config: Record<string, PolicyConfigEntry> = {},
): Record<string, PolicyConfig> {
  const result = new Map<string, PolicyConfigEntry>();
  for (const policy of policies) {
    const defaults = Object.entries(policy.configSchema?.properties ?? {}).filter(
      ([, schema]) => "default" in schema,
    );
    result.set(policy.name, {
      enforcementLevel: policy.enforcementLevel,
      properties:
        defaults.length > 0
          ? Object.fromEntries(defaults.map(([k, schema]) => [k, schema.default]))
          : undefined,
    });
  }
  applyConfig(result, initialConfig);
  applyConfig(result, config);

  const reconciled: Record<string, PolicyConfig> = {};
  for (const [name, entry] of result) {
    if (entry.enforcementLevel === undefined) {
      throw new PackConfigError(
        `policy pack config key "${name}" has no enforcement level and names no policy of the pack; the Pulumi CLI fails with 'invalid enforcement level ""'`,
        "policy pack config",
        name,
      );
    }
    reconciled[name] = { enforcementLevel: entry.enforcementLevel, properties: { ...entry.properties } };
  }
  return reconciled;
}

function applyConfig(
  result: Map<string, PolicyConfigEntry>,
  toApply: Record<string, PolicyConfigEntry>,
): void {
  const allLevel = toApply.all?.enforcementLevel;
  if (allLevel !== undefined) {
    for (const [name, entry] of result) {
      result.set(name, { ...entry, enforcementLevel: allLevel });
    }
  }
  for (const [name, given] of Object.entries(toApply)) {
    const current = result.get(name) ?? {};
    const hasGivenProperties = given.properties !== undefined && Object.keys(given.properties).length > 0;
    result.set(name, {
      enforcementLevel: given.enforcementLevel ?? current.enforcementLevel,
      properties: hasGivenProperties ? { ...current.properties, ...given.properties } : current.properties,
    });
  }
}
