/**
 * The stack's network graph (rule-catalog §1.6): subnets, NSGs and their rules, route tables and their
 * routes, Azure Firewalls with their policies, rule collection groups and IP groups — azure-native and
 * classic, inline and separate — and which subnets AKS uses.
 *
 * Stack checks see outputs, which lack azure-native path parameters (`networkSecurityGroupName`,
 * `routeTableName`, ...), and in preview the ids of new resources are unknown. Every join therefore tries,
 * in order (§1.6): literal ARM ids/names, output ids, then `propertyDependencies` as the engine sends them
 * (the input key that references the parent lists the parent's URN). A join through a dependency on a
 * specific resource is proven; one that only narrows to "some subnet of this VNet" is `possible`, and
 * findings resting on it are advisory.
 *
 * Everything is indexed by key (URN, ARM-id path), so building the graph is linear in the resources.
 */
import type { CheckContext, StackResource } from "../model/rule";
import {
  Invalid,
  Read,
  Unknown,
  isRecord,
  isUnknown,
  readArray,
  readNumber,
  readRecord,
  readString,
} from "../model/values";
import type { PropertyBag } from "../model/values";
import type { ClusterRegistry, ClusterView } from "./cluster";
import type { SecurityRuleInput } from "./nsg-evaluator";
import { PoolView, poolsByCluster } from "./pools";
import { T, TokenSet } from "./tokens";

/** Type tokens of the network resources (base forms; versioned azure-native tokens match too). */
export const NET = {
  resourceGroup: T.resourceGroup,
  classicResourceGroup: T.classicResourceGroup,
  virtualNetwork: "azure-native:network:VirtualNetwork",
  subnet: "azure-native:network:Subnet",
  networkSecurityGroup: "azure-native:network:NetworkSecurityGroup",
  securityRule: "azure-native:network:SecurityRule",
  routeTable: "azure-native:network:RouteTable",
  route: "azure-native:network:Route",
  azureFirewall: "azure-native:network:AzureFirewall",
  firewallPolicy: "azure-native:network:FirewallPolicy",
  ruleCollectionGroup: "azure-native:network:FirewallPolicyRuleCollectionGroup",
  ipGroup: "azure-native:network:IpGroup",
  classicVirtualNetwork: "azure:network/virtualNetwork:VirtualNetwork",
  classicSubnet: "azure:network/subnet:Subnet",
  classicNsg: "azure:network/networkSecurityGroup:NetworkSecurityGroup",
  classicSecurityRule: "azure:network/networkSecurityRule:NetworkSecurityRule",
  classicNsgAssociation:
    "azure:network/subnetNetworkSecurityGroupAssociation:SubnetNetworkSecurityGroupAssociation",
  classicRouteTable: "azure:network/routeTable:RouteTable",
  classicRoute: "azure:network/route:Route",
  classicRouteTableAssociation: "azure:network/subnetRouteTableAssociation:SubnetRouteTableAssociation",
  classicFirewall: "azure:network/firewall:Firewall",
  classicApplicationRuleCollection:
    "azure:network/firewallApplicationRuleCollection:FirewallApplicationRuleCollection",
  classicNetworkRuleCollection: "azure:network/firewallNetworkRuleCollection:FirewallNetworkRuleCollection",
  classicFirewallPolicy: "azure:network/firewallPolicy:FirewallPolicy",
  classicRuleCollectionGroup:
    "azure:network/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup",
  classicIpGroup: "azure:network/iPGroup:IPGroup",
  classicIpGroupCidr: "azure:network/iPGroupCIDR:IPGroupCIDR",
} as const;

const CLUSTER_AND_POOL_TYPES = [T.managedCluster, T.agentPool, T.classicCluster, T.classicNodePool];

/** What the NSG rules read (rule-catalog §2.11, §2.14). */
export const NSG_RULE_TYPES: readonly string[] = [
  ...CLUSTER_AND_POOL_TYPES,
  NET.resourceGroup,
  NET.classicResourceGroup,
  NET.virtualNetwork,
  NET.subnet,
  NET.networkSecurityGroup,
  NET.securityRule,
  NET.classicVirtualNetwork,
  NET.classicSubnet,
  NET.classicNsg,
  NET.classicSecurityRule,
  NET.classicNsgAssociation,
];

/** What the route-table rule reads (rule-catalog §2.13). */
export const ROUTE_RULE_TYPES: readonly string[] = [
  ...CLUSTER_AND_POOL_TYPES,
  NET.resourceGroup,
  NET.classicResourceGroup,
  NET.virtualNetwork,
  NET.subnet,
  NET.routeTable,
  NET.route,
  NET.classicVirtualNetwork,
  NET.classicSubnet,
  NET.classicRouteTable,
  NET.classicRoute,
  NET.classicRouteTableAssociation,
];

/** What the firewall rule reads (rule-catalog §2.12). */
export const FIREWALL_RULE_TYPES: readonly string[] = [
  ...ROUTE_RULE_TYPES,
  NET.azureFirewall,
  NET.firewallPolicy,
  NET.ruleCollectionGroup,
  NET.ipGroup,
  NET.classicFirewall,
  NET.classicApplicationRuleCollection,
  NET.classicNetworkRuleCollection,
  NET.classicFirewallPolicy,
  NET.classicRuleCollectionGroup,
  NET.classicIpGroup,
  NET.classicIpGroupCidr,
];

const TOKENS = new TokenSet(Object.values(NET));

// ---------------------------------------------------------------------------------------------------------
// ARM ids

const ARM_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/[^/]+\/(.+?)\/?$/i;

/** `rg/type/name[/type/name...]`, lower-cased: the part of an ARM id that identifies a resource in a stack. */
export function armKey(id: string): string | undefined {
  const m = ARM_ID.exec(id);
  return m ? `${m[1]}/${m[2]}`.toLowerCase() : undefined;
}

function keyFrom(resourceGroup: Read<string>, ...parts: Array<Read<string>>): string | undefined {
  const all = [resourceGroup, ...parts];
  if (!all.every((p): p is string => typeof p === "string" && p.length > 0)) return undefined;
  return all.join("/").toLowerCase();
}

/** The parent key of a child key (`rg/networksecuritygroups/n/securityrules/r` → `rg/networksecuritygroups/n`). */
function parentKey(key: string | undefined): string | undefined {
  if (!key) return undefined;
  const parts = key.split("/");
  return parts.length >= 5 ? parts.slice(0, -2).join("/") : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Nodes

/** The resource that declares something, and so the one to change. */
export interface Owner {
  urn: string;
  type: string;
  pulumiName: string;
}

export type Proof = "proven" | "possible";

/**
 * A reference resolved to nodes of the graph. `status`: `none` — nothing referenced; `linked` — see
 * `targets`; `unknown` — a reference exists but neither its value nor a dependency identifies it;
 * `outside` — a known id of a resource this stack does not declare.
 */
export interface Link<N> {
  status: "none" | "linked" | "unknown" | "outside";
  targets: Array<{ node: N; proof: Proof }>;
}

export interface VnetNode extends Owner {
  kind: "vnet";
  name: Read<string>;
  resourceGroup: Read<string>;
  key?: string;
  /** Address prefixes of the VNet (`addressSpace.addressPrefixes`, classic `addressSpaces`). */
  addressSpace: Read<readonly unknown[]>;
  /** Custom DNS servers (`dhcpOptions.dnsServers`, classic `dnsServers`). */
  dnsServers: Read<readonly unknown[]>;
  subnets: SubnetNode[];
}

export interface SubnetNode extends Owner {
  kind: "subnet";
  /** `subnets[i]` for a subnet declared inline in a VNet, else "". */
  path: string;
  name: Read<string>;
  resourceGroup: Read<string>;
  vnetName: Read<string>;
  key?: string;
  /** `addressPrefix` and `addressPrefixes` together; Unknown when either is. */
  addressPrefixes: Read<readonly unknown[]>;
  vnet?: VnetNode;
  nsg: Link<NsgNode>;
  routeTable: Link<RouteTableNode>;
}

export interface NsgRuleView extends SecurityRuleInput {
  /** The resource to change: the separate rule resource, else the NSG declaring it inline. */
  owner: Owner;
  /** `securityRules[i]` for inline rules, else "". */
  path: string;
}

export interface NsgNode extends Owner {
  kind: "nsg";
  name: Read<string>;
  resourceGroup: Read<string>;
  key?: string;
  /** Custom rules, inline ∪ separate, de-duplicated by name (the separate resource wins); Unknown when the inline list is. */
  rules: NsgRuleView[] | Unknown;
  /** Subnets this NSG is associated with. */
  subnets: Array<{ node: SubnetNode; proof: Proof }>;
}

export interface RouteView {
  owner: Owner;
  path: string;
  name: Read<string>;
  addressPrefix: Read<string>;
  nextHopType: Read<string>;
  /** `nextHopIpAddress` (classic `nextHopInIpAddress`). */
  nextHopIp: Read<string>;
  /** URNs the next hop (or, for inline routes, the route list) depends on, e.g. the firewall. */
  dependencyUrns: readonly string[];
}

export interface RouteTableNode extends Owner {
  kind: "routeTable";
  name: Read<string>;
  resourceGroup: Read<string>;
  key?: string;
  routes: RouteView[] | Unknown;
}

export interface FirewallNetworkRule {
  kind: "network";
  name: Read<string>;
  protocols: Read<readonly unknown[]>;
  sourceAddresses: Read<readonly unknown[]>;
  sourceIpGroups: Read<readonly unknown[]>;
  destinationAddresses: Read<readonly unknown[]>;
  destinationFqdns: Read<readonly unknown[]>;
  destinationIpGroups: Read<readonly unknown[]>;
  destinationPorts: Read<readonly unknown[]>;
}

export interface FirewallApplicationRule {
  kind: "application";
  name: Read<string>;
  /** Entries `{ type, port }` (azure-native `protocolType`, classic `type`). */
  protocols: Read<ReadonlyArray<{ type: Read<string>; port: Read<number> } | Unknown | Invalid>>;
  sourceAddresses: Read<readonly unknown[]>;
  sourceIpGroups: Read<readonly unknown[]>;
  fqdnTags: Read<readonly unknown[]>;
  targetFqdns: Read<readonly unknown[]>;
  targetUrls: Read<readonly unknown[]>;
  webCategories: Read<readonly unknown[]>;
}

/** A rule entry whose type is unknown or that is neither a network nor an application rule. */
export interface FirewallOtherRule {
  kind: "unknown" | "other";
  name: Read<string>;
}

export type FirewallRuleView = FirewallNetworkRule | FirewallApplicationRule | FirewallOtherRule;

export interface FirewallRuleCollection {
  owner: Owner;
  /** e.g. `ruleCollections[1]`, `networkRuleCollections[0]`, or "" for a separate classic collection. */
  path: string;
  name: Read<string>;
  /** `nat` collections are not evaluated for egress. */
  kind: "filter" | "nat" | "unknown";
  /** The rule collection group's priority (policies only). */
  groupPriority?: Read<number>;
  priority: Read<number>;
  action: Read<string>;
  rules: FirewallRuleView[] | Unknown | Invalid;
  /** IP group URNs the collection list depends on (to resolve unknown `sourceIpGroups`). */
  ipGroupUrns: readonly string[];
}

export interface RuleCollectionGroupNode extends Owner {
  kind: "ruleCollectionGroup";
  priority: Read<number>;
  /** The group's collections; Unknown when its collection list is. */
  collections: FirewallRuleCollection[] | Unknown;
}

export interface FirewallPolicyNode extends Owner {
  kind: "firewallPolicy";
  name: Read<string>;
  resourceGroup: Read<string>;
  key?: string;
  base: Link<FirewallPolicyNode>;
  groups: RuleCollectionGroupNode[];
}

export interface FirewallNode extends Owner {
  kind: "firewall";
  name: Read<string>;
  resourceGroup: Read<string>;
  key?: string;
  /** Private IPs (outputs): `ipConfigurations[].privateIPAddress` (classic `privateIpAddress`), hub IPs. */
  privateIps: Array<Read<string>>;
  policy: Link<FirewallPolicyNode>;
  /** Classic (non-policy) rule collections: inline (azure-native) and separate (classic). */
  collections: FirewallRuleCollection[];
}

export interface IpGroupNode extends Owner {
  kind: "ipGroup";
  key?: string;
  /** Addresses (`ipAddresses`, classic `cidrs` plus `IPGroupCIDR` resources); Unknown when any is. */
  addresses: Array<Read<string>> | Unknown;
}

type AnyNode =
  | VnetNode
  | SubnetNode
  | NsgNode
  | RouteTableNode
  | FirewallNode
  | FirewallPolicyNode
  | IpGroupNode
  | { kind: "resourceGroup"; name: Read<string> };

// ---------------------------------------------------------------------------------------------------------
// Reading helpers

/** Outputs overlaid with the Analyze inputs that are known (outputs lack azure-native path parameters). */
export function mergedProps(
  resource: StackResource,
  inputsOf?: (urn: string) => PropertyBag | undefined,
): PropertyBag {
  const inputs = inputsOf?.(resource.urn);
  if (!inputs) return resource.props;
  const out: Record<string, unknown> = { ...resource.props };
  for (const [k, v] of Object.entries(inputs)) if (!isUnknown(v) || out[k] === undefined) out[k] = v;
  return out;
}

function firstDefined<V>(...values: Array<Read<V>>): Read<V> {
  for (const v of values) if (v !== undefined) return v;
  return undefined;
}

/** A list of ids from `[{id}]` entries (azure-native SubResource lists). */
function idList(bag: unknown, path: string): Read<readonly unknown[]> {
  const list = readArray(bag, path);
  if (!Array.isArray(list)) return list;
  return list.map((entry) => {
    if (isUnknown(entry)) return entry;
    const id = readString(entry, "id");
    return id === Unknown ? "04da6b54-80e4-46f7-96ec-b56ff0331ba9" : id;
  });
}

/** `addressPrefix` ∪ `addressPrefixes`. */
function prefixesOf(bag: unknown): Read<readonly unknown[]> {
  const single = readString(bag, "addressPrefix");
  const list = readArray(bag, "addressPrefixes");
  if (single === Unknown || list === Unknown) return Unknown;
  if (single === Invalid || list === Invalid) return Invalid;
  const out: unknown[] = [];
  if (typeof single === "string") out.push(single);
  if (Array.isArray(list)) out.push(...list);
  return single === undefined && list === undefined ? undefined : out;
}

function ownerOf(r: StackResource): Owner {
  return { urn: r.urn, type: r.type, pulumiName: r.name };
}

function deps(r: StackResource, ...keys: string[]): string[] {
  const out: string[] = [];
  for (const k of keys) for (const urn of r.propertyDependencies[k] ?? []) out.push(urn);
  return out;
}

function securityRuleView(entry: unknown, owner: Owner, path: string, classic: boolean): NsgRuleView {
  const asgs = (side: "source" | "destination"): Read<readonly unknown[]> =>
    classic
      ? readArray(entry, `${side}ApplicationSecurityGroupIds`)
      : idList(entry, `${side}ApplicationSecurityGroups`);
  return {
    owner,
    path,
    name: readString(entry, "name"),
    priority: readNumber(entry, "priority"),
    direction: readString(entry, "direction"),
    access: readString(entry, "access"),
    protocol: readString(entry, "protocol"),
    sourceAddressPrefix: readString(entry, "sourceAddressPrefix"),
    sourceAddressPrefixes: readArray(entry, "sourceAddressPrefixes"),
    sourceAsgIds: asgs("source"),
    destinationAddressPrefix: readString(entry, "destinationAddressPrefix"),
    destinationAddressPrefixes: readArray(entry, "destinationAddressPrefixes"),
    destinationAsgIds: asgs("destination"),
    sourcePortRange: readString(entry, "sourcePortRange"),
    sourcePortRanges: readArray(entry, "sourcePortRanges"),
    destinationPortRange: readString(entry, "destinationPortRange"),
    destinationPortRanges: readArray(entry, "destinationPortRanges"),
  };
}

function routeView(entry: unknown, owner: Owner, path: string, dependencyUrns: readonly string[]): RouteView {
  return {
    owner,
    path,
    name: readString(entry, "name"),
    addressPrefix: readString(entry, "addressPrefix"),
    nextHopType: readString(entry, "nextHopType"),
    nextHopIp: firstDefined(readString(entry, "nextHopIpAddress"), readString(entry, "nextHopInIpAddress")),
    dependencyUrns,
  };
}

function applicationProtocols(entry: unknown): FirewallApplicationRule["protocols"] {
  const list = readArray(entry, "protocols");
  if (list === undefined || list === Unknown || list === Invalid) return list;
  return list.map((p) => {
    if (isUnknown(p)) return Unknown;
    if (!isRecord(p)) return Invalid;
    return {
      type: firstDefined(readString(p, "protocolType"), readString(p, "type")),
      port: readNumber(p, "port"),
    };
  });
}

function firewallRuleView(
  entry: unknown,
  defaultKind: "network" | "application" | undefined,
): FirewallRuleView {
  const name = readString(entry, "name");
  const ruleType = readString(entry, "ruleType");
  let kind: FirewallRuleView["kind"] | undefined = defaultKind;
  if (ruleType === Unknown || isUnknown(entry)) kind = "unknown";
  else if (typeof ruleType === "string") {
    const t = ruleType.toLowerCase();
    kind = t === "networkrule" ? "network" : t === "applicationrule" ? "application" : "other";
  }
  if (kind === "network") {
    return {
      kind,
      name,
      protocols: firstDefined(readArray(entry, "ipProtocols"), readArray(entry, "protocols")),
      sourceAddresses: readArray(entry, "sourceAddresses"),
      sourceIpGroups: readArray(entry, "sourceIpGroups"),
      destinationAddresses: readArray(entry, "destinationAddresses"),
      destinationFqdns: readArray(entry, "destinationFqdns"),
      destinationIpGroups: readArray(entry, "destinationIpGroups"),
      destinationPorts: readArray(entry, "destinationPorts"),
    };
  }
  if (kind === "application") {
    return {
      kind,
      name,
      protocols: applicationProtocols(entry),
      sourceAddresses: readArray(entry, "sourceAddresses"),
      sourceIpGroups: readArray(entry, "sourceIpGroups"),
      fqdnTags: firstDefined(readArray(entry, "fqdnTags"), readArray(entry, "destinationFqdnTags")),
      targetFqdns: firstDefined(readArray(entry, "targetFqdns"), readArray(entry, "destinationFqdns")),
      targetUrls: firstDefined(readArray(entry, "targetUrls"), readArray(entry, "destinationUrls")),
      webCategories: readArray(entry, "webCategories"),
    };
  }
  return { kind: kind ?? "unknown", name };
}

function collectionRules(
  entry: unknown,
  defaultKind: "network" | "application" | undefined,
): FirewallRuleCollection["rules"] {
  const rules = readArray(entry, "rules");
  if (rules === Unknown || rules === Invalid) return rules;
  return (rules ?? []).map((r) => firewallRuleView(r, defaultKind));
}

/** `action.type` (azure-native) or `action` (classic). */
function actionOf(entry: unknown): Read<string> {
  const action = readRecord(entry, "action");
  return action === Invalid ? readString(entry, "action") : readString(entry, "action.type");
}

// ---------------------------------------------------------------------------------------------------------
// The graph

export interface NetworkGraph {
  vnets: VnetNode[];
  subnets: SubnetNode[];
  nsgs: NsgNode[];
  routeTables: RouteTableNode[];
  firewalls: FirewallNode[];
  policies: FirewallPolicyNode[];
  /** Resolves a subnet reference (a pool's `vnetSubnetID`, an association's `subnetId`, an option entry). */
  resolveSubnet(value: Read<string>, dependencyUrns: readonly string[]): Link<SubnetNode>;
  /** Resolves an IP group reference of a firewall rule; `candidateUrns` come from the collection's dependencies. */
  resolveIpGroup(value: unknown, candidateUrns: readonly string[]): IpGroupNode[] | Unknown | undefined;
}

class Builder implements NetworkGraph {
  readonly vnets: VnetNode[] = [];
  subnets: SubnetNode[] = [];
  readonly nsgs: NsgNode[] = [];
  readonly routeTables: RouteTableNode[] = [];
  readonly firewalls: FirewallNode[] = [];
  readonly policies: FirewallPolicyNode[] = [];
  private readonly ipGroups: IpGroupNode[] = [];
  private readonly byUrn = new Map<string, AnyNode>();
  private readonly byKey = new Map<string, AnyNode>();
  private readonly resources: Array<{ r: StackResource; base: string; props: PropertyBag }> = [];
  private readonly separateRules = new Map<NsgNode, NsgRuleView[]>();
  private readonly separateRoutes = new Map<RouteTableNode, RouteView[]>();
  private readonly replacedSubnets = new Set<SubnetNode>();

  constructor(all: readonly StackResource[], inputsOf?: (urn: string) => PropertyBag | undefined) {
    for (const r of all) {
      const base = TOKENS.match(r.type);
      if (base) this.resources.push({ r, base, props: mergedProps(r, inputsOf) });
    }
    // Order matters only between passes: parents before children, names before keys.
    this.pass((r, base, p) => this.resourceGroup(r, base, p), [NET.resourceGroup, NET.classicResourceGroup]);
    this.pass((r, base, p) => this.vnet(r, base, p), [NET.virtualNetwork, NET.classicVirtualNetwork]);
    this.pass((r, base, p) => this.standaloneSubnet(r, base, p), [NET.subnet, NET.classicSubnet]);
    this.pass((r, base, p) => this.nsg(r, base, p), [NET.networkSecurityGroup, NET.classicNsg]);
    this.pass((r, base, p) => this.routeTable(r, base, p), [NET.routeTable, NET.classicRouteTable]);
    this.pass((r, base, p) => this.ipGroup(r, base, p), [NET.ipGroup, NET.classicIpGroup]);
    this.pass((r, base, p) => this.policy(r, base, p), [NET.firewallPolicy, NET.classicFirewallPolicy]);
    this.pass((r, base, p) => this.firewall(r, base, p), [NET.azureFirewall, NET.classicFirewall]);
    this.pass((r, base, p) => this.securityRule(r, base, p), [NET.securityRule, NET.classicSecurityRule]);
    this.pass((r, base, p) => this.route(r, base, p), [NET.route, NET.classicRoute]);
    this.pass((r, _base, p) => this.ipGroupCidr(r, p), [NET.classicIpGroupCidr]);
    this.pass(
      (r, base, p) => this.ruleCollectionGroup(r, base, p),
      [NET.ruleCollectionGroup, NET.classicRuleCollectionGroup],
    );
    this.pass(
      (r, base, p) => this.classicFirewallCollection(r, base, p),
      [NET.classicApplicationRuleCollection, NET.classicNetworkRuleCollection],
    );
    // The parents' outputs also list children created by separate resources: one per name, the resource wins.
    for (const [nsg, separate] of this.separateRules) {
      if (nsg.rules !== Unknown) nsg.rules = withSeparate(nsg.rules, separate);
    }
    for (const [table, separate] of this.separateRoutes) {
      if (table.routes !== Unknown) table.routes = withSeparate(table.routes, separate);
    }
    if (this.replacedSubnets.size) {
      const kept = (x: SubnetNode) => !this.replacedSubnets.has(x);
      this.subnets = this.subnets.filter(kept);
      for (const v of this.vnets) v.subnets = v.subnets.filter(kept);
    }
    for (const p of this.policies) p.base = this.link(p.base as unknown as PendingRef, "firewallPolicy");
    for (const f of this.firewalls) f.policy = this.link(f.policy as unknown as PendingRef, "firewallPolicy");
    // Count unknown sibling references before any subnet's references are resolved.
    for (const v of this.vnets) this.unknownInlineRefs(v, "nsg");
    for (const s of this.subnets) this.linkSubnet(s);
    this.pass(
      (r, base, p) => this.association(r, base, p),
      [NET.classicNsgAssociation, NET.classicRouteTableAssociation],
    );
    for (const s of this.subnets) {
      for (const t of s.nsg.targets) t.node.subnets.push({ node: s, proof: t.proof });
    }
  }

  private pass(
    fn: (r: StackResource, base: string, props: PropertyBag) => void,
    bases: readonly string[],
  ): void {
    const wanted = new Set(bases);
    for (const { r, base, props } of this.resources) if (wanted.has(base)) fn(r, base, props);
  }

  private register(node: AnyNode, urn: string, keys: Array<string | undefined>): void {
    this.byUrn.set(urn, node);
    for (const k of keys) if (k && !this.byKey.has(k)) this.byKey.set(k, node);
  }

  private outputKey(p: PropertyBag): string | undefined {
    const id = readString(p, "id");
    return typeof id === "string" ? armKey(id) : undefined;
  }

  /** A name given literally, else the name of the resource a dependency on `depKey` points at. */
  private nameVia(r: StackResource, literal: Read<string>, depKey: string): Read<string> {
    if (typeof literal === "string") return literal;
    for (const urn of r.propertyDependencies[depKey] ?? []) {
      const node = this.byUrn.get(urn);
      if (node && "name" in node && typeof node.name === "string") return node.name;
    }
    return literal;
  }

  private resourceGroup(r: StackResource, base: string, p: PropertyBag): void {
    const name =
      base === NET.resourceGroup
        ? firstDefined(readString(p, "resourceGroupName"), readString(p, "name"))
        : readString(p, "name");
    this.byUrn.set(r.urn, { kind: "resourceGroup", name });
  }

  private vnet(r: StackResource, base: string, p: PropertyBag): void {
    const classic = base === NET.classicVirtualNetwork;
    const name = classic
      ? readString(p, "name")
      : firstDefined(readString(p, "virtualNetworkName"), readString(p, "name"));
    const resourceGroup = this.nameVia(r, readString(p, "resourceGroupName"), "resourceGroupName");
    const key = keyFrom(resourceGroup, "virtualnetworks", name);
    const node: VnetNode = {
      kind: "vnet",
      ...ownerOf(r),
      name,
      resourceGroup,
      key,
      addressSpace: classic ? readArray(p, "addressSpaces") : readArray(p, "addressSpace.addressPrefixes"),
      dnsServers: classic ? readArray(p, "dnsServers") : readArray(p, "dhcpOptions.dnsServers"),
      subnets: [],
    };
    this.vnets.push(node);
    this.register(node, r.urn, [key, this.outputKey(p)]);
    const inline = readArray(p, "subnets");
    if (!Array.isArray(inline)) return;
    const subnetDeps = deps(r, "subnets");
    inline.forEach((entry, i) => {
      const subnetName = readString(entry, "name");
      const subnet: SubnetNode = {
        kind: "subnet",
        ...ownerOf(r),
        path: `subnets[${i}]`,
        name: subnetName,
        resourceGroup,
        vnetName: name,
        key: keyFrom(resourceGroup, "virtualnetworks", name, "subnets", subnetName),
        addressPrefixes: prefixesOf(entry),
        vnet: node,
        nsg: pending(
          classic ? readString(entry, "securityGroup") : readString(entry, "networkSecurityGroup.id"),
          subnetDeps,
          "inline",
        ),
        routeTable: pending(
          classic ? readString(entry, "routeTableId") : readString(entry, "routeTable.id"),
          subnetDeps,
          "inline",
        ),
      };
      node.subnets.push(subnet);
      this.subnets.push(subnet);
      const id = readString(entry, "id");
      this.register(subnet, `${r.urn}#${subnet.path}`, [
        subnet.key,
        typeof id === "string" ? armKey(id) : undefined,
      ]);
    });
  }

  private standaloneSubnet(r: StackResource, base: string, p: PropertyBag): void {
    const classic = base === NET.classicSubnet;
    const vnetUrn = (r.propertyDependencies["virtualNetworkName"] ?? []).find(
      (u) => this.byUrn.get(u)?.kind === "vnet",
    );
    const resourceGroup = this.nameVia(r, readString(p, "resourceGroupName"), "resourceGroupName");
    const vnetName = this.nameVia(r, readString(p, "virtualNetworkName"), "virtualNetworkName");
    const name = classic
      ? readString(p, "name")
      : firstDefined(readString(p, "subnetName"), readString(p, "name"));
    const key = keyFrom(resourceGroup, "virtualnetworks", vnetName, "subnets", name);
    const vnetKey = keyFrom(resourceGroup, "virtualnetworks", vnetName);
    const vnet = (vnetUrn ? this.byUrn.get(vnetUrn) : vnetKey ? this.byKey.get(vnetKey) : undefined) as
      VnetNode | undefined;
    const subnet: SubnetNode = {
      kind: "subnet",
      ...ownerOf(r),
      path: "",
      name,
      resourceGroup,
      vnetName,
      key,
      addressPrefixes: prefixesOf(p),
      vnet: vnet?.kind === "vnet" ? vnet : undefined,
      // Classic subnets get their NSG and route table from association resources only.
      nsg: classic
        ? { status: "none", targets: [] }
        : pending(readString(p, "networkSecurityGroup.id"), deps(r, "networkSecurityGroup"), "exact"),
      routeTable: classic
        ? { status: "none", targets: [] }
        : pending(readString(p, "routeTable.id"), deps(r, "routeTable"), "exact"),
    };
    // A VNet's outputs also list the subnets created by separate resources: the separate resource wins.
    const twin = key ? this.byKey.get(key) : undefined;
    if (twin?.kind === "subnet" && twin.path !== "") {
      this.byKey.delete(key as string);
      this.replacedSubnets.add(twin);
      subnet.vnet ??= twin.vnet;
    }
    subnet.vnet?.subnets.push(subnet);
    this.subnets.push(subnet);
    this.register(subnet, r.urn, [key, this.outputKey(p)]);
  }

  private nsg(r: StackResource, base: string, p: PropertyBag): void {
    const classic = base === NET.classicNsg;
    const name = classic
      ? readString(p, "name")
      : firstDefined(readString(p, "networkSecurityGroupName"), readString(p, "name"));
    const resourceGroup = this.nameVia(r, readString(p, "resourceGroupName"), "resourceGroupName");
    const key = keyFrom(resourceGroup, "networksecuritygroups", name);
    const list = readArray(p, "securityRules");
    const owner = ownerOf(r);
    const node: NsgNode = {
      kind: "nsg",
      ...owner,
      name,
      resourceGroup,
      key,
      rules:
        list === Unknown
          ? Unknown
          : Array.isArray(list)
            ? list.map((entry, i) => securityRuleView(entry, owner, `securityRules[${i}]`, classic))
            : [],
      subnets: [],
    };
    this.nsgs.push(node);
    this.register(node, r.urn, [key, this.outputKey(p)]);
  }

  private securityRule(r: StackResource, base: string, p: PropertyBag): void {
    const classic = base === NET.classicSecurityRule;
    const parent = this.parentOf<NsgNode>(r, p, "nsg", "networkSecurityGroupName", "networksecuritygroups");
    if (!parent) return;
    const view = securityRuleView(p, ownerOf(r), "", classic);
    const name = classic
      ? readString(p, "name")
      : firstDefined(readString(p, "securityRuleName"), readString(p, "name"));
    view.name = name;
    push(this.separateRules, parent, view);
  }

  private routeTable(r: StackResource, base: string, p: PropertyBag): void {
    const classic = base === NET.classicRouteTable;
    const name = classic
      ? readString(p, "name")
      : firstDefined(readString(p, "routeTableName"), readString(p, "name"));
    const resourceGroup = this.nameVia(r, readString(p, "resourceGroupName"), "resourceGroupName");
    const key = keyFrom(resourceGroup, "routetables", name);
    const list = readArray(p, "routes");
    const owner = ownerOf(r);
    const routeDeps = deps(r, "routes");
    const node: RouteTableNode = {
      kind: "routeTable",
      ...owner,
      name,
      resourceGroup,
      key,
      routes:
        list === Unknown
          ? Unknown
          : Array.isArray(list)
            ? list.map((entry, i) => routeView(entry, owner, `routes[${i}]`, routeDeps))
            : [],
    };
    this.routeTables.push(node);
    this.register(node, r.urn, [key, this.outputKey(p)]);
  }

  private route(r: StackResource, base: string, p: PropertyBag): void {
    const classic = base === NET.classicRoute;
    const parent = this.parentOf<RouteTableNode>(r, p, "routeTable", "routeTableName", "routetables");
    if (!parent) return;
    const view = routeView(p, ownerOf(r), "", deps(r, "nextHopIpAddress", "nextHopInIpAddress"));
    const name = classic
      ? readString(p, "name")
      : firstDefined(readString(p, "routeName"), readString(p, "name"));
    view.name = name;
    push(this.separateRoutes, parent, view);
  }

  /** The parent of a child resource: by (resource group, parent name), by output id, or by dependency. */
  private parentOf<N extends AnyNode>(
    r: StackResource,
    p: PropertyBag,
    kind: N["kind"],
    parentNameKey: string,
    armType: string,
  ): N | undefined {
    const resourceGroup = this.nameVia(r, readString(p, "resourceGroupName"), "resourceGroupName");
    const parentName = readString(p, parentNameKey);
    const candidates = [keyFrom(resourceGroup, armType, parentName), parentKey(this.outputKey(p))];
    for (const k of candidates) {
      const node = k ? this.byKey.get(k) : undefined;
      if (node?.kind === kind) return node as N;
    }
    for (const urn of r.propertyDependencies[parentNameKey] ?? []) {
      const node = this.byUrn.get(urn);
      if (node?.kind === kind) return node as N;
    }
    return undefined;
  }

  private ipGroup(r: StackResource, base: string, p: PropertyBag): void {
    const classic = base === NET.classicIpGroup;
    const name = classic
      ? readString(p, "name")
      : firstDefined(readString(p, "ipGroupsName"), readString(p, "name"));
    const resourceGroup = this.nameVia(r, readString(p, "resourceGroupName"), "resourceGroupName");
    const key = keyFrom(resourceGroup, "ipgroups", name);
    const list = readArray(p, classic ? "cidrs" : "ipAddresses");
    const node: IpGroupNode = {
      kind: "ipGroup",
      ...ownerOf(r),
      key,
      addresses:
        list === Unknown || list === Invalid
          ? Unknown
          : (list ?? []).map((v) => (isUnknown(v) ? Unknown : typeof v === "string" ? v : Invalid)),
    };
    this.ipGroups.push(node);
    this.register(node, r.urn, [key, this.outputKey(p)]);
  }

  private ipGroupCidr(r: StackResource, p: PropertyBag): void {
    const group = this.link(ref(readString(p, "ipGroupId"), deps(r, "ipGroupId"), "exact"), "ipGroup");
    const cidr = readString(p, "cidr");
    for (const { node } of group.targets) {
      if (node.addresses !== Unknown) node.addresses.push(cidr === Unknown ? Unknown : cidr);
    }
  }

  private policy(r: StackResource, base: string, p: PropertyBag): void {
    const classic = base === NET.classicFirewallPolicy;
    const name = classic
      ? readString(p, "name")
      : firstDefined(readString(p, "firewallPolicyName"), readString(p, "name"));
    const resourceGroup = this.nameVia(r, readString(p, "resourceGroupName"), "resourceGroupName");
    const key = keyFrom(resourceGroup, "firewallpolicies", name);
    const node: FirewallPolicyNode = {
      kind: "firewallPolicy",
      ...ownerOf(r),
      name,
      resourceGroup,
      key,
      // Resolved once every policy is registered.
      base: pending(
        classic ? readString(p, "basePolicyId") : readString(p, "basePolicy.id"),
        deps(r, classic ? "basePolicyId" : "basePolicy"),
        "exact",
      ) as unknown as Link<FirewallPolicyNode>,
      groups: [],
    };
    this.policies.push(node);
    this.register(node, r.urn, [key, this.outputKey(p)]);
  }

  private firewall(r: StackResource, base: string, p: PropertyBag): void {
    const classic = base === NET.classicFirewall;
    const name = classic
      ? readString(p, "name")
      : firstDefined(readString(p, "azureFirewallName"), readString(p, "name"));
    const resourceGroup = this.nameVia(r, readString(p, "resourceGroupName"), "resourceGroupName");
    const key = keyFrom(resourceGroup, "azurefirewalls", name);
    const ipField = classic ? "privateIpAddress" : "privateIPAddress";
    const configs = readArray(p, "ipConfigurations");
    const privateIps: Array<Read<string>> = [];
    if (configs === Unknown) privateIps.push(Unknown);
    else if (Array.isArray(configs)) for (const c of configs) privateIps.push(readString(c, ipField));
    const hub = classic
      ? readString(p, "virtualHub.privateIpAddress")
      : readString(p, "hubIPAddresses.privateIPAddress");
    if (hub !== undefined) privateIps.push(hub);
    const owner = ownerOf(r);
    const collections: FirewallRuleCollection[] = [];
    if (!classic) {
      for (const [field, kind] of [
        ["networkRuleCollections", "network"],
        ["applicationRuleCollections", "application"],
      ] as const) {
        const list = readArray(p, field);
        const entries = list === Unknown ? [Unknown] : Array.isArray(list) ? list : [];
        entries.forEach((entry, i) =>
          collections.push({
            owner,
            path: `${field}[${i}]`,
            name: readString(entry, "name"),
            kind: entry === Unknown ? "unknown" : "filter",
            priority: readNumber(entry, "priority"),
            action: actionOf(entry),
            rules: entry === Unknown ? Unknown : collectionRules(entry, kind),
            ipGroupUrns: deps(r, field),
          }),
        );
      }
    }
    const node: FirewallNode = {
      kind: "firewall",
      ...owner,
      name,
      resourceGroup,
      key,
      privateIps,
      policy: pending(
        classic ? readString(p, "firewallPolicyId") : readString(p, "firewallPolicy.id"),
        deps(r, classic ? "firewallPolicyId" : "firewallPolicy"),
        "exact",
      ) as unknown as Link<FirewallPolicyNode>,
      collections,
    };
    this.firewalls.push(node);
    this.register(node, r.urn, [key, this.outputKey(p)]);
  }

  private classicFirewallCollection(r: StackResource, base: string, p: PropertyBag): void {
    const parent = this.parentOf<FirewallNode>(r, p, "firewall", "azureFirewallName", "azurefirewalls");
    if (!parent) return;
    const kind = base === NET.classicNetworkRuleCollection ? "network" : "application";
    parent.collections.push({
      owner: ownerOf(r),
      path: "",
      name: readString(p, "name"),
      kind: "filter",
      priority: readNumber(p, "priority"),
      action: readString(p, "action"),
      rules: collectionRules(p, kind),
      ipGroupUrns: deps(r, "rules"),
    });
  }

  private ruleCollectionGroup(r: StackResource, base: string, p: PropertyBag): void {
    const classic = base === NET.classicRuleCollectionGroup;
    let policy: FirewallPolicyNode | undefined;
    if (classic) {
      const link = this.link(
        ref(readString(p, "firewallPolicyId"), deps(r, "firewallPolicyId"), "exact"),
        "firewallPolicy",
      );
      policy = link.targets[0]?.node;
    } else {
      policy = this.parentOf<FirewallPolicyNode>(
        r,
        p,
        "firewallPolicy",
        "firewallPolicyName",
        "firewallpolicies",
      );
    }
    if (!policy) return;
    const owner = ownerOf(r);
    const groupPriority = readNumber(p, "priority");
    const collections: FirewallRuleCollection[] | Unknown = [];
    const group: RuleCollectionGroupNode = {
      kind: "ruleCollectionGroup",
      ...owner,
      priority: groupPriority,
      collections,
    };
    if (classic) {
      for (const [field, kind] of [
        ["networkRuleCollections", "network"],
        ["applicationRuleCollections", "application"],
      ] as const) {
        const list = readArray(p, field);
        if (list === Unknown) {
          group.collections = Unknown;
          break;
        }
        (Array.isArray(list) ? list : []).forEach((entry, i) =>
          collections.push({
            owner,
            path: `${field}[${i}]`,
            name: readString(entry, "name"),
            kind: isUnknown(entry) ? "unknown" : "filter",
            groupPriority,
            priority: readNumber(entry, "priority"),
            action: actionOf(entry),
            rules: isUnknown(entry) ? Unknown : collectionRules(entry, kind),
            ipGroupUrns: deps(r, field),
          }),
        );
      }
    } else {
      const list = readArray(p, "ruleCollections");
      if (list === Unknown || list === Invalid) group.collections = Unknown;
      else {
        (list ?? []).forEach((entry, i) => {
          const type = readString(entry, "ruleCollectionType");
          collections.push({
            owner,
            path: `ruleCollections[${i}]`,
            name: readString(entry, "name"),
            kind:
              isUnknown(entry) || type === Unknown
                ? "unknown"
                : typeof type === "string" && type.toLowerCase() === "firewallpolicynatrulecollection"
                  ? "nat"
                  : "filter",
            groupPriority,
            priority: readNumber(entry, "priority"),
            action: actionOf(entry),
            rules: isUnknown(entry) ? Unknown : collectionRules(entry, undefined),
            ipGroupUrns: deps(r, "ruleCollections"),
          });
        });
      }
    }
    policy.groups.push(group);
  }

  private association(r: StackResource, base: string, p: PropertyBag): void {
    const subnets = this.resolveSubnet(readString(p, "subnetId"), deps(r, "subnetId"));
    if (base === NET.classicNsgAssociation) {
      const nsg = this.link(
        ref(readString(p, "networkSecurityGroupId"), deps(r, "networkSecurityGroupId"), "exact"),
        "nsg",
      );
      for (const s of subnets.targets) merge(s.node.nsg, nsg, s.proof);
    } else {
      const table = this.link(
        ref(readString(p, "routeTableId"), deps(r, "routeTableId"), "exact"),
        "routeTable",
      );
      for (const s of subnets.targets) merge(s.node.routeTable, table, s.proof);
    }
  }

  private linkSubnet(s: SubnetNode): void {
    const vnet = s.vnet;
    for (const field of ["nsg", "routeTable"] as const) {
      const ref = s[field] as unknown as PendingRef;
      if (ref.pending !== true) continue;
      if (ref.mode === "inline" && ref.value === Unknown && vnet) {
        // Inline subnets share the VNet's `subnets` dependency list: it proves the link only when exactly
        // one inline subnet has an unknown reference of this kind.
        const unknownSiblings = this.unknownInlineRefs(vnet, field);
        ref.mode = unknownSiblings === 1 ? "exact" : "ambiguous";
      }
      (s as unknown as Record<string, unknown>)[field] = this.link(
        ref,
        field === "nsg" ? "nsg" : "routeTable",
      );
    }
  }

  private readonly siblingCounts = new Map<VnetNode, Record<"nsg" | "routeTable", number>>();

  /** How many inline subnets of a VNet have an unknown reference of this kind (counted once per VNet). */
  private unknownInlineRefs(vnet: VnetNode, field: "nsg" | "routeTable"): number {
    let counts = this.siblingCounts.get(vnet);
    if (!counts) {
      counts = { nsg: 0, routeTable: 0 };
      for (const x of vnet.subnets) {
        if (x.path === "") continue;
        for (const f of ["nsg", "routeTable"] as const) {
          if ((x[f] as unknown as PendingRef).value === Unknown) counts[f] += 1;
        }
      }
      this.siblingCounts.set(vnet, counts);
    }
    return counts[field];
  }

  /** Resolves a pending reference to nodes of `kind`. */
  private link<K extends AnyNode["kind"]>(ref: PendingRef, kind: K): Link<Extract<AnyNode, { kind: K }>> {
    type N = Extract<AnyNode, { kind: K }>;
    if (ref.pending !== true) return ref as unknown as Link<N>;
    const viaDeps = (): Link<N> => {
      const nodes = ref.deps.map((u) => this.byUrn.get(u)).filter((n): n is N => n?.kind === kind);
      const unique = [...new Set(nodes)];
      if (!unique.length) return { status: ref.value === undefined ? "none" : "unknown", targets: [] };
      const proof: Proof = ref.mode === "exact" && unique.length === 1 ? "proven" : "possible";
      return { status: "linked", targets: unique.map((node) => ({ node, proof })) };
    };
    if (typeof ref.value === "string") {
      const key = armKey(ref.value);
      const node = key ? this.byKey.get(key) : undefined;
      if (node?.kind === kind) return { status: "linked", targets: [{ node: node as N, proof: "proven" }] };
      const fromDeps = viaDeps();
      return fromDeps.status === "linked" ? fromDeps : { status: "outside", targets: [] };
    }
    if (ref.value === undefined) return { status: "none", targets: [] };
    return viaDeps();
  }

  resolveSubnet(value: Read<string>, dependencyUrns: readonly string[]): Link<SubnetNode> {
    if (typeof value === "string") {
      const key = armKey(value);
      const node = key ? this.byKey.get(key) : undefined;
      if (node?.kind === "subnet") return { status: "linked", targets: [{ node, proof: "proven" }] };
    }
    if (value === undefined) return { status: "none", targets: [] };
    const targets: Link<SubnetNode>["targets"] = [];
    const seen = new Set<SubnetNode>();
    const add = (node: SubnetNode, proof: Proof) => {
      if (seen.has(node)) return;
      seen.add(node);
      targets.push({ node, proof });
    };
    for (const urn of dependencyUrns) {
      const node = this.byUrn.get(urn);
      if (node?.kind === "subnet") add(node, "proven");
      // A dependency on a VNet only says "some subnet of this VNet": proven only when it has one subnet.
      else if (node?.kind === "vnet")
        for (const s of node.subnets) add(s, node.subnets.length === 1 ? "proven" : "possible");
    }
    if (targets.length) return { status: "linked", targets };
    return { status: typeof value === "string" ? "outside" : "unknown", targets: [] };
  }

  resolveIpGroup(value: unknown, candidateUrns: readonly string[]): IpGroupNode[] | Unknown | undefined {
    if (typeof value === "string" && !isUnknown(value)) {
      const key = armKey(value);
      const node = key ? this.byKey.get(key) : undefined;
      return node?.kind === "ipGroup" ? [node] : undefined;
    }
    // Unknown id: it is one of the IP groups the collection list depends on.
    const nodes = candidateUrns
      .map((u) => this.byUrn.get(u))
      .filter((n): n is IpGroupNode => n?.kind === "ipGroup");
    return nodes.length ? [...new Set(nodes)] : Unknown;
  }
}

/** A reference not yet resolved (ids first, dependencies second); see {@link Builder.link}. */
interface PendingRef {
  pending: true;
  value: Read<string>;
  deps: readonly string[];
  /** `exact`: the dependency key names this reference alone; `inline`/`ambiguous`: shared with siblings. */
  mode: "exact" | "inline" | "ambiguous";
}

function ref(value: Read<string>, dependencyUrns: readonly string[], mode: PendingRef["mode"]): PendingRef {
  return { pending: true, value, deps: dependencyUrns, mode };
}

/** A pending reference stored in a node's link field until {@link Builder.link} resolves it. */
function pending<N>(
  value: Read<string>,
  dependencyUrns: readonly string[],
  mode: PendingRef["mode"],
): Link<N> {
  return ref(value, dependencyUrns, mode) as unknown as Link<N>;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Inline entries (`securityRules`, `routes`) minus those a separate resource of the same name replaces. */
function withSeparate<V extends { name: Read<string> }>(inline: readonly V[], separate: readonly V[]): V[] {
  const lower = (v: V) => (typeof v.name === "string" ? v.name.toLowerCase() : undefined);
  const names = new Set(separate.map(lower).filter((n): n is string => n !== undefined));
  return [...inline.filter((v) => !names.has(lower(v) ?? "")), ...separate];
}

/** Adds an association resource's link to a subnet's own link. */
function merge<N>(into: Link<N>, add: Link<N>, proof: Proof): void {
  if (add.status === "linked") {
    for (const t of add.targets) {
      into.targets.push({ node: t.node, proof: proof === "proven" ? t.proof : "possible" });
    }
    into.status = "linked";
  } else if (into.status === "none" && add.status !== "none") {
    into.status = add.status;
  }
}

export function buildNetworkGraph(
  resources: readonly StackResource[],
  inputsOf?: (urn: string) => PropertyBag | undefined,
): NetworkGraph {
  return new Builder(resources, inputsOf);
}

// ---------------------------------------------------------------------------------------------------------
// AKS subnets

export type SubnetRole = "node" | "pod";

export interface AksSubnet {
  subnet: SubnetNode;
  /** Undefined for subnets named only by the `aksSubnetIds` option. */
  cluster?: ClusterView;
  roles: Set<SubnetRole>;
  /** Pools whose nodes are certainly on this subnet (for ASG membership). */
  pools: PoolView[];
  /** Pools that may be on it (the pool → subnet join was ambiguous). */
  maybePools: PoolView[];
  proof: Proof;
}

export interface AksSubnetScan {
  subnets: AksSubnet[];
  /** Clusters with a subnet reference that resolves to nothing in the stack (unknown, or a subnet declared elsewhere). */
  unresolved: Array<{ cluster: ClusterView; status: "unknown" | "outside" }>;
}

const INLINE_DEPENDENCY_KEYS = ["agentPoolProfiles", "defaultNodePool"];
const NODE_SUBNET_KEYS = ["vnetSubnetID", "vnetSubnetId"];
const POD_SUBNET_KEYS = ["podSubnetID", "podSubnetId"];

/**
 * Every (cluster, subnet) pair AKS uses (rule-catalog §1.6): node subnets (`vnetSubnetID`) ∪ pod subnets
 * (`podSubnetID`) of every pool, plus the option `aksSubnetIds`.
 */
export function findAksSubnets(
  graph: NetworkGraph,
  resources: readonly StackResource[],
  clusters: ClusterRegistry,
  propsOf: (r: StackResource) => PropertyBag,
  aksSubnetIds: readonly string[] = [],
): AksSubnetScan {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const found = new Map<string, AksSubnet>();
  const unresolved = new Map<string, { cluster: ClusterView; status: "unknown" | "outside" }>();
  const add = (
    subnet: SubnetNode,
    cluster: ClusterView | undefined,
    role: SubnetRole,
    proof: Proof,
    pool?: PoolView,
    certain = true,
  ) => {
    const key = `${cluster?.urn ?? ""}\u0000${subnet.urn}#${subnet.path}`;
    let entry = found.get(key);
    if (!entry) {
      entry = { subnet, cluster, roles: new Set(), pools: [], maybePools: [], proof };
      found.set(key, entry);
    }
    entry.roles.add(role);
    if (proof === "proven") entry.proof = "proven";
    const list = certain ? entry.pools : entry.maybePools;
    if (pool && !list.includes(pool)) list.push(pool);
  };

  const { clusters: grouped } = poolsByCluster(resources, clusters, propsOf);
  for (const { cluster, pools, inlineUnknown } of grouped) {
    const clusterResource = byUrn.get(cluster.urn);
    const inlineDeps = clusterResource
      ? INLINE_DEPENDENCY_KEYS.flatMap((k) => clusterResource.propertyDependencies[k] ?? [])
      : [];
    const anyPodSubnet = pools.some((p) => p.podSubnetId !== undefined);
    const refs: Array<{
      pool?: PoolView;
      value: Read<string>;
      deps: readonly string[];
      role: SubnetRole;
      /** The dependency list is shared by node and pod references of inline pools. */
      shared: boolean;
    }> = [];
    for (const pool of pools) {
      const own = pool.source === "AgentPool" || pool.source === "KubernetesClusterNodePool";
      const poolResource = own ? byUrn.get(pool.urn) : undefined;
      const depsOf = (keys: string[]) =>
        own ? keys.flatMap((k) => poolResource?.propertyDependencies[k] ?? []) : inlineDeps;
      const shared = !own && anyPodSubnet;
      refs.push({ pool, value: pool.vnetSubnetId, deps: depsOf(NODE_SUBNET_KEYS), role: "node", shared });
      if (pool.podSubnetId !== undefined) {
        refs.push({ pool, value: pool.podSubnetId, deps: depsOf(POD_SUBNET_KEYS), role: "pod", shared });
      }
    }
    if (inlineUnknown) refs.push({ value: Unknown, deps: inlineDeps, role: "node", shared: anyPodSubnet });
    for (const ref of refs) {
      const link = graph.resolveSubnet(ref.value, ref.deps);
      if (link.status === "unknown" || link.status === "outside") {
        if (!unresolved.has(cluster.urn)) unresolved.set(cluster.urn, { cluster, status: link.status });
        continue;
      }
      // A literal id names the subnet; a shared dependency list may hold node and pod subnets alike.
      const ambiguous = ref.shared && typeof ref.value !== "string";
      const certain = link.targets.length === 1 && !ambiguous;
      for (const t of link.targets) {
        const roles: SubnetRole[] = ambiguous ? ["node", "pod"] : [ref.role];
        for (const role of roles) add(t.node, cluster, role, t.proof, ref.pool, certain);
      }
    }
  }
  for (const id of aksSubnetIds) {
    const link = graph.resolveSubnet(id, []);
    for (const t of link.targets) add(t.node, undefined, "node", "proven");
  }
  return { subnets: [...found.values()], unresolved: [...unresolved.values()] };
}

/**
 * What the network rules start from: the stack's network graph and the AKS subnets in it, every resource read
 * from its outputs filled in by its Analyze inputs.
 */
export function scanStackNetwork(
  resources: readonly StackResource[],
  ctx: Pick<CheckContext<unknown>, "clusters" | "inputsOf">,
  aksSubnetIds: readonly string[] = [],
): { graph: NetworkGraph; scan: AksSubnetScan } {
  const graph = buildNetworkGraph(resources, ctx.inputsOf);
  const propsOf = (r: StackResource) => mergedProps(r, ctx.inputsOf);
  return { graph, scan: findAksSubnets(graph, resources, ctx.clusters, propsOf, aksSubnetIds) };
}

/** Display name of a subnet for messages: its Azure name when safe, else the Pulumi name. */
export function subnetLabel(s: SubnetNode): string {
  const name =
    typeof s.name === "string" && /^[A-Za-z0-9][A-Za-z0-9._()-]{0,79}$/.test(s.name) ? s.name : undefined;
  return name ? `"${name}"` : `"${s.pulumiName}${s.path ? `.${s.path}` : ""}"`;
}

/** Display name of a cluster: its Azure name when known and safe, else the Pulumi name. */
export function clusterLabel(c: ClusterView | undefined): string {
  if (!c) return "(a cluster named by `aksSubnetIds`)";
  const name =
    typeof c.name === "string" && /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(c.name) ? c.name : c.pulumiName;
  return `"${name}"`;
}
