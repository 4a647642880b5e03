/**
 * The shared node-pool view (rule-catalog §1.4): one shape for inline and separate pools of both providers,
 * the pool → cluster join, and the helpers stack checks use. Literal fixtures, named cases.
 */
import type { ResourceInput, StackResource } from "../../src/model/rule";
import { Invalid, Unknown } from "../../src/model/values";
import { ClusterRegistry, clusterView } from "../../src/resources/cluster";
import {
  PoolView,
  clusterDisplayName,
  clusterUnknown,
  compareMinor,
  distinctPools,
  inlinePools,
  outputsWithInputs,
  parseKubernetesVersion,
  poolCluster,
  poolDisplayName,
  poolInCluster,
  poolLabel,
  poolModeText,
  poolsByCluster,
  separatePool,
} from "../../src/resources/pools";

const UNK = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const CLUSTER_ID =
  "/subscriptions/0000/resourceGroups/RG/providers/Microsoft.ContainerService/managedClusters/AKS1";

function stackResource(
  type: string,
  name: string,
  props: Record<string, unknown>,
  propertyDependencies: Record<string, string[]> = {},
): StackResource {
  return {
    type,
    name,
    urn: `urn:pulumi:dev::p::${type}::${name}`,
    props,
    dependencies: Object.values(propertyDependencies).flat(),
    propertyDependencies,
  };
}

describe("inlinePools", () => {
  it("reads azure-native agentPoolProfiles, any API version of the token", () => {
    for (const type of [
      "azure-native:containerservice:ManagedCluster",
      "azure-native:containerservice/v20240402preview:ManagedCluster",
    ]) {
      const pools = inlinePools({
        type,
        urn: "urn:c",
        name: "aks",
        props: {
          agentPoolProfiles: [
            {
              name: "sys",
              mode: "System",
              osType: "Linux",
              count: 3,
              minCount: 2,
              enableAutoScaling: true,
              orchestratorVersion: "1.35",
              currentOrchestratorVersion: "1.35.2",
              vnetSubnetID: "/subscriptions/0000/x",
              podSubnetID: "/subscriptions/0000/y",
              powerState: { code: "Running" },
              securityProfile: { sshAccess: "Disabled" },
              enableNodePublicIP: false,
            },
          ],
        },
      });
      expect(pools).toEqual([
        {
          urn: "urn:c",
          pulumiName: "aks",
          type,
          source: "agentPoolProfiles",
          path: "agentPoolProfiles[0]",
          name: "sys",
          mode: "System",
          osType: "Linux",
          count: 3,
          minCount: 2,
          enableAutoScaling: true,
          orchestratorVersion: "1.35",
          currentOrchestratorVersion: "1.35.2",
          vnetSubnetId: "/subscriptions/0000/x",
          podSubnetId: "/subscriptions/0000/y",
          powerState: "Running",
          sshAccess: "Disabled",
          enableNodePublicIP: false,
        },
      ]);
    }
  });

  it("keeps unknown, missing and wrongly typed fields apart", () => {
    const pools = inlinePools({
      type: "azure-native:containerservice:ManagedCluster",
      urn: "urn:c",
      name: "aks",
      props: { agentPoolProfiles: [{ name: 7, mode: UNK, count: "3" }, UNK, null] },
    }) as PoolView[];
    expect(pools).toHaveLength(3);
    expect([pools[0].name, pools[0].mode, pools[0].count, pools[0].osType]).toEqual([
      Invalid,
      Unknown,
      Invalid,
      undefined,
    ]);
    expect(pools[1].mode).toBe(Unknown);
    expect(pools[2].mode).toBeUndefined();
  });

  it("returns Unknown for an unknown list and nothing for a missing one or another type", () => {
    const cluster = (props: Record<string, unknown>): ResourceInput => ({
      type: "azure-native:containerservice:ManagedCluster",
      urn: "urn:c",
      name: "aks",
      props,
    });
    expect(inlinePools(cluster({ agentPoolProfiles: UNK }))).toBe(Unknown);
    expect(inlinePools(cluster({}))).toEqual([]);
    expect(inlinePools({ type: "azure-native:network:Subnet", urn: "urn:s", name: "s", props: {} })).toEqual(
      [],
    );
  });

  it("reads the classic defaultNodePool as a Linux System pool", () => {
    const [pool] = inlinePools({
      type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
      urn: "urn:c",
      name: "c",
      props: {
        defaultNodePool: {
          name: "sys",
          nodeCount: 1,
          minCount: 1,
          autoScalingEnabled: true,
          orchestratorVersion: "1.35",
          vnetSubnetId: "/subscriptions/0000/x",
          nodePublicIpEnabled: true,
        },
      },
    }) as PoolView[];
    expect(pool).toMatchObject({
      source: "defaultNodePool",
      path: "defaultNodePool",
      name: "sys",
      mode: "System",
      osType: "Linux",
      count: 1,
      minCount: 1,
      enableAutoScaling: true,
      orchestratorVersion: "1.35",
      vnetSubnetId: "/subscriptions/0000/x",
      enableNodePublicIP: true,
      powerState: undefined,
      sshAccess: undefined,
    });
  });
});

describe("separatePool", () => {
  it("reads an azure-native AgentPool (agentPoolName, else name)", () => {
    const pool = separatePool({
      type: "azure-native:containerservice/v20240402preview:AgentPool",
      urn: "urn:ap",
      name: "batch-pool",
      props: { agentPoolName: "batch", mode: "User", powerState: { code: "Stopped" } },
    });
    expect(pool).toMatchObject({
      source: "AgentPool",
      path: "",
      name: "batch",
      mode: "User",
      powerState: "Stopped",
    });
    expect(
      separatePool({
        type: "azure-native:containerservice:AgentPool",
        urn: "u",
        name: "p",
        props: { name: "out" },
      })?.name,
    ).toBe("out");
  });

  it("defaults a classic node pool to User mode", () => {
    const pool = separatePool({
      type: "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
      urn: "urn:np",
      name: "np",
      props: { name: "user", nodeCount: 2, osType: "Windows" },
    });
    expect(pool).toMatchObject({
      source: "KubernetesClusterNodePool",
      name: "user",
      mode: "User",
      count: 2,
      osType: "Windows",
    });
  });

  it("ignores other types", () => {
    expect(
      separatePool({ type: "azure-native:containerservice:ManagedCluster", urn: "u", name: "c", props: {} }),
    ).toBeUndefined();
  });
});

describe("pool → cluster join", () => {
  const cluster = stackResource("azure-native:containerservice:ManagedCluster", "aks", {
    resourceGroupName: "rg",
    resourceName: "aks1",
  });
  const classic = stackResource("azure:containerservice/kubernetesCluster:KubernetesCluster", "c", {
    resourceGroupName: "rg2",
    name: "aks2",
  });
  const registry = ClusterRegistry.fromResources([cluster, classic]);

  it("joins an AgentPool by resource group and cluster name, case-insensitively", () => {
    const pool = stackResource("azure-native:containerservice:AgentPool", "p", {
      resourceGroupName: "RG",
      resourceName: "AKS1",
    });
    expect(poolCluster(pool, pool.props, registry)?.urn).toBe(cluster.urn);
  });

  it("joins a classic node pool by the cluster id", () => {
    const pool = stackResource(
      "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
      "np",
      {
        kubernetesClusterId: CLUSTER_ID.replace("RG", "rg2").replace("AKS1", "aks2"),
      },
    );
    expect(poolCluster(pool, pool.props, registry)?.urn).toBe(classic.urn);
  });

  it("falls back to the property dependency when names and ids are unknown", () => {
    const pool = stackResource(
      "azure-native:containerservice:AgentPool",
      "p",
      { resourceGroupName: UNK, resourceName: UNK },
      { resourceName: [cluster.urn] },
    );
    expect(poolCluster(pool, pool.props, registry)?.urn).toBe(cluster.urn);
    const np = stackResource(
      "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
      "np",
      { kubernetesClusterId: UNK },
      { kubernetesClusterId: [classic.urn] },
    );
    expect(poolCluster(np, np.props, registry)?.urn).toBe(classic.urn);
  });

  it("finds nothing for a pool of a cluster outside the stack", () => {
    const pool = stackResource("azure-native:containerservice:AgentPool", "p", {
      resourceGroupName: "rg",
      resourceName: "other",
    });
    expect(poolCluster(pool, pool.props, registry)).toBeUndefined();
  });
});

describe("clusterUnknown", () => {
  it("tells a pool whose cluster is unknown in preview from one of a cluster outside the stack", () => {
    const agentPool = (props: Record<string, unknown>): ResourceInput => ({
      type: "azure-native:containerservice/v20240402preview:AgentPool",
      urn: "u",
      name: "p",
      props,
    });
    expect(clusterUnknown(agentPool({ resourceGroupName: "rg", resourceName: UNK }))).toBe(true);
    expect(clusterUnknown(agentPool({ resourceGroupName: UNK, resourceName: "aks1" }))).toBe(true);
    expect(clusterUnknown(agentPool({ resourceGroupName: "rg", resourceName: "elsewhere" }))).toBe(false);
    const classic = (kubernetesClusterId: unknown): ResourceInput => ({
      type: "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
      urn: "u",
      name: "np",
      props: { kubernetesClusterId },
    });
    expect(clusterUnknown(classic(UNK))).toBe(true);
    expect(clusterUnknown(classic(CLUSTER_ID))).toBe(false);
    expect(
      clusterUnknown({
        type: "azure-native:containerservice:ManagedCluster",
        urn: "u",
        name: "c",
        props: {},
      }),
    ).toBe(false);
  });
});

describe("poolsByCluster", () => {
  it("groups inline and separate pools per cluster and returns orphans", () => {
    const cluster = stackResource("azure-native:containerservice:ManagedCluster", "aks", {
      name: "aks1",
      agentPoolProfiles: [{ name: "sys", mode: "System" }],
    });
    const joined = stackResource(
      "azure-native:containerservice:AgentPool",
      "batch",
      { name: UNK, mode: "User" },
      { resourceName: [cluster.urn] },
    );
    const orphan = stackResource("azure-native:containerservice:AgentPool", "lost", {
      resourceGroupName: "rg",
      resourceName: "x",
    });
    const resources = [cluster, joined, orphan];
    const result = poolsByCluster(resources, ClusterRegistry.fromResources(resources));
    expect(result.clusters).toHaveLength(1);
    expect(result.clusters[0].pools.map((p) => [p.source, p.pulumiName])).toEqual([
      ["agentPoolProfiles", "aks"],
      ["AgentPool", "batch"],
    ]);
    expect(result.clusters[0].inlineUnknown).toBe(false);
    expect(result.orphans.map((p) => p.pulumiName)).toEqual(["lost"]);
  });

  it("flags an unknown inline list", () => {
    const cluster = stackResource("azure-native:containerservice:ManagedCluster", "aks", {
      agentPoolProfiles: UNK,
    });
    const [entry] = poolsByCluster([cluster], ClusterRegistry.fromResources([cluster])).clusters;
    expect(entry).toMatchObject({ pools: [], inlineUnknown: true });
  });

  it("uses the props the caller gives (e.g. Analyze inputs) for the join", () => {
    const cluster = stackResource("azure-native:containerservice:ManagedCluster", "aks", { name: "aks1" });
    const pool = stackResource("azure-native:containerservice:AgentPool", "p", { name: "user" });
    const registry = ClusterRegistry.fromResources([cluster]);
    const inputs: Record<string, Record<string, unknown>> = {
      [cluster.urn]: { resourceGroupName: "rg", resourceName: "aks1" },
      [pool.urn]: { resourceGroupName: "rg", resourceName: "aks1", agentPoolName: "user" },
    };
    const view = clusterView({ ...cluster, props: inputs[cluster.urn] });
    if (view) registry.mergeInputs(view);
    expect(poolsByCluster([cluster, pool], registry).orphans).toHaveLength(1);
    const joined = poolsByCluster([cluster, pool], registry, (r) =>
      outputsWithInputs(r, (urn) => inputs[urn]),
    );
    expect(joined.orphans).toEqual([]);
    expect(joined.clusters[0].pools.map((p) => p.name)).toEqual(["user"]);
  });
});

describe("distinctPools", () => {
  const pool = (source: PoolView["source"], name: unknown, pulumiName: string): PoolView =>
    ({ source, name, pulumiName, urn: pulumiName, path: "" }) as PoolView;

  it("keeps one pool per name; a separate resource wins over the cluster's own listing of it", () => {
    const pools = [
      pool("agentPoolProfiles", "sys", "aks"),
      pool("agentPoolProfiles", "Batch", "aks"),
      pool("AgentPool", "batch", "batch-pool"),
      pool("agentPoolProfiles", "sys", "aks"),
      pool("agentPoolProfiles", Unknown, "aks"),
      pool("agentPoolProfiles", Unknown, "aks"),
    ];
    expect(distinctPools(pools).map((p) => [p.source, p.name])).toEqual([
      ["agentPoolProfiles", "sys"],
      ["AgentPool", "batch"],
      ["agentPoolProfiles", Unknown],
      ["agentPoolProfiles", Unknown],
    ]);
  });
});

describe("outputsWithInputs", () => {
  const resource = stackResource("azure-native:containerservice:AgentPool", "p", {
    name: "user",
    mode: "User",
    count: UNK,
    tags: null,
  });

  it("takes outputs, filling what they lack or leave unknown from the Analyze inputs", () => {
    const inputs = {
      resourceGroupName: "rg",
      resourceName: "aks1",
      mode: "System",
      count: 3,
      tags: { a: "b" },
    };
    expect(outputsWithInputs(resource, () => inputs)).toEqual({
      resourceGroupName: "rg",
      resourceName: "aks1",
      name: "user",
      mode: "User",
      count: 3,
      tags: { a: "b" },
    });
  });

  it("returns the outputs as they are without inputs", () => {
    expect(outputsWithInputs(resource)).toBe(resource.props);
    expect(outputsWithInputs(resource, () => undefined)).toBe(resource.props);
  });
});

describe("display names for messages", () => {
  const base = {
    urn: "u",
    pulumiName: "pulumi-name",
    type: "t",
    source: "agentPoolProfiles",
    path: "agentPoolProfiles[2]",
  };

  it("prints a pool name only when it has the shape of an Azure name", () => {
    expect(poolDisplayName({ ...base, name: "sys" } as PoolView)).toBe("sys");
    expect(poolDisplayName({ ...base, name: "p@ss word" } as PoolView)).toBe("agentPoolProfiles[2]");
    expect(poolDisplayName({ ...base, name: Unknown } as PoolView)).toBe("agentPoolProfiles[2]");
    expect(poolDisplayName({ ...base, path: "", name: undefined } as PoolView)).toBe("pulumi-name");
    // The older label prints any string name as it is.
    expect(poolLabel({ ...base, name: "p@ss word" } as PoolView)).toBe("p@ss word");
  });

  it("names a pool with its cluster when the cluster is known", () => {
    const pool = { ...base, name: "sys" } as PoolView;
    expect(poolInCluster(pool, "aks1")).toBe('pool "sys" of cluster "aks1"');
    expect(poolInCluster(pool, undefined)).toBe('pool "sys"');
    expect(poolInCluster({ ...base, name: "p@ss word" } as PoolView, "aks1")).toBe(
      'pool "agentPoolProfiles[2]" of cluster "aks1"',
    );
  });

  it("prints a pool mode only when it is a documented mode", () => {
    const text = (mode: unknown) => poolModeText({ ...base, mode } as PoolView);
    expect([
      text("user"),
      text("Gateway"),
      text(undefined),
      text(Invalid),
      text(Unknown),
      text("hunter2"),
    ]).toEqual([
      "mode=User",
      "mode=Gateway",
      "mode not set",
      "mode not set",
      "mode=(unknown during preview)",
      "mode=(not shown)",
    ]);
  });

  it("prints a cluster's Azure name when safe, else its Pulumi name", () => {
    const view = (props: Record<string, unknown>) =>
      clusterView({ type: "azure-native:containerservice:ManagedCluster", urn: "u", name: "aks", props })!;
    expect(clusterDisplayName(view({ resourceName: "aks1" }))).toBe("aks1");
    expect(clusterDisplayName(view({ resourceName: UNK }))).toBe("aks");
    expect(clusterDisplayName(view({ resourceName: "secret value with spaces" }))).toBe("aks");
  });
});

describe("Kubernetes versions", () => {
  it.each([
    ["1.30", { major: 1, minor: 30 }],
    ["1.30.4", { major: 1, minor: 30, patch: 4 }],
    ["v1.30.4", { major: 1, minor: 30, patch: 4 }],
  ])("parses %s", (text, expected) => {
    expect(parseKubernetesVersion(text)).toEqual(expected);
  });

  it.each(["1", "1.30.x", "latest", " 1.30", "1.30.4.1", "V1.30", "", "1..30"])("rejects %j", (text) => {
    expect(parseKubernetesVersion(text)).toBeUndefined();
  });

  it("orders by major, then minor, ignoring patches", () => {
    const v = (text: string) => parseKubernetesVersion(text)!;
    expect(compareMinor(v("1.35.9"), v("1.35.0"))).toBe(0);
    expect(compareMinor(v("1.35"), v("1.36"))).toBeLessThan(0);
    expect(compareMinor(v("2.0"), v("1.99"))).toBeGreaterThan(0);
  });
});
