/**
 * The address endpoints of an AKS cluster as NSGs and firewalls see them: each AKS subnet (nodes, or pods
 * with a pod subnet) and the overlay/kubenet pod CIDRs, with their membership in the `VirtualNetwork` and
 * `Internet` tags and in the pools' application security groups.
 */
import { IpRange, parseCidr } from "./cidr";
import { endpointRange, vnetCoverage } from "./egress-flows";
import type { AksSubnet, SubnetNode } from "./network";
import { subnetLabel } from "./network";
import type { AddressEndpoint, Certainty, Coverage, EndpointRange } from "./nsg-evaluator";
import type { PoolView } from "./pools";
import { Invalid, Unknown, equalsIgnoreCase, isUnknown, safe } from "../model/values";

/** A subnet's address ranges: Unknown while a prefix is unknown, Invalid when one does not parse. */
export function subnetRanges(subnet: SubnetNode): IpRange[] | Unknown | Invalid {
  const prefixes = subnet.addressPrefixes;
  if (prefixes === Unknown) return Unknown;
  if (!Array.isArray(prefixes)) return Invalid;
  const out: IpRange[] = [];
  for (const p of prefixes) {
    if (isUnknown(p)) return Unknown;
    const range = typeof p === "string" ? parseCidr(p) : undefined;
    if (!range) return Invalid;
    out.push(range);
  }
  return out.length ? out : Invalid;
}

/** `"aks" (10.0.0.0/22)`: the subnet's name and prefixes, shape-checked. */
export function subnetText(subnet: SubnetNode): string {
  const prefixes = subnet.addressPrefixes;
  const cidrs =
    prefixes === Unknown
      ? safe(Unknown, "cidr")
      : Array.isArray(prefixes)
        ? prefixes.map((p) => safe(isUnknown(p) ? Unknown : p, "cidr")).join(", ")
        : "(not shown)";
  return `${subnetLabel(subnet)} (${cidrs})`;
}

/**
 * ASG membership of the NICs of the pools on a subnet: `full` when every pool joins the ASG, `partial` when
 * some do; `uncertain` when only pools that may be on the subnet do; Unknown when a pool's list is unknown.
 */
export function asgMembership(
  pools: readonly PoolView[],
  maybePools: readonly PoolView[] = [],
): Map<string, Coverage> | Unknown {
  const idsOf = (pool: PoolView): Set<string> | Unknown => {
    const list = pool.applicationSecurityGroupIds;
    if (list === Unknown) return Unknown;
    const ids = new Set<string>();
    if (Array.isArray(list)) {
      for (const id of list) {
        if (isUnknown(id)) return Unknown;
        if (typeof id === "string") ids.add(id.toLowerCase());
      }
    }
    return ids;
  };
  const certain: Array<Set<string>> = [];
  for (const pool of pools) {
    const ids = idsOf(pool);
    if (ids === Unknown) return Unknown;
    certain.push(ids);
  }
  const out = new Map<string, Coverage>();
  for (const ids of certain) {
    for (const id of ids) {
      if (out.has(id)) continue;
      out.set(id, certain.every((s) => s.has(id)) ? "full" : "partial");
    }
  }
  const maybe: Array<Set<string>> = [];
  for (const pool of maybePools) {
    const ids = idsOf(pool);
    if (ids === Unknown) return Unknown;
    maybe.push(ids);
    for (const id of ids) if (out.get(id) !== "full") out.set(id, "uncertain");
  }
  // A pool that may be on the subnet without the ASG makes "every pool" uncertain.
  for (const [id, coverage] of out) {
    if (coverage === "full" && maybe.some((ids) => !ids.has(id))) out.set(id, "uncertain");
  }
  return out;
}

/** The subnet as the source of egress flows: its prefixes, always inside the VNet. */
export function subnetEndpoint(use: AksSubnet): AddressEndpoint {
  const ranges = subnetRanges(use.subnet);
  return {
    kind: "addresses",
    ranges: Array.isArray(ranges) ? ranges.map((r) => endpointRange(r, "full")) : Unknown,
    virtualNetworkIfUnknown: "full",
    asgs: asgMembership(use.pools, use.maybePools),
  };
}

export type RangeClass = "NODE" | "POD" | "NODE/POD";

export interface ClusterRange {
  label: RangeClass;
  /** For messages: `subnet "aks" (10.0.0.0/22)` or `pod CIDR 10.244.0.0/16`. */
  text: string;
  endpoint: AddressEndpoint;
  /** The AKS subnet the range belongs to; undefined for overlay/kubenet pod CIDRs. */
  use?: AksSubnet;
  /** Unknown when whether the range is a pod range at all is unknown (plugin mode unknown). */
  certainty: Certainty;
}

/**
 * Overlay/kubenet pod CIDRs of a cluster: counted only when `networkPluginMode` is `overlay` or
 * `networkPlugin` is `kubenet` (the azure-native SDK fills a default `podCidr` whenever `networkProfile` is
 * set, which means nothing for other modes).
 */
export function overlayPodRanges(
  use: AksSubnet,
  addressSpace: Parameters<typeof vnetCoverage>[1],
): ClusterRange[] {
  const c = use.cluster;
  if (!c) return [];
  const mode = c.networkPluginMode;
  const plugin = c.networkPlugin;
  const overlay =
    (typeof mode === "string" && equalsIgnoreCase(mode, "overlay")) ||
    (typeof plugin === "string" && equalsIgnoreCase(plugin, "kubenet"));
  const maybe = !overlay && (mode === Unknown || plugin === Unknown);
  if (!overlay && !maybe) return [];
  const certainty: Certainty = overlay ? "definite" : "unknown";
  const cidrs = c.podCidrs;
  if (cidrs === Unknown) {
    return [
      {
        label: "POD",
        text: `pod CIDR ${safe(Unknown, "cidr")}`,
        endpoint: { kind: "addresses", ranges: Unknown, virtualNetworkIfUnknown: "unknown", asgs: new Map() },
        certainty,
      },
    ];
  }
  if (!Array.isArray(cidrs)) return [];
  const out: ClusterRange[] = [];
  for (const cidr of cidrs) {
    const range = typeof cidr === "string" ? parseCidr(cidr) : undefined;
    if (!range) continue;
    out.push({
      label: "POD",
      text: `pod CIDR ${safe(cidr, "cidr")}`,
      endpoint: {
        kind: "addresses",
        ranges: [endpointRange(range, vnetCoverage(range, addressSpace))],
        virtualNetworkIfUnknown: "unknown",
        asgs: new Map(),
      },
      certainty,
    });
  }
  return out;
}

/** One range per AKS subnet of the cluster (labelled by role) plus the overlay pod CIDRs. */
export function subnetClusterRange(use: AksSubnet): ClusterRange {
  const label: RangeClass =
    use.roles.has("node") && use.roles.has("pod") ? "NODE/POD" : use.roles.has("pod") ? "POD" : "NODE";
  const endpoint = subnetEndpoint(use);
  if (!use.roles.has("node")) endpoint.asgs = new Map();
  return { label, text: `subnet ${subnetText(use.subnet)}`, endpoint, use, certainty: "definite" };
}

/** Merges a coverage of the same ASG from several endpoints: `full` only if every endpoint is fully covered. */
function mergeAsgs(endpoints: readonly AddressEndpoint[]): AddressEndpoint["asgs"] {
  const maps: Array<Map<string, Coverage>> = [];
  for (const e of endpoints) {
    if (e.asgs === Unknown) return Unknown;
    maps.push(e.asgs as Map<string, Coverage>);
  }
  const out = new Map<string, Coverage>();
  for (const m of maps) {
    for (const [id, coverage] of m) {
      if (out.has(id)) continue;
      const all = maps.map((x) => x.get(id) ?? "none");
      out.set(
        id,
        all.every((c) => c === "full")
          ? "full"
          : all.includes("uncertain") || all.includes("unknown")
            ? "uncertain"
            : coverage === "none" && all.every((c) => c === "none")
              ? "none"
              : "partial",
      );
    }
  }
  return out;
}

/**
 * One range class of a cluster (all its node subnets, all its pod subnets, its overlay pod CIDRs) as a single
 * multi-range endpoint, so the flow classes of a subnet stay a fixed handful however many subnets the
 * cluster has.
 */
export function mergeClusterRanges(
  label: RangeClass,
  ranges: readonly ClusterRange[],
): ClusterRange | undefined {
  if (!ranges.length) return undefined;
  if (ranges.length === 1) return { ...ranges[0], label };
  const endpoints = ranges.map((r) => r.endpoint);
  const known = endpoints.every((e) => e.ranges !== Unknown);
  const shown = ranges.slice(0, 4).map((r) => r.text);
  const more = ranges.length > 4 ? ` and ${ranges.length - 4} more` : "";
  return {
    label,
    text: `${shown.join(", ")}${more}`,
    endpoint: {
      kind: "addresses",
      ranges: known ? endpoints.flatMap((e) => e.ranges as EndpointRange[]) : Unknown,
      virtualNetworkIfUnknown: endpoints.every((e) => e.virtualNetworkIfUnknown === "full")
        ? "full"
        : "unknown",
      asgs: mergeAsgs(endpoints),
    },
    certainty: ranges.some((r) => r.certainty === "unknown") ? "unknown" : "definite",
  };
}

/** `a; b; c and 4 more`: a list for messages, capped so that a stack of thousands stays readable. */
export function joinCapped(items: Iterable<string>, separator = "; ", max = 5): string {
  const all = [...items];
  const shown = all.slice(0, max).join(separator);
  return all.length > max ? `${shown} and ${all.length - max} more` : shown;
}
