/**
 * Jest matchers for {@link GuardrailsResult}s. They are plain functions with jest's custom-matcher shape, so
 * this module loads no test framework: register them with `installMatchers()` (or
 * `expect.extend(guardrailsMatchers)`) in a test file or a `setupFilesAfterEnv` module.
 *
 *   expect(result).toPassGuardrails();
 *   expect(result).toViolate("aks-system-node-pool", { level: "mandatory", resource: "aks" });
 *   expect(result).not.toViolate("aks-node-ssh-access");
 */
import { ruleById, rules } from "../rules";
import type { GuardrailsFinding, GuardrailsResult } from "./index";

/** The part of jest's `MatcherContext` these matchers read; jest passes its full context as `this`. */
export interface MatcherContextLike {
  /** True under `.not` (optional in @types/jest's declaration). */
  readonly isNot?: boolean;
}

/** What a jest custom matcher returns. */
export interface GuardrailsMatcherResult {
  pass: boolean;
  message: () => string;
}

export interface ViolateOptions {
  /** Only findings at this level count. Default: either level. */
  level?: "mandatory" | "advisory";
  /** Only findings on this resource count: its Pulumi name or its full URN. Default: any resource. */
  resource?: string;
}

const LEVELS: readonly string[] = ["mandatory", "advisory"];

function isGuardrailsResult(value: unknown): value is GuardrailsResult {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Record<keyof GuardrailsResult, unknown>>;
  return (
    Array.isArray(candidate.findings) &&
    Array.isArray(candidate.mandatory) &&
    typeof candidate.passed === "boolean"
  );
}

/** A wrong argument is a broken test, not a failed expectation: it throws, under `.not` too. */
function requireResult(matcher: string, received: unknown): GuardrailsResult {
  if (isGuardrailsResult(received)) return received;
  const got = received instanceof Promise ? "a Promise (await runGuardrails(...) first)" : typeof received;
  throw new TypeError(`${matcher}: expected the result of runGuardrails(), got ${got}`);
}

function describeFinding(f: GuardrailsFinding): string {
  const where = f.resourceName ? `${f.resourceType} "${f.resourceName}"` : f.urn;
  return `  - ${f.enforcementLevel} ${f.policy} on ${where}\n      ${f.message}`;
}

function describeFindings(findings: readonly GuardrailsFinding[]): string {
  return findings.map(describeFinding).join("\n");
}

function stackName(result: GuardrailsResult): string {
  return `stack "${result.stack}" of project "${result.project}"`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/** Passes when the result has no mandatory finding (advisories are allowed). */
export function toPassGuardrails(this: MatcherContextLike, received: unknown): GuardrailsMatcherResult {
  const result = requireResult("toPassGuardrails", received);
  const advisories = result.advisory.length ? ` (${plural(result.advisory.length, "advisory finding")})` : "";
  return {
    pass: result.passed,
    message: () =>
      this.isNot
        ? `expected the ${stackName(result)} to fail the guardrails, but it has no mandatory finding${advisories}`
        : `expected the ${stackName(result)} to pass the guardrails, but it has ` +
          `${plural(result.mandatory.length, "mandatory finding")}:\n${describeFindings(result.mandatory)}`,
  };
}

function validateRuleId(ruleId: unknown): string {
  if (typeof ruleId === "string" && ruleById(ruleId)) return ruleId;
  const ids = rules.map((r) => r.id);
  const near =
    typeof ruleId === "string" ? ids.find((id) => id.includes(ruleId) || ruleId.includes(id)) : undefined;
  throw new TypeError(
    `toViolate: ${JSON.stringify(ruleId)} is not an aks-guardrails rule id` +
      (near ? ` (did you mean "${near}"?)` : `; rule ids: ${ids.join(", ")}`),
  );
}

function validateOptions(opts: unknown): ViolateOptions {
  if (opts === undefined) return {};
  if (typeof opts !== "object" || opts === null) throw new TypeError("toViolate: options must be an object");
  const { level, resource, ...rest } = opts as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length)
    throw new TypeError(`toViolate: unknown option "${unknownKeys[0]}" (level, resource)`);
  if (level !== undefined && !LEVELS.includes(String(level))) {
    throw new TypeError(`toViolate: level must be "mandatory" or "advisory", got ${JSON.stringify(level)}`);
  }
  if (resource !== undefined && (typeof resource !== "string" || resource === "")) {
    throw new TypeError("toViolate: resource must be a resource name or URN");
  }
  return { level: level as ViolateOptions["level"], resource: resource as string | undefined };
}

/**
 * Passes when the result has a finding of `ruleId`, at `opts.level` and on `opts.resource` (name or URN)
 * when given. An unknown rule id throws, so `.not.toViolate("typo")` cannot pass by accident.
 */
export function toViolate(
  this: MatcherContextLike,
  received: unknown,
  ruleId: string,
  opts?: ViolateOptions,
): GuardrailsMatcherResult {
  const result = requireResult("toViolate", received);
  const id = validateRuleId(ruleId);
  const { level, resource } = validateOptions(opts);
  const ofRule = result.findings.filter((f) => f.policy === id);
  const matching = ofRule.filter(
    (f) =>
      (level === undefined || f.enforcementLevel === level) &&
      (resource === undefined || f.resourceName === resource || f.urn === resource),
  );
  const wanted = `finding of ${id}${level ? ` at level ${level}` : ""}${resource ? ` on "${resource}"` : ""}`;
  return {
    pass: matching.length > 0,
    message: () => {
      if (this.isNot) {
        return `expected no ${wanted} in the ${stackName(result)}, but found:\n${describeFindings(matching)}`;
      }
      const head = `expected a ${wanted} in the ${stackName(result)}, but there is none.`;
      if (ofRule.length) return `${head}\nFindings of ${id}:\n${describeFindings(ofRule)}`;
      if (result.findings.length) return `${head}\nAll findings:\n${describeFindings(result.findings)}`;
      return `${head}\nThe stack has no finding at all (${plural(result.resources, "resource")} analysed).`;
    },
  };
}

/** The matchers, for `expect.extend(guardrailsMatchers)`. */
export const guardrailsMatchers = { toPassGuardrails, toViolate };

interface Extendable {
  extend(matchers: typeof guardrailsMatchers): void;
}

function isExtendable(value: unknown): value is Extendable {
  return (
    (typeof value === "function" || (typeof value === "object" && value !== null)) &&
    typeof (value as { extend?: unknown }).extend === "function"
  );
}

/**
 * Registers the matchers with jest's `expect` (the global one by default; pass it explicitly when globals are
 * off, e.g. `installMatchers(expect)` with `import { expect } from "@jest/globals"`).
 */
export function installMatchers(expect: unknown = (globalThis as { expect?: unknown }).expect): void {
  if (!isExtendable(expect)) {
    throw new TypeError("installMatchers: no jest `expect` found; call installMatchers(expect) with yours");
  }
  expect.extend(guardrailsMatchers);
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- jest's matcher types live in the `jest` namespace
  namespace jest {
    // The type parameters must repeat @types/jest's declaration for the interfaces to merge.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
    interface Matchers<R, T = {}> {
      /** No mandatory finding (advisories allowed); on failure, lists the mandatory findings. */
      toPassGuardrails(): R;
      /** A finding of the rule, optionally at a level and on a resource (name or URN). */
      toViolate(ruleId: string, opts?: ViolateOptions): R;
    }
  }
}
