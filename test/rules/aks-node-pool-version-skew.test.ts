/**
 * `aks-node-pool-version-skew` (rule-catalog §2.2): table-driven; every case runs through the real pipeline
 * (Analyze for each resource, then AnalyzeStack) and asserts rule id, level, resource and message fragments.
 */
import rule from "../../src/rules/aks-node-pool-version-skew";
import { FixtureResource, RuleCase, UNK, expectCase, fuzzRule, stressRule } from "../support/run-rule";

/** The catalog's BASE-N cluster (§1.10, control plane 1.35); BASE-N's network resources play no part here. */
const aks: FixtureResource = {
  type: "azure-native:containerservice:ManagedCluster",
  name: "aks",
  props: {
    resourceGroupName: "rg",
    resourceName: "aks1",
    location: "westeurope",
    kubernetesVersion: "1.35",
    agentPoolProfiles: [
      {
        name: "sys",
        mode: "System",
        count: 3,
        vnetSubnetID:
          "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aks",
      },
    ],
    networkProfile: {
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      podCidr: "10.244.0.0/16",
      outboundType: "loadBalancer",
    },
  },
};

const valid: RuleCase[] = [
  {
    name: "P1 AgentPool three minors behind (the allowed skew)",
    resources: [
      aks,
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "user",
          mode: "User",
          orchestratorVersion: "1.32",
        },
      },
    ],
    expected: [],
  },
  {
    name: "P2 same patch version on cluster and pool",
    resources: [
      {
        ...aks,
        props: {
          ...aks.props,
          kubernetesVersion: "1.35.2",
          agentPoolProfiles: [{ name: "sys", mode: "System", count: 3, orchestratorVersion: "1.35.2" }],
        },
      },
    ],
    expected: [],
  },
  {
    name: "P3 AgentPool without orchestratorVersion runs the control plane's version",
    resources: [
      aks,
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: { resourceGroupName: "rg", resourceName: "aks1", agentPoolName: "user", mode: "User" },
      },
    ],
    expected: [],
  },
  {
    name: "U1 pool version unknown: nothing (advisory rule)",
    resources: [
      aks,
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "user",
          mode: "User",
          orchestratorVersion: UNK,
        },
      },
    ],
    expected: [],
  },
  {
    name: "control plane unknown, missing or malformed: the cluster is skipped",
    resources: [
      {
        ...aks,
        props: {
          ...aks.props,
          kubernetesVersion: UNK,
          agentPoolProfiles: [{ name: "sys", mode: "System", orchestratorVersion: "1.20" }],
        },
      },
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks2",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks2",
          agentPoolProfiles: [{ name: "sys", mode: "System", orchestratorVersion: "1.20" }],
        },
      },
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks3",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks3",
          kubernetesVersion: "latest",
          agentPoolProfiles: [{ name: "sys", mode: "System", orchestratorVersion: "1.20" }],
        },
      },
    ],
    expected: [],
  },
  {
    name: "a pool of a cluster outside the stack is skipped",
    resources: [
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          resourceGroupName: "rg",
          resourceName: "elsewhere",
          agentPoolName: "user",
          orchestratorVersion: "1.20",
        },
      },
    ],
    expected: [],
  },
  {
    name: "a 1.27 control plane allows two minors of skew; patch levels of older minors do not matter",
    resources: [
      {
        type: "azure-native:containerservice/v20240402preview:ManagedCluster",
        name: "old",
        props: {
          resourceGroupName: "rg",
          resourceName: "old1",
          kubernetesVersion: "v1.27.3",
          agentPoolProfiles: [{ name: "sys", mode: "System", orchestratorVersion: "1.25.16" }],
        },
      },
    ],
    expected: [],
  },
  {
    name: "control plane from currentKubernetesVersion and pools from currentOrchestratorVersion (stack export)",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "sys", mode: "System" }],
        },
        outputs: {
          name: "aks1",
          currentKubernetesVersion: "1.35.2",
          agentPoolProfiles: [{ name: "sys", mode: "System", currentOrchestratorVersion: "1.35.2" }],
        },
      },
    ],
    expected: [],
  },
];

const invalid: RuleCase[] = [
  {
    name: "F1 inline pool four minors behind: found as the cluster is registered, reported once",
    resources: [
      {
        ...aks,
        props: {
          ...aks.props,
          agentPoolProfiles: [{ name: "sys", mode: "System", count: 3, orchestratorVersion: "1.31" }],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        phase: "analyze",
        message: [
          'pool "sys" of cluster "aks1" is 4 minor versions behind its control plane (agentPoolProfiles[0].orchestratorVersion=1.31; control plane kubernetesVersion=1.35); at most 3 are allowed (control plane 1.35, upgrade-aks-control-plane.md)',
          "(S31)",
          "Support policy: §customer-responsibilities-for-aks-worker-nodes (S31)",
          "Fix: upgrade the pool's `orchestratorVersion` before or together with the control plane's `kubernetesVersion`",
        ],
      },
    ],
  },
  {
    name: "F2 AgentPool newer than the control plane",
    resources: [
      aks,
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "user",
          mode: "User",
          orchestratorVersion: "1.36",
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "user",
        phase: "stack",
        message: [
          'pool "user" of cluster "aks1" is newer than its control plane (orchestratorVersion=1.36; control plane kubernetesVersion=1.35)',
          "Fix: upgrade the control plane (`kubernetesVersion`) first",
        ],
      },
    ],
  },
  {
    name: "F3 classic node pool four minors behind, joined by dependency",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "c",
        props: {
          name: "aks1",
          resourceGroupName: "rg",
          kubernetesVersion: "1.36",
          defaultNodePool: { name: "sys", orchestratorVersion: "1.36" },
        },
      },
      {
        type: "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
        name: "np",
        props: { name: "user", orchestratorVersion: "1.32" },
        propertyDependencies: { kubernetesClusterId: ["c"] },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "np",
        message:
          'pool "user" of cluster "aks1" is 4 minor versions behind its control plane (orchestratorVersion=1.32; control plane kubernetesVersion=1.36)',
      },
    ],
  },
  {
    name: "versioned AgentPool whose ids and names are unknown, joined only by dependency",
    resources: [
      {
        ...aks,
        props: { ...aks.props, resourceGroupName: UNK },
        outputs: {
          name: UNK,
          kubernetesVersion: "1.35",
          agentPoolProfiles: [{ name: "sys", mode: "System", count: 3 }],
        },
      },
      {
        type: "azure-native:containerservice/v20240402preview:AgentPool",
        name: "legacy",
        props: {
          resourceGroupName: UNK,
          resourceName: UNK,
          agentPoolName: "legacy",
          mode: "User",
          orchestratorVersion: "1.31.9",
        },
        outputs: { name: UNK, mode: "User", orchestratorVersion: "1.31.9" },
        propertyDependencies: { resourceGroupName: ["rg"], resourceName: ["aks"] },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "legacy",
        phase: "stack",
        message: 'pool "legacy" of cluster "aks1" is 4 minor versions behind',
      },
    ],
  },
  {
    name: "newer patch on the same minor",
    resources: [
      {
        ...aks,
        props: {
          ...aks.props,
          kubernetesVersion: "1.35.2",
          agentPoolProfiles: [{ name: "sys", mode: "System", orchestratorVersion: "1.35.5" }],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        message:
          "is newer than its control plane (agentPoolProfiles[0].orchestratorVersion=1.35.5; control plane kubernetesVersion=1.35.2)",
      },
    ],
  },
  {
    name: "another major version",
    resources: [
      {
        ...aks,
        props: {
          ...aks.props,
          agentPoolProfiles: [{ name: "sys", mode: "System", orchestratorVersion: "2.0" }],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        message: "runs another major Kubernetes version than its control plane",
      },
    ],
  },
  {
    name: "maxMinorSkew 1 from the pack config",
    config: { maxMinorSkew: 1 },
    resources: [
      aks,
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "user",
          orchestratorVersion: "1.33",
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "user",
        message:
          "is 2 minor versions behind its control plane (orchestratorVersion=1.33; control plane kubernetesVersion=1.35); at most 1 is allowed by `maxMinorSkew`",
      },
    ],
  },
  {
    name: "a 1.27 control plane: three minors behind is too many",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "old",
        props: {
          resourceGroupName: "rg",
          resourceName: "old1",
          kubernetesVersion: "1.27",
          agentPoolProfiles: [{ name: "sys", mode: "System", orchestratorVersion: "1.24" }],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "old",
        message:
          "is 3 minor versions behind its control plane (agentPoolProfiles[0].orchestratorVersion=1.24; control plane kubernetesVersion=1.27); at most 2 are allowed",
      },
    ],
  },
  {
    name: "cluster outputs also list the separate pool: reported once, on the AgentPool",
    resources: [
      {
        ...aks,
        outputs: {
          name: "aks1",
          kubernetesVersion: "1.35",
          agentPoolProfiles: [
            { name: "sys", mode: "System", count: 3, orchestratorVersion: "1.35" },
            { name: "legacy", mode: "User", count: 3, orchestratorVersion: "1.30" },
          ],
        },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "legacy-pool",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "legacy",
          orchestratorVersion: "1.30",
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "legacy-pool",
        message: 'pool "legacy" of cluster "aks1" is 5 minor versions behind',
      },
    ],
  },
  {
    name: "made mandatory: an unknown pool version is only an advisory cannot-verify",
    config: { enforcementLevel: "mandatory" },
    resources: [
      aks,
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "user",
          orchestratorVersion: UNK,
        },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "legacy",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "legacy",
          orchestratorVersion: "1.31",
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "user",
        message: 'cannot be verified during preview: the version skew of pool "user" of cluster "aks1"',
      },
      {
        level: "mandatory",
        on: "legacy",
        message: 'pool "legacy" of cluster "aks1" is 4 minor versions behind',
      },
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

  it("accepts null (AKS's rule) and rejects a negative maxMinorSkew, naming the key", () => {
    expectCase(rule, { name: "null", config: { maxMinorSkew: null }, resources: [aks], expected: [] });
    expect(() =>
      expectCase(rule, { name: "negative", config: { maxMinorSkew: -1 }, resources: [aks], expected: [] }),
    ).toThrow(/aks-node-pool-version-skew\.maxMinorSkew/);
  });

  it("never fails on huge, deeply nested or long input", () => stressRule(rule));

  it("never fails and never echoes unsafe values on random input", () => fuzzRule(rule));
});
