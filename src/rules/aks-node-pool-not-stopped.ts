import { Finding, ResourceInput, StackResource, defineRule } from "../model/rule";
import { Unknown, equalsIgnoreCase } from "../model/values";
import type { ClusterRegistry, ClusterView } from "../resources/cluster";
import { clusterView } from "../resources/cluster";
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
  allowStoppedUserPools: boolean;
}

type State = "stopped" | "running" | "unknown";

/** `powerState.code`: `Running` (the default) or `Stopped`; only azure-native pools carry one. */
function powerState(pool: PoolView): State {
  if (pool.powerState === Unknown) return "unknown";
  return typeof pool.powerState === "string" && equalsIgnoreCase(pool.powerState, "Stopped")
    ? "stopped"
    : "running";
}

function modeOf(pool: PoolView): "system" | "user" | "unknown" {
  if (pool.mode === Unknown) return "unknown";
  return typeof pool.mode === "string" && equalsIgnoreCase(pool.mode, "System") ? "system" : "user";
}

function where(pool: PoolView): Pick<Finding, "urn" | "subject"> {
  return { urn: pool.urn, subject: { type: pool.type, name: pool.pulumiName } };
}

/** Findings about one pool on its own: a stopped System pool, and a stopped User pool when not allowed. */
function poolFindings(pool: PoolView, cluster: string | undefined, options: Options): Finding[] {
  const state = powerState(pool);
  if (state === "running") return [];
  const mode = modeOf(pool);
  const label = poolInCluster(pool, cluster);
  // By pool name: a cluster's outputs may list its pools in another order than its inputs.
  const key = `stopped:${typeof pool.name === "string" ? pool.name.toLowerCase() : pool.path}`;
  if (state === "unknown") {
    return mode === "user" && options.allowStoppedUserPools
      ? []
      : [
          {
            kind: "cannot-know",
            message: `whether ${label} is stopped (\`powerState.code\` is unknown)`,
            key: `${key}:unknown`,
            ...where(pool),
          },
        ];
  }
  if (mode === "unknown" && options.allowStoppedUserPools) {
    return [
      {
        kind: "cannot-know",
        message: `whether stopped ${label} is a System pool (\`mode\` is unknown)`,
        key: `${key}:unknown`,
        ...where(pool),
      },
    ];
  }
  if (mode === "system") {
    return [
      {
        kind: "violation",
        message:
          `System-mode ${label} is stopped (powerState.code=Stopped, ${poolModeText(pool)}); System pools ` +
          "cannot be stopped, and a cluster whose agent nodes are deallocated is unsupported (S37)",
        key,
        ...where(pool),
      },
    ];
  }
  if (options.allowStoppedUserPools) return [];
  return [
    {
      kind: "violation",
      message:
        `${label} is stopped (powerState.code=Stopped, ${poolModeText(pool)}) and \`allowStoppedUserPools\` ` +
        "is false",
      fix: 'set `powerState: { code: "Running" }` on the pool, or scale it with `count`/`minCount` instead',
      key,
      ...where(pool),
    },
  ];
}

function checkResource(resource: ResourceInput, clusters: ClusterRegistry, options: Options): Finding[] {
  const cluster = clusterView(resource);
  if (cluster) {
    const pools = inlinePools(resource);
    if (pools === Unknown) return [];
    return pools.flatMap((p) => poolFindings(p, clusterDisplayName(cluster), options));
  }
  const pool = separatePool(resource);
  if (!pool) return [];
  const owner = poolCluster(resource, resource.props, clusters);
  return poolFindings(pool, owner ? clusterDisplayName(owner) : undefined, options);
}

/** S37: deallocating every agent node of a cluster leaves it unsupported (AKS stops it after 30 days). */
function allStopped(
  cluster: ClusterView,
  type: string,
  pools: PoolView[],
  inlineUnknown: boolean,
  /** Whether a pool that is not stopped has a cluster unknown in preview (it may be this cluster's). */
  strayNotStopped: boolean,
): Finding[] {
  if (!pools.length) return [];
  const states = pools.map(powerState);
  if (states.includes("running")) return [];
  const name = clusterDisplayName(cluster);
  const onCluster = { urn: cluster.urn, subject: { type, name: cluster.pulumiName } };
  if (inlineUnknown || strayNotStopped || states.includes("unknown")) {
    // Unknown states alone are the pools' own cannot-know findings; the cluster is in doubt once one is stopped.
    if (!states.includes("stopped")) return [];
    return [
      {
        kind: "cannot-know",
        message: `whether every node pool of cluster "${name}" is stopped (a \`powerState.code\` is unknown)`,
        key: "all-stopped:unknown",
        ...onCluster,
      },
    ];
  }
  const shown = pools.slice(0, 10).map(poolDisplayName).join(", ");
  return [
    {
      kind: "violation",
      message:
        `every node pool of cluster "${name}" is stopped (${shown}${pools.length > 10 ? ", ..." : ""}: ` +
        "powerState.code=Stopped), so all agent nodes are deallocated; that leaves the cluster unsupported (S37)",
      key: "all-stopped",
      ...onCluster,
    },
  ];
}

export default defineRule<Options>({
  id: "aks-node-pool-not-stopped",
  title: "Do not stop System node pools or every pool of a cluster",
  area: "node-pools",
  description:
    "Flags stopped System-mode node pools and clusters whose node pools are all stopped (all agent nodes deallocated); optionally also stopped User pools.",
  source: {
    sections: ["user-customization-of-worker-nodes"],
    statements: ["S37"],
    currentDocs: ["support-policies.md", "start-stop-nodepools.md"],
  },
  defaultLevel: "advisory",
  resourceTypes: [T.managedCluster, T.agentPool],
  options: {
    allowStoppedUserPools: {
      type: "boolean",
      default: true,
      description:
        "Stopping a User pool through the AKS API is supported; set to false to flag every stopped User pool too.",
    },
  },
  fix:
    'keep System pools running (`powerState: { code: "Running" }`, or remove `powerState`); to shut a whole ' +
    "cluster down use `az aks stop` / `az aks start` (the managed cluster stop), never deallocate every pool",
  docs: {
    why:
      "The support policy (§user-customization-of-worker-nodes, S37) names out-of-band deallocation of all agent " +
      "nodes as an operation that leaves a cluster unsupported; current AKS docs (`support-policies.md`) add that " +
      "AKS stops such a cluster after 30 days, and `start-stop-nodepools.md` says System pools cannot be stopped. " +
      "Stopping a User pool through the AKS API is supported.",
    checks: [
      "azure-native pools only (`powerState.code`, `Running` | `Stopped`, case-insensitive; the classic provider has",
      "no power-state setting):",
      "",
      "- a System-mode pool (inline `agentPoolProfiles[]` or an `AgentPool`) with `powerState.code: Stopped` →",
      "  violation on the resource declaring it;",
      "- a stopped User pool → violation only with `allowStoppedUserPools: false`;",
      "- over the whole stack, per cluster (separate `AgentPool`s joined by `resourceGroupName` + `resourceName` or",
      "  by their dependency on the cluster): every pool stopped → violation on the cluster.",
      "",
      "Pools are judged as each resource is registered and again over the stack (outputs); each finding is",
      "reported once.",
    ].join("\n"),
    violating: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      'new containerservice.AgentPool("sys2", {',
      '  resourceGroupName: "rg",',
      '  resourceName: "aks1",',
      '  agentPoolName: "sys2",',
      '  mode: "System",',
      '  powerState: { code: "Stopped" },',
      "});",
    ].join("\n"),
    fixed: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      "// System pools stay running; stop User pools only, or the whole cluster with `az aks stop`.",
      'new containerservice.AgentPool("sys2", {',
      '  resourceGroupName: "rg",',
      '  resourceName: "aks1",',
      '  agentPoolName: "sys2",',
      '  mode: "System",',
      "  count: 3,",
      "});",
    ].join("\n"),
    limits:
      "Nodes deallocated through the VM scale-set API are not visible as a pool's `powerState` (those changes are " +
      "`aks-vmss-direct-modification`'s). A cluster stopped with `az aks stop` is not flagged. A `powerState` or " +
      "`mode` unknown during preview is not reported unless the rule is made mandatory (then as advisory).",
  },
  checkResource(resource, ctx) {
    return checkResource(resource, ctx.clusters, ctx.config);
  },
  checkStack(resources, ctx) {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const propsOf = (r: StackResource) => outputsWithInputs(r, ctx.inputsOf);
    const { clusters, orphans } = poolsByCluster(resources, ctx.clusters, propsOf);
    const strayNotStopped = orphans.some((p) => {
      const resource = byUrn.get(p.urn);
      return (
        powerState(p) !== "stopped" && resource !== undefined && clusterUnknown(resource, propsOf(resource))
      );
    });
    const findings: Finding[] = orphans.flatMap((p) => poolFindings(p, undefined, ctx.config));
    for (const { cluster, pools, inlineUnknown } of clusters) {
      const distinct = distinctPools(pools);
      const name = clusterDisplayName(cluster);
      findings.push(...distinct.flatMap((p) => poolFindings(p, name, ctx.config)));
      const type = byUrn.get(cluster.urn)?.type ?? T.managedCluster;
      if (cluster.kind === "azure-native")
        findings.push(...allStopped(cluster, type, distinct, inlineUnknown, strayNotStopped));
    }
    return findings;
  },
});
