/**
 * `aks-node-os-upgrade` (rule-catalog §2.4): table-driven; every case runs through the real pipeline
 * (Analyze for each resource, then AnalyzeStack) and asserts rule id, level, resource and message fragments.
 */
import rule from "../../src/rules/aks-node-os-upgrade";
import { RuleCase, UNK, expectCase, fuzzRule, stressRule } from "../support/run-rule";

const valid: RuleCase[] = [
  {
    name: "P1 no autoUpgradeProfile: NodeImage by default",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "p1",
        props: { resourceGroupName: "rg" },
      },
    ],
    expected: [],
  },
  {
    name: "P2 SecurityPatch",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "p2",
        props: { resourceGroupName: "rg", autoUpgradeProfile: { nodeOSUpgradeChannel: "SecurityPatch" } },
      },
    ],
    expected: [],
  },
  {
    name: "P3 classic NodeImage",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "p3",
        props: {
          resourceGroupName: "rg",
          defaultNodePool: { name: "sys", vmSize: "Standard_D4s_v5" },
          nodeOsUpgradeChannel: "NodeImage",
        },
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
        props: { resourceGroupName: "rg", autoUpgradeProfile: { nodeOSUpgradeChannel: UNK } },
      },
    ],
    expected: [],
  },
  {
    name: "versioned token, channels in other cases, node-image with NodeImage is consistent",
    resources: [
      {
        type: "azure-native:containerservice/v20240402preview:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          autoUpgradeProfile: { upgradeChannel: "Node-Image", nodeOSUpgradeChannel: "nodeimage" },
        },
      },
    ],
    expected: [],
  },
  {
    name: "classic node-image with NodeImage; classic AKS Automatic; AKS Automatic with None",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "c",
        props: {
          name: "aks1",
          resourceGroupName: "rg",
          defaultNodePool: { name: "sys" },
          automaticUpgradeChannel: "node-image",
          nodeOsUpgradeChannel: "NodeImage",
        },
      },
      {
        type: "azure:containerservice/automaticCluster:AutomaticCluster",
        name: "auto",
        props: { name: "auto1", resourceGroupName: "rg" },
      },
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "auto-native",
        props: {
          resourceGroupName: "rg",
          sku: { name: "Automatic", tier: "Standard" },
          autoUpgradeProfile: { nodeOSUpgradeChannel: "None" },
        },
      },
    ],
    expected: [],
  },
  {
    name: "Unmanaged allowed by configuration (nodes patched and rebooted by kured)",
    config: { allowedChannels: ["NodeImage", "SecurityPatch", "Unmanaged"] },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: { resourceGroupName: "rg", autoUpgradeProfile: { nodeOSUpgradeChannel: "Unmanaged" } },
      },
    ],
    expected: [],
  },
];

const invalid: RuleCase[] = [
  {
    name: "F1 None",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "f1",
        props: {
          resourceGroupName: "rg",
          autoUpgradeProfile: { upgradeChannel: "stable", nodeOSUpgradeChannel: "None" },
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "f1",
        phase: "analyze",
        message: [
          'cluster "f1" uses node OS upgrade channel None (autoUpgradeProfile.nodeOSUpgradeChannel=None)',
          "no automatic OS security updates",
          "(S06, S29); allowed: NodeImage, SecurityPatch",
          "Support policy: §customer-responsibilities-for-aks-worker-nodes, §security-issues-and-patching (S06, S26, S29, S30, S44)",
          'Fix: set `autoUpgradeProfile: { nodeOSUpgradeChannel: "NodeImage" }`',
        ],
      },
    ],
  },
  {
    name: "F2 Unmanaged",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "f2",
        props: { resourceGroupName: "rg", autoUpgradeProfile: { nodeOSUpgradeChannel: "Unmanaged" } },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "f2",
        message: ["channel Unmanaged", "you must manage reboots (e.g. with kured) (S29, S30)"],
      },
    ],
  },
  {
    name: "F3 classic node-image with SecurityPatch is inconsistent",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "f3",
        props: {
          resourceGroupName: "rg",
          defaultNodePool: { name: "sys", vmSize: "Standard_D4s_v5" },
          automaticUpgradeChannel: "node-image",
          nodeOsUpgradeChannel: "SecurityPatch",
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "f3",
        message: [
          'cluster "f3" combines automaticUpgradeChannel=node-image with nodeOsUpgradeChannel=SecurityPatch',
          'Fix: set `nodeOsUpgradeChannel: "NodeImage"`, or move automaticUpgradeChannel to "stable" or "rapid"',
        ],
      },
    ],
  },
  {
    name: "node-image with None: inconsistent and not allowed (two findings)",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          autoUpgradeProfile: { upgradeChannel: "node-image", nodeOSUpgradeChannel: "none" },
        },
      },
    ],
    expected: [
      { level: "advisory", on: "aks", message: "combines autoUpgradeProfile.upgradeChannel=node-image" },
      { level: "advisory", on: "aks", message: 'cluster "aks1" uses node OS upgrade channel None' },
    ],
  },
  {
    name: "Unmanaged on a cluster with a Windows pool says it equals None there",
    resources: [
      {
        type: "azure-native:containerservice/v20240402preview:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          autoUpgradeProfile: { nodeOSUpgradeChannel: "Unmanaged" },
          agentPoolProfiles: [
            { name: "sys", mode: "System" },
            { name: "win", mode: "User", osType: "Windows" },
          ],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        message: "on its Windows pools Unmanaged applies no patches at all, like None",
      },
    ],
  },
  {
    name: "classic None",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "c",
        props: {
          name: "aks1",
          resourceGroupName: "rg",
          defaultNodePool: { name: "sys" },
          nodeOsUpgradeChannel: "None",
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "c",
        message: ["(nodeOsUpgradeChannel=None)", 'Fix: set `nodeOsUpgradeChannel: "NodeImage"`'],
      },
    ],
  },
  {
    name: "the default NodeImage when the configuration allows only SecurityPatch",
    config: { allowedChannels: ["SecurityPatch"] },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: { resourceGroupName: "rg", resourceName: "aks1" },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        message: [
          "(autoUpgradeProfile.nodeOSUpgradeChannel=NodeImage, the default), which is not allowed by this rule's configuration; allowed: SecurityPatch",
          'nodeOSUpgradeChannel: "SecurityPatch"',
        ],
      },
    ],
  },
  {
    name: "not a documented channel, and a value of the wrong type",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          autoUpgradeProfile: { nodeOSUpgradeChannel: "Weekly" },
        },
      },
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "c",
        props: {
          name: "aks2",
          resourceGroupName: "rg",
          defaultNodePool: { name: "sys" },
          nodeOsUpgradeChannel: ["None"],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        message:
          "to a value that is not a node OS upgrade channel (None | Unmanaged | NodeImage | SecurityPatch)",
      },
      { level: "advisory", on: "c", message: "sets `nodeOsUpgradeChannel` to a non-string value" },
    ],
    notInMessage: ["Weekly"],
  },
  {
    name: "made mandatory: unknown channels only advisory, definite findings mandatory",
    config: { enforcementLevel: "mandatory" },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "unknown-os",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          autoUpgradeProfile: { nodeOSUpgradeChannel: UNK },
        },
      },
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "unknown-cluster-channel",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks2",
          autoUpgradeProfile: { upgradeChannel: UNK, nodeOSUpgradeChannel: "SecurityPatch" },
        },
      },
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "none",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks3",
          autoUpgradeProfile: { nodeOSUpgradeChannel: "None" },
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "unknown-os",
        message: 'cannot be verified during preview: the node OS upgrade channel of cluster "aks1"',
      },
      {
        level: "advisory",
        on: "unknown-cluster-channel",
        message: 'whether the upgrade channels of cluster "aks2" are consistent',
      },
      { level: "mandatory", on: "none", message: 'cluster "aks3" uses node OS upgrade channel None' },
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

  it("recognises every documented node OS channel of the installed azure-native SDK", () => {
    const enums = jest.requireActual<{ NodeOSUpgradeChannel: Record<string, string> }>(
      "@pulumi/azure-native/types/enums/containerservice",
    );
    const schema = rule.options.allowedChannels as { items: { enum: readonly string[] } };
    expect([...schema.items.enum].sort()).toEqual(Object.values(enums.NodeOSUpgradeChannel).sort());
  });

  it("never fails on huge, deeply nested or long input", () => stressRule(rule));

  it("never fails and never echoes unsafe values on random input", () => fuzzRule(rule));
});
