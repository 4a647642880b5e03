/**
 * Cluster view (rule-catalog §1.4): the few facts several rules need about an AKS cluster, read from
 * azure-native `ManagedCluster` or classic `KubernetesCluster`/`AutomaticCluster` properties, inputs or
 * outputs alike. Every field keeps the three-valued distinction (value / Unknown / missing).
 */
import type { ResourceInput } from "../model/rule";
import {
  Invalid,
  Read,
  Unknown,
  at,
  equalsIgnoreCase,
  known,
  readArray,
  readBoolean,
  readString,
} from "../model/values";
import { T, TokenSet } from "./tokens";

export type ClusterKind = "azure-native" | "classic" | "classic-automatic";

export interface ClusterView {
  urn: string;
  /** The Pulumi resource name. */
  pulumiName: string;
  kind: ClusterKind;
  /** The Azure cluster name (`resourceName` input / `name` output; classic `name`). */
  name: Read<string>;
  resourceGroup: Read<string>;
  location: Read<string>;
  /** The explicit `nodeResourceGroup`, if set. */
  nodeResourceGroup: Read<string>;
  /** `nodeResourceGroupProfile.restrictionLevel` (azure-native only). */
  restrictionLevel: Read<string>;
  supportPlan: Read<string>;
  skuName: Read<string>;
  /** Whether an SSH public key is configured (presence only; the key itself is never read). */
  hasSshKey: boolean | Unknown;
  /** `networkProfile.outboundType` as written; missing means the AKS default `loadBalancer`. */
  outboundType?: Read<string>;
  /** azure-native `apiServerAccessProfile.enablePrivateCluster`, classic `privateClusterEnabled`. */
  privateCluster?: Read<boolean>;
  /** `networkProfile.networkPlugin` (`azure`, `kubenet`, `none`). */
  networkPlugin?: Read<string>;
  /** `networkProfile.networkPluginMode` (`overlay`). */
  networkPluginMode?: Read<string>;
  /** `networkProfile.podCidrs`, else `[networkProfile.podCidr]`; the SDK may fill `podCidr` with a default. */
  podCidrs?: Read<readonly unknown[]>;
}

/** Egress and networking facts of a cluster (rule-catalog §1.4 "egress", "private cluster"). */
function networkFields(
  p: unknown,
  privateClusterPath: string,
): Pick<ClusterView, "outboundType" | "privateCluster" | "networkPlugin" | "networkPluginMode" | "podCidrs"> {
  const podCidrs = readArray(p, "networkProfile.podCidrs");
  const podCidr = readString(p, "networkProfile.podCidr");
  return {
    outboundType: readString(p, "networkProfile.outboundType"),
    privateCluster: readBoolean(p, privateClusterPath),
    networkPlugin: readString(p, "networkProfile.networkPlugin"),
    networkPluginMode: readString(p, "networkProfile.networkPluginMode"),
    podCidrs:
      podCidrs !== undefined || podCidr === undefined
        ? podCidrs
        : typeof podCidr === "string"
          ? [podCidr]
          : podCidr,
  };
}

const tokens = new TokenSet([T.managedCluster, T.classicCluster, T.classicAutomaticCluster]);

export function isClusterType(type: string): boolean {
  return tokens.has(type);
}

export function clusterView(resource: ResourceInput): ClusterView | undefined {
  const base = tokens.match(resource.type);
  if (!base) return undefined;
  const p = resource.props;
  const providerLocation = resource.provider ? readString(resource.provider.props, "location") : undefined;
  const location = readString(p, "location");
  const common: Pick<
    ClusterView,
    "urn" | "pulumiName" | "resourceGroup" | "location" | "nodeResourceGroup" | "supportPlan"
  > = {
    urn: resource.urn,
    pulumiName: resource.name,
    resourceGroup: readString(p, "resourceGroupName"),
    location: location === undefined ? providerLocation : location,
    nodeResourceGroup: readString(p, "nodeResourceGroup"),
    supportPlan: readString(p, "supportPlan"),
  };
  if (base === T.managedCluster) {
    const name = readString(p, "resourceName");
    const keys = readArray(p, "linuxProfile.ssh.publicKeys");
    return {
      ...common,
      kind: "azure-native",
      // Inputs carry `resourceName`; outputs carry `name` (path parameters are not outputs).
      name: name === undefined ? readString(p, "name") : name,
      restrictionLevel: readString(p, "nodeResourceGroupProfile.restrictionLevel"),
      skuName: readString(p, "sku.name"),
      hasSshKey: keys === Unknown ? Unknown : known(keys) && keys.length > 0,
      ...networkFields(p, "apiServerAccessProfile.enablePrivateCluster"),
    };
  }
  const linuxProfile = at(p, "linuxProfile");
  return {
    ...common,
    kind: base === T.classicCluster ? "classic" : "classic-automatic",
    name: readString(p, "name"),
    restrictionLevel: undefined,
    // The classic KubernetesCluster has no SKU name (only `skuTier`); AutomaticCluster is its own type.
    skuName: base === T.classicAutomaticCluster ? "Automatic" : undefined,
    hasSshKey: linuxProfile === Unknown ? Unknown : linuxProfile != null,
    ...(base === T.classicCluster ? networkFields(p, "privateClusterEnabled") : {}),
  };
}

/**
 * AKS Automatic clusters (`sku.name: Automatic`, classic `AutomaticCluster`): AKS manages their upgrade channels
 * and system pools itself, so the rules about those skip them.
 */
export function isAutomaticCluster(cluster: ClusterView): boolean {
  return (
    cluster.kind === "classic-automatic" ||
    (typeof cluster.skuName === "string" && equalsIgnoreCase(cluster.skuName, "Automatic"))
  );
}

/**
 * The node resource group AKS creates when none is given: `MC_<resourceGroup>_<cluster>_<location>`
 * (AKS FAQ; support policy S33 names the `MC_` prefix), location lower-cased without spaces.
 */
export function defaultNodeResourceGroup(view: ClusterView): string | Unknown | undefined {
  const parts = [view.resourceGroup, view.name, view.location];
  if (parts.some((v) => v === Unknown)) return Unknown;
  if (!parts.every((v): v is string => typeof v === "string" && v.length > 0)) return undefined;
  const [rg, name, location] = parts as string[];
  return `MC_${rg}_${name}_${location.toLowerCase().replace(/\s+/g, "")}`;
}

/** Every node resource group name a cluster is known to use (explicit and/or default), lower-cased. */
export function nodeResourceGroupsOf(view: ClusterView): string[] {
  const out: string[] = [];
  if (typeof view.nodeResourceGroup === "string" && view.nodeResourceGroup) {
    out.push(view.nodeResourceGroup.toLowerCase());
  } else if (view.nodeResourceGroup === undefined || view.nodeResourceGroup === Invalid) {
    const def = defaultNodeResourceGroup(view);
    if (typeof def === "string") out.push(def.toLowerCase());
  }
  return out;
}

/** The name index's key of a cluster: resource group and name, lower-cased. */
function nameKey(c: ClusterView): string | undefined {
  if (typeof c.resourceGroup !== "string" || typeof c.name !== "string") return undefined;
  return `${c.resourceGroup.toLowerCase()}\u0000${c.name.toLowerCase()}`;
}

/**
 * Clusters seen so far. The pack keeps one per process and records every cluster resource it analyses,
 * so a resource check can see clusters registered before it (rule-catalog §1.5); stack checks build a
 * fresh one from the whole stack.
 */
export class ClusterRegistry {
  private readonly byUrn = new Map<string, ClusterView>();
  private nodeRgIndex: Map<string, ClusterView> | undefined;
  /** Resource groups the program declares, lower-cased name → declaring resource (rule-catalog §2.9). */
  private readonly declaredGroups = new Map<string, { urn: string; pulumiName: string }>();

  recordResourceGroup(name: string, urn: string, pulumiName: string): void {
    this.declaredGroups.set(name.toLowerCase(), { urn, pulumiName });
  }

  /** The resource that declares resource group `name` (case-insensitive), if one was seen. */
  declaredResourceGroup(name: string): { urn: string; pulumiName: string } | undefined {
    return this.declaredGroups.get(name.toLowerCase());
  }

  record(view: ClusterView): void {
    const replaced = this.byUrn.has(view.urn);
    this.byUrn.set(view.urn, view);
    if (replaced) {
      // A replaced view keeps its place in the map: rebuild the indexes on the next lookup.
      this.nodeRgIndex = undefined;
      this.nameIndex = undefined;
      return;
    }
    // A new view comes last, so updating built indexes in place gives what a rebuild would (first recorded wins
    // a name, last recorded a node resource group); rebuilding after every new cluster was quadratic in Analyze.
    const key = nameKey(view);
    if (this.nameIndex && key !== undefined && !this.nameIndex.has(key)) this.nameIndex.set(key, view);
    if (this.nodeRgIndex) {
      for (const rg of nodeResourceGroupsOf(view)) this.nodeRgIndex.set(rg, view);
    }
  }

  private nameIndex: Map<string, ClusterView> | undefined;

  /** The cluster with this URN, if recorded. */
  get(urn: string): ClusterView | undefined {
    return this.byUrn.get(urn);
  }

  /**
   * The first recorded cluster named `name` in resource group `resourceGroup`, compared as
   * {@link equalsIgnoreCase} does; indexed, so joining many pools stays linear.
   */
  findByName(resourceGroup: string, name: string): ClusterView | undefined {
    if (!this.nameIndex) {
      this.nameIndex = new Map();
      for (const c of this.byUrn.values()) {
        const key = nameKey(c);
        if (key !== undefined && !this.nameIndex.has(key)) this.nameIndex.set(key, c);
      }
    }
    const hit = this.nameIndex.get(`${resourceGroup.toLowerCase()}\u0000${name.toLowerCase()}`);
    if (hit || /^[\x20-\x7e]*$/.test(resourceGroup + name)) return hit;
    // Non-ASCII names: locale-aware comparison may equate what lower-casing does not.
    return this.clusters().find(
      (c) =>
        typeof c.resourceGroup === "string" &&
        typeof c.name === "string" &&
        equalsIgnoreCase(c.resourceGroup, resourceGroup) &&
        equalsIgnoreCase(c.name, name),
    );
  }

  /**
   * Adds what the inputs of a cluster say where its outputs are silent: azure-native outputs do not carry
   * path parameters (`resourceGroupName`, `resourceName`), so stack checks fill them from Analyze inputs.
   */
  mergeInputs(inputs: ClusterView): void {
    const outputs = this.byUrn.get(inputs.urn);
    if (!outputs) {
      this.record(inputs);
      return;
    }
    const pick = <
      K extends
        | "name"
        | "resourceGroup"
        | "location"
        | "nodeResourceGroup"
        | "restrictionLevel"
        | "supportPlan"
        | "skuName",
    >(
      key: K,
    ): ClusterView[K] => (typeof outputs[key] === "string" ? outputs[key] : inputs[key]);
    const pickKnown = <
      K extends "outboundType" | "privateCluster" | "networkPlugin" | "networkPluginMode" | "podCidrs",
    >(
      key: K,
    ): ClusterView[K] => (known(outputs[key] as Read<unknown>) ? outputs[key] : inputs[key]);
    this.record({
      ...outputs,
      name: pick("name"),
      resourceGroup: pick("resourceGroup"),
      location: pick("location"),
      nodeResourceGroup: pick("nodeResourceGroup"),
      restrictionLevel: pick("restrictionLevel"),
      supportPlan: pick("supportPlan"),
      skuName: pick("skuName"),
      outboundType: pickKnown("outboundType"),
      privateCluster: pickKnown("privateCluster"),
      networkPlugin: pickKnown("networkPlugin"),
      networkPluginMode: pickKnown("networkPluginMode"),
      podCidrs: pickKnown("podCidrs"),
      hasSshKey: outputs.hasSshKey === true || inputs.hasSshKey === true ? true : outputs.hasSshKey,
    });
  }

  clusters(): ClusterView[] {
    return [...this.byUrn.values()];
  }

  /** The cluster whose node resource group is `name` (case-insensitive), if any. */
  clusterForNodeResourceGroup(name: string): ClusterView | undefined {
    if (!this.nodeRgIndex) {
      this.nodeRgIndex = new Map();
      for (const view of this.byUrn.values()) {
        for (const rg of nodeResourceGroupsOf(view)) this.nodeRgIndex.set(rg, view);
      }
    }
    return this.nodeRgIndex.get(name.toLowerCase());
  }

  static fromResources(resources: readonly ResourceInput[]): ClusterRegistry {
    const registry = new ClusterRegistry();
    for (const r of resources) {
      const view = clusterView(r);
      if (view) registry.record(view);
    }
    return registry;
  }
}
