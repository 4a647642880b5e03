/**
 * `aks-guardrails/testing`: check a Pulumi program against the guardrails from a unit test, offline.
 *
 *   import { runGuardrails, installMatchers } from "aks-guardrails/testing";
 *   installMatchers();
 *   test("prod passes", async () => {
 *     expect(await runGuardrails(".", { stack: "prod" })).toPassGuardrails();
 *   });
 *
 * The program runs as `aks-guardrails preview` runs it: on the real `@pulumi/pulumi` runtime under mocks (no
 * cloud, no credentials, no Pulumi CLI), and its resources are analysed by the real compiled policy pack over
 * the Analyzer protocol, exactly as `pulumi preview --policy-pack` would start it. Findings are therefore
 * the ones a real preview reports, with the same levels and messages.
 *
 * This module never loads jest: the matchers are plain functions (see `./matchers`).
 */
import * as path from "path";
import { packageRoot } from "../cli/main";
import { buildReport } from "../cli/report";
import { runPolicyPack } from "../host/analyzer-client";
import { loadProgram } from "../host/loaders/program";
import { type PolicyConfigEntry, parsePolicyPackConfig } from "../host/pack-config";
import { parsePackConfig, parseStackLevels } from "../model/config";
import type { ConfigLevel } from "../model/levels";
import { rules } from "../rules";

export { guardrailsMatchers, installMatchers, toPassGuardrails, toViolate } from "./matchers";
export { ConfigError } from "../model/config";
export { ProgramLoadError } from "../host/loaders/program";
export type { GuardrailsMatcherResult, MatcherContextLike, ViolateOptions } from "./matchers";

/** One rule's entry in a pack config: a level, or an object with the level, per-stack levels and the rule's options. */
export type RuleConfigDocument =
  | ConfigLevel
  | {
      enforcementLevel?: ConfigLevel;
      /** Stack-name globs (`prod*`) or `tag:<name>=<glob>` → level. */
      stacks?: Readonly<Record<string, ConfigLevel>>;
      allowStackLoosening?: boolean;
      /** The rule's own options (see the rule's page under `docs/rules/`). */
      readonly [option: string]: unknown;
    };

/**
 * A policy-pack config as users write it for `pulumi preview --policy-pack-config FILE`: `all` and rule ids
 * as keys. It is validated strictly (unknown rule ids and options are errors) before anything runs.
 */
export type GuardrailsPackConfig = Readonly<Record<string, RuleConfigDocument>>;

export interface RunGuardrailsOptions {
  /** The stack to preview: selects `Pulumi.<stack>.yaml` and is the stack the rules' per-stack levels see. Default `dev`. */
  stack?: string;
  /** The policy-pack config; default: none (every rule at its default level). */
  packConfig?: GuardrailsPackConfig;
  /**
   * Config values over the stack file's, plaintext (`namespace:key`, or a bare `key` for the project) — also the
   * way to give a `secure:` value, which cannot be decrypted offline.
   */
  config?: Record<string, string>;
  /** Stack tags, for `tag:<name>=<glob>` keys of the rules' `stacks` maps. */
  stackTags?: Record<string, string>;
}

export interface GuardrailsFinding {
  /** The rule id. */
  policy: string;
  /** The resource the finding is reported against (the root stack's URN for stack-wide notices). */
  urn: string;
  /** The resource's type token, from the URN. */
  resourceType: string;
  /** The resource's Pulumi name, from the URN. */
  resourceName: string;
  enforcementLevel: "mandatory" | "advisory";
  message: string;
}

export interface GuardrailsResult {
  project: string;
  stack: string;
  /** How many resources the program registered (all of them were analysed). */
  resources: number;
  findings: readonly GuardrailsFinding[];
  mandatory: readonly GuardrailsFinding[];
  advisory: readonly GuardrailsFinding[];
  /** No mandatory finding: `pulumi preview` with the pack would not fail. */
  passed: boolean;
}

const DEFAULT_STACK = "dev";
const PACK_CONFIG_SOURCE = "runGuardrails packConfig";

/**
 * Runs the Pulumi program in `programDir` (the directory holding `Pulumi.yaml`) under mocks and analyses it
 * through the real policy pack. Rejects with a `ConfigError` for an invalid pack config or
 * `aks-guardrails:levels` stack config, and with a `ProgramLoadError` when the program fails.
 */
export async function runGuardrails(
  programDir: string,
  opts: RunGuardrailsOptions = {},
): Promise<GuardrailsResult> {
  const stack = opts.stack ?? DEFAULT_STACK;
  let packConfig: Record<string, PolicyConfigEntry> | undefined;
  if (opts.packConfig !== undefined) {
    // Strict first: a typo in a rule id or option would otherwise switch a guardrail off without a word.
    parsePackConfig(rules, opts.packConfig, PACK_CONFIG_SOURCE);
    packConfig = parsePolicyPackConfig(opts.packConfig, PACK_CONFIG_SOURCE);
  }
  const dir = path.resolve(programDir);
  const program = await loadProgram({ dir, stack, config: opts.config });
  parseStackLevels(rules, program.stackConfig, path.join(dir, `Pulumi.${stack}.yaml`));
  const run = await runPolicyPack({
    packDir: path.join(packageRoot(), "policypack"),
    identity: {
      stack,
      project: program.project,
      organization: "organization",
      tags: opts.stackTags ?? {},
      dryRun: true,
    },
    stackConfig: program.stackConfig,
    packConfig,
    resources: program.resources,
  });
  const report = buildReport(
    { stack, project: program.project, source: dir },
    program.resources,
    run.diagnostics,
  );
  const findings: GuardrailsFinding[] = report.violations.map((v) => ({
    policy: v.policy,
    urn: v.urn,
    resourceType: v.resourceType,
    resourceName: v.resourceName,
    enforcementLevel: v.enforcementLevel,
    message: v.message,
  }));
  const mandatory = findings.filter((f) => f.enforcementLevel === "mandatory");
  return {
    project: program.project,
    stack,
    resources: program.resources.length,
    findings,
    mandatory,
    advisory: findings.filter((f) => f.enforcementLevel === "advisory"),
    passed: mandatory.length === 0,
  };
}
