/**
 * Runs rules for the pack adapter: resolves each rule's level for the current stack, guards every
 * check (a throwing rule becomes one advisory diagnostic, never a failed preview), turns findings into
 * diagnostics with their per-diagnostic level, and reports each finding once even when both the
 * Analyze and the AnalyzeStack phase see it.
 */
import {
  ConfigError,
  RuleConfig,
  parseRuleConfig,
  parseStackLevels,
  parseStackConfigEnv,
  STACK_LEVELS_KEY,
  exemptionExpired,
} from "../model/config";
import {
  REPORT_EXEMPTED_ENV,
  activeExemption,
  exemptedMarker,
  exemptionCoversStack,
} from "../model/exemptions";
import { Level, ResolvedLevel, StackContext, declaredLevel, resolveLevel } from "../model/levels";
import type { CheckContext, Finding, ResourceInput, Rule, StackResource } from "../model/rule";
import type { PropertyBag } from "../model/values";
import { ClusterRegistry, clusterView, isClusterType } from "../resources/cluster";
import { declaredResourceGroup } from "../resources/resource-group";

export interface Diagnostic {
  policyName: string;
  message: string;
  urn?: string;
  enforcementLevel: "advisory" | "mandatory";
}

export interface RuntimeOptions {
  rules: readonly Rule[];
  /** Stack identity; defaults come from the CLI's env vars (`PULUMI_STACK`, ...) and resource URNs. */
  stack?: Partial<Omit<StackContext, "tags">>;
  /** Stack config as the CLI passes it (`PULUMI_CONFIG`); defaults to that env var. */
  stackConfig?: Readonly<Record<string, unknown>>;
  /** Where the stack config came from, for error messages. */
  stackConfigSource?: string;
  now?: () => Date;
  /**
   * Send exempted findings as marked advisory diagnostics instead of dropping them (the `aks-guardrails` command
   * lists them); defaults to `AKS_GUARDRAILS_REPORT_EXEMPTED=1` in the environment.
   */
  reportExempted?: boolean;
}

/** Stack tags as @pulumi/policy hands them to checks (`args.stackTags`). */
export interface TagMap {
  get(key: string): string | undefined;
  forEach(cb: (value: string, key: string) => void): void;
}

const URN = /^urn:pulumi:([^:]+)::([^:]+)::/;

export class GuardrailsRuntime {
  readonly rules: readonly Rule[];
  private readonly stackLevels: Readonly<Record<string, Level>>;
  private readonly stackConfigSource: string;
  private readonly identity: Partial<Omit<StackContext, "tags">>;
  private readonly now: () => Date;
  private readonly reportExempted: boolean;
  /** Levels the engine configured per policy (from Configure), when the hook is installed. */
  private configuredLevels = new Map<string, Level>();
  private readonly ruleConfigCache = new Map<
    string,
    { text: string; raw: Readonly<Record<string, unknown>>; config: RuleConfig }
  >();
  /**
   * Performance caches (the pack runs every rule on every resource; each of these was recomputed per call):
   * option values per parsed config, the resolved level per rule, the stack context per tags object, the
   * resource whose bookkeeping is done, and the stack-phase cluster registry per AnalyzeStack request.
   */
  private readonly optionsCache = new WeakMap<RuleConfig, Readonly<Record<string, unknown>>>();
  private readonly levelCache = new Map<
    string,
    {
      config: RuleConfig;
      stack: StackContext;
      levels: ReadonlyMap<string, Level>;
      resolved: ResolvedLevel & { config: RuleConfig };
    }
  >();
  private stackCache: { tags: TagMap | undefined; context: StackContext } | undefined;
  private recorded: { urn: string; props: PropertyBag } | undefined;
  /** Bumped whenever Analyze records a cluster: stack-phase registries built before are stale. */
  private clustersGeneration = 0;
  private stackClusters:
    { resources: readonly StackResource[]; generation: number; clusters: ClusterRegistry } | undefined;
  /** Clusters from every Analyze call of this process (inputs carry path parameters outputs lack). */
  readonly clusters = new ClusterRegistry();
  /**
   * Analyze inputs of every resource, by URN (see `CheckContext.inputsOf`): a stack check may read any resource
   * (e.g. which resource group it lands in), and azure-native outputs lack path parameters.
   */
  private readonly inputs = new Map<string, PropertyBag>();
  private readonly reported = new Set<string>();
  /** Stack-wide notices (refused loosening, stale bundled data) already reported, by rule and kind. */
  private readonly noticesReported = new Set<string>();

  constructor(options: RuntimeOptions) {
    this.rules = options.rules;
    this.identity = {
      stack: options.stack?.stack ?? process.env.PULUMI_STACK,
      project: options.stack?.project ?? process.env.PULUMI_PROJECT,
      organization: options.stack?.organization ?? process.env.PULUMI_ORGANIZATION,
    };
    this.now = options.now ?? (() => new Date());
    this.reportExempted = options.reportExempted ?? process.env[REPORT_EXEMPTED_ENV] === "1";
    const stackName = this.identity.stack;
    this.stackConfigSource =
      options.stackConfigSource ??
      (stackName ? `stack config (Pulumi.${stackName}.yaml via PULUMI_CONFIG)` : "PULUMI_CONFIG");
    const stackConfig =
      options.stackConfig ?? parseStackConfigEnv(process.env.PULUMI_CONFIG, this.stackConfigSource);
    // Fails at start-up, naming the key and allowed values, rather than running with a misread guardrail.
    this.stackLevels = parseStackLevels(this.rules, stackConfig, this.stackConfigSource);
  }

  /**
   * Records the per-policy levels the engine sends in Configure and validates each policy's config;
   * throws {@link ConfigError} so that the Configure call fails with a message naming the key.
   */
  configure(
    policies: Readonly<Record<string, { enforcementLevel?: string; properties: Record<string, unknown> }>>,
  ): void {
    const levels = new Map<string, Level>();
    for (const rule of this.rules) {
      const entry = policies[rule.id];
      if (!entry) continue;
      const config = this.ruleConfig(rule, {
        ...entry.properties,
        ...(entry.enforcementLevel ? { enforcementLevel: entry.enforcementLevel } : {}),
      });
      if (config.enforcementLevel) levels.set(rule.id, config.enforcementLevel);
    }
    this.configuredLevels = levels;
  }

  private ruleConfig(rule: Rule, raw: Readonly<Record<string, unknown>>): RuleConfig {
    const cached = this.ruleConfigCache.get(rule.id);
    // The SDK's getConfig() returns a fresh shallow copy of the same config on every call: same keys, and the
    // same value objects, until the next Configure. That skips the JSON comparison on (almost) every call.
    if (cached && shallowEqual(cached.raw, raw)) return cached.config;
    const text = JSON.stringify(raw);
    if (cached && cached.text === text) {
      cached.raw = { ...raw };
      return cached.config;
    }
    const config = parseRuleConfig(rule, raw, "policy pack config");
    this.ruleConfigCache.set(rule.id, { text, raw: { ...raw }, config });
    return config;
  }

  /**
   * `rule.resolveOptions` once per parsed config instead of per call. Every check of the rule now shares the
   * values, so they are a frozen copy (the copy keeps the SDK's own config objects unfrozen).
   */
  private options(rule: Rule, config: RuleConfig): Readonly<Record<string, unknown>> {
    let options = this.optionsCache.get(config);
    if (options === undefined) {
      options = deepFreeze(structuredClone(rule.resolveOptions(config.options)));
      this.optionsCache.set(config, options);
    }
    return options;
  }

  stackContext(tags: TagMap | undefined, sampleUrn?: string): StackContext {
    const needsUrn = this.identity.stack === undefined || this.identity.project === undefined;
    const fromUrn = needsUrn && sampleUrn ? URN.exec(sampleUrn) : null;
    const stack = this.identity.stack ?? fromUrn?.[1] ?? "dev";
    const project = this.identity.project ?? fromUrn?.[2] ?? "";
    // The SDK hands every check the same tags object (until the next ConfigureStack): one context for all.
    const cached = this.stackCache;
    if (
      cached &&
      cached.tags === tags &&
      cached.context.stack === stack &&
      cached.context.project === project
    ) {
      return cached.context;
    }
    const tagMap = new Map<string, string>();
    tags?.forEach((v, k) => tagMap.set(k, v));
    const context: StackContext = {
      stack,
      project,
      organization: this.identity.organization ?? "organization",
      tags: tagMap,
    };
    this.stackCache = { tags, context };
    return context;
  }

  /** The level of `rule` on this stack, given the config properties the SDK hands the check. */
  level(
    rule: Rule,
    props: Readonly<Record<string, unknown>>,
    stack: StackContext,
  ): ResolvedLevel & { config: RuleConfig } {
    const config = this.ruleConfig(rule, props);
    const cached = this.levelCache.get(rule.id);
    if (
      cached &&
      cached.config === config &&
      cached.stack === stack &&
      cached.levels === this.configuredLevels
    ) {
      return cached.resolved;
    }
    const resolved = resolveLevel(
      {
        defaultLevel: rule.defaultLevel,
        defaultStacks: rule.defaultStacks,
        configuredLevel: this.configuredLevels.get(rule.id) ?? config.enforcementLevel,
        configuredStacks: config.stacks,
        allowStackLoosening: config.allowStackLoosening,
        stackLevel: this.stackLevels[rule.id],
      },
      stack,
    );
    const result = { ...resolved, config };
    this.levelCache.set(rule.id, { config, stack, levels: this.configuredLevels, resolved: result });
    return result;
  }

  /** Resource phase (engine Analyze). */
  analyzeResource(
    rule: Rule,
    resource: ResourceInput,
    configProps: Readonly<Record<string, unknown>>,
    tags: TagMap | undefined,
  ): Diagnostic[] {
    // Facts about the resource itself, the same for every rule: recorded once per resource (each policy of the
    // pack calls in turn with the same resource).
    const last = this.recorded;
    if (!last || last.urn !== resource.urn || last.props !== resource.props) {
      if (isClusterType(resource.type)) {
        const view = guardedView(resource);
        if (view) {
          this.clusters.record(view);
          this.clustersGeneration++;
        }
      }
      const group = declaredResourceGroup(resource.type, resource.props);
      if (typeof group === "string") this.clusters.recordResourceGroup(group, resource.urn, resource.name);
      this.inputs.set(resource.urn, resource.props);
      this.recorded = { urn: resource.urn, props: resource.props };
    }
    if (!rule.checkResource) return [];
    const stack = this.stackContext(tags, resource.urn);
    return this.run(rule, resource, configProps, stack, "analyze", (ctx) =>
      rule.checkResource!(resource, ctx),
    );
  }

  /** Stack phase (engine AnalyzeStack): the order-independent net, plus stack-wide notices. */
  analyzeStack(
    rule: Rule,
    resources: readonly StackResource[],
    configProps: Readonly<Record<string, unknown>>,
    tags: TagMap | undefined,
  ): Diagnostic[] {
    const stack = this.stackContext(tags, resources[0]?.urn);
    const out: Diagnostic[] = [];
    const { refusedLoosening, level, config } = this.level(rule, configProps, stack);
    const notice = (kind: string, message: string) => {
      if (this.noticesReported.has(`${rule.id}\u0000${kind}`)) return;
      this.noticesReported.add(`${rule.id}\u0000${kind}`);
      out.push({ policyName: rule.id, enforcementLevel: "advisory", message });
    };
    if (refusedLoosening) {
      notice(
        "refused-loosening",
        `${rule.id}: ${this.stackConfigSource} key ${STACK_LEVELS_KEY}.${rule.id} asks for ` +
          `"${refusedLoosening.requested}", which is looser than the "${refusedLoosening.kept}" the policy pack ` +
          `config sets; refused, the rule stays "${refusedLoosening.kept}". To allow it, the pack config must set ` +
          `"allowStackLoosening": true for this rule.`,
      );
    }
    const stale = rule.data && level !== "disabled" ? staleData(rule.data, this.now()) : undefined;
    if (stale) {
      notice(
        "stale-data",
        `${rule.id}: its bundled ${rule.data!.what} was last checked on ${rule.data!.lastChecked}, ${stale} days ago ` +
          `(more than six months); AKS may have changed since. Update aks-guardrails, or set this rule's options ` +
          `from the current AKS documentation.`,
      );
    }
    if (level !== "disabled") {
      const now = this.now();
      for (const exemption of config.exemptions ?? []) {
        if (!exemptionExpired(exemption, now)) continue;
        if (!exemptionCoversStack(exemption, stack)) continue;
        notice(
          `expired-exemption\u0000${exemption.resource}\u0000${exemption.stacks ?? ""}\u0000${exemption.expires}`,
          `${rule.id}: the exemption for resource "${exemption.resource}"${
            exemption.stacks !== undefined ? ` on stacks "${exemption.stacks}"` : ""
          } expired on ${exemption.expires} ("${exemption.reason}"); it no longer applies and its findings are ` +
            `reported again. Fix them, or renew the exemption's "expires" date in the policy pack config.`,
        );
      }
    }
    if (!rule.checkStack) return out;
    const subject: ResourceInput = { type: "pulumi:pulumi:Stack", urn: "", name: stack.stack, props: {} };
    return out.concat(
      this.run(rule, subject, configProps, stack, "analyzeStack", (ctx) => {
        const clusters = this.stackClusterRegistry(resources);
        return rule.checkStack!(resources, { ...ctx, clusters, inputsOf: (urn) => this.inputs.get(urn) });
      }),
    );
  }

  /** The stack's clusters (outputs, completed by Analyze inputs): built once per AnalyzeStack request. */
  private stackClusterRegistry(resources: readonly StackResource[]): ClusterRegistry {
    const cached = this.stackClusters;
    if (cached && cached.resources === resources && cached.generation === this.clustersGeneration) {
      return cached.clusters;
    }
    const clusters = ClusterRegistry.fromResources(resources);
    for (const view of this.clusters.clusters()) clusters.mergeInputs(view);
    this.stackClusters = { resources, generation: this.clustersGeneration, clusters };
    return clusters;
  }

  private run(
    rule: Rule,
    resource: ResourceInput,
    configProps: Readonly<Record<string, unknown>>,
    stack: StackContext,
    phase: "analyze" | "analyzeStack",
    check: (ctx: CheckContext<Readonly<Record<string, unknown>>>) => Finding[],
  ): Diagnostic[] {
    let findings: Finding[];
    let level: Level;
    let config: RuleConfig;
    try {
      const resolved = this.level(rule, configProps, stack);
      level = resolved.level;
      config = resolved.config;
      if (level === "disabled") return [];
      const ctx = {
        config: this.options(rule, resolved.config),
        stack,
        clusters: this.clusters,
        now: this.now(),
      };
      findings = check(ctx);
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      return [internalError(rule, resource, error, phase)];
    }
    const out: Diagnostic[] = [];
    for (const finding of findings) {
      const enforcementLevel = findingLevel(finding, level);
      if (!enforcementLevel) continue;
      const urn = finding.urn ?? resource.urn;
      const dedupeKey = `${rule.id}\u0000${urn}\u0000${finding.key ?? finding.message}`;
      if (this.reported.has(dedupeKey)) continue;
      this.reported.add(dedupeKey);
      const message = formatMessage(rule, resource, finding);
      const exemption = config.exemptions
        ? activeExemption(config.exemptions, urn, stack, this.now())
        : undefined;
      if (exemption) {
        if (this.reportExempted) {
          const marker = exemptedMarker({
            level: enforcementLevel,
            reason: exemption.reason,
            expires: exemption.expires,
          });
          out.push({ policyName: rule.id, urn, enforcementLevel: "advisory", message: marker + message });
        }
        continue;
      }
      out.push({ policyName: rule.id, urn: urn || undefined, enforcementLevel, message });
    }
    return out;
  }
}

/** Bundled data older than this is reported (issue: data that ages carries its last-checked date). */
export const STALE_DATA_DAYS = 183;

/** Days since `data.lastChecked` when more than {@link STALE_DATA_DAYS}, else undefined. */
export function staleData(data: { lastChecked: string }, now: Date): number | undefined {
  const checked = Date.parse(`${data.lastChecked}T00:00:00Z`);
  const days = Math.floor((now.getTime() - checked) / 86_400_000);
  return days > STALE_DATA_DAYS ? days : undefined;
}

function shallowEqual(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (a[key] !== b[key] || !Object.prototype.hasOwnProperty.call(b, key)) return false;
  }
  return true;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function guardedView(resource: ResourceInput) {
  try {
    return clusterView(resource);
  } catch {
    return undefined;
  }
}

/**
 * Definite findings take the rule's level (capped at advisory when the finding says so). A finding that
 * depends on an unknown value is never mandatory: advisory when the rule is mandatory, silent when the
 * rule is only advisory (rule-catalog §1.3).
 */
export function findingLevel(finding: Finding, level: Level): "advisory" | "mandatory" | undefined {
  if (level === "disabled") return undefined;
  if (finding.kind === "cannot-know") return level === "mandatory" ? "advisory" : undefined;
  if (finding.advisoryOnly) return "advisory";
  return finding.mandatoryWhenEnabled ? "mandatory" : level;
}

export function formatMessage(rule: Rule, resource: ResourceInput, finding: Finding): string {
  const subject = finding.subject ?? { type: resource.type, name: resource.name };
  const what =
    finding.kind === "cannot-know"
      ? `cannot be verified during preview: ${finding.message}; checked again when the value is known (e.g. at \`pulumi up\`)`
      : finding.message;
  const sections = rule.source.sections.map((s) => `§${s}`).join(", ");
  return (
    `${rule.id}: ${subject.type} "${subject.name}" — ${what}. ` +
    `Support policy: ${sections} (${rule.source.statements.join(", ")}). Fix: ${finding.fix ?? rule.fix}`
  );
}

function internalError(rule: Rule, resource: ResourceInput, error: unknown, phase: string): Diagnostic {
  // Only the error's class and code location are printed: messages of runtime errors can quote input
  // text (e.g. JSON.parse), and inputs may hold secrets in plaintext.
  const name = error instanceof Error ? error.name : typeof error;
  const frame =
    error instanceof Error
      ? (error.stack ?? "").split("\n").find((l) => l.trim().startsWith("at "))
      : undefined;
  const where = frame ? ` ${frame.trim()}` : "";
  const target = phase === "analyze" ? `${resource.type} "${resource.name}"` : "the stack";
  return {
    policyName: rule.id,
    urn: resource.urn || undefined,
    enforcementLevel: "advisory",
    message:
      `${rule.id}: internal error while checking ${target} (${name}${where}); the rule was skipped there and ` +
      `the other rules ran. Please report this at the aks-guardrails issue tracker.`,
  };
}

export { declaredLevel };
