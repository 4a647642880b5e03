/**
 * `aks-nsg-required-egress` (rule-catalog §2.11): stack cases as deltas on one named base stack (BASE-N),
 * each run through a real GuardrailsRuntime — Analyze with the inputs, then AnalyzeStack with the outputs —
 * asserting the rule id, the level, the resource and a message fragment.
 */
import type { StackResource } from "../../src/model/rule";
import { Diagnostic, GuardrailsRuntime } from "../../src/pack/runtime";
import rule from "../../src/rules/aks-nsg-required-egress";

const RULE_ID = "aks-nsg-required-egress";
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
const NSG_ID =
  "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/aks-nsg";

/** BASE-N (rule-catalog §1.10): azure-native, BYO subnet with NSG. */
const BASE_N: Res[] = [
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
        outboundType: "loadBalancer",
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
      networkSecurityGroup: { id: NSG_ID },
    },
  },
  {
    type: "azure-native:network:NetworkSecurityGroup",
    name: "nsg",
    props: { resourceGroupName: "rg", networkSecurityGroupName: "aks-nsg", securityRules: [] },
  },
];

const DENY_INTERNET = {
  name: "deny-internet",
  direction: "Outbound",
  access: "Deny",
  protocol: "*",
  priority: 4000,
  sourceAddressPrefix: "*",
  sourcePortRange: "*",
  destinationAddressPrefix: "Internet",
  destinationPortRange: "*",
};

const DENY_443 = {
  name: "deny-443",
  direction: "Outbound",
  access: "Deny",
  protocol: "Tcp",
  priority: 100,
  sourceAddressPrefix: "*",
  sourcePortRange: "*",
  destinationAddressPrefix: "Internet",
  destinationPortRange: "443",
};

function urnOf(stack: string, r: Pick<Res, "type" | "name">): string {
  return `urn:pulumi:${stack}::p::${r.type}::${r.name}`;
}

function build(c: Case): Res[] {
  const base = (c.base ?? BASE_N).filter((r) => !(c.remove ?? []).includes(r.name));
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

const valid: Case[] = [
  { name: "BASE-N: an NSG without custom rules", expect: [] },
  {
    name: "P1 an Allow TCP 443 → Internet at priority 100 precedes the Deny",
    patch: {
      nsg: {
        props: {
          securityRules: [
            DENY_INTERNET,
            {
              name: "allow-443",
              direction: "Outbound",
              access: "Allow",
              protocol: "Tcp",
              priority: 100,
              sourceAddressPrefix: "*",
              sourcePortRange: "*",
              destinationAddressPrefix: "Internet",
              destinationPortRange: "443",
            },
          ],
        },
      },
    },
    expect: [],
  },
  {
    name: "P2 a Deny to a literal CIDR cannot be shown to cover the public endpoints",
    patch: {
      nsg: {
        props: {
          securityRules: [
            {
              name: "deny-partner",
              direction: "Outbound",
              access: "Deny",
              protocol: "*",
              priority: 200,
              sourceAddressPrefix: "*",
              sourcePortRange: "*",
              destinationAddressPrefix: "203.0.113.0/24",
              destinationPortRange: "*",
            },
          ],
        },
      },
    },
    expect: [],
  },
  {
    name: "P3 network-isolated cluster (outboundType none) is skipped",
    patch: {
      aks: {
        props: {
          networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", outboundType: "none" },
        },
      },
      nsg: { props: { securityRules: [DENY_INTERNET] } },
    },
    expect: [],
  },
  {
    name: "outboundType block (preview API) is network-isolated too",
    patch: {
      aks: { props: { networkProfile: { outboundType: "Block" } } },
      nsg: { props: { securityRules: [DENY_INTERNET] } },
    },
    expect: [],
  },
  {
    name: "an Inbound Deny does not touch egress",
    patch: { nsg: { props: { securityRules: [{ ...DENY_443, direction: "Inbound" }] } } },
    expect: [],
  },
  {
    name: "a Deny on UDP only does not block TCP 443 (DNS not custom)",
    patch: {
      nsg: { props: { securityRules: [{ ...DENY_443, protocol: "Udp", destinationPortRange: "*" }] } },
    },
    expect: [],
  },
  {
    name: "a Deny of other ports (ranges and lists) leaves 443 open",
    patch: {
      nsg: {
        props: {
          securityRules: [
            {
              ...DENY_443,
              destinationPortRange: undefined,
              destinationPortRanges: ["1-442", "444-8999", "9001-65535"],
            },
          ],
        },
      },
    },
    expect: [],
  },
  {
    name: "a Deny from a source range outside the AKS subnet",
    patch: { nsg: { props: { securityRules: [{ ...DENY_443, sourceAddressPrefix: "10.1.0.0/24" }] } } },
    expect: [],
  },
  {
    name: "a Deny limited to privileged source ports does not meet client connections",
    patch: { nsg: { props: { securityRules: [{ ...DENY_443, sourcePortRange: "0-1023" }] } } },
    expect: [],
  },
  {
    name: "an Allow from client ports 1024-65535 shadows a later Deny",
    patch: {
      nsg: {
        props: {
          securityRules: [
            { ...DENY_443, name: "allow-443", access: "Allow", sourcePortRange: "1024-65535", priority: 90 },
            DENY_443,
          ],
        },
      },
    },
    expect: [],
  },
  {
    name: "a Deny from a source ASG no pool on the subnet joins",
    patch: {
      nsg: {
        props: {
          securityRules: [
            {
              ...DENY_443,
              sourceAddressPrefix: undefined,
              sourceApplicationSecurityGroups: [
                {
                  id: "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/web",
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
    name: "done criterion: the Deny on a subnet no cluster uses gives nothing",
    patch: {
      aks: {
        props: {
          agentPoolProfiles: [
            {
              name: "sys",
              mode: "System",
              count: 3,
              vnetSubnetID:
                "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/other",
            },
          ],
        },
      },
      nsg: { props: { securityRules: [DENY_443] } },
    },
    expect: [],
  },
  {
    name: "an NSG in the stack that no subnet references is ignored",
    patch: {
      "aks-subnet": { props: { networkSecurityGroup: undefined } },
      nsg: { props: { securityRules: [DENY_443] } },
    },
    expect: [],
  },
  {
    name: "a cluster on an AKS-managed VNet (no vnetSubnetID) has no subnet in the stack",
    patch: {
      aks: { props: { agentPoolProfiles: [{ name: "sys", mode: "System", count: 3 }] } },
      nsg: { props: { securityRules: [DENY_443] } },
    },
    expect: [],
  },
  {
    name: "private cluster: a Deny TCP 443 → AzureCloud leaves only advisory doubts, and E1 does not apply",
    patch: {
      aks: { props: { apiServerAccessProfile: { enablePrivateCluster: true } } },
      nsg: { props: { securityRules: [{ ...DENY_443, destinationAddressPrefix: "192.0.2.0/24" }] } },
    },
    expect: [],
  },
  {
    name: "tunnel ports off by default: a Deny UDP 1194 is not checked",
    patch: {
      nsg: {
        props: {
          securityRules: [
            {
              ...DENY_443,
              protocol: "Udp",
              destinationPortRange: "1194",
              destinationAddressPrefix: "AzureCloud",
            },
          ],
        },
      },
    },
    expect: [],
  },
  {
    name: "serviceTagMap: an Allow to MicrosoftContainerRegistry counts for E2 (Deny only for other traffic)",
    config: { serviceTagMap: { E2: ["MicrosoftContainerRegistry"] } },
    patch: {
      nsg: {
        props: {
          securityRules: [
            {
              ...DENY_443,
              name: "allow-mcr",
              access: "Allow",
              destinationAddressPrefix: "MicrosoftContainerRegistry",
              priority: 100,
            },
          ],
        },
      },
    },
    expect: [],
  },
  {
    name: "requiredPorts replaces the flow list: TCP 443 not required, only TCP 8443",
    config: { requiredPorts: [{ protocol: "Tcp", port: 8443 }] },
    patch: { nsg: { props: { securityRules: [DENY_443] } } },
    expect: [],
  },
  {
    name: "custom DNS server inside the VNet: a Deny UDP 53 to another address leaves it open",
    add: [
      {
        type: "azure-native:network:VirtualNetwork",
        name: "vnet",
        props: {
          resourceGroupName: "rg",
          virtualNetworkName: "vnet",
          addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
          dhcpOptions: { dnsServers: ["10.0.5.4"] },
        },
      },
    ],
    patch: {
      nsg: {
        props: {
          securityRules: [
            {
              ...DENY_443,
              protocol: "*",
              destinationPortRange: "53",
              destinationAddressPrefix: "10.0.6.0/24",
            },
          ],
        },
      },
    },
    expect: [],
  },
];

const invalid: Case[] = [
  {
    name: "F1 Deny * → Internet at 4000 blocks TCP 443 (inline rule: reported on the NSG)",
    patch: { nsg: { props: { securityRules: [DENY_INTERNET] } } },
    expect: [
      {
        level: "mandatory",
        on: "nsg",
        message:
          'azure-native:network:NetworkSecurityGroup "nsg" — rule deny-internet (priority 4000, Outbound Deny *, ports *, ' +
          'from * to Internet) of NSG aks-nsg blocks the required egress of subnet "aks" (10.0.0.0/22) of AKS cluster ' +
          '"aks1": E1 TCP 443 → *.hcp.westeurope.azmk8s.io (API server); E2 TCP 443 → mcr.microsoft.com',
      },
    ],
  },
  {
    name: "F1 message names the support-policy section, S-numbers and the fix",
    patch: { nsg: { props: { securityRules: [DENY_INTERNET] } } },
    expect: [
      {
        level: "mandatory",
        on: "nsg",
        message:
          "Support policy: §network-ports-access-and-nsgs (S24, S27, S48, S49). Fix: add an Outbound Allow with a " +
          "priority number below 4000 for TCP 443 to `Internet`",
      },
    ],
  },
  {
    name: "F2 a Deny TCP 443 → * at 200 precedes the Allow → AzureCloud at 300",
    patch: {
      nsg: {
        props: {
          securityRules: [
            { ...DENY_443, name: "deny-443", priority: 200, destinationAddressPrefix: "*" },
            {
              ...DENY_443,
              name: "allow-azure",
              access: "Allow",
              priority: 300,
              destinationAddressPrefix: "AzureCloud",
            },
          ],
        },
      },
    },
    expect: [
      { level: "mandatory", on: "nsg", message: "rule deny-443 (priority 200, Outbound Deny Tcp, ports 443" },
    ],
  },
  {
    name: "F3 a separate SecurityRule (ports list) is reported on its own resource",
    add: [
      {
        type: "azure-native:network:SecurityRule",
        name: "r",
        props: {
          resourceGroupName: "rg",
          networkSecurityGroupName: "aks-nsg",
          securityRuleName: "deny-web",
          direction: "Outbound",
          access: "Deny",
          protocol: "Tcp",
          priority: 100,
          sourceAddressPrefix: "VirtualNetwork",
          sourcePortRange: "*",
          destinationAddressPrefix: "0.0.0.0/0",
          destinationPortRanges: ["80", "443"],
        },
      },
    ],
    expect: [
      {
        level: "mandatory",
        on: "r",
        message:
          'azure-native:network:SecurityRule "r" — rule deny-web (priority 100, Outbound Deny Tcp, ports 80, 443, from ' +
          "VirtualNetwork to 0.0.0.0/0) of NSG aks-nsg blocks the required egress",
      },
    ],
  },
  {
    name: "U1 unknown destination prefix: advisory cannot-verify",
    patch: { nsg: { props: { securityRules: [{ ...DENY_INTERNET, destinationAddressPrefix: UNK }] } } },
    expect: [
      {
        level: "advisory",
        on: "nsg",
        message:
          "cannot be verified during preview: whether rule deny-internet (priority 4000, Outbound Deny *, ports *, from * to (unknown during preview))",
      },
    ],
    notInMessage: [UNK],
  },
  {
    name: "done criterion: Deny Outbound Tcp 443 → Internet at priority 100 on the AKS subnet",
    patch: { nsg: { props: { securityRules: [DENY_443] } } },
    expect: [
      {
        level: "mandatory",
        on: "nsg",
        message:
          "rule deny-443 (priority 100, Outbound Deny Tcp, ports 443, from * to Internet) of NSG aks-nsg blocks",
      },
    ],
  },
  {
    name: "a Deny overlapping 443 through a port range",
    patch: { nsg: { props: { securityRules: [{ ...DENY_443, destinationPortRange: "400-500" }] } } },
    expect: [{ level: "mandatory", on: "nsg", message: "ports 400-500" }],
  },
  {
    name: "a Deny of a source range inside the subnet blocks part of its egress",
    patch: { nsg: { props: { securityRules: [{ ...DENY_443, sourceAddressPrefix: "10.0.1.0/24" }] } } },
    expect: [{ level: "mandatory", on: "nsg", message: "of NSG aks-nsg blocks part of the required egress" }],
  },
  {
    name: "an Allow for only part of the subnet does not shadow a later Deny",
    patch: {
      nsg: {
        props: {
          securityRules: [
            {
              ...DENY_443,
              name: "allow-part",
              access: "Allow",
              sourceAddressPrefix: "10.0.0.0/23",
              priority: 90,
            },
            DENY_443,
          ],
        },
      },
    },
    expect: [{ level: "mandatory", on: "nsg", message: "rule deny-443 (priority 100" }],
  },
  {
    name: "priority shadowing: the Allow at 300 comes after the Deny at 200, whatever the list order",
    patch: {
      nsg: {
        props: {
          securityRules: [
            { ...DENY_443, name: "allow-late", access: "Allow", priority: 300 },
            { ...DENY_443, name: "deny-early", priority: 200 },
          ],
        },
      },
    },
    expect: [{ level: "mandatory", on: "nsg", message: "rule deny-early (priority 200" }],
  },
  {
    name: "case-insensitive enums and the `Any` protocol",
    patch: {
      nsg: {
        props: { securityRules: [{ ...DENY_443, direction: "outbound", access: "DENY", protocol: "Any" }] },
      },
    },
    expect: [{ level: "mandatory", on: "nsg", message: "rule deny-443" }],
  },
  {
    name: "a Deny from the pools' ASG",
    patch: {
      aks: {
        props: {
          agentPoolProfiles: [
            {
              name: "sys",
              mode: "System",
              count: 3,
              vnetSubnetID: SUBNET_ID,
              networkProfile: {
                applicationSecurityGroups: [
                  "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/aks-nodes",
                ],
              },
            },
          ],
        },
      },
      nsg: {
        props: {
          securityRules: [
            {
              ...DENY_443,
              sourceAddressPrefix: undefined,
              sourceApplicationSecurityGroups: [
                {
                  id: "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/applicationSecurityGroups/AKS-NODES",
                },
              ],
            },
          ],
        },
      },
    },
    expect: [{ level: "mandatory", on: "nsg", message: "from ASG AKS-NODES to Internet" }],
  },
  {
    name: "a Deny to AzureCloud may block MCR and ARM: advisory, and mandatory for the API server (E1)",
    patch: { nsg: { props: { securityRules: [{ ...DENY_443, destinationAddressPrefix: "AzureCloud" }] } } },
    expect: [
      { level: "mandatory", on: "nsg", message: "E1 TCP 443 → *.hcp.westeurope.azmk8s.io (API server)" },
      {
        level: "advisory",
        on: "nsg",
        message: "advisory because the rule names a value that cannot be evaluated exactly",
      },
    ],
  },
  {
    name: "AzureCloud.<region> of the cluster's region blocks the API server",
    patch: {
      nsg: { props: { securityRules: [{ ...DENY_443, destinationAddressPrefix: "AzureCloud.westeurope" }] } },
    },
    expect: [
      { level: "mandatory", on: "nsg", message: "E1 TCP 443" },
      { level: "advisory", on: "nsg", message: "E2 TCP 443" },
    ],
  },
  {
    name: "legacyTunnelPorts advisory: a Deny UDP 1194 → AzureCloud.westeurope is advisory",
    config: { legacyTunnelPorts: "advisory" },
    patch: {
      nsg: {
        props: {
          securityRules: [
            {
              ...DENY_443,
              protocol: "Udp",
              destinationPortRange: "1194",
              destinationAddressPrefix: "AzureCloud.westeurope",
            },
          ],
        },
      },
    },
    expect: [
      {
        level: "advisory",
        on: "nsg",
        message:
          "E7 UDP 1194 → AzureCloud.westeurope (tunnel). Blocking required ports makes the cluster unsupported",
      },
    ],
  },
  {
    name: "legacyTunnelPorts required: a Deny TCP 9000 is mandatory",
    config: { legacyTunnelPorts: "required" },
    patch: { nsg: { props: { securityRules: [{ ...DENY_443, destinationPortRange: "9000" }] } } },
    expect: [{ level: "mandatory", on: "nsg", message: "E8 TCP 9000 → AzureCloud.westeurope (tunnel)" }],
  },
  {
    name: "ntp required: a Deny UDP 123 → Internet",
    config: { ntp: "required" },
    patch: {
      nsg: { props: { securityRules: [{ ...DENY_443, protocol: "Udp", destinationPortRange: "123" }] } },
    },
    expect: [{ level: "mandatory", on: "nsg", message: "E9 UDP 123 → ntp.ubuntu.com" }],
  },
  {
    name: "custom DNS: a Deny of port 53 to the DNS server's range",
    add: [
      {
        type: "azure-native:network:VirtualNetwork",
        name: "vnet",
        props: {
          resourceGroupName: "rg",
          virtualNetworkName: "vnet",
          addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
          dhcpOptions: { dnsServers: ["10.0.5.4"] },
        },
      },
    ],
    patch: {
      nsg: {
        props: {
          securityRules: [
            {
              ...DENY_443,
              protocol: "*",
              destinationPortRange: "53",
              destinationAddressPrefix: "VirtualNetwork",
            },
          ],
        },
      },
    },
    expect: [
      {
        level: "mandatory",
        on: "nsg",
        message: "E10 UDP 53 → DNS server 10.0.5.4; E10 TCP 53 → DNS server 10.0.5.4",
      },
    ],
  },
  {
    name: "requiredPorts: a custom flow TCP 8443 → Internet",
    config: { requiredPorts: [{ protocol: "Tcp", port: 8443 }] },
    patch: { nsg: { props: { securityRules: [{ ...DENY_443, destinationPortRange: "8000-9000" }] } } },
    expect: [{ level: "mandatory", on: "nsg", message: "P1 TCP 8443 → *, 0.0.0.0/0, Any, Internet" }],
  },
  {
    name: "a separate rule replaces the inline rule of the same name (outputs list both)",
    patch: { nsg: { props: { securityRules: [{ ...DENY_443, name: "web" }] } } },
    add: [
      {
        type: "azure-native:network:SecurityRule",
        name: "web-rule",
        props: {
          ...DENY_443,
          name: undefined,
          resourceGroupName: "rg",
          networkSecurityGroupName: "aks-nsg",
          securityRuleName: "WEB",
          priority: 150,
        },
      },
    ],
    expect: [{ level: "mandatory", on: "web-rule", message: "rule WEB (priority 150" }],
  },
  {
    name: "pack config may lower the level to advisory",
    config: { enforcementLevel: "advisory" },
    patch: { nsg: { props: { securityRules: [DENY_443] } } },
    expect: [{ level: "advisory", on: "nsg", message: "rule deny-443" }],
  },
  {
    name: "unknown priority: the Deny may come first → advisory cannot-verify",
    patch: { nsg: { props: { securityRules: [{ ...DENY_443, priority: UNK }] } } },
    expect: [
      {
        level: "advisory",
        on: "nsg",
        message:
          "cannot be verified during preview: whether rule deny-443 (priority (unknown during preview)",
      },
    ],
  },
  {
    name: "unknown access: advisory cannot-verify",
    patch: { nsg: { props: { securityRules: [{ ...DENY_443, access: UNK }] } } },
    expect: [{ level: "advisory", on: "nsg", message: "cannot be verified during preview" }],
  },
  {
    name: "an Allow with an unknown destination before the Deny: the Deny may be shadowed → cannot-verify",
    patch: {
      nsg: {
        props: {
          securityRules: [
            { ...DENY_443, name: "allow-x", access: "Allow", destinationAddressPrefix: UNK, priority: 50 },
            DENY_443,
          ],
        },
      },
    },
    expect: [
      { level: "advisory", on: "nsg", message: "cannot be verified during preview: whether rule deny-443" },
    ],
  },
  {
    name: "unknown securityRules list: cannot-verify on the NSG",
    patch: { nsg: { props: { securityRules: UNK } } },
    expect: [{ level: "advisory", on: "nsg", message: "`securityRules` is unknown" }],
  },
  {
    name: 'properties of the wrong JSON type: advisory "cannot be evaluated", no throw',
    patch: {
      nsg: { props: { securityRules: [{ name: 42, priority: "x", direction: ["Outbound"], access: {} }] } },
    },
    expect: [
      {
        level: "advisory",
        on: "nsg",
        message:
          "rule (not shown) (priority (not shown), (not shown) (not shown) (not shown), ports (none), from (none) to (none)) " +
          "of NSG aks-nsg blocks the required egress",
      },
    ],
  },
  {
    name: "a rule name that is not a safe Azure name is not printed",
    patch: { nsg: { props: { securityRules: [{ ...DENY_443, name: "password=hunter2 deny" }] } } },
    expect: [{ level: "mandatory", on: "nsg", message: "rule (not shown) (priority 100" }],
    notInMessage: ["hunter2"],
  },
  {
    // Found by test/reliability/rules.property.test.ts: the location went into `*.hcp.<region>.azmk8s.io` unchecked.
    name: "a cluster location that is not a region name is not printed in the API server FQDN",
    patch: {
      aks: { props: { location: "West Europe password=hunter2" } },
      nsg: { props: { securityRules: [DENY_443] } },
    },
    expect: [
      { level: "mandatory", on: "nsg", message: "E1 TCP 443 → *.hcp.<region>.azmk8s.io (API server)" },
    ],
    notInMessage: ["hunter2"],
  },
  {
    name: "the same NSG on two AKS subnets: one finding naming both",
    patch: {
      aks: {
        props: {
          agentPoolProfiles: [
            { name: "sys", mode: "System", count: 3, vnetSubnetID: SUBNET_ID },
            {
              name: "user",
              mode: "User",
              count: 3,
              vnetSubnetID:
                "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/user",
            },
          ],
        },
      },
      nsg: { props: { securityRules: [DENY_443] } },
    },
    add: [
      {
        type: "azure-native:network:Subnet",
        name: "user-subnet",
        props: {
          resourceGroupName: "rg",
          virtualNetworkName: "vnet",
          subnetName: "user",
          addressPrefix: "10.0.4.0/22",
          networkSecurityGroup: { id: NSG_ID },
        },
      },
    ],
    expect: [
      {
        level: "mandatory",
        on: "nsg",
        message:
          'subnet "aks" (10.0.0.0/22) of AKS cluster "aks1"; subnet "user" (10.0.4.0/22) of AKS cluster "aks1"',
      },
    ],
  },
];

/** Preview: ids of new resources are unknown; joins go through propertyDependencies. */
const preview: Case[] = [
  {
    name: "every id unknown, joined only through propertyDependencies (outputs without path parameters)",
    patch: {
      aks: {
        props: { agentPoolProfiles: [{ name: "sys", mode: "System", count: 3, vnetSubnetID: UNK }] },
        outputs: {
          name: "aks1",
          location: "westeurope",
          agentPoolProfiles: [{ name: "sys", vnetSubnetID: UNK }],
          networkProfile: { outboundType: "loadBalancer" },
        },
        propertyDependencies: { agentPoolProfiles: ["aks-subnet"] },
      },
      "aks-subnet": {
        props: { networkSecurityGroup: { id: UNK }, virtualNetworkName: UNK },
        outputs: { name: "aks", addressPrefix: "10.0.0.0/22", networkSecurityGroup: { id: UNK } },
        propertyDependencies: { networkSecurityGroup: ["nsg"], virtualNetworkName: ["vnet"] },
      },
      nsg: { props: { securityRules: [] }, outputs: { name: "aks-nsg", securityRules: [] } },
    },
    add: [
      {
        type: "azure-native:network:VirtualNetwork",
        name: "vnet",
        props: {
          resourceGroupName: "rg",
          virtualNetworkName: "vnet",
          addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
        },
      },
      {
        type: "azure-native:network:SecurityRule",
        name: "r",
        props: {
          ...DENY_443,
          name: undefined,
          securityRuleName: "deny-443",
          resourceGroupName: "rg",
          networkSecurityGroupName: UNK,
        },
        outputs: { ...DENY_443 },
        propertyDependencies: { networkSecurityGroupName: ["nsg"] },
      },
    ],
    expect: [
      {
        level: "mandatory",
        on: "r",
        message:
          "rule deny-443 (priority 100, Outbound Deny Tcp, ports 443, from * to Internet) of NSG aks-nsg",
      },
    ],
  },
  {
    name: "separate AgentPool on its own subnet, joined through propertyDependencies",
    patch: {
      nsg: { props: { securityRules: [DENY_443] } },
      "aks-subnet": { props: { networkSecurityGroup: undefined } },
    },
    add: [
      {
        type: "azure-native:containerservice:AgentPool",
        name: "batch",
        props: {
          resourceGroupName: "rg",
          resourceName: UNK,
          agentPoolName: "batch",
          mode: "User",
          vnetSubnetID: UNK,
        },
        propertyDependencies: { resourceName: ["aks"], vnetSubnetID: ["batch-subnet"] },
      },
      {
        type: "azure-native:network:Subnet",
        name: "batch-subnet",
        props: {
          resourceGroupName: "rg",
          virtualNetworkName: "vnet",
          subnetName: "batch",
          addressPrefix: "10.0.8.0/22",
          networkSecurityGroup: { id: UNK },
        },
        propertyDependencies: { networkSecurityGroup: ["nsg"] },
      },
    ],
    expect: [
      { level: "mandatory", on: "nsg", message: 'subnet "batch" (10.0.8.0/22) of AKS cluster "aks1"' },
    ],
  },
  {
    name: "a pool depending only on the VNet (several subnets): advisory",
    patch: {
      aks: {
        props: { agentPoolProfiles: [{ name: "sys", mode: "System", count: 3, vnetSubnetID: UNK }] },
        propertyDependencies: { agentPoolProfiles: ["vnet"] },
      },
      nsg: { props: { securityRules: [DENY_443] } },
    },
    add: [
      {
        type: "azure-native:network:VirtualNetwork",
        name: "vnet",
        props: {
          resourceGroupName: "rg",
          virtualNetworkName: "vnet",
          addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
          subnets: [{ name: "other", addressPrefix: "10.0.100.0/24" }],
        },
      },
    ],
    expect: [
      {
        level: "advisory",
        on: "nsg",
        message: "advisory because the subnet is only possibly an AKS subnet or this NSG's",
      },
    ],
  },
  {
    name: "inline VNet subnets: the VNet's `subnets` dependency proves the NSG of the one subnet with an unknown id",
    remove: ["aks-subnet"],
    patch: {
      aks: {
        props: { agentPoolProfiles: [{ name: "sys", mode: "System", count: 3, vnetSubnetID: SUBNET_ID }] },
      },
      nsg: { props: { securityRules: [DENY_443] } },
    },
    add: [
      {
        type: "azure-native:network:VirtualNetwork",
        name: "vnet",
        props: {
          resourceGroupName: "rg",
          virtualNetworkName: "vnet",
          addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
          subnets: [
            { name: "aks", addressPrefix: "10.0.0.0/22", networkSecurityGroup: { id: UNK } },
            { name: "web", addressPrefix: "10.0.4.0/24" },
          ],
        },
        propertyDependencies: { subnets: ["nsg"] },
      },
    ],
    expect: [{ level: "mandatory", on: "nsg", message: 'subnet "aks" (10.0.0.0/22) of AKS cluster "aks1"' }],
  },
  {
    name: "the cluster's subnet unresolvable during preview: a blocking NSG on no subnet is cannot-verify",
    patch: {
      aks: { props: { agentPoolProfiles: [{ name: "sys", mode: "System", count: 3, vnetSubnetID: UNK }] } },
      "aks-subnet": { props: { networkSecurityGroup: undefined } },
    },
    add: [
      {
        type: "azure-native:network:NetworkSecurityGroup",
        name: "loose-nsg",
        props: { resourceGroupName: "rg", networkSecurityGroupName: "loose", securityRules: [DENY_443] },
      },
    ],
    expect: [
      {
        level: "advisory",
        on: "loose-nsg",
        message:
          "cannot be verified during preview: whether rule deny-443 (priority 100, Outbound Deny Tcp, ports 443, from * to Internet) of NSG loose",
      },
    ],
  },
];

/** Classic provider: subnet + association resources, VNet inline subnets, classic cluster and node pool. */
const CLASSIC_BASE: Res[] = [
  {
    type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
    name: "aks",
    props: {
      name: "aks1",
      resourceGroupName: "rg",
      location: "West Europe",
      defaultNodePool: { name: "sys", nodeCount: 3, vnetSubnetId: SUBNET_ID },
      networkProfile: { networkPlugin: "azure", outboundType: "loadBalancer" },
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
    type: "azure:network/networkSecurityGroup:NetworkSecurityGroup",
    name: "nsg",
    props: { name: "aks-nsg", resourceGroupName: "rg", location: "westeurope", securityRules: [] },
  },
  {
    type: "azure:network/subnetNetworkSecurityGroupAssociation:SubnetNetworkSecurityGroupAssociation",
    name: "assoc",
    props: { subnetId: SUBNET_ID, networkSecurityGroupId: NSG_ID },
  },
];

const classic: Case[] = [
  {
    name: "classic: association resource links the NSG; inline Deny",
    base: CLASSIC_BASE,
    patch: { nsg: { props: { securityRules: [DENY_443] } } },
    expect: [
      {
        level: "mandatory",
        on: "nsg",
        message:
          'azure:network/networkSecurityGroup:NetworkSecurityGroup "nsg" — rule deny-443 (priority 100',
      },
    ],
  },
  {
    name: "classic: NetworkSecurityRule resource, ids unknown, joined through propertyDependencies",
    base: CLASSIC_BASE,
    patch: {
      aks: {
        props: { defaultNodePool: { name: "sys", nodeCount: 3, vnetSubnetId: UNK } },
        propertyDependencies: { defaultNodePool: ["aks-subnet"] },
      },
      assoc: {
        props: { subnetId: UNK, networkSecurityGroupId: UNK },
        propertyDependencies: { subnetId: ["aks-subnet"], networkSecurityGroupId: ["nsg"] },
      },
    },
    add: [
      {
        type: "azure:network/networkSecurityRule:NetworkSecurityRule",
        name: "rule",
        props: { ...DENY_443, resourceGroupName: "rg", networkSecurityGroupName: UNK },
        propertyDependencies: { networkSecurityGroupName: ["nsg"] },
      },
    ],
    expect: [{ level: "mandatory", on: "rule", message: "rule deny-443 (priority 100" }],
  },
  {
    name: "classic: VNet inline subnet with securityGroup; node pool on it",
    base: [
      CLASSIC_BASE[0],
      {
        type: "azure:network/virtualNetwork:VirtualNetwork",
        name: "vnet",
        props: {
          name: "vnet",
          resourceGroupName: "rg",
          addressSpaces: ["10.0.0.0/16"],
          subnets: [{ name: "aks", addressPrefixes: ["10.0.0.0/22"], securityGroup: NSG_ID }],
        },
      },
      {
        ...CLASSIC_BASE[2],
        props: {
          ...CLASSIC_BASE[2].props,
          securityRules: [{ ...DENY_INTERNET, sourceApplicationSecurityGroupIds: [] }],
        },
      },
    ],
    expect: [{ level: "mandatory", on: "nsg", message: "rule deny-internet (priority 4000" }],
  },
  {
    name: "classic: a private cluster (privateClusterEnabled) still needs E2–E6",
    base: CLASSIC_BASE,
    patch: {
      aks: { props: { privateClusterEnabled: true } },
      nsg: { props: { securityRules: [DENY_443] } },
    },
    expect: [{ level: "mandatory", on: "nsg", message: ": E2 TCP 443 → mcr.microsoft.com" }],
  },
];

describe(RULE_ID, () => {
  describe("valid (no finding)", () => {
    it.each(valid.map((c) => [c.name, c] as const))("%s", (_name, c) => check(c));
  });
  describe("invalid", () => {
    it.each(invalid.map((c) => [c.name, c] as const))("%s", (_name, c) => check(c));
  });
  describe("preview joins", () => {
    it.each(preview.map((c) => [c.name, c] as const))("%s", (_name, c) => check(c));
  });
  describe("classic provider", () => {
    it.each(classic.map((c) => [c.name, c] as const))("%s", (_name, c) => check(c));
  });

  it("reports each finding once when the stack phase runs twice", () => {
    const resources = build({
      name: "",
      patch: { nsg: { props: { securityRules: [DENY_443] } } },
      expect: [],
    });
    const runtime = new GuardrailsRuntime({
      rules: [rule],
      stack: { stack: "dev", project: "p", organization: "o" },
      stackConfig: {},
    });
    const stack: StackResource[] = resources.map((r) => ({
      type: r.type,
      urn: urnOf("dev", r),
      name: r.name,
      props: r.props,
      dependencies: [],
      propertyDependencies: {},
    }));
    expect(runtime.analyzeStack(rule, stack, {}, new Map())).toHaveLength(1);
    expect(runtime.analyzeStack(rule, stack, {}, new Map())).toEqual([]);
  });
});
