/**
 * `aks-cluster-auto-upgrade` (rule-catalog §2.3): table-driven; every case runs through the real pipeline
 * (Analyze for each resource, then AnalyzeStack) and asserts rule id, level, resource and message fragments.
 */
import rule from "../../src/rules/aks-cluster-auto-upgrade";
import { RuleCase, UNK, expectCase, fuzzRule, stressRule } from "../support/run-rule";

const valid: RuleCase[] = [
  {
    name: "P1 stable",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "p1",
        props: { resourceGroupName: "rg", autoUpgradeProfile: { upgradeChannel: "stable" } },
      },
    ],
    expected: [],
  },
  {
    name: "P2 patch on a long-term-support cluster",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "p2",
        props: {
          resourceGroupName: "rg",
          supportPlan: "AKSLongTermSupport",
          sku: { name: "Base", tier: "Premium" },
          autoUpgradeProfile: { upgradeChannel: "patch" },
        },
      },
    ],
    expected: [],
  },
  {
    name: "P3 AKS Automatic",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "p3",
        props: { resourceGroupName: "rg", sku: { name: "Automatic", tier: "Standard" } },
      },
    ],
    expected: [],
  },
  {
    name: "U1 channel unknown: nothing (advisory rule)",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "u1",
        props: { resourceGroupName: "rg", autoUpgradeProfile: { upgradeChannel: UNK } },
      },
    ],
    expected: [],
  },
  {
    name: "versioned token, channel in another case (Rapid)",
    resources: [
      {
        type: "azure-native:containerservice/v20240402preview:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          autoUpgradeProfile: { upgradeChannel: "Rapid" },
        },
      },
    ],
    expected: [],
  },
  {
    name: "classic cluster on stable; classic AKS Automatic cluster",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "c",
        props: {
          name: "aks1",
          resourceGroupName: "rg",
          defaultNodePool: { name: "sys", vmSize: "Standard_D4s_v5" },
          automaticUpgradeChannel: "stable",
        },
      },
      {
        type: "azure:containerservice/automaticCluster:AutomaticCluster",
        name: "auto",
        props: { name: "auto1", resourceGroupName: "rg" },
      },
    ],
    expected: [],
  },
  {
    name: "exemptClusters by Azure name and by Pulumi name (case-insensitive)",
    config: { exemptClusters: ["AKS-FLEET-1", "fleet2"] },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "fleet1",
        props: { resourceGroupName: "rg", resourceName: "aks-fleet-1" },
      },
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "fleet2",
        props: { name: "aks-fleet-2", resourceGroupName: "rg", defaultNodePool: { name: "sys" } },
      },
    ],
    expected: [],
  },
  {
    name: "support plan unknown, stable is allowed under either plan",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          supportPlan: UNK,
          autoUpgradeProfile: { upgradeChannel: "stable" },
        },
      },
    ],
    expected: [],
  },
];

const invalid: RuleCase[] = [
  {
    name: "F1 no autoUpgradeProfile: none by default",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "f1",
        props: { resourceGroupName: "rg", agentPoolProfiles: [{ name: "sys", mode: "System" }] },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "f1",
        phase: "analyze",
        message: [
          'cluster "f1" uses upgrade channel none (autoUpgradeProfile.upgradeChannel=none, the default)',
          "no automatic Kubernetes upgrades and you must run every upgrade yourself",
          "(S31); allowed: stable, rapid",
          "Support policy: §customer-responsibilities-for-aks-worker-nodes (S31, S44)",
          'Fix: set `autoUpgradeProfile: { upgradeChannel: "stable" }`',
        ],
      },
    ],
  },
  {
    name: "F2 legacy node-image channel",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "f2",
        props: {
          resourceGroupName: "rg",
          autoUpgradeProfile: { upgradeChannel: "node-image", nodeOSUpgradeChannel: "NodeImage" },
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "f2",
        message: [
          "(autoUpgradeProfile.upgradeChannel=node-image), a legacy channel that upgrades node images but never Kubernetes",
          'Fix: set `autoUpgradeProfile: { upgradeChannel: "stable" }` and `nodeOSUpgradeChannel: "NodeImage"`',
        ],
      },
    ],
  },
  {
    name: "F3 classic cluster without automaticUpgradeChannel",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "f3",
        props: {
          resourceGroupName: "rg",
          kubernetesVersion: "1.35",
          defaultNodePool: { name: "sys", vmSize: "Standard_D4s_v5" },
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "f3",
        message: [
          "(automaticUpgradeChannel=none, the default)",
          'Fix: set `automaticUpgradeChannel: "stable"`',
        ],
      },
    ],
  },
  {
    name: "patch outside LTS falls out of the N-2 window",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          supportPlan: "KubernetesOfficial",
          autoUpgradeProfile: { upgradeChannel: "PATCH" },
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        message:
          'cluster "aks1" uses upgrade channel patch (autoUpgradeProfile.upgradeChannel=patch), which keeps the minor version',
      },
    ],
  },
  {
    name: "explicit None (any case) on a versioned token",
    resources: [
      {
        type: "azure-native:containerservice/v20240402preview:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          autoUpgradeProfile: { upgradeChannel: "None" },
        },
      },
    ],
    expected: [{ level: "advisory", on: "aks", message: "(autoUpgradeProfile.upgradeChannel=none)" }],
  },
  {
    name: "LTS cluster on node-image lists the LTS allow-list",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          supportPlan: "aksLongTermSupport",
          autoUpgradeProfile: { upgradeChannel: "node-image" },
        },
      },
    ],
    expected: [
      { level: "advisory", on: "aks", message: "allowed with the LTS support plan: patch, stable, rapid" },
    ],
  },
  {
    name: "classic cluster on patch",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "c",
        props: {
          name: "aks1",
          resourceGroupName: "rg",
          defaultNodePool: { name: "sys" },
          automaticUpgradeChannel: "patch",
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "c",
        message: ['cluster "aks1" uses upgrade channel patch (automaticUpgradeChannel=patch)'],
      },
    ],
  },
  {
    name: "a channel the configuration does not allow",
    config: { allowedChannels: ["rapid"] },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          autoUpgradeProfile: { upgradeChannel: "stable" },
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        message: [
          "which is not allowed by this rule's configuration; allowed: rapid",
          'upgradeChannel: "rapid"',
        ],
      },
    ],
  },
  {
    name: "not a documented channel: reported, the value itself never printed",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          autoUpgradeProfile: { upgradeChannel: "weekly" },
        },
      },
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks2",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks2",
          autoUpgradeProfile: { upgradeChannel: "stable; echo s3cret" },
        },
      },
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks3",
        props: { resourceGroupName: "rg", resourceName: "aks3", autoUpgradeProfile: { upgradeChannel: 7 } },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        message:
          "sets `autoUpgradeProfile.upgradeChannel` to a value that is not an upgrade channel (rapid | stable | patch | node-image | none)",
      },
      { level: "advisory", on: "aks2", message: "to a value that is not an upgrade channel" },
      { level: "advisory", on: "aks3", message: "to a non-string value" },
    ],
    notInMessage: ["s3cret", "weekly"],
  },
  {
    name: "made mandatory: definite findings are mandatory, unknown channel or plan only advisory",
    config: { enforcementLevel: "mandatory" },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "unknown-channel",
        props: { resourceGroupName: "rg", resourceName: "aks1", autoUpgradeProfile: { upgradeChannel: UNK } },
      },
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "unknown-plan",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks2",
          supportPlan: UNK,
          autoUpgradeProfile: { upgradeChannel: "patch" },
        },
      },
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "none",
        props: { resourceGroupName: "rg", resourceName: "aks3" },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "unknown-channel",
        message: 'cannot be verified during preview: the upgrade channel of cluster "aks1"',
      },
      { level: "advisory", on: "unknown-plan", message: "(`supportPlan` is unknown)" },
      { level: "mandatory", on: "none", message: 'cluster "aks3" uses upgrade channel none' },
    ],
  },
];

describe(rule.id, () => {
  describe("valid", () => {
    it.each(valid.map((c) => [c.name, c] as const))("%s", (_name, c) => expectCase(rule, c));
  });

  describe("invalid", () => {
    it.each(invalid.map((c) => [c.name, c] as const))("%s", (_name, c) => expectCase(rule, c));
  });

  it("recognises every documented channel of the installed azure-native SDK", () => {
    const enums = jest.requireActual<{ UpgradeChannel: Record<string, string> }>(
      "@pulumi/azure-native/types/enums/containerservice",
    );
    const schema = rule.options.allowedChannels as { items: { enum: readonly string[] } };
    expect([...schema.items.enum].sort()).toEqual(Object.values(enums.UpgradeChannel).sort());
  });

  it("never fails on huge, deeply nested or long input", () => stressRule(rule));

  it("never fails and never echoes unsafe values on random input", () => fuzzRule(rule));
});
