/**
 * `aks-nsg-intra-cluster-traffic` (rule-catalog §2.14): stack cases as deltas on BASE-N (node subnet
 * 10.0.0.0/22, overlay pods 10.244.0.0/16), each run through a real GuardrailsRuntime (Analyze with the inputs,
 * AnalyzeStack with the outputs), asserting rule id, level, resource and a message fragment.
 */
import type { StackResource } from "../../src/model/rule";
import { Diagnostic, GuardrailsRuntime } from "../../src/pack/runtime";
import rule from "../../src/rules/aks-nsg-intra-cluster-traffic";

const RULE_ID = "aks-nsg-intra-cluster-traffic";
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

const DENY_ALL_IN = {
  name: "deny-all-in",
  direction: "Inbound",
  access: "Deny",
  protocol: "*",
  priority: 4096,
  sourceAddressPrefix: "*",
  sourcePortRange: "*",
  destinationAddressPrefix: "*",
  destinationPortRange: "*",
};

const ALLOW_CLUSTER = {
  name: "allow-cluster",
  direction: "Inbound",
  access: "Allow",
  protocol: "*",
  priority: 100,
  sourceAddressPrefixes: ["10.0.0.0/22", "10.244.0.0/16"],
  sourcePortRange: "*",
  destinationAddressPrefixes: ["10.0.0.0/22", "10.244.0.0/16"],
  destinationPortRange: "*",
};

const VNET: Res = {
  type: "azure-native:network:VirtualNetwork",
  name: "vnet",
  props: {
    resourceGroupName: "rg",
    virtualNetworkName: "vnet",
    addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
  },
};

const valid: Case[] = [
  { name: "BASE-N: no custom rules (the default rules are not evaluated)", expect: [] },
  {
    name: "P1 an Allow for the node and pod CIDRs precedes the Deny-all",
    patch: { nsg: { props: { securityRules: [DENY_ALL_IN, ALLOW_CLUSTER] } } },
    expect: [],
  },
  {
    name: "P2 a Deny of SSH from the Internet does not touch cluster traffic",
    patch: {
      nsg: {
        props: {
          securityRules: [
            {
              name: "deny-ssh-internet",
              direction: "Inbound",
              access: "Deny",
              protocol: "Tcp",
              priority: 200,
              sourceAddressPrefix: "Internet",
              sourcePortRange: "*",
              destinationAddressPrefix: "*",
              destinationPortRange: "22",
            },
          ],
        },
      },
    },
    expect: [],
  },
  {
    name: "P3 a Deny from the nodes to a database subnet outside the cluster",
    patch: {
      nsg: {
        props: {
          securityRules: [
            {
              name: "deny-to-db",
              direction: "Outbound",
              access: "Deny",
              protocol: "*",
              priority: 200,
              sourceAddressPrefix: "10.0.0.0/22",
              sourcePortRange: "*",
              destinationAddressPrefix: "10.50.0.0/24",
              destinationPortRange: "*",
            },
          ],
        },
      },
    },
    expect: [],
  },
  {
    name: "Azure CNI without overlay: the SDK's default podCidr is ignored",
    patch: {
      aks: {
        props: {
          networkProfile: { networkPlugin: "azure", podCidr: "10.244.0.0/16", outboundType: "loadBalancer" },
        },
      },
      nsg: {
        props: {
          securityRules: [{ ...DENY_ALL_IN, sourceAddressPrefix: "10.244.0.0/16" }],
        },
      },
    },
    expect: [],
  },
  {
    name: "the VNet's address space holds the pod CIDR: an Allow VirtualNetwork → VirtualNetwork covers the pods",
    add: [
      {
        ...VNET,
        props: { ...VNET.props, addressSpace: { addressPrefixes: ["10.0.0.0/16", "10.244.0.0/16"] } },
      },
    ],
    patch: {
      "aks-subnet": { propertyDependencies: { virtualNetworkName: ["vnet"] } },
      nsg: {
        props: {
          securityRules: [
            DENY_ALL_IN,
            {
              ...ALLOW_CLUSTER,
              sourceAddressPrefixes: undefined,
              destinationAddressPrefixes: undefined,
              sourceAddressPrefix: "VirtualNetwork",
              destinationAddressPrefix: "VirtualNetwork",
            },
          ],
        },
      },
    },
    expect: [],
  },
  {
    name: "exemptRules: the owner accepts aks-nsg/deny-all-in",
    config: { exemptRules: ["AKS-NSG/Deny-All-In"] },
    patch: { nsg: { props: { securityRules: [DENY_ALL_IN] } } },
    expect: [],
  },
  {
    name: "a Deny on the subnet of no cluster",
    patch: {
      aks: { props: { agentPoolProfiles: [{ name: "sys", mode: "System", count: 3 }] } },
      nsg: { props: { securityRules: [DENY_ALL_IN] } },
    },
    expect: [],
  },
  {
    name: "an Allow per protocol (TCP, UDP) covers both flow classes",
    patch: {
      nsg: {
        props: {
          securityRules: [
            DENY_ALL_IN,
            { ...ALLOW_CLUSTER, name: "allow-tcp", protocol: "Tcp" },
            { ...ALLOW_CLUSTER, name: "allow-udp", protocol: "Udp", priority: 110 },
          ],
        },
      },
    },
    expect: [],
  },
];

const invalid: Case[] = [
  {
    name: "F1 Deny-all Inbound at 4096 blocks every class entering the subnet",
    patch: { nsg: { props: { securityRules: [DENY_ALL_IN] } } },
    expect: [
      {
        level: "mandatory",
        on: "nsg",
        message:
          "rule deny-all-in (priority 4096, Inbound Deny *, ports *, from * to *) of NSG aks-nsg blocks intra-cluster " +
          'traffic of AKS cluster "aks1" on subnet "aks" (10.0.0.0/22): NODE→NODE TCP/UDP (subnet "aks" (10.0.0.0/22) ' +
          '→ subnet "aks" (10.0.0.0/22)); NODE→POD TCP/UDP (subnet "aks" (10.0.0.0/22) → pod CIDR 10.244.0.0/16); ' +
          'POD→NODE TCP/UDP (pod CIDR 10.244.0.0/16 → subnet "aks" (10.0.0.0/22)); POD→POD TCP/UDP',
      },
    ],
  },
  {
    name: "F1 names the sections, S-numbers and the fix",
    patch: { nsg: { props: { securityRules: [DENY_ALL_IN] } } },
    expect: [
      {
        level: "mandatory",
        on: "nsg",
        message:
          "Support policy: §network-ports-access-and-nsgs, §aks-support-coverage (S24, S48). Fix: add a higher-priority " +
          "Allow (priority number below 4096) for the node and pod CIDRs",
      },
    ],
  },
  {
    name: "F2 Deny VirtualNetwork → VirtualNetwork Outbound blocks NODE→NODE",
    patch: {
      nsg: {
        props: {
          securityRules: [
            {
              name: "deny-vnet-out",
              direction: "Outbound",
              access: "Deny",
              protocol: "*",
              priority: 1000,
              sourceAddressPrefix: "VirtualNetwork",
              sourcePortRange: "*",
              destinationAddressPrefix: "VirtualNetwork",
              destinationPortRange: "*",
            },
          ],
        },
      },
    },
    expect: [
      {
        level: "mandatory",
        on: "nsg",
        message: 'NODE→NODE TCP/UDP (subnet "aks" (10.0.0.0/22) → subnet "aks" (10.0.0.0/22))',
      },
    ],
  },
  {
    name: "F3 Deny the kubelet port from the pods (POD→NODE, TCP only)",
    patch: {
      nsg: {
        props: {
          securityRules: [
            {
              name: "deny-kubelet",
              direction: "Inbound",
              access: "Deny",
              protocol: "Tcp",
              priority: 300,
              sourceAddressPrefix: "10.244.0.0/16",
              sourcePortRange: "*",
              destinationAddressPrefix: "10.0.0.0/22",
              destinationPortRange: "10250",
            },
          ],
        },
      },
    },
    expect: [
      {
        level: "mandatory",
        on: "nsg",
        message:
          'blocks intra-cluster traffic of AKS cluster "aks1" on subnet "aks" (10.0.0.0/22): POD→NODE TCP (pod CIDR 10.244.0.0/16 → subnet "aks" (10.0.0.0/22)).',
      },
    ],
  },
  {
    name: "P1 variant: only an Allow VirtualNetwork → VirtualNetwork (VNet not in the stack): the pod classes stay blocked",
    patch: {
      nsg: {
        props: {
          securityRules: [
            DENY_ALL_IN,
            {
              ...ALLOW_CLUSTER,
              sourceAddressPrefixes: undefined,
              destinationAddressPrefixes: undefined,
              sourceAddressPrefix: "VirtualNetwork",
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
        message: 'NODE→POD TCP/UDP (subnet "aks" (10.0.0.0/22) → pod CIDR 10.244.0.0/16); POD→NODE TCP/UDP',
      },
    ],
  },
  {
    name: "U1 unknown source prefix: advisory cannot-verify",
    patch: { nsg: { props: { securityRules: [{ ...DENY_ALL_IN, sourceAddressPrefix: UNK }] } } },
    expect: [
      {
        level: "advisory",
        on: "nsg",
        message:
          "cannot be verified during preview: whether rule deny-all-in (priority 4096, Inbound Deny *, ports *, from (unknown during preview) to *)",
      },
    ],
    notInMessage: [UNK],
  },
  {
    name: "an Allow only for TCP leaves UDP blocked",
    patch: { nsg: { props: { securityRules: [DENY_ALL_IN, { ...ALLOW_CLUSTER, protocol: "Tcp" }] } } },
    expect: [{ level: "mandatory", on: "nsg", message: "NODE→NODE UDP (" }],
  },
  {
    name: "kubenet: the pod CIDR counts",
    patch: {
      aks: { props: { networkProfile: { networkPlugin: "kubenet", podCidr: "10.244.0.0/16" } } },
      nsg: { props: { securityRules: [{ ...DENY_ALL_IN, sourceAddressPrefix: "10.244.0.0/16" }] } },
    },
    expect: [{ level: "mandatory", on: "nsg", message: "POD→NODE TCP/UDP (pod CIDR 10.244.0.0/16" }],
  },
  {
    name: "Azure CNI with a pod subnet (podSubnetID): POD→NODE across subnets",
    patch: {
      aks: {
        props: {
          networkProfile: { networkPlugin: "azure", outboundType: "loadBalancer" },
          agentPoolProfiles: [
            {
              name: "sys",
              mode: "System",
              count: 3,
              vnetSubnetID:
                "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aks",
              podSubnetID:
                "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pods",
            },
          ],
        },
      },
      nsg: { props: { securityRules: [{ ...DENY_ALL_IN, sourceAddressPrefix: "10.1.0.0/16" }] } },
    },
    add: [
      {
        type: "azure-native:network:Subnet",
        name: "pod-subnet",
        props: {
          resourceGroupName: "rg",
          virtualNetworkName: "vnet",
          subnetName: "pods",
          addressPrefix: "10.1.0.0/16",
        },
      },
    ],
    expect: [
      {
        level: "mandatory",
        on: "nsg",
        message: 'POD→NODE TCP/UDP (subnet "pods" (10.1.0.0/16) → subnet "aks" (10.0.0.0/22))',
      },
    ],
  },
  {
    name: "a separate SecurityRule joined through propertyDependencies in preview",
    patch: {
      aks: {
        props: { agentPoolProfiles: [{ name: "sys", mode: "System", count: 3, vnetSubnetID: UNK }] },
        propertyDependencies: { agentPoolProfiles: ["aks-subnet"] },
      },
      "aks-subnet": {
        props: { networkSecurityGroup: { id: UNK } },
        propertyDependencies: { networkSecurityGroup: ["nsg"] },
      },
    },
    add: [
      {
        type: "azure-native:network:SecurityRule",
        name: "deny-rule",
        props: {
          ...DENY_ALL_IN,
          name: undefined,
          securityRuleName: "deny-all-in",
          resourceGroupName: "rg",
          networkSecurityGroupName: UNK,
        },
        outputs: { ...DENY_ALL_IN },
        propertyDependencies: { networkSecurityGroupName: ["nsg"] },
      },
    ],
    expect: [
      {
        level: "mandatory",
        on: "deny-rule",
        message: 'azure-native:network:SecurityRule "deny-rule" — rule deny-all-in (priority 4096',
      },
    ],
  },
  {
    name: "unknown plugin mode: whether the pod CIDR counts is unknown → cannot-verify for the POD classes",
    patch: {
      aks: {
        props: {
          networkProfile: { networkPlugin: "azure", networkPluginMode: UNK, podCidr: "10.244.0.0/16" },
        },
      },
      nsg: { props: { securityRules: [{ ...DENY_ALL_IN, sourceAddressPrefix: "10.244.0.0/16" }] } },
    },
    expect: [
      {
        level: "advisory",
        on: "nsg",
        message: "cannot be verified during preview: whether rule deny-all-in",
      },
    ],
  },
  {
    name: "two node subnets (a separate AgentPool): the node class holds both, one flow class per pair",
    patch: { nsg: { props: { securityRules: [{ ...DENY_ALL_IN, sourceAddressPrefix: "10.0.4.0/22" }] } } },
    add: [
      {
        type: "azure-native:containerservice:AgentPool",
        name: "user",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          agentPoolName: "user",
          mode: "User",
          vnetSubnetID:
            "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/user",
        },
      },
      {
        type: "azure-native:network:Subnet",
        name: "user-subnet",
        props: {
          resourceGroupName: "rg",
          virtualNetworkName: "vnet",
          subnetName: "user",
          addressPrefix: "10.0.4.0/22",
        },
      },
    ],
    expect: [
      {
        level: "mandatory",
        on: "nsg",
        message:
          'NODE→NODE TCP/UDP (subnet "aks" (10.0.0.0/22), subnet "user" (10.0.4.0/22) → subnet "aks" (10.0.0.0/22))',
      },
    ],
  },
  {
    name: "aksSubnetIds: a subnet of a cluster declared elsewhere (NODE→NODE within it)",
    config: {
      aksSubnetIds: [
        "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aks",
      ],
    },
    patch: {
      aks: { props: { agentPoolProfiles: [{ name: "sys", mode: "System", count: 3 }] } },
      nsg: { props: { securityRules: [DENY_ALL_IN] } },
    },
    expect: [
      {
        level: "mandatory",
        on: "nsg",
        message:
          'intra-cluster traffic of AKS cluster (a cluster named by `aksSubnetIds`) on subnet "aks" (10.0.0.0/22): NODE→NODE TCP/UDP',
      },
    ],
  },
  {
    name: "classic cluster, subnet and association",
    base: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        name: "aks",
        props: {
          name: "aks1",
          resourceGroupName: "rg",
          location: "westeurope",
          defaultNodePool: {
            name: "sys",
            nodeCount: 3,
            vnetSubnetId:
              "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aks",
          },
          networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", podCidr: "10.244.0.0/16" },
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
        props: { name: "aks-nsg", resourceGroupName: "rg", securityRules: [DENY_ALL_IN] },
      },
      {
        type: "azure:network/subnetNetworkSecurityGroupAssociation:SubnetNetworkSecurityGroupAssociation",
        name: "assoc",
        props: {
          subnetId:
            "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aks",
          networkSecurityGroupId:
            "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/aks-nsg",
        },
      },
    ],
    expect: [
      {
        level: "mandatory",
        on: "nsg",
        message: 'azure:network/networkSecurityGroup:NetworkSecurityGroup "nsg" — rule deny-all-in',
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
