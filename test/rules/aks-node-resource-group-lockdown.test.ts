/**
 * `aks-node-resource-group-lockdown` (rule-catalog §2.10): table-driven through the real runtime.
 */
import type { ResourceInput } from "../../src/model/rule";
import { Diagnostic, GuardrailsRuntime } from "../../src/pack/runtime";
import rule from "../../src/rules/aks-node-resource-group-lockdown";

const RULE_ID = "aks-node-resource-group-lockdown";
const UNK = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

interface Case {
  name: string;
  config?: Record<string, unknown>;
  resource: ResourceInput;
}

interface InvalidCase extends Case {
  level: "advisory" | "mandatory";
  message: string;
  notInMessage?: string[];
}

function analyze(c: Case): Diagnostic[] {
  const runtime = new GuardrailsRuntime({
    rules: [rule],
    stack: { stack: "dev", project: "p", organization: "o" },
    stackConfig: {},
  });
  return runtime.analyzeResource(rule, c.resource, c.config ?? {}, new Map<string, string>());
}

const cluster = (
  name: string,
  props: Record<string, unknown>,
  type = "azure-native:containerservice:ManagedCluster",
) => ({
  type,
  urn: `urn:pulumi:dev::p::${type}::${name}`,
  name,
  props,
});

const valid: Case[] = [
  {
    name: "P1 restrictionLevel ReadOnly",
    resource: cluster("p1", {
      resourceGroupName: "rg",
      nodeResourceGroupProfile: { restrictionLevel: "ReadOnly" },
    }),
  },
  {
    name: "P2 AKS Automatic (lockdown preconfigured)",
    resource: cluster("p2", { resourceGroupName: "rg", sku: { name: "Automatic", tier: "Standard" } }),
  },
  {
    name: "P3 classic AutomaticCluster",
    resource: cluster(
      "p3",
      { resourceGroupName: "rg", name: "auto1", identity: { type: "SystemAssigned" } },
      "azure:containerservice/automaticCluster:AutomaticCluster",
    ),
  },
  {
    name: "U1 unknown restriction level (advisory rule: nothing)",
    resource: cluster("u1", { resourceGroupName: "rg", nodeResourceGroupProfile: { restrictionLevel: UNK } }),
  },
  {
    name: "F3 classic KubernetesCluster without includeClassic: not applicable",
    resource: cluster(
      "f3",
      { resourceGroupName: "rg", defaultNodePool: { name: "sys", vmSize: "Standard_D4s_v5" } },
      "azure:containerservice/kubernetesCluster:KubernetesCluster",
    ),
  },
  {
    name: "readonly compared case-insensitively",
    resource: cluster("ci", { nodeResourceGroupProfile: { restrictionLevel: "readonly" } }),
  },
  {
    name: "versioned ManagedCluster token with ReadOnly",
    resource: cluster(
      "v",
      { nodeResourceGroupProfile: { restrictionLevel: "ReadOnly" } },
      "azure-native:containerservice/v20250901:ManagedCluster",
    ),
  },
  {
    name: "AgentPool is not a cluster",
    resource: cluster(
      "pool",
      { resourceGroupName: "rg", resourceName: "aks1" },
      "azure-native:containerservice:AgentPool",
    ),
  },
  {
    name: "unknown SKU with a mandatory level: advisory only, not definite (see invalid); advisory level: nothing",
    resource: cluster("sku", { sku: UNK }),
  },
];

const invalid: InvalidCase[] = [
  {
    name: "F1 no nodeResourceGroupProfile",
    resource: cluster("f1", {
      resourceGroupName: "rg",
      agentPoolProfiles: [{ name: "sys", mode: "System" }],
    }),
    level: "advisory",
    message:
      'azure-native:containerservice:ManagedCluster "f1" — does not lock down its node resource group: no ' +
      "`nodeResourceGroupProfile.restrictionLevel` (the default is Unrestricted)",
  },
  {
    name: "F2 Unrestricted",
    resource: cluster("f2", {
      resourceGroupName: "rg",
      nodeResourceGroupProfile: { restrictionLevel: "Unrestricted" },
    }),
    level: "advisory",
    message: "`nodeResourceGroupProfile.restrictionLevel` is Unrestricted",
  },
  {
    name: "F3 classic KubernetesCluster with includeClassic: advisory even when configured mandatory",
    config: { includeClassic: true, enforcementLevel: "mandatory" },
    resource: cluster(
      "f3",
      { resourceGroupName: "rg", defaultNodePool: { name: "sys", vmSize: "Standard_D4s_v5" } },
      "azure:containerservice/kubernetesCluster:KubernetesCluster",
    ),
    level: "advisory",
    message: "the classic `@pulumi/azure` KubernetesCluster cannot set the lockdown",
  },
  {
    name: "U1 with the rule made mandatory: advisory cannot-verify",
    config: { enforcementLevel: "mandatory" },
    resource: cluster("u1", { resourceGroupName: "rg", nodeResourceGroupProfile: { restrictionLevel: UNK } }),
    level: "advisory",
    message: "cannot be verified during preview: `nodeResourceGroupProfile.restrictionLevel` is unknown",
    notInMessage: [UNK],
  },
  {
    name: "mandatory level: a definite finding is mandatory",
    config: { enforcementLevel: "mandatory" },
    resource: cluster("m", { resourceGroupName: "rg" }),
    level: "mandatory",
    message: "does not lock down its node resource group",
  },
  {
    name: "a restriction level that is not an enum value is not printed",
    resource: cluster("odd", { nodeResourceGroupProfile: { restrictionLevel: "Read Only; token=hunter2" } }),
    level: "advisory",
    message: "`nodeResourceGroupProfile.restrictionLevel` is (not shown)",
    notInMessage: ["hunter2"],
  },
  {
    name: "a restriction level of the wrong type does not throw",
    resource: cluster("num", { nodeResourceGroupProfile: { restrictionLevel: 1 } }),
    level: "advisory",
    message: "is (not shown)",
  },
  {
    name: "versioned token of an older API version",
    resource: cluster(
      "old",
      { resourceGroupName: "rg" },
      "azure-native:containerservice/v20230401:ManagedCluster",
    ),
    level: "advisory",
    message: 'azure-native:containerservice/v20230401:ManagedCluster "old" — does not lock down',
  },
  {
    name: "Base SKU is not Automatic",
    resource: cluster("base", { sku: { name: "Base", tier: "Free" } }),
    level: "advisory",
    message: "does not lock down its node resource group",
  },
];

describe(RULE_ID, () => {
  describe("valid", () => {
    it.each(valid.map((c) => [c.name, c] as const))("%s", (_name, c) => {
      expect(analyze(c)).toEqual([]);
    });
  });

  describe("invalid", () => {
    it.each(invalid.map((c) => [c.name, c] as const))("%s", (_name, c) => {
      const diagnostics = analyze(c);
      expect(diagnostics).toHaveLength(1);
      const [d] = diagnostics;
      expect(d.policyName).toBe(RULE_ID);
      expect(d.urn).toBe(c.resource.urn);
      expect(d.enforcementLevel).toBe(c.level);
      expect(d.message).toContain(c.message);
      expect(d.message).toContain("Support policy: §user-customization-of-worker-nodes (S33, S35, S39)");
      for (const secret of c.notInMessage ?? []) expect(d.message).not.toContain(secret);
    });
  });

  it("unknown SKU on a mandatory stack: advisory cannot-verify", () => {
    const diagnostics = analyze({
      name: "sku",
      config: { enforcementLevel: "mandatory" },
      resource: cluster("sku", { sku: UNK }),
    });
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].enforcementLevel).toBe("advisory");
    expect(diagnostics[0].message).toContain("`sku.name` is unknown");
  });
});
