/**
 * The matchers on literal results (no program runs): pass/fail logic, `.not`, and the failure messages a user
 * reads. One named base result, with literal deltas per case.
 */
import {
  GuardrailsFinding,
  GuardrailsResult,
  guardrailsMatchers,
  installMatchers,
  toPassGuardrails,
  toViolate,
} from "../../src/testing";

installMatchers();

const CLUSTER_URN = "urn:pulumi:dev::shop::azure-native:containerservice:ManagedCluster::aks";
const POOL_URN = "urn:pulumi:dev::shop::azure-native:containerservice:AgentPool::batch";

const noSystemPool: GuardrailsFinding = {
  policy: "aks-system-node-pool",
  urn: CLUSTER_URN,
  resourceType: "azure-native:containerservice:ManagedCluster",
  resourceName: "aks",
  enforcementLevel: "mandatory",
  message:
    'aks-system-node-pool: azure-native:containerservice:ManagedCluster "aks" — no System-mode node pool.',
};
const sshOnPool: GuardrailsFinding = {
  policy: "aks-node-ssh-access",
  urn: POOL_URN,
  resourceType: "azure-native:containerservice:AgentPool",
  resourceName: "batch",
  enforcementLevel: "advisory",
  message: 'aks-node-ssh-access: azure-native:containerservice:AgentPool "batch" — SSH is enabled.',
};

function result(findings: GuardrailsFinding[]): GuardrailsResult {
  const mandatory = findings.filter((f) => f.enforcementLevel === "mandatory");
  return {
    project: "shop",
    stack: "dev",
    resources: 5,
    findings,
    mandatory,
    advisory: findings.filter((f) => f.enforcementLevel === "advisory"),
    passed: mandatory.length === 0,
  };
}

const base = result([noSystemPool, sshOnPool]);
const clean = result([]);
const advisoryOnly = result([sshOnPool]);

const positive = { isNot: false };
const negated = { isNot: true };

describe("toPassGuardrails", () => {
  test("passes with advisories only, and with no finding", () => {
    expect(advisoryOnly).toPassGuardrails();
    expect(clean).toPassGuardrails();
  });

  test("fails on a mandatory finding, listing the mandatory findings only", () => {
    const outcome = toPassGuardrails.call(positive, base);
    expect(outcome.pass).toBe(false);
    expect(outcome.message()).toBe(
      'expected the stack "dev" of project "shop" to pass the guardrails, but it has 1 mandatory finding:\n' +
        '  - mandatory aks-system-node-pool on azure-native:containerservice:ManagedCluster "aks"\n' +
        `      ${noSystemPool.message}`,
    );
  });

  test("under .not, says the stack passed and counts the advisories", () => {
    expect(base).not.toPassGuardrails();
    const outcome = toPassGuardrails.call(negated, advisoryOnly);
    expect(outcome.pass).toBe(true);
    expect(outcome.message()).toBe(
      'expected the stack "dev" of project "shop" to fail the guardrails, but it has no mandatory finding (1 advisory finding)',
    );
  });

  test("through expect, a failure throws with that message", () => {
    expect(() => expect(base).toPassGuardrails()).toThrow(
      /but it has 1 mandatory finding:\n.*aks-system-node-pool/,
    );
    expect(() => expect(clean).not.toPassGuardrails()).toThrow(
      /to fail the guardrails, but it has no mandatory finding$/,
    );
  });
});

describe("toViolate", () => {
  test.each([
    ["the rule alone", "aks-system-node-pool", undefined],
    ["the rule at its level", "aks-system-node-pool", { level: "mandatory" }],
    ["the rule on the resource name", "aks-node-ssh-access", { resource: "batch" }],
    ["the rule on the resource URN", "aks-node-ssh-access", { resource: POOL_URN, level: "advisory" }],
  ] as const)("matches %s", (_name, ruleId, opts) => {
    expect(base).toViolate(ruleId, opts);
  });

  test.each([
    ["another rule", "aks-node-os-upgrade", undefined],
    ["another level", "aks-system-node-pool", { level: "advisory" }],
    ["another resource", "aks-system-node-pool", { resource: "batch" }],
    ["another URN", "aks-node-ssh-access", { resource: CLUSTER_URN }],
  ] as const)("does not match %s", (_name, ruleId, opts) => {
    expect(base).not.toViolate(ruleId, opts);
  });

  test("a miss lists the rule's findings when it has some", () => {
    const outcome = toViolate.call(positive, base, "aks-system-node-pool", { level: "advisory" });
    expect(outcome.pass).toBe(false);
    expect(outcome.message()).toBe(
      'expected a finding of aks-system-node-pool at level advisory in the stack "dev" of project "shop", but there is none.\n' +
        "Findings of aks-system-node-pool:\n" +
        '  - mandatory aks-system-node-pool on azure-native:containerservice:ManagedCluster "aks"\n' +
        `      ${noSystemPool.message}`,
    );
  });

  test("a miss lists every finding when the rule has none", () => {
    const outcome = toViolate.call(positive, advisoryOnly, "aks-system-node-pool", { resource: "aks" });
    expect(outcome.message()).toBe(
      'expected a finding of aks-system-node-pool on "aks" in the stack "dev" of project "shop", but there is none.\n' +
        "All findings:\n" +
        '  - advisory aks-node-ssh-access on azure-native:containerservice:AgentPool "batch"\n' +
        `      ${sshOnPool.message}`,
    );
  });

  test("a miss on a clean stack says there is no finding at all", () => {
    expect(toViolate.call(positive, clean, "aks-system-node-pool").message()).toBe(
      'expected a finding of aks-system-node-pool in the stack "dev" of project "shop", but there is none.\n' +
        "The stack has no finding at all (5 resources analysed).",
    );
  });

  test("under .not, a hit lists the matching findings", () => {
    const outcome = toViolate.call(negated, base, "aks-node-ssh-access");
    expect(outcome.pass).toBe(true);
    expect(outcome.message()).toBe(
      'expected no finding of aks-node-ssh-access in the stack "dev" of project "shop", but found:\n' +
        '  - advisory aks-node-ssh-access on azure-native:containerservice:AgentPool "batch"\n' +
        `      ${sshOnPool.message}`,
    );
    expect(() => expect(base).not.toViolate("aks-node-ssh-access")).toThrow(/but found:\n {2}- advisory/);
  });

  test("a stack-wide finding (no resource name) is shown by its URN", () => {
    const stackUrn = "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev";
    const stackWide = result([{ ...noSystemPool, urn: stackUrn, resourceType: "", resourceName: "" }]);
    expect(toPassGuardrails.call(positive, stackWide).message()).toContain(
      `  - mandatory aks-system-node-pool on ${stackUrn}\n`,
    );
  });
});

describe("misuse throws instead of failing or passing quietly", () => {
  test("an unknown rule id, also under .not", () => {
    expect(() => expect(base).not.toViolate("aks-system-pool")).toThrow(
      /toViolate: "aks-system-pool" is not an aks-guardrails rule id; rule ids: aks-alpha-kubernetes-api, /,
    );
    expect(() => expect(base).toViolate("system-node-pool")).toThrow(/did you mean "aks-system-node-pool"\?/);
  });

  test("an invalid level or option", () => {
    // Untyped callers (JavaScript tests) can pass anything.
    const loose = toViolate as (
      this: { isNot: boolean },
      received: unknown,
      ruleId: string,
      opts?: unknown,
    ) => unknown;
    expect(() => loose.call(positive, base, "aks-system-node-pool", { level: "error" })).toThrow(
      /level must be "mandatory" or "advisory", got "error"/,
    );
    expect(() => loose.call(positive, base, "aks-system-node-pool", { resouce: "aks" })).toThrow(
      /unknown option "resouce"/,
    );
  });

  test("something that is not a runGuardrails result, e.g. the un-awaited promise", () => {
    expect(() => expect(Promise.resolve(base)).toPassGuardrails()).toThrow(
      /toPassGuardrails: expected the result of runGuardrails\(\), got a Promise \(await runGuardrails\(\.\.\.\) first\)/,
    );
    expect(() => expect({ findings: [] }).toViolate("aks-system-node-pool")).toThrow(/got object/);
  });
});

describe("installMatchers", () => {
  test("extends the expect it is given", () => {
    const extended: object[] = [];
    installMatchers({ extend: (matchers: object) => extended.push(matchers) });
    expect(extended).toEqual([guardrailsMatchers]);
  });

  test("fails clearly without an expect", () => {
    expect(() => installMatchers({})).toThrow(/no jest `expect` found; call installMatchers\(expect\)/);
  });
});
