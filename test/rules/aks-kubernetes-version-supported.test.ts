/**
 * `aks-kubernetes-version-supported` (rule-catalog §2.1): table-driven; every case runs through the real
 * pipeline (Analyze for each resource, then AnalyzeStack) on a pinned date (2026-11-23 unless a case says
 * otherwise) and asserts rule id, level, resource and message fragments.
 */
import rule, { CALENDAR_LAST_CHECKED } from "../../src/rules/aks-kubernetes-version-supported";
import { RuleCase, TODAY, UNK, expectCase, fuzzRule, stressRule } from "../support/run-rule";

const valid: RuleCase[] = [
  {
    name: "P1 1.35 cluster and pool",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "p1",
        props: {
          resourceGroupName: "rg",
          kubernetesVersion: "1.35",
          agentPoolProfiles: [{ name: "sys", mode: "System", orchestratorVersion: "1.35" }],
        },
      },
    ],
    expected: [],
  },
  {
    name: "P2 1.32 on the long-term-support plan",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "p2",
        props: {
          resourceGroupName: "rg",
          kubernetesVersion: "1.32.9",
          supportPlan: "AKSLongTermSupport",
          sku: { name: "Base", tier: "Premium" },
          agentPoolProfiles: [{ name: "sys", mode: "System" }],
        },
      },
    ],
    expected: [],
  },
  {
    name: "P3 no version: AKS picks its default",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "p3",
        props: { resourceGroupName: "rg", agentPoolProfiles: [{ name: "sys", mode: "System" }] },
      },
    ],
    expected: [],
  },
  {
    name: "U1 version unknown: nothing (advisory rule)",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "u1",
        props: { resourceGroupName: "rg", kubernetesVersion: UNK },
      },
    ],
    expected: [],
  },
  {
    name: "versioned token, v-prefixed patch version and the newest GA minor",
    resources: [
      {
        type: "azure-native:containerservice/v20240402preview:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          kubernetesVersion: "v1.36.1",
          agentPoolProfiles: [{ name: "sys", mode: "System", orchestratorVersion: "1.37" }],
        },
      },
    ],
    expected: [],
  },
  {
    name: "classic cluster, default pool and node pool inside the window",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "c",
        props: {
          name: "aks1",
          resourceGroupName: "rg",
          kubernetesVersion: "1.36",
          defaultNodePool: { name: "sys", orchestratorVersion: "1.36.2" },
        },
      },
      {
        type: "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
        name: "np",
        props: { name: "user", orchestratorVersion: "1.35" },
        propertyDependencies: { kubernetesClusterId: ["c"] },
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
    name: "AgentPool on 1.32 of an LTS cluster, joined by resource group and name",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          supportPlan: "AKSLongTermSupport",
          kubernetesVersion: "1.32",
        },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "user",
          orchestratorVersion: "1.32",
        },
      },
    ],
    expected: [],
  },
  {
    name: "AgentPool on 1.32 of an LTS cluster whose name is unknown: joined by dependency, not flagged",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: UNK,
          resourceName: "aks1",
          supportPlan: "AKSLongTermSupport",
          kubernetesVersion: "1.32",
        },
        outputs: { name: UNK, supportPlan: "AKSLongTermSupport", kubernetesVersion: "1.32" },
      },
      {
        type: "azure-native:containerservice/v20240402preview:AgentPool",
        name: "user",
        props: {
          resourceGroupName: UNK,
          resourceName: UNK,
          agentPoolName: "user",
          orchestratorVersion: "1.32",
        },
        outputs: { name: UNK, orchestratorVersion: "1.32" },
        propertyDependencies: { resourceGroupName: ["rg"], resourceName: ["aks"] },
      },
    ],
    expected: [],
  },
  {
    name: "eolWarningDays 0: no warning three weeks before end of life",
    now: new Date("2027-03-10T12:00:00Z"),
    config: { eolWarningDays: 0 },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: { resourceGroupName: "rg", kubernetesVersion: "1.35" },
      },
    ],
    expected: [],
  },
  {
    name: "support plan unknown, a version fine under both plans",
    config: { enforcementLevel: "mandatory" },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: { resourceGroupName: "rg", supportPlan: UNK, kubernetesVersion: "1.36" },
      },
    ],
    expected: [],
  },
];

const invalid: RuleCase[] = [
  {
    name: "F1 1.33.4 is out of support",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "f1",
        props: {
          resourceGroupName: "rg",
          kubernetesVersion: "1.33.4",
          agentPoolProfiles: [{ name: "sys", mode: "System" }],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "f1",
        phase: "analyze",
        message: [
          'cluster "f1" runs Kubernetes 1.33 (kubernetesVersion=1.33.4), below the supported window 1.35–1.37 for the KubernetesOfficial plan: out of support since 2026-07-31 (S31)',
          "Support policy: §customer-responsibilities-for-aks-worker-nodes (S31, S53)",
          "Fix: upgrade one minor version at a time (`kubernetesVersion` first, then each pool's `orchestratorVersion`) to at least 1.35",
        ],
      },
    ],
  },
  {
    name: "F2 1.38 is a preview version",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "f2",
        props: {
          resourceGroupName: "rg",
          kubernetesVersion: "1.38",
          agentPoolProfiles: [{ name: "sys", mode: "System" }],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "f2",
        message: [
          "asks for Kubernetes 1.38 (kubernetesVersion=1.38), newer than the newest GA minor 1.37: a preview Kubernetes version, not for production (S53)",
          "Fix: use a GA version between 1.35–1.37",
        ],
      },
    ],
  },
  {
    name: "F3 classic node pool of a cluster outside the stack: KubernetesOfficial plan, judged over the stack",
    resources: [
      {
        type: "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
        name: "f3",
        props: {
          kubernetesClusterId:
            "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1",
          name: "user",
          vmSize: "Standard_D4s_v5",
          orchestratorVersion: "1.32.7",
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "f3",
        phase: "stack",
        message:
          'pool "user" runs Kubernetes 1.32 (orchestratorVersion=1.32.7), below the supported window 1.35–1.37',
      },
    ],
  },
  {
    name: "1.34 below the window but still supported until its end of life",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: { resourceGroupName: "rg", resourceName: "aks1", kubernetesVersion: "1.34" },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        message:
          "below the supported window 1.35–1.37 for the KubernetesOfficial plan: still supported until 2026-11-30",
      },
    ],
  },
  {
    name: "1.34 after its end of life: platform support only (N-3)",
    now: new Date("2026-12-05T12:00:00Z"),
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: { resourceGroupName: "rg", resourceName: "aks1", kubernetesVersion: "1.34.3" },
      },
    ],
    expected: [{ level: "advisory", on: "aks", message: "in platform support only (N-3)" }],
  },
  {
    name: "LTS cluster on 1.31: below the LTS window, still supported until its LTS end of life",
    resources: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "c",
        props: {
          name: "aks1",
          resourceGroupName: "rg",
          supportPlan: "AKSLongTermSupport",
          kubernetesVersion: "1.31",
          defaultNodePool: { name: "sys" },
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "c",
        message:
          'cluster "aks1" runs Kubernetes 1.31 (kubernetesVersion=1.31), below the supported window 1.32–1.37 for the AKSLongTermSupport plan: still supported until 2026-11-30',
      },
    ],
  },
  {
    name: "versioned token: v1.30.4 cluster and a 1.30 pool",
    resources: [
      {
        type: "azure-native:containerservice/v20240402preview:ManagedCluster",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          kubernetesVersion: "v1.30.4",
          agentPoolProfiles: [{ name: "sys", mode: "System", orchestratorVersion: "1.30" }],
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        message:
          "(kubernetesVersion=v1.30.4), below the supported window 1.35–1.37 for the KubernetesOfficial plan: out of support since 2025-08-22",
      },
      {
        level: "advisory",
        on: "aks",
        message:
          'pool "sys" of cluster "aks1" runs Kubernetes 1.30 (agentPoolProfiles[0].orchestratorVersion=1.30)',
      },
    ],
  },
  {
    name: "malformed versions explain the expected form and print only safe values",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "a",
        props: { resourceGroupName: "rg", resourceName: "a1", kubernetesVersion: "1.30.x" },
      },
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "b",
        props: { resourceGroupName: "rg", resourceName: "b1", kubernetesVersion: 1.3 },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "c",
        props: {
          resourceGroupName: "rg",
          resourceName: "x",
          agentPoolName: "user",
          orchestratorVersion: "latest s3cret",
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "a",
        message: [
          'cluster "a1" sets `kubernetesVersion` to (not shown), which is not a Kubernetes version (expected `<major>.<minor>[.<patch>]`, e.g. "1.35" or "1.35.2")',
          'Fix: write `kubernetesVersion` as a string such as "1.35"',
        ],
      },
      { level: "advisory", on: "b", message: "sets `kubernetesVersion` to a non-string value" },
      { level: "advisory", on: "c", message: 'pool "user" sets `orchestratorVersion` to (not shown)' },
    ],
    notInMessage: ["s3cret"],
  },
  {
    name: "AgentPool on 1.33 of a KubernetesOfficial cluster, joined by resource group and name at Analyze",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: { resourceGroupName: "rg", resourceName: "aks1", kubernetesVersion: "1.35" },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          resourceGroupName: "RG",
          resourceName: "AKS1",
          agentPoolName: "user",
          orchestratorVersion: "1.33",
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "user",
        phase: "analyze",
        message: 'pool "user" of cluster "aks1" runs Kubernetes 1.33',
      },
    ],
  },
  {
    name: "AgentPool on 1.32 whose cluster is unknown at Analyze: judged over the stack, joined by dependency",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: { resourceGroupName: UNK, resourceName: "aks1", kubernetesVersion: "1.35" },
        outputs: { name: UNK, kubernetesVersion: "1.35" },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          resourceGroupName: UNK,
          resourceName: UNK,
          agentPoolName: "user",
          orchestratorVersion: "1.32",
        },
        outputs: { name: UNK, orchestratorVersion: "1.32" },
        propertyDependencies: { resourceGroupName: ["rg"], resourceName: ["aks"] },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "user",
        phase: "stack",
        message:
          'pool "user" of cluster "aks1" runs Kubernetes 1.32 (orchestratorVersion=1.32), below the supported window 1.35–1.37 for the KubernetesOfficial plan',
      },
    ],
  },
  {
    name: "AgentPool on 1.30 is out of support under either plan: reported at Analyze without its cluster, once",
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: { resourceGroupName: UNK, resourceName: "aks1", kubernetesVersion: "1.35" },
        outputs: { name: UNK, kubernetesVersion: "1.35" },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          resourceGroupName: UNK,
          resourceName: UNK,
          agentPoolName: "user",
          orchestratorVersion: "1.30",
        },
        outputs: { name: UNK, orchestratorVersion: "1.30" },
        propertyDependencies: { resourceName: ["aks"] },
      },
    ],
    expected: [
      { level: "advisory", on: "user", phase: "analyze", message: 'pool "user" runs Kubernetes 1.30' },
    ],
  },
  {
    name: "end of life within eolWarningDays: advisory warning",
    now: new Date("2027-03-10T12:00:00Z"),
    config: { enforcementLevel: "mandatory" },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: { resourceGroupName: "rg", resourceName: "aks1", kubernetesVersion: "1.35.4" },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        message: [
          "which reaches end of life on 2027-03-31 under the KubernetesOfficial plan (in 22 days)",
          "Fix: upgrade to 1.36 or later before 2027-03-31",
        ],
      },
    ],
  },
  {
    name: "minimumVersion lowered to 1.33: in the window but past its calendar end of life",
    config: { minimumVersion: "1.33" },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        props: { resourceGroupName: "rg", resourceName: "aks1", kubernetesVersion: "1.33" },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "aks",
        message: "which reached end of life on 2026-07-31 under the KubernetesOfficial plan",
      },
    ],
  },
  {
    name: "minimumVersion raised to 1.36 and maximumGAVersion to 1.38",
    config: { minimumVersion: "1.36", maximumGAVersion: "1.38" },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "old",
        props: { resourceGroupName: "rg", resourceName: "aks1", kubernetesVersion: "1.35" },
      },
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "new",
        props: { resourceGroupName: "rg", resourceName: "aks2", kubernetesVersion: "1.38" },
      },
    ],
    expected: [{ level: "advisory", on: "old", message: "below the supported window 1.36–1.38" }],
  },
  {
    name: "made mandatory: definite findings mandatory, unknown version or plan only advisory",
    config: { enforcementLevel: "mandatory" },
    resources: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "unknown-version",
        props: { resourceGroupName: "rg", resourceName: "aks1", kubernetesVersion: UNK },
      },
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "unknown-plan",
        props: { resourceGroupName: "rg", resourceName: "aks2", supportPlan: UNK, kubernetesVersion: "1.33" },
      },
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "old",
        props: { resourceGroupName: "rg", resourceName: "aks3", kubernetesVersion: "1.33" },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "unknown-version",
        message:
          'cannot be verified during preview: the Kubernetes version of cluster "aks1" (`kubernetesVersion` is unknown)',
      },
      {
        level: "advisory",
        on: "unknown-plan",
        message: 'whether Kubernetes 1.33 of cluster "aks2" is supported (`supportPlan` is unknown)',
      },
      { level: "mandatory", on: "old", message: 'cluster "aks3" runs Kubernetes 1.33' },
    ],
  },
  {
    name: "made mandatory: a pool whose cluster is unknown (no dependency) may be an LTS cluster's: advisory only",
    config: { enforcementLevel: "mandatory" },
    resources: [
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          resourceGroupName: "rg",
          resourceName: UNK,
          agentPoolName: "user",
          orchestratorVersion: "1.33",
        },
      },
    ],
    expected: [
      {
        level: "advisory",
        on: "user",
        phase: "stack",
        message: 'whether Kubernetes 1.33 of pool "user" is supported (`supportPlan` is unknown)',
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

  it("dates its defaults and documents them", () => {
    expect(CALENDAR_LAST_CHECKED).toBe("2026-11-23");
    expect(TODAY.toISOString().slice(0, 10)).toBe(CALENDAR_LAST_CHECKED);
    for (const option of ["minimumVersion", "ltsMinimumVersion", "maximumGAVersion"]) {
      expect(rule.options[option].description).toContain(`checked ${CALENDAR_LAST_CHECKED}`);
    }
    expect(rule.docs.checks).toContain(`| 1.37 | 2026-10 | 2027-10-31 | 2028-10-31 |`);
  });

  it("rejects a version option that is not <major>.<minor>, naming the key", () => {
    expect(() =>
      expectCase(rule, {
        name: "bad option",
        config: { minimumVersion: "1.35.1" },
        resources: [{ type: "azure-native:containerservice:ManagedCluster", name: "aks", props: {} }],
        expected: [],
      }),
    ).toThrow(/aks-kubernetes-version-supported\.minimumVersion/);
  });

  it("never fails on huge, deeply nested or long input", () => stressRule(rule));

  it("never fails and never echoes unsafe values on random input", () => fuzzRule(rule));
});
