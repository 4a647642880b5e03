/**
 * `aks-firewall-required-egress` (rule-catalog §2.12): stack cases as deltas on BASE-F (a UDR cluster whose
 * subnet routes 0.0.0.0/0 to an Azure Firewall with a policy and one rule collection group), run through a real
 * GuardrailsRuntime (Analyze with the inputs, AnalyzeStack with the outputs), asserting rule id, level, resource
 * and a message fragment.
 */
import type { StackResource } from "../../src/model/rule";
import { Diagnostic, GuardrailsRuntime } from "../../src/pack/runtime";
import rule from "../../src/rules/aks-firewall-required-egress";

const RULE_ID = "aks-firewall-required-egress";
const UNK = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

interface Res {
  type: string;
  name: string;
  /** Inputs (Analyze); also the outputs unless `outputs` is given. */
  props: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  /** Input key → names of other resources of the case. */
  propertyDependencies?: Record<string, string[]>;
}

interface Expected {
  level: "advisory" | "mandatory";
  /** Name of the resource the diagnostic is reported on. */
  on: string;
  message: string;
}

interface Case {
  name: string;
  /** Per resource name: props merged (shallowly) over the base's; `propertyDependencies` replaced. */
  patch?: Record<string, Partial<Omit<Res, "type" | "name">>>;
  add?: Res[];
  remove?: string[];
  /** Start from this stack instead of BASE-N. */
  base?: Res[];
  config?: Record<string, unknown>;
  expect: Expected[];
  notInMessage?: string[];
}

const SUBNET_ID =
  "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aks";
const RT_ID = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/routeTables/aks-rt";
const FWP_ID = "/subscriptions/0000/resourceGroups/hub/providers/Microsoft.Network/firewallPolicies/fwp";

/** BASE-F (rule-catalog §1.10). */
const BASE_F: Res[] = [
  {
    type: "azure-native:containerservice:ManagedCluster",
    name: "aks",
    props: {
      resourceGroupName: "rg",
      resourceName: "aks1",
      location: "westeurope",
      kubernetesVersion: "1.35",
      agentPoolProfiles: [{ name: "sys", mode: "System", count: 3, vnetSubnetID: SUBNET_ID }],
      networkProfile: {
        networkPlugin: "azure",
        networkPluginMode: "overlay",
        podCidr: "10.244.0.0/16",
        outboundType: "userDefinedRouting",
      },
    },
  },
  {
    type: "azure-native:network:Subnet",
    name: "aks-subnet",
    props: {
      resourceGroupName: "rg",
      virtualNetworkName: "vnet",
      subnetName: "aks",
      addressPrefix: "10.0.0.0/22",
      routeTable: { id: RT_ID },
    },
  },
  {
    type: "azure-native:network:RouteTable",
    name: "rt",
    props: {
      resourceGroupName: "rg",
      routeTableName: "aks-rt",
      routes: [
        {
          name: "default",
          addressPrefix: "0.0.0.0/0",
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: "10.1.0.4",
        },
      ],
    },
    propertyDependencies: { routes: ["fw"] },
  },
  {
    type: "azure-native:network:AzureFirewall",
    name: "fw",
    props: {
      resourceGroupName: "hub",
      azureFirewallName: "fw",
      firewallPolicy: { id: FWP_ID },
      ipConfigurations: [{ name: "ipc", privateIPAddress: "10.1.0.4" }],
    },
  },
  {
    type: "azure-native:network:FirewallPolicy",
    name: "fwp",
    props: { resourceGroupName: "hub", firewallPolicyName: "fwp" },
  },
  {
    type: "azure-native:network:FirewallPolicyRuleCollectionGroup",
    name: "rcg",
    props: { resourceGroupName: "hub", firewallPolicyName: "fwp", priority: 200, ruleCollections: [] },
  },
];

/** APP_TAG (rule-catalog §1.10). */
const APP_TAG = {
  ruleCollectionType: "FirewallPolicyFilterRuleCollection",
  name: "aks-app",
  priority: 300,
  action: { type: "Allow" },
  rules: [
    {
      ruleType: "ApplicationRule",
      name: "aks",
      sourceAddresses: ["10.0.0.0/22"],
      protocols: [{ protocolType: "Https", port: 443 }],
      fqdnTags: ["AzureKubernetesService"],
    },
  ],
};

function urnOf(stack: string, r: Pick<Res, "type" | "name">): string {
  return `urn:pulumi:${stack}::p::${r.type}::${r.name}`;
}

function build(c: Case): Res[] {
  const base = (c.base ?? BASE_F).filter((r) => !(c.remove ?? []).includes(r.name));
  const patched = base.map((r) => {
    const p = c.patch?.[r.name];
    if (!p) return r;
    return {
      ...r,
      props: { ...r.props, ...(p.props ?? {}) },
      outputs: p.outputs ?? r.outputs,
      propertyDependencies: p.propertyDependencies ?? r.propertyDependencies,
    };
  });
  return [...patched, ...(c.add ?? [])];
}

function run(resources: Res[], config: Record<string, unknown> = {}, stack = "dev"): Diagnostic[] {
  const runtime = new GuardrailsRuntime({
    rules: [rule],
    stack: { stack, project: "p", organization: "o" },
    stackConfig: {},
  });
  const tags = new Map<string, string>();
  for (const r of resources) {
    const analyzed = runtime.analyzeResource(
      rule,
      { type: r.type, urn: urnOf(stack, r), name: r.name, props: r.props },
      config,
      tags,
    );
    expect(analyzed).toEqual([]);
  }
  const byName = new Map(resources.map((r) => [r.name, urnOf(stack, r)]));
  const stackResources: StackResource[] = resources.map((r) => {
    const propertyDependencies = Object.fromEntries(
      Object.entries(r.propertyDependencies ?? {}).map(([k, names]) => [
        k,
        names.map((n) => byName.get(n) ?? n),
      ]),
    );
    return {
      type: r.type,
      urn: urnOf(stack, r),
      name: r.name,
      props: r.outputs ?? r.props,
      dependencies: [...new Set(Object.values(propertyDependencies).flat())],
      propertyDependencies,
    };
  });
  return runtime.analyzeStack(rule, stackResources, config, tags);
}

function check(c: Case): void {
  const resources = build(c);
  const diagnostics = run(resources, c.config);
  const byName = new Map(resources.map((r) => [r.name, urnOf("dev", r)]));
  expect(diagnostics.map((d) => ({ level: d.enforcementLevel, urn: d.urn }))).toEqual(
    c.expect.map((e) => ({ level: e.level, urn: byName.get(e.on) })),
  );
  c.expect.forEach((e, i) => {
    expect(diagnostics[i].policyName).toBe(RULE_ID);
    expect(diagnostics[i].message).toContain(e.message);
  });
  for (const text of c.notInMessage ?? []) {
    for (const d of diagnostics) expect(d.message).not.toContain(text);
  }
}

const FQDN_LIST = [
  "*.hcp.westeurope.azmk8s.io",
  "mcr.microsoft.com",
  "*.data.mcr.microsoft.com",
  "mcr-0001.mcr-msedge.net",
  "management.azure.com",
  "login.microsoftonline.com",
  "packages.microsoft.com",
  "acs-mirror.azureedge.net",
];

const appRule = (rule: Record<string, unknown>, collection: Record<string, unknown> = {}) => ({
  ruleCollectionType: "FirewallPolicyFilterRuleCollection",
  name: "app",
  priority: 300,
  action: { type: "Allow" },
  rules: [
    {
      ruleType: "ApplicationRule",
      name: "r",
      sourceAddresses: ["*"],
      protocols: [{ protocolType: "Https", port: 443 }],
      ...rule,
    },
  ],
  ...collection,
});

const valid: Case[] = [
  {
    name: "P1 APP_TAG: the FQDN tag AzureKubernetesService covers everything",
    patch: { rcg: { props: { ruleCollections: [APP_TAG] } } },
    expect: [],
  },
  {
    name: "P3 BASE-N (no route to a virtual appliance): the rule reports nothing",
    patch: { "aks-subnet": { props: { routeTable: undefined } } },
    remove: ["rt"],
    expect: [],
  },
  {
    name: "wildcard FQDNs cover the list (*.azmk8s.io, *.microsoft.com, ...)",
    patch: {
      rcg: {
        props: {
          ruleCollections: [
            appRule({
              targetFqdns: [
                "*.azmk8s.io",
                "*.microsoft.com",
                "*.mcr-msedge.net",
                "*.azure.com",
                "*.microsoftonline.com",
                "*.azureedge.net",
                "packages.aks.azure.com",
              ],
            }),
          ],
        },
      },
    },
    expect: [],
  },
  {
    name: "a network rule allowing TCP 443 to * decides before the application rules",
    patch: {
      rcg: {
        props: {
          ruleCollections: [
            {
              ruleCollectionType: "FirewallPolicyFilterRuleCollection",
              name: "net",
              priority: 100,
              action: { type: "Allow" },
              rules: [
                {
                  ruleType: "NetworkRule",
                  name: "https",
                  ipProtocols: ["TCP"],
                  sourceAddresses: ["10.0.0.0/16"],
                  destinationAddresses: ["*"],
                  destinationPorts: ["443"],
                },
              ],
            },
          ],
        },
      },
    },
    expect: [],
  },
  {
    name: "outboundType none: nothing required",
    patch: {
      aks: { props: { networkProfile: { outboundType: "none" } } },
      rcg: { props: { ruleCollections: [] } },
    },
    expect: [],
  },
  {
    name: "private cluster: the API server FQDN is not required",
    patch: {
      aks: { props: { apiServerAccessProfile: { enablePrivateCluster: true } } },
      rcg: {
        props: {
          ruleCollections: [appRule({ targetFqdns: [...FQDN_LIST.slice(1), "packages.aks.azure.com"] })],
        },
      },
    },
    expect: [],
  },
  {
    name: "a NAT collection is ignored (the tag rule still allows)",
    patch: {
      rcg: {
        props: {
          ruleCollections: [
            {
              ruleCollectionType: "FirewallPolicyNatRuleCollection",
              name: "dnat",
              priority: 100,
              action: { type: "DNAT" },
              rules: [{ ruleType: "NatRule", name: "n" }],
            },
            APP_TAG,
          ],
        },
      },
    },
    expect: [],
  },
  {
    name: "an IP group in the stack holding the subnet",
    patch: {
      rcg: {
        props: {
          ruleCollections: [
            {
              ...APP_TAG,
              rules: [
                {
                  ...APP_TAG.rules[0],
                  sourceAddresses: undefined,
                  sourceIpGroups: [
                    "/subscriptions/0000/resourceGroups/hub/providers/Microsoft.Network/ipGroups/aks-nodes",
                  ],
                },
              ],
            },
          ],
        },
      },
    },
    add: [
      {
        type: "azure-native:network:IpGroup",
        name: "ipg",
        props: { resourceGroupName: "hub", ipGroupsName: "aks-nodes", ipAddresses: ["10.0.0.0/16"] },
      },
    ],
    expect: [],
  },
  {
    name: "base policy allows (inherited rules first); the child's Deny comes later",
    patch: {
      fwp: {
        props: {
          basePolicy: {
            id: "/subscriptions/0000/resourceGroups/hub/providers/Microsoft.Network/firewallPolicies/base",
          },
        },
      },
      rcg: {
        props: {
          ruleCollections: [
            {
              ruleCollectionType: "FirewallPolicyFilterRuleCollection",
              name: "deny-all-web",
              priority: 100,
              action: { type: "Deny" },
              rules: [
                {
                  ruleType: "ApplicationRule",
                  name: "all",
                  sourceAddresses: ["*"],
                  protocols: [{ protocolType: "Https", port: 443 }],
                  targetFqdns: ["*"],
                },
              ],
            },
          ],
        },
      },
    },
    add: [
      {
        type: "azure-native:network:FirewallPolicy",
        name: "base-policy",
        props: { resourceGroupName: "hub", firewallPolicyName: "base" },
      },
      {
        type: "azure-native:network:FirewallPolicyRuleCollectionGroup",
        name: "base-rcg",
        props: {
          resourceGroupName: "hub",
          firewallPolicyName: "base",
          priority: 500,
          ruleCollections: [APP_TAG],
        },
      },
    ],
    expect: [],
  },
  {
    name: "classic firewall with a separate application rule collection (FQDN tag)",
    base: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "aks",
        props: {
          name: "aks1",
          resourceGroupName: "rg",
          location: "westeurope",
          defaultNodePool: { name: "sys", nodeCount: 3, vnetSubnetId: SUBNET_ID },
          networkProfile: { networkPlugin: "azure", outboundType: "userDefinedRouting" },
        },
      },
      {
        type: "azure:network/virtualNetwork:VirtualNetwork",
        name: "vnet",
        props: {
          name: "vnet",
          resourceGroupName: "rg",
          addressSpaces: ["10.0.0.0/16"],
          subnets: [{ name: "aks", addressPrefixes: ["10.0.0.0/22"], routeTableId: RT_ID }],
        },
      },
      {
        type: "azure:network/routeTable:RouteTable",
        name: "rt",
        props: {
          name: "aks-rt",
          resourceGroupName: "rg",
          routes: [
            {
              name: "default",
              addressPrefix: "0.0.0.0/0",
              nextHopType: "VirtualAppliance",
              nextHopInIpAddress: "10.1.0.4",
            },
          ],
        },
      },
      {
        type: "azure:network/firewall:Firewall",
        name: "fw",
        props: {
          name: "fw",
          resourceGroupName: "hub",
          ipConfigurations: [{ name: "ipc", privateIpAddress: "10.1.0.4" }],
        },
      },
      {
        type: "azure:network/firewallApplicationRuleCollection:FirewallApplicationRuleCollection",
        name: "aks-app",
        props: {
          name: "aks-app",
          azureFirewallName: "fw",
          resourceGroupName: "hub",
          priority: 100,
          action: "Allow",
          rules: [{ name: "aks", sourceAddresses: ["10.0.0.0/22"], fqdnTags: ["AzureKubernetesService"] }],
        },
      },
    ],
    expect: [],
  },
];

const invalid: Case[] = [
  {
    name: "F1 only a DNS network rule: E1–E6 are not allowed (implicit deny), reported on the policy",
    patch: {
      rcg: {
        props: {
          ruleCollections: [
            {
              ruleCollectionType: "FirewallPolicyFilterRuleCollection",
              name: "net",
              priority: 100,
              action: { type: "Allow" },
              rules: [
                {
                  ruleType: "NetworkRule",
                  name: "dns",
                  ipProtocols: ["UDP"],
                  sourceAddresses: ["10.0.0.0/22"],
                  destinationAddresses: ["10.1.0.10"],
                  destinationPorts: ["53"],
                },
              ],
            },
          ],
        },
      },
    },
    expect: [
      {
        level: "mandatory",
        on: "fwp",
        message:
          'azure-native:network:FirewallPolicy "fwp" — does not allow the required egress of subnet "aks" (10.0.0.0/22) of ' +
          'AKS cluster "aks1" (route default 0.0.0.0/0 → 10.1.0.4) through Azure Firewall fw: HTTPS 443 → ' +
          "*.hcp.westeurope.azmk8s.io (no rule allows it; the firewall denies by default); HTTPS 443 → mcr.microsoft.com",
      },
      { level: "advisory", on: "fwp", message: "HTTPS 443 → packages.aks.azure.com (no rule allows it" },
    ],
  },
  {
    name: "F2 only MCR allowed: E1, E3–E6 and mcr-0001 missing",
    patch: {
      rcg: {
        props: {
          ruleCollections: [
            appRule({ name: "mcr", targetFqdns: ["mcr.microsoft.com", "*.data.mcr.microsoft.com"] }),
          ],
        },
      },
    },
    expect: [
      { level: "mandatory", on: "fwp", message: "HTTPS 443 → mcr-0001.mcr-msedge.net (no rule allows it" },
      { level: "advisory", on: "fwp", message: "packages.aks.azure.com" },
    ],
  },
  {
    name: "F3 a network Deny of TCP 443 is evaluated before the application Allow",
    patch: {
      rcg: {
        props: {
          ruleCollections: [
            {
              ruleCollectionType: "FirewallPolicyFilterRuleCollection",
              name: "deny-web",
              priority: 100,
              action: { type: "Deny" },
              rules: [
                {
                  ruleType: "NetworkRule",
                  name: "no443",
                  ipProtocols: ["TCP"],
                  sourceAddresses: ["*"],
                  destinationAddresses: ["*"],
                  destinationPorts: ["443"],
                },
              ],
            },
            APP_TAG,
          ],
        },
      },
    },
    expect: [
      {
        level: "mandatory",
        on: "rcg",
        message:
          'azure-native:network:FirewallPolicyRuleCollectionGroup "rcg" — does not allow the required egress of subnet "aks"' +
          ' (10.0.0.0/22) of AKS cluster "aks1" (route default 0.0.0.0/0 → 10.1.0.4) through Azure Firewall fw: HTTPS 443 → ' +
          "*.hcp.westeurope.azmk8s.io (denied by rule collection deny-web (priority 100, group priority 200))",
      },
      { level: "advisory", on: "rcg", message: "packages.aks.azure.com (denied by rule collection deny-web" },
    ],
  },
  {
    name: "P2 the FQDN list without packages.aks.azure.com: exactly one advisory",
    patch: {
      rcg: {
        props: {
          ruleCollections: [
            appRule({ name: "aks", sourceAddresses: ["10.0.0.0/16"], targetFqdns: FQDN_LIST }),
          ],
        },
      },
    },
    expect: [
      {
        level: "advisory",
        on: "fwp",
        message:
          "through Azure Firewall fw: HTTPS 443 → packages.aks.azure.com (no rule allows it; the firewall denies by " +
          "default). Blocking required egress makes the cluster unsupported (AKS docs: outbound-rules-control-egress.md, " +
          "limit-egress-traffic.md); advisory because HTTPS 443 → packages.aks.azure.com is checked as advisory",
      },
    ],
  },
  {
    name: "C1 the next hop is no firewall of this stack: advisory cannot-verify on the route table",
    patch: {
      rt: {
        props: {
          routes: [
            {
              name: "default",
              addressPrefix: "0.0.0.0/0",
              nextHopType: "VirtualAppliance",
              nextHopIpAddress: "10.9.9.9",
            },
          ],
        },
        propertyDependencies: {},
      },
    },
    remove: ["fw", "fwp", "rcg"],
    expect: [
      {
        level: "advisory",
        on: "rt",
        message:
          'cannot verify the egress of subnet "aks" (10.0.0.0/22) of AKS cluster "aks1" (route default 0.0.0.0/0 → 10.9.9.9): the next hop 10.9.9.9 is no Azure Firewall of this stack',
      },
    ],
  },
  {
    name: "U1 unknown rule collections: advisory cannot-verify",
    patch: { rcg: { props: { ruleCollections: UNK } } },
    expect: [
      {
        level: "advisory",
        on: "fwp",
        message: "cannot be verified during preview: whether it allows the required egress",
      },
    ],
    notInMessage: [UNK],
  },
  {
    name: "an allow for only part of the subnet leaves the rest to the implicit deny",
    patch: {
      rcg: {
        props: {
          ruleCollections: [
            { ...APP_TAG, rules: [{ ...APP_TAG.rules[0], sourceAddresses: ["10.0.0.0/24"] }] },
          ],
        },
      },
    },
    expect: [
      { level: "mandatory", on: "fwp", message: "mcr.microsoft.com (no rule allows it" },
      { level: "advisory", on: "fwp", message: "packages.aks.azure.com" },
    ],
  },
  {
    name: "Http (not Https) does not carry the FQDN flows",
    patch: {
      rcg: {
        props: {
          ruleCollections: [
            { ...APP_TAG, rules: [{ ...APP_TAG.rules[0], protocols: [{ protocolType: "Http", port: 80 }] }] },
          ],
        },
      },
    },
    expect: [
      { level: "mandatory", on: "fwp", message: "mcr.microsoft.com (no rule allows it" },
      { level: "advisory", on: "fwp", message: "packages.aks.azure.com" },
    ],
  },
  {
    name: "a Deny application rule for one name under *.data.mcr.microsoft.com blocks part of it",
    patch: {
      rcg: {
        props: {
          ruleCollections: [
            appRule(
              { targetFqdns: ["westeurope.data.mcr.microsoft.com"] },
              { name: "deny-mcr-eu", priority: 100, action: { type: "Deny" } },
            ),
            APP_TAG,
          ],
        },
      },
    },
    expect: [
      {
        level: "mandatory",
        on: "rcg",
        message: "HTTPS 443 → *.data.mcr.microsoft.com (denied by rule collection deny-mcr-eu",
      },
    ],
  },
  {
    name: "the base policy's Deny comes before the child's Allow",
    patch: {
      fwp: {
        props: {
          basePolicy: {
            id: "/subscriptions/0000/resourceGroups/hub/providers/Microsoft.Network/firewallPolicies/base",
          },
        },
      },
      rcg: { props: { ruleCollections: [APP_TAG] } },
    },
    add: [
      {
        type: "azure-native:network:FirewallPolicy",
        name: "base-policy",
        props: { resourceGroupName: "hub", firewallPolicyName: "base" },
      },
      {
        type: "azure-native:network:FirewallPolicyRuleCollectionGroup",
        name: "base-rcg",
        props: {
          resourceGroupName: "hub",
          firewallPolicyName: "base",
          priority: 900,
          ruleCollections: [
            appRule({ targetFqdns: ["*"] }, { name: "deny-all", priority: 1000, action: { type: "Deny" } }),
          ],
        },
      },
    ],
    expect: [
      {
        level: "mandatory",
        on: "base-rcg",
        message: "(denied by rule collection deny-all (priority 1000, group priority 900))",
      },
      {
        level: "advisory",
        on: "base-rcg",
        message: "packages.aks.azure.com (denied by rule collection deny-all",
      },
    ],
  },
  {
    name: "an IP group outside the stack: advisory",
    patch: {
      rcg: {
        props: {
          ruleCollections: [
            {
              ...APP_TAG,
              rules: [
                {
                  ...APP_TAG.rules[0],
                  sourceAddresses: undefined,
                  sourceIpGroups: [
                    "/subscriptions/0000/resourceGroups/shared/providers/Microsoft.Network/ipGroups/spokes",
                  ],
                },
              ],
            },
          ],
        },
      },
    },
    expect: [
      {
        level: "advisory",
        on: "fwp",
        message: "advisory because a rule names something that cannot be evaluated exactly",
      },
    ],
  },
  {
    name: "web categories cannot be evaluated: advisory",
    patch: { rcg: { props: { ruleCollections: [appRule({ webCategories: ["ComputersAndTechnology"] })] } } },
    expect: [{ level: "advisory", on: "fwp", message: "mcr.microsoft.com (no rule allows it" }],
  },
  {
    name: "legacyTunnelPorts required: UDP 1194 and TCP 9000 need network rules",
    config: { legacyTunnelPorts: "required" },
    patch: { rcg: { props: { ruleCollections: [APP_TAG] } } },
    expect: [
      {
        level: "mandatory",
        on: "fwp",
        message:
          "UDP 1194 → AzureCloud.westeurope (no rule allows it; the firewall denies by default); TCP 9000 → AzureCloud.westeurope",
      },
    ],
  },
  {
    name: "ntp required, allowed by FQDN network rule; tunnel ports allowed by AzureCloud.westeurope",
    config: { ntp: "required", legacyTunnelPorts: "required" },
    patch: {
      rcg: {
        props: {
          ruleCollections: [
            {
              ruleCollectionType: "FirewallPolicyFilterRuleCollection",
              name: "net",
              priority: 100,
              action: { type: "Allow" },
              rules: [
                {
                  ruleType: "NetworkRule",
                  name: "ntp",
                  ipProtocols: ["UDP"],
                  sourceAddresses: ["*"],
                  destinationFqdns: ["ntp.ubuntu.com"],
                  destinationPorts: ["123"],
                },
                {
                  ruleType: "NetworkRule",
                  name: "tunnel",
                  ipProtocols: ["Any"],
                  sourceAddresses: ["*"],
                  destinationAddresses: ["AzureCloud.WestEurope"],
                  destinationPorts: ["1194", "9000"],
                },
              ],
            },
          ],
        },
      },
    },
    expect: [
      { level: "mandatory", on: "fwp", message: "HTTPS 443 → *.hcp.westeurope.azmk8s.io (no rule allows it" },
      { level: "advisory", on: "fwp", message: "packages.aks.azure.com" },
    ],
  },
  {
    name: "the only firewall of the stack is assumed to be the next hop (no dependency, IP unknown): advisory",
    patch: {
      rt: {
        props: {
          routes: [
            {
              name: "default",
              addressPrefix: "0.0.0.0/0",
              nextHopType: "VirtualAppliance",
              nextHopIpAddress: UNK,
            },
          ],
        },
        propertyDependencies: {},
      },
      fw: { props: { resourceGroupName: "hub", azureFirewallName: "fw", firewallPolicy: { id: FWP_ID } } },
      rcg: { props: { ruleCollections: [] } },
    },
    expect: [
      {
        level: "advisory",
        on: "fwp",
        message: "advisory because the firewall is assumed to be the next hop",
      },
    ],
  },
  {
    name: "preview: every id unknown, joined through propertyDependencies",
    patch: {
      aks: {
        props: { agentPoolProfiles: [{ name: "sys", mode: "System", count: 3, vnetSubnetID: UNK }] },
        propertyDependencies: { agentPoolProfiles: ["aks-subnet"] },
      },
      "aks-subnet": { props: { routeTable: { id: UNK } }, propertyDependencies: { routeTable: ["rt"] } },
      rt: {
        props: { routes: [] },
        outputs: { name: "aks-rt", routes: [] },
      },
      fw: {
        props: { resourceGroupName: "hub", azureFirewallName: "fw", firewallPolicy: { id: UNK } },
        outputs: {
          name: "fw",
          firewallPolicy: { id: UNK },
          ipConfigurations: [{ name: "ipc", privateIPAddress: UNK }],
        },
        propertyDependencies: { firewallPolicy: ["fwp"] },
      },
      fwp: { outputs: { name: "fwp" } },
      rcg: {
        props: {
          resourceGroupName: "hub",
          firewallPolicyName: UNK,
          priority: 200,
          ruleCollections: [appRule({ targetFqdns: ["mcr.microsoft.com"] })],
        },
        outputs: {
          name: "rcg",
          priority: 200,
          ruleCollections: [appRule({ targetFqdns: ["mcr.microsoft.com"] })],
        },
        propertyDependencies: { firewallPolicyName: ["fwp"] },
      },
    },
    add: [
      {
        type: "azure-native:network:Route",
        name: "default-route",
        props: {
          resourceGroupName: "rg",
          routeTableName: UNK,
          routeName: "default",
          addressPrefix: "0.0.0.0/0",
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: UNK,
        },
        propertyDependencies: { routeTableName: ["rt"], nextHopIpAddress: ["fw"] },
      },
    ],
    expect: [
      {
        level: "mandatory",
        on: "fwp",
        message: "through Azure Firewall fw: HTTPS 443 → *.hcp.westeurope.azmk8s.io (no rule allows it",
      },
      { level: "advisory", on: "fwp", message: "packages.aks.azure.com" },
    ],
  },
  {
    name: "classic firewall: a separate network rule collection denies TCP 443; unsafe names are not printed",
    base: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "aks",
        props: {
          name: "aks1",
          resourceGroupName: "rg",
          location: "westeurope",
          defaultNodePool: { name: "sys", nodeCount: 3, vnetSubnetId: SUBNET_ID },
          networkProfile: { outboundType: "userDefinedRouting" },
        },
      },
      {
        type: "azure:network/subnet:Subnet",
        name: "aks-subnet",
        props: {
          name: "aks",
          resourceGroupName: "rg",
          virtualNetworkName: "vnet",
          addressPrefixes: ["10.0.0.0/22"],
        },
      },
      {
        type: "azure:network/routeTable:RouteTable",
        name: "rt",
        props: {
          name: "aks-rt",
          resourceGroupName: "rg",
          routes: [
            {
              name: "default",
              addressPrefix: "0.0.0.0/0",
              nextHopType: "VirtualAppliance",
              nextHopInIpAddress: "10.1.0.4",
            },
          ],
        },
      },
      {
        type: "azure:network/subnetRouteTableAssociation:SubnetRouteTableAssociation",
        name: "assoc",
        props: { subnetId: SUBNET_ID, routeTableId: RT_ID },
      },
      {
        type: "azure:network/firewall:Firewall",
        name: "fw",
        props: {
          name: "fw",
          resourceGroupName: "hub",
          ipConfigurations: [{ name: "ipc", privateIpAddress: "10.1.0.4" }],
        },
      },
      {
        type: "azure:network/firewallNetworkRuleCollection:FirewallNetworkRuleCollection",
        name: "deny-web",
        props: {
          name: "deny web password=hunter2",
          azureFirewallName: "fw",
          resourceGroupName: "hub",
          priority: 100,
          action: "Deny",
          rules: [
            {
              name: "no443",
              protocols: ["TCP"],
              sourceAddresses: ["10.0.0.0/16"],
              destinationAddresses: ["*"],
              destinationPorts: ["443"],
            },
          ],
        },
      },
    ],
    expect: [
      {
        level: "mandatory",
        on: "deny-web",
        message: "HTTPS 443 → mcr.microsoft.com (denied by rule collection (not shown) (priority 100))",
      },
      {
        level: "advisory",
        on: "deny-web",
        message: "packages.aks.azure.com (denied by rule collection (not shown)",
      },
    ],
    notInMessage: ["hunter2"],
  },
  {
    name: "classic policy: the rule collection group's network Deny collection",
    base: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "aks",
        props: {
          name: "aks1",
          resourceGroupName: "rg",
          location: "westeurope",
          defaultNodePool: { name: "sys", nodeCount: 3, vnetSubnetId: SUBNET_ID },
          networkProfile: { outboundType: "userDefinedRouting" },
        },
      },
      {
        type: "azure:network/subnet:Subnet",
        name: "aks-subnet",
        props: {
          name: "aks",
          resourceGroupName: "rg",
          virtualNetworkName: "vnet",
          addressPrefixes: ["10.0.0.0/22"],
        },
      },
      {
        type: "azure:network/routeTable:RouteTable",
        name: "rt",
        props: {
          name: "aks-rt",
          resourceGroupName: "rg",
          routes: [
            {
              name: "default",
              addressPrefix: "0.0.0.0/0",
              nextHopType: "VirtualAppliance",
              nextHopInIpAddress: "10.1.0.4",
            },
          ],
        },
      },
      {
        type: "azure:network/subnetRouteTableAssociation:SubnetRouteTableAssociation",
        name: "assoc",
        props: { subnetId: SUBNET_ID, routeTableId: RT_ID },
      },
      {
        type: "azure:network/firewall:Firewall",
        name: "fw",
        props: {
          name: "fw",
          resourceGroupName: "hub",
          firewallPolicyId: FWP_ID,
          ipConfigurations: [{ name: "ipc", privateIpAddress: "10.1.0.4" }],
        },
      },
      {
        type: "azure:network/firewallPolicy:FirewallPolicy",
        name: "fwp",
        props: { name: "fwp", resourceGroupName: "hub" },
      },
      {
        type: "azure:network/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup",
        name: "rcg",
        props: {
          name: "aks",
          firewallPolicyId: FWP_ID,
          priority: 200,
          networkRuleCollections: [
            {
              name: "deny-https",
              priority: 100,
              action: "Deny",
              rules: [
                {
                  name: "no443",
                  protocols: ["TCP"],
                  sourceAddresses: ["*"],
                  destinationAddresses: ["*"],
                  destinationPorts: ["443"],
                },
              ],
            },
          ],
          applicationRuleCollections: [
            {
              name: "aks",
              priority: 200,
              action: "Allow",
              rules: [
                {
                  name: "aks",
                  sourceAddresses: ["*"],
                  protocols: [{ type: "Https", port: 443 }],
                  destinationFqdnTags: ["AzureKubernetesService"],
                },
              ],
            },
          ],
        },
      },
    ],
    expect: [
      {
        level: "mandatory",
        on: "rcg",
        message:
          'azure:network/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup "rcg" — does not allow',
      },
      {
        level: "advisory",
        on: "rcg",
        message: "(denied by rule collection deny-https (priority 100, group priority 200))",
      },
    ],
  },
];

describe(RULE_ID, () => {
  describe("valid (no finding)", () => {
    it.each(valid.map((c) => [c.name, c] as const))("%s", (_name, c) => check(c));
  });
  describe("invalid", () => {
    it.each(invalid.map((c) => [c.name, c] as const))("%s", (_name, c) => check(c));
  });
});
