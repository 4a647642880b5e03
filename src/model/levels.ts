/**
 * Enforcement levels and their per-stack resolution.
 *
 * Layers, later ones refining earlier ones:
 *   1. the rule's built-in default (a level plus an optional built-in `stacks` map);
 *   2. the pack config (`all`, per-rule `enforcementLevel`, per-rule `stacks` merged key by key over the
 *      built-in map);
 *   3. the stack config (`aks-guardrails:levels` in `Pulumi.<stack>.yaml`), which may only make a rule
 *      stricter unless the pack config sets `allowStackLoosening: true` for that rule.
 */

export const LEVELS = ["disabled", "advisory", "mandatory"] as const;
export type Level = (typeof LEVELS)[number];

/** What Pulumi accepts in a policy config; `remediate` is treated as `mandatory` (these rules never rewrite). */
export const CONFIG_LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;
export type ConfigLevel = (typeof CONFIG_LEVELS)[number];

const rank: Record<Level, number> = { disabled: 0, advisory: 1, mandatory: 2 };

export function isLevel(value: unknown): value is Level {
  return typeof value === "string" && (LEVELS as readonly string[]).includes(value);
}

export function isConfigLevel(value: unknown): value is ConfigLevel {
  return typeof value === "string" && (CONFIG_LEVELS as readonly string[]).includes(value);
}

export function normalizeLevel(level: ConfigLevel): Level {
  return level === "remediate" ? "mandatory" : level;
}

export function stricter(a: Level, b: Level): Level {
  return rank[a] >= rank[b] ? a : b;
}

export function isLooser(candidate: Level, than: Level): boolean {
  return rank[candidate] < rank[than];
}

/** Glob → level. Keys are stack-name globs (`prod*`, `acme/*\/prod`) or `tag:<name>=<value glob>`. */
export type StacksMap = Readonly<Record<string, Level>>;

export interface StackContext {
  /** Stack name as `PULUMI_STACK` gives it (no org/project). */
  stack: string;
  project: string;
  organization: string;
  tags: ReadonlyMap<string, string>;
}

const STACK_GLOB = /^[A-Za-z0-9._*?-]+(?:\/[A-Za-z0-9._*?-]+){0,2}$/;
const TAG_KEY = /^tag:([^=\s]+)=(.+)$/;

/** Returns an error message if `key` is not a valid `stacks` map key, else undefined. */
export function stacksKeyError(key: string): string | undefined {
  if (key.startsWith("tag:")) {
    const m = TAG_KEY.exec(key);
    if (!m) return `"${key}" is not a valid stack tag selector; expected "tag:<name>=<value glob>"`;
    return undefined;
  }
  if (!STACK_GLOB.test(key)) {
    return (
      `"${key}" is not a valid stack-name glob; expected stack-name characters [A-Za-z0-9._-] with ` +
      `the wildcards * and ?, optionally as "<org>/<project>/<stack>"`
    );
  }
  return undefined;
}

const globCache = new Map<string, RegExp>();

function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (!re) {
    const body = glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    re = new RegExp(`^${body}$`);
    globCache.set(glob, re);
  }
  return re;
}

export function globMatches(glob: string, value: string): boolean {
  return globToRegExp(glob).test(value);
}

function keyMatches(key: string, ctx: StackContext): boolean {
  const tag = TAG_KEY.exec(key);
  if (tag) {
    const value = ctx.tags.get(tag[1]);
    return value !== undefined && globMatches(tag[2], value);
  }
  if (key.includes("/")) {
    const parts = key.split("/").length;
    const qualified =
      parts === 3 ? `${ctx.organization}/${ctx.project}/${ctx.stack}` : `${ctx.project}/${ctx.stack}`;
    return globMatches(key, qualified);
  }
  return globMatches(key, ctx.stack);
}

/**
 * The level a `stacks` map assigns to this stack, or undefined when no key matches.
 * When several keys match, the longest key wins (the most specific); on a tie the stricter level.
 */
export function matchStacks(stacks: StacksMap, ctx: StackContext): { level: Level; key: string } | undefined {
  let best: { level: Level; key: string } | undefined;
  for (const [key, level] of Object.entries(stacks)) {
    if (!keyMatches(key, ctx)) continue;
    if (
      !best ||
      key.length > best.key.length ||
      (key.length === best.key.length && stricter(level, best.level) === level && level !== best.level)
    ) {
      best = { level, key };
    }
  }
  return best;
}

/** Per-rule inputs to level resolution, all already validated. */
export interface LevelInputs {
  /** The rule's built-in default level. */
  defaultLevel: Level;
  /** The rule's built-in `stacks` map (e.g. `{"prod*":"mandatory"}` for the preview rules). */
  defaultStacks?: StacksMap;
  /** The level the engine configured for the policy (pack config `all` / `enforcementLevel`), if any. */
  configuredLevel?: Level;
  /** The pack config's `stacks` map, merged over `defaultStacks` key by key. */
  configuredStacks?: StacksMap;
  /** Whether stack config may lower the level for this rule. */
  allowStackLoosening?: boolean;
  /** The stack config's level for this rule (`aks-guardrails:levels`), if any. */
  stackLevel?: Level;
}

export interface ResolvedLevel {
  level: Level;
  /** The level the org's pack config yields before stack config. */
  orgLevel: Level;
  /** Human-readable trace of where the level came from, for `rules` output and diagnostics. */
  source: string;
  /** Set when stack config asked for a looser level than the org allows; the refusal is reported. */
  refusedLoosening?: { requested: Level; kept: Level };
}

/**
 * Resolves the effective level of one rule on one stack.
 *
 * The engine cannot tell an explicit `"advisory"` from the declared default, so a rule whose built-in
 * default is `disabled` is declared `advisory` to the engine and stays off unless a `stacks` entry,
 * a stricter configured level (`mandatory`), or stack config turns it on.
 */
export function resolveLevel(inputs: LevelInputs, ctx: StackContext): ResolvedLevel {
  const stacks: Record<string, Level> = {
    ...(inputs.defaultStacks ?? {}),
    ...(inputs.configuredStacks ?? {}),
  };
  const declared = declaredLevel(inputs.defaultLevel);
  let orgLevel: Level;
  let source: string;
  const configured = inputs.configuredLevel;
  if (configured === "disabled") {
    // An explicit top-level "disabled" turns the rule off on every stack; the SDK skips it anyway.
    return { level: "disabled", orgLevel: "disabled", source: "pack config enforcementLevel=disabled" };
  }
  const match = matchStacks(stacks, ctx);
  if (match) {
    orgLevel = match.level;
    source = `stacks["${match.key}"]`;
  } else if (configured !== undefined && !(inputs.defaultLevel === "disabled" && configured === declared)) {
    orgLevel = configured;
    source = configured === declared ? "rule default" : "pack config enforcementLevel";
  } else {
    orgLevel = inputs.defaultLevel;
    source = "rule default";
  }
  const requested = inputs.stackLevel;
  if (requested === undefined || requested === orgLevel) return { level: orgLevel, orgLevel, source };
  if (!isLooser(requested, orgLevel) || inputs.allowStackLoosening) {
    return { level: requested, orgLevel, source: `stack config (over ${source})` };
  }
  return { level: orgLevel, orgLevel, source, refusedLoosening: { requested, kept: orgLevel } };
}

/** What the pack declares to the engine: never `disabled`, or no `stacks` entry could turn the rule on. */
export function declaredLevel(defaultLevel: Level): "advisory" | "mandatory" {
  return defaultLevel === "mandatory" ? "mandatory" : "advisory";
}
