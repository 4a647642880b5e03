/**
 * `aks-route-table-egress` (rule-catalog §2.13): stack cases as deltas on BASE-R (BASE-N with outboundType
 * userDefinedRouting and a route table on the AKS subnet), run through a real GuardrailsRuntime (Analyze with
 * the inputs, AnalyzeStack with the outputs), asserting rule id, level, resource and a message fragment.
 */
import type { StackResource } from "../../src/model/rule";
import { Diagnostic, GuardrailsRuntime } from "../../src/pack/runtime";
import rule from "../../src/rules/aks-route-table-egress";

const RULE_ID = "aks-route-table-egress";
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

/** BASE-R (rule-catalog §1.10). */
const BASE_R: Res[] = [
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
    props: { resourceGroupName: "rg", routeTableName: "aks-rt", routes: [] },
  },
];

function urnOf(stack: string, r: Pick<Res, "type" | "name">): string {
  return `urn:pulumi:${stack}::p::${r.type}::${r.name}`;
}

function build(c: Case): Res[] {
  const base = (c.base ?? BASE_R).filter((r) => !(c.remove ?? []).includes(r.name));
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

const TO_FIREWALL = {
  name: "default",
  addressPrefix: "0.0.0.0/0",
  nextHopType: "VirtualAppliance",
  nextHopIpAddress: "10.1.0.4",
};
const LOAD_BALANCER = { networkPlugin: "azure", networkPluginMode: "overlay", outboundType: "loadBalancer" };

const valid: Case[] = [
  {
    name: "P1 UDR with 0.0.0.0/0 → VirtualAppliance",
    patch: { rt: { props: { routes: [TO_FIREWALL] } } },
    expect: [],
  },
  {
    name: "P2 loadBalancer with a VnetLocal spoke route",
    patch: {
      aks: { props: { networkProfile: LOAD_BALANCER } },
      rt: { props: { routes: [{ name: "spoke", addressPrefix: "10.2.0.0/16", nextHopType: "VnetLocal" }] } },
    },
    expect: [],
  },
  {
    name: "P3 network-isolated (outboundType none) with a 0.0.0.0/0 → None route",
    patch: {
      aks: { props: { networkProfile: { outboundType: "none" } } },
      rt: { props: { routes: [{ name: "bh", addressPrefix: "0.0.0.0/0", nextHopType: "None" }] } },
    },
    expect: [],
  },
  {
    name: "UDR with 0.0.0.0/0 → VirtualNetworkGateway (forced tunnelling)",
    patch: {
      rt: {
        props: {
          routes: [{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualNetworkGateway" }],
        },
      },
    },
    expect: [],
  },
  {
    name: "loadBalancer and no route table at all",
    patch: {
      aks: { props: { networkProfile: LOAD_BALANCER } },
      "aks-subnet": { props: { routeTable: undefined } },
    },
    remove: ["rt"],
    expect: [],
  },
  {
    name: "a None route to a range outside the blackhole list (on-premises)",
    patch: {
      aks: { props: { networkProfile: LOAD_BALANCER } },
      rt: {
        props: { routes: [{ name: "no-onprem", addressPrefix: "192.168.0.0/16", nextHopType: "None" }] },
      },
    },
    expect: [],
  },
  {
    name: "blackholePrefixes narrowed: 0.0.0.0/0 → None no longer listed (loadBalancer)",
    config: { blackholePrefixes: ["AzureCloud"] },
    patch: {
      aks: { props: { networkProfile: LOAD_BALANCER } },
      rt: { props: { routes: [{ name: "bh", addressPrefix: "0.0.0.0/0", nextHopType: "None" }] } },
    },
    expect: [],
  },
  {
    name: "a route table on a subnet no cluster uses",
    patch: {
      aks: { props: { agentPoolProfiles: [{ name: "sys", mode: "System", count: 3 }] } },
      rt: { props: { routes: [{ name: "bh", addressPrefix: "0.0.0.0/0", nextHopType: "None" }] } },
    },
    expect: [],
  },
  {
    name: "UDR default route on the node subnet; the pod subnet needs none",
    patch: {
      aks: {
        props: {
          agentPoolProfiles: [
            {
              name: "sys",
              mode: "System",
              count: 3,
              vnetSubnetID: SUBNET_ID,
              podSubnetID:
                "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pods",
            },
          ],
        },
      },
      rt: { props: { routes: [TO_FIREWALL] } },
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
    expect: [],
  },
];

const invalid: Case[] = [
  {
    name: "F1 loadBalancer with 0.0.0.0/0 → None: blackhole",
    patch: {
      aks: { props: { networkProfile: LOAD_BALANCER } },
      rt: { props: { routes: [{ name: "bh", addressPrefix: "0.0.0.0/0", nextHopType: "None" }] } },
    },
    expect: [
      {
        level: "mandatory",
        on: "rt",
        message:
          'azure-native:network:RouteTable "rt" — route bh (0.0.0.0/0 → None) of route table aks-rt blackholes the ' +
          'required egress of subnet "aks" (10.0.0.0/22) of AKS cluster "aks1" (outboundType loadBalancer). A route ' +
          "that cuts required egress makes the cluster unsupported (AKS docs: egress-udr.md, egress-outboundtype.md). " +
          "Support policy: §network-ports-access-and-nsgs (S24, S48, S49). Fix: remove the `None` route",
      },
    ],
  },
  {
    name: "F2 UDR without a default route (only an on-premises route)",
    patch: {
      rt: {
        props: {
          routes: [{ name: "onprem", addressPrefix: "192.168.0.0/16", nextHopType: "VirtualNetworkGateway" }],
        },
      },
    },
    expect: [
      {
        level: "mandatory",
        on: "rt",
        message:
          "route table aks-rt has no `0.0.0.0/0` route to `VirtualAppliance` or `VirtualNetworkGateway`, which " +
          'outboundType `userDefinedRouting` requires on the cluster subnet, for subnet "aks" (10.0.0.0/22)',
      },
    ],
  },
  {
    name: "F3 UDR whose default route (a separate Route) goes to Internet",
    add: [
      {
        type: "azure-native:network:Route",
        name: "r",
        props: {
          resourceGroupName: "rg",
          routeTableName: "aks-rt",
          routeName: "def",
          addressPrefix: "0.0.0.0/0",
          nextHopType: "Internet",
        },
      },
    ],
    expect: [
      {
        level: "mandatory",
        on: "r",
        message:
          'azure-native:network:Route "r" — route def (0.0.0.0/0 → Internet) of route table aks-rt sends the default route to `Internet`',
      },
    ],
  },
  {
    name: "U1 unknown next hop type: advisory cannot-verify",
    patch: { rt: { props: { routes: [{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType: UNK }] } } },
    expect: [
      {
        level: "advisory",
        on: "rt",
        message:
          "cannot be verified during preview: whether route default (0.0.0.0/0 → (unknown during preview)) of route table aks-rt cuts required egress",
      },
    ],
    notInMessage: [UNK],
  },
  {
    name: "UDR and the subnet has no route table",
    patch: { "aks-subnet": { props: { routeTable: undefined } } },
    remove: ["rt"],
    expect: [
      {
        level: "mandatory",
        on: "aks-subnet",
        message:
          'azure-native:network:Subnet "aks-subnet" — the subnet has no route table, but outboundType `userDefinedRouting` requires',
      },
    ],
  },
  {
    name: "UDR default route to VnetLocal",
    patch: {
      rt: { props: { routes: [{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "VnetLocal" }] } },
    },
    expect: [{ level: "mandatory", on: "rt", message: "has no `0.0.0.0/0` route to `VirtualAppliance`" }],
  },
  {
    name: "a None route to the regional AzureCloud tag ({region} substituted)",
    patch: {
      aks: { props: { networkProfile: { outboundType: "userAssignedNATGateway" } } },
      rt: {
        props: {
          routes: [{ name: "no-azure", addressPrefix: "AzureCloud.westeurope", nextHopType: "none" }],
        },
      },
    },
    expect: [
      {
        level: "mandatory",
        on: "rt",
        message: "route no-azure (AzureCloud.westeurope → none) of route table aks-rt blackholes",
      },
    ],
  },
  {
    name: "managedNATGateway: a None route to MicrosoftContainerRegistry",
    patch: {
      aks: { props: { networkProfile: { outboundType: "managedNATGateway" } } },
      rt: {
        props: {
          routes: [{ name: "no-mcr", addressPrefix: "MicrosoftContainerRegistry", nextHopType: "None" }],
        },
      },
    },
    expect: [{ level: "mandatory", on: "rt", message: "(outboundType managedNATGateway)" }],
  },
  {
    name: "missing outboundType means loadBalancer",
    patch: {
      aks: { props: { networkProfile: { networkPlugin: "azure" } } },
      rt: { props: { routes: [{ name: "bh", addressPrefix: "0.0.0.0/0", nextHopType: "None" }] } },
    },
    expect: [{ level: "mandatory", on: "rt", message: "(outboundType loadBalancer)" }],
  },
  {
    name: "unknown outboundType: a blackhole is cannot-verify",
    patch: {
      aks: { props: { networkProfile: { outboundType: UNK } } },
      rt: { props: { routes: [{ name: "bh", addressPrefix: "0.0.0.0/0", nextHopType: "None" }] } },
    },
    expect: [
      {
        level: "advisory",
        on: "rt",
        message:
          "cannot be verified during preview: whether route bh (0.0.0.0/0 → None) of route table aks-rt blackholes the " +
          'required egress of subnet "aks" (10.0.0.0/22) of AKS cluster "aks1" (outboundType (unknown during preview)) ' +
          "(`networkProfile.outboundType` is unknown)",
      },
    ],
  },
  {
    name: "unknown route list: cannot-verify on the route table",
    patch: { rt: { props: { routes: UNK } } },
    expect: [{ level: "advisory", on: "rt", message: "`routes` is unknown" }],
  },
  {
    name: "preview: ids unknown, route table joined through propertyDependencies, Route through routeTableName",
    patch: {
      aks: {
        props: { agentPoolProfiles: [{ name: "sys", mode: "System", count: 3, vnetSubnetID: UNK }] },
        outputs: {
          name: "aks1",
          location: "westeurope",
          networkProfile: { outboundType: "userDefinedRouting" },
          agentPoolProfiles: [{ name: "sys", vnetSubnetID: UNK }],
        },
        propertyDependencies: { agentPoolProfiles: ["aks-subnet"] },
      },
      "aks-subnet": {
        props: { routeTable: { id: UNK } },
        outputs: { name: "aks", addressPrefix: "10.0.0.0/22", routeTable: { id: UNK } },
        propertyDependencies: { routeTable: ["rt"] },
      },
      rt: { outputs: { name: "aks-rt", routes: [] } },
    },
    add: [
      {
        type: "azure-native:network:Route",
        name: "bh-route",
        props: {
          resourceGroupName: "rg",
          routeTableName: UNK,
          routeName: "bh",
          addressPrefix: "0.0.0.0/0",
          nextHopType: "None",
        },
        outputs: { name: "bh", addressPrefix: "0.0.0.0/0", nextHopType: "None" },
        propertyDependencies: { routeTableName: ["rt"] },
      },
    ],
    expect: [
      {
        level: "mandatory",
        on: "bh-route",
        message: "route bh (0.0.0.0/0 → None) of route table aks-rt blackholes",
      },
    ],
  },
  {
    name: "a subnet only possibly AKS's (pool depends on a VNet with two subnets): advisory",
    patch: {
      aks: {
        props: { agentPoolProfiles: [{ name: "sys", mode: "System", count: 3, vnetSubnetID: UNK }] },
        propertyDependencies: { agentPoolProfiles: ["vnet"] },
      },
      "aks-subnet": { propertyDependencies: { virtualNetworkName: ["vnet"] } },
      rt: {
        props: { routes: [TO_FIREWALL, { name: "bh", addressPrefix: "AzureCloud", nextHopType: "None" }] },
      },
    },
    add: [
      {
        type: "azure-native:network:VirtualNetwork",
        name: "vnet",
        props: {
          resourceGroupName: "rg",
          virtualNetworkName: "vnet",
          subnets: [{ name: "web", addressPrefix: "10.0.8.0/24" }],
        },
      },
    ],
    expect: [
      // The VNet's other subnet is possibly AKS's too, and has no route table.
      {
        level: "advisory",
        on: "vnet",
        message:
          'the subnet has no route table, but outboundType `userDefinedRouting` requires a `0.0.0.0/0` route to a virtual appliance or gateway on the cluster subnet, for subnet "web" (10.0.8.0/24)',
      },
      { level: "advisory", on: "rt", message: "advisory because the subnet is only possibly an AKS subnet" },
    ],
  },
  {
    name: "inline VNet subnet with a route table; unsafe route names are not printed",
    remove: ["aks-subnet"],
    patch: {
      aks: { props: { networkProfile: LOAD_BALANCER } },
      rt: { props: { routes: [{ name: "token=s3cr3t", addressPrefix: "0.0.0.0/0", nextHopType: "None" }] } },
    },
    add: [
      {
        type: "azure-native:network:VirtualNetwork",
        name: "vnet",
        props: {
          resourceGroupName: "rg",
          virtualNetworkName: "vnet",
          subnets: [{ name: "aks", addressPrefix: "10.0.0.0/22", routeTable: { id: RT_ID } }],
        },
      },
    ],
    expect: [
      {
        level: "mandatory",
        on: "rt",
        message: "route (not shown) (0.0.0.0/0 → None) of route table aks-rt blackholes",
      },
    ],
    notInMessage: ["s3cr3t"],
  },
  {
    name: "classic: route table association and a classic Route (nextHopInIpAddress)",
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
        props: { name: "aks-rt", resourceGroupName: "rg", routes: [] },
      },
      {
        type: "azure:network/subnetRouteTableAssociation:SubnetRouteTableAssociation",
        name: "assoc",
        props: { subnetId: UNK, routeTableId: UNK },
        propertyDependencies: { subnetId: ["aks-subnet"], routeTableId: ["rt"] },
      },
      {
        type: "azure:network/route:Route",
        name: "def",
        props: {
          name: "default",
          resourceGroupName: "rg",
          routeTableName: "aks-rt",
          addressPrefix: "0.0.0.0/0",
          nextHopType: "Internet",
        },
      },
    ],
    expect: [
      {
        level: "mandatory",
        on: "def",
        message: 'azure:network/route:Route "def" — route default (0.0.0.0/0 → Internet)',
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
