/**
 * GuardrailsRuntime (src/pack/runtime.ts): the guard around every check, the finding-level table, the
 * message format, and the report of a refused stack-config loosening.
 */
import type { Level } from "../../src/model/levels";
import { Finding, ResourceInput, Rule, StackResource, defineRule } from "../../src/model/rule";
import { exemptedMarker, parseExemptedMarker } from "../../src/model/exemptions";
import { GuardrailsRuntime, findingLevel, formatMessage } from "../../src/pack/runtime";

const SECRET = "hunter2-do-not-print";

const throwingRule = defineRule<Record<string, never>>({
  id: "aks-test-throws",
  title: "Throws",
  area: "node-pools",
  description: "A rule that throws, quoting its input, as a buggy rule might.",
  source: { sections: ["shared-responsibility"], statements: ["S12"] },
  defaultLevel: "mandatory",
  resourceTypes: ["azure-native:compute:VirtualMachineScaleSet"],
  options: {},
  fix: "none",
  docs: { why: "test", checks: "test", violating: "", fixed: "" },
  checkResource(resource) {
    throw new Error(`cannot parse ${JSON.stringify(resource.props)}`);
  },
  checkStack(resources) {
    throw new TypeError(`bad stack ${JSON.stringify(resources.map((r) => r.props))}`);
  },
});

const stringThrowingRule = defineRule<Record<string, never>>({
  id: "aks-test-throws-string",
  title: "Throws a string",
  area: "node-pools",
  description: "A rule that throws a non-Error value.",
  source: { sections: ["shared-responsibility"], statements: ["S12"] },
  defaultLevel: "advisory",
  resourceTypes: [],
  options: {},
  fix: "none",
  docs: { why: "test", checks: "test", violating: "", fixed: "" },
  checkResource(resource) {
    throw String(resource.props["password"]);
  },
});

const reportingRule = defineRule<{ threshold: number }>({
  id: "aks-test-reports",
  title: "Reports every resource",
  area: "upgrades",
  description: "A rule that reports one violation per resource.",
  source: {
    sections: ["customer-responsibilities-for-aks-worker-nodes", "security-issues-and-patching"],
    statements: ["S20", "S21"],
  },
  defaultLevel: "mandatory",
  resourceTypes: [],
  options: { threshold: { type: "integer", minimum: 0, default: 1, description: "unused" } },
  fix: "do the right thing",
  docs: { why: "test", checks: "test", violating: "", fixed: "" },
  checkResource: () => [{ kind: "violation", message: "is reported" }],
  checkStack: (resources) =>
    resources.map((r) => ({ kind: "violation", message: "is reported in the stack", urn: r.urn })),
});

function newRuntime(
  rules: readonly Rule[],
  stack: "dev" | "prod-eu",
  stackConfig: Record<string, unknown> = {},
): GuardrailsRuntime {
  return new GuardrailsRuntime({ rules, stack: { stack, project: "p", organization: "o" }, stackConfig });
}

const vmss: ResourceInput = {
  type: "azure-native:compute:VirtualMachineScaleSet",
  urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::pool",
  name: "pool",
  props: { resourceGroupName: "app-rg", vmScaleSetName: "web-vmss", adminPassword: SECRET },
};

const vmssOutputs: StackResource = {
  type: "azure-native:compute:VirtualMachineScaleSet",
  urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::pool",
  name: "pool",
  props: { name: "web-vmss", adminPassword: SECRET },
  dependencies: [],
  propertyDependencies: {},
};

describe("GuardrailsRuntime guard", () => {
  it("turns a throwing resource check into one advisory diagnostic naming the rule and resource", () => {
    const runtime = newRuntime([throwingRule, reportingRule], "dev");
    const diagnostics = runtime.analyzeResource(throwingRule, vmss, {}, undefined);
    expect(diagnostics).toHaveLength(1);
    const [d] = diagnostics;
    expect(d).toMatchObject({ policyName: "aks-test-throws", urn: vmss.urn, enforcementLevel: "advisory" });
    expect(d.message).toContain(
      'aks-test-throws: internal error while checking azure-native:compute:VirtualMachineScaleSet "pool" (Error',
    );
    expect(d.message).toContain("the other rules ran");
    expect(d.message).not.toContain(SECRET);
    expect(d.message).not.toContain("cannot parse");

    // The other rule still runs on the same runtime, for the same resource.
    const others = runtime.analyzeResource(reportingRule, vmss, {}, undefined);
    expect(others).toEqual([
      expect.objectContaining({ policyName: "aks-test-reports", enforcementLevel: "mandatory" }),
    ]);
  });

  it("turns a throwing stack check into one advisory diagnostic about the stack", () => {
    const runtime = newRuntime([throwingRule, reportingRule], "dev");
    const diagnostics = runtime.analyzeStack(throwingRule, [vmssOutputs], {}, undefined);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ policyName: "aks-test-throws", enforcementLevel: "advisory" });
    expect(diagnostics[0].message).toContain(
      "aks-test-throws: internal error while checking the stack (TypeError",
    );
    expect(diagnostics[0].message).not.toContain(SECRET);

    const others = runtime.analyzeStack(reportingRule, [vmssOutputs], {}, undefined);
    expect(others).toEqual([
      expect.objectContaining({
        policyName: "aks-test-reports",
        urn: vmssOutputs.urn,
        enforcementLevel: "mandatory",
      }),
    ]);
  });

  it("does not print a thrown non-Error value", () => {
    const runtime = newRuntime([stringThrowingRule], "dev");
    const resource: ResourceInput = {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::s",
      name: "s",
      props: { password: SECRET },
    };
    const diagnostics = runtime.analyzeResource(stringThrowingRule, resource, {}, undefined);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].enforcementLevel).toBe("advisory");
    expect(diagnostics[0].message).toContain(
      'aks-test-throws-string: internal error while checking azure-native:compute:VirtualMachineScaleSet "s" (string)',
    );
    expect(diagnostics[0].message).not.toContain(SECRET);
  });

  it("lets configuration errors through (they name the key instead of being swallowed)", () => {
    const runtime = newRuntime([reportingRule], "dev");
    expect(() => runtime.analyzeResource(reportingRule, vmss, { threshold: -1 }, undefined)).toThrow(
      /aks-test-reports\.threshold/,
    );
  });
});

describe("findingLevel", () => {
  const violation: Finding = { kind: "violation", message: "m" };
  const cannotKnow: Finding = { kind: "cannot-know", message: "m" };
  const advisoryOnly: Finding = { kind: "violation", message: "m", advisoryOnly: true };
  const mandatoryWhenEnabled: Finding = { kind: "violation", message: "m", mandatoryWhenEnabled: true };
  const cannotKnowWhenEnabled: Finding = { kind: "cannot-know", message: "m", mandatoryWhenEnabled: true };

  const table: {
    kind: string;
    finding: Finding;
    level: Level;
    expected: "advisory" | "mandatory" | "none";
  }[] = [
    { kind: "violation", finding: violation, level: "disabled", expected: "none" },
    { kind: "violation", finding: violation, level: "advisory", expected: "advisory" },
    { kind: "violation", finding: violation, level: "mandatory", expected: "mandatory" },
    { kind: "cannot-know", finding: cannotKnow, level: "disabled", expected: "none" },
    { kind: "cannot-know", finding: cannotKnow, level: "advisory", expected: "none" },
    { kind: "cannot-know", finding: cannotKnow, level: "mandatory", expected: "advisory" },
    { kind: "advisoryOnly", finding: advisoryOnly, level: "disabled", expected: "none" },
    { kind: "advisoryOnly", finding: advisoryOnly, level: "advisory", expected: "advisory" },
    { kind: "advisoryOnly", finding: advisoryOnly, level: "mandatory", expected: "advisory" },
    { kind: "mandatoryWhenEnabled", finding: mandatoryWhenEnabled, level: "disabled", expected: "none" },
    { kind: "mandatoryWhenEnabled", finding: mandatoryWhenEnabled, level: "advisory", expected: "mandatory" },
    {
      kind: "mandatoryWhenEnabled",
      finding: mandatoryWhenEnabled,
      level: "mandatory",
      expected: "mandatory",
    },
    {
      kind: "cannot-know + mandatoryWhenEnabled",
      finding: cannotKnowWhenEnabled,
      level: "disabled",
      expected: "none",
    },
    {
      kind: "cannot-know + mandatoryWhenEnabled",
      finding: cannotKnowWhenEnabled,
      level: "advisory",
      expected: "none",
    },
    {
      kind: "cannot-know + mandatoryWhenEnabled",
      finding: cannotKnowWhenEnabled,
      level: "mandatory",
      expected: "advisory",
    },
  ];

  it.each(table)("$kind finding, rule level $level → $expected", ({ finding, level, expected }) => {
    expect(findingLevel(finding, level) ?? "none").toBe(expected);
  });
});

describe("formatMessage", () => {
  it("reads: rule id, type, name — what is wrong. Support policy: §sections (S-numbers). Fix: action", () => {
    const message = formatMessage(reportingRule, vmss, { kind: "violation", message: "is out of support" });
    expect(message).toBe(
      'aks-test-reports: azure-native:compute:VirtualMachineScaleSet "pool" — is out of support. ' +
        "Support policy: §customer-responsibilities-for-aks-worker-nodes, §security-issues-and-patching (S20, S21). " +
        "Fix: do the right thing",
    );
  });

  it("words a cannot-know finding as not verifiable during preview", () => {
    const message = formatMessage(reportingRule, vmss, { kind: "cannot-know", message: "`x` is unknown" });
    expect(message).toBe(
      'aks-test-reports: azure-native:compute:VirtualMachineScaleSet "pool" — cannot be verified during preview: ' +
        "`x` is unknown; checked again when the value is known (e.g. at `pulumi up`). " +
        "Support policy: §customer-responsibilities-for-aks-worker-nodes, §security-issues-and-patching (S20, S21). " +
        "Fix: do the right thing",
    );
  });

  it("uses the finding's subject and fix when given (stack findings)", () => {
    const message = formatMessage(reportingRule, vmss, {
      kind: "violation",
      message: "blocks egress",
      subject: { type: "azure-native:network:NetworkSecurityGroup", name: "nsg" },
      fix: "allow TCP 443",
    });
    expect(message).toMatch(
      /^aks-test-reports: azure-native:network:NetworkSecurityGroup "nsg" — blocks egress\. /,
    );
    expect(message).toMatch(/ Fix: allow TCP 443$/);
  });
});

describe("refused stack-config loosening", () => {
  const stackConfig = { "aks-guardrails:levels": JSON.stringify({ "aks-test-reports": "advisory" }) };

  it("keeps the org level and reports the refusal once, as advisory, naming the key", () => {
    const runtime = newRuntime([reportingRule], "dev", stackConfig);
    const analyzed = runtime.analyzeResource(reportingRule, vmss, {}, undefined);
    expect(analyzed).toEqual([expect.objectContaining({ enforcementLevel: "mandatory" })]);

    const first = runtime.analyzeStack(reportingRule, [], {}, undefined);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ policyName: "aks-test-reports", enforcementLevel: "advisory" });
    expect(first[0].urn).toBeUndefined();
    expect(first[0].message).toContain("aks-guardrails:levels.aks-test-reports");
    expect(first[0].message).toContain('asks for "advisory"');
    expect(first[0].message).toContain('the rule stays "mandatory"');
    expect(first[0].message).toContain('"allowStackLoosening": true');

    expect(runtime.analyzeStack(reportingRule, [], {}, undefined)).toEqual([]);
  });

  it("is not a refusal when the pack config allows loosening", () => {
    const runtime = newRuntime([reportingRule], "dev", stackConfig);
    const config = { allowStackLoosening: true };
    expect(runtime.analyzeResource(reportingRule, vmss, config, undefined)).toEqual([
      expect.objectContaining({ enforcementLevel: "advisory" }),
    ]);
    expect(runtime.analyzeStack(reportingRule, [], config, undefined)).toEqual([]);
  });

  it("is not a refusal when stack config tightens", () => {
    const runtime = newRuntime([reportingRule], "dev", {
      "aks-guardrails:levels": { "aks-test-reports": "mandatory" },
    });
    expect(runtime.analyzeStack(reportingRule, [], { enforcementLevel: "advisory" }, undefined)).toEqual([]);
    expect(runtime.analyzeResource(reportingRule, vmss, { enforcementLevel: "advisory" }, undefined)).toEqual(
      [expect.objectContaining({ enforcementLevel: "mandatory" })],
    );
  });
});

describe("stale bundled data", () => {
  const dated = defineRule<Record<string, never>>({
    id: "aks-dated-data-rule",
    title: "dated",
    area: "upgrades",
    description: "A rule with release data.",
    source: { sections: ["customer-responsibilities-for-aks-worker-nodes"], statements: ["S31"] },
    defaultLevel: "advisory",
    data: { what: "version calendar", lastChecked: "2026-11-23" },
    resourceTypes: [],
    options: {},
    fix: "update",
    docs: { why: "w", checks: "c", violating: "v", fixed: "f" },
    checkResource: () => [],
  });

  const notices = (now: string, config: Record<string, unknown> = {}) => {
    const runtime = new GuardrailsRuntime({
      rules: [dated],
      stack: { stack: "dev", project: "p", organization: "o" },
      stackConfig: {},
      now: () => new Date(now),
    });
    const first = runtime.analyzeStack(dated, [], config, undefined);
    const second = runtime.analyzeStack(dated, [], config, undefined);
    return { first, second };
  };

  test("data checked within six months: no notice", () => {
    expect(notices("2027-05-20T00:00:00Z").first).toEqual([]);
  });

  test("data older than six months: one advisory naming the data and its date, reported once", () => {
    const { first, second } = notices("2027-06-30T00:00:00Z");
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ policyName: "aks-dated-data-rule", enforcementLevel: "advisory" });
    expect(first[0].message).toContain(
      "bundled version calendar was last checked on 2026-11-23, 219 days ago",
    );
    expect(second).toEqual([]);
  });

  test("a disabled rule says nothing", () => {
    expect(notices("2027-06-30T00:00:00Z", { enforcementLevel: "disabled" }).first).toEqual([]);
  });

  test("defineRule rejects a malformed date", () => {
    expect(() => defineRule({ ...dated, data: { what: "x", lastChecked: "23.11.2026" } })).toThrow(
      /YYYY-MM-DD/,
    );
  });
});

describe("exemptions", () => {
  const stackWideRule = defineRule<Record<string, never>>({
    id: "aks-test-stack-wide",
    title: "Reports the stack",
    area: "upgrades",
    description: "A rule with one stack-wide finding.",
    source: { sections: ["shared-responsibility"], statements: ["S12"] },
    defaultLevel: "mandatory",
    resourceTypes: [],
    options: {},
    fix: "none",
    docs: { why: "test", checks: "test", violating: "", fixed: "" },
    checkStack: () => [{ kind: "violation", message: "is wrong stack-wide" }],
  });
  const REASON = "legacy pool, INC-12";

  function runtimeAt(stack: "dev" | "prod-eu", now = "2025-06-30T12:00:00Z", reportExempted = false) {
    return new GuardrailsRuntime({
      rules: [reportingRule, stackWideRule],
      stack: { stack, project: "p", organization: "o" },
      stackConfig: {},
      now: () => new Date(now),
      reportExempted,
    });
  }
  const exempt = (...exemptions: Array<Record<string, unknown>>) => ({ exemptions });

  test.each([
    ["the exact URN", { resource: vmss.urn, reason: REASON }],
    ["a URN glob", { resource: "urn:pulumi:*::p::*VirtualMachineScaleSet::*", reason: REASON }],
    ["the Pulumi name", { resource: "pool", reason: REASON }],
    ["a name glob", { resource: "po?l*", reason: REASON }],
  ])("matching %s: the finding is dropped", (_name, exemption) => {
    expect(runtimeAt("dev").analyzeResource(reportingRule, vmss, exempt(exemption), undefined)).toEqual([]);
  });

  test("a glob matching neither URN nor name leaves the finding", () => {
    const config = exempt(
      { resource: "pool-*", reason: REASON },
      { resource: "urn:pulumi:prod::*", reason: REASON },
    );
    expect(runtimeAt("dev").analyzeResource(reportingRule, vmss, config, undefined)).toEqual([
      expect.objectContaining({ enforcementLevel: "mandatory", urn: vmss.urn }),
    ]);
  });

  test("a stacks glob: applies on matching stacks only", () => {
    const config = exempt({ resource: "pool", stacks: "prod-*", reason: REASON });
    expect(runtimeAt("prod-eu").analyzeResource(reportingRule, vmss, config, undefined)).toEqual([]);
    expect(runtimeAt("dev").analyzeResource(reportingRule, vmss, config, undefined)).toEqual([
      expect.objectContaining({ enforcementLevel: "mandatory" }),
    ]);
  });

  test("stack-phase findings on a resource are exempted too; stack-wide ones are not", () => {
    const runtime = runtimeAt("dev");
    const config = exempt({ resource: "*", reason: REASON, allowBroad: true });
    expect(runtime.analyzeStack(reportingRule, [vmssOutputs], config, undefined)).toEqual([]);
    expect(runtime.analyzeStack(stackWideRule, [vmssOutputs], config, undefined)).toEqual([
      expect.objectContaining({
        enforcementLevel: "mandatory",
        message: expect.stringContaining("stack-wide"),
      }),
    ]);
  });

  test("reported to the host, when asked, as a marked advisory carrying the level and reason", () => {
    const config = exempt({ resource: "pool", reason: REASON, expires: "2025-12-31" });
    const [d, ...rest] = runtimeAt("dev", undefined, true).analyzeResource(
      reportingRule,
      vmss,
      config,
      undefined,
    );
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ policyName: "aks-test-reports", urn: vmss.urn, enforcementLevel: "advisory" });
    expect(parseExemptedMarker(d.message)).toEqual({
      level: "mandatory",
      reason: REASON,
      expires: "2025-12-31",
      message: formatMessage(reportingRule, vmss, { kind: "violation", message: "is reported" }),
    });
  });

  test("the marker survives reasons with quotes and brackets; an unmarked message is not exempted", () => {
    const reason = 'see "INC-12" [approved] ] by ops';
    const message = `${exemptedMarker({ level: "advisory", reason })}aks-x: finding`;
    expect(parseExemptedMarker(message)).toEqual({ level: "advisory", reason, message: "aks-x: finding" });
    expect(parseExemptedMarker("aks-x: [exempted mandatory: x] finding")).toBeUndefined();
  });

  test("expires is the last day it applies (UTC)", () => {
    const config = exempt({ resource: "pool", reason: REASON, expires: "2025-06-30" });
    expect(
      runtimeAt("dev", "2025-06-30T23:59:59Z").analyzeResource(reportingRule, vmss, config, undefined),
    ).toEqual([]);
  });

  test("an expired exemption applies no more, and the pack says so once", () => {
    const runtime = runtimeAt("dev", "2025-07-01T00:00:00Z");
    const config = exempt({ resource: "po*", reason: REASON, expires: "2025-06-30" });
    expect(runtime.analyzeResource(reportingRule, vmss, config, undefined)).toEqual([
      expect.objectContaining({ enforcementLevel: "mandatory", urn: vmss.urn }),
    ]);
    const notices = runtime.analyzeStack(stackWideRule, [], config, undefined);
    const expired = notices.filter((n) => n.message.includes("expired"));
    expect(expired).toEqual([
      {
        policyName: "aks-test-stack-wide",
        enforcementLevel: "advisory",
        message: expect.stringContaining('the exemption for resource "po*" expired on 2025-06-30'),
      },
    ]);
    expect(expired[0].urn).toBeUndefined();
    expect(
      runtime.analyzeStack(stackWideRule, [], config, undefined).filter((n) => n.message.includes("expired")),
    ).toEqual([]);
  });

  test("no expiry notice for an exemption of another stack, or before the date", () => {
    const other = exempt({ resource: "pool", stacks: "prod-*", reason: REASON, expires: "2025-01-01" });
    expect(runtimeAt("dev").analyzeStack(reportingRule, [], other, undefined)).toEqual([]);
    const current = exempt({ resource: "pool", reason: REASON, expires: "2025-06-30" });
    expect(runtimeAt("dev").analyzeStack(reportingRule, [], current, undefined)).toEqual([]);
  });

  test("a match-everything exemption on a mandatory rule is refused at Configure unless allowBroad", () => {
    const runtime = runtimeAt("dev");
    const broad = { resource: "*", reason: REASON };
    expect(() =>
      runtime.configure({ "aks-test-reports": { enforcementLevel: "mandatory", properties: exempt(broad) } }),
    ).toThrow(/aks-test-reports\.exemptions\[0\]: exempts every resource on every stack.*"allowBroad": true/);
    expect(() =>
      runtime.configure({ "aks-test-reports": { enforcementLevel: "advisory", properties: exempt(broad) } }),
    ).not.toThrow();
    const allowed = exempt({ ...broad, allowBroad: true });
    runtime.configure({ "aks-test-reports": { enforcementLevel: "mandatory", properties: allowed } });
    expect(runtime.analyzeResource(reportingRule, vmss, allowed, undefined)).toEqual([]);
  });
});
