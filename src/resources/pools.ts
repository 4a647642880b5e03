/**
 * Node-pool view (rule-catalog §1.4): pools declared inline (azure-native `agentPoolProfiles[]`, classic
 * `defaultNodePool`) or as separate resources (azure-native `AgentPool`, classic
 * `KubernetesClusterNodePool`), in one shape, plus the pool → cluster join that stack checks need.
 */
import type { ResourceInput, StackResource } from "../model/rule";
import {
  Invalid,
  Read,
  Unknown,
  equalsIgnoreCase,
  isRecord,
  readArray,
  readBoolean,
  readNumber,
  readString,
  isUnknown,
  safe,
} from "../model/values";
import type { PropertyBag } from "../model/values";
import { parseManagedClusterId } from "./arm-id";
import type { ClusterRegistry, ClusterView } from "./cluster";
import { T, TokenSet } from "./tokens";

export type PoolSource = "agentPoolProfiles" | "defaultNodePool" | "AgentPool" | "KubernetesClusterNodePool";

export interface PoolView {
  /** URN of the resource that declares the pool (the cluster for inline pools). */
  urn: string;
  /** Pulumi name of that resource. */
  pulumiName: string;
  /** Type token of that resource. */
  type: string;
  source: PoolSource;
  /** Property path of the pool within its resource, for messages: `agentPoolProfiles[1]`, `defaultNodePool`, or "". */
  path: string;
  name: Read<string>;
  /** `System` | `User` | `Gateway`; classic default pools are always System, classic node pools default to User. */
  mode: Read<string>;
  osType: Read<string>;
  count: Read<number>;
  minCount: Read<number>;
  enableAutoScaling: Read<boolean>;
  orchestratorVersion: Read<string>;
  vnetSubnetId: Read<string>;
  podSubnetId: Read<string>;
  /** `powerState.code` (azure-native only). */
  powerState: Read<string>;
  /** `securityProfile.sshAccess` (azure-native only). */
  sshAccess: Read<string>;
  enableNodePublicIP: Read<boolean>;
  /**
   * Output `currentOrchestratorVersion` (azure-native only): the full version a pool runs, which stack checks
   * use when `orchestratorVersion` is not set.
   */
  currentOrchestratorVersion?: Read<string>;
  /**
   * ASG ids the pool's NICs join: azure-native `networkProfile.applicationSecurityGroups`, classic
   * `nodeNetworkProfile.applicationSecurityGroupIds` (NSG rules may name them as source or destination).
   */
  applicationSecurityGroupIds?: Read<readonly unknown[]>;
}

const SEPARATE = new TokenSet([T.agentPool, T.classicNodePool]);
const INLINE = new TokenSet([T.managedCluster, T.classicCluster]);

function nativePool(
  props: unknown,
  base: Omit<PoolView, keyof NativeFields | "mode">,
  mode: Read<string>,
): PoolView {
  return { ...base, ...nativeFields(props), mode };
}

type NativeFields = Omit<PoolView, "urn" | "pulumiName" | "type" | "source" | "path" | "name" | "mode">;

function nativeFields(p: unknown): NativeFields {
  return {
    osType: readString(p, "osType"),
    count: readNumber(p, "count"),
    minCount: readNumber(p, "minCount"),
    enableAutoScaling: readBoolean(p, "enableAutoScaling"),
    orchestratorVersion: readString(p, "orchestratorVersion"),
    vnetSubnetId: readString(p, "vnetSubnetID"),
    podSubnetId: readString(p, "podSubnetID"),
    powerState: readString(p, "powerState.code"),
    sshAccess: readString(p, "securityProfile.sshAccess"),
    enableNodePublicIP: readBoolean(p, "enableNodePublicIP"),
    currentOrchestratorVersion: readString(p, "currentOrchestratorVersion"),
    applicationSecurityGroupIds: readArray(p, "networkProfile.applicationSecurityGroups"),
  };
}

function classicFields(p: unknown): NativeFields {
  return {
    osType: readString(p, "osType"),
    count: readNumber(p, "nodeCount"),
    minCount: readNumber(p, "minCount"),
    enableAutoScaling: readBoolean(p, "autoScalingEnabled"),
    orchestratorVersion: readString(p, "orchestratorVersion"),
    vnetSubnetId: readString(p, "vnetSubnetId"),
    podSubnetId: readString(p, "podSubnetId"),
    powerState: undefined,
    sshAccess: undefined,
    enableNodePublicIP: readBoolean(p, "nodePublicIpEnabled"),
    applicationSecurityGroupIds: readArray(p, "nodeNetworkProfile.applicationSecurityGroupIds"),
  };
}

/**
 * Inline pools of a cluster resource. `Unknown` when the whole pool list is unknown; an empty array when
 * the resource declares none (or is not a cluster type).
 */
export function inlinePools(resource: ResourceInput): PoolView[] | Unknown {
  const base = INLINE.match(resource.type);
  if (!base) return [];
  const head = { urn: resource.urn, pulumiName: resource.name, type: resource.type };
  if (base === T.classicCluster) {
    const pool = resource.props["defaultNodePool"];
    if (readString(resource.props, "defaultNodePool") === Unknown) return Unknown;
    if (!isRecord(pool)) return [];
    return [
      {
        ...head,
        source: "defaultNodePool",
        path: "defaultNodePool",
        name: readString(pool, "name"),
        // The classic provider documents defaultNodePool as the cluster's System-mode pool.
        mode: "System",
        ...classicFields(pool),
        osType: "Linux",
      },
    ];
  }
  const list = readArray(resource.props, "agentPoolProfiles");
  if (list === Unknown) return Unknown;
  if (!Array.isArray(list)) return [];
  // An entry that is itself unknown reads as Unknown in every field; garbage reads as missing.
  return list.map((entry, i) =>
    nativePool(
      entry,
      {
        ...head,
        source: "agentPoolProfiles",
        path: `agentPoolProfiles[${i}]`,
        name: readString(entry, "name"),
      },
      readString(entry, "mode"),
    ),
  );
}

/** A separately declared pool resource, or undefined for other types. */
export function separatePool(
  resource: ResourceInput,
  props: PropertyBag = resource.props,
): PoolView | undefined {
  const base = SEPARATE.match(resource.type);
  if (!base) return undefined;
  const head = { urn: resource.urn, pulumiName: resource.name, type: resource.type, path: "" };
  if (base === T.agentPool) {
    const name = readString(props, "agentPoolName");
    return nativePool(
      props,
      { ...head, source: "AgentPool", name: name === undefined ? readString(props, "name") : name },
      readString(props, "mode"),
    );
  }
  const mode = readString(props, "mode");
  return {
    ...head,
    source: "KubernetesClusterNodePool",
    name: readString(props, "name"),
    // Classic node pools default to User mode.
    mode: mode === undefined ? "User" : mode,
    ...classicFields(props),
  };
}

/** Dependency keys that name a separate pool's cluster (stack checks; §1.4, §1.6). */
const CLUSTER_DEPENDENCY_KEYS = ["resourceName", "kubernetesClusterId"];

/**
 * The cluster a separate pool belongs to, by (resource group, cluster name) for azure-native `AgentPool`,
 * by cluster id for classic node pools, else by property dependency on the cluster's URN.
 */
export function poolCluster(
  pool: StackResource | ResourceInput,
  props: PropertyBag,
  clusters: ClusterRegistry,
): ClusterView | undefined {
  // Indexed lookups (ClusterRegistry.findByName/get): joining thousands of pools stays linear.
  if (SEPARATE.match(pool.type) === T.agentPool) {
    const rg = readString(props, "resourceGroupName");
    const name = readString(props, "resourceName");
    if (typeof rg === "string" && typeof name === "string") {
      const hit = clusters.findByName(rg, name);
      if (hit) return hit;
    }
  } else {
    const id = readString(props, "kubernetesClusterId");
    const parsed = typeof id === "string" ? parseManagedClusterId(id) : undefined;
    if (parsed) {
      const hit = clusters.findByName(parsed.resourceGroup, parsed.name);
      if (hit) return hit;
    }
  }
  const deps = "propertyDependencies" in pool ? pool.propertyDependencies : {};
  for (const key of CLUSTER_DEPENDENCY_KEYS) {
    for (const urn of deps[key] ?? []) {
      const hit = clusters.get(urn);
      if (hit) return hit;
    }
  }
  return undefined;
}

export interface ClusterPools {
  cluster: ClusterView;
  /** Inline and joined separate pools; `Unknown` entries mean the inline pool list itself is unknown. */
  pools: PoolView[];
  inlineUnknown: boolean;
}

/**
 * Groups every pool in the stack by cluster. Separate pools whose cluster is not in the stack are
 * returned in `orphans`. `propsOf` lets stack checks prefer Analyze inputs (outputs lack path parameters).
 */
export function poolsByCluster(
  resources: readonly StackResource[],
  clusters: ClusterRegistry,
  propsOf: (r: StackResource) => PropertyBag = (r) => r.props,
): { clusters: ClusterPools[]; orphans: PoolView[] } {
  const byUrn = new Map<string, ClusterPools>();
  for (const r of resources) {
    if (!INLINE.has(r.type)) continue;
    const cluster = clusters.get(r.urn);
    if (!cluster) continue;
    const inline = inlinePools({ ...r, props: propsOf(r) });
    byUrn.set(r.urn, { cluster, pools: inline === Unknown ? [] : inline, inlineUnknown: inline === Unknown });
  }
  const orphans: PoolView[] = [];
  for (const r of resources) {
    const props = propsOf(r);
    const pool = separatePool(r, props);
    if (!pool) continue;
    const cluster = poolCluster(r, props, clusters);
    const entry = cluster ? byUrn.get(cluster.urn) : undefined;
    if (entry) entry.pools.push(pool);
    else orphans.push(pool);
  }
  return { clusters: [...byUrn.values()], orphans };
}

/** Display name of a pool for messages: its pool name when known, else the Pulumi name. */
export function poolLabel(pool: PoolView): string {
  return typeof pool.name === "string" ? pool.name : pool.pulumiName;
}

/**
 * Whether the cluster of a separate pool that {@link poolCluster} could not join is unknown rather than
 * absent: its resource group, cluster name or cluster id is unknown during preview, so it may belong to any
 * cluster of the stack (a pool joined by dependency never gets here).
 */
export function clusterUnknown(pool: ResourceInput, props: PropertyBag = pool.props): boolean {
  const base = SEPARATE.match(pool.type);
  if (base === T.agentPool) {
    return (
      readString(props, "resourceGroupName") === Unknown || readString(props, "resourceName") === Unknown
    );
  }
  return base === T.classicNodePool && readString(props, "kubernetesClusterId") === Unknown;
}

/** Pool sources that are resources of their own (the resource to change for that pool). */
const SEPARATE_SOURCES: ReadonlySet<PoolSource> = new Set<PoolSource>([
  "AgentPool",
  "KubernetesClusterNodePool",
]);

/**
 * One entry per pool name (case-insensitive). A cluster's outputs list every pool of the cluster, those
 * created as separate `AgentPool` resources included, so a separate resource wins over an inline entry of
 * the same name; otherwise the first entry wins. Pools without a known name are all kept.
 */
export function distinctPools(pools: readonly PoolView[]): PoolView[] {
  const nameOf = (pool: PoolView) => (typeof pool.name === "string" ? pool.name.toLowerCase() : undefined);
  const separate = new Set<string>();
  for (const pool of pools) {
    const name = nameOf(pool);
    if (name !== undefined && SEPARATE_SOURCES.has(pool.source)) separate.add(name);
  }
  const seen = new Set<string>();
  return pools.filter((pool) => {
    const name = nameOf(pool);
    if (name === undefined) return true;
    if (!SEPARATE_SOURCES.has(pool.source) && separate.has(name)) return false;
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

/**
 * Properties for stack checks: the outputs, with the Analyze inputs filling what the outputs lack or leave
 * unknown (azure-native outputs carry no path parameters such as `resourceGroupName` or an AgentPool's
 * `resourceName`). Top-level keys only.
 */
export function outputsWithInputs(
  resource: StackResource,
  inputsOf?: (urn: string) => PropertyBag | undefined,
): PropertyBag {
  const inputs = inputsOf?.(resource.urn);
  if (!inputs) return resource.props;
  const merged: Record<string, unknown> = { ...inputs };
  for (const [key, value] of Object.entries(resource.props)) {
    if (value === undefined || value === null) continue;
    if (isUnknown(value) && inputs[key] !== undefined && inputs[key] !== null) continue;
    merged[key] = value;
  }
  return merged;
}

/**
 * A pool for messages: its pool name when it has the shape of an Azure name (values are printed only after a
 * shape check: secrets reach policies as plaintext), else its property path, else its Pulumi name.
 */
export function poolDisplayName(pool: PoolView): string {
  const name = safe(pool.name, "name");
  if (typeof pool.name === "string" && name === pool.name) return name;
  return pool.path || pool.pulumiName;
}

/** A pool and its cluster for messages: `pool "<pool>" of cluster "<cluster>"`, or `pool "<pool>"` without one. */
export function poolInCluster(pool: PoolView, clusterName: string | undefined): string {
  return `pool "${poolDisplayName(pool)}"${clusterName ? ` of cluster "${clusterName}"` : ""}`;
}

/** Pool modes of azure-native 3.28.0 (`AgentPoolMode`); the classic provider takes System and User. */
const POOL_MODES = ["System", "User", "Gateway"];

/** A pool's mode for messages (`mode=User`, `mode not set`); values that are not a pool mode are not printed. */
export function poolModeText(pool: PoolView): string {
  const mode = pool.mode;
  if (mode === undefined || mode === Invalid) return "mode not set";
  if (mode === Unknown) return "mode=(unknown during preview)";
  return `mode=${POOL_MODES.find((m) => equalsIgnoreCase(m, mode)) ?? "(not shown)"}`;
}

/** A cluster for messages: its Azure name when it has the shape of one, else its Pulumi name. */
export function clusterDisplayName(cluster: ClusterView): string {
  const name = safe(cluster.name, "name");
  return typeof cluster.name === "string" && name === cluster.name ? name : cluster.pulumiName;
}

/** A Kubernetes version as AKS accepts it: `<major>.<minor>` (latest GA patch) or `<major>.<minor>.<patch>`. */
export interface KubernetesVersion {
  major: number;
  minor: number;
  patch?: number;
}

const KUBERNETES_VERSION = /^v?(\d{1,9})\.(\d{1,9})(?:\.(\d{1,9}))?$/;

/** Parses `1.35`, `1.35.2` or `v1.35.2` (cluster `kubernetesVersion`, pool `orchestratorVersion`). */
export function parseKubernetesVersion(text: string): KubernetesVersion | undefined {
  const m = KUBERNETES_VERSION.exec(text);
  if (!m) return undefined;
  const version: KubernetesVersion = { major: Number(m[1]), minor: Number(m[2]) };
  if (m[3] !== undefined) version.patch = Number(m[3]);
  return version;
}

/** Orders two versions by major, then minor (patch levels are not compared). */
export function compareMinor(a: KubernetesVersion, b: KubernetesVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}
