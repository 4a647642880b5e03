import { Finding, defineRule } from "../model/rule";
import { safe } from "../model/values";
import {
  ClusterRange,
  joinCapped,
  mergeClusterRanges,
  overlayPodRanges,
  subnetClusterRange,
  subnetText,
} from "../resources/aks-endpoints";
import {
  AksSubnet,
  NSG_RULE_TYPES,
  NsgNode,
  NsgRuleView,
  Proof,
  clusterLabel,
  scanStackNetwork,
} from "../resources/network";
import { CompiledNsgs, HitSeverity, RuleHit, RuleHits, ruleHitFinding } from "../resources/nsg-hits";
import {
  ALL_PORTS,
  FlowProtocol,
  OrderedRules,
  describeSecurityRule,
  evaluateFlow,
  worst,
} from "../resources/nsg-evaluator";

interface Options {
  aksSubnetIds: string[];
  exemptRules: string[];
}

interface PairHit {
  label: string;
  from: string;
  to: string;
  protocols: Set<string>;
}

interface Hit extends RuleHit {
  pairs: Map<string, PairHit>;
}

const DOCS = "AKS docs: outbound-rules-control-egress.md, concepts-network-azure-cni-overlay.md";
const PROTOCOLS: readonly FlowProtocol[] = ["tcp", "udp"];

function nameOf(nsg: NsgNode): string {
  return typeof nsg.name === "string" ? nsg.name : nsg.pulumiName;
}

function isExempt(nsg: NsgNode, rule: NsgRuleView, exempt: ReadonlySet<string>): boolean {
  return typeof rule.name === "string" && exempt.has(`${nameOf(nsg)}/${rule.name}`.toLowerCase());
}

function hitFinding(hit: Hit): Finding {
  const { rule } = hit;
  const pairs = [...hit.pairs.values()]
    .map((p) => `${p.label} ${[...p.protocols].join("/")} (${p.from} → ${p.to})`)
    .join("; ");
  const blocker = `${describeSecurityRule(rule)} of NSG ${safe(nameOf(hit.nsg), "name")}`;
  const scope = `intra-cluster traffic of ${joinCapped(hit.places)}: ${pairs}`;
  const priority = typeof rule.priority === "number" ? ` (priority number below ${rule.priority})` : "";
  const fix =
    `add a higher-priority Allow${priority} for the node and pod CIDRs (all ports, TCP and UDP) or narrow ` +
    "this Deny; restrict pod traffic with Kubernetes network policies instead";
  return ruleHitFinding(hit, {
    unknown: `whether ${blocker} blocks ${scope}`,
    violation:
      `${blocker} blocks ${scope}. Blocking node-to-node, node-to-pod and pod-to-pod traffic with NSGs is ` +
      `unsupported (${DOCS})`,
    fix,
  });
}

/**
 * The cluster's range classes (node subnets, pod subnets, overlay pod CIDRs — each one endpoint), and the ranges
 * local to each of its subnets: flows per subnet stay a fixed handful, so cost is linear in subnets × rules.
 */
function clusterRanges(uses: readonly AksSubnet[]): {
  all: ClusterRange[];
  localOf: (use: AksSubnet) => ClusterRange[];
} {
  const withVnet = uses.find((u) => u.roles.has("node") && u.subnet.vnet) ?? uses.find((u) => u.subnet.vnet);
  // Overlay pods take their IPs from a CIDR outside the VNet; the VirtualNetwork tag holds it only if the
  // VNet's address space does (catalog §2.14: without the VNet in the stack, node and pod subnets only).
  const pods = uses[0] ? overlayPodRanges(uses[0], withVnet?.subnet.vnet?.addressSpace) : [];
  const bySubnet = new Map(uses.map((u) => [u, subnetClusterRange(u)]));
  const ranges = [...bySubnet.values()];
  const overlay = mergeClusterRanges("POD", pods);
  const all = [
    mergeClusterRanges(
      "NODE",
      ranges.filter((r) => r.use?.roles.has("node")),
    ),
    mergeClusterRanges(
      "POD",
      ranges.filter((r) => r.use?.roles.has("pod")),
    ),
    overlay,
  ].filter((r): r is ClusterRange => r !== undefined);
  return {
    all,
    localOf: (use) => [
      bySubnet.get(use) as ClusterRange,
      ...(use.roles.has("node") && overlay ? [overlay] : []),
    ],
  };
}

export default defineRule<Options>({
  id: "aks-nsg-intra-cluster-traffic",
  title: "NSGs on AKS subnets must not block traffic inside the cluster",
  area: "network",
  description:
    "Flags NSG Deny rules on AKS subnets that cut node-to-node, node-to-pod, pod-to-pod or pod-to-node traffic, which AKS needs on all ports.",
  source: {
    sections: ["network-ports-access-and-nsgs", "aks-support-coverage"],
    statements: ["S24", "S48"],
    currentDocs: ["outbound-rules-control-egress.md", "concepts-network-azure-cni-overlay.md"],
  },
  defaultLevel: "mandatory",
  resourceTypes: NSG_RULE_TYPES,
  options: {
    aksSubnetIds: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "ARM ids of further AKS subnets, e.g. of clusters declared in another stack.",
    },
    exemptRules: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: 'Rules the owner accepts, as "<nsgName>/<ruleName>" (case-insensitive).',
    },
  },
  fix:
    "add a higher-priority Allow for the node and pod CIDRs (all ports) or narrow the Deny; use Kubernetes network " +
    "policies to restrict pod traffic",
  docs: {
    why:
      "AKS documents that blocking internal subnet traffic with NSGs and firewalls is not supported " +
      "(`outbound-rules-control-egress.md`), and that with NSG deny rules on an overlay cluster node-to-node, " +
      "node-to-pod and pod-to-pod traffic must stay allowed on all ports and protocols " +
      "(`concepts-network-azure-cni-overlay.md`). The support policy counts such NSG customisations against support " +
      "(§network-ports-access-and-nsgs, §aks-support-coverage; S24, S48).",
    checks: [
      "Stack check over the same network graph as `aks-nsg-required-egress`. Per cluster, the ranges are the node",
      "subnets (NODE), the pod subnets (POD) and — only when `networkPluginMode` is `overlay` or `networkPlugin` is",
      "`kubenet` — the pod CIDRs `podCidr`/`podCidrs` (POD; the azure-native SDK fills a default `podCidr` otherwise,",
      "which is ignored).",
      "",
      "For each AKS subnet S with an NSG, the flow classes NODE→NODE, NODE→POD, POD→POD and POD→NODE (all ports,",
      "TCP and UDP) that leave S (Outbound rules) or enter S (Inbound rules) run through the same first-match",
      "evaluator as the egress rule — cost linear in rules × flow classes. A custom Deny that decides all or part of",
      "a class is a finding, unless an earlier Allow covers the whole class (protocol, all ports, source and",
      "destination ranges). `VirtualNetwork` means the VNet's address space (without the VNet in the stack: the",
      "node and pod subnets); overlay pod CIDRs outside it are not included, which is why overlay clusters need an",
      "explicit Allow for the pod CIDR. Default rules are not evaluated (AKS works with them). `exemptRules` lists",
      "rules the owner accepts.",
    ].join("\n"),
    violating: [
      'import * as network from "@pulumi/azure-native/network";',
      "",
      'new network.NetworkSecurityGroup("aks-nsg", {',
      '  resourceGroupName: "rg",',
      "  securityRules: [{",
      '    name: "deny-all-in", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*",',
      '    sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*",',
      "  }],",
      "});",
    ].join("\n"),
    fixed: [
      'new network.NetworkSecurityGroup("aks-nsg", {',
      '  resourceGroupName: "rg",',
      "  securityRules: [",
      "    {",
      '      name: "allow-cluster", priority: 100, direction: "Inbound", access: "Allow", protocol: "*",',
      '      sourceAddressPrefixes: ["10.0.0.0/22", "10.244.0.0/16"], sourcePortRange: "*",',
      '      destinationAddressPrefixes: ["10.0.0.0/22", "10.244.0.0/16"], destinationPortRange: "*",',
      "    },",
      '    { name: "deny-all-in", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*",',
      '      sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*" },',
      "  ],",
      "});",
    ].join("\n"),
    limits: [
      "Mandatory only for a Deny that certainly hits a class on a subnet proven to be an AKS subnet; advisory when the",
      'subnet is only possibly one or a prefix cannot be evaluated; unknown values give an advisory "cannot be',
      "verified\". Service CIDRs, NICs' own NSGs and traffic to other subnets are out of scope.",
    ].join("\n"),
  },
  checkStack(resources, ctx) {
    const { scan } = scanStackNetwork(resources, ctx, ctx.config.aksSubnetIds);
    const exempt = new Set(ctx.config.exemptRules.map((e) => e.toLowerCase()));
    const byCluster = new Map<string, AksSubnet[]>();
    for (const use of scan.subnets) {
      const key = use.cluster?.urn ?? `subnet:${use.subnet.urn}#${use.subnet.path}`;
      const list = byCluster.get(key);
      if (list) list.push(use);
      else byCluster.set(key, [use]);
    }
    const compiledNsgs = new CompiledNsgs();
    const hits = new RuleHits<Hit>();
    const findings: Finding[] = [];
    for (const uses of byCluster.values()) {
      const { all, localOf } = clusterRanges(uses);
      for (const use of uses) {
        const place = `AKS cluster ${clusterLabel(use.cluster)} on subnet ${subnetText(use.subnet)}`;
        for (const { node: nsg, proof } of use.subnet.nsg.targets) {
          const compiled = compiledNsgs.of(nsg);
          if (!compiled) {
            findings.push({
              kind: "cannot-know",
              message: `whether NSG ${safe(nameOf(nsg), "name")} blocks intra-cluster traffic of ${place} (\`securityRules\` is unknown)`,
              urn: nsg.urn,
              subject: { type: nsg.type, name: nsg.pulumiName },
              key: "rules-unknown",
            });
            continue;
          }
          const linkProof: Proof = proof === "proven" ? use.proof : "possible";
          const local = localOf(use);
          const run = (
            rules: OrderedRules<NsgRuleView>,
            sources: ClusterRange[],
            destinations: ClusterRange[],
          ) => {
            for (const src of sources) {
              for (const dst of destinations) {
                for (const protocol of PROTOCOLS) {
                  const verdict = evaluateFlow(
                    rules,
                    { protocol, ports: ALL_PORTS, source: src.endpoint, destination: dst.endpoint },
                    { defaults: false },
                  );
                  for (const blocker of verdict.blockers) {
                    const rule = blocker.rule.input;
                    if (!rule || isExempt(nsg, rule, exempt)) continue;
                    const certainty = worst(blocker.certainty, src.certainty, dst.certainty);
                    const reasons = new Set<string>();
                    if (certainty === "uncertain")
                      reasons.add("a prefix or field cannot be evaluated exactly");
                    if (linkProof === "possible")
                      reasons.add("the subnet is only possibly an AKS subnet or this NSG's");
                    const severity: HitSeverity =
                      certainty === "unknown"
                        ? "cannot-know"
                        : certainty === "definite" && linkProof === "proven"
                          ? "mandatory"
                          : "advisory";
                    const hit = hits.of(rule, nsg, severity, () => ({ pairs: new Map() }));
                    hit.places.add(place);
                    for (const r of reasons) hit.reasons.add(r);
                    const label = `${src.label}→${dst.label}`;
                    const pairKey = `${label}\u0000${src.text}\u0000${dst.text}`;
                    let pair = hit.pairs.get(pairKey);
                    if (!pair) {
                      pair = { label, from: src.text, to: dst.text, protocols: new Set() };
                      hit.pairs.set(pairKey, pair);
                    }
                    pair.protocols.add(protocol.toUpperCase());
                  }
                }
              }
            }
          };
          run(compiled.outbound, local, all);
          run(compiled.inbound, all, local);
        }
      }
    }
    for (const hit of hits.values()) findings.push(hitFinding(hit));
    return findings;
  },
});
