import { Finding, defineRule } from "../model/rule";
import { Unknown, equalsIgnoreCase, safe } from "../model/values";
import { joinCapped, subnetEndpoint, subnetText } from "../resources/aks-endpoints";
import { parseCidr } from "../resources/cidr";
import { ADVISORY_FQDNS, OptionalFlowLevel, REQUIRED_FQDNS, clusterEgress } from "../resources/egress-flows";
import {
  FirewallFlow,
  FirewallRuleSet,
  FirewallWalkRule,
  evaluateFirewallFlow,
  firewallFlows,
  firewallRuleSet,
} from "../resources/firewall-evaluator";
import {
  FIREWALL_RULE_TYPES,
  FirewallNode,
  NetworkGraph,
  Owner,
  Proof,
  RouteView,
  clusterLabel,
  scanStackNetwork,
} from "../resources/network";
import { Certainty, worst } from "../resources/nsg-evaluator";

interface Options {
  requiredFqdns: string[];
  advisoryFqdns: string[];
  fqdnTag: string;
  legacyTunnelPorts: OptionalFlowLevel;
  ntp: OptionalFlowLevel;
  reportUnverifiable: boolean;
}

type Severity = "mandatory" | "advisory" | "cannot-know";

interface Hit {
  owner: Owner;
  severity: Severity;
  firewall: FirewallNode;
  places: Set<string>;
  /** Missing flow → why (deciding Deny collection, or the implicit deny). */
  missing: Map<string, string>;
  reasons: Set<string>;
}

const DOCS = "AKS docs: outbound-rules-control-egress.md, limit-egress-traffic.md";
const FQDN_SHAPE = /^[A-Za-z0-9*.<>-]{1,253}$/;

function safeTarget(text: string): string {
  return text
    .split(" ")
    .map((w) => (FQDN_SHAPE.test(w) || /^[A-Z]+$/.test(w) || w === "→" ? w : "(not shown)"))
    .join(" ");
}

function firewallName(fw: FirewallNode): string {
  return typeof fw.name === "string" ? safe(fw.name, "name") : fw.pulumiName;
}

function collectionText(walk: FirewallWalkRule): string {
  const c = walk.collection;
  const group = c.groupPriority !== undefined ? `, group priority ${safe(c.groupPriority, "port")}` : "";
  return `denied by rule collection ${safe(c.name, "name")} (priority ${safe(c.priority, "port")}${group})`;
}

function isDefaultRoute(prefix: string): boolean {
  const range = parseCidr(prefix.trim());
  return range !== undefined && range.family === 4 && range.first === 0n && range.last === (1n << 32n) - 1n;
}

/**
 * The firewall behind next hop `X` (rule-catalog §2.12 step 1): the route's dependencies, a firewall whose
 * private IP is `X`, or the stack's only firewall (assumed, so at most advisory).
 */
function firewallsFor(
  route: RouteView,
  graph: NetworkGraph,
  byUrn: ReadonlyMap<string, FirewallNode>,
): { targets: Array<{ node: FirewallNode; proof: Proof }>; assumed: boolean } {
  const ip = route.nextHopIp;
  const hasIp = (fw: FirewallNode) => typeof ip === "string" && fw.privateIps.some((p) => p === ip);
  const fromDeps = [
    ...new Set(route.dependencyUrns.map((u) => byUrn.get(u)).filter((f): f is FirewallNode => !!f)),
  ];
  const narrowed = fromDeps.length > 1 && fromDeps.some(hasIp) ? fromDeps.filter(hasIp) : fromDeps;
  if (narrowed.length) {
    return {
      targets: narrowed.map((node) => ({ node, proof: narrowed.length === 1 ? "proven" : "possible" })),
      assumed: false,
    };
  }
  const byIp = graph.firewalls.filter(hasIp);
  if (byIp.length) return { targets: byIp.map((node) => ({ node, proof: "proven" })), assumed: false };
  if (graph.firewalls.length === 1)
    return { targets: [{ node: graph.firewalls[0], proof: "possible" }], assumed: true };
  return { targets: [], assumed: false };
}

class Hits {
  private readonly hits = new Map<string, Hit>();

  add(
    owner: Owner,
    severity: Severity,
    firewall: FirewallNode,
    place: string,
    flow: string,
    why: string,
    reasons: string[],
  ) {
    const key = `${owner.urn}\u0000${severity}`;
    let hit = this.hits.get(key);
    if (!hit) {
      hit = { owner, severity, firewall, places: new Set(), missing: new Map(), reasons: new Set() };
      this.hits.set(key, hit);
    }
    hit.places.add(place);
    if (!hit.missing.has(flow)) hit.missing.set(flow, why);
    for (const r of reasons) hit.reasons.add(r);
  }

  findings(): Finding[] {
    return [...this.hits.values()].map((hit) => {
      const flows = [...hit.missing].map(([flow, why]) => `${safeTarget(flow)} (${why})`).join("; ");
      const what = `egress of ${joinCapped(hit.places)} through Azure Firewall ${firewallName(hit.firewall)}: ${flows}`;
      const subject = { type: hit.owner.type, name: hit.owner.pulumiName };
      const key = `firewall:${hit.severity}`;
      if (hit.severity === "cannot-know") {
        return {
          kind: "cannot-know",
          message: `whether it allows the required ${what}`,
          urn: hit.owner.urn,
          subject,
          key,
        };
      }
      const because = hit.reasons.size ? `; advisory because ${[...hit.reasons].join(", and ")}` : "";
      return {
        kind: "violation",
        message: `does not allow the required ${what}. Blocking required egress makes the cluster unsupported (${DOCS})${because}`,
        advisoryOnly: hit.severity === "advisory",
        urn: hit.owner.urn,
        subject,
        key,
      };
    });
  }
}

export default defineRule<Options>({
  id: "aks-firewall-required-egress",
  title: "Azure Firewall in an AKS egress path must allow what AKS requires",
  area: "egress",
  description:
    "When an AKS subnet routes 0.0.0.0/0 to an Azure Firewall, checks that its rules allow the FQDNs and ports AKS needs (FQDN tag AzureKubernetesService or the FQDN list) and that no Deny rule comes first.",
  source: {
    sections: ["network-ports-access-and-nsgs"],
    statements: ["S24", "S48", "S49"],
    currentDocs: ["outbound-rules-control-egress.md", "limit-egress-traffic.md"],
  },
  defaultLevel: "mandatory",
  data: {
    what: "list of FQDNs and flows AKS requires through a firewall (`outbound-rules-control-egress.md`)",
    lastChecked: "2026-11-23",
  },
  resourceTypes: FIREWALL_RULE_TYPES,
  options: {
    requiredFqdns: {
      type: "array",
      items: { type: "string" },
      default: [...REQUIRED_FQDNS],
      description:
        "FQDNs the cluster must reach on HTTPS 443 ({region} = the cluster's location); the default is the Azure Global list. Other clouds differ.",
    },
    advisoryFqdns: {
      type: "array",
      items: { type: "string" },
      default: [...ADVISORY_FQDNS],
      description: "FQDNs reported as advisory only when not allowed (and not covered by the FQDN tag).",
    },
    fqdnTag: {
      type: "string",
      default: "AzureKubernetesService",
      description: "The Azure Firewall FQDN tag that covers the AKS FQDNs.",
    },
    legacyTunnelPorts: {
      enum: ["off", "advisory", "required"],
      default: "off",
      description:
        "UDP 1194 and TCP 9000 to AzureCloud.<region> (not needed with konnectivity or for private clusters).",
    },
    ntp: {
      enum: ["off", "advisory", "required"],
      default: "off",
      description: "UDP 123 to ntp.ubuntu.com (not needed for nodes provisioned after March 2021).",
    },
    reportUnverifiable: {
      type: "boolean",
      default: true,
      description: 'Report an advisory "cannot verify" when the next hop is no Azure Firewall of this stack.',
    },
  },
  fix:
    "add an application rule Allow `Https:443` from the AKS subnet with the FQDN tag `AzureKubernetesService` (and " +
    "the network rules listed), ahead of any Deny for that traffic",
  docs: {
    why:
      "When a cluster's egress goes through a firewall, the firewall must let through what AKS needs. The support " +
      "policy (§network-ports-access-and-nsgs, S24, S48, S49) names blocking a required port such as outbound 443 " +
      "with firewall rules, and allow-listing URLs, as customisations that can make a cluster unsupported. The AKS " +
      'docs list the required FQDNs and the FQDN tag `AzureKubernetesService`, which "contains all the FQDNs listed ' +
      'in outbound network and FQDN rules for AKS clusters and is automatically updated" (`limit-egress-traffic.md`).',
    checks: [
      "Stack check, triggered when an AKS subnet's route table sends `0.0.0.0/0` to `VirtualAppliance` at address X.",
      "The firewall for X: a firewall the route depends on (`propertyDependencies`), else one whose private IP is X,",
      'else the stack\'s only firewall (assumed: findings advisory). None → advisory "cannot verify".',
      "",
      "Rules read: azure-native `AzureFirewall` (inline classic collections, `firewallPolicy`), `FirewallPolicy`",
      "(`basePolicy` chain), `FirewallPolicyRuleCollectionGroup`, `IpGroup`; classic `Firewall`,",
      "`FirewallApplicationRuleCollection`, `FirewallNetworkRuleCollection`, `FirewallPolicy`,",
      "`FirewallPolicyRuleCollectionGroup`, `IPGroup`/`IPGroupCIDR`. Processing as Azure Firewall does it: network",
      "rules before application rules; base policy before child; then rule collection group priority, collection",
      "priority; first match decides; no match is a deny; NAT collections are ignored.",
      "",
      "Flows: HTTPS 443 to each of `requiredFqdns` (the API server FQDN only for public clusters), UDP 1194/TCP 9000",
      "(`legacyTunnelPorts`), UDP 123 (`ntp`), DNS to public custom DNS servers. A source matches with `*`, a CIDR or",
      "range holding the subnet, or an IP group that does (an IP group outside the stack: advisory). An application",
      "rule matches an FQDN flow with protocol `Https` port 443 and the FQDN tag or an FQDN pattern that covers it",
      "(`*`, `*.domain`). A flow denied by a collection, or allowed by none, is a finding (on the Deny collection's",
      "resource, else the firewall policy or firewall); `advisoryFqdns` are advisory.",
    ].join("\n"),
    violating: [
      'import * as network from "@pulumi/azure-native/network";',
      "",
      'new network.FirewallPolicyRuleCollectionGroup("aks-egress", {',
      '  resourceGroupName: "hub", firewallPolicyName: "fwp", priority: 200,',
      "  ruleCollections: [{",
      '    ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "app", priority: 300, action: { type: "Allow" },',
      '    rules: [{ ruleType: "ApplicationRule", name: "mcr", sourceAddresses: ["*"],',
      '      protocols: [{ protocolType: "Https", port: 443 }], targetFqdns: ["mcr.microsoft.com"] }],',
      "  }],",
      "});",
    ].join("\n"),
    fixed: [
      'new network.FirewallPolicyRuleCollectionGroup("aks-egress", {',
      '  resourceGroupName: "hub", firewallPolicyName: "fwp", priority: 200,',
      "  ruleCollections: [{",
      '    ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "aks", priority: 300, action: { type: "Allow" },',
      '    rules: [{ ruleType: "ApplicationRule", name: "aks", sourceAddresses: ["10.0.0.0/22"],',
      '      protocols: [{ protocolType: "Https", port: 443 }], fqdnTags: ["AzureKubernetesService"] }],',
      "  }],",
      "});",
    ].join("\n"),
    limits: [
      "Never mandatory without a firewall proven to be the next hop. Threat intelligence, IDPS, TLS inspection,",
      "web categories and firewalls other than Azure Firewall are not evaluated (a web-category rule is at most",
      "advisory). `Https` entries without a port count as 443. Rules managed outside the stack are invisible: a",
      'policy or IP group declared elsewhere gives an advisory "cannot verify".',
    ].join("\n"),
  },
  checkStack(resources, ctx) {
    const { graph, scan } = scanStackNetwork(resources, ctx);
    const byUrn = new Map(graph.firewalls.map((f) => [f.urn, f]));
    const ruleSets = new Map<FirewallNode, FirewallRuleSet>();
    const hits = new Hits();
    const findings: Finding[] = [];
    const unverifiable = new Set<string>();
    for (const use of scan.subnets) {
      const egress = clusterEgress(use.cluster);
      if (egress.isolated) continue;
      const vnet = use.subnet.vnet;
      const flows: FirewallFlow[] = firewallFlows(egress, ctx.config, {
        servers: vnet?.dnsServers,
        addressSpace: vnet?.addressSpace,
      });
      const source = subnetEndpoint(use);
      for (const { node: table, proof: tableProof } of use.subnet.routeTable.targets) {
        if (table.routes === Unknown) continue;
        for (const route of table.routes) {
          const prefix = route.addressPrefix;
          const hop = route.nextHopType;
          if (typeof prefix !== "string" || typeof hop !== "string") continue;
          if (!isDefaultRoute(prefix) || !equalsIgnoreCase(hop, "VirtualAppliance")) continue;
          const place =
            `subnet ${subnetText(use.subnet)} of AKS cluster ${clusterLabel(use.cluster)} ` +
            `(route ${safe(route.name, "name")} 0.0.0.0/0 → ${safe(route.nextHopIp, "cidr")})`;
          const { targets, assumed } = firewallsFor(route, graph, byUrn);
          if (!targets.length) {
            const key = `${route.owner.urn}\u0000${route.path}`;
            if (ctx.config.reportUnverifiable && !unverifiable.has(key)) {
              unverifiable.add(key);
              findings.push({
                kind: "violation",
                advisoryOnly: true,
                message:
                  `cannot verify the egress of ${place}: the next hop ${safe(route.nextHopIp, "cidr")} is no Azure ` +
                  "Firewall of this stack, so whether it allows what AKS requires is not known",
                fix: "make sure the appliance allows the AKS required egress (FQDN tag `AzureKubernetesService` on Azure Firewall)",
                urn: route.owner.urn,
                subject: { type: route.owner.type, name: route.owner.pulumiName },
                key: `unverifiable:${route.path}`,
              });
            }
            continue;
          }
          for (const { node: firewall, proof: firewallProof } of targets) {
            let set = ruleSets.get(firewall);
            if (!set) {
              set = firewallRuleSet(firewall);
              ruleSets.set(firewall, set);
            }
            const proven = use.proof === "proven" && tableProof === "proven" && firewallProof === "proven";
            const linkReasons: string[] = [];
            if (assumed)
              linkReasons.push(`the firewall is assumed to be the next hop (it is the stack's only one)`);
            else if (!proven)
              linkReasons.push("the subnet, route table or firewall is only possibly the one in use");
            for (const flow of flows) {
              const verdict = evaluateFirewallFlow(set, flow, source, graph, ctx.config.fqdnTag);
              const record = (owner: Owner, certainty: Certainty, why: string) => {
                const reasons = [...linkReasons, ...set!.gaps];
                if (certainty === "uncertain")
                  reasons.push("a rule names something that cannot be evaluated exactly");
                if (flow.level === "advisory") reasons.push(`${flow.target} is checked as advisory`);
                const severity: Severity =
                  certainty === "unknown"
                    ? "cannot-know"
                    : certainty === "definite" && proven && flow.level === "required"
                      ? "mandatory"
                      : "advisory";
                hits.add(
                  severity === "cannot-know" ? set!.target : owner,
                  severity,
                  firewall,
                  place,
                  flow.target,
                  why,
                  reasons,
                );
              };
              for (const b of verdict.blockers) {
                record(b.rule.collection.owner, worst(b.certainty, flow.certainty), collectionText(b.rule));
              }
              if (verdict.decision === "none") {
                record(
                  set.target,
                  worst(verdict.certainty, flow.certainty),
                  "no rule allows it; the firewall denies by default",
                );
              } else if (verdict.decision === "unknown") {
                record(set.target, "unknown", "its deciding rule is unknown during preview");
              }
            }
          }
        }
      }
    }
    return [...findings, ...hits.findings()];
  },
});
