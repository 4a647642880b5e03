/**
 * Node resource group detection (rule-catalog §1.5), shared by every rule that asks "is this inside
 * an AKS cluster's node resource group?" — one piece of code, so the rules cannot disagree.
 *
 * A resource group is a node resource group when (case-insensitively) it is
 *   1. the explicit `nodeResourceGroup` of a cluster seen in this run, or
 *   2. a cluster's default `MC_<rg>_<cluster>_<location>`, or
 *   3. listed in the rule option `nodeResourceGroups` (names or ARM ids), or
 *   4. matched by the rule option `nodeResourceGroupPattern` (default `^MC_.+_.+_.+$`).
 */
import { resourceGroupOf } from "./arm-id";
import type { ClusterRegistry, ClusterView } from "./cluster";
import { isRecord } from "../model/values";

export interface NodeResourceGroupOptions {
  nodeResourceGroupPattern: string;
  nodeResourceGroups: readonly string[];
}

export type NodeResourceGroupSignal =
  | { signal: "cluster"; cluster: ClusterView; description: string }
  | { signal: "configured"; description: string }
  | { signal: "pattern"; description: string };

const patternCache = new Map<string, RegExp>();

/** Compiles a user-supplied pattern case-insensitively; throws a message naming the option when invalid. */
export function compileOptionPattern(option: string, pattern: string): RegExp {
  const cacheKey = `${option}\u0000${pattern}`;
  let re = patternCache.get(cacheKey);
  if (!re) {
    try {
      re = new RegExp(pattern, "i");
    } catch (e) {
      throw new Error(
        `option "${option}": invalid regular expression /${pattern}/ (${(e as Error).message})`,
      );
    }
    patternCache.set(cacheKey, re);
  }
  return re;
}

const configuredCache = new WeakMap<readonly string[], ReadonlySet<string>>();

function configuredNames(list: readonly string[]): ReadonlySet<string> {
  let set = configuredCache.get(list);
  if (!set) {
    set = new Set(list.map((entry) => (resourceGroupOf(entry) ?? entry).toLowerCase()));
    configuredCache.set(list, set);
  }
  return set;
}

/** Classifies a resource group name; undefined when it is not (known to be) a node resource group. */
export function nodeResourceGroupSignal(
  resourceGroup: string,
  clusters: ClusterRegistry,
  options: NodeResourceGroupOptions,
): NodeResourceGroupSignal | undefined {
  const cluster = clusters.clusterForNodeResourceGroup(resourceGroup);
  if (cluster) {
    const name = typeof cluster.name === "string" ? cluster.name : cluster.pulumiName;
    return { signal: "cluster", cluster, description: `the node resource group of AKS cluster "${name}"` };
  }
  if (configuredNames(options.nodeResourceGroups).has(resourceGroup.toLowerCase())) {
    return { signal: "configured", description: "a node resource group listed in `nodeResourceGroups`" };
  }
  if (
    compileOptionPattern("nodeResourceGroupPattern", options.nodeResourceGroupPattern).test(resourceGroup)
  ) {
    return {
      signal: "pattern",
      description: "named like an AKS node resource group (`nodeResourceGroupPattern`)",
    };
  }
  return undefined;
}

/**
 * Whether tags are AKS-managed: a key starting `aks-managed-` (e.g. `aks-managed-poolName`), or the
 * legacy pair `poolName` + `orchestrator`. Only keys are read; tag values may be anything.
 */
export function hasAksManagedTags(tags: unknown): boolean {
  if (!isRecord(tags)) return false;
  const keys = Object.keys(tags).map((k) => k.toLowerCase());
  return (
    keys.some((k) => k.startsWith("aks-managed-")) ||
    (keys.includes("poolname") && keys.includes("orchestrator"))
  );
}

/** Default pattern of VMSS names AKS gives node pools, e.g. `aks-nodepool1-16061838-vmss`. */
export const DEFAULT_VMSS_NAME_PATTERN = "^aks-[a-z0-9]{1,12}-[0-9]{8}-vmss$";
export const DEFAULT_NODE_RESOURCE_GROUP_PATTERN = "^MC_.+_.+_.+$";
