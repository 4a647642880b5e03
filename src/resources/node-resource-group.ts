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
import { TokenSet } from "./tokens";
import type { JsonSchema } from "../model/schema";
import { Invalid, Read, isRecord, readString } from "../model/values";
import type { PropertyBag } from "../model/values";

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

/**
 * AKS-managed networking objects inside a node resource group, by name (rule-catalog §1.5): the agent-pool
 * NSG (`aks-agentpool-30022306-nsg`, a public example), the agent-pool route table and the `kubernetes` /
 * `kubernetes-internal` load balancers (the last two patterns are from the brief, not found in AKS docs).
 */
export type AksManagedObjectKind = "network security group" | "route table" | "load balancer";

export const AKS_MANAGED_OBJECT_PATTERNS: Readonly<Record<AksManagedObjectKind, RegExp>> = {
  "network security group": /^aks-agentpool-\d+-nsg$/i,
  "route table": /^aks-agentpool-\d+-routetable$/i,
  "load balancer": /^kubernetes(?:-internal)?$/i,
};

/** Resource types that are, or change, an NSG, route table or load balancer, and where they name it. */
const MANAGED_OBJECT_NAME: Readonly<Record<string, { kind: AksManagedObjectKind; path: string; id?: true }>> =
  {
    "azure-native:network:NetworkSecurityGroup": {
      kind: "network security group",
      path: "networkSecurityGroupName",
    },
    "azure-native:network:SecurityRule": { kind: "network security group", path: "networkSecurityGroupName" },
    "azure-native:network:RouteTable": { kind: "route table", path: "routeTableName" },
    "azure-native:network:Route": { kind: "route table", path: "routeTableName" },
    "azure-native:network:LoadBalancer": { kind: "load balancer", path: "loadBalancerName" },
    "azure-native:network:InboundNatRule": { kind: "load balancer", path: "loadBalancerName" },
    "azure-native:network:LoadBalancerBackendAddressPool": {
      kind: "load balancer",
      path: "loadBalancerName",
    },
    "azure:network/networkSecurityGroup:NetworkSecurityGroup": {
      kind: "network security group",
      path: "name",
    },
    "azure:network/networkSecurityRule:NetworkSecurityRule": {
      kind: "network security group",
      path: "networkSecurityGroupName",
    },
    "azure:network/routeTable:RouteTable": { kind: "route table", path: "name" },
    "azure:network/route:Route": { kind: "route table", path: "routeTableName" },
    "azure:lb/loadBalancer:LoadBalancer": { kind: "load balancer", path: "name" },
    "azure:lb/rule:Rule": { kind: "load balancer", path: "loadbalancerId", id: true },
    "azure:lb/backendAddressPool:BackendAddressPool": {
      kind: "load balancer",
      path: "loadbalancerId",
      id: true,
    },
    "azure:lb/probe:Probe": { kind: "load balancer", path: "loadbalancerId", id: true },
    "azure:lb/natRule:NatRule": { kind: "load balancer", path: "loadbalancerId", id: true },
    "azure:lb/outboundRule:OutboundRule": { kind: "load balancer", path: "loadbalancerId", id: true },
  };

export const AKS_MANAGED_OBJECT_TYPES: readonly string[] = Object.keys(MANAGED_OBJECT_NAME);

const managedObjectTokens = new TokenSet(AKS_MANAGED_OBJECT_TYPES);

export interface ManagedObjectRef {
  kind: AksManagedObjectKind;
  /** The NSG / route table / load balancer name the resource is or changes. */
  name: Read<string>;
  /** True when the name (if known) follows the AKS-managed pattern of its kind. */
  aksManaged: boolean;
}

/** The NSG, route table or load balancer a resource is or changes; undefined for other types. */
export function managedObjectOf(type: string, props: PropertyBag): ManagedObjectRef | undefined {
  const base = managedObjectTokens.match(type);
  if (!base) return undefined;
  const { kind, path, id } = MANAGED_OBJECT_NAME[base];
  const raw = readString(props, path);
  const name = id && typeof raw === "string" ? (/\/loadBalancers\/([^/]+)/i.exec(raw)?.[1] ?? Invalid) : raw;
  return {
    kind,
    name,
    aksManaged: typeof name === "string" && AKS_MANAGED_OBJECT_PATTERNS[kind].test(name),
  };
}

/**
 * The options every rule that detects node resource groups declares, so that the rules read the same
 * configuration the same way (rule-catalog §1.5).
 */
export const NODE_RESOURCE_GROUP_OPTIONS = {
  nodeResourceGroupPattern: {
    type: "string",
    format: "regex",
    default: DEFAULT_NODE_RESOURCE_GROUP_PATTERN,
    description:
      "Resource groups matching this pattern (case-insensitive) are treated as node resource groups.",
  },
  nodeResourceGroups: {
    type: "array",
    items: { type: "string" },
    default: [],
    description: "Further node resource groups (names or ARM ids), e.g. of clusters managed in other stacks.",
  },
} as const satisfies Record<keyof NodeResourceGroupOptions, JsonSchema>;
