/**
 * The adapter from rules to `@pulumi/policy`: each rule becomes one policy named by its rule id, with
 * the rule's options (plus the common per-stack options) as its `configSchema`. Every policy carries a
 * resource check and a stack check (the SDK runs both parts of one policy object); the runtime resolves
 * the level per stack and sets it on each diagnostic.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { policyConfigSchema } from "../model/config";
import type { ProviderInput, ResourceInput, Rule, StackResource } from "../model/rule";
import type { PropertyBag } from "../model/values";
import { Diagnostic, GuardrailsRuntime, RuntimeOptions, declaredLevel } from "./runtime";

/** A policy that has both parts; @pulumi/policy 1.21 runs each in its own phase. */
export type GuardrailPolicy = ResourceValidationPolicy & StackValidationPolicy;

const PROXY_TARGET = "__getSpecialProxyTarget";

/**
 * The raw property bag behind the SDK's unknown-checking proxy. Reading through the proxy throws on an
 * unknown value, which the SDK would turn into a generic advisory; rules read raw values instead and
 * decide themselves (three-valued checks).
 */
function raw(props: unknown): PropertyBag {
  if (typeof props !== "object" || props === null) return {};
  const target = (props as Record<string, unknown>)[PROXY_TARGET];
  const bag = typeof target === "object" && target !== null ? target : props;
  return bag as PropertyBag;
}

function providerInput(provider: ResourceValidationArgs["provider"]): ProviderInput | undefined {
  if (!provider) return undefined;
  return { type: provider.type, urn: provider.urn, name: provider.name, props: raw(provider.props) };
}

function stackResource(r: PolicyResource): StackResource {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [key, deps] of Object.entries(r.propertyDependencies ?? {})) {
    propertyDependencies[key] = deps.map((d) => d.urn);
  }
  return {
    type: r.type,
    urn: r.urn,
    name: r.name,
    props: raw(r.props),
    provider: providerInput(r.provider),
    parent: r.parent?.urn,
    dependencies: (r.dependencies ?? []).map((d) => d.urn),
    propertyDependencies,
  };
}

/**
 * The stack as rules see it, converted once per AnalyzeStack request rather than once per policy. With the shared
 * deserialization (shared-props.ts), every policy of one request gets the same property bags in the same order;
 * the conversion of the first policy is reused when every bag matches by identity (a different request, or an SDK
 * without the memo, never matches, and is converted as before).
 */
const convertedStacks = new WeakMap<object, { bags: PropertyBag[]; resources: StackResource[] }>();

function stackResources(resources: readonly PolicyResource[]): StackResource[] {
  const bags = resources.map((r) => raw(r.props));
  const key = bags[0];
  const cached = key === undefined ? undefined : convertedStacks.get(key);
  if (cached && cached.bags.length === bags.length && cached.bags.every((bag, i) => bag === bags[i])) {
    return cached.resources;
  }
  const converted = resources.map(stackResource);
  if (key !== undefined) convertedStacks.set(key, { bags, resources: converted });
  return converted;
}

function report(reportViolation: ReportViolation, diagnostics: Diagnostic[]): void {
  for (const d of diagnostics) {
    // The object form with a per-diagnostic level works in @pulumi/policy 1.21 (engine-contract.md),
    // though its .d.ts types only the string form.
    const violation = { message: d.message, urn: d.urn, enforcementLevel: d.enforcementLevel };
    (reportViolation as unknown as (v: typeof violation) => void)(violation);
  }
}

export interface CreatePoliciesOptions extends Partial<RuntimeOptions> {
  /** Share a runtime (e.g. with the Configure hook of {@link createPolicyPack}). */
  runtime?: GuardrailsRuntime;
}

/** Builds one `@pulumi/policy` policy per rule. */
export function createPolicies(
  rules: readonly Rule[],
  options: CreatePoliciesOptions = {},
): GuardrailPolicy[] {
  const runtime = options.runtime ?? new GuardrailsRuntime({ ...options, rules });
  return rules.map((rule) => {
    const schema = policyConfigSchema(rule);
    return {
      name: rule.id,
      description: rule.description,
      enforcementLevel: declaredLevel(rule.defaultLevel),
      configSchema: {
        properties: schema.properties as NonNullable<GuardrailPolicy["configSchema"]>["properties"],
      },
      validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
        const resource: ResourceInput = {
          type: args.type,
          urn: args.urn,
          name: args.name,
          props: raw(args.props),
          provider: providerInput(args.provider),
        };
        report(reportViolation, runtime.analyzeResource(rule, resource, args.getConfig(), args.stackTags));
      },
      validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
        const resources = stackResources(args.resources);
        report(reportViolation, runtime.analyzeStack(rule, resources, args.getConfig(), args.stackTags));
      },
    };
  });
}
