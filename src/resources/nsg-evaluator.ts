/**
 * The one first-match evaluator behind the NSG rules (`aks-nsg-required-egress`,
 * `aks-nsg-intra-cluster-traffic`) and, through {@link firstMatch}, the firewall rule.
 *
 * Azure semantics (Network security groups overview, "Security rules" / "Default security rules"): rules are
 * evaluated per direction by priority, lowest number first; the first rule that matches a flow decides; the
 * default rules (65000, 65001, 65500) follow the custom ones.
 *
 * A flow here is a *class* of packets: a protocol, a destination port range, a source and a destination
 * endpoint (address ranges, or a public endpoint known only by the service tags that contain it). A rule
 * covers all of a flow (`full`), part of it (`partial`) or none of it — or the answer is `unknown` (a value
 * needed for the decision is unknown during preview) or `uncertain` (the value is known but cannot be
 * evaluated: malformed, or a service tag whose contents are not modelled). Walking the rules in order:
 * - a rule that covers the whole flow decides it;
 * - a Deny that covers part of it blocks that part (a finding), and the walk goes on for the rest;
 * - an Allow that covers only part of it does not shadow later Denies (they still block the rest);
 * - an Allow whose match is unknown/uncertain makes every later Deny only possibly effective.
 * Cost: compiling is linear in the rules; evaluating is O(rules × flows), each match linear in the rule's
 * prefixes and ports. Nothing is compared pairwise.
 */
import { IpRange, mergeRanges, parseCidr, privateCoverage, unionCoverage } from "./cidr";
import { Invalid, Read, Unknown, isUnknown, safe } from "../model/values";

/** How much of a flow (or of an endpoint) a rule field covers. */
export type Coverage = "full" | "partial" | "none" | "unknown" | "uncertain";

/** How sure a finding is: `unknown` = depends on a value unknown during preview; `uncertain` = cannot be evaluated. */
export type Certainty = "definite" | "uncertain" | "unknown";

const CERTAINTY_RANK: Record<Certainty, number> = { definite: 0, uncertain: 1, unknown: 2 };

export function worst(...values: Certainty[]): Certainty {
  let out: Certainty = "definite";
  for (const v of values) if (CERTAINTY_RANK[v] > CERTAINTY_RANK[out]) out = v;
  return out;
}

function certaintyOf(c: Coverage): Certainty {
  return c === "unknown" ? "unknown" : c === "uncertain" ? "uncertain" : "definite";
}

/** Union: the flow is covered when any alternative covers it. */
export function anyOf(values: readonly Coverage[]): Coverage {
  let partial = false;
  let unknown = false;
  let uncertain = false;
  for (const v of values) {
    if (v === "full") return "full";
    if (v === "unknown") unknown = true;
    else if (v === "uncertain") uncertain = true;
    else if (v === "partial") partial = true;
  }
  return unknown ? "unknown" : uncertain ? "uncertain" : partial ? "partial" : "none";
}

/** Product: the flow is covered when every dimension (protocol, ports, source, destination) covers it. */
export function allOf(values: readonly Coverage[]): Coverage {
  let partial = false;
  let unknown = false;
  let uncertain = false;
  for (const v of values) {
    if (v === "none") return "none";
    if (v === "unknown") unknown = true;
    else if (v === "uncertain") uncertain = true;
    else if (v === "partial") partial = true;
  }
  return unknown ? "unknown" : uncertain ? "uncertain" : partial ? "partial" : "full";
}

/** Every part of an endpoint (e.g. each of its address ranges) must be covered for `full`. */
function eachOf(values: readonly Coverage[]): Coverage {
  if (values.length === 0) return "none";
  if (values.every((v) => v === "full")) return "full";
  if (values.every((v) => v === "none")) return "none";
  if (values.includes("unknown")) return "unknown";
  if (values.includes("uncertain")) return "uncertain";
  return "partial";
}

// ---------------------------------------------------------------------------------------------------------
// Flows and endpoints

export interface EndpointRange {
  range: IpRange;
  /** Coverage of this range by the `VirtualNetwork` service tag. */
  virtualNetwork: Coverage;
  /** Coverage of this range by the `Internet` service tag. */
  internet: Coverage;
}

/** Addresses known by range: subnets, pod CIDRs, a DNS server. */
export interface AddressEndpoint {
  kind: "addresses";
  /** The ranges, or `Unknown` (e.g. a subnet prefix unknown during preview). */
  ranges: readonly EndpointRange[] | Unknown;
  /** `VirtualNetwork` coverage when the ranges are unknown (a subnet is always inside its VNet). */
  virtualNetworkIfUnknown: Coverage;
  /** Application security groups (lower-case ids) of the NICs behind these addresses, with how many they cover. */
  asgs: ReadonlyMap<string, Coverage> | Unknown;
}

/** A public endpoint known only by name (e.g. `mcr.microsoft.com`): covered by the tags that contain it. */
export interface PublicEndpoint {
  kind: "public";
  /** Lower-case service tags and tokens that count as covering this endpoint (`internet`, `azurecloud`, ...). */
  tags: ReadonlySet<string>;
  /** Regional `AzureCloud.<region>` tags cover it whatever the region (the cluster's region is unknown). */
  anyAzureCloudRegion: boolean;
  /** Address blocks that count as covering it (e.g. from a configured destination list). */
  cidrs: readonly IpRange[];
}

export type Endpoint = AddressEndpoint | PublicEndpoint;

export type FlowProtocol = "tcp" | "udp";

export interface PortRange {
  first: number;
  last: number;
}

export interface Flow {
  protocol: FlowProtocol;
  ports: PortRange;
  source: Endpoint;
  destination: Endpoint;
}

/**
 * Source ports of the flows checked: clients use ephemeral ports (Linux 32768–60999, Windows 49152–65535);
 * 1024–65535 holds both, so an Allow limited to it still covers a connection.
 */
export const CLIENT_SOURCE_PORTS: PortRange = { first: 1024, last: 65535 };
export const ALL_PORTS: PortRange = { first: 0, last: 65535 };

// ---------------------------------------------------------------------------------------------------------
// Security rules

/** One NSG security rule as the resource views read it (inline `securityRules[]` or a separate resource). */
export interface SecurityRuleInput {
  name: Read<string>;
  priority: Read<number>;
  direction: Read<string>;
  access: Read<string>;
  protocol: Read<string>;
  sourceAddressPrefix: Read<string>;
  sourceAddressPrefixes: Read<readonly unknown[]>;
  /** ASG ids (azure-native `sourceApplicationSecurityGroups[].id`, classic `sourceApplicationSecurityGroupIds`). */
  sourceAsgIds: Read<readonly unknown[]>;
  destinationAddressPrefix: Read<string>;
  destinationAddressPrefixes: Read<readonly unknown[]>;
  destinationAsgIds: Read<readonly unknown[]>;
  sourcePortRange: Read<string>;
  sourcePortRanges: Read<readonly unknown[]>;
  destinationPortRange: Read<string>;
  destinationPortRanges: Read<readonly unknown[]>;
}

export type Access = "allow" | "deny" | "unknown" | "uncertain";

type AddressToken =
  | { kind: "any" }
  | { kind: "tag"; tag: string }
  | { kind: "asg"; id: string }
  | { kind: "unknown" }
  | { kind: "invalid" };

interface AddressMatch {
  /** CIDR blocks, merged. */
  cidrs: IpRange[];
  /** Whether a CIDR token is `/0` (all of one family): counts as "any" for public endpoints. */
  hasDefaultRoute: boolean;
  tokens: AddressToken[];
}

interface PortMatch {
  ranges: PortRange[];
  unknown: boolean;
  invalid: boolean;
}

type ProtocolMatch = { kind: "any" } | { kind: "one"; protocol: string } | { kind: "unknown" | "invalid" };

export interface CompiledRule<T> {
  /** The rule as read; undefined for the default rules. */
  input: T | undefined;
  isDefault: boolean;
  /** Display name (safe) for defaults; custom rules are described from `input`. */
  defaultName?: string;
  priority: number | undefined;
  /** Whether the rule's place in the order is known. */
  order: Certainty;
  access: Access;
  /** Reportable as a blocker: custom rules only (AKS works with the default rules). */
  reportable: boolean;
  /** Set when the direction is unknown/unparsable: the rule is in both lists and matches at most this much. */
  directionCoverage: Coverage;
  protocol: ProtocolMatch;
  sourceAddresses: AddressMatch;
  destinationAddresses: AddressMatch;
  sourcePorts: PortMatch;
  destinationPorts: PortMatch;
}

export interface OrderedRules<T> {
  /** Rules with a known priority, ascending (ties by name, as ARM forbids equal priorities per direction). */
  ordered: CompiledRule<T>[];
  /** Rules whose priority is unknown or unparsable: they may come anywhere. */
  unordered: CompiledRule<T>[];
}

export interface CompiledNsg<T> {
  inbound: OrderedRules<T>;
  outbound: OrderedRules<T>;
}

const SERVICE_TAG = /^[A-Za-z][A-Za-z0-9.-]{0,79}$/;

function classifyAddress(text: string, out: AddressMatch): void {
  if (isUnknown(text)) {
    out.tokens.push({ kind: "unknown" });
    return;
  }
  const t = text.trim();
  if (t === "*" || t.toLowerCase() === "any") {
    out.tokens.push({ kind: "any" });
    return;
  }
  const range = parseCidr(t);
  if (range) {
    out.cidrs.push(range);
    if (range.first === 0n && range.last === (range.family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n)) {
      out.hasDefaultRoute = true;
    }
    return;
  }
  out.tokens.push(SERVICE_TAG.test(t) ? { kind: "tag", tag: t.toLowerCase() } : { kind: "invalid" });
}

function compileAddresses(
  prefix: Read<string>,
  prefixes: Read<readonly unknown[]>,
  asgIds: Read<readonly unknown[]>,
): AddressMatch {
  const out: AddressMatch = { cidrs: [], hasDefaultRoute: false, tokens: [] };
  let present = false;
  const take = (value: unknown) => {
    present = true;
    if (value === Unknown) out.tokens.push({ kind: "unknown" });
    else if (typeof value === "string") classifyAddress(value, out);
    else out.tokens.push({ kind: "invalid" });
  };
  if (prefix !== undefined) take(prefix === Invalid ? null : prefix);
  if (prefixes === Unknown) take(Unknown);
  else if (prefixes === Invalid) take(null);
  else if (prefixes !== undefined) prefixes.forEach((v) => take(isUnknown(v) ? Unknown : v));
  if (asgIds !== undefined) {
    if (asgIds === Unknown) take(Unknown);
    else if (asgIds === Invalid) take(null);
    else {
      for (const id of asgIds) {
        present = true;
        if (isUnknown(id)) out.tokens.push({ kind: "unknown" });
        else if (typeof id === "string") out.tokens.push({ kind: "asg", id: id.toLowerCase() });
        else out.tokens.push({ kind: "invalid" });
      }
    }
  }
  // A rule must name addresses; one that names none cannot be evaluated.
  if (!present || (out.cidrs.length === 0 && out.tokens.length === 0)) out.tokens.push({ kind: "invalid" });
  out.cidrs = mergeRanges(out.cidrs);
  return out;
}

function parsePort(text: string): PortRange | undefined {
  const t = text.trim();
  if (t === "*") return ALL_PORTS;
  const single = /^(\d{1,5})$/.exec(t);
  if (single) {
    const n = Number(single[1]);
    return n <= 65535 ? { first: n, last: n } : undefined;
  }
  const range = /^(\d{1,5})\s*-\s*(\d{1,5})$/.exec(t);
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    return a <= b && b <= 65535 ? { first: a, last: b } : undefined;
  }
  return undefined;
}

/** `missing`: what a rule that names no port means (destination: cannot evaluate; source: any). */
function compilePorts(
  single: Read<string>,
  list: Read<readonly unknown[]>,
  missing: "any" | "invalid",
): PortMatch {
  const out: PortMatch = { ranges: [], unknown: false, invalid: false };
  let present = false;
  const take = (value: unknown) => {
    present = true;
    if (value === Unknown || isUnknown(value)) out.unknown = true;
    else if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 65535)
      out.ranges.push({ first: value, last: value });
    else {
      const r = typeof value === "string" ? parsePort(value) : undefined;
      if (r) out.ranges.push(r);
      else out.invalid = true;
    }
  };
  if (single !== undefined) take(single === Invalid ? null : single);
  if (list === Unknown) take(Unknown);
  else if (list === Invalid) take(null);
  else if (list !== undefined) list.forEach(take);
  if (!present || (out.ranges.length === 0 && !out.unknown && !out.invalid)) {
    if (missing === "any") out.ranges.push(ALL_PORTS);
    else out.invalid = true;
  }
  out.ranges.sort((a, b) => a.first - b.first);
  const merged: PortRange[] = [];
  for (const r of out.ranges) {
    const last = merged[merged.length - 1];
    if (last && r.first <= last.last + 1) last.last = Math.max(last.last, r.last);
    else merged.push({ ...r });
  }
  out.ranges = merged;
  return out;
}

const PROTOCOLS = new Set(["tcp", "udp", "icmp", "esp", "ah"]);

function compileProtocol(value: Read<string>): ProtocolMatch {
  if (value === Unknown) return { kind: "unknown" };
  if (typeof value !== "string") return { kind: "invalid" };
  const p = value.trim().toLowerCase();
  if (p === "*" || p === "any") return { kind: "any" };
  return PROTOCOLS.has(p) ? { kind: "one", protocol: p } : { kind: "invalid" };
}

function compileAccess(value: Read<string>): Access {
  if (value === Unknown) return "unknown";
  if (typeof value !== "string") return "uncertain";
  const a = value.trim().toLowerCase();
  return a === "allow" ? "allow" : a === "deny" ? "deny" : "uncertain";
}

type Direction = "inbound" | "outbound";

function compileDirection(value: Read<string>): Direction | Coverage {
  if (value === Unknown) return "unknown";
  if (typeof value !== "string") return "uncertain";
  const d = value.trim().toLowerCase();
  return d === "inbound" || d === "outbound" ? d : "uncertain";
}

function compileRule<T extends SecurityRuleInput>(
  input: T,
): {
  rule: CompiledRule<T>;
  direction: Direction | Coverage;
} {
  const priority = input.priority;
  const knownPriority = typeof priority === "number" && Number.isFinite(priority);
  const direction = compileDirection(input.direction);
  return {
    direction,
    rule: {
      input,
      isDefault: false,
      priority: knownPriority ? priority : undefined,
      order: knownPriority ? "definite" : priority === Unknown ? "unknown" : "uncertain",
      access: compileAccess(input.access),
      reportable: true,
      directionCoverage: direction === "inbound" || direction === "outbound" ? "full" : direction,
      protocol: compileProtocol(input.protocol),
      sourceAddresses: compileAddresses(
        input.sourceAddressPrefix,
        input.sourceAddressPrefixes,
        input.sourceAsgIds,
      ),
      destinationAddresses: compileAddresses(
        input.destinationAddressPrefix,
        input.destinationAddressPrefixes,
        input.destinationAsgIds,
      ),
      sourcePorts: compilePorts(input.sourcePortRange, input.sourcePortRanges, "any"),
      destinationPorts: compilePorts(input.destinationPortRange, input.destinationPortRanges, "invalid"),
    },
  };
}

function defaultRule<T>(
  name: string,
  priority: number,
  access: "allow" | "deny",
  source: string,
  destination: string,
): CompiledRule<T> {
  const addresses = (prefix: string) => compileAddresses(prefix, undefined, undefined);
  return {
    input: undefined,
    isDefault: true,
    defaultName: name,
    priority,
    order: "definite",
    access,
    reportable: false,
    directionCoverage: "full",
    protocol: { kind: "any" },
    sourceAddresses: addresses(source),
    destinationAddresses: addresses(destination),
    sourcePorts: compilePorts("*", undefined, "any"),
    destinationPorts: compilePorts("*", undefined, "any"),
  };
}

/** The default rules every NSG carries (Azure "Network security groups overview – Default security rules"). */
function defaultRules<T>(direction: Direction): CompiledRule<T>[] {
  return direction === "inbound"
    ? [
        defaultRule("AllowVnetInBound", 65000, "allow", "VirtualNetwork", "VirtualNetwork"),
        defaultRule("AllowAzureLoadBalancerInBound", 65001, "allow", "AzureLoadBalancer", "*"),
        defaultRule("DenyAllInBound", 65500, "deny", "*", "*"),
      ]
    : [
        defaultRule("AllowVnetOutBound", 65000, "allow", "VirtualNetwork", "VirtualNetwork"),
        defaultRule("AllowInternetOutBound", 65001, "allow", "*", "Internet"),
        defaultRule("DenyAllOutBound", 65500, "deny", "*", "*"),
      ];
}

function byPriority<T extends SecurityRuleInput>(a: CompiledRule<T>, b: CompiledRule<T>): number {
  const pa = a.priority ?? 0;
  const pb = b.priority ?? 0;
  if (pa !== pb) return pa - pb;
  const na = typeof a.input?.name === "string" ? a.input.name : "";
  const nb = typeof b.input?.name === "string" ? b.input.name : "";
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Compiles an NSG's custom rules once: per direction, ordered by priority, default rules appended. */
export function compileNsg<T extends SecurityRuleInput>(rules: readonly T[]): CompiledNsg<T> {
  const lists: Record<Direction, OrderedRules<T>> = {
    inbound: { ordered: [], unordered: [] },
    outbound: { ordered: [], unordered: [] },
  };
  for (const input of rules) {
    const { rule, direction } = compileRule(input);
    const targets: Direction[] =
      direction === "inbound" || direction === "outbound" ? [direction] : ["inbound", "outbound"];
    for (const d of targets) (rule.order === "definite" ? lists[d].ordered : lists[d].unordered).push(rule);
  }
  for (const d of ["inbound", "outbound"] as const) {
    lists[d].ordered.sort(byPriority);
    lists[d].ordered.push(...defaultRules<T>(d));
  }
  return lists;
}

// ---------------------------------------------------------------------------------------------------------
// Matching

function portCoverage(match: PortMatch, flow: PortRange): Coverage {
  let known: Coverage = "none";
  for (const r of match.ranges) {
    if (r.last < flow.first || r.first > flow.last) continue;
    if (r.first <= flow.first && flow.last <= r.last) return "full";
    known = "partial";
  }
  if (match.unknown) return "unknown";
  if (match.invalid) return "uncertain";
  return known;
}

function protocolCoverage(match: ProtocolMatch, protocol: FlowProtocol): Coverage {
  switch (match.kind) {
    case "any":
      return "full";
    case "one":
      return match.protocol === protocol ? "full" : "none";
    case "unknown":
      return "unknown";
    default:
      return "uncertain";
  }
}

/**
 * Service tags that may contain the public endpoints AKS needs (MCR, Entra ID, ARM are Azure services) but
 * whose contents are not modelled: a rule naming one is at most an advisory "may block".
 */
const MAY_HOLD_REQUIRED_ENDPOINTS =
  /^(?:azurecloud|microsoftcontainerregistry|azureactivedirectory|azureresourcemanager|azurefrontdoor)(?:\.[a-z0-9-]+)?$/;

function publicCoverage(match: AddressMatch, ep: PublicEndpoint): Coverage {
  const parts: Coverage[] = [];
  if (match.hasDefaultRoute) return "full";
  for (const c of ep.cidrs) parts.push(unionCoverage(match.cidrs, c) === "full" ? "full" : "none");
  for (const t of match.tokens) {
    switch (t.kind) {
      case "any":
        return "full";
      case "tag":
        if (ep.tags.has(t.tag)) parts.push("full");
        else if (t.tag.startsWith("azurecloud.")) {
          // A regional endpoint (the API server) is in its own region's tag only.
          if (ep.anyAzureCloudRegion) parts.push("full");
          else if (![...ep.tags].some((x) => x.startsWith("azurecloud."))) parts.push("uncertain");
        }
        // Tags of the Azure services behind the required endpoints may hold them (contents not modelled).
        else if (MAY_HOLD_REQUIRED_ENDPOINTS.test(t.tag)) parts.push("uncertain");
        break;
      case "unknown":
        parts.push("unknown");
        break;
      case "invalid":
        parts.push("uncertain");
        break;
      // An ASG or a literal CIDR cannot be shown to contain a public FQDN endpoint.
    }
  }
  return anyOf(parts);
}

function tokenOnRange(t: AddressToken, r: EndpointRange, ep: AddressEndpoint): Coverage {
  switch (t.kind) {
    case "any":
      return "full";
    case "tag":
      if (t.tag === "virtualnetwork") return r.virtualNetwork;
      if (t.tag === "internet") return r.internet;
      // Other service tags hold public Azure ranges: never the VNet's or private addresses.
      return r.virtualNetwork === "full" || privateCoverage(r.range) === "full" ? "none" : "uncertain";
    case "asg":
      return asgCoverage(t.id, ep);
    case "unknown":
      return "unknown";
    default:
      return "uncertain";
  }
}

function asgCoverage(id: string, ep: AddressEndpoint): Coverage {
  if (ep.asgs === Unknown) return "unknown";
  return ep.asgs.get(id) ?? "none";
}

function addressCoverage(match: AddressMatch, ep: Endpoint): Coverage {
  if (ep.kind === "public") return publicCoverage(match, ep);
  if (ep.ranges === Unknown) {
    const parts: Coverage[] = match.cidrs.length ? ["unknown"] : [];
    for (const t of match.tokens) {
      if (t.kind === "any") return "full";
      if (t.kind === "tag") parts.push(t.tag === "virtualnetwork" ? ep.virtualNetworkIfUnknown : "unknown");
      else if (t.kind === "asg") parts.push(asgCoverage(t.id, ep));
      else parts.push(t.kind === "unknown" ? "unknown" : "uncertain");
    }
    return anyOf(parts);
  }
  return eachOf(
    ep.ranges.map((r) =>
      anyOf([unionCoverage(match.cidrs, r.range), ...match.tokens.map((t) => tokenOnRange(t, r, ep))]),
    ),
  );
}

/** How much of `flow` the rule matches (all five dimensions and the direction). */
export function ruleCoverage<T>(rule: CompiledRule<T>, flow: Flow): Coverage {
  // Cheapest dimensions first: most rules fail on protocol or port.
  const direction = rule.directionCoverage;
  if (direction === "none") return "none";
  const protocol = protocolCoverage(rule.protocol, flow.protocol);
  if (protocol === "none") return "none";
  const ports = portCoverage(rule.destinationPorts, flow.ports);
  if (ports === "none") return "none";
  const sourcePorts = portCoverage(rule.sourcePorts, CLIENT_SOURCE_PORTS);
  if (sourcePorts === "none") return "none";
  const destination = addressCoverage(rule.destinationAddresses, flow.destination);
  if (destination === "none") return "none";
  const source = addressCoverage(rule.sourceAddresses, flow.source);
  return allOf([direction, protocol, ports, sourcePorts, destination, source]);
}

// ---------------------------------------------------------------------------------------------------------
// The first-match walk (shared with the firewall evaluator)

export interface WalkRule {
  access: Access;
  /** Whether the rule's place in the order is known (`definite`), unknown in preview, or unparsable. */
  order: Certainty;
  /** Whether a Deny by this rule is a finding (custom rules; not the NSG defaults). */
  reportable: boolean;
}

export interface Blocker<R> {
  rule: R;
  /** `partial`: the rule certainly denies only part of the flow (some ports, addresses, ...); else `full`. */
  extent: "full" | "partial";
  certainty: Certainty;
}

export interface Verdict<R> {
  /** `none`: no rule covered the whole flow (the firewall's implicit deny; an NSG without its defaults). */
  decision: "allow" | "deny" | "none" | "unknown";
  decidedBy?: R;
  /** How sure the decision is, given earlier rules whose match was unknown or uncertain. */
  certainty: Certainty;
  /** Reportable Deny rules that block all or part of the flow, in evaluation order. */
  blockers: Blocker<R>[];
}

function accessCertainty(access: Access): Certainty {
  return access === "unknown" ? "unknown" : access === "uncertain" ? "uncertain" : "definite";
}

/**
 * First match over `ordered` (rules whose order is known), with `unordered` rules (order unknown) able to
 * come anywhere. Linear in the number of rules; `match` is called at most once per rule.
 */
export function firstMatch<R extends WalkRule>(
  ordered: readonly R[],
  unordered: readonly R[],
  match: (rule: R) => Coverage,
  include: (rule: R) => boolean = () => true,
): Verdict<R> {
  const blockers: Blocker<R>[] = [];
  let shadow: Certainty = "definite";
  let partlyAllowed = false;
  for (const rule of unordered) {
    if (!include(rule)) continue;
    const m = match(rule);
    if (m === "none") continue;
    if (rule.access !== "allow" && rule.reportable) {
      blockers.push({
        rule,
        extent: m === "partial" ? "partial" : "full",
        certainty: worst(certaintyOf(m), accessCertainty(rule.access), rule.order),
      });
    }
    if (rule.access !== "deny") shadow = worst(shadow, rule.order, certaintyOf(m));
  }
  for (const rule of ordered) {
    if (!include(rule)) continue;
    const m = match(rule);
    if (m === "none") continue;
    const matchCertainty = certaintyOf(m);
    const access = accessCertainty(rule.access);
    if (rule.access !== "allow" && rule.reportable) {
      blockers.push({
        rule,
        extent: m === "partial" || partlyAllowed ? "partial" : "full",
        certainty: worst(matchCertainty, access, shadow),
      });
    }
    if (m === "full") {
      if (access !== "definite") return { decision: "unknown", certainty: worst(shadow, access), blockers };
      return { decision: rule.access as "allow" | "deny", decidedBy: rule, certainty: shadow, blockers };
    }
    if (rule.access !== "deny") {
      if (matchCertainty === "definite") partlyAllowed = true;
      else shadow = worst(shadow, matchCertainty);
    }
  }
  return { decision: "none", certainty: shadow, blockers };
}

/** Evaluates one flow against one direction of a compiled NSG; `defaults: false` stops before the defaults. */
export function evaluateFlow<T>(
  rules: OrderedRules<T>,
  flow: Flow,
  options: { defaults: boolean },
): Verdict<CompiledRule<T>> {
  return firstMatch(
    rules.ordered,
    rules.unordered,
    (rule) => ruleCoverage(rule, flow),
    options.defaults ? undefined : (rule) => !rule.isDefault,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Messages

function safePrefix(value: unknown): string {
  if (value === Unknown) return safe(value, "cidr");
  const cidr = safe(value, "cidr");
  return cidr !== "(not shown)" ? cidr : safe(value, "name");
}

function listText(
  single: Read<string>,
  list: Read<readonly unknown[]>,
  asgs?: Read<readonly unknown[]>,
): string {
  const items: string[] = [];
  if (single !== undefined) items.push(safePrefix(single));
  if (list === Unknown) items.push(safe(Unknown, "cidr"));
  else if (Array.isArray(list)) for (const v of list) items.push(safePrefix(isUnknown(v) ? Unknown : v));
  if (asgs === Unknown) items.push("ASG (unknown during preview)");
  else if (Array.isArray(asgs)) {
    for (const id of asgs) {
      const name = typeof id === "string" ? id.split("/").pop() : undefined;
      items.push(`ASG ${safe(isUnknown(id) ? Unknown : name, "name")}`);
    }
  }
  return items.length ? items.join(", ") : "(none)";
}

function portText(single: Read<string>, list: Read<readonly unknown[]>): string {
  const items: string[] = [];
  if (single !== undefined) items.push(safe(single === Unknown ? Unknown : single, "port"));
  if (list === Unknown) items.push(safe(Unknown, "port"));
  else if (Array.isArray(list)) for (const v of list) items.push(safe(isUnknown(v) ? Unknown : v, "port"));
  return items.length ? items.join(", ") : "(none)";
}

/** `rule "deny-443" (priority 100, Outbound Deny Tcp, ports 443, from * to Internet)`, every value shape-checked. */
export function describeSecurityRule(input: SecurityRuleInput): string {
  const enumText = (v: Read<string>) => safe(v === Unknown ? Unknown : v, "enum");
  const priority =
    typeof input.priority === "number" ? safe(String(input.priority), "port") : safe(input.priority, "port");
  const protocol = input.protocol === "*" ? "*" : enumText(input.protocol);
  return (
    `rule ${safe(input.name, "name")} (priority ${priority}, ${enumText(input.direction)} ${enumText(input.access)} ` +
    `${protocol}, ports ${portText(input.destinationPortRange, input.destinationPortRanges)}, from ` +
    `${listText(input.sourceAddressPrefix, input.sourceAddressPrefixes, input.sourceAsgIds)} to ` +
    `${listText(input.destinationAddressPrefix, input.destinationAddressPrefixes, input.destinationAsgIds)})`
  );
}
