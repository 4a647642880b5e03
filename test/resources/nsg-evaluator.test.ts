/**
 * The first-match NSG evaluator alone: a table of flows × rules with the expected decision, deciding rule and
 * blockers (name, extent, certainty). Rules are written as Azure returns them; `read` only reads them into
 * the evaluator's input shape.
 */
import {
  parseCidr,
  privateCoverage,
  rangeContains,
  rangesOverlap,
  unionCoverage,
  mergeRanges,
} from "../../src/resources/cidr";
import {
  AddressEndpoint,
  Coverage,
  Endpoint,
  FlowProtocol,
  PortRange,
  PublicEndpoint,
  SecurityRuleInput,
  WalkRule,
  compileNsg,
  describeSecurityRule,
  evaluateFlow,
  firstMatch,
} from "../../src/resources/nsg-evaluator";
import { Unknown, readArray, readNumber, readString } from "../../src/model/values";

const UNK = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type RawRule = Record<string, unknown>;

function read(raw: RawRule): SecurityRuleInput {
  return {
    name: readString(raw, "name"),
    priority: readNumber(raw, "priority"),
    direction: readString(raw, "direction"),
    access: readString(raw, "access"),
    protocol: readString(raw, "protocol"),
    sourceAddressPrefix: readString(raw, "sourceAddressPrefix"),
    sourceAddressPrefixes: readArray(raw, "sourceAddressPrefixes"),
    sourceAsgIds: readArray(raw, "sourceAsgIds"),
    destinationAddressPrefix: readString(raw, "destinationAddressPrefix"),
    destinationAddressPrefixes: readArray(raw, "destinationAddressPrefixes"),
    destinationAsgIds: readArray(raw, "destinationAsgIds"),
    sourcePortRange: readString(raw, "sourcePortRange"),
    sourcePortRanges: readArray(raw, "sourcePortRanges"),
    destinationPortRange: readString(raw, "destinationPortRange"),
    destinationPortRanges: readArray(raw, "destinationPortRanges"),
  };
}

function range(cidr: string) {
  const r = parseCidr(cidr);
  if (!r) throw new Error(`bad test CIDR ${cidr}`);
  return r;
}

/** The AKS node subnet 10.0.0.0/22, inside the VNet; its pools join ASG `asg-nodes`. */
const SUBNET: AddressEndpoint = {
  kind: "addresses",
  ranges: [{ range: range("10.0.0.0/22"), virtualNetwork: "full", internet: "none" }],
  virtualNetworkIfUnknown: "full",
  asgs: new Map<string, Coverage>([
    ["asg-nodes", "full"],
    ["asg-some", "partial"],
  ]),
};
const SUBNET_UNKNOWN_ASGS: AddressEndpoint = { ...SUBNET, asgs: Unknown };
const SUBNET_V6: AddressEndpoint = {
  kind: "addresses",
  ranges: [{ range: range("fd00:1:2:3::/64"), virtualNetwork: "full", internet: "none" }],
  virtualNetworkIfUnknown: "full",
  asgs: new Map(),
};
/** Overlay pod CIDR outside the VNet address space. */
const PODS: AddressEndpoint = {
  kind: "addresses",
  ranges: [{ range: range("10.244.0.0/16"), virtualNetwork: "none", internet: "none" }],
  virtualNetworkIfUnknown: "none",
  asgs: new Map(),
};
const DNS_IN_VNET: AddressEndpoint = {
  kind: "addresses",
  ranges: [{ range: range("10.0.5.4"), virtualNetwork: "full", internet: "none" }],
  virtualNetworkIfUnknown: "unknown",
  asgs: new Map(),
};
const DNS_PUBLIC: AddressEndpoint = {
  kind: "addresses",
  ranges: [{ range: range("8.8.8.8"), virtualNetwork: "none", internet: "full" }],
  virtualNetworkIfUnknown: "unknown",
  asgs: new Map(),
};
const DNS_PRIVATE_OUTSIDE: AddressEndpoint = {
  kind: "addresses",
  ranges: [{ range: range("192.168.1.1"), virtualNetwork: "none", internet: "none" }],
  virtualNetworkIfUnknown: "unknown",
  asgs: new Map(),
};
const MCR: PublicEndpoint = {
  kind: "public",
  tags: new Set(["internet"]),
  anyAzureCloudRegion: false,
  cidrs: [],
};
const API: PublicEndpoint = {
  kind: "public",
  tags: new Set(["internet", "azurecloud", "azurecloud.westeurope"]),
  anyAzureCloudRegion: false,
  cidrs: [],
};
const API_ANY_REGION: PublicEndpoint = {
  kind: "public",
  tags: new Set(["internet", "azurecloud"]),
  anyAzureCloudRegion: true,
  cidrs: [],
};

const ALL: PortRange = { first: 0, last: 65535 };

interface Row {
  name: string;
  rules: RawRule[];
  protocol?: FlowProtocol;
  /** Destination port(s); default 443. */
  ports?: PortRange;
  source?: Endpoint;
  destination?: Endpoint;
  direction?: "inbound" | "outbound";
  /** Append the default rules (default true). */
  defaults?: boolean;
  decision: "allow" | "deny" | "none" | "unknown";
  /** Name of the deciding rule (custom or default). */
  by?: string;
  blockers?: Array<
    [name: string, extent: "full" | "partial", certainty: "definite" | "unknown" | "uncertain"]
  >;
}

const out = (rule: RawRule): RawRule => ({
  direction: "Outbound",
  protocol: "Tcp",
  sourceAddressPrefix: "*",
  sourcePortRange: "*",
  destinationAddressPrefix: "*",
  destinationPortRange: "443",
  ...rule,
});

const rows: Row[] = [
  // Defaults
  {
    name: "no custom rules: AllowInternetOutBound",
    rules: [],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
  },
  {
    name: "no custom rules, private address outside the VNet: DenyAllOutBound, not reportable",
    rules: [],
    destination: DNS_PRIVATE_OUTSIDE,
    protocol: "udp",
    ports: { first: 53, last: 53 },
    decision: "deny",
    by: "DenyAllOutBound",
    blockers: [],
  },
  {
    name: "no custom rules, DNS inside the VNet: AllowVnetOutBound",
    rules: [],
    destination: DNS_IN_VNET,
    decision: "allow",
    by: "AllowVnetOutBound",
  },
  {
    name: "inbound default: VNet to VNet allowed",
    rules: [],
    direction: "inbound",
    source: SUBNET,
    destination: SUBNET,
    ports: ALL,
    decision: "allow",
    by: "AllowVnetInBound",
  },
  {
    name: "inbound default: overlay pods (outside the VNet tag) hit DenyAllInBound",
    rules: [],
    direction: "inbound",
    source: PODS,
    destination: SUBNET,
    ports: ALL,
    decision: "deny",
    by: "DenyAllInBound",
    blockers: [],
  },
  { name: "defaults off: no decision", rules: [], destination: MCR, defaults: false, decision: "none" },
  // First match, priority
  {
    name: "Deny → Internet decides",
    rules: [out({ name: "d", access: "Deny", priority: 100, destinationAddressPrefix: "Internet" })],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "Allow 100 shadows Deny 200",
    rules: [
      out({ name: "a", access: "Allow", priority: 100 }),
      out({ name: "d", access: "Deny", priority: 200 }),
    ],
    destination: MCR,
    decision: "allow",
    by: "a",
  },
  {
    name: "Deny 100 before Allow 200",
    rules: [
      out({ name: "a", access: "Allow", priority: 200 }),
      out({ name: "d", access: "Deny", priority: 100 }),
    ],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "equal priorities: ordered by name (ARM rejects them anyway)",
    rules: [
      out({ name: "b", access: "Allow", priority: 100 }),
      out({ name: "a", access: "Deny", priority: 100 }),
    ],
    destination: MCR,
    decision: "deny",
    by: "a",
    blockers: [["a", "full", "definite"]],
  },
  // Protocols
  {
    name: "Udp rule does not match a TCP flow",
    rules: [out({ name: "d", access: "Deny", priority: 100, protocol: "Udp" })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
  },
  {
    name: "protocol * matches",
    rules: [out({ name: "d", access: "Deny", priority: 100, protocol: "*" })],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "protocol TCP (upper case) matches",
    rules: [out({ name: "d", access: "Deny", priority: 100, protocol: "TCP" })],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "protocol Any matches",
    rules: [out({ name: "d", access: "Deny", priority: 100, protocol: "Any" })],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "protocol Icmp does not match TCP",
    rules: [out({ name: "d", access: "Deny", priority: 100, protocol: "Icmp", destinationPortRange: "*" })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
  },
  // Ports
  {
    name: "port range 400-500 holds 443",
    rules: [out({ name: "d", access: "Deny", priority: 100, destinationPortRange: "400-500" })],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "port list [80, 443]",
    rules: [
      out({
        name: "d",
        access: "Deny",
        priority: 100,
        destinationPortRange: undefined,
        destinationPortRanges: ["80", "443"],
      }),
    ],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "port range 444-500 misses 443",
    rules: [out({ name: "d", access: "Deny", priority: 100, destinationPortRange: "444-500" })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
  },
  {
    name: "overlapping ranges in a list are merged: 0-300, 200-65535 cover all ports",
    rules: [
      out({
        name: "a",
        access: "Allow",
        priority: 100,
        destinationPortRange: undefined,
        destinationPortRanges: ["0-300", "200-65535"],
      }),
      out({ name: "d", access: "Deny", priority: 200, destinationPortRange: "*" }),
    ],
    ports: ALL,
    destination: MCR,
    decision: "allow",
    by: "a",
  },
  {
    name: "an Allow on some ports of an all-ports class is partial: a later Deny still blocks the rest",
    rules: [
      out({ name: "a", access: "Allow", priority: 100, destinationPortRange: "1-1000" }),
      out({ name: "d", access: "Deny", priority: 200, destinationPortRange: "*" }),
    ],
    ports: ALL,
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "partial", "definite"]],
  },
  {
    name: "a Deny on some ports of an all-ports class blocks part; the default then allows the rest",
    rules: [out({ name: "d", access: "Deny", priority: 100, destinationPortRange: "10250" })],
    ports: ALL,
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
    blockers: [["d", "partial", "definite"]],
  },
  {
    name: "unknown port entry besides a miss: unknown",
    rules: [
      out({
        name: "d",
        access: "Deny",
        priority: 100,
        destinationPortRange: undefined,
        destinationPortRanges: ["80", UNK],
      }),
    ],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
    blockers: [["d", "full", "unknown"]],
  },
  {
    name: "unparsable port: uncertain",
    rules: [out({ name: "d", access: "Deny", priority: 100, destinationPortRange: "https" })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
    blockers: [["d", "full", "uncertain"]],
  },
  {
    name: "missing destination port: cannot be evaluated",
    rules: [out({ name: "d", access: "Deny", priority: 100, destinationPortRange: undefined })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
    blockers: [["d", "full", "uncertain"]],
  },
  {
    name: "missing source port counts as *",
    rules: [out({ name: "d", access: "Deny", priority: 100, sourcePortRange: undefined })],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "source ports 0-1023 miss client ports",
    rules: [out({ name: "d", access: "Deny", priority: 100, sourcePortRange: "0-1023" })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
  },
  {
    name: "source ports 32768-60999 cover part of the client ports",
    rules: [out({ name: "d", access: "Deny", priority: 100, sourcePortRange: "32768-60999" })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
    blockers: [["d", "partial", "definite"]],
  },
  // Destinations
  {
    name: "0.0.0.0/0 covers a public endpoint",
    rules: [out({ name: "d", access: "Deny", priority: 100, destinationAddressPrefix: "0.0.0.0/0" })],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "::/0 covers a public endpoint",
    rules: [out({ name: "d", access: "Deny", priority: 100, destinationAddressPrefix: "::/0" })],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "a literal CIDR does not cover a public FQDN endpoint",
    rules: [out({ name: "d", access: "Deny", priority: 100, destinationAddressPrefix: "203.0.113.0/24" })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
  },
  {
    name: "AzureCloud covers the API server",
    rules: [out({ name: "d", access: "Deny", priority: 100, destinationAddressPrefix: "AzureCloud" })],
    destination: API,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "AzureCloud may hold MCR: uncertain",
    rules: [out({ name: "d", access: "Deny", priority: 100, destinationAddressPrefix: "azurecloud" })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
    blockers: [["d", "full", "uncertain"]],
  },
  {
    name: "AzureCloud.eastus does not cover a westeurope API server",
    rules: [out({ name: "d", access: "Deny", priority: 100, destinationAddressPrefix: "AzureCloud.eastus" })],
    destination: API,
    decision: "allow",
    by: "AllowInternetOutBound",
  },
  {
    name: "AzureCloud.<any region> covers the API server when the region is unknown",
    rules: [out({ name: "d", access: "Deny", priority: 100, destinationAddressPrefix: "AzureCloud.eastus" })],
    destination: API_ANY_REGION,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "an unrelated service tag (Storage) does not cover MCR",
    rules: [out({ name: "d", access: "Deny", priority: 100, destinationAddressPrefix: "Storage" })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
  },
  {
    name: "destination prefixes list: one entry Internet",
    rules: [
      out({
        name: "d",
        access: "Deny",
        priority: 100,
        destinationAddressPrefix: undefined,
        destinationAddressPrefixes: ["10.9.0.0/16", "Internet"],
      }),
    ],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "VirtualNetwork covers a DNS server inside the VNet",
    rules: [
      out({
        name: "d",
        access: "Deny",
        priority: 100,
        protocol: "Udp",
        destinationPortRange: "53",
        destinationAddressPrefix: "VirtualNetwork",
      }),
    ],
    protocol: "udp",
    ports: { first: 53, last: 53 },
    destination: DNS_IN_VNET,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "Internet covers a public DNS server",
    rules: [
      out({
        name: "d",
        access: "Deny",
        priority: 100,
        protocol: "*",
        destinationPortRange: "53",
        destinationAddressPrefix: "Internet",
      }),
    ],
    protocol: "udp",
    ports: { first: 53, last: 53 },
    destination: DNS_PUBLIC,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "Internet does not cover a private DNS server",
    rules: [
      out({
        name: "d",
        access: "Deny",
        priority: 100,
        protocol: "*",
        destinationPortRange: "53",
        destinationAddressPrefix: "Internet",
      }),
    ],
    protocol: "udp",
    ports: { first: 53, last: 53 },
    destination: DNS_IN_VNET,
    decision: "allow",
    by: "AllowVnetOutBound",
  },
  {
    name: "a CIDR holding the DNS server's IP",
    rules: [
      out({
        name: "d",
        access: "Deny",
        priority: 100,
        protocol: "Udp",
        destinationPortRange: "53",
        destinationAddressPrefix: "10.0.4.0/22",
      }),
    ],
    protocol: "udp",
    ports: { first: 53, last: 53 },
    destination: DNS_IN_VNET,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  // Sources: CIDR containment, tags, ASGs, IPv6
  {
    name: "source CIDR containing the subnet",
    rules: [out({ name: "d", access: "Deny", priority: 100, sourceAddressPrefix: "10.0.0.0/16" })],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "source CIDR with host bits set (10.0.0.5/22) is normalised",
    rules: [out({ name: "d", access: "Deny", priority: 100, sourceAddressPrefix: "10.0.0.5/22" })],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "source CIDR inside the subnet: partial",
    rules: [out({ name: "d", access: "Deny", priority: 100, sourceAddressPrefix: "10.0.2.0/24" })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
    blockers: [["d", "partial", "definite"]],
  },
  {
    name: "two source CIDRs that together hold the subnet",
    rules: [
      out({
        name: "a",
        access: "Allow",
        priority: 100,
        sourceAddressPrefix: undefined,
        sourceAddressPrefixes: ["10.0.0.0/23", "10.0.2.0/23"],
      }),
      out({ name: "d", access: "Deny", priority: 200 }),
    ],
    destination: MCR,
    decision: "allow",
    by: "a",
  },
  {
    name: "source CIDR elsewhere",
    rules: [out({ name: "d", access: "Deny", priority: 100, sourceAddressPrefix: "192.168.0.0/16" })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
  },
  {
    name: "source VirtualNetwork holds the subnet",
    rules: [out({ name: "d", access: "Deny", priority: 100, sourceAddressPrefix: "VirtualNetwork" })],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "source Internet does not hold the subnet",
    rules: [out({ name: "d", access: "Deny", priority: 100, sourceAddressPrefix: "Internet" })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
  },
  {
    name: "source ASG every pool joins",
    rules: [
      out({
        name: "d",
        access: "Deny",
        priority: 100,
        sourceAddressPrefix: undefined,
        sourceAsgIds: ["ASG-NODES"],
      }),
    ],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "source ASG some pools join: partial",
    rules: [
      out({
        name: "d",
        access: "Deny",
        priority: 100,
        sourceAddressPrefix: undefined,
        sourceAsgIds: ["asg-some"],
      }),
    ],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
    blockers: [["d", "partial", "definite"]],
  },
  {
    name: "source ASG, pools' ASG list unknown",
    rules: [
      out({
        name: "d",
        access: "Deny",
        priority: 100,
        sourceAddressPrefix: undefined,
        sourceAsgIds: ["asg-nodes"],
      }),
    ],
    source: SUBNET_UNKNOWN_ASGS,
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
    blockers: [["d", "full", "unknown"]],
  },
  {
    name: "IPv6 subnet held by an IPv6 prefix (compressed form)",
    rules: [out({ name: "d", access: "Deny", priority: 100, sourceAddressPrefix: "fd00::/16" })],
    source: SUBNET_V6,
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "definite"]],
  },
  {
    name: "an IPv4 prefix never holds an IPv6 subnet",
    rules: [out({ name: "d", access: "Deny", priority: 100, sourceAddressPrefix: "0.0.0.0/0" })],
    source: SUBNET_V6,
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
  },
  {
    name: "IPv6 partial overlap",
    rules: [out({ name: "d", access: "Deny", priority: 100, sourceAddressPrefix: "fd00:1:2:3:8000::/65" })],
    source: SUBNET_V6,
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
    blockers: [["d", "partial", "definite"]],
  },
  // Unknowns and unparsable values
  {
    name: "unknown priority: the Deny may come anywhere",
    rules: [out({ name: "d", access: "Deny", priority: UNK })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
    blockers: [["d", "full", "unknown"]],
  },
  {
    name: "unknown access on a full match: undecided",
    rules: [out({ name: "d", access: UNK, priority: 100 })],
    destination: MCR,
    decision: "unknown",
    blockers: [["d", "full", "unknown"]],
  },
  {
    name: "an Allow with an unknown destination makes a later Deny only possible",
    rules: [
      out({ name: "a", access: "Allow", priority: 100, destinationAddressPrefix: UNK }),
      out({ name: "d", access: "Deny", priority: 200 }),
    ],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "full", "unknown"]],
  },
  {
    name: "a partial Allow before a full Deny: the Deny blocks the rest (definite, partial)",
    rules: [
      out({ name: "a", access: "Allow", priority: 100, sourceAddressPrefix: "10.0.0.0/23" }),
      out({ name: "d", access: "Deny", priority: 200 }),
    ],
    destination: MCR,
    decision: "deny",
    by: "d",
    blockers: [["d", "partial", "definite"]],
  },
  {
    name: "a partial Deny before a full Allow still blocks its part",
    rules: [
      out({ name: "d", access: "Deny", priority: 100, sourceAddressPrefix: "10.0.0.0/23" }),
      out({ name: "a", access: "Allow", priority: 200 }),
    ],
    destination: MCR,
    decision: "allow",
    by: "a",
    blockers: [["d", "partial", "definite"]],
  },
  {
    name: "unparsable prefix: uncertain",
    rules: [out({ name: "d", access: "Deny", priority: 100, sourceAddressPrefix: "10.0.0.300/8" })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
    blockers: [["d", "full", "uncertain"]],
  },
  {
    name: "unknown direction: applies to both directions as unknown",
    rules: [out({ name: "d", access: "Deny", priority: 100, direction: UNK })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
    blockers: [["d", "full", "unknown"]],
  },
  {
    name: "an Inbound rule does not apply to an outbound flow",
    rules: [out({ name: "d", access: "Deny", priority: 100, direction: "Inbound" })],
    destination: MCR,
    decision: "allow",
    by: "AllowInternetOutBound",
  },
  // Intra-cluster classes (no defaults)
  {
    name: "intra: Deny * * at 4096 blocks POD→NODE inbound",
    rules: [
      {
        name: "deny-all-in",
        priority: 4096,
        direction: "Inbound",
        access: "Deny",
        protocol: "*",
        sourceAddressPrefix: "*",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "*",
      },
    ],
    direction: "inbound",
    source: PODS,
    destination: SUBNET,
    ports: ALL,
    defaults: false,
    decision: "deny",
    by: "deny-all-in",
    blockers: [["deny-all-in", "full", "definite"]],
  },
  {
    name: "intra: Allow VirtualNetwork → VirtualNetwork does not cover overlay pods",
    rules: [
      {
        name: "allow-vnet",
        priority: 100,
        direction: "Inbound",
        access: "Allow",
        protocol: "*",
        sourceAddressPrefix: "VirtualNetwork",
        sourcePortRange: "*",
        destinationAddressPrefix: "VirtualNetwork",
        destinationPortRange: "*",
      },
      {
        name: "deny-all-in",
        priority: 4096,
        direction: "Inbound",
        access: "Deny",
        protocol: "*",
        sourceAddressPrefix: "*",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "*",
      },
    ],
    direction: "inbound",
    source: PODS,
    destination: SUBNET,
    ports: ALL,
    defaults: false,
    decision: "deny",
    by: "deny-all-in",
    blockers: [["deny-all-in", "full", "definite"]],
  },
  {
    name: "intra: Allow for node and pod CIDRs shadows the Deny",
    rules: [
      {
        name: "allow-cluster",
        priority: 100,
        direction: "Inbound",
        access: "Allow",
        protocol: "*",
        sourceAddressPrefixes: ["10.0.0.0/22", "10.244.0.0/16"],
        sourcePortRange: "*",
        destinationAddressPrefixes: ["10.0.0.0/22", "10.244.0.0/16"],
        destinationPortRange: "*",
      },
      {
        name: "deny-all-in",
        priority: 4096,
        direction: "Inbound",
        access: "Deny",
        protocol: "*",
        sourceAddressPrefix: "*",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "*",
      },
    ],
    direction: "inbound",
    source: PODS,
    destination: SUBNET,
    ports: ALL,
    defaults: false,
    decision: "allow",
    by: "allow-cluster",
  },
  {
    name: "intra: Deny kubelet port from pods is a partial hit",
    rules: [
      {
        name: "deny-kubelet",
        priority: 300,
        direction: "Inbound",
        access: "Deny",
        protocol: "Tcp",
        sourceAddressPrefix: "10.244.0.0/16",
        sourcePortRange: "*",
        destinationAddressPrefix: "10.0.0.0/22",
        destinationPortRange: "10250",
      },
    ],
    direction: "inbound",
    source: PODS,
    destination: SUBNET,
    ports: ALL,
    defaults: false,
    decision: "none",
    blockers: [["deny-kubelet", "partial", "definite"]],
  },
];

describe("first-match evaluator (flows × rules)", () => {
  it.each(rows.map((r) => [r.name, r] as const))("%s", (_name, row) => {
    const nsg = compileNsg(row.rules.map(read));
    const verdict = evaluateFlow(
      nsg[row.direction ?? "outbound"],
      {
        protocol: row.protocol ?? "tcp",
        ports: row.ports ?? { first: 443, last: 443 },
        source: row.source ?? SUBNET,
        destination: row.destination ?? MCR,
      },
      { defaults: row.defaults ?? true },
    );
    const name = (r: (typeof verdict)["decidedBy"]) =>
      r ? (r.isDefault ? r.defaultName : (r.input?.name as string)) : undefined;
    expect({
      decision: verdict.decision,
      by: name(verdict.decidedBy),
      blockers: verdict.blockers.map((b) => [name(b.rule), b.extent, b.certainty]),
    }).toEqual({ decision: row.decision, by: row.by, blockers: row.blockers ?? [] });
  });

  it("is linear: the match function runs at most once per rule and flow", () => {
    const rules: Array<WalkRule & { n: number }> = Array.from({ length: 4000 }, (_, n) => ({
      n,
      access: n % 2 ? "allow" : "deny",
      order: "definite",
      reportable: true,
    }));
    let calls = 0;
    const verdict = firstMatch(rules, [], (r) => {
      calls += 1;
      return r.n === 3999 ? "full" : r.n % 7 === 0 ? "partial" : "none";
    });
    expect(calls).toBe(4000);
    expect(verdict.decision).toBe("allow");
  });

  it("evaluates 5000 rules × 20 flows quickly", () => {
    const raw = Array.from({ length: 5000 }, (_, i) =>
      out({
        name: `r${i}`,
        access: i === 4999 ? "Deny" : "Allow",
        priority: 100 + i,
        sourceAddressPrefix: `172.16.${i % 256}.0/24`,
      }),
    );
    const nsg = compileNsg(raw.map(read));
    const start = Date.now();
    for (let f = 0; f < 20; f++)
      evaluateFlow(
        nsg.outbound,
        { protocol: "tcp", ports: { first: 443, last: 443 }, source: SUBNET, destination: MCR },
        { defaults: true },
      );
    expect(Date.now() - start).toBeLessThan(2000);
  });

  it("describes a rule with shape-checked values only", () => {
    const text = describeSecurityRule(
      read(
        out({ name: "deny web", access: "Deny", priority: 100, destinationAddressPrefix: "s3cr3t value" }),
      ),
    );
    expect(text).toBe("rule (not shown) (priority 100, Outbound Deny Tcp, ports 443, from * to (not shown))");
  });
});

describe("cidr", () => {
  it.each([
    ["10.0.0.0/8", "10.1.2.0/24", true],
    ["10.1.2.0/24", "10.0.0.0/8", false],
    ["0.0.0.0/0", "203.0.113.7", true],
    ["2001:db8::/32", "2001:db8:0:1::1", true],
    ["::ffff:10.0.0.0/104", "::ffff:10.1.2.3", true],
    ["10.0.0.0/8", "::ffff:10.1.2.3", false],
  ])("%s contains %s: %s", (outer, inner, expected) => {
    expect(rangeContains(range(outer), range(inner))).toBe(expected);
  });

  it.each([
    ["10.0.0.0/23", "10.0.1.0/24", true],
    ["10.0.0.0/24", "10.0.1.0/24", false],
    ["fd00::/8", "fdff::/16", true],
  ])("%s overlaps %s: %s", (a, b, expected) => {
    expect(rangesOverlap(range(a), range(b))).toBe(expected);
  });

  it.each([
    "10.0.0.256",
    "10.0.0.0/33",
    "1.2.3",
    "2001:db8:::1",
    "1:2:3:4:5:6:7:8:9",
    "abc",
    "10.0.0.0/",
    "",
  ])("rejects %j", (text) => expect(parseCidr(text)).toBeUndefined());

  it("merges adjacent ranges and measures union coverage", () => {
    const merged = mergeRanges([range("10.0.2.0/23"), range("10.0.0.0/23")]);
    expect(merged).toHaveLength(1);
    expect(unionCoverage(merged, range("10.0.0.0/22"))).toBe("full");
    expect(unionCoverage(merged, range("10.0.0.0/21"))).toBe("partial");
    expect(unionCoverage(merged, range("10.1.0.0/22"))).toBe("none");
  });

  it("tells private from public ranges", () => {
    expect(privateCoverage(range("10.0.0.0/16"))).toBe("full");
    expect(privateCoverage(range("8.8.8.8"))).toBe("none");
    expect(privateCoverage(range("0.0.0.0/0"))).toBe("partial");
    expect(privateCoverage(range("fd12::/64"))).toBe("full");
  });
});
