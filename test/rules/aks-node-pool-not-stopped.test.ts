/**
 * `aks-node-pool-not-stopped` (rule-catalog §2.6): table-driven; every case runs through the real pipeline
 * (Analyze for each resource, then AnalyzeStack) and asserts rule id, level, resource and message fragments.
 */
import rule from "../../src/rules/aks-node-pool-not-stopped";
import { FixtureResource, RuleCase, UNK, expectCase, fuzzRule, stressRule } from "../support/run-rule";

/** The catalog's BASE-N cluster (§1.10); the network resources of BASE-N play no part in this rule. */
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
    name: "P1 stopped User AgentPool with the default config",
    resources: [
      aks,
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          mode: "User",
          powerState: { code: "Stopped" },
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "user",
        },
      },
    ],
    expected: [],
  },
  {
    name: "P2 running User AgentPool",
    resources: [
      aks,
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          mode: "User",
          powerState: { code: "Running" },
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "user",
        },
      },
    ],
    expected: [],
  },
  { name: "P3 BASE-N unchanged (no powerState)", resources: [aks], expected: [] },
  {
    name: "U1 powerState unknown: nothing (advisory rule)",
    resources: [
      {
        ...aks,
        props: {
          ...aks.props,
          agentPoolProfiles: [{ name: "sys", mode: "System", count: 3, powerState: { code: UNK } }],
        },
      },
    ],
    expected: [],
  },
  {
    name: "classic pools have no power state",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "c",
        props: { name: "aks1", resourceGroupName: "rg", defaultNodePool: { name: "sys", nodeCount: 3 } },
      },
      {
        type: "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
        name: "np",
        props: { name: "user", mode: "User", nodeCount: 0 },
        propertyDependencies: { kubernetesClusterId: ["c"] },
      },
    ],
    expected: [],
  },
  {
    name: "stopped User pool whose mode is unknown: nothing (advisory rule)",
    resources: [
      aks,
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "user",
          mode: UNK,
          powerState: { code: "Stopped" },
        },
      },
    ],
    expected: [],
  },
];

const invalid: RuleCase[] = [
  {
    name: "F1 the only (System) pool stopped: the pool at Analyze, the whole cluster over the stack",
    resources: [
      {
        ...aks,
        props: {
          ...aks.props,
          agentPoolProfiles: [{ name: "sys", mode: "System", count: 3, powerState: { code: "Stopped" } }],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        phase: "analyze",
        message: [
          'azure-native:containerservice:ManagedCluster "aks" — System-mode pool "sys" of cluster "aks1" is stopped',
          "(powerState.code=Stopped, mode=System)",
          "unsupported (S37)",
          "Support policy: §user-customization-of-worker-nodes (S37)",
          "Fix: keep System pools running",
        ],
      },
      {
        level: "advisory",
        on: "aks",
        phase: "stack",
        message: 'every node pool of cluster "aks1" is stopped (sys: powerState.code=Stopped)',
      },
    ],
  },
  {
    name: "F2 stopped System AgentPool",
    resources: [
      aks,
      {
        type: "azure-native:containerservice:AgentPool",
        name: "sys2",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "sys2",
          mode: "System",
          powerState: { code: "Stopped" },
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "sys2",
        phase: "analyze",
        message: 'System-mode pool "sys2" of cluster "aks1" is stopped',
      },
    ],
  },
  {
    name: "F3 stopped User AgentPool with allowStoppedUserPools: false",
    config: { allowStoppedUserPools: false },
    resources: [
      aks,
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          mode: "User",
          powerState: { code: "Stopped" },
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "user",
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "user",
        message: [
          'pool "user" of cluster "aks1" is stopped (powerState.code=Stopped, mode=User) and `allowStoppedUserPools` is false',
          'Fix: set `powerState: { code: "Running" }`',
        ],
      },
    ],
  },
  {
    name: "versioned AgentPool token, lower-case state, ids and names unknown: joined by dependency",
    resources: [
      { ...aks, outputs: { name: UNK, agentPoolProfiles: [{ name: "sys", mode: "System", count: 3 }] } },
      {
        type: "azure-native:containerservice/v20240402preview:AgentPool",
        name: "sys2",
        props: {
          resourceGroupName: UNK,
          resourceName: UNK,
          agentPoolName: "sys2",
          mode: "System",
          powerState: { code: "stopped" },
        },
        outputs: { name: UNK, mode: "System", powerState: { code: "stopped" } },
        propertyDependencies: { resourceGroupName: ["rg"], resourceName: ["aks"] },
      },
    ],
    expected: [
      // Reported once, at Analyze (where the cluster is not yet known), not again by the stack check.
      { level: "advisory", on: "sys2", phase: "analyze", message: 'System-mode pool "sys2" is stopped' },
    ],
  },
  {
    name: "every pool stopped (User pools, one of them a separate AgentPool joined by dependency)",
    resources: [
      {
        ...aks,
        props: {
          ...aks.props,
          resourceGroupName: UNK,
          agentPoolProfiles: [{ name: "apps", mode: "User", count: 3, powerState: { code: "Stopped" } }],
        },
        outputs: {
          name: "aks1",
          agentPoolProfiles: [{ name: "apps", mode: "User", count: 3, powerState: { code: "Stopped" } }],
        },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "batch",
        props: {
          resourceGroupName: UNK,
          resourceName: UNK,
          agentPoolName: "batch",
          mode: "User",
          powerState: { code: "Stopped" },
        },
        outputs: { name: "batch", mode: "User", powerState: { code: "Stopped" } },
        propertyDependencies: { resourceName: ["aks"] },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        phase: "stack",
        message: 'every node pool of cluster "aks1" is stopped (apps, batch: powerState.code=Stopped)',
      },
    ],
  },
  {
    name: "stopped only in the outputs (e.g. a refreshed stack export) is found by the stack check",
    resources: [
      {
        ...aks,
        outputs: {
          name: "aks1",
          agentPoolProfiles: [
            { name: "sys", mode: "System", count: 3, powerState: { code: "Running" } },
            { name: "sys2", mode: "System", count: 3, powerState: { code: "Stopped" } },
          ],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        phase: "stack",
        message: 'System-mode pool "sys2" of cluster "aks1" is stopped',
      },
    ],
  },
  {
    name: "stopped System AgentPool of a cluster outside the stack",
    resources: [
      {
        type: "azure-native:containerservice:AgentPool",
        name: "sys2",
        props: {
          resourceGroupName: "rg",
          resourceName: "other",
          agentPoolName: "sys2",
          mode: "System",
          powerState: { code: "Stopped" },
        },
      },
    ],
    expected: [{ level: "advisory", on: "sys2", message: 'System-mode pool "sys2" is stopped' }],
  },
  {
    name: "made mandatory: a definite finding is mandatory, an unknown state only an advisory cannot-verify",
    config: { enforcementLevel: "mandatory" },
    resources: [
      {
        ...aks,
        props: {
          ...aks.props,
          agentPoolProfiles: [
            { name: "sys", mode: "System", count: 3, powerState: { code: UNK } },
            { name: "sys2", mode: "System", count: 3, powerState: { code: "Stopped" } },
          ],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        phase: "analyze",
        message: 'cannot be verified during preview: whether pool "sys" of cluster "aks1" is stopped',
      },
      {
        level: "mandatory",
        on: "aks",
        phase: "analyze",
        message: 'System-mode pool "sys2" of cluster "aks1" is stopped',
      },
      {
        level: "advisory",
        on: "aks",
        phase: "stack",
        message: 'cannot be verified during preview: whether every node pool of cluster "aks1" is stopped',
      },
    ],
  },
  {
    name: "made mandatory: a stopped pool whose mode is unknown is an advisory cannot-verify",
    config: { enforcementLevel: "mandatory" },
    resources: [
      aks,
      {
        type: "azure-native:containerservice:AgentPool",
        name: "pool",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "pool",
          mode: UNK,
          powerState: { code: "Stopped" },
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "pool",
        message: 'whether stopped pool "pool" of cluster "aks1" is a System pool',
      },
    ],
  },
  {
    name: "stopped pool of unknown mode with allowStoppedUserPools: false is a finding either way",
    config: { allowStoppedUserPools: false },
    resources: [
      aks,
      {
        type: "azure-native:containerservice:AgentPool",
        name: "pool",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "pool",
          mode: UNK,
          powerState: { code: "Stopped" },
        },
      },
    ],
    expected: [{ level: "advisory", on: "pool", message: 'pool "pool" of cluster "aks1" is stopped' }],
  },
  {
    name: "made mandatory: every known pool stopped, but a running pool's cluster is unknown: advisory cannot-verify",
    config: { enforcementLevel: "mandatory" },
    resources: [
      {
        ...aks,
        props: {
          ...aks.props,
          agentPoolProfiles: [{ name: "apps", mode: "User", count: 3, powerState: { code: "Stopped" } }],
        },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "batch",
        props: { resourceGroupName: "rg", resourceName: UNK, agentPoolName: "batch", mode: "User" },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        phase: "stack",
        message: 'cannot be verified during preview: whether every node pool of cluster "aks1" is stopped',
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

  it("never fails on huge, deeply nested or long input", () => stressRule(rule));

  it("never fails and never echoes unsafe values on random input", () => fuzzRule(rule));
});
