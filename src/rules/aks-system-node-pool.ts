import { Finding, ResourceInput, StackResource, defineRule } from "../model/rule";
import { Invalid, PropertyBag, Unknown, equalsIgnoreCase, readArray, readRecord } from "../model/values";
import { ClusterRegistry, ClusterView, clusterView, isAutomaticCluster } from "../resources/cluster";
import {
  PoolView,
  clusterDisplayName,
  clusterUnknown,
  distinctPools,
  inlinePools,
  outputsWithInputs,
  poolCluster,
  poolDisplayName,
  poolInCluster,
  poolModeText,
  poolsByCluster,
  separatePool,
} from "../resources/pools";
import { T } from "../resources/tokens";

interface Options {
  minSystemNodes: number;
}

const isSystem = (pool: PoolView) => typeof pool.mode === "string" && equalsIgnoreCase(pool.mode, "System");

/** System pools run the cluster's critical pods (CoreDNS, metrics-server, konnectivity) and must be Linux. */
function systemOsFinding(pool: PoolView, cluster: string | undefined): Finding[] {
  const label = poolInCluster(pool, cluster);
  const notLinux = typeof pool.osType === "string" && !equalsIgnoreCase(pool.osType, "Linux");
  if ((isSystem(pool) && pool.osType === Unknown) || (notLinux && pool.mode === Unknown)) {
    return [
      {
        kind: "cannot-know",
        message: `whether ${label} is a System pool that does not run Linux (its \`mode\` or \`osType\` is unknown)`,
        key: `system-os:${pool.path}:unknown`,
      },
    ];
  }
  if (!isSystem(pool) || typeof pool.osType !== "string" || !notLinux) return [];
  const osType = equalsIgnoreCase(pool.osType, "Windows") ? "Windows" : "(not shown)";
  return [
    {
      kind: "violation",
      message: `System-mode ${label} has osType=${osType}; System pools must run Linux (AKS runs its managed components there, S05)`,
      fix: 'set `osType: "Linux"` on the System pool, and `mode: "User"` on Windows pools',
      key: `system-os:${pool.path}`,
    },
  ];
}

/** `mode` is required in direct API calls (`use-system-pools.md`), which azure-native makes. */
function explicitModeFinding(pool: PoolView, cluster: string | undefined): Finding[] {
  if (pool.mode !== undefined && pool.mode !== Invalid) return [];
  return [
    {
      kind: "violation",
      advisoryOnly: true,
      message:
        `${poolInCluster(pool, cluster)} does not set \`mode\`` +
        `${pool.mode === Invalid ? " to a string" : ""}; AKS requires it explicitly in API calls (S09)`,
      fix: 'set `mode: "User"` (or `"System"`) explicitly on every pool',
      key: `mode:${pool.path}`,
    },
  ];
}

function checkResource(resource: ResourceInput, clusters: ClusterRegistry): Finding[] {
  const cluster = clusterView(resource);
  if (cluster) {
    if (isAutomaticCluster(cluster)) return [];
    const pools = inlinePools(resource);
    if (pools === Unknown) return [];
    const name = clusterDisplayName(cluster);
    const findings = pools.flatMap((p) => systemOsFinding(p, name));
    // Without a known System pool the stack check reports the whole cluster (listing pools without mode).
    if (pools.some(isSystem)) {
      for (const pool of pools) {
        if (pool.source === "agentPoolProfiles") findings.push(...explicitModeFinding(pool, name));
      }
    }
    return findings;
  }
  const pool = separatePool(resource);
  if (!pool) return [];
  const owner = poolCluster(resource, resource.props, clusters);
  const name = owner ? clusterDisplayName(owner) : undefined;
  return [
    ...systemOsFinding(pool, name),
    ...(pool.source === "AgentPool" ? explicitModeFinding(pool, name) : []),
  ];
}

/** Nodes the pool keeps at least: `minCount` with the autoscaler, else `count` (AKS default 1). */
function minimumNodes(pool: PoolView): { nodes: number; set: boolean } | undefined {
  if (pool.enableAutoScaling === Unknown || pool.enableAutoScaling === Invalid) return undefined;
  const value = pool.enableAutoScaling === true ? pool.minCount : pool.count;
  if (value === undefined) return { nodes: 1, set: false };
  return typeof value === "number" ? { nodes: value, set: true } : undefined;
}

/** Lists at most a few pools: a message names examples, not thousands of pools. */
function listPools(pools: readonly PoolView[]): string {
  const shown = pools.slice(0, 10).map((p) => `${poolDisplayName(p)} (${poolModeText(p)})`);
  return pools.length > shown.length
    ? `${shown.join(", ")} and ${pools.length - shown.length} more`
    : shown.join(", ");
}

function checkCluster(
  cluster: ClusterView,
  clusterResource: StackResource,
  props: PropertyBag,
  allPools: PoolView[],
  inlineUnknown: boolean,
  /** System (or unknown-mode) pools whose cluster is unknown in preview: any of them may be this cluster's. */
  strays: readonly PoolView[],
  minSystemNodes: number,
): Finding[] {
  if (isAutomaticCluster(cluster)) return [];
  const name = clusterDisplayName(cluster);
  const onCluster = {
    urn: cluster.urn,
    subject: { type: clusterResource.type, name: clusterResource.name },
  };
  const pools = distinctPools(allPools);
  const system = pools.filter(isSystem);
  const modeUnknown = inlineUnknown || pools.some((p) => p.mode === Unknown);
  const inlinePath = cluster.kind === "azure-native" ? "agentPoolProfiles" : "defaultNodePool";
  const inlineInvalid =
    cluster.kind === "azure-native"
      ? readArray(props, inlinePath) === Invalid
      : readRecord(props, inlinePath) === Invalid;
  if (system.length === 0) {
    if (inlineInvalid) {
      return [
        {
          kind: "violation",
          advisoryOnly: true,
          message:
            `cannot evaluate \`${inlinePath}\` (not a ${cluster.kind === "azure-native" ? "list" : "block"}), so ` +
            `whether cluster "${name}" has a System-mode node pool is not known`,
          key: "system-pool:invalid",
          ...onCluster,
        },
      ];
    }
    if (modeUnknown || strays.length) {
      const why = modeUnknown
        ? "a pool list or `mode` is unknown"
        : `the cluster of pool ${strays.slice(0, 3).map(poolDisplayName).join(", ")} is unknown`;
      return [
        {
          kind: "cannot-know",
          message: `whether cluster "${name}" has a System-mode node pool (${why})`,
          key: "system-pool:unknown",
          ...onCluster,
        },
      ];
    }
    const listed = listPools(pools);
    return [
      {
        kind: "violation",
        message: pools.length
          ? `cluster "${name}" has no System-mode node pool (pools: ${listed}); AKS needs at least one to run ` +
            `its managed components (S05, S09)` +
            (pools.some((p) => p.mode === undefined || p.mode === Invalid)
              ? "; `mode` must be set explicitly in API calls"
              : "")
          : `cluster "${name}" declares no node pools; AKS needs at least one System-mode pool (S05, S09)`,
        key: "system-pool",
        ...onCluster,
      },
    ];
  }
  // A single System pool must keep enough nodes; another pool whose mode is unknown may be a second one.
  if (system.length !== 1 || modeUnknown || strays.length) return [];
  const [pool] = system;
  const kept = minimumNodes(pool);
  if (kept === undefined || kept.nodes >= minSystemNodes) return [];
  const { nodes } = kept;
  const classic = pool.source === "defaultNodePool" || pool.source === "KubernetesClusterNodePool";
  const countPath = pool.enableAutoScaling === true ? "minCount" : classic ? "nodeCount" : "count";
  return [
    {
      kind: "violation",
      advisoryOnly: true,
      message:
        `the only System-mode pool "${poolDisplayName(pool)}" of cluster "${name}" keeps ${nodes} node` +
        `${nodes === 1 ? "" : "s"} (${kept.set ? `${countPath}=${nodes}` : `${countPath} not set: AKS default 1`}); ` +
        `a single System pool needs at least ${minSystemNodes} (use-system-pools.md)`,
      fix:
        `raise \`${countPath}\` of the System pool to at least ${minSystemNodes} (3 recommended), or add a second ` +
        'Linux pool with `mode: "System"`',
      key: `system-nodes:${pool.urn}:${pool.path}`,
      urn: pool.urn,
      subject: { type: pool.type, name: pool.pulumiName },
    },
  ];
}

export default defineRule<Options>({
  id: "aks-system-node-pool",
  title: "Every AKS cluster keeps a Linux System-mode node pool",
  area: "node-pools",
  description:
    "Flags AKS clusters without a System-mode node pool, System pools that are not Linux, pools without an explicit mode, and a single System pool with too few nodes.",
  source: {
    sections: ["managed-features-in-aks", "shared-responsibility"],
    statements: ["S05", "S09"],
    currentDocs: ["use-system-pools.md"],
  },
  defaultLevel: "mandatory",
  resourceTypes: [T.managedCluster, T.agentPool, T.classicCluster, T.classicNodePool],
  options: {
    minSystemNodes: {
      type: "integer",
      minimum: 1,
      default: 2,
      description:
        "Nodes a cluster's only System pool must keep (`count`, or `minCount` with the autoscaler); AKS docs: at least 2 for production, 3 recommended.",
    },
  },
  fix:
    'give the cluster a Linux pool with `mode: "System"` (an `agentPoolProfiles` entry or an `AgentPool` resource; ' +
    "the classic `defaultNodePool` always is one) with at least 2 nodes, tainted `CriticalAddonsOnly=true:NoSchedule`",
  docs: {
    why:
      "AKS runs the components Microsoft manages — CoreDNS, metrics-server, konnectivity and other kube-system " +
      "pods — on System-mode node pools (support policy §managed-features-in-aks, S05). The customer defines those " +
      "worker nodes (§shared-responsibility, S09), and current AKS docs (`use-system-pools.md`) require every " +
      "cluster to keep at least one System pool, running Linux, with `mode` set explicitly in API calls; a " +
      "production cluster with a single System pool should keep at least 2 nodes (3 recommended).",
    checks: [
      "- Over the whole stack, per cluster (inline `agentPoolProfiles`, separate `AgentPool` resources joined by",
      "  `resourceGroupName` + `resourceName` or by their dependency on the cluster, the classic `defaultNodePool`",
      "  and `KubernetesClusterNodePool`s): no node pool at all, or no pool with `mode` `System`",
      "  (case-insensitive) → violation on the cluster, listing each pool's mode.",
      "- Exactly one System pool keeping fewer than `minSystemNodes` nodes (`minCount` with",
      "  `enableAutoScaling`, else `count`, AKS default 1; classic `nodeCount`/`autoScalingEnabled`) → advisory.",
      "- Each resource as it is registered: a System pool whose `osType` is not `Linux` → violation; a pool",
      "  without `mode` (inline, when the cluster has a System pool; every `AgentPool`) → advisory.",
      "- The classic `defaultNodePool` is always a Linux System pool; a classic `KubernetesClusterNodePool`",
      "  defaults to `User`. AKS Automatic clusters (`sku.name: Automatic`, classic `AutomaticCluster`) manage",
      "  their own system pools and are skipped.",
    ].join("\n"),
    violating: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      'new containerservice.ManagedCluster("aks", {',
      '  resourceGroupName: "rg",',
      '  resourceName: "aks1",',
      '  dnsPrefix: "aks1",',
      '  agentPoolProfiles: [{ name: "apps", mode: "User", count: 3, vmSize: "Standard_D4ds_v5" }],',
      "});",
    ].join("\n"),
    fixed: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      'new containerservice.ManagedCluster("aks", {',
      '  resourceGroupName: "rg",',
      '  resourceName: "aks1",',
      '  dnsPrefix: "aks1",',
      "  agentPoolProfiles: [",
      "    {",
      '      name: "system",',
      '      mode: "System",',
      '      osType: "Linux",',
      "      count: 3,",
      '      vmSize: "Standard_D4ds_v5",',
      '      nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],',
      "    },",
      '    { name: "apps", mode: "User", count: 3, vmSize: "Standard_D4ds_v5" },',
      "  ],",
      "});",
    ].join("\n"),
    limits:
      "The cluster-wide checks run over the whole stack (`AnalyzeStack`), which `pulumi up` runs in its preview " +
      "phase; with `--skip-preview` they report after the changes. Pools created outside this stack are " +
      "invisible, so a cluster whose only System pool is managed elsewhere is reported. A pool list or `mode` " +
      'unknown during preview gives an advisory "cannot be verified" instead of a violation.',
  },
  checkResource(resource, ctx) {
    return checkResource(resource, ctx.clusters);
  },
  checkStack(resources, ctx) {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const propsOf = (r: StackResource) => outputsWithInputs(r, ctx.inputsOf);
    const { clusters, orphans } = poolsByCluster(resources, ctx.clusters, propsOf);
    const strays = orphans.filter((p) => {
      const resource = byUrn.get(p.urn);
      return (
        (isSystem(p) || p.mode === Unknown) &&
        resource !== undefined &&
        clusterUnknown(resource, propsOf(resource))
      );
    });
    return clusters.flatMap(({ cluster, pools, inlineUnknown }) => {
      const resource = byUrn.get(cluster.urn);
      if (!resource) return [];
      return checkCluster(
        cluster,
        resource,
        propsOf(resource),
        pools,
        inlineUnknown,
        strays,
        ctx.config.minSystemNodes,
      );
    });
  },
});
