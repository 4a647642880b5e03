/**
 * The rule model: one rule = one object made by {@link defineRule}. The object carries everything the
 * pack adapter, the docs generator, the CLI's `rules` command and the tests need; nothing else wires a
 * rule. Checks are pure functions of resource properties plus a context, and return three-valued
 * results: no finding (pass), a `violation`, or `cannot-know` (a decision that depends on a value unknown
 * during preview — never mandatory).
 */
import type { Level, StackContext, StacksMap } from "./levels";
import type { JsonSchema } from "./schema";
import type { PropertyBag } from "./values";
import type { ClusterRegistry } from "../resources/cluster";

export const AREAS = [
  "upgrades",
  "node-pools",
  "node-resource-group",
  "egress",
  "network",
  "preview",
  "kubernetes-features",
  "managed-components",
] as const;
export type Area = (typeof AREAS)[number];

/** Where a rule comes from in the AKS support policy (`../shared/support-policy/statements.md`). */
export interface PolicySource {
  /** Section anchors of the 2020 support-policy article, e.g. `user-customization-of-worker-nodes`. */
  sections: readonly string[];
  /** Statement ids, e.g. `S39`. */
  statements: readonly string[];
  /** Current AKS docs pages that refine the statement (`articles/aks/<file>`). */
  currentDocs?: readonly string[];
}

export interface ProviderInput {
  type: string;
  urn: string;
  name: string;
  props: PropertyBag;
}

/** A resource as a resource check sees it: the checked inputs the engine sends to Analyze. */
export interface ResourceInput {
  type: string;
  urn: string;
  name: string;
  props: PropertyBag;
  provider?: ProviderInput;
}

/** A resource as a stack check sees it: outputs plus the dependency graph the engine sends to AnalyzeStack. */
export interface StackResource extends ResourceInput {
  parent?: string;
  dependencies: readonly string[];
  propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

export interface Finding {
  /** `violation`: a definite breach. `cannot-know`: the decision depends on a value unknown in preview. */
  kind: "violation" | "cannot-know";
  /** What is wrong, without the rule id, resource name, citation or fix (the adapter adds those). */
  message: string;
  /** The fix for this finding, when more specific than the rule's `fix`. */
  fix?: string;
  /** The resource to change; defaults to the checked resource. */
  urn?: string;
  /** Type and name of `urn` when it is not the checked resource (stack findings). */
  subject?: { type: string; name: string };
  /** Cap at advisory whatever the rule's level (findings the catalog marks "(advisory)"). */
  advisoryOnly?: boolean;
  /**
   * Mandatory on every stack where the rule is enabled — for a rule option that identifies production by
   * something other than the stack (e.g. `productionSubscriptionIds`). Ignored for `cannot-know`.
   */
  mandatoryWhenEnabled?: boolean;
  /** Distinguishes several findings on one resource; also the key that de-duplicates Analyze vs AnalyzeStack. */
  key?: string;
}

export interface CheckContext<C> {
  config: Readonly<C>;
  stack: Readonly<StackContext>;
  /** Clusters seen so far in this run (resource checks) or in the whole stack (stack checks). */
  clusters: ClusterRegistry;
  /** The current date, injectable for tests of date-dependent rules. */
  now: Date;
  /**
   * Stack checks only: the inputs this process saw in Analyze for a resource. Stack checks get outputs,
   * and azure-native outputs lack path parameters such as `resourceGroupName`.
   */
  inputsOf?: (urn: string) => PropertyBag | undefined;
}

export type OptionSchemas<C> = { readonly [K in keyof C]-?: JsonSchema };

export interface RuleDocs {
  /** Why the rule exists, in our words, citing the support-policy section and statements. */
  why: string;
  /** What is checked, precisely (types, properties, logic), as Markdown. */
  checks: string;
  /** A Pulumi TypeScript snippet that violates the rule. */
  violating: string;
  /** The same snippet, fixed. */
  fixed: string;
  /** Limits the user should know (what cannot be seen, unknowns in preview). */
  limits?: string;
}

export interface RuleDefinition<C extends object> {
  /** The policy name: a rule id from `rule-ids.md`. */
  id: string;
  title: string;
  area: Area;
  /** One sentence: shown as the policy description in Pulumi. */
  description: string;
  source: PolicySource;
  defaultLevel: Level;
  /** Built-in per-stack levels, merged under the user's `stacks` map key by key. */
  defaultStacks?: StacksMap;
  /** Base type tokens the rule reads (see `src/resources/tokens.ts`), for docs and coverage. */
  resourceTypes: readonly string[];
  /** JSON schemas of the rule's options, each with its `default`. */
  options: OptionSchemas<C>;
  /** The generic fix, used when a finding carries none. */
  fix: string;
  /**
   * Release data the rule bundles (a version calendar, an FQDN list, ...), with the date it was last checked
   * against the AKS docs. The pack reports an advisory once that date is more than six months old.
   */
  data?: { what: string; lastChecked: string };
  docs: RuleDocs;
  checkResource?: (resource: ResourceInput, ctx: CheckContext<C>) => Finding[];
  checkStack?: (resources: readonly StackResource[], ctx: CheckContext<C>) => Finding[];
}

/** A rule with its option type erased, as the registry and the pack adapter hold it. */
export interface Rule extends Omit<RuleDefinition<object>, "options" | "checkResource" | "checkStack"> {
  options: Readonly<Record<string, JsonSchema>>;
  /** Option values with every default filled in, given user-provided values (already validated). */
  resolveOptions(provided: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>>;
  checkResource?: (
    resource: ResourceInput,
    ctx: CheckContext<Readonly<Record<string, unknown>>>,
  ) => Finding[];
  checkStack?: (
    resources: readonly StackResource[],
    ctx: CheckContext<Readonly<Record<string, unknown>>>,
  ) => Finding[];
}

const RULE_ID = /^aks-[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function defineRule<C extends object>(def: RuleDefinition<C>): Rule {
  if (!RULE_ID.test(def.id)) throw new Error(`rule id "${def.id}" must be kebab-case and start with "aks-"`);
  if (!def.checkResource && !def.checkStack) throw new Error(`rule ${def.id} has no check`);
  if (def.data && !/^\d{4}-\d{2}-\d{2}$/.test(def.data.lastChecked)) {
    throw new Error(`rule ${def.id}: data.lastChecked must be YYYY-MM-DD`);
  }
  const options = def.options as Readonly<Record<string, JsonSchema>>;
  for (const [name, schema] of Object.entries(options)) {
    if (schema.default === undefined) throw new Error(`rule ${def.id}: option "${name}" has no default`);
  }
  const rule: Rule = {
    ...def,
    options,
    resolveOptions(provided) {
      const out: Record<string, unknown> = {};
      for (const [name, schema] of Object.entries(options)) {
        out[name] = provided[name] !== undefined ? provided[name] : structuredClone(schema.default);
      }
      return Object.freeze(out);
    },
    checkResource: def.checkResource as Rule["checkResource"],
    checkStack: def.checkStack as Rule["checkStack"],
  };
  return Object.freeze(rule);
}
