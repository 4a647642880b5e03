import { CheckContext, Finding, StackResource, defineRule } from "../model/rule";
import { Unknown, safe } from "../model/values";
import { joinCapped, subnetEndpoint, subnetText } from "../resources/aks-endpoints";
import type { ClusterView } from "../resources/cluster";
import {
  ClusterEgress,
  EgressFlow,
  FlowLevel,
  OptionalFlowLevel,
  RequiredPort,
  clusterEgress,
  nsgEgressFlows,
  toFlow,
} from "../resources/egress-flows";
import {
  AksSubnet,
  NSG_RULE_TYPES,
  NetworkGraph,
  NsgNode,
  NsgRuleView,
  Proof,
  clusterLabel,
  scanStackNetwork,
} from "../resources/network";
import { CompiledNsgs, HitSeverity, RuleHit, RuleHits, ruleHitFinding } from "../resources/nsg-hits";
import {
  AddressEndpoint,
  Blocker,
  Certainty,
  CompiledNsg,
  CompiledRule,
  describeSecurityRule,
  evaluateFlow,
  worst,
} from "../resources/nsg-evaluator";

interface Options {
  requiredPorts: RequiredPort[];
  legacyTunnelPorts: OptionalFlowLevel;
  ntp: OptionalFlowLevel;
  serviceTagMap: Record<string, string[]>;
  aksSubnetIds: string[];
}

/** One custom rule that blocks required egress somewhere, with everything it blocks. */
interface Hit extends RuleHit {
  flows: Map<string, EgressFlow>;
  partial: boolean;
}

const DOCS = "AKS docs: outbound-rules-control-egress.md";

function nsgName(nsg: NsgNode): string {
  return typeof nsg.name === "string" ? safe(nsg.name, "name") : nsg.pulumiName;
}

function flowText(flow: EgressFlow): string {
  return `${flow.id} ${flow.protocol.toUpperCase()} ${flow.port} → ${flow.target}`;
}

function place(use: AksSubnet): string {
  return `subnet ${subnetText(use.subnet)} of AKS cluster ${clusterLabel(use.cluster)}`;
}

function severityOf(certainty: Certainty, level: FlowLevel, proof: Proof, reasons: Set<string>): HitSeverity {
  if (certainty === "unknown") return "cannot-know";
  if (certainty === "uncertain") reasons.add("the rule names a value that cannot be evaluated exactly");
  if (level === "advisory") reasons.add("these flows are checked at the configured level `advisory`");
  if (proof === "possible") reasons.add("the subnet is only possibly an AKS subnet or this NSG's");
  return certainty === "definite" && level === "required" && proof === "proven" ? "mandatory" : "advisory";
}

class Collector {
  readonly hits = new RuleHits<Hit>();
  readonly findings: Finding[] = [];

  record(
    blocker: Blocker<CompiledRule<NsgRuleView>>,
    flow: EgressFlow,
    nsg: NsgNode,
    where: string,
    proof: Proof,
  ): void {
    const rule = blocker.rule.input;
    if (!rule) return;
    const reasons = new Set<string>();
    const severity = severityOf(worst(blocker.certainty, flow.certainty), flow.level, proof, reasons);
    const hit = this.hits.of(rule, nsg, severity, () => ({ flows: new Map(), partial: false }));
    hit.places.add(where);
    hit.flows.set(`${flow.id}/${flow.protocol}/${flow.target}`, flow);
    for (const r of reasons) hit.reasons.add(r);
    if (blocker.extent === "partial") hit.partial = true;
  }

  toFindings(): Finding[] {
    for (const hit of this.hits.values()) this.findings.push(hitFinding(hit));
    return this.findings;
  }
}

function hitFinding(hit: Hit): Finding {
  const { rule } = hit;
  const flows = [...hit.flows.values()];
  const blocker = `${describeSecurityRule(rule)} of NSG ${nsgName(hit.nsg)}`;
  const scope = `the required egress of ${joinCapped(hit.places)}: ${flows.map(flowText).join("; ")}`;
  const ports = [...new Set(flows.map((f) => `${f.protocol.toUpperCase()} ${f.port}`))].join(", ");
  const priority = typeof rule.priority === "number" ? ` with a priority number below ${rule.priority}` : "";
  const fix =
    `add an Outbound Allow${priority} for ${ports} to \`Internet\` (\`AzureCloud.<region>\` suffices for the API ` +
    `server), or narrow or remove this rule; to restrict egress, use Azure Firewall with the FQDN tag ` +
    "`AzureKubernetesService` instead of NSG denies";
  return ruleHitFinding(hit, {
    unknown: `whether ${blocker} blocks ${scope} (a value it depends on is unknown)`,
    violation:
      `${blocker} ${hit.partial ? "blocks part of" : "blocks"} ${scope}. Blocking required ports makes the ` +
      `cluster unsupported (${DOCS})`,
    fix,
  });
}

function flowsFor(egress: ClusterEgress, use: AksSubnet | undefined, config: Options): EgressFlow[] {
  const vnet = use?.subnet.vnet;
  return nsgEgressFlows(
    egress,
    {
      requiredPorts: config.requiredPorts,
      legacyTunnelPorts: config.legacyTunnelPorts,
      ntp: config.ntp,
      serviceTagMap: config.serviceTagMap,
    },
    { servers: vnet?.dnsServers, addressSpace: vnet?.addressSpace },
  );
}

function evaluate(
  collector: Collector,
  nsg: NsgNode,
  rules: CompiledNsg<NsgRuleView>,
  flows: readonly EgressFlow[],
  source: AddressEndpoint,
  where: string,
  proof: Proof,
): void {
  for (const flow of flows) {
    const verdict = evaluateFlow(rules.outbound, toFlow(flow, source), { defaults: true });
    for (const blocker of verdict.blockers) collector.record(blocker, flow, nsg, where, proof);
  }
}

/**
 * NSGs on no AKS subnet of the stack are ignored — unless a cluster's subnet reference could not be resolved
 * during preview; then a blocking rule is reported as "cannot verify" (never mandatory).
 */
function unattachedNsgs(
  graph: NetworkGraph,
  attached: ReadonlySet<NsgNode>,
  unresolved: ClusterView,
  config: Options,
  compiledNsgs: CompiledNsgs,
): Finding[] {
  const collector = new Collector();
  const egress = clusterEgress(unresolved);
  if (egress.isolated) return [];
  const flows = flowsFor(egress, undefined, config);
  const source: AddressEndpoint = {
    kind: "addresses",
    ranges: Unknown,
    virtualNetworkIfUnknown: "full",
    asgs: Unknown,
  };
  for (const nsg of graph.nsgs) {
    if (attached.has(nsg) || nsg.subnets.length) continue;
    const rules = compiledNsgs.of(nsg);
    if (!rules) continue;
    evaluate(
      collector,
      nsg,
      rules,
      flows.map((f) => ({ ...f, certainty: "unknown" })),
      source,
      `the subnet of AKS cluster ${clusterLabel(unresolved)} (unknown during preview; this NSG is on no subnet of the stack)`,
      "possible",
    );
  }
  return collector.toFindings();
}

function checkNsgEgress(resources: readonly StackResource[], ctx: CheckContext<Options>): Finding[] {
  const { graph, scan } = scanStackNetwork(resources, ctx, ctx.config.aksSubnetIds);
  const compiledNsgs = new CompiledNsgs();
  const collector = new Collector();
  const attached = new Set<NsgNode>();
  for (const use of scan.subnets) {
    const egress = clusterEgress(use.cluster);
    if (egress.isolated) continue;
    const link = use.subnet.nsg;
    if (link.status === "unknown") {
      collector.findings.push({
        kind: "cannot-know",
        message: `which NSG is associated with ${place(use)}`,
        urn: use.subnet.urn,
        subject: { type: use.subnet.type, name: use.subnet.pulumiName },
        key: `nsg-link:${use.subnet.path}`,
      });
      continue;
    }
    if (!link.targets.length) continue;
    const flows = flowsFor(egress, use, ctx.config);
    const source = subnetEndpoint(use);
    for (const { node: nsg, proof } of link.targets) {
      attached.add(nsg);
      const rules = compiledNsgs.of(nsg);
      if (!rules) {
        collector.findings.push({
          kind: "cannot-know",
          message: `whether the security rules of NSG ${nsgName(nsg)} on ${place(use)} block required egress (\`securityRules\` is unknown)`,
          urn: nsg.urn,
          subject: { type: nsg.type, name: nsg.pulumiName },
          key: "rules-unknown",
        });
        continue;
      }
      evaluate(collector, nsg, rules, flows, source, place(use), proof === "proven" ? use.proof : "possible");
    }
  }
  const findings = collector.toFindings();
  const unresolved = scan.unresolved.find((u) => u.status === "unknown");
  if (unresolved)
    findings.push(...unattachedNsgs(graph, attached, unresolved.cluster, ctx.config, compiledNsgs));
  return findings;
}

export default defineRule<Options>({
  id: "aks-nsg-required-egress",
  title: "NSGs on AKS subnets must not block the egress AKS requires",
  area: "egress",
  description:
    "Flags NSG rules on AKS node or pod subnets that deny the outbound traffic AKS needs (TCP 443 to the API server, MCR, Azure Resource Manager, Entra ID and package mirrors; tunnel, NTP and DNS ports where they apply).",
  source: {
    sections: ["network-ports-access-and-nsgs"],
    statements: ["S24", "S27", "S48", "S49"],
    currentDocs: ["outbound-rules-control-egress.md", "support-policies.md"],
  },
  defaultLevel: "mandatory",
  data: {
    what: "list of egress flows AKS requires (`outbound-rules-control-egress.md`)",
    lastChecked: "2026-11-23",
  },
  resourceTypes: NSG_RULE_TYPES,
  options: {
    requiredPorts: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["protocol", "port"],
        properties: {
          protocol: { enum: ["Tcp", "Udp"] },
          port: { type: "integer", minimum: 1, maximum: 65535 },
          destinations: {
            type: "array",
            items: { type: "string" },
            default: ["*", "0.0.0.0/0", "Any", "Internet"],
          },
        },
      },
      default: [],
      description:
        "Replaces the computed flow list entirely (for clusters with other egress needs): protocol, port and the destination prefixes or service tags that count as covering it.",
    },
    legacyTunnelPorts: {
      enum: ["off", "advisory", "required"],
      default: "off",
      description:
        "UDP 1194 and TCP 9000 to AzureCloud.<region>: not needed with konnectivity or for private clusters; set for older clusters.",
    },
    ntp: {
      enum: ["off", "advisory", "required"],
      default: "off",
      description: "UDP 123 to the Internet: not needed for nodes provisioned after March 2021.",
    },
    serviceTagMap: {
      type: "object",
      additionalProperties: { type: "array", items: { type: "string" } },
      default: {},
      description:
        'Service tags that also cover a flow, by flow id, e.g. {"E2":["MicrosoftContainerRegistry"]} (which tag holds which FQDN is not documented).',
    },
    aksSubnetIds: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "ARM ids of further AKS subnets, e.g. of clusters declared in another stack.",
    },
  },
  fix:
    "add a higher-priority Outbound Allow (TCP 443 to `Internet`, or `AzureCloud.<region>` for the API server) or " +
    "remove the Deny; enforce egress with Azure Firewall and the FQDN tag `AzureKubernetesService` instead of NSG denies",
  docs: {
    why:
      "AKS nodes must reach the API server, Microsoft Container Registry, Azure Resource Manager, Entra ID and the " +
      "package mirrors. The support policy (§network-ports-access-and-nsgs, S24, S48, S49) names blocking a required " +
      "port such as outbound 443 as a customisation that makes a cluster unsupported, and S27 covers the tunnel " +
      "ports. Current AKS docs add that these dependencies are FQDN-based, so NSGs cannot lock egress down " +
      "(`outbound-rules-control-egress.md`).",
    checks: [
      "Stack check over the network graph (azure-native and classic): clusters and pools → their node and pod",
      "subnets (`vnetSubnetID`, `podSubnetID`, plus the option `aksSubnetIds`) → the subnet's NSG (`Subnet`,",
      "inline `VirtualNetwork.subnets[]`, classic `SubnetNetworkSecurityGroupAssociation`) → its Outbound rules",
      "(inline `securityRules` and separate `SecurityRule`/`NetworkSecurityRule` resources, one per name).",
      "Joins use literal ids and names, then output ids, then `propertyDependencies` — so they work in preview, when",
      "the ids of new resources are unknown.",
      "",
      "Per AKS subnet and required flow, the rules are evaluated as Azure does: by priority, first match decides,",
      "the default rules last. A flow is a protocol, a destination port and a destination; a rule matches when its",
      "protocol (`*`, `Tcp`, `Udp`, ...), ports (`*`, `n`, `a-b`, lists), source (`*`, `VirtualNetwork`, a CIDR",
      "containing the subnet, an ASG of the subnet's pools) and destination match. Flows (AKS docs, Azure Global):",
      "",
      "| id | flow | destinations that cover it |",
      "|---|---|---|",
      "| E1 | TCP 443 → API server `*.hcp.<region>.azmk8s.io` (not for private clusters) | `*`, `0.0.0.0/0`, `Any`, `Internet`, `AzureCloud`, `AzureCloud.<region>` |",
      "| E2–E6 | TCP 443 → MCR, `management.azure.com`, `login.microsoftonline.com`, `packages.microsoft.com`, `acs-mirror.azureedge.net` | `*`, `0.0.0.0/0`, `Any`, `Internet` |",
      "| E7, E8 | UDP 1194, TCP 9000 → `AzureCloud.<region>` (option `legacyTunnelPorts`) | as E1 |",
      "| E9 | UDP 123 → `ntp.ubuntu.com` (option `ntp`) | as E2 |",
      "| E10 | UDP and TCP 53 → each custom DNS server of the VNet | `*`, a CIDR holding the IP, `VirtualNetwork` if inside the VNet |",
      "",
      "`serviceTagMap` adds covering tags per flow. A custom Deny that decides a flow (or part of it: some ports,",
      "some source addresses) is a finding on that rule's resource (the separate rule, else the NSG). An Allow before",
      "it that covers the whole flow makes it harmless. Clusters with `outboundType` `none` or `block`",
      "(network-isolated) are skipped.",
    ].join("\n"),
    violating: [
      'import * as network from "@pulumi/azure-native/network";',
      "",
      'const nsg = new network.NetworkSecurityGroup("aks-nsg", {',
      '  resourceGroupName: "rg",',
      "  securityRules: [{",
      '    name: "deny-internet", priority: 100, direction: "Outbound", access: "Deny", protocol: "Tcp",',
      '    sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "Internet", destinationPortRange: "443",',
      "  }],",
      "});",
      'new network.Subnet("aks-subnet", { resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefix: "10.0.0.0/22",',
      "  networkSecurityGroup: { id: nsg.id } });",
    ].join("\n"),
    fixed: [
      "// Let AKS reach its dependencies; restrict egress on an Azure Firewall with the FQDN tag AzureKubernetesService.",
      'const nsg = new network.NetworkSecurityGroup("aks-nsg", {',
      '  resourceGroupName: "rg",',
      "  securityRules: [{",
      '    name: "allow-https", priority: 100, direction: "Outbound", access: "Allow", protocol: "Tcp",',
      '    sourceAddressPrefix: "VirtualNetwork", sourcePortRange: "*", destinationAddressPrefix: "Internet", destinationPortRange: "443",',
      "  }],",
      "});",
    ].join("\n"),
    limits: [
      "Mandatory only when the rule certainly blocks a required flow on a subnet proven to be an AKS subnet. Advisory when",
      "the subnet is only known to be in a VNet a cluster depends on, when the rule names a service tag whose contents",
      "are not modelled (e.g. a Deny to `AzureCloud` may block MCR), or for flows configured `advisory`. A value",
      'unknown during preview gives an advisory "cannot be verified". An NSG on no AKS subnet of this stack is',
      "ignored — unless a cluster's subnet cannot be resolved during preview; then its blocking rules are at most an",
      'advisory "cannot be verified". NSGs attached to NICs, NSGs and rules declared outside the stack, and the',
      "contents of service tags are not seen. `outboundType` `none` is skipped as network-isolated (AKS docs); the",
      'azure-native 3.28.0 enum describes it as "VM default outbound", so a `none` cluster that does reach the',
      "Internet is not checked.",
    ].join("\n"),
  },
  checkStack: checkNsgEgress,
});
