/**
 * aks-guardrails as a library: the rules, the rule model to write more, and the adapters that turn
 * rules into `@pulumi/policy` policies or a served policy pack.
 *
 *   import { rules, createPolicies } from "aks-guardrails";
 *   new PolicyPack("my-pack", { policies: [...createPolicies(rules), ...myPolicies] });
 */
export { rules, ruleById } from "./rules";
export { defineRule, AREAS } from "./model/rule";
export type {
  Area,
  CheckContext,
  Finding,
  PolicySource,
  ProviderInput,
  ResourceInput,
  Rule,
  RuleDefinition,
  RuleDocs,
  StackResource,
} from "./model/rule";
export { LEVELS, resolveLevel, matchStacks, globMatches } from "./model/levels";
export type { Level, LevelInputs, ResolvedLevel, StackContext, StacksMap } from "./model/levels";
export {
  ConfigError,
  parsePackConfig,
  parseRuleConfig,
  parseStackLevels,
  policyConfigSchema,
  STACK_LEVELS_KEY,
} from "./model/config";
export type { PackConfig, RuleConfig } from "./model/config";
export type { JsonSchema, ObjectSchema } from "./model/schema";
export { isUnknown, safe, Unknown, Invalid, UNKNOWN_VALUE } from "./model/values";
export type { PropertyBag, Read } from "./model/values";
export { TokenSet, parseAzureNative, parseKubernetes, baseToken } from "./resources/tokens";
export { ClusterRegistry, clusterView } from "./resources/cluster";
export type { ClusterView } from "./resources/cluster";
export { createPolicies } from "./pack/policies";
export type { GuardrailPolicy, CreatePoliciesOptions } from "./pack/policies";
export { createPolicyPack } from "./pack/policy-pack";
export type { CreatePolicyPackOptions } from "./pack/policy-pack";
export { GuardrailsRuntime, findingLevel, formatMessage } from "./pack/runtime";
export type { Diagnostic, RuntimeOptions } from "./pack/runtime";
