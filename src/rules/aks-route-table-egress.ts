import { Finding, defineRule } from "../model/rule";
import { Unknown, equalsIgnoreCase, safe } from "../model/values";
import { joinCapped, subnetText } from "../resources/aks-endpoints";
import { parseCidr } from "../resources/cidr";
import { ClusterEgress, clusterEgress } from "../resources/egress-flows";
import {
  AksSubnet,
  Owner,
  Proof,
  ROUTE_RULE_TYPES,
  RouteTableNode,
  RouteView,
  clusterLabel,
  scanStackNetwork,
} from "../resources/network";

interface Options {
  blackholePrefixes: string[];
}

type Severity = "mandatory" | "advisory" | "cannot-know";

interface Hit {
  owner: Owner;
  path: string;
  kind: "blackhole" | "no-table" | "no-default" | "internet" | "unknown";
  severity: Severity;
  what: string;
  places: Set<string>;
}

const DOCS = "AKS docs: egress-udr.md, egress-outboundtype.md";
const GATEWAY_HOPS = ["VirtualAppliance", "VirtualNetworkGateway"];

function tableName(rt: RouteTableNode): string {
  return typeof rt.name === "string" ? safe(rt.name, "name") : rt.pulumiName;
}

function routeText(route: RouteView): string {
  const prefix = route.addressPrefix;
  const prefixText = safe(prefix, "cidr") !== "(not shown)" ? safe(prefix, "cidr") : safe(prefix, "name");
  const hop = route.nextHopIp !== undefined ? ` ${safe(route.nextHopIp, "cidr")}` : "";
  return `route ${safe(route.name, "name")} (${prefixText} → ${safe(route.nextHopType, "enum")}${hop})`;
}

function isDefaultRoute(prefix: string): boolean {
  const range = parseCidr(prefix.trim());
  return range !== undefined && range.family === 4 && range.first === 0n && range.last === (1n << 32n) - 1n;
}

/** Whether a route's prefix is one of the blackhole prefixes (`{region}` substituted; CIDRs compared numerically). */
function inBlackholeList(prefix: string, list: readonly string[], region: string | undefined): boolean {
  const range = parseCidr(prefix.trim());
  return list.some((entry) => {
    if (range) {
      const other = parseCidr(entry);
      return (
        other !== undefined &&
        other.family === range.family &&
        other.first === range.first &&
        other.last === range.last
      );
    }
    if (!entry.includes("{region}")) return equalsIgnoreCase(entry, prefix.trim());
    if (region) return equalsIgnoreCase(entry.replace("{region}", region), prefix.trim());
    // Region unknown: any region of the tag counts.
    const head = entry.slice(0, entry.indexOf("{region}")).toLowerCase();
    return prefix.trim().toLowerCase().startsWith(head);
  });
}

function severity(proof: Proof, egress: ClusterEgress): Severity {
  if (egress.certainty === "unknown") return "cannot-know";
  return proof === "proven" ? "mandatory" : "advisory";
}

class Hits {
  private readonly hits = new Map<string, Hit>();

  add(hit: Omit<Hit, "places">, place: string): void {
    const key = `${hit.owner.urn}\u0000${hit.path}\u0000${hit.kind}\u0000${hit.severity}`;
    let entry = this.hits.get(key);
    if (!entry) {
      entry = { ...hit, places: new Set() };
      this.hits.set(key, entry);
    }
    entry.places.add(place);
  }

  findings(): Finding[] {
    return [...this.hits.values()].map((hit) => {
      const where = joinCapped(hit.places);
      const subject = { type: hit.owner.type, name: hit.owner.pulumiName };
      const key = `${hit.path || hit.kind}:${hit.kind}:${hit.severity}`;
      const fix =
        hit.kind === "blackhole"
          ? "remove the `None` route, or route `0.0.0.0/0` to the firewall (`VirtualAppliance`) and allow the required egress there"
          : "route `0.0.0.0/0` to the firewall or NVA (`VirtualAppliance`) or a `VirtualNetworkGateway` on the cluster subnet, and allow the required egress there";
      if (hit.severity === "cannot-know") {
        return {
          kind: "cannot-know",
          message:
            hit.kind === "unknown"
              ? `${hit.what}, for ${where}`
              : `whether ${hit.what} ${where} (\`networkProfile.outboundType\` is unknown)`,
          urn: hit.owner.urn,
          subject,
          fix,
          key,
        };
      }
      return {
        kind: "violation",
        message:
          `${hit.what} ${where}. A route that cuts required egress makes the cluster unsupported (${DOCS})` +
          (hit.severity === "advisory" ? "; advisory because the subnet is only possibly an AKS subnet" : ""),
        advisoryOnly: hit.severity === "advisory",
        urn: hit.owner.urn,
        subject,
        fix,
        key,
      };
    });
  }
}

function checkTable(
  hits: Hits,
  rt: RouteTableNode,
  proof: Proof,
  use: AksSubnet,
  egress: ClusterEgress,
  config: Options,
  place: string,
): void {
  const udr = equalsIgnoreCase(egress.outboundType, "userDefinedRouting") && use.roles.has("node");
  const sev = severity(proof, egress);
  if (rt.routes === Unknown) {
    hits.add(
      {
        owner: rt,
        path: "routes",
        kind: "unknown",
        severity: "cannot-know",
        what: `whether the routes of route table ${tableName(rt)} cut required egress (\`routes\` is unknown)`,
      },
      place,
    );
    return;
  }
  let defaultRoute: RouteView | undefined;
  let unknownRoute = false;
  for (const route of rt.routes) {
    const prefix = route.addressPrefix;
    const hop = route.nextHopType;
    if (prefix === Unknown || hop === Unknown) {
      unknownRoute = true;
      hits.add(
        {
          owner: route.owner,
          path: route.path,
          kind: "unknown",
          severity: "cannot-know",
          what: `whether ${routeText(route)} of route table ${tableName(rt)} cuts required egress (its prefix or next hop is unknown)`,
        },
        place,
      );
      continue;
    }
    if (typeof prefix !== "string" || typeof hop !== "string") continue;
    if (isDefaultRoute(prefix)) defaultRoute = route;
    if (equalsIgnoreCase(hop, "None") && inBlackholeList(prefix, config.blackholePrefixes, egress.region)) {
      hits.add(
        {
          owner: route.owner,
          path: route.path,
          kind: "blackhole",
          severity: sev,
          what: `${routeText(route)} of route table ${tableName(rt)} blackholes the required egress of`,
        },
        place,
      );
    }
  }
  if (!udr || unknownRoute) return;
  const hop = defaultRoute?.nextHopType;
  if (defaultRoute && typeof hop === "string" && equalsIgnoreCase(hop, "Internet")) {
    hits.add(
      {
        owner: defaultRoute.owner,
        path: defaultRoute.path,
        kind: "internet",
        severity: sev,
        what:
          `${routeText(defaultRoute)} of route table ${tableName(rt)} sends the default route to \`Internet\`, which ` +
          "AKS rejects for outboundType `userDefinedRouting` (it requires a gateway or virtual appliance) on",
      },
      place,
    );
  } else if (
    !defaultRoute ||
    !GATEWAY_HOPS.some((h) => typeof hop === "string" && equalsIgnoreCase(h, hop))
  ) {
    if (
      defaultRoute &&
      typeof hop === "string" &&
      equalsIgnoreCase(hop, "None") &&
      inBlackholeList("0.0.0.0/0", config.blackholePrefixes, egress.region)
    )
      return;
    hits.add(
      {
        owner: rt,
        path: "",
        kind: "no-default",
        severity: sev,
        what:
          `route table ${tableName(rt)} has no \`0.0.0.0/0\` route to \`VirtualAppliance\` or \`VirtualNetworkGateway\`, ` +
          "which outboundType `userDefinedRouting` requires on the cluster subnet, for",
      },
      place,
    );
  }
}

export default defineRule<Options>({
  id: "aks-route-table-egress",
  title: "Route tables on AKS subnets must not cut the egress AKS requires",
  area: "egress",
  description:
    "Flags routes that blackhole AKS egress (next hop None) and, for outboundType userDefinedRouting, a cluster subnet without a 0.0.0.0/0 route to a virtual appliance or gateway.",
  source: {
    sections: ["network-ports-access-and-nsgs"],
    statements: ["S24", "S48", "S49"],
    currentDocs: ["egress-udr.md", "egress-outboundtype.md"],
  },
  defaultLevel: "mandatory",
  resourceTypes: ROUTE_RULE_TYPES,
  options: {
    blackholePrefixes: {
      type: "array",
      items: { type: "string" },
      default: [
        "0.0.0.0/0",
        "AzureCloud",
        "AzureCloud.{region}",
        "MicrosoftContainerRegistry",
        "AzureActiveDirectory",
        "AzureResourceManager",
      ],
      description:
        "Route prefixes (CIDRs or service tags; {region} = the cluster's location) whose next hop None cuts required egress.",
    },
  },
  fix: "route `0.0.0.0/0` to the firewall (`VirtualAppliance`) and allow the required egress there, or remove the `None` route",
  docs: {
    why:
      "AKS nodes need egress to the API server, MCR, Azure Resource Manager and Entra ID. The support policy " +
      "(§network-ports-access-and-nsgs, S24, S48, S49) treats blocking required egress as making a cluster " +
      "unsupported. With outboundType `userDefinedRouting`, AKS requires a `0.0.0.0/0` route to a gateway or virtual " +
      "appliance on the cluster subnet and validates that it does not point to `Internet` (`egress-udr.md`).",
    checks: [
      "Stack check: clusters and pools → AKS subnets → the subnet's route table (`Subnet.routeTable`, inline",
      "`VirtualNetwork.subnets[].routeTable`, classic `SubnetRouteTableAssociation`/`subnets[].routeTableId`) → its",
      "routes (inline `routes` and separate `Route` resources, one per name). Per cluster and AKS subnet:",
      "",
      "1. a route with next hop `None` whose prefix is in `blackholePrefixes` → finding on the route;",
      "2. outboundType `userDefinedRouting` (node subnets) and no route table, or no `0.0.0.0/0` route to",
      "   `VirtualAppliance`/`VirtualNetworkGateway` → finding on the route table (or the subnet);",
      "3. outboundType `userDefinedRouting` and the `0.0.0.0/0` route goes to `Internet` → finding on the route.",
      "",
      "A `VirtualAppliance` default route is the firewall's business (`aks-firewall-required-egress`).",
      "",
      "| `networkProfile.outboundType` (azure-native 3.28.0 `OutboundType`) | egress | this rule |",
      "|---|---|---|",
      "| `loadBalancer` (default) | AKS-managed Standard Load Balancer public IP | check 1 |",
      "| `managedNATGateway` | AKS-managed NAT gateway (managed VNet) | check 1 |",
      "| `userAssignedNATGateway` | your NAT gateway on the cluster subnet (BYO VNet) | check 1 |",
      "| `userDefinedRouting` | your routes: `0.0.0.0/0` to a firewall/NVA or gateway | checks 1–3 |",
      "| `none` | AKS configures no egress path (network-isolated clusters) | skipped |",
      "| `block` (preview API only, not in the 3.28.0 enum) | all egress blocked (network-isolated) | skipped |",
    ].join("\n"),
    violating: [
      'import * as network from "@pulumi/azure-native/network";',
      "",
      'new network.RouteTable("aks-rt", {',
      '  resourceGroupName: "rg",',
      '  routes: [{ name: "blackhole", addressPrefix: "0.0.0.0/0", nextHopType: "None" }],',
      "});",
    ].join("\n"),
    fixed: [
      'new network.RouteTable("aks-rt", {',
      '  resourceGroupName: "rg",',
      '  routes: [{ name: "to-firewall", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.1.0.4" }],',
      "});",
    ].join("\n"),
    limits: [
      "The service tags in `blackholePrefixes` are chosen by name (their contents are not modelled); `0.0.0.0/0` is",
      'the certain case. Unknown prefixes or next hops give an advisory "cannot be verified". Effective routes',
      "learned through BGP or a virtual hub are not seen.",
    ].join("\n"),
  },
  checkStack(resources, ctx) {
    const { scan } = scanStackNetwork(resources, ctx);
    const hits = new Hits();
    for (const use of scan.subnets) {
      const egress = clusterEgress(use.cluster);
      if (egress.isolated) continue;
      const place =
        `subnet ${subnetText(use.subnet)} of AKS cluster ${clusterLabel(use.cluster)} ` +
        `(outboundType ${safe(egress.certainty === "unknown" ? Unknown : egress.outboundType, "enum")})`;
      const link = use.subnet.routeTable;
      const udr = equalsIgnoreCase(egress.outboundType, "userDefinedRouting") && use.roles.has("node");
      if (link.status === "unknown") {
        hits.add(
          {
            owner: use.subnet,
            path: use.subnet.path,
            kind: "unknown",
            severity: "cannot-know",
            what: "which route table is associated with the subnet",
          },
          place,
        );
        continue;
      }
      if (link.status === "none" && udr) {
        hits.add(
          {
            owner: use.subnet,
            path: use.subnet.path,
            kind: "no-table",
            severity: severity(use.proof, egress),
            what:
              "the subnet has no route table, but outboundType `userDefinedRouting` requires a `0.0.0.0/0` route to " +
              "a virtual appliance or gateway on the cluster subnet, for",
          },
          place,
        );
      }
      for (const { node, proof } of link.targets) {
        checkTable(hits, node, proof === "proven" ? use.proof : "possible", use, egress, ctx.config, place);
      }
    }
    return hits.findings();
  },
});
