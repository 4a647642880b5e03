/**
 * Runs one rule over a literal stack through the real pipeline (GuardrailsRuntime: level resolution,
 * finding levels, message format, de-duplication across phases), as the engine drives a pack: `Analyze` for
 * every resource in order (inputs), then one `AnalyzeStack` (outputs, dependencies). Fixtures stay literal in
 * each test file; this only turns Pulumi names into URNs and collects the diagnostics of both phases.
 */
import * as fc from "fast-check";
import type { ProviderInput, Rule, StackResource } from "../../src/model/rule";
import { Diagnostic, GuardrailsRuntime } from "../../src/pack/runtime";

/** The engine's unknown sentinel (a value computed during preview). */
export const UNK = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The date every date-dependent case runs on (the day the bundled Kubernetes calendar was checked). */
export const TODAY = new Date("2026-11-23T12:00:00Z");

export interface FixtureResource {
  type: string;
  /** Pulumi name; also how `propertyDependencies` and `dependencies` name this resource. */
  name: string;
  /** Inputs, as `Analyze` sees them. */
  props: Record<string, unknown>;
  /** Outputs, as `AnalyzeStack` sees them; defaults to `props` (a preview of a create). */
  outputs?: Record<string, unknown>;
  /** Input key → Pulumi names of the resources it depends on. */
  propertyDependencies?: Record<string, string[]>;
  /** False for a resource the engine only sends to `AnalyzeStack` (a `.get()` read). */
  analyze?: boolean;
  /** The resource's provider (its inputs), sent with both phases as the engine does. */
  provider?: ProviderInput;
}

export interface RunOptions {
  stack?: string;
  /** Policy-pack config properties of the rule (what `args.getConfig()` returns). */
  config?: Record<string, unknown>;
  /** Stack config levels (`aks-guardrails:levels`). */
  stackLevels?: Record<string, string>;
  now?: Date;
}

export interface PhasedDiagnostic extends Diagnostic {
  phase: "analyze" | "stack";
}

export function urnOf(stack: string, resource: { type: string; name: string }): string {
  return `urn:pulumi:${stack}::p::${resource.type}::${resource.name}`;
}

export function newRuntime(rule: Rule | readonly Rule[], options: RunOptions = {}): GuardrailsRuntime {
  const now = options.now ?? TODAY;
  return new GuardrailsRuntime({
    rules: Array.isArray(rule) ? rule : [rule],
    stack: { stack: options.stack ?? "dev", project: "p", organization: "o" },
    stackConfig: options.stackLevels ? { "aks-guardrails:levels": JSON.stringify(options.stackLevels) } : {},
    now: () => now,
  });
}

/** Both phases over `resources`, in order; returns every diagnostic with the phase that reported it. */
export function runRule(
  rule: Rule,
  resources: readonly FixtureResource[],
  options: RunOptions = {},
): PhasedDiagnostic[] {
  return runRules([rule], resources, options);
}

/**
 * {@link runRule} for several rules sharing one runtime, as the served pack runs them: for each resource every
 * rule's resource check (policy order), then every rule's stack check.
 */
export function runRules(
  rules: readonly Rule[],
  resources: readonly FixtureResource[],
  options: RunOptions = {},
): PhasedDiagnostic[] {
  const stack = options.stack ?? "dev";
  const config = options.config ?? {};
  const runtime = newRuntime(rules, options);
  const tags = new Map<string, string>();
  const urnByName = new Map(resources.map((r) => [r.name, urnOf(stack, r)]));
  const resolve = (names: readonly string[]) => names.map((n) => urnByName.get(n) ?? n);
  const out: PhasedDiagnostic[] = [];
  for (const r of resources) {
    if (r.analyze === false) continue;
    const input = { type: r.type, urn: urnOf(stack, r), name: r.name, props: r.props, provider: r.provider };
    for (const rule of rules) {
      for (const d of runtime.analyzeResource(rule, input, config, tags))
        out.push({ ...d, phase: "analyze" });
    }
  }
  const stackResources: StackResource[] = resources.map((r) => {
    const propertyDependencies = Object.fromEntries(
      Object.entries(r.propertyDependencies ?? {}).map(([key, names]) => [key, resolve(names)]),
    );
    return {
      type: r.type,
      urn: urnOf(stack, r),
      name: r.name,
      props: r.outputs ?? r.props,
      provider: r.provider,
      dependencies: [...new Set(Object.values(propertyDependencies).flat())],
      propertyDependencies,
    };
  });
  for (const rule of rules) {
    for (const d of runtime.analyzeStack(rule, stackResources, config, tags))
      out.push({ ...d, phase: "stack" });
  }
  return out;
}

export interface ExpectedDiagnostic {
  level: "advisory" | "mandatory";
  /** Pulumi name of the resource the diagnostic is attributed to. */
  on: string;
  /** Fragments the message must contain. */
  message: string | string[];
  /** The phase that must report it, when the case is about phases. */
  phase?: "analyze" | "stack";
}

export interface RuleCase {
  name: string;
  stack?: string;
  config?: Record<string, unknown>;
  stackLevels?: Record<string, string>;
  now?: Date;
  resources: FixtureResource[];
  /** Every diagnostic the rule reports over both phases, in order; empty for a passing case. */
  expected: ExpectedDiagnostic[];
  /** Input strings (keys, secrets) no message may contain. */
  notInMessage?: string[];
}

/** Asserts a case: exactly the expected diagnostics, each with rule id, level, URN, message and citation. */
export function expectCase(rule: Rule, c: RuleCase): void {
  const stack = c.stack ?? "dev";
  const diagnostics = runRule(rule, c.resources, c);
  const summary = diagnostics.map((d) => `${d.phase} ${d.enforcementLevel} ${d.urn}: ${d.message}`);
  // On a count mismatch jest prints every diagnostic received.
  expect(summary).toHaveLength(c.expected.length);
  diagnostics.forEach((d, i) => {
    const want = c.expected[i];
    const resource = c.resources.find((r) => r.name === want.on);
    expect(resource).toBeDefined();
    expect(d.policyName).toBe(rule.id);
    expect(d.enforcementLevel).toBe(want.level);
    expect(d.urn).toBe(resource ? urnOf(stack, resource) : undefined);
    if (want.phase) expect(d.phase).toBe(want.phase);
    expect(d.message.startsWith(`${rule.id}: `)).toBe(true);
    expect(d.message).toContain(`Support policy: §${rule.source.sections[0]}`);
    for (const fragment of [want.message].flat()) expect(d.message).toContain(fragment);
  });
  for (const d of diagnostics) {
    for (const secret of c.notInMessage ?? []) expect(d.message).not.toContain(secret);
  }
}

/** Property names the node-pool and upgrade rules read, so that random bags hit the interesting paths. */
const FUZZ_KEYS = [
  "agentPoolProfiles",
  "agentPoolName",
  "autoUpgradeProfile",
  "automaticUpgradeChannel",
  "code",
  "count",
  "currentKubernetesVersion",
  "currentOrchestratorVersion",
  "defaultNodePool",
  "enableAutoScaling",
  "enableNodePublicIP",
  "keyData",
  "kubernetesClusterId",
  "kubernetesVersion",
  "linuxProfile",
  "minCount",
  "mode",
  "name",
  "nodeCount",
  "nodeOSUpgradeChannel",
  "nodeOsUpgradeChannel",
  "orchestratorVersion",
  "osType",
  "powerState",
  "publicKeys",
  "resourceGroupName",
  "resourceName",
  "securityProfile",
  "sku",
  "ssh",
  "sshAccess",
  "sshKey",
  "supportPlan",
  "upgradeChannel",
];

/** A marker no message may echo: it never passes a safe-value shape check (it contains a space). */
export const SECRET_MARKER = "S3cr3t ";

export function fuzzProps() {
  const leaf = fc.oneof(
    fc.constant(UNK),
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -5, max: 5 }),
    fc.double(),
    fc.constantFrom(
      "System",
      "user",
      "Gateway",
      "Linux",
      "Windows",
      "Stopped",
      "Running",
      "LocalUser",
      "Disabled",
      "1.35",
      "v1.30.4",
      "1.31",
      "1.3x",
      "2.0",
      "none",
      "STABLE",
      "patch",
      "node-image",
      "NodeImage",
      "Unmanaged",
      "None",
      "AKSLongTermSupport",
      "Automatic",
      "rg",
      "aks1",
      "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1",
    ),
    fc.string({ maxLength: 8 }).map((s) => `${SECRET_MARKER}${s}`),
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(tie("value"), { maxLength: 4 }),
      fc.dictionary(fc.constantFrom(...FUZZ_KEYS), tie("value"), { maxKeys: 6 }),
    ),
  }));
  return fc.dictionary(fc.constantFrom(...FUZZ_KEYS), value, { maxKeys: 10 });
}

/**
 * Random stacks of the rule's own resource types (plain and versioned tokens), with random inputs and
 * outputs and pools depending on clusters: the rule must never fail (an internal-error diagnostic) and never
 * echo a value that fails a safe-value shape check.
 */
export function fuzzRule(rule: Rule, numRuns = 300): void {
  const tokens = rule.resourceTypes.flatMap((t) => [
    t,
    t.replace(/^azure-native:([a-z]+):/, "azure-native:$1/v20240402preview:"),
  ]);
  const resource = fc.record({
    type: fc.constantFrom(...tokens),
    props: fuzzProps(),
    outputs: fc.option(fuzzProps(), { nil: undefined }),
    analyze: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(resource, { minLength: 1, maxLength: 4 }), (drawn) => {
      const resources: FixtureResource[] = drawn.map((r, i) => ({
        ...r,
        name: `r${i}`,
        propertyDependencies: i > 0 ? { resourceName: ["r0"], kubernetesClusterId: ["r0"] } : undefined,
      }));
      for (const d of runRule(rule, resources)) {
        expect(d.message).not.toContain("internal error");
        expect(d.message).not.toContain(SECRET_MARKER.trim());
      }
    }),
    { numRuns },
  );
}

/**
 * Huge arrays, deep nesting and long strings on every resource type the rule reads: no internal error, and
 * the run stays fast (no quadratic work per pool).
 */
export function stressRule(rule: Rule): void {
  let deep: Record<string, unknown> = { mode: "System", orchestratorVersion: "1.20" };
  for (let i = 0; i < 5000; i++)
    deep = { agentPoolProfiles: deep, defaultNodePool: deep, autoUpgradeProfile: deep };
  const pools = Array.from({ length: 10_000 }, (_, i) => ({
    name: `p${i}`,
    mode: i % 2 ? "User" : "System",
    count: 1,
    orchestratorVersion: "1.20",
    powerState: { code: "Stopped" },
  }));
  const long = "1.".padEnd(1_000_000, "9");
  const started = Date.now();
  const resources: FixtureResource[] = rule.resourceTypes.flatMap((type, i) => [
    { type, name: `deep${i}`, props: deep },
    {
      type,
      name: `huge${i}`,
      props: { agentPoolProfiles: pools, kubernetesVersion: "1.35", resourceName: "aks1" },
    },
    {
      type,
      name: `long${i}`,
      props: { kubernetesVersion: long, orchestratorVersion: long, mode: long, name: long },
    },
  ]);
  const diagnostics = runRule(rule, resources);
  for (const d of diagnostics) {
    expect(d.message).not.toContain("internal error");
    expect(d.message.length).toBeLessThan(5000);
  }
  expect(Date.now() - started).toBeLessThan(20_000);
}
