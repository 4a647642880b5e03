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
} from "../model/config";
import { Level, ResolvedLevel, StackContext, declaredLevel, resolveLevel } from "../model/levels";
import type { CheckContext, Finding, ResourceInput, Rule, StackResource } from "../model/rule";
import type { PropertyBag } from "../model/values";
import { ClusterRegistry, clusterView, isClusterType } from "../resources/cluster";
import { TokenSet } from "../resources/tokens";

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
  /** Levels the engine configured per policy (from Configure), when the hook is installed. */
  private configuredLevels = new Map<string, Level>();
  private readonly ruleConfigCache = new Map<string, { text: string; config: RuleConfig }>();
  /** Clusters from every Analyze call of this process (inputs carry path parameters outputs lack). */
  readonly clusters = new ClusterRegistry();
  /** Analyze inputs of the resource types stack checks read, by URN (see `CheckContext.inputsOf`). */
  private readonly inputs = new Map<string, PropertyBag>();
  private readonly stackInputTypes: TokenSet;
  private readonly reported = new Set<string>();
  private readonly refusalReported = new Set<string>();

  constructor(options: RuntimeOptions) {
    this.rules = options.rules;
    this.identity = {
      stack: options.stack?.stack ?? process.env.PULUMI_STACK,
      project: options.stack?.project ?? process.env.PULUMI_PROJECT,
      organization: options.stack?.organization ?? process.env.PULUMI_ORGANIZATION,
    };
    this.now = options.now ?? (() => new Date());
    this.stackInputTypes = new TokenSet(
      this.rules.filter((r) => r.checkStack).flatMap((r) => r.resourceTypes),
    );
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
    const text = JSON.stringify(raw);
    const cached = this.ruleConfigCache.get(rule.id);
    if (cached && cached.text === text) return cached.config;
    const config = parseRuleConfig(rule, raw, "policy pack config");
    this.ruleConfigCache.set(rule.id, { text, config });
    return config;
  }

  stackContext(tags: TagMap | undefined, sampleUrn?: string): StackContext {
    const fromUrn = sampleUrn ? URN.exec(sampleUrn) : null;
    const tagMap = new Map<string, string>();
    tags?.forEach((v, k) => tagMap.set(k, v));
    return {
      stack: this.identity.stack ?? fromUrn?.[1] ?? "dev",
      project: this.identity.project ?? fromUrn?.[2] ?? "",
      organization: this.identity.organization ?? "organization",
      tags: tagMap,
    };
  }

  /** The level of `rule` on this stack, given the config properties the SDK hands the check. */
  level(
    rule: Rule,
    props: Readonly<Record<string, unknown>>,
    stack: StackContext,
  ): ResolvedLevel & { config: RuleConfig } {
    const config = this.ruleConfig(rule, props);
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
    return { ...resolved, config };
  }

  /** Resource phase (engine Analyze). */
  analyzeResource(
    rule: Rule,
    resource: ResourceInput,
    configProps: Readonly<Record<string, unknown>>,
    tags: TagMap | undefined,
  ): Diagnostic[] {
    if (isClusterType(resource.type)) {
      const view = guardedView(resource);
      if (view) this.clusters.record(view);
    }
    if (this.stackInputTypes.has(resource.type)) this.inputs.set(resource.urn, resource.props);
    if (!rule.checkResource) return [];
    const stack = this.stackContext(tags, resource.urn);
    return this.run(rule, resource, configProps, stack, "analyze", (ctx) =>
      rule.checkResource!(resource, ctx),
    );
  }

  /** Stack phase (engine AnalyzeStack): the order-independent net, plus refused-loosening notices. */
  analyzeStack(
    rule: Rule,
    resources: readonly StackResource[],
    configProps: Readonly<Record<string, unknown>>,
    tags: TagMap | undefined,
  ): Diagnostic[] {
    const stack = this.stackContext(tags, resources[0]?.urn);
    const out: Diagnostic[] = [];
    const { refusedLoosening } = this.level(rule, configProps, stack);
    if (refusedLoosening && !this.refusalReported.has(rule.id)) {
      this.refusalReported.add(rule.id);
      out.push({
        policyName: rule.id,
        enforcementLevel: "advisory",
        message:
          `${rule.id}: ${this.stackConfigSource} key ${STACK_LEVELS_KEY}.${rule.id} asks for ` +
          `"${refusedLoosening.requested}", which is looser than the "${refusedLoosening.kept}" the policy pack ` +
          `config sets; refused, the rule stays "${refusedLoosening.kept}". To allow it, the pack config must set ` +
          `"allowStackLoosening": true for this rule.`,
      });
    }
    if (!rule.checkStack) return out;
    const subject: ResourceInput = { type: "pulumi:pulumi:Stack", urn: "", name: stack.stack, props: {} };
    return out.concat(
      this.run(rule, subject, configProps, stack, "analyzeStack", (ctx) => {
        const clusters = ClusterRegistry.fromResources(resources);
        for (const view of this.clusters.clusters()) clusters.mergeInputs(view);
        return rule.checkStack!(resources, { ...ctx, clusters, inputsOf: (urn) => this.inputs.get(urn) });
      }),
    );
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
    try {
      const resolved = this.level(rule, configProps, stack);
      level = resolved.level;
      if (level === "disabled") return [];
      const ctx = {
        config: rule.resolveOptions(resolved.config.options),
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
      out.push({
        policyName: rule.id,
        urn: urn || undefined,
        enforcementLevel,
        message: formatMessage(rule, resource, finding),
      });
    }
    return out;
  }
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
