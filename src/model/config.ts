/**
 * Strict validation of the two configuration layers users write:
 * - the policy-pack config (`pulumi preview --policy-pack-config FILE`, or per policy group in Pulumi
 *   Cloud): top-level `all` and rule ids;
 * - the stack config (`aks-guardrails:levels` in `Pulumi.<stack>.yaml`, reaching the pack as
 *   `PULUMI_CONFIG`).
 * Every error names the file, the key and the allowed values: a typo in a policy name would otherwise
 * silently switch a guardrail off.
 */
import {
  CONFIG_LEVELS,
  LEVELS,
  Level,
  StackContext,
  StacksMap,
  globMatches,
  isConfigLevel,
  isLevel,
  matchStacks,
  normalizeLevel,
  stacksKeyError,
} from "./levels";
import type { Rule } from "./rule";
import { JsonSchema, ObjectSchema, validate } from "./schema";
import { isRecord } from "./values";

export class ConfigError extends Error {
  constructor(
    /** The file (or source) the bad value came from. */
    readonly file: string,
    /** JSON path of the offending key. */
    readonly key: string,
    /** What would have been accepted. */
    readonly allowed: string,
    detail?: string,
  ) {
    super(`${file}: ${key}: ${detail ? `${detail}; ` : ""}allowed: ${allowed}`);
    this.name = "ConfigError";
  }
}

/** Options every rule accepts besides its own (the per-stack level mechanism, one for all rules). */
export const COMMON_OPTION_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  stacks: {
    type: "object",
    description:
      'Per-stack levels: keys are stack-name globs ("prod*", "acme/*/prod") or "tag:<name>=<value glob>"; ' +
      "merged over the rule's built-in map key by key.",
    additionalProperties: { enum: LEVELS },
  },
  allowStackLoosening: {
    type: "boolean",
    description: "Allow stack config (aks-guardrails:levels) to lower this rule's level on a stack.",
  },
  exemptions: {
    type: "array",
    description:
      "Findings of this rule to drop: each entry names a resource (URN or Pulumi-name glob), optionally the " +
      "stacks (a stack glob), a required reason and an optional expiry date (YYYY-MM-DD, last day it applies). " +
      'An exemption matching every resource on every stack of a rule that can be mandatory needs "allowBroad": true.',
    items: {
      type: "object",
      properties: {
        resource: { type: "string", description: "A URN or Pulumi resource name; * and ? are wildcards." },
        stacks: {
          type: "string",
          description: 'A stack glob as in `stacks` ("prod*", "tag:<name>=<glob>").',
        },
        reason: { type: "string", description: "Why the finding is accepted (shown wherever it is listed)." },
        expires: {
          type: "string",
          pattern: "^\\d{4}-\\d{2}-\\d{2}$",
          description: "The last day (UTC) the exemption applies.",
        },
        allowBroad: {
          type: "boolean",
          description: "Allow a match-everything exemption on a mandatory rule.",
        },
      },
      required: ["resource", "reason"],
      additionalProperties: false,
    },
  },
};

/** One entry of a rule's `exemptions` list, validated. */
export interface Exemption {
  /** URN or Pulumi-name glob (`*`, `?`). */
  resource: string;
  /** Stack glob (or `tag:<name>=<glob>`); absent = every stack. */
  stacks?: string;
  reason: string;
  /** Last day (UTC) the exemption applies, `YYYY-MM-DD`. */
  expires?: string;
  allowBroad?: boolean;
}

/** The JSON schema Pulumi sees as a policy's `configSchema`: the rule's options plus the common ones. */
export function policyConfigSchema(rule: Rule): ObjectSchema {
  return {
    type: "object",
    properties: { ...COMMON_OPTION_SCHEMAS, ...rule.options },
    additionalProperties: false,
  };
}

export interface RuleConfig {
  enforcementLevel?: Level;
  stacks?: StacksMap;
  allowStackLoosening?: boolean;
  exemptions?: readonly Exemption[];
  /** The rule's own options as given (defaults are filled by `rule.resolveOptions`). */
  options: Readonly<Record<string, unknown>>;
}

export interface PackConfig {
  all?: Level;
  rules: Readonly<Record<string, RuleConfig>>;
}

function suggestion(key: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(key, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best && bestDistance <= Math.max(2, Math.floor(key.length / 4)) ? `did you mean "${best}"? ` : "";
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

function parseLevel(file: string, key: string, value: unknown): Level {
  if (!isConfigLevel(value)) {
    throw new ConfigError(file, key, CONFIG_LEVELS.join(" | "), `invalid level ${JSON.stringify(value)}`);
  }
  return normalizeLevel(value);
}

function parseStacks(file: string, key: string, value: unknown): StacksMap {
  if (!isRecord(value)) {
    throw new ConfigError(file, key, '{ "<stack glob>" | "tag:<name>=<glob>": level }', "expected an object");
  }
  const out: Record<string, Level> = {};
  for (const [glob, level] of Object.entries(value)) {
    const error = stacksKeyError(glob);
    if (error) {
      throw new ConfigError(
        file,
        `${key}["${glob}"]`,
        'stack-name globs using * and ?, or "tag:<name>=<glob>"',
        error,
      );
    }
    out[glob] = parseLevel(file, `${key}["${glob}"]`, level);
  }
  return out;
}

const EXEMPTION_SHAPE =
  '{ "resource": "<URN or name glob>", "stacks"?: "<stack glob>", "reason": "<text>", "expires"?: "YYYY-MM-DD", "allowBroad"?: true }';
const EXEMPTION_KEYS = ["resource", "stacks", "reason", "expires", "allowBroad"];
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === text;
}

/** Whether an exemption that expires on `expires` (its last day, UTC) no longer applies at `now`. */
export function exemptionExpired(exemption: Pick<Exemption, "expires">, now: Date): boolean {
  if (exemption.expires === undefined) return false;
  return now.getTime() >= Date.parse(`${exemption.expires}T00:00:00Z`) + 86_400_000;
}

/** Probes that share nothing but the URN shape: a glob matching all of them matches every resource. */
const URN_PROBES = [
  "urn:pulumi:a::b::c:d:E::f",
  "urn:pulumi:prod-eu-1::platform::azure-native:compute:VirtualMachineScaleSet$x:y:Z::aks-sys-0",
];
const NAME_PROBES = ["a", "Zz_9-long.name/with:parts"];
const STACK_PROBES: StackContext[] = [
  { stack: "a", project: "b", organization: "c", tags: new Map() },
  { stack: "prod-eu-1", project: "platform", organization: "acme", tags: new Map([["x", "y"]]) },
];

/** Whether the exemption matches every resource on every stack (no narrowing). */
export function isBroadExemption(exemption: Pick<Exemption, "resource" | "stacks">): boolean {
  const { resource, stacks } = exemption;
  const everyResource =
    URN_PROBES.every((u) => globMatches(resource, u)) || NAME_PROBES.every((n) => globMatches(resource, n));
  const everyStack =
    stacks === undefined || STACK_PROBES.every((ctx) => matchStacks({ [stacks]: "mandatory" }, ctx));
  return everyResource && everyStack;
}

function parseExemptions(file: string, key: string, value: unknown): Exemption[] {
  if (!Array.isArray(value))
    throw new ConfigError(file, key, `an array of ${EXEMPTION_SHAPE}`, "expected an array");
  return value.map((entry, i) => {
    const path = `${key}[${i}]`;
    if (!isRecord(entry)) throw new ConfigError(file, path, EXEMPTION_SHAPE, "expected an object");
    for (const k of Object.keys(entry)) {
      if (!EXEMPTION_KEYS.includes(k)) {
        throw new ConfigError(
          file,
          `${path}.${k}`,
          EXEMPTION_KEYS.join(", "),
          `${suggestion(k, EXEMPTION_KEYS)}unknown key "${k}"`,
        );
      }
    }
    const { resource, stacks, reason, expires, allowBroad } = entry;
    if (typeof resource !== "string" || resource.trim() === "" || resource.trim() !== resource) {
      throw new ConfigError(
        file,
        `${path}.resource`,
        "a URN or Pulumi-name glob using * and ? (non-empty, no surrounding spaces)",
        resource === undefined ? "missing" : `got ${JSON.stringify(resource)}`,
      );
    }
    if (typeof reason !== "string" || reason.trim() === "") {
      throw new ConfigError(
        file,
        `${path}.reason`,
        "a non-empty string saying why the finding is accepted",
        reason === undefined ? "an exemption needs a reason" : `got ${JSON.stringify(reason)}`,
      );
    }
    const out: Exemption = { resource, reason };
    if (stacks !== undefined) {
      const error = typeof stacks === "string" ? stacksKeyError(stacks) : "expected a string";
      if (error) {
        throw new ConfigError(
          file,
          `${path}.stacks`,
          'a stack-name glob using * and ?, or "tag:<name>=<glob>"',
          error,
        );
      }
      out.stacks = stacks as string;
    }
    if (expires !== undefined) {
      if (typeof expires !== "string" || !isIsoDate(expires)) {
        throw new ConfigError(
          file,
          `${path}.expires`,
          "a date YYYY-MM-DD (the last day the exemption applies, UTC)",
          `got ${JSON.stringify(expires)}`,
        );
      }
      out.expires = expires;
    }
    if (allowBroad !== undefined) {
      if (typeof allowBroad !== "boolean")
        throw new ConfigError(
          file,
          `${path}.allowBroad`,
          "true | false",
          `got ${JSON.stringify(allowBroad)}`,
        );
      out.allowBroad = allowBroad;
    }
    return out;
  });
}

/** Whether the org config can make the rule mandatory on some stack (its level or any `stacks` entry). */
function mayBeMandatory(rule: Rule, config: RuleConfig, all: Level | undefined): boolean {
  const level = config.enforcementLevel ?? all ?? rule.defaultLevel;
  if (level === "mandatory") return true;
  if (config.enforcementLevel === "disabled") return false;
  return Object.values({ ...(rule.defaultStacks ?? {}), ...(config.stacks ?? {}) }).includes("mandatory");
}

/** Validates one rule's config value (a level string or an object); `file` names the source. */
export function parseRuleConfig(
  rule: Rule,
  value: unknown,
  file: string,
  key = rule.id,
  /** The pack config's `all` level, when known (a broad exemption on a rule it makes mandatory needs allowBroad). */
  all?: Level,
): RuleConfig {
  if (typeof value === "string") return { enforcementLevel: parseLevel(file, key, value), options: {} };
  if (!isRecord(value)) {
    throw new ConfigError(file, key, `a level (${CONFIG_LEVELS.join(" | ")}) or an object`, "wrong type");
  }
  const config: { -readonly [K in keyof RuleConfig]: RuleConfig[K] } = { options: {} };
  const options: Record<string, unknown> = {};
  const allowedKeys = [
    "enforcementLevel",
    ...Object.keys(COMMON_OPTION_SCHEMAS),
    ...Object.keys(rule.options),
  ];
  for (const [k, v] of Object.entries(value)) {
    const path = `${key}.${k}`;
    if (k === "enforcementLevel") config.enforcementLevel = parseLevel(file, path, v);
    else if (k === "stacks") config.stacks = parseStacks(file, path, v);
    else if (k === "allowStackLoosening") {
      if (typeof v !== "boolean")
        throw new ConfigError(file, path, "true | false", `got ${JSON.stringify(v)}`);
      config.allowStackLoosening = v;
    } else if (k === "exemptions") config.exemptions = parseExemptions(file, path, v);
    else if (k in rule.options) {
      const errors = validate(rule.options[k], v, path);
      if (errors.length) throw new ConfigError(file, path, describeOption(rule.options[k]), errors[0]);
      options[k] = v;
    } else {
      throw new ConfigError(
        file,
        path,
        allowedKeys.join(", "),
        `${suggestion(k, allowedKeys)}unknown option "${k}"`,
      );
    }
  }
  config.options = options;
  const broad = (config.exemptions ?? []).findIndex((e) => !e.allowBroad && isBroadExemption(e));
  if (broad >= 0 && mayBeMandatory(rule, config, all)) {
    throw new ConfigError(
      file,
      `${key}.exemptions[${broad}]`,
      'a narrower "resource" or "stacks" glob, or "allowBroad": true',
      `exempts every resource on every stack from a rule that is mandatory`,
    );
  }
  return config;
}

function describeOption(schema: JsonSchema): string {
  const errors = validate(schema, Symbol("probe"), "");
  const m = /expected (.*), got/.exec(errors[0] ?? "");
  return m ? m[1] : "see the rule's documentation";
}

/**
 * Validates a whole policy-pack config document (what `--policy-pack-config` takes). Throws
 * {@link ConfigError} on the first problem.
 */
export function parsePackConfig(rules: readonly Rule[], raw: unknown, file: string): PackConfig {
  if (!isRecord(raw))
    throw new ConfigError(
      file,
      "(document)",
      '{ "all"?: level, "<rule-id>"?: level | object }',
      "expected a JSON object",
    );
  const byId = new Map(rules.map((r) => [r.id, r]));
  const allowed = ["all", ...byId.keys()];
  const out: Record<string, RuleConfig> = {};
  let all: Level | undefined;
  if ("all" in raw) {
    const value = raw["all"];
    all = parseLevel(file, "all", isRecord(value) ? value["enforcementLevel"] : value);
  }
  for (const [key, value] of Object.entries(raw)) {
    if (key === "all") continue;
    const rule = byId.get(key);
    if (!rule) {
      throw new ConfigError(
        file,
        key,
        allowed.join(", "),
        `${suggestion(key, allowed)}unknown rule id "${key}"`,
      );
    }
    out[key] = parseRuleConfig(rule, value, file, key, all);
  }
  return { all, rules: out };
}

/** The stack-config namespace and key: `aks-guardrails:levels: { <rule-id>: <level> }`. */
export const STACK_CONFIG_NAMESPACE = "aks-guardrails";
export const STACK_LEVELS_KEY = `${STACK_CONFIG_NAMESPACE}:levels`;

/**
 * Reads the rule levels a stack asks for from the stack's config as the CLI passes it to a pack
 * (`PULUMI_CONFIG`: keys `<namespace>:<key>`, structured values JSON-encoded). Other namespaces are the
 * program's business and are ignored; unknown keys in ours are errors.
 */
export function parseStackLevels(
  rules: readonly Rule[],
  stackConfig: Readonly<Record<string, unknown>>,
  file: string,
): Readonly<Record<string, Level>> {
  const out: Record<string, Level> = {};
  for (const [key, raw] of Object.entries(stackConfig)) {
    if (!key.startsWith(`${STACK_CONFIG_NAMESPACE}:`)) continue;
    if (key !== STACK_LEVELS_KEY) {
      throw new ConfigError(file, key, STACK_LEVELS_KEY, `unknown key "${key}"`);
    }
    let value = raw;
    if (typeof raw === "string") {
      try {
        value = JSON.parse(raw);
      } catch {
        throw new ConfigError(
          file,
          key,
          '{ "<rule-id>": "advisory" | "mandatory" | "disabled" }',
          "not a JSON object",
        );
      }
    }
    if (!isRecord(value)) {
      throw new ConfigError(
        file,
        key,
        '{ "<rule-id>": "advisory" | "mandatory" | "disabled" }',
        "expected a map",
      );
    }
    const ids = rules.map((r) => r.id);
    for (const [id, level] of Object.entries(value)) {
      if (!ids.includes(id)) {
        throw new ConfigError(
          file,
          `${key}.${id}`,
          ids.join(", "),
          `${suggestion(id, ids)}unknown rule id "${id}"`,
        );
      }
      if (!isLevel(level)) {
        throw new ConfigError(
          file,
          `${key}.${id}`,
          LEVELS.join(" | "),
          `invalid level ${JSON.stringify(level)}`,
        );
      }
      out[id] = level;
    }
  }
  return out;
}

/** Parses the `PULUMI_CONFIG` environment variable (a JSON object) or fails naming it. */
export function parseStackConfigEnv(
  text: string | undefined,
  source = "PULUMI_CONFIG",
): Record<string, unknown> {
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(
      source,
      "(document)",
      "a JSON object of <namespace>:<key> entries",
      "not valid JSON",
    );
  }
  if (!isRecord(parsed)) {
    throw new ConfigError(
      source,
      "(document)",
      "a JSON object of <namespace>:<key> entries",
      "not an object",
    );
  }
  return parsed;
}
