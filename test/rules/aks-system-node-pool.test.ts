/**
 * `aks-system-node-pool` (rule-catalog §2.5): table-driven, in the ESLint RuleTester spirit. Every case runs
 * through the real pipeline (GuardrailsRuntime: Analyze for each resource, then AnalyzeStack) and asserts
 * the rule id, the enforcement level, the resource and a message fragment of every diagnostic.
 */
import rule from "../../src/rules/aks-system-node-pool";
import { RuleCase, UNK, expectCase, fuzzRule, stressRule, runRule } from "../support/run-rule";

const valid: RuleCase[] = [
  {
    name: "P1 one tainted System pool of 3 nodes",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "p1",
        props: {
          resourceGroupName: "rg",
          agentPoolProfiles: [
            { name: "sys", mode: "System", count: 3, nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"] },
          ],
        },
      },
    ],
    expected: [],
  },
  {
    name: "P2 System pool of 2 plus an empty User pool",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "p2",
        props: {
          resourceGroupName: "rg",
          agentPoolProfiles: [
            { name: "sys", mode: "System", count: 2 },
            { name: "apps", mode: "User", count: 0 },
          ],
        },
      },
    ],
    expected: [],
  },
  {
    name: "P3 classic defaultNodePool is the System pool",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "p3",
        props: {
          resourceGroupName: "rg",
          defaultNodePool: { name: "sys", nodeCount: 3, vmSize: "Standard_D4s_v5" },
        },
      },
    ],
    expected: [],
  },
  {
    name: "versioned token with a System pool (mode compared case-insensitively)",
    resources: [
      {
        type: "azure-native:containerservice/v20240402preview:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "sys", mode: "system", osType: "linux", count: 3 }],
        },
      },
    ],
    expected: [],
  },
  {
    name: "local-SDK token with a System pool",
    resources: [
      {
        type: "azure-native_containerservice_v20250602preview:containerservice/v20250602preview:ManagedCluster",
        name: "aks",
        props: { resourceGroupName: "rg", agentPoolProfiles: [{ name: "sys", mode: "System", count: 3 }] },
      },
    ],
    expected: [],
  },
  {
    name: "inline User pool, System pool as a separate AgentPool joined by resource group and name",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "apps", mode: "User", count: 3 }],
        },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "sys",
        props: {
          resourceGroupName: "RG",
          resourceName: "AKS1",
          agentPoolName: "sys",
          mode: "System",
          count: 3,
        },
      },
    ],
    expected: [],
  },
  {
    name: "separate System AgentPool whose resource group and cluster name are unknown: joined by dependency",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: UNK,
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "apps", mode: "User", count: 3 }],
        },
        outputs: { name: UNK, agentPoolProfiles: [{ name: "apps", mode: "User", count: 3 }] },
      },
      {
        type: "azure-native:containerservice/v20240402preview:AgentPool",
        name: "sys",
        props: { resourceGroupName: UNK, resourceName: UNK, agentPoolName: "sys", mode: "System", count: 3 },
        outputs: { name: UNK, mode: "System", count: 3 },
        propertyDependencies: { resourceGroupName: ["rg"], resourceName: ["aks"] },
      },
    ],
    expected: [],
  },
  {
    name: "two System pools of one node each (the single-pool minimum does not apply)",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          agentPoolProfiles: [
            { name: "sys1", mode: "System", count: 1 },
            { name: "sys2", mode: "System", count: 1 },
          ],
        },
      },
    ],
    expected: [],
  },
  {
    name: "autoscaled System pool: minCount counts, not count",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          agentPoolProfiles: [
            { name: "sys", mode: "System", count: 1, enableAutoScaling: true, minCount: 2 },
          ],
        },
      },
    ],
    expected: [],
  },
  {
    name: "AKS Automatic cluster manages its own system pools",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "auto",
        props: { resourceGroupName: "rg", sku: { name: "automatic", tier: "Standard" } },
      },
      {
        type: "azure:containerservice/automaticCluster:AutomaticCluster",
        name: "auto-classic",
        props: { resourceGroupName: "rg", name: "auto2" },
      },
    ],
    expected: [],
  },
  {
    name: "classic cluster with a classic System node pool on Linux and a User pool",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "c",
        props: { name: "aks1", resourceGroupName: "rg", defaultNodePool: { name: "sys", nodeCount: 3 } },
      },
      {
        type: "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
        name: "sys2",
        props: { name: "sys2", mode: "System", osType: "Linux", nodeCount: 3 },
        propertyDependencies: { kubernetesClusterId: ["c"] },
      },
      {
        type: "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
        name: "win",
        props: { name: "win", osType: "Windows", nodeCount: 2 },
        propertyDependencies: { kubernetesClusterId: ["c"] },
      },
    ],
    expected: [],
  },
  {
    name: "User AgentPool of a cluster that is not in the stack",
    resources: [
      {
        type: "azure-native:containerservice:AgentPool",
        name: "apps",
        props: { resourceGroupName: "rg", resourceName: "elsewhere", agentPoolName: "apps", mode: "User" },
      },
    ],
    expected: [],
  },
];

const invalid: RuleCase[] = [
  {
    name: "F1 only a User pool: mandatory on the cluster, from the stack check",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "f1",
        props: { resourceGroupName: "rg", agentPoolProfiles: [{ name: "pool1", mode: "User", count: 3 }] },
      },
    ],
    expected: [
      {
        level: "mandatory",
        on: "f1",
        phase: "stack",
        message: [
          'azure-native:containerservice:ManagedCluster "f1" — cluster "f1" has no System-mode node pool',
          "(pools: pool1 (mode=User))",
          "(S05, S09)",
          "Support policy: §managed-features-in-aks, §shared-responsibility (S05, S09)",
          'Fix: give the cluster a Linux pool with `mode: "System"`',
        ],
      },
    ],
  },
  {
    name: "F2 the only pool has no mode",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "f2",
        props: { resourceGroupName: "rg", agentPoolProfiles: [{ name: "pool1", count: 3 }] },
      },
    ],
    expected: [
      {
        level: "mandatory",
        on: "f2",
        message: [
          "has no System-mode node pool (pools: pool1 (mode not set))",
          "`mode` must be set explicitly",
        ],
      },
    ],
  },
  {
    name: "F3 Windows System pool: mandatory at Analyze",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "f3",
        props: {
          resourceGroupName: "rg",
          agentPoolProfiles: [{ name: "sys", mode: "System", osType: "Windows", count: 3 }],
        },
      },
    ],
    expected: [
      {
        level: "mandatory",
        on: "f3",
        phase: "analyze",
        message: [
          'System-mode pool "sys" of cluster "f3" has osType=Windows; System pools must run Linux',
          'Fix: set `osType: "Linux"` on the System pool',
        ],
      },
    ],
  },
  {
    name: "A1 a single System pool of one node: advisory only",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "a1",
        props: { resourceGroupName: "rg", agentPoolProfiles: [{ name: "sys", mode: "System", count: 1 }] },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "a1",
        message: [
          'the only System-mode pool "sys" of cluster "a1" keeps 1 node (count=1); a single System pool needs at least 2',
          "Fix: raise `count` of the System pool to at least 2",
        ],
      },
    ],
  },
  {
    name: "U1 mode unknown and no known System pool: advisory cannot-verify, never mandatory",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "u1",
        props: { resourceGroupName: "rg", agentPoolProfiles: [{ name: "sys", mode: UNK, count: 3 }] },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "u1",
        message: 'cannot be verified during preview: whether cluster "u1" has a System-mode node pool',
      },
    ],
  },
  {
    name: "the whole pool list unknown: advisory cannot-verify",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: { resourceGroupName: "rg", resourceName: "aks1", agentPoolProfiles: UNK },
      },
    ],
    expected: [
      { level: "advisory", on: "aks", message: 'whether cluster "aks1" has a System-mode node pool' },
    ],
  },
  {
    name: "versioned token with only a User pool names the cluster",
    resources: [
      {
        type: "azure-native:containerservice/v20240402preview:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "apps", mode: "User", count: 3 }],
        },
      },
    ],
    expected: [{ level: "mandatory", on: "aks", message: 'cluster "aks1" has no System-mode node pool' }],
  },
  {
    name: "empty pool list",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: { resourceGroupName: "rg", resourceName: "aks1", agentPoolProfiles: [] },
      },
    ],
    expected: [{ level: "mandatory", on: "aks", message: 'cluster "aks1" declares no node pools' }],
  },
  {
    name: "inline User pool and a User AgentPool joined only by dependency (ids and names unknown)",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: UNK,
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "apps", mode: "User", count: 3 }],
        },
        outputs: { name: UNK, agentPoolProfiles: [{ name: "apps", mode: "User", count: 3 }] },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "batch-pool",
        props: { resourceGroupName: UNK, resourceName: UNK, agentPoolName: "batch", mode: "User", count: 2 },
        outputs: { name: UNK, mode: "User", count: 2 },
        propertyDependencies: { resourceGroupName: ["rg"], resourceName: ["aks"] },
      },
    ],
    expected: [
      {
        level: "mandatory",
        on: "aks",
        phase: "stack",
        message: 'cluster "aks1" has no System-mode node pool (pools: apps (mode=User), batch (mode=User))',
      },
    ],
  },
  {
    name: "a separate AgentPool with unknown mode may be the System pool: advisory cannot-verify",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "apps", mode: "User", count: 3 }],
        },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "sys",
        props: { resourceGroupName: "rg", resourceName: "aks1", agentPoolName: "sys", mode: UNK, count: 3 },
      },
    ],
    expected: [{ level: "advisory", on: "aks", message: "cannot be verified during preview" }],
  },
  {
    name: "separate Windows System AgentPool",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "sys", mode: "System", count: 3 }],
        },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "win-pool",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "win",
          mode: "System",
          osType: "Windows",
          count: 3,
        },
      },
    ],
    expected: [
      {
        level: "mandatory",
        on: "win-pool",
        phase: "analyze",
        message: 'System-mode pool "win" of cluster "aks1" has osType=Windows',
      },
    ],
  },
  {
    name: "AgentPool without mode: advisory at Analyze",
    resources: [
      {
        type: "azure-native:containerservice:AgentPool",
        name: "apps",
        props: { resourceGroupName: "rg", resourceName: "aks1", agentPoolName: "apps", count: 3 },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "apps",
        phase: "analyze",
        message: ['pool "apps" does not set `mode`', 'Fix: set `mode: "User"`'],
      },
    ],
  },
  {
    name: "inline pool without mode next to a System pool: advisory",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [
            { name: "sys", mode: "System", count: 3 },
            { name: "apps", count: 3 },
          ],
        },
      },
    ],
    expected: [
      { level: "advisory", on: "aks", message: 'pool "apps" of cluster "aks1" does not set `mode`' },
    ],
  },
  {
    name: "classic System node pool on Windows",
    resources: [
      {
        type: "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
        name: "np",
        props: {
          kubernetesClusterId:
            "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1",
          name: "win",
          mode: "System",
          osType: "Windows",
        },
      },
    ],
    expected: [{ level: "mandatory", on: "np", message: 'System-mode pool "win" has osType=Windows' }],
  },
  {
    name: "classic defaultNodePool of one node: advisory on nodeCount",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "c",
        props: { name: "aks1", resourceGroupName: "rg", defaultNodePool: { name: "sys", nodeCount: 1 } },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "c",
        message: ['the only System-mode pool "sys" of cluster "aks1" keeps 1 node (nodeCount=1)'],
      },
    ],
  },
  {
    name: "autoscaled single System pool with minCount 1; count not set",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [
            { name: "sys", mode: "System", enableAutoScaling: true, minCount: 1, maxCount: 5 },
          ],
        },
      },
    ],
    expected: [{ level: "advisory", on: "aks", message: "keeps 1 node (minCount=1)" }],
  },
  {
    name: "single System pool without count: AKS default of 1 node",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "sys", mode: "System" }],
        },
      },
    ],
    expected: [{ level: "advisory", on: "aks", message: "keeps 1 node (count not set: AKS default 1)" }],
  },
  {
    name: "minSystemNodes raised to 3",
    config: { minSystemNodes: 3 },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "sys", mode: "System", count: 2 }],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        message: "keeps 2 nodes (count=2); a single System pool needs at least 3",
      },
    ],
  },
  {
    name: "cluster outputs also list a separate pool: counted once, reported on the AgentPool",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "apps", mode: "User", count: 3 }],
        },
        outputs: {
          name: "aks1",
          agentPoolProfiles: [
            { name: "apps", mode: "User", count: 3 },
            { name: "sys", mode: "System", count: 1 },
          ],
        },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "sys-pool",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "sys",
          mode: "System",
          count: 1,
        },
        outputs: { name: "sys", mode: "System", count: 1 },
      },
    ],
    expected: [
      { level: "advisory", on: "sys-pool", message: 'the only System-mode pool "sys" of cluster "aks1"' },
    ],
  },
  {
    name: "configured advisory: the missing System pool is advisory",
    config: { enforcementLevel: "advisory" },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "apps", mode: "User", count: 3 }],
        },
      },
    ],
    expected: [{ level: "advisory", on: "aks", message: "has no System-mode node pool" }],
  },
  {
    name: "a pool list of the wrong type is not evaluated as missing pools",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: { resourceGroupName: "rg", resourceName: "aks1", agentPoolProfiles: "sys" },
      },
    ],
    expected: [{ level: "advisory", on: "aks", message: "cannot evaluate `agentPoolProfiles` (not a list)" }],
  },
  {
    name: "pool names that fail the shape check are not printed",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "hunter2 password", mode: "User secret", count: 3 }],
        },
      },
    ],
    expected: [
      {
        level: "mandatory",
        on: "aks",
        message: "(pools: agentPoolProfiles[0] (mode=(not shown)))",
      },
    ],
    notInMessage: ["hunter2", "secret"],
  },
  {
    name: "a System AgentPool whose cluster is unknown (no dependency) may be this cluster's: advisory cannot-verify",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "apps", mode: "User", count: 3 }],
        },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "sys-pool",
        props: { resourceGroupName: "rg", resourceName: UNK, agentPoolName: "sys", mode: "System", count: 3 },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        phase: "stack",
        message: 'whether cluster "aks1" has a System-mode node pool (the cluster of pool sys is unknown)',
      },
    ],
  },
  {
    name: "System pool whose osType is unknown: advisory cannot-verify at Analyze",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolProfiles: [{ name: "sys", mode: "System", osType: UNK, count: 3 }],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        phase: "analyze",
        message: 'whether pool "sys" of cluster "aks1" is a System pool that does not run Linux',
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

  it("rejects minSystemNodes below 1, naming the key", () => {
    expect(() =>
      runRule(rule, [{ type: "azure-native:containerservice:ManagedCluster", name: "aks", props: {} }], {
        config: { minSystemNodes: 0 },
      }),
    ).toThrow(/aks-system-node-pool\.minSystemNodes/);
  });

  it("handles huge and deeply nested input without failing", () => {
    let deep: Record<string, unknown> = { mode: "System" };
    for (let i = 0; i < 5000; i++) deep = { agentPoolProfiles: deep, securityProfile: deep };
    const pools = Array.from({ length: 20_000 }, (_, i) => ({ name: `p${i}`, mode: "User", count: 1 }));
    const diagnostics = runRule(rule, [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "big",
        props: { agentPoolProfiles: pools },
      },
      { type: "azure-native:containerservice:ManagedCluster", name: "deep", props: deep },
    ]);
    expect(diagnostics.map((d) => [d.urn?.split("::").pop(), d.enforcementLevel])).toEqual([
      ["big", "mandatory"],
      ["deep", "advisory"],
    ]);
    expect(diagnostics.every((d) => !d.message.includes("internal error"))).toBe(true);
  });

  it("never fails on huge, deeply nested or long input", () => stressRule(rule));

  it("never fails and never echoes unsafe values on random input", () => fuzzRule(rule));
});
