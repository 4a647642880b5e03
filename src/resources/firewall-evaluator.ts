/**
 * Azure Firewall rule evaluation for AKS egress (rule-catalog §2.12), on the shared first-match walk
 * ({@link firstMatch}). Azure Firewall "rule processing logic": network rules before application rules; within
 * each, rules inherited from a parent (base) policy first, then by rule collection group priority, then by
 * collection priority; the first matching rule decides; no match is a deny. NAT collections are ignored.
 */
import { IpRange, mergeRanges, parseCidr, privateCoverage, unionCoverage } from "./cidr";
import {
  ADVISORY_FQDNS,
  ClusterEgress,
  FlowLevel,
  OptionalFlowLevel,
  REQUIRED_FQDNS,
  dnsFlows,
} from "./egress-flows";
import type {
  FirewallApplicationRule,
  FirewallNetworkRule,
  FirewallNode,
  FirewallPolicyNode,
  FirewallRuleCollection,
  FirewallRuleView,
  NetworkGraph,
  Owner,
} from "./network";
import {
  Access,
  AddressEndpoint,
  Certainty,
  Coverage,
  FlowProtocol,
  Verdict,
  WalkRule,
  allOf,
  anyOf,
  firstMatch,
  worst,
} from "./nsg-evaluator";
import { Invalid, Read, Unknown, equalsIgnoreCase, isUnknown } from "../model/values";

export interface FirewallFlowOptions {
  requiredFqdns: readonly string[];
  advisoryFqdns: readonly string[];
  fqdnTag: string;
  legacyTunnelPorts: OptionalFlowLevel;
  ntp: OptionalFlowLevel;
}

export interface FirewallFlow {
  /** The FQDN for HTTPS flows; `E7`…`E10` for network flows. */
  id: string;
  kind: "fqdn" | "network";
  protocol: FlowProtocol;
  port: number;
  /** For messages. */
  target: string;
  level: FlowLevel;
  certainty: Certainty;
  /** FQDN flows: the pattern, `{region}` left in when the region is unknown. */
  fqdn?: string;
  /** FQDN flows: whether the AKS FQDN tag contains it. */
  inFqdnTag?: boolean;
  /** Network flows: lower-case service tags that cover the destination. */
  tags?: ReadonlySet<string>;
  /** Network flows: `AzureCloud.<any region>` covers the destination (region unknown). */
  anyAzureCloudRegion?: boolean;
  /** Network flows: a destination FQDN (E9). */
  destinationFqdn?: string;
  /** Network flows: a destination address (E10). */
  destinationIp?: IpRange;
}

const TAG_FQDNS = new Set([...REQUIRED_FQDNS, ...ADVISORY_FQDNS].map((f) => f.toLowerCase()));

function isApiServerFqdn(fqdn: string): boolean {
  return fqdn.includes("{region}") || fqdn.toLowerCase().endsWith(".azmk8s.io");
}

/** The flows the firewall must allow for one cluster (rule-catalog §2.12 step 4). */
export function firewallFlows(
  egress: ClusterEgress,
  options: FirewallFlowOptions,
  dns: { servers: Read<readonly unknown[]>; addressSpace: Read<readonly unknown[]> },
): FirewallFlow[] {
  if (egress.isolated) return [];
  const base = egress.certainty;
  const privateCertainty: Certainty =
    egress.privateCluster === "yes" || egress.privateCluster === "no" ? "definite" : egress.privateCluster;
  const flows: FirewallFlow[] = [];
  const fqdnFlow = (pattern: string, level: FlowLevel) => {
    const api = isApiServerFqdn(pattern);
    if (api && egress.privateCluster === "yes") return;
    const fqdn = egress.region ? pattern.replace("{region}", egress.region) : pattern;
    flows.push({
      id: fqdn,
      kind: "fqdn",
      protocol: "tcp",
      port: 443,
      target: `HTTPS 443 → ${fqdn.replace("{region}", "<region>")}`,
      level,
      certainty: api ? worst(base, privateCertainty) : base,
      fqdn: fqdn.toLowerCase(),
      inFqdnTag: TAG_FQDNS.has(pattern.toLowerCase()),
    });
  };
  for (const f of options.requiredFqdns) fqdnFlow(f, "required");
  for (const f of options.advisoryFqdns) fqdnFlow(f, "advisory");
  const tunnel = options.legacyTunnelPorts === "off" ? undefined : options.legacyTunnelPorts;
  const regionTags = () => {
    const tags = new Set(["azurecloud"]);
    if (egress.region) tags.add(`azurecloud.${egress.region}`);
    return tags;
  };
  if (tunnel && egress.privateCluster !== "yes") {
    for (const [id, protocol, port] of [
      ["E7", "udp", 1194],
      ["E8", "tcp", 9000],
    ] as const) {
      flows.push({
        id,
        kind: "network",
        protocol,
        port,
        target: `${protocol.toUpperCase()} ${port} → AzureCloud.${egress.region ?? "<region>"}`,
        level: tunnel,
        certainty: worst(base, privateCertainty),
        tags: regionTags(),
        anyAzureCloudRegion: !egress.region,
      });
    }
  }
  if (options.ntp !== "off") {
    flows.push({
      id: "E9",
      kind: "network",
      protocol: "udp",
      port: 123,
      target: "UDP 123 → ntp.ubuntu.com",
      level: options.ntp,
      certainty: base,
      tags: new Set(),
      destinationFqdn: "ntp.ubuntu.com",
    });
  }
  // Custom DNS servers inside the VNet or behind peering/VPN are reached on more specific routes, not
  // through the default route to the firewall: only public DNS servers are checked here.
  for (const f of dnsFlows(dns.servers, dns.addressSpace, base)) {
    const ranges = f.destination.kind === "addresses" ? f.destination.ranges : Unknown;
    if (ranges === Unknown || privateCoverage(ranges[0].range) !== "none") continue;
    flows.push({
      id: "E10",
      kind: "network",
      protocol: f.protocol,
      port: 53,
      target: `${f.protocol.toUpperCase()} 53 → ${f.target}`,
      level: "required",
      certainty: base,
      tags: new Set(),
      destinationIp: ranges[0].range,
    });
  }
  return flows;
}

// ---------------------------------------------------------------------------------------------------------
// FQDN patterns

function normalizeFqdn(text: string): string {
  return text.trim().toLowerCase().replace(/\.$/, "");
}

/**
 * How much of the required FQDN (maybe `*.x`) a rule's FQDN pattern covers: `*` and `*.d` cover names under
 * `d`; a wildcard requirement is covered by a wildcard at or above it; a single name under it is partial.
 */
export function fqdnCoverage(pattern: string, required: string): Coverage {
  const p = normalizeFqdn(pattern);
  const r = normalizeFqdn(required);
  if (p === "*") return "full";
  if (r.includes("{region}")) {
    // The cluster's region is unknown: covered whatever the region, or maybe (a regional API-server pattern).
    if (fqdnCoverage(p, r.replace("{region}", "region-not-known")) === "full") return "full";
    return /(^|\.)hcp\.[a-z0-9-]+\.azmk8s\.io$/.test(p) ? "unknown" : "none";
  }
  const under = (name: string, domain: string) => name === domain || name.endsWith(`.${domain}`);
  if (r.startsWith("*.")) {
    const domain = r.slice(2);
    if (p.startsWith("*.") && under(domain, p.slice(2))) return "full";
    if (!p.startsWith("*.") && p.endsWith(`.${domain}`)) return "partial";
    if (p.startsWith("*.") && p.slice(2).endsWith(`.${domain}`)) return "partial";
    return "none";
  }
  if (p === r) return "full";
  if (p.startsWith("*.") && r.endsWith(`.${p.slice(2)}`)) return "full";
  return "none";
}

// ---------------------------------------------------------------------------------------------------------
// Rules in processing order

export interface FirewallWalkRule extends WalkRule {
  collection: FirewallRuleCollection;
  /** Undefined for a collection whose rules (or the group's collection list) are unknown. */
  rule?: FirewallRuleView;
  phase: "network" | "application" | "both";
}

export interface FirewallRuleSet {
  network: { ordered: FirewallWalkRule[]; unordered: FirewallWalkRule[] };
  application: { ordered: FirewallWalkRule[]; unordered: FirewallWalkRule[] };
  /** Worst certainty from parts of the rule set that could not be read (unknown or missing policies). */
  incomplete: Certainty;
  /** Why the rule set is incomplete, for messages. */
  gaps: string[];
  /** Where missing allows belong: the (child) policy, else the firewall. */
  target: Owner;
}

function accessOf(action: Read<string>): Access {
  if (action === Unknown) return "unknown";
  if (typeof action !== "string") return "uncertain";
  return equalsIgnoreCase(action, "allow")
    ? "allow"
    : equalsIgnoreCase(action, "deny")
      ? "deny"
      : "uncertain";
}

function orderCertainty(...values: Array<Read<number> | undefined>): Certainty {
  let out: Certainty = "definite";
  for (const v of values) {
    if (v === Unknown) out = worst(out, "unknown");
    else if (typeof v !== "number") out = worst(out, "uncertain");
  }
  return out;
}

/** The firewall's rules: policy chain (base first) or its classic collections. */
export function firewallRuleSet(firewall: FirewallNode): FirewallRuleSet {
  const set: FirewallRuleSet = {
    network: { ordered: [], unordered: [] },
    application: { ordered: [], unordered: [] },
    incomplete: "definite",
    gaps: [],
    target: firewall,
  };
  type Keyed = { rule: FirewallWalkRule; key: number[] };
  const keyed: Keyed[] = [];
  const add = (collection: FirewallRuleCollection, depth: number, rule?: FirewallRuleView) => {
    if (collection.kind === "nat") return;
    const access = accessOf(collection.action);
    // Collections of a rule collection group carry its priority; classic firewall collections have none.
    const order =
      "groupPriority" in collection
        ? orderCertainty(collection.priority, collection.groupPriority)
        : orderCertainty(collection.priority);
    const phase: FirewallWalkRule["phase"] =
      rule?.kind === "network" ? "network" : rule?.kind === "application" ? "application" : "both";
    const walk: FirewallWalkRule = { access, order, reportable: true, collection, rule, phase };
    const group = typeof collection.groupPriority === "number" ? collection.groupPriority : 0;
    const priority = typeof collection.priority === "number" ? collection.priority : 0;
    keyed.push({ rule: walk, key: [depth, group, priority] });
  };
  const addCollections = (collections: readonly FirewallRuleCollection[], depth: number) => {
    for (const c of collections) {
      if (Array.isArray(c.rules)) {
        for (const r of c.rules) if (r.kind !== "other") add(c, depth, r.kind === "unknown" ? undefined : r);
      } else {
        add(c, depth);
      }
    }
  };
  const policy = firewall.policy;
  if (policy.status === "linked") {
    const chain: FirewallPolicyNode[] = [];
    const seen = new Set<FirewallPolicyNode>();
    for (let p: FirewallPolicyNode | undefined = policy.targets[0].node; p && !seen.has(p);) {
      seen.add(p);
      chain.unshift(p);
      if (p.base.status === "unknown") {
        set.incomplete = worst(set.incomplete, "unknown");
        set.gaps.push("the base policy is unknown during preview");
      } else if (p.base.status === "outside") {
        set.incomplete = worst(set.incomplete, "uncertain");
        set.gaps.push("the base policy is not declared in this stack");
      }
      p = p.base.targets[0]?.node;
    }
    set.target = chain[chain.length - 1];
    chain.forEach((p, depth) => {
      for (const group of p.groups) {
        if (group.collections === Unknown) {
          add(
            {
              owner: group,
              path: "ruleCollections",
              name: Unknown,
              kind: "unknown",
              groupPriority: group.priority,
              priority: Unknown,
              action: Unknown,
              rules: Unknown,
              ipGroupUrns: [],
            },
            depth,
          );
        } else addCollections(group.collections, depth);
      }
    });
    if (policy.targets.length > 1) {
      set.incomplete = worst(set.incomplete, "uncertain");
      set.gaps.push("the firewall's policy is ambiguous");
    }
  } else if (policy.status === "unknown") {
    set.incomplete = worst(set.incomplete, "unknown");
    set.gaps.push("the firewall's policy is unknown during preview");
  } else if (policy.status === "outside") {
    set.incomplete = worst(set.incomplete, "uncertain");
    set.gaps.push("the firewall's policy is not declared in this stack");
  } else {
    addCollections(firewall.collections, 0);
  }
  keyed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]);
  for (const { rule } of keyed) {
    const phases = rule.phase === "both" ? (["network", "application"] as const) : [rule.phase];
    for (const phase of phases)
      (rule.order === "definite" ? set[phase].ordered : set[phase].unordered).push(rule);
  }
  return set;
}

// ---------------------------------------------------------------------------------------------------------
// Matching

function list(value: Read<readonly unknown[]>): { items: unknown[]; unknown: boolean; invalid: boolean } {
  if (value === Unknown) return { items: [], unknown: true, invalid: false };
  if (value === Invalid) return { items: [], unknown: false, invalid: true };
  return { items: [...(value ?? [])], unknown: false, invalid: false };
}

function parseAddress(text: string): IpRange | undefined {
  const dash = /^([0-9.]+)\s*-\s*([0-9.]+)$/.exec(text.trim());
  if (dash) {
    const a = parseCidr(dash[1]);
    const b = parseCidr(dash[2]);
    return a && b && a.first <= b.first ? { family: a.family, first: a.first, last: b.last } : undefined;
  }
  return parseCidr(text.trim());
}

/** Coverage of the source endpoint by `sourceAddresses` ∪ the addresses of `sourceIpGroups`. */
function sourceCoverage(
  rule: FirewallNetworkRule | FirewallApplicationRule,
  collection: FirewallRuleCollection,
  source: AddressEndpoint,
  graph: NetworkGraph,
): Coverage {
  const addresses = list(rule.sourceAddresses);
  const groups = list(rule.sourceIpGroups);
  const parts: Coverage[] = [];
  if (addresses.unknown || groups.unknown) parts.push("unknown");
  if (addresses.invalid || groups.invalid) parts.push("uncertain");
  const cidrs: IpRange[] = [];
  const take = (value: unknown) => {
    if (isUnknown(value)) parts.push("unknown");
    else if (value === "*" || (typeof value === "string" && value.trim().toLowerCase() === "any"))
      parts.push("full");
    else {
      const range = typeof value === "string" ? parseAddress(value) : undefined;
      if (range) cidrs.push(range);
      else parts.push("uncertain");
    }
  };
  addresses.items.forEach(take);
  for (const id of groups.items) {
    const nodes = graph.resolveIpGroup(id, collection.ipGroupUrns);
    if (nodes === Unknown) parts.push("unknown");
    // An IP group not declared in this stack may hold the subnet: counts as matching, with an advisory note.
    else if (nodes === undefined) parts.push("uncertain");
    else if (nodes.length === 1) {
      const addrs = nodes[0].addresses;
      if (addrs === Unknown) parts.push("unknown");
      else
        addrs.forEach((a) => (a === Invalid ? parts.push("uncertain") : take(a === Unknown ? Unknown : a)));
    } else parts.push("unknown");
  }
  if (!addresses.items.length && !groups.items.length && !addresses.unknown && !groups.unknown)
    parts.push("uncertain");
  const merged = mergeRanges(cidrs);
  if (source.ranges === Unknown) parts.push(merged.length ? "unknown" : "none");
  else {
    const each = source.ranges.map((r) => unionCoverage(merged, r.range));
    parts.push(
      each.every((c) => c === "full") ? "full" : each.every((c) => c === "none") ? "none" : "partial",
    );
  }
  return anyOf(parts);
}

function portsCoverage(value: Read<readonly unknown[]>, port: number): Coverage {
  const l = list(value);
  const parts: Coverage[] = [];
  if (l.unknown) parts.push("unknown");
  if (l.invalid) parts.push("uncertain");
  for (const item of l.items) {
    if (isUnknown(item)) parts.push("unknown");
    else if (item === "*") parts.push("full");
    else if (typeof item === "number") parts.push(item === port ? "full" : "none");
    else if (typeof item === "string") {
      const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(item);
      if (!m) parts.push("uncertain");
      else parts.push(Number(m[1]) <= port && port <= Number(m[2] ?? m[1]) ? "full" : "none");
    } else parts.push("uncertain");
  }
  return anyOf(parts);
}

function protocolsCoverage(value: Read<readonly unknown[]>, protocol: FlowProtocol): Coverage {
  const l = list(value);
  const parts: Coverage[] = [];
  if (l.unknown) parts.push("unknown");
  if (l.invalid) parts.push("uncertain");
  for (const item of l.items) {
    if (isUnknown(item)) parts.push("unknown");
    else if (typeof item !== "string") parts.push("uncertain");
    else {
      const p = item.trim().toLowerCase();
      parts.push(p === "any" || p === protocol ? "full" : "none");
    }
  }
  return anyOf(parts);
}

const MAY_HOLD_REQUIRED_ENDPOINTS =
  /^(?:azurecloud|microsoftcontainerregistry|azureactivedirectory|azureresourcemanager|azurefrontdoor)(?:\.[a-z0-9-]+)?$/;

function networkDestinationCoverage(rule: FirewallNetworkRule, flow: FirewallFlow): Coverage {
  const parts: Coverage[] = [];
  const addresses = list(rule.destinationAddresses);
  const fqdns = list(rule.destinationFqdns);
  if (addresses.unknown || fqdns.unknown) parts.push("unknown");
  if (addresses.invalid || fqdns.invalid) parts.push("uncertain");
  const cidrs: IpRange[] = [];
  for (const item of addresses.items) {
    if (isUnknown(item)) parts.push("unknown");
    else if (typeof item !== "string") parts.push("uncertain");
    else {
      const t = item.trim().toLowerCase();
      const range = parseAddress(t);
      if (t === "*" || t === "any") parts.push("full");
      else if (range) cidrs.push(range);
      else if (flow.tags?.has(t)) parts.push("full");
      else if (flow.anyAzureCloudRegion && t.startsWith("azurecloud.")) parts.push("full");
      else if (flow.kind === "fqdn" && MAY_HOLD_REQUIRED_ENDPOINTS.test(t)) parts.push("uncertain");
    }
  }
  if (flow.destinationIp) parts.push(unionCoverage(mergeRanges(cidrs), flow.destinationIp));
  else if (cidrs.some((r) => r.first === 0n && r.last === (1n << 32n) - 1n)) parts.push("full");
  const wanted = flow.kind === "fqdn" ? flow.fqdn : flow.destinationFqdn;
  for (const item of fqdns.items) {
    if (isUnknown(item)) parts.push("unknown");
    else if (typeof item !== "string") parts.push("uncertain");
    else if (wanted) parts.push(fqdnCoverage(item, wanted));
  }
  // destinationIpGroups hold addresses: they cannot be shown to cover an FQDN endpoint.
  if (flow.destinationIp && list(rule.destinationIpGroups).items.length) parts.push("uncertain");
  return anyOf(parts);
}

function applicationTargetCoverage(
  rule: FirewallApplicationRule,
  flow: FirewallFlow,
  fqdnTag: string,
): Coverage {
  const parts: Coverage[] = [];
  const tags = list(rule.fqdnTags);
  const fqdns = list(rule.targetFqdns);
  const urls = list(rule.targetUrls);
  const categories = list(rule.webCategories);
  for (const l of [tags, fqdns, urls, categories]) {
    if (l.unknown) parts.push("unknown");
    if (l.invalid) parts.push("uncertain");
  }
  for (const tag of tags.items) {
    if (isUnknown(tag)) parts.push("unknown");
    else if (typeof tag === "string" && equalsIgnoreCase(tag.trim(), fqdnTag) && flow.inFqdnTag)
      parts.push("full");
  }
  for (const item of fqdns.items) {
    if (isUnknown(item)) parts.push("unknown");
    else if (typeof item !== "string") parts.push("uncertain");
    else parts.push(fqdnCoverage(item, flow.fqdn as string));
  }
  // A URL rule allows or denies only some paths of its host.
  for (const item of urls.items) {
    if (isUnknown(item)) parts.push("unknown");
    else if (typeof item === "string") {
      const host = item.replace(/^[a-z]+:\/\//i, "").split("/")[0];
      const c = fqdnCoverage(host, flow.fqdn as string);
      parts.push(c === "none" ? "none" : c === "full" ? "partial" : c);
    }
  }
  // Web categories are resolved by Azure at run time: whether one holds the FQDN is not known here.
  if (categories.items.length) parts.push("uncertain");
  return anyOf(parts);
}

function applicationProtocolCoverage(rule: FirewallApplicationRule): Coverage {
  const protocols = rule.protocols;
  if (protocols === Unknown) return "unknown";
  // Rules with FQDN tags take no protocols: the tags imply HTTP and HTTPS.
  const tags = rule.fqdnTags;
  const none = protocols === undefined || (Array.isArray(protocols) && protocols.length === 0);
  if (none && Array.isArray(tags) && tags.length) return "full";
  if (protocols === Invalid || protocols === undefined) return "uncertain";
  const parts: Coverage[] = [];
  for (const p of protocols) {
    if (p === Unknown) parts.push("unknown");
    else if (p === Invalid) parts.push("uncertain");
    else if (p.type === Unknown || p.port === Unknown) parts.push("unknown");
    else if (typeof p.type !== "string") parts.push("uncertain");
    // A missing port on an Https entry means 443 (an assumption, catalog §4).
    else parts.push(equalsIgnoreCase(p.type, "https") && (p.port ?? 443) === 443 ? "full" : "none");
  }
  return anyOf(parts);
}

function ruleCoverage(
  walk: FirewallWalkRule,
  flow: FirewallFlow,
  source: AddressEndpoint,
  graph: NetworkGraph,
  fqdnTag: string,
): Coverage {
  const rule = walk.rule;
  if (!rule) return "unknown";
  if (rule.kind === "network") {
    return allOf([
      protocolsCoverage(rule.protocols, flow.protocol),
      portsCoverage(rule.destinationPorts, flow.port),
      networkDestinationCoverage(rule, flow),
      sourceCoverage(rule, walk.collection, source, graph),
    ]);
  }
  if (rule.kind === "application") {
    if (flow.kind !== "fqdn") return "none";
    return allOf([
      applicationProtocolCoverage(rule),
      applicationTargetCoverage(rule, flow, fqdnTag),
      sourceCoverage(rule, walk.collection, source, graph),
    ]);
  }
  return "unknown";
}

/**
 * One flow through the firewall. HTTPS flows meet the network rules first, then (if none decided) the
 * application rules; other flows meet the network rules only. `decision: "none"` is the implicit deny.
 */
export function evaluateFirewallFlow(
  set: FirewallRuleSet,
  flow: FirewallFlow,
  source: AddressEndpoint,
  graph: NetworkGraph,
  fqdnTag: string,
): Verdict<FirewallWalkRule> {
  const match = (r: FirewallWalkRule) => ruleCoverage(r, flow, source, graph, fqdnTag);
  const network = firstMatch(set.network.ordered, set.network.unordered, match);
  if (network.decision !== "none" || flow.kind !== "fqdn") return withGaps(network, set.incomplete);
  const application = firstMatch(set.application.ordered, set.application.unordered, match);
  return withGaps(
    {
      ...application,
      certainty: worst(application.certainty, network.certainty),
      blockers: [...network.blockers, ...application.blockers],
    },
    set.incomplete,
  );
}

function withGaps(verdict: Verdict<FirewallWalkRule>, incomplete: Certainty): Verdict<FirewallWalkRule> {
  if (incomplete === "definite") return verdict;
  return {
    ...verdict,
    certainty: worst(verdict.certainty, incomplete),
    blockers: verdict.blockers.map((b) => ({ ...b, certainty: worst(b.certainty, incomplete) })),
  };
}
