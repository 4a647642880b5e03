/**
 * The network graph (rule-catalog §1.6) alone: joins by literal ids, by output ids and by property dependencies,
 * de-duplication of children listed both inline and as separate resources, AKS subnet discovery, the firewall
 * pieces, FQDN pattern coverage, and that building stays linear at 50k resources.
 */
import type { StackResource } from "../../src/model/rule";
import { ClusterRegistry } from "../../src/resources/cluster";
import { fqdnCoverage, firewallRuleSet } from "../../src/resources/firewall-evaluator";
import { armKey, buildNetworkGraph, findAksSubnets } from "../../src/resources/network";

const UNK = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const NET = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Network";

function res(
  type: string,
  name: string,
  props: Record<string, unknown>,
  propertyDependencies: Record<string, string[]> = {},
): StackResource {
  const urn = (n: string) => (n.startsWith("urn:") ? n : `urn:pulumi:dev::p::${n}`);
  return {
    type,
    urn: `urn:pulumi:dev::p::${type}::${name}`,
    name,
    props,
    dependencies: [],
    propertyDependencies: Object.fromEntries(
      Object.entries(propertyDependencies).map(([k, v]) => [k, v.map(urn)]),
    ),
  };
}

const SUBNET = "azure-native:network:Subnet";
const VNET = "azure-native:network:VirtualNetwork";
const NSG = "azure-native:network:NetworkSecurityGroup";
const RULE = "azure-native:network:SecurityRule";
const CLUSTER = "azure-native:containerservice:ManagedCluster";

describe("armKey", () => {
  it.each([
    [`${NET}/virtualNetworks/VNet/subnets/AKS`, "rg/virtualnetworks/vnet/subnets/aks"],
    [`${NET}/networkSecurityGroups/nsg/`, "rg/networksecuritygroups/nsg"],
    ["/subscriptions/s/resourcegroups/RG/providers/microsoft.network/routeTables/rt", "rg/routetables/rt"],
    ["not-an-id", undefined],
  ])("%s → %s", (id, key) => expect(armKey(id)).toBe(key));
});

describe("network graph joins", () => {
  it("links a subnet to its NSG by literal id, by output id and by dependency", () => {
    const graph = buildNetworkGraph([
      res(NSG, "a", { resourceGroupName: "rg", networkSecurityGroupName: "nsg-a", securityRules: [] }),
      res(NSG, "b", { id: `${NET}/networkSecurityGroups/nsg-b`, securityRules: [] }),
      res(NSG, "c", { resourceGroupName: "rg", networkSecurityGroupName: "nsg-c", securityRules: [] }),
      res(SUBNET, "s1", {
        resourceGroupName: "rg",
        virtualNetworkName: "v",
        subnetName: "s1",
        networkSecurityGroup: { id: `${NET}/networkSecurityGroups/NSG-A` },
      }),
      res(SUBNET, "s2", {
        resourceGroupName: "rg",
        virtualNetworkName: "v",
        subnetName: "s2",
        networkSecurityGroup: { id: `${NET}/networkSecurityGroups/nsg-b` },
      }),
      res(
        SUBNET,
        "s3",
        {
          resourceGroupName: "rg",
          virtualNetworkName: "v",
          subnetName: "s3",
          networkSecurityGroup: { id: UNK },
        },
        { networkSecurityGroup: [`${NSG}::c`] },
      ),
      res(SUBNET, "s4", {
        resourceGroupName: "rg",
        virtualNetworkName: "v",
        subnetName: "s4",
        networkSecurityGroup: { id: UNK },
      }),
      res(SUBNET, "s5", {
        resourceGroupName: "rg",
        virtualNetworkName: "v",
        subnetName: "s5",
        networkSecurityGroup: { id: `${NET}/networkSecurityGroups/elsewhere` },
      }),
      res(SUBNET, "s6", { resourceGroupName: "rg", virtualNetworkName: "v", subnetName: "s6" }),
    ]);
    const link = (name: string) => {
      const s = graph.subnets.find((x) => x.pulumiName === name)!;
      return [s.nsg.status, s.nsg.targets.map((t) => `${t.node.pulumiName}:${t.proof}`)];
    };
    expect(link("s1")).toEqual(["linked", ["a:proven"]]);
    expect(link("s2")).toEqual(["linked", ["b:proven"]]);
    expect(link("s3")).toEqual(["linked", ["c:proven"]]);
    expect(link("s4")).toEqual(["unknown", []]);
    expect(link("s5")).toEqual(["outside", []]);
    expect(link("s6")).toEqual(["none", []]);
  });

  it("resolves names through dependencies (resource group and VNet names unknown in preview)", () => {
    const graph = buildNetworkGraph([
      res("azure-native:resources:ResourceGroup", "rg", { resourceGroupName: "rg-x" }),
      res(
        VNET,
        "vnet",
        {
          resourceGroupName: UNK,
          virtualNetworkName: "vnet-x",
          addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
        },
        { resourceGroupName: ["azure-native:resources:ResourceGroup::rg"] },
      ),
      res(
        SUBNET,
        "aks",
        { resourceGroupName: UNK, virtualNetworkName: UNK, subnetName: "aks" },
        {
          resourceGroupName: ["azure-native:resources:ResourceGroup::rg"],
          virtualNetworkName: [`${VNET}::vnet`],
        },
      ),
    ]);
    const subnet = graph.subnets[0];
    expect(subnet.key).toBe("rg-x/virtualnetworks/vnet-x/subnets/aks");
    expect(subnet.vnet?.pulumiName).toBe("vnet");
    const link = graph.resolveSubnet(
      "/subscriptions/1/resourceGroups/RG-X/providers/Microsoft.Network/virtualNetworks/vnet-x/subnets/aks",
      [],
    );
    expect(link.targets.map((t) => t.node)).toEqual([subnet]);
  });

  it("keeps one subnet when the VNet's outputs also list a separately declared subnet", () => {
    const graph = buildNetworkGraph([
      res(VNET, "vnet", {
        resourceGroupName: "rg",
        virtualNetworkName: "v",
        subnets: [{ name: "aks", addressPrefix: "10.0.0.0/22", id: `${NET}/virtualNetworks/v/subnets/aks` }],
      }),
      res(SUBNET, "aks-subnet", {
        resourceGroupName: "rg",
        virtualNetworkName: "v",
        subnetName: "aks",
        addressPrefix: "10.0.0.0/22",
      }),
    ]);
    expect(graph.subnets.map((s) => s.pulumiName)).toEqual(["aks-subnet"]);
    expect(graph.vnets[0].subnets.map((s) => s.pulumiName)).toEqual(["aks-subnet"]);
  });

  it("merges inline and separate NSG rules by name (the separate resource wins), joined by dependency", () => {
    const graph = buildNetworkGraph([
      res(NSG, "nsg", {
        networkSecurityGroupName: "n",
        resourceGroupName: "rg",
        securityRules: [
          { name: "A", priority: 1 },
          { name: "b", priority: 2 },
        ],
      }),
      res(
        RULE,
        "rule-a",
        { securityRuleName: "a", networkSecurityGroupName: UNK, priority: 10 },
        { networkSecurityGroupName: [`${NSG}::nsg`] },
      ),
      res(RULE, "rule-c", {
        name: "c",
        resourceGroupName: "rg",
        networkSecurityGroupName: "n",
        priority: 30,
      }),
    ]);
    const rules = graph.nsgs[0].rules;
    expect(Array.isArray(rules) && rules.map((r) => [r.name, r.priority, r.owner.pulumiName])).toEqual([
      ["b", 2, "nsg"],
      ["a", 10, "rule-a"],
      ["c", 30, "rule-c"],
    ]);
  });

  it("inline VNet subnets: the shared `subnets` dependency is proof only for a single unknown reference", () => {
    const graph = buildNetworkGraph([
      res(NSG, "nsg", { networkSecurityGroupName: "n", resourceGroupName: "rg", securityRules: [] }),
      res(
        VNET,
        "vnet",
        {
          resourceGroupName: "rg",
          virtualNetworkName: "v",
          subnets: [
            { name: "a", networkSecurityGroup: { id: UNK } },
            { name: "b", networkSecurityGroup: { id: UNK } },
            { name: "c" },
          ],
        },
        { subnets: [`${NSG}::nsg`] },
      ),
    ]);
    expect(graph.subnets.map((s) => [s.name, s.nsg.status, s.nsg.targets.map((t) => t.proof)])).toEqual([
      ["a", "linked", ["possible"]],
      ["b", "linked", ["possible"]],
      ["c", "none", []],
    ]);
  });

  it("classic association resources link subnets, NSGs and route tables", () => {
    const graph = buildNetworkGraph([
      res("azure:network/subnet:Subnet", "s", {
        name: "aks",
        resourceGroupName: "rg",
        virtualNetworkName: "v",
        addressPrefixes: ["10.0.0.0/22"],
      }),
      res("azure:network/networkSecurityGroup:NetworkSecurityGroup", "nsg", {
        name: "n",
        resourceGroupName: "rg",
        securityRules: [],
      }),
      res("azure:network/routeTable:RouteTable", "rt", { name: "t", resourceGroupName: "rg", routes: [] }),
      res("azure:network/subnetNetworkSecurityGroupAssociation:SubnetNetworkSecurityGroupAssociation", "a1", {
        subnetId: `${NET}/virtualNetworks/v/subnets/aks`,
        networkSecurityGroupId: `${NET}/networkSecurityGroups/n`,
      }),
      res(
        "azure:network/subnetRouteTableAssociation:SubnetRouteTableAssociation",
        "a2",
        { subnetId: UNK, routeTableId: UNK },
        {
          subnetId: ["azure:network/subnet:Subnet::s"],
          routeTableId: ["azure:network/routeTable:RouteTable::rt"],
        },
      ),
    ]);
    const s = graph.subnets[0];
    expect([s.nsg.status, s.nsg.targets[0]?.node.pulumiName]).toEqual(["linked", "nsg"]);
    expect([s.routeTable.status, s.routeTable.targets[0]?.node.pulumiName]).toEqual(["linked", "rt"]);
    expect(graph.nsgs[0].subnets.map((x) => x.node)).toEqual([s]);
  });

  it("firewall: policy chain base first, classic IP group CIDRs, IP group by dependency", () => {
    const FWP = "/subscriptions/0000/resourceGroups/hub/providers/Microsoft.Network/firewallPolicies";
    const graph = buildNetworkGraph([
      res(
        "azure-native:network:FirewallPolicy",
        "child",
        { resourceGroupName: "hub", firewallPolicyName: "child", basePolicy: { id: UNK } },
        { basePolicy: ["azure-native:network:FirewallPolicy::parent"] },
      ),
      res("azure-native:network:FirewallPolicy", "parent", {
        resourceGroupName: "hub",
        firewallPolicyName: "parent",
      }),
      res("azure-native:network:FirewallPolicyRuleCollectionGroup", "c-rcg", {
        resourceGroupName: "hub",
        firewallPolicyName: "child",
        priority: 100,
        ruleCollections: [
          {
            ruleCollectionType: "FirewallPolicyFilterRuleCollection",
            name: "c",
            priority: 100,
            action: { type: "Allow" },
            rules: [{ ruleType: "ApplicationRule", name: "x" }],
          },
        ],
      }),
      res("azure-native:network:FirewallPolicyRuleCollectionGroup", "p-rcg", {
        resourceGroupName: "hub",
        firewallPolicyName: "parent",
        priority: 900,
        ruleCollections: [
          {
            ruleCollectionType: "FirewallPolicyFilterRuleCollection",
            name: "p",
            priority: 900,
            action: { type: "Deny" },
            rules: [{ ruleType: "ApplicationRule", name: "y" }],
          },
        ],
      }),
      res("azure-native:network:AzureFirewall", "fw", {
        resourceGroupName: "hub",
        azureFirewallName: "fw",
        firewallPolicy: { id: `${FWP}/child` },
      }),
      res("azure:network/iPGroup:IPGroup", "ipg", {
        name: "g",
        resourceGroupName: "hub",
        cidrs: ["10.0.0.0/24"],
      }),
      res(
        "azure:network/iPGroupCIDR:IPGroupCIDR",
        "extra",
        { ipGroupId: UNK, cidr: "10.0.1.0/24" },
        { ipGroupId: ["azure:network/iPGroup:IPGroup::ipg"] },
      ),
    ]);
    const set = firewallRuleSet(graph.firewalls[0]);
    expect(set.application.ordered.map((r) => r.collection.name)).toEqual(["p", "c"]);
    expect(set.target.pulumiName).toBe("child");
    const groups = graph.resolveIpGroup(
      "/subscriptions/0000/resourceGroups/hub/providers/Microsoft.Network/ipGroups/g",
      [],
    );
    expect(Array.isArray(groups) && groups[0].addresses).toEqual(["10.0.0.0/24", "10.0.1.0/24"]);
    expect(graph.resolveIpGroup(UNK, ["urn:pulumi:dev::p::azure:network/iPGroup:IPGroup::ipg"])).toHaveLength(
      1,
    );
  });
});

describe("AKS subnets", () => {
  const subnets = [
    res(SUBNET, "nodes", { resourceGroupName: "rg", virtualNetworkName: "v", subnetName: "nodes" }),
    res(SUBNET, "pods", { resourceGroupName: "rg", virtualNetworkName: "v", subnetName: "pods" }),
  ];

  it("node and pod subnets of inline pools by literal id, roles kept apart", () => {
    const cluster = res(CLUSTER, "aks", {
      resourceGroupName: "rg",
      resourceName: "aks1",
      agentPoolProfiles: [
        {
          name: "sys",
          vnetSubnetID: `${NET}/virtualNetworks/v/subnets/nodes`,
          podSubnetID: `${NET}/virtualNetworks/v/subnets/pods`,
        },
      ],
    });
    const all = [cluster, ...subnets];
    const scan = findAksSubnets(
      buildNetworkGraph(all),
      all,
      ClusterRegistry.fromResources(all),
      (r) => r.props,
    );
    expect(scan.subnets.map((u) => [u.subnet.pulumiName, [...u.roles], u.proof, u.pools.length])).toEqual([
      ["nodes", ["node"], "proven", 1],
      ["pods", ["pod"], "proven", 1],
    ]);
  });

  it("unknown ids of inline pools with pod subnets: both subnets, either role, pools only maybe", () => {
    const cluster = res(
      CLUSTER,
      "aks",
      {
        resourceGroupName: "rg",
        resourceName: "aks1",
        agentPoolProfiles: [{ name: "sys", vnetSubnetID: UNK, podSubnetID: UNK }],
      },
      { agentPoolProfiles: [`${SUBNET}::nodes`, `${SUBNET}::pods`] },
    );
    const all = [cluster, ...subnets];
    const scan = findAksSubnets(
      buildNetworkGraph(all),
      all,
      ClusterRegistry.fromResources(all),
      (r) => r.props,
    );
    expect(
      scan.subnets.map((u) => [
        u.subnet.pulumiName,
        [...u.roles].sort(),
        u.proof,
        u.pools.length,
        u.maybePools.length,
      ]),
    ).toEqual([
      ["nodes", ["node", "pod"], "proven", 0, 1],
      ["pods", ["node", "pod"], "proven", 0, 1],
    ]);
  });

  it("a reference that resolves to nothing is reported as unresolved; aksSubnetIds add subnets", () => {
    const cluster = res(CLUSTER, "aks", {
      resourceGroupName: "rg",
      resourceName: "aks1",
      agentPoolProfiles: [{ name: "sys", vnetSubnetID: UNK }],
    });
    const all = [cluster, ...subnets];
    const scan = findAksSubnets(
      buildNetworkGraph(all),
      all,
      ClusterRegistry.fromResources(all),
      (r) => r.props,
      [`${NET}/virtualNetworks/v/subnets/pods`],
    );
    expect(scan.unresolved.map((u) => [u.cluster.pulumiName, u.status])).toEqual([["aks", "unknown"]]);
    expect(scan.subnets.map((u) => [u.subnet.pulumiName, u.cluster])).toEqual([["pods", undefined]]);
  });
});

describe("FQDN patterns", () => {
  it.each([
    ["*", "mcr.microsoft.com", "full"],
    ["mcr.microsoft.com", "mcr.microsoft.com", "full"],
    ["MCR.Microsoft.com.", "mcr.microsoft.com", "full"],
    ["*.microsoft.com", "mcr.microsoft.com", "full"],
    ["*.microsoft.com", "microsoft.com", "none"],
    ["*.mcr.microsoft.com", "mcr.microsoft.com", "none"],
    ["*.data.mcr.microsoft.com", "*.data.mcr.microsoft.com", "full"],
    ["*.mcr.microsoft.com", "*.data.mcr.microsoft.com", "full"],
    ["*.microsoft.com", "*.data.mcr.microsoft.com", "full"],
    ["eu.data.mcr.microsoft.com", "*.data.mcr.microsoft.com", "partial"],
    ["*.eu.data.mcr.microsoft.com", "*.data.mcr.microsoft.com", "partial"],
    ["*.other.com", "*.data.mcr.microsoft.com", "none"],
    ["*.hcp.westeurope.azmk8s.io", "*.hcp.westeurope.azmk8s.io", "full"],
    ["*.hcp.eastus.azmk8s.io", "*.hcp.westeurope.azmk8s.io", "none"],
    ["*.azmk8s.io", "*.hcp.{region}.azmk8s.io", "full"],
    ["*.hcp.westeurope.azmk8s.io", "*.hcp.{region}.azmk8s.io", "unknown"],
    ["mcr.microsoft.com", "*.hcp.{region}.azmk8s.io", "none"],
  ])("%s covers %s: %s", (pattern, required, expected) => {
    expect(fqdnCoverage(pattern, required)).toBe(expected);
  });
});

describe("scale", () => {
  it("builds the graph and finds AKS subnets for 50k resources in linear time", () => {
    const resources: StackResource[] = [];
    const clusters = 1000;
    for (let c = 0; c < clusters; c++) {
      const rg = `rg${c}`;
      const id = `/subscriptions/0/resourceGroups/${rg}/providers/Microsoft.Network`;
      resources.push(
        res(CLUSTER, `aks${c}`, {
          resourceGroupName: rg,
          resourceName: `aks${c}`,
          agentPoolProfiles: [{ name: "sys", vnetSubnetID: `${id}/virtualNetworks/v/subnets/s` }],
        }),
        res(SUBNET, `s${c}`, {
          resourceGroupName: rg,
          virtualNetworkName: "v",
          subnetName: "s",
          addressPrefix: "10.0.0.0/22",
          networkSecurityGroup: { id: `${id}/networkSecurityGroups/n` },
        }),
        res(NSG, `n${c}`, { resourceGroupName: rg, networkSecurityGroupName: "n", securityRules: [] }),
      );
      for (let r = 0; r < 47; r++) {
        resources.push(
          res(RULE, `r${c}-${r}`, {
            resourceGroupName: rg,
            networkSecurityGroupName: "n",
            securityRuleName: `r${r}`,
            priority: 100 + r,
          }),
        );
      }
    }
    expect(resources).toHaveLength(50_000);
    const start = Date.now();
    const graph = buildNetworkGraph(resources);
    const scan = findAksSubnets(graph, resources, ClusterRegistry.fromResources(resources), (r) => r.props);
    const elapsed = Date.now() - start;
    expect(scan.subnets).toHaveLength(clusters);
    const rules = scan.subnets[0].subnet.nsg.targets[0].node.rules;
    expect(Array.isArray(rules) && rules.length).toBe(47);
    expect(elapsed).toBeLessThan(10_000);
  });
});
