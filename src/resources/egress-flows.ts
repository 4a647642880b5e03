/**
 * The egress an AKS cluster needs (rule-catalog §1.7), shared by the NSG, firewall and route-table rules.
 * Source: AKS docs `outbound-rules-control-egress.md` ("Azure Global required network rules" and
 * "…required FQDN / application rules") and `limit-egress-traffic.md` (FQDN tag `AzureKubernetesService`).
 */
import { IpRange, parseCidr, privateCoverage, rangeContains, rangesOverlap } from "./cidr";
import type { ClusterView } from "./cluster";
import {
  Certainty,
  Coverage,
  Endpoint,
  EndpointRange,
  Flow,
  FlowProtocol,
  PublicEndpoint,
  worst,
} from "./nsg-evaluator";
import { Read, Unknown, equalsIgnoreCase, isUnknown } from "../model/values";

/** `off`: not checked; `advisory`: findings capped at advisory; `required`: findings at the rule's level. */
export type OptionalFlowLevel = "off" | "advisory" | "required";

export type FlowLevel = "required" | "advisory";

/** The API server FQDN (E1); `{region}` is the cluster's location. */
export const API_SERVER_FQDN = "*.hcp.{region}.azmk8s.io";

/** Azure Global required FQDNs (E1–E6), `outbound-rules-control-egress.md`. */
export const REQUIRED_FQDNS: readonly string[] = [
  API_SERVER_FQDN,
  "mcr.microsoft.com",
  "*.data.mcr.microsoft.com",
  "mcr-0001.mcr-msedge.net",
  "management.azure.com",
  "login.microsoftonline.com",
  "packages.microsoft.com",
  "acs-mirror.azureedge.net",
];

/** The docs say it "will be replacing" `acs-mirror.azureedge.net`: reported as advisory only. */
export const ADVISORY_FQDNS: readonly string[] = ["packages.aks.azure.com"];

/** Endpoints per flow id, for messages. */
export const FLOW_TARGETS: Readonly<Record<string, string>> = {
  E1: `${API_SERVER_FQDN} (API server)`,
  E2: "mcr.microsoft.com, *.data.mcr.microsoft.com, mcr-0001.mcr-msedge.net",
  E3: "management.azure.com",
  E4: "login.microsoftonline.com",
  E5: "packages.microsoft.com",
  E6: "acs-mirror.azureedge.net",
  E7: "AzureCloud.{region} (tunnel)",
  E8: "AzureCloud.{region} (tunnel)",
  E9: "ntp.ubuntu.com",
};

export interface ClusterEgress {
  /** Network-isolated (`outboundType` `none`/`block`): no egress flow applies. */
  isolated: boolean;
  /** How sure the flow list is (the outbound type may be unknown during preview). */
  certainty: Certainty;
  /** Normalised location (lower case, no spaces), or undefined when unknown. */
  region: string | undefined;
  /** Whether the API server is private (then E1, E7, E8 do not apply). */
  privateCluster: "yes" | "no" | Certainty;
  outboundType: string;
}

/**
 * Outbound types (azure-native 3.28.0 `OutboundType`; AKS `egress-outboundtype.md`):
 * `loadBalancer` (default) and `managedNATGateway`/`userAssignedNATGateway` give egress through AKS's load
 * balancer or a NAT gateway; `userDefinedRouting` sends it along the subnet's routes; `none` (and the preview
 * `block`) are the network-isolated types, for which no egress is required.
 */
export const ISOLATED_OUTBOUND_TYPES = ["none", "block"];

/**
 * An Azure region once normalised (`West Europe` → `westeurope`, `eastus2`). The region is printed in messages
 * (`*.hcp.<region>.azmk8s.io`): a location of any other shape is treated as not known, so that it is never echoed.
 */
const REGION = /^[a-z][a-z0-9]{1,39}$/;

function regionOf(location: unknown): string | undefined {
  const region = typeof location === "string" ? location.toLowerCase().replace(/\s+/g, "") : undefined;
  return region !== undefined && REGION.test(region) ? region : undefined;
}

export function clusterEgress(cluster: ClusterView | undefined): ClusterEgress {
  if (!cluster) {
    // A subnet named by `aksSubnetIds`: the cluster's settings are not in this stack.
    return {
      isolated: false,
      certainty: "definite",
      region: undefined,
      privateCluster: "uncertain",
      outboundType: "loadBalancer",
    };
  }
  const outbound = cluster.outboundType;
  const type = typeof outbound === "string" ? outbound : "loadBalancer";
  const location = cluster.location;
  const isPrivate = cluster.privateCluster;
  return {
    isolated: ISOLATED_OUTBOUND_TYPES.some((t) => equalsIgnoreCase(t, type)),
    certainty: outbound === Unknown ? "unknown" : "definite",
    region: regionOf(location),
    privateCluster: isPrivate === true ? "yes" : isPrivate === Unknown ? "unknown" : "no",
    outboundType: type,
  };
}

export interface EgressFlow {
  /** `E1`…`E10`, or `P1`… for configured `requiredPorts`. */
  id: string;
  protocol: FlowProtocol;
  port: number;
  /** What the flow reaches, for messages. */
  target: string;
  level: FlowLevel;
  certainty: Certainty;
  /** The destination as an NSG sees it. */
  destination: Endpoint;
}

/** An address range as an endpoint, with its coverage by the `VirtualNetwork` and `Internet` tags. */
export function endpointRange(range: IpRange, virtualNetwork: Coverage): EndpointRange {
  const priv = privateCoverage(range);
  let internet: Coverage;
  if (virtualNetwork === "full" || priv === "full") internet = "none";
  else if (virtualNetwork === "unknown") internet = "unknown";
  else if (priv === "none" && virtualNetwork === "none") internet = "full";
  else internet = "partial";
  return { range, virtualNetwork, internet };
}

/** Coverage of `range` by a VNet's address space (the VirtualNetwork tag's own part). */
export function vnetCoverage(range: IpRange, addressSpace: Read<readonly unknown[]>): Coverage {
  if (addressSpace === Unknown) return "unknown";
  if (!Array.isArray(addressSpace)) return "none";
  let partial = false;
  let unknown = false;
  for (const entry of addressSpace) {
    if (isUnknown(entry)) unknown = true;
    const space = typeof entry === "string" ? parseCidr(entry) : undefined;
    if (!space) continue;
    if (rangeContains(space, range)) return "full";
    if (rangesOverlap(space, range)) partial = true;
  }
  return unknown ? "unknown" : partial ? "partial" : "none";
}

function publicEndpoint(
  tags: readonly string[],
  region: string | undefined,
  cidrs: IpRange[] = [],
): PublicEndpoint {
  const set = new Set(tags.map((t) => t.toLowerCase()));
  const regional = set.has("azurecloud.{region}");
  set.delete("azurecloud.{region}");
  if (regional && region) set.add(`azurecloud.${region}`);
  return { kind: "public", tags: set, anyAzureCloudRegion: regional && !region, cidrs };
}

export interface RequiredPort {
  protocol: "Tcp" | "Udp";
  port: number;
  destinations?: string[];
}

export interface NsgFlowOptions {
  requiredPorts?: readonly RequiredPort[];
  legacyTunnelPorts: OptionalFlowLevel;
  ntp: OptionalFlowLevel;
  serviceTagMap: Readonly<Record<string, readonly string[]>>;
}

const INTERNET = ["internet"];
const AZURE_CLOUD = ["internet", "azurecloud", "azurecloud.{region}"];

function level(option: OptionalFlowLevel): FlowLevel | undefined {
  return option === "off" ? undefined : option;
}

/**
 * The egress flows of one cluster as an NSG sees them (rule-catalog §2.11 step 1). DNS flows (E10) go to
 * each custom DNS server of the subnet's VNet; `addressSpace` places them inside or outside the VNet.
 */
export function nsgEgressFlows(
  egress: ClusterEgress,
  options: NsgFlowOptions,
  dns: { servers: Read<readonly unknown[]>; addressSpace: Read<readonly unknown[]> },
): EgressFlow[] {
  if (egress.isolated) return [];
  const region = egress.region;
  const flows: EgressFlow[] = [];
  const extraTags = (id: string) => options.serviceTagMap[id] ?? [];
  if (options.requiredPorts && options.requiredPorts.length) {
    options.requiredPorts.forEach((p, i) => {
      const destinations = p.destinations ?? ["*", "0.0.0.0/0", "Any", "Internet"];
      const cidrs = destinations.map((d) => parseCidr(d)).filter((r): r is IpRange => r !== undefined);
      flows.push({
        id: `P${i + 1}`,
        protocol: p.protocol === "Udp" ? "udp" : "tcp",
        port: p.port,
        target: destinations.join(", "),
        level: "required",
        certainty: egress.certainty,
        destination: publicEndpoint(
          destinations.filter((d) => !parseCidr(d)),
          region,
          cidrs,
        ),
      });
    });
    return flows;
  }
  const regionText = (text: string) => text.replace("{region}", region ?? "<region>");
  const push = (
    id: string,
    protocol: FlowProtocol,
    port: number,
    tags: string[],
    lvl: FlowLevel,
    cert: Certainty,
  ) =>
    flows.push({
      id,
      protocol,
      port,
      target: regionText(FLOW_TARGETS[id]),
      level: lvl,
      certainty: cert,
      destination: publicEndpoint([...tags, ...extraTags(id)], region),
    });
  const privateCertainty: Certainty =
    egress.privateCluster === "yes" || egress.privateCluster === "no" ? "definite" : egress.privateCluster;
  const publicApi = egress.privateCluster !== "yes";
  const base = egress.certainty;
  if (publicApi) push("E1", "tcp", 443, AZURE_CLOUD, "required", worst(base, privateCertainty));
  for (const id of ["E2", "E3", "E4", "E5", "E6"]) push(id, "tcp", 443, INTERNET, "required", base);
  const tunnel = level(options.legacyTunnelPorts);
  if (tunnel && publicApi) {
    push("E7", "udp", 1194, AZURE_CLOUD, tunnel, worst(base, privateCertainty));
    push("E8", "tcp", 9000, AZURE_CLOUD, tunnel, worst(base, privateCertainty));
  }
  const ntp = level(options.ntp);
  if (ntp) push("E9", "udp", 123, INTERNET, ntp, base);
  flows.push(...dnsFlows(dns.servers, dns.addressSpace, base));
  return flows;
}

/** E10: UDP and TCP 53 to each custom DNS server (an IP address). */
export function dnsFlows(
  servers: Read<readonly unknown[]>,
  addressSpace: Read<readonly unknown[]>,
  certainty: Certainty,
): EgressFlow[] {
  if (!Array.isArray(servers)) return [];
  const flows: EgressFlow[] = [];
  for (const server of servers) {
    const unknown = isUnknown(server);
    const range = typeof server === "string" && !unknown ? parseCidr(server) : undefined;
    if (!unknown && !range) continue;
    for (const protocol of ["udp", "tcp"] as const) {
      flows.push({
        id: "E10",
        protocol,
        port: 53,
        target: `DNS server ${unknown ? "(unknown during preview)" : (server as string)}`,
        level: "required",
        certainty,
        destination: {
          kind: "addresses",
          ranges: range ? [endpointRange(range, vnetCoverage(range, addressSpace))] : Unknown,
          virtualNetworkIfUnknown: "unknown",
          asgs: new Map(),
        },
      });
    }
  }
  return flows;
}

/** The flow as the evaluator takes it, from a given source. */
export function toFlow(flow: EgressFlow, source: Endpoint): Flow {
  return {
    protocol: flow.protocol,
    ports: { first: flow.port, last: flow.port },
    source,
    destination: flow.destination,
  };
}
