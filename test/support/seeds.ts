/**
 * Realistic seed resources for property tests: one plausible property bag (inputs, and outputs where they
 * differ) for every type token a registered rule reads, all in one consistent world — a cluster `aks1` in
 * resource group `rg` with node resource group `MC_rg_aks1_westeurope`, its VNet/subnet, NSG, route table and a
 * hub firewall, scale sets and AKS-named objects in the node resource group, Kubernetes objects in
 * `kube-system`, preview registrations. Joins (ARM ids, names, property dependencies) line up, so that the rules'
 * cross-resource paths run; several seeds violate a rule on purpose, so that mandatory findings exist to test
 * against. Secret-bearing fields hold {@link PLANTED_SECRET}, which no message may ever contain.
 */
import type { HostResource } from "../../src/host/types";
import type { ProviderInput, Rule } from "../../src/model/rule";
import { baseToken } from "../../src/resources/tokens";
import { FixtureResource, urnOf } from "./run-rule";

/** A plaintext secret as the engine hands it to policies; never name-shaped, never allowed in a message. */
export const PLANTED_SECRET = "hunter2 planted+secret/==";

const SUB = "0b1f6471-1bf0-4dda-aec3-111122223333";
const NODE_RG = "MC_rg_aks1_westeurope";
const VMSS = "aks-sys-12345678-vmss";
const arm = (rg: string, provider: string, ...parts: string[]) =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/${provider}/${parts.join("/")}`;
const VNET_ID = arm("rg", "Microsoft.Network", "virtualNetworks", "vnet");
const SUBNET_ID = `${VNET_ID}/subnets/aks`;
const NSG_ID = arm("rg", "Microsoft.Network", "networkSecurityGroups", "aks-nsg");
const RT_ID = arm("rg", "Microsoft.Network", "routeTables", "aks-rt");
const FWP_ID = arm("hub", "Microsoft.Network", "firewallPolicies", "fwp");
const FW_ID = arm("hub", "Microsoft.Network", "azureFirewalls", "fw");
const IPG_ID = arm("hub", "Microsoft.Network", "ipGroups", "aks-ips");
const CLASSIC_CLUSTER_ID = arm("rg", "Microsoft.ContainerService", "managedClusters", "aks2");
const VMSS_ID = arm(NODE_RG, "Microsoft.Compute", "virtualMachineScaleSets", VMSS);
const LB_ID = arm(NODE_RG, "Microsoft.Network", "loadBalancers", "kubernetes");
const NODE_RG_ID = `/subscriptions/${SUB}/resourceGroups/${NODE_RG}`;
const CVNET_ID = arm("rg", "Microsoft.Network", "virtualNetworks", "cvnet");
const CRT_ID = arm("rg", "Microsoft.Network", "routeTables", "crt");
const CNSG_ID = arm("rg", "Microsoft.Network", "networkSecurityGroups", "cnsg");

export const AZURE_PROVIDER: ProviderInput = {
  type: "pulumi:providers:azure-native",
  urn: "urn:pulumi:dev::p::pulumi:providers:azure-native::default",
  name: "default",
  props: { location: "westeurope", version: "3.28.0", clientSecret: PLANTED_SECRET },
};
export const KUBERNETES_PROVIDER: ProviderInput = {
  type: "pulumi:providers:kubernetes",
  urn: "urn:pulumi:dev::p::pulumi:providers:kubernetes::sys",
  name: "sys",
  props: {
    namespace: "kube-system",
    kubeconfig: `apiVersion: v1\nusers: [{user: {token: ${PLANTED_SECRET}}}]`,
  },
};

const pool = (name: string, mode: string, extra: Record<string, unknown> = {}) => ({
  name,
  mode,
  count: 3,
  vmSize: "Standard_D4s_v5",
  osType: "Linux",
  osSKU: "AzureLinux",
  orchestratorVersion: "1.33",
  vnetSubnetID: SUBNET_ID,
  enableAutoScaling: false,
  enableNodePublicIP: false,
  securityProfile: { sshAccess: "LocalUser" },
  networkProfile: { applicationSecurityGroups: [] },
  powerState: { code: "Running" },
  ...extra,
});

const securityRule = (name: string, fields: Record<string, unknown>) => ({
  name,
  protocol: "Tcp",
  sourcePortRange: "*",
  sourceAddressPrefix: "*",
  destinationAddressPrefix: "*",
  destinationPortRange: "*",
  ...fields,
});

/** Kubernetes objects: `kind`, `apiVersion` from the token, metadata, and a small body. */
function k8s(type: string, name: string, namespace: string | undefined, body: Record<string, unknown> = {}) {
  const m = /^kubernetes:([^/]+)\/([^:]+):(.+)$/.exec(type);
  const group = m ? (m[1] === "core" ? "" : `${m[1]}/`) : "";
  const token = m ? m[3] : "Object";
  const kind = token.replace(/(Patch|List)$/, "");
  const metadata: Record<string, unknown> = { name, labels: { app: name } };
  if (namespace) metadata.namespace = namespace;
  return {
    type,
    name: `${token.toLowerCase()}-${name}`,
    props: { apiVersion: `${group}${m?.[2] ?? "v1"}`, kind, metadata, ...body },
    provider: KUBERNETES_PROVIDER,
  };
}

/** The world. Names are unique (they become URNs); `propertyDependencies` name other seeds. */
export const WORLD: readonly FixtureResource[] = [
  // ---------------------------------------------------------------------------------------- clusters, pools
  {
    type: "azure-native:containerservice:ManagedCluster",
    name: "aks",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: "rg",
      resourceName: "aks1",
      location: "westeurope",
      dnsPrefix: "aks1",
      kubernetesVersion: "1.33",
      supportPlan: "KubernetesOfficial",
      sku: { name: "Base", tier: "Standard" },
      agentPoolProfiles: [
        pool("sys", "System"),
        pool("user1", "User", { count: 0, orchestratorVersion: "1.30", powerState: { code: "Stopped" } }),
      ],
      autoUpgradeProfile: { upgradeChannel: "none", nodeOSUpgradeChannel: "None" },
      linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: PLANTED_SECRET }] } },
      windowsProfile: { adminUsername: "azwin", adminPassword: PLANTED_SECRET },
      servicePrincipalProfile: { clientId: "msi", secret: PLANTED_SECRET },
      networkProfile: {
        networkPlugin: "azure",
        networkPluginMode: "overlay",
        podCidr: "10.244.0.0/16",
        serviceCidr: "10.2.0.0/16",
        dnsServiceIP: "10.2.0.10",
        outboundType: "userDefinedRouting",
      },
      nodeResourceGroupProfile: { restrictionLevel: "Unrestricted" },
      apiServerAccessProfile: { enablePrivateCluster: false },
      identity: { type: "SystemAssigned" },
      tags: { environment: "dev", owner: PLANTED_SECRET },
    },
    outputs: {
      id: arm("rg", "Microsoft.ContainerService", "managedClusters", "aks1"),
      name: "aks1",
      location: "westeurope",
      kubernetesVersion: "1.33",
      currentKubernetesVersion: "1.33.2",
      nodeResourceGroup: NODE_RG,
      supportPlan: "KubernetesOfficial",
      sku: { name: "Base", tier: "Standard" },
      agentPoolProfiles: [
        pool("sys", "System", { currentOrchestratorVersion: "1.33.2", provisioningState: "Succeeded" }),
        pool("user1", "User", {
          count: 0,
          orchestratorVersion: "1.30",
          currentOrchestratorVersion: "1.30.9",
          powerState: { code: "Stopped" },
        }),
        pool("user2", "User", { orchestratorVersion: "1.29", currentOrchestratorVersion: "1.29.4" }),
      ],
      autoUpgradeProfile: { upgradeChannel: "none", nodeOSUpgradeChannel: "None" },
      linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: PLANTED_SECRET }] } },
      networkProfile: {
        networkPlugin: "azure",
        networkPluginMode: "overlay",
        podCidr: "10.244.0.0/16",
        podCidrs: ["10.244.0.0/16"],
        outboundType: "userDefinedRouting",
      },
      provisioningState: "Succeeded",
      fqdn: "aks1-abc123.hcp.westeurope.azmk8s.io",
    },
  },
  {
    type: "azure-native:containerservice/v20240402preview:ManagedCluster",
    name: "aks-preview",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: "rg-preview",
      resourceName: "aks3",
      location: "westeurope",
      kubernetesVersion: "1.35",
      autoUpgradeProfile: { upgradeChannel: "stable", nodeOSUpgradeChannel: "NodeImage" },
      agentPoolProfiles: [
        pool("system", "System", {
          orchestratorVersion: "1.35",
          vnetSubnetID: arm("rg-preview", "Microsoft.Network", "virtualNetworks", "vnet3", "subnets", "aks"),
        }),
      ],
      nodeResourceGroupProfile: { restrictionLevel: "ReadOnly" },
    },
  },
  {
    type: "azure-native:containerservice:AgentPool",
    name: "user2",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: "rg",
      resourceName: "aks1",
      agentPoolName: "user2",
      mode: "User",
      count: 2,
      vmSize: "Standard_D4s_v5",
      osType: "Linux",
      orchestratorVersion: "1.29",
      vnetSubnetID: SUBNET_ID,
      securityProfile: { sshAccess: "LocalUser" },
      powerState: { code: "Running" },
      enableNodePublicIP: true,
    },
    outputs: {
      name: "user2",
      mode: "User",
      count: 2,
      orchestratorVersion: "1.29",
      currentOrchestratorVersion: "1.29.4",
      powerState: { code: "Running" },
      provisioningState: "Succeeded",
    },
    propertyDependencies: { resourceName: ["aks"] },
  },
  {
    type: "azure-native:containerservice:AgentPool",
    name: "sys2",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: "rg",
      resourceName: "aks1",
      agentPoolName: "sys2",
      mode: "System",
      count: 1,
      osType: "Windows",
      powerState: { code: "Stopped" },
    },
    propertyDependencies: { resourceName: ["aks"] },
  },
  {
    type: "azure-native:containerservice:LoadBalancer",
    name: "aks-lb",
    props: {
      resourceGroupName: "rg",
      resourceName: "aks1",
      loadBalancerName: "kubernetes",
      primaryAgentPoolName: "sys",
      allowServicePlacement: true,
    },
    propertyDependencies: { resourceName: ["aks"] },
  },
  {
    type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
    name: "classic",
    props: {
      name: "aks2",
      resourceGroupName: "rg",
      location: "West Europe",
      dnsPrefix: "aks2",
      kubernetesVersion: "1.31",
      supportPlan: "KubernetesOfficial",
      skuTier: "Free",
      automaticUpgradeChannel: "node-image",
      nodeOsUpgradeChannel: "SecurityPatch",
      defaultNodePool: {
        name: "default",
        nodeCount: 2,
        vmSize: "Standard_D2s_v5",
        orchestratorVersion: "1.31",
        vnetSubnetId: `${CVNET_ID}/subnets/nodes`,
        autoScalingEnabled: false,
        nodePublicIpEnabled: false,
      },
      linuxProfile: { adminUsername: "azureuser", sshKey: { keyData: PLANTED_SECRET } },
      networkProfile: {
        networkPlugin: "kubenet",
        outboundType: "userDefinedRouting",
        podCidr: "10.245.0.0/16",
      },
      privateClusterEnabled: false,
    },
  },
  {
    type: "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
    name: "classic-user",
    props: {
      name: "user",
      kubernetesClusterId: CLASSIC_CLUSTER_ID,
      mode: "User",
      nodeCount: 1,
      vmSize: "Standard_D2s_v5",
      orchestratorVersion: "1.27",
      vnetSubnetId: `${CVNET_ID}/subnets/nodes`,
      nodePublicIpEnabled: false,
      nodeNetworkProfile: { applicationSecurityGroupIds: [] },
    },
    propertyDependencies: { kubernetesClusterId: ["classic"] },
  },
  {
    type: "azure:containerservice/automaticCluster:AutomaticCluster",
    name: "automatic",
    props: { name: "auto1", resourceGroupName: "rg", location: "westeurope" },
  },
  // ------------------------------------------------------------------------------------ resource groups
  {
    type: "azure-native:resources:ResourceGroup",
    name: "rg",
    provider: AZURE_PROVIDER,
    props: { resourceGroupName: "rg", location: "westeurope", tags: { owner: PLANTED_SECRET } },
    outputs: { name: "rg", location: "westeurope", id: `/subscriptions/${SUB}/resourceGroups/rg` },
  },
  {
    type: "azure:core/resourceGroup:ResourceGroup",
    name: "classic-node-rg",
    props: { name: NODE_RG, location: "westeurope" },
  },
  // ----------------------------------------------------------------------- network (cluster's VNet, hub)
  {
    type: "azure-native:network:VirtualNetwork",
    name: "vnet",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: "rg",
      virtualNetworkName: "vnet",
      location: "westeurope",
      addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      dhcpOptions: { dnsServers: ["10.1.0.53"] },
      // Subnet "aks" is declared as its own resource below (one declaration per subnet, as Azure requires).
      subnets: [{ name: "batch", addressPrefixes: ["10.0.8.0/24"] }],
    },
    outputs: {
      name: "vnet",
      id: VNET_ID,
      addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      subnets: [{ id: `${VNET_ID}/subnets/batch`, name: "batch", addressPrefixes: ["10.0.8.0/24"] }],
    },
  },
  {
    type: "azure-native:network:Subnet",
    name: "aks-subnet",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: "rg",
      virtualNetworkName: "vnet",
      subnetName: "aks",
      addressPrefix: "10.0.0.0/22",
      networkSecurityGroup: { id: NSG_ID },
      routeTable: { id: RT_ID },
    },
    outputs: { id: SUBNET_ID, name: "aks", addressPrefix: "10.0.0.0/22" },
    propertyDependencies: { virtualNetworkName: ["vnet"], networkSecurityGroup: ["nsg"], routeTable: ["rt"] },
  },
  {
    type: "azure-native:network:NetworkSecurityGroup",
    name: "nsg",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: "rg",
      networkSecurityGroupName: "aks-nsg",
      location: "westeurope",
      securityRules: [
        securityRule("deny-https-out", {
          priority: 100,
          direction: "Outbound",
          access: "Deny",
          destinationAddressPrefix: "Internet",
          destinationPortRange: "443",
        }),
        securityRule("deny-intra", {
          priority: 110,
          direction: "Inbound",
          access: "Deny",
          protocol: "*",
          sourceAddressPrefix: "10.0.0.0/22",
          destinationAddressPrefix: "10.0.0.0/22",
        }),
        securityRule("allow-dns", {
          priority: 120,
          direction: "Outbound",
          access: "Allow",
          protocol: "Udp",
          destinationAddressPrefixes: ["10.1.0.53/32"],
          destinationPortRanges: ["53"],
        }),
      ],
    },
  },
  {
    type: "azure-native:network:SecurityRule",
    name: "deny-ntp",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: "rg",
      networkSecurityGroupName: "aks-nsg",
      securityRuleName: "deny-ntp",
      priority: 105,
      direction: "Outbound",
      access: "Deny",
      protocol: "Udp",
      sourcePortRange: "*",
      sourceAddressPrefix: "VirtualNetwork",
      destinationAddressPrefix: "*",
      destinationPortRange: "123",
    },
    propertyDependencies: { networkSecurityGroupName: ["nsg"] },
  },
  {
    type: "azure-native:network:RouteTable",
    name: "rt",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: "rg",
      routeTableName: "aks-rt",
      location: "westeurope",
      routes: [
        {
          name: "default",
          addressPrefix: "0.0.0.0/0",
          nextHopType: "VirtualAppliance",
          nextHopIpAddress: "10.1.0.4",
        },
        { name: "mcr", addressPrefix: "MicrosoftContainerRegistry", nextHopType: "None" },
      ],
    },
    propertyDependencies: { routes: ["fw"] },
  },
  {
    type: "azure-native:network:Route",
    name: "blackhole",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: "rg",
      routeTableName: "aks-rt",
      routeName: "azurecloud",
      addressPrefix: "AzureCloud",
      nextHopType: "None",
    },
    propertyDependencies: { routeTableName: ["rt"] },
  },
  {
    type: "azure-native:network:AzureFirewall",
    name: "fw",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: "hub",
      azureFirewallName: "fw",
      firewallPolicy: { id: FWP_ID },
      ipConfigurations: [{ name: "ipc", privateIPAddress: "10.1.0.4", subnet: { id: `${VNET_ID}x` } }],
      applicationRuleCollections: [],
      networkRuleCollections: [
        {
          name: "legacy",
          priority: 400,
          action: { type: "Allow" },
          rules: [
            {
              name: "ntp",
              protocols: ["UDP"],
              sourceAddresses: ["10.0.0.0/22"],
              destinationAddresses: ["*"],
              destinationPorts: ["123"],
            },
          ],
        },
      ],
    },
    outputs: { id: FW_ID, name: "fw", ipConfigurations: [{ name: "ipc", privateIPAddress: "10.1.0.4" }] },
    propertyDependencies: { firewallPolicy: ["fwp"] },
  },
  {
    type: "azure-native:network:FirewallPolicy",
    name: "fwp",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: "hub",
      firewallPolicyName: "fwp",
      basePolicy: { id: FWP_ID.replace("fwp", "base") },
    },
    outputs: { id: FWP_ID, name: "fwp" },
  },
  {
    type: "azure-native:network:FirewallPolicyRuleCollectionGroup",
    name: "rcg",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: "hub",
      firewallPolicyName: "fwp",
      ruleCollectionGroupName: "aks",
      priority: 200,
      ruleCollections: [
        {
          ruleCollectionType: "FirewallPolicyFilterRuleCollection",
          name: "aks-deny",
          priority: 100,
          action: { type: "Deny" },
          rules: [
            {
              ruleType: "NetworkRule",
              name: "no-https",
              ipProtocols: ["TCP"],
              sourceIpGroups: [IPG_ID],
              destinationAddresses: ["*"],
              destinationPorts: ["443"],
            },
          ],
        },
        {
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
              targetFqdns: ["mcr.microsoft.com"],
            },
          ],
        },
      ],
    },
    propertyDependencies: { firewallPolicyName: ["fwp"] },
  },
  {
    type: "azure-native:network:IpGroup",
    name: "aks-ips",
    provider: AZURE_PROVIDER,
    props: { resourceGroupName: "hub", ipGroupsName: "aks-ips", ipAddresses: ["10.0.0.0/22"] },
    outputs: { id: IPG_ID, name: "aks-ips", ipAddresses: ["10.0.0.0/22"] },
  },
  {
    type: "azure:network/virtualNetwork:VirtualNetwork",
    name: "classic-vnet",
    props: {
      name: "cvnet",
      resourceGroupName: "rg",
      location: "westeurope",
      addressSpaces: ["10.10.0.0/16"],
      dnsServers: [],
      subnets: [
        { name: "nodes", addressPrefixes: ["10.10.0.0/22"], securityGroup: CNSG_ID, routeTableId: CRT_ID },
      ],
    },
  },
  {
    type: "azure:network/subnet:Subnet",
    name: "classic-subnet",
    props: {
      name: "pods",
      resourceGroupName: "rg",
      virtualNetworkName: "cvnet",
      addressPrefixes: ["10.10.8.0/22"],
    },
    propertyDependencies: { virtualNetworkName: ["classic-vnet"] },
  },
  {
    type: "azure:network/networkSecurityGroup:NetworkSecurityGroup",
    name: "classic-nsg",
    props: {
      name: "cnsg",
      resourceGroupName: "rg",
      location: "westeurope",
      securityRules: [
        securityRule("deny-all-out", {
          priority: 4000,
          direction: "Outbound",
          access: "Deny",
          protocol: "*",
        }),
      ],
    },
  },
  {
    type: "azure:network/networkSecurityRule:NetworkSecurityRule",
    name: "classic-rule",
    props: {
      name: "deny-api",
      resourceGroupName: "rg",
      networkSecurityGroupName: "cnsg",
      priority: 200,
      direction: "Outbound",
      access: "Deny",
      protocol: "Tcp",
      sourcePortRange: "*",
      sourceAddressPrefix: "*",
      destinationAddressPrefix: "AzureCloud",
      destinationPortRanges: ["443", "9000"],
    },
    propertyDependencies: { networkSecurityGroupName: ["classic-nsg"] },
  },
  {
    type: "azure:network/subnetNetworkSecurityGroupAssociation:SubnetNetworkSecurityGroupAssociation",
    name: "classic-nsg-assoc",
    props: { subnetId: `${CVNET_ID}/subnets/pods`, networkSecurityGroupId: CNSG_ID },
    propertyDependencies: { subnetId: ["classic-subnet"], networkSecurityGroupId: ["classic-nsg"] },
  },
  {
    type: "azure:network/routeTable:RouteTable",
    name: "classic-rt",
    props: {
      name: "crt",
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
    type: "azure:network/route:Route",
    name: "classic-route",
    props: {
      name: "drop",
      resourceGroupName: "rg",
      routeTableName: "crt",
      addressPrefix: "0.0.0.0/0",
      nextHopType: "None",
    },
    propertyDependencies: { routeTableName: ["classic-rt"] },
  },
  {
    type: "azure:network/subnetRouteTableAssociation:SubnetRouteTableAssociation",
    name: "classic-rt-assoc",
    props: { subnetId: `${CVNET_ID}/subnets/pods`, routeTableId: CRT_ID },
    propertyDependencies: { subnetId: ["classic-subnet"], routeTableId: ["classic-rt"] },
  },
  {
    type: "azure:network/firewall:Firewall",
    name: "classic-fw",
    props: {
      name: "cfw",
      resourceGroupName: "hub",
      skuName: "AZFW_VNet",
      firewallPolicyId: FWP_ID,
      ipConfigurations: [{ name: "ipc", privateIpAddress: "10.1.0.5" }],
    },
  },
  {
    type: "azure:network/firewallApplicationRuleCollection:FirewallApplicationRuleCollection",
    name: "classic-app-rules",
    props: {
      name: "aks-app",
      azureFirewallName: "cfw",
      resourceGroupName: "hub",
      priority: 100,
      action: "Allow",
      rules: [
        {
          name: "aks",
          sourceAddresses: ["10.0.0.0/22"],
          fqdnTags: ["AzureKubernetesService"],
          protocols: [{ port: 443, type: "Https" }],
        },
      ],
    },
  },
  {
    type: "azure:network/firewallNetworkRuleCollection:FirewallNetworkRuleCollection",
    name: "classic-net-rules",
    props: {
      name: "deny-web",
      azureFirewallName: "cfw",
      resourceGroupName: "hub",
      priority: 90,
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
  {
    type: "azure:network/firewallPolicy:FirewallPolicy",
    name: "classic-fwp",
    props: { name: "cfwp", resourceGroupName: "hub", basePolicyId: FWP_ID },
  },
  {
    type: "azure:network/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup",
    name: "classic-rcg",
    props: {
      name: "aks",
      firewallPolicyId: FWP_ID,
      priority: 250,
      applicationRuleCollections: [
        {
          name: "app",
          priority: 100,
          action: "Allow",
          rules: [
            {
              name: "mcr",
              sourceIpGroups: [IPG_ID],
              destinationFqdns: ["mcr.microsoft.com", "*.data.mcr.microsoft.com"],
              protocols: [{ type: "Https", port: 443 }],
            },
          ],
        },
      ],
      networkRuleCollections: [
        {
          name: "net",
          priority: 200,
          action: "Allow",
          rules: [
            {
              name: "ntp",
              protocols: ["UDP"],
              sourceAddresses: ["10.0.0.0/22"],
              destinationAddresses: ["*"],
              destinationPorts: ["123"],
            },
          ],
        },
      ],
    },
    propertyDependencies: { firewallPolicyId: ["fwp"] },
  },
  {
    type: "azure:network/iPGroup:IPGroup",
    name: "classic-ipg",
    props: { name: "cips", resourceGroupName: "hub", cidrs: ["10.0.0.0/22"] },
  },
  {
    type: "azure:network/iPGroupCIDR:IPGroupCIDR",
    name: "classic-ipg-cidr",
    props: { ipGroupId: IPG_ID, cidr: "10.0.4.0/24" },
    propertyDependencies: { ipGroupId: ["aks-ips"] },
  },
  // ------------------------------------------------------- the node resource group: AKS-managed objects
  {
    type: "azure-native:network:NetworkSecurityGroup",
    name: "managed-nsg",
    provider: AZURE_PROVIDER,
    props: { resourceGroupName: NODE_RG, networkSecurityGroupName: "aks-agentpool-30022306-nsg" },
  },
  {
    type: "azure-native:network:SecurityRule",
    name: "managed-nsg-rule",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: NODE_RG,
      networkSecurityGroupName: "aks-agentpool-30022306-nsg",
      securityRuleName: "allow-lb",
      priority: 300,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      sourceAddressPrefix: "AzureLoadBalancer",
      destinationAddressPrefix: "*",
      destinationPortRange: "80",
    },
  },
  {
    type: "azure-native:network:RouteTable",
    name: "managed-rt",
    provider: AZURE_PROVIDER,
    props: { resourceGroupName: NODE_RG, routeTableName: "aks-agentpool-30022306-routetable", routes: [] },
  },
  {
    type: "azure-native:network:Route",
    name: "managed-route",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: NODE_RG,
      routeTableName: "aks-agentpool-30022306-routetable",
      routeName: "pods",
      addressPrefix: "10.244.1.0/24",
      nextHopType: "VirtualAppliance",
      nextHopIpAddress: "10.0.0.5",
    },
  },
  {
    type: "azure-native:network:LoadBalancer",
    name: "managed-lb",
    provider: AZURE_PROVIDER,
    props: { resourceGroupName: NODE_RG, loadBalancerName: "kubernetes", sku: { name: "Standard" } },
  },
  {
    type: "azure-native:network:InboundNatRule",
    name: "managed-nat",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: NODE_RG,
      loadBalancerName: "kubernetes",
      inboundNatRuleName: "ssh",
      frontendPort: 2222,
      backendPort: 22,
      protocol: "Tcp",
    },
  },
  {
    type: "azure-native:network:LoadBalancerBackendAddressPool",
    name: "managed-bepool",
    provider: AZURE_PROVIDER,
    props: { resourceGroupName: NODE_RG, loadBalancerName: "kubernetes", backendAddressPoolName: "extra" },
  },
  {
    type: "azure-native:network:PublicIPAddress",
    name: "ingress-ip",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: NODE_RG,
      publicIpAddressName: "ingress",
      sku: { name: "Standard" },
      publicIPAllocationMethod: "Static",
    },
  },
  {
    type: "azure-native:authorization:RoleAssignment",
    name: "node-rg-reader",
    provider: AZURE_PROVIDER,
    props: {
      scope: NODE_RG_ID,
      principalId: "11111111-2222-3333-4444-555555555555",
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7`,
      principalType: "ServicePrincipal",
    },
  },
  {
    type: "azure-native:authorization:ManagementLockAtResourceGroupLevel",
    name: "node-rg-lock",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: NODE_RG,
      lockName: "no-delete",
      level: "CanNotDelete",
      notes: PLANTED_SECRET,
    },
  },
  {
    type: "azure-native:authorization:ManagementLockAtResourceLevel",
    name: "vmss-lock",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: NODE_RG,
      resourceProviderNamespace: "Microsoft.Compute",
      resourceType: "virtualMachineScaleSets",
      resourceName: VMSS,
      parentResourcePath: "",
      lockName: "read-only",
      level: "ReadOnly",
    },
  },
  {
    type: "azure-native:authorization:ManagementLockByScope",
    name: "scope-lock",
    provider: AZURE_PROVIDER,
    props: { scope: VMSS_ID, lockName: "no-delete", level: "CanNotDelete" },
  },
  {
    type: "azure-native:resources:TagAtScope",
    name: "node-rg-tags",
    provider: AZURE_PROVIDER,
    props: { scope: NODE_RG_ID, properties: { tags: { costCenter: "42", secret: PLANTED_SECRET } } },
  },
  {
    type: "azure:management/lock:Lock",
    name: "classic-lock",
    props: { name: "no-delete", scope: VMSS_ID, lockLevel: "CanNotDelete" },
  },
  {
    type: "azure:network/networkSecurityGroup:NetworkSecurityGroup",
    name: "classic-managed-nsg",
    props: { name: "aks-agentpool-30022306-nsg", resourceGroupName: NODE_RG, securityRules: [] },
  },
  {
    type: "azure:network/networkSecurityRule:NetworkSecurityRule",
    name: "classic-managed-rule",
    props: {
      name: "allow-80",
      resourceGroupName: NODE_RG,
      networkSecurityGroupName: "aks-agentpool-30022306-nsg",
      priority: 310,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      sourcePortRange: "*",
      destinationPortRange: "80",
      sourceAddressPrefix: "*",
      destinationAddressPrefix: "*",
    },
  },
  {
    type: "azure:network/routeTable:RouteTable",
    name: "classic-managed-rt",
    props: { name: "aks-agentpool-30022306-routetable", resourceGroupName: NODE_RG },
  },
  {
    type: "azure:network/route:Route",
    name: "classic-managed-route",
    props: {
      name: "pods",
      resourceGroupName: NODE_RG,
      routeTableName: "aks-agentpool-30022306-routetable",
      addressPrefix: "10.244.2.0/24",
      nextHopType: "VirtualAppliance",
      nextHopInIpAddress: "10.0.0.6",
    },
  },
  {
    type: "azure:lb/loadBalancer:LoadBalancer",
    name: "classic-lb",
    props: { name: "kubernetes-internal", resourceGroupName: NODE_RG, sku: "Standard" },
  },
  {
    type: "azure:lb/rule:Rule",
    name: "classic-lb-rule",
    props: {
      name: "http",
      loadbalancerId: LB_ID,
      protocol: "Tcp",
      frontendPort: 80,
      backendPort: 80,
      frontendIpConfigurationName: "fe",
    },
  },
  {
    type: "azure:lb/backendAddressPool:BackendAddressPool",
    name: "classic-lb-pool",
    props: { name: "extra", loadbalancerId: LB_ID },
  },
  {
    type: "azure:lb/probe:Probe",
    name: "classic-lb-probe",
    props: { name: "http", loadbalancerId: LB_ID, port: 80, protocol: "Http", requestPath: "/healthz" },
  },
  {
    type: "azure:lb/natRule:NatRule",
    name: "classic-lb-nat",
    props: {
      name: "ssh",
      loadbalancerId: LB_ID,
      resourceGroupName: NODE_RG,
      protocol: "Tcp",
      frontendPort: 2222,
      backendPort: 22,
      frontendIpConfigurationName: "fe",
    },
  },
  {
    type: "azure:lb/outboundRule:OutboundRule",
    name: "classic-lb-outbound",
    props: {
      name: "out",
      loadbalancerId: LB_ID,
      protocol: "All",
      backendAddressPoolId: `${LB_ID}/backendAddressPools/x`,
    },
  },
  {
    type: "azure:network/publicIp:PublicIp",
    name: "classic-ip",
    props: { name: "egress", resourceGroupName: NODE_RG, allocationMethod: "Static", sku: "Standard" },
  },
  {
    type: "azure:authorization/assignment:Assignment",
    name: "classic-assignment",
    props: {
      scope: NODE_RG_ID,
      principalId: "11111111-2222-3333-4444-555555555555",
      roleDefinitionName: "Reader",
    },
  },
  // ---------------------------------------------------------------- scale sets of the node resource group
  {
    type: "azure-native:compute:VirtualMachineScaleSet",
    name: "vmss",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: NODE_RG,
      vmScaleSetName: VMSS,
      sku: { name: "Standard_D4s_v5", capacity: 3 },
      tags: { "aks-managed-poolName": "sys", "aks-managed-orchestrator": "Kubernetes:1.33.2" },
      virtualMachineProfile: {
        osProfile: { adminUsername: "azureuser", adminPassword: PLANTED_SECRET, customData: PLANTED_SECRET },
      },
    },
  },
  {
    type: "azure-native:compute:VirtualMachineScaleSetExtension",
    name: "vmss-ext",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: NODE_RG,
      vmScaleSetName: VMSS,
      vmssExtensionName: "bootstrap",
      publisher: "Microsoft.Azure.Extensions",
      type: "CustomScript",
      typeHandlerVersion: "2.1",
      settings: { commandToExecute: PLANTED_SECRET },
      protectedSettings: { script: PLANTED_SECRET },
    },
  },
  {
    type: "azure-native:compute:VirtualMachineScaleSetVM",
    name: "vmss-vm",
    provider: AZURE_PROVIDER,
    props: { resourceGroupName: NODE_RG, vmScaleSetName: VMSS, instanceId: "0" },
  },
  {
    type: "azure-native:compute:VirtualMachineScaleSetVMExtension",
    name: "vmss-vm-ext",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: NODE_RG,
      vmScaleSetName: VMSS,
      instanceId: "0",
      vmExtensionName: "monitor",
      publisher: "Microsoft.Azure.Monitor",
      type: "AzureMonitorLinuxAgent",
    },
  },
  {
    type: "azure-native:compute:VirtualMachineScaleSetVMRunCommand",
    name: "vmss-run",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: NODE_RG,
      vmScaleSetName: VMSS,
      instanceId: "0",
      runCommandName: "patch",
      source: { script: PLANTED_SECRET },
    },
  },
  {
    type: "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS",
    name: "guest-config",
    provider: AZURE_PROVIDER,
    props: { resourceGroupName: NODE_RG, vmssName: VMSS, name: "baseline" },
  },
  {
    type: "azure-native:monitor:AutoscaleSetting",
    name: "autoscale",
    provider: AZURE_PROVIDER,
    props: { resourceGroupName: "rg", targetResourceUri: VMSS_ID, enabled: true, profiles: [] },
  },
  {
    type: "azure-native:maintenance:ConfigurationAssignment",
    name: "maintenance",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: NODE_RG,
      providerName: "Microsoft.Compute",
      resourceType: "virtualMachineScaleSets",
      resourceName: VMSS,
      maintenanceConfigurationId: arm("rg", "Microsoft.Maintenance", "maintenanceConfigurations", "weekly"),
    },
  },
  {
    type: "azure-native:resources:Resource",
    name: "generic-vmss-ext",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: NODE_RG,
      resourceProviderNamespace: "Microsoft.Compute",
      resourceType: "virtualMachineScaleSets/extensions",
      resourceName: `${VMSS}/bootstrap`,
      parentResourcePath: "",
      apiVersion: "2024-07-01",
      properties: { settings: { commandToExecute: PLANTED_SECRET } },
    },
  },
  {
    type: "azure-native:resources:Resource",
    name: "generic-preview-cluster",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: "rg",
      resourceProviderNamespace: "Microsoft.ContainerService",
      resourceType: "managedClusters",
      resourceName: "aks1",
      parentResourcePath: "",
      apiVersion: "2025-02-02-preview",
      properties: {},
    },
  },
  ...[
    "compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet",
    "compute/windowsVirtualMachineScaleSet:WindowsVirtualMachineScaleSet",
    "compute/orchestratedVirtualMachineScaleSet:OrchestratedVirtualMachineScaleSet",
    "compute/scaleSet:ScaleSet",
  ].map((t, i) => ({
    type: `azure:${t}`,
    name: `classic-vmss-${i}`,
    props: {
      name: i === 0 ? VMSS : `aks-user${i}-12345678-vmss`,
      resourceGroupName: NODE_RG,
      sku: "Standard_D2s_v5",
      instances: 2,
      adminUsername: "azureuser",
      adminPassword: PLANTED_SECRET,
      tags: { poolName: "user", orchestrator: "Kubernetes:1.33.2" },
    },
  })),
  {
    type: "azure:compute/virtualMachineScaleSetExtension:VirtualMachineScaleSetExtension",
    name: "classic-vmss-ext",
    props: {
      name: "bootstrap",
      virtualMachineScaleSetId: VMSS_ID,
      publisher: "Microsoft.Azure.Extensions",
      type: "CustomScript",
      typeHandlerVersion: "2.1",
      protectedSettings: JSON.stringify({ script: PLANTED_SECRET }),
    },
  },
  {
    type: "azure:compute/scaleSetPacketCapture:ScaleSetPacketCapture",
    name: "classic-capture",
    props: { name: "capture", virtualMachineScaleSetId: VMSS_ID, networkWatcherId: "/subscriptions/x" },
  },
  {
    type: "azure:maintenance/assignmentVirtualMachineScaleSet:AssignmentVirtualMachineScaleSet",
    name: "classic-maintenance",
    props: { virtualMachineScaleSetId: VMSS_ID, location: "westeurope", maintenanceConfigurationId: "/x" },
  },
  {
    type: "azure:compute/linuxVirtualMachine:LinuxVirtualMachine",
    name: "classic-vm",
    props: {
      name: "joiner",
      resourceGroupName: NODE_RG,
      size: "Standard_D2s_v5",
      virtualMachineScaleSetId: VMSS_ID,
      adminPassword: PLANTED_SECRET,
    },
  },
  {
    type: "azure:compute/windowsVirtualMachine:WindowsVirtualMachine",
    name: "classic-win-vm",
    props: {
      name: "standalone",
      resourceGroupName: "rg",
      size: "Standard_D2s_v5",
      adminPassword: PLANTED_SECRET,
    },
  },
  {
    type: "azure:compute/scaleSetStandbyPool:ScaleSetStandbyPool",
    name: "classic-standby",
    props: {
      name: "warm",
      resourceGroupName: "rg",
      attachedVirtualMachineScaleSetId: VMSS_ID,
      location: "westeurope",
    },
  },
  {
    type: "azure:monitoring/autoscaleSetting:AutoscaleSetting",
    name: "classic-autoscale",
    props: { name: "scale", resourceGroupName: "rg", targetResourceId: VMSS_ID, profiles: [] },
  },
  // ---------------------------------------------------------------------------------- preview features
  {
    type: "azure-native:features:SubscriptionFeatureRegistration",
    name: "ssh-preview",
    provider: AZURE_PROVIDER,
    props: { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" },
    outputs: {
      providerNamespace: "Microsoft.ContainerService",
      featureName: "EntraIdSSHPreview",
      properties: { state: "Registered", subscriptionId: SUB },
    },
  },
  {
    type: "azure:core/resourceProviderFeatureRegistration:ResourceProviderFeatureRegistration",
    name: "classic-feature",
    props: { providerName: "Microsoft.ContainerService", name: "KubeProxyConfigurationPreview" },
  },
  {
    type: "azure:core/resourceProviderRegistration:ResourceProviderRegistration",
    name: "classic-provider",
    props: {
      name: "Microsoft.ContainerService",
      features: [
        { name: "AKS-GitOps", registered: true },
        { name: "EntraIdSSHPreview", registered: false },
      ],
    },
  },
  {
    type: "azure-native:resources:AzureCliScript",
    name: "register-script",
    provider: AZURE_PROVIDER,
    props: {
      resourceGroupName: "rg",
      kind: "AzureCLI",
      azCliVersion: "2.61.0",
      retentionInterval: "PT1H",
      scriptContent:
        "az feature register --namespace Microsoft.ContainerService --name AKS-PrometheusAddonPreview " +
        `--password '${PLANTED_SECRET}'`,
      environmentVariables: [{ name: "TOKEN", secureValue: PLANTED_SECRET }],
    },
  },
  // -------------------------------------------------------------------------------- Kubernetes objects
  k8s("kubernetes:flowcontrol.apiserver.k8s.io/v1alpha1:FlowSchema", "exempt", undefined, {
    spec: { priorityLevelConfiguration: { name: "exempt" }, matchingPrecedence: 1 },
  }),
  k8s("kubernetes:resource.k8s.io/v1alpha3:DeviceClass", "gpu", undefined, { spec: { selectors: [] } }),
  k8s("kubernetes:scheduling.k8s.io/v1alpha1:PriorityClass", "critical", undefined, { value: 1000000 }),
  k8s("kubernetes:storagemigration.k8s.io/v1alpha1:StorageVersionMigration", "secrets", undefined, {
    spec: { resource: { group: "", version: "v1", resource: "secrets" } },
  }),
  k8s("kubernetes:flowcontrol.apiserver.k8s.io/v1beta3:FlowSchema", "workload", undefined, {
    spec: { priorityLevelConfiguration: { name: "workload-low" } },
  }),
  k8s("kubernetes:batch/v1beta1:CronJob", "backup", "default", {
    spec: { schedule: "0 2 * * *", jobTemplate: { spec: { template: { spec: { containers: [] } } } } },
  }),
  k8s("kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler", "web", "default", {
    spec: { minReplicas: 2, maxReplicas: 10 },
  }),
  k8s("kubernetes:storage.k8s.io/v1beta1:CSIDriver", "disk.csi.azure.com", undefined, {
    spec: { attachRequired: true },
  }),
  k8s("kubernetes:core/v1:ConfigMap", "coredns", "kube-system", {
    data: { Corefile: ".:53 { forward . /etc/resolv.conf }", token: PLANTED_SECRET },
  }),
  k8s("kubernetes:core/v1:ConfigMapPatch", "coredns-custom", "kube-system", {
    data: { "internal.server": "corp:53 { forward . 10.1.0.53 }", stray: PLANTED_SECRET },
  }),
  {
    ...k8s("kubernetes:core/v1:ConfigMapList", "list", undefined),
    props: {
      apiVersion: "v1",
      kind: "ConfigMapList",
      items: [
        { metadata: { name: "kube-proxy", namespace: "kube-system" }, data: { config: PLANTED_SECRET } },
        { metadata: { name: "app-settings", namespace: "default" }, data: { key: PLANTED_SECRET } },
      ],
    },
  },
  k8s("kubernetes:core/v1:Service", "kube-dns", "kube-system", {
    spec: { clusterIP: "10.2.0.10", ports: [{ port: 53, protocol: "UDP" }] },
  }),
  k8s("kubernetes:core/v1:Namespace", "kube-system", undefined),
  k8s("kubernetes:core/v1:NamespacePatch", "kube-system", undefined, { spec: { finalizers: [] } }),
  k8s("kubernetes:apps/v1:Deployment", "metrics-server", "kube-system", {
    spec: {
      replicas: 2,
      template: { spec: { containers: [{ name: "m", env: [{ name: "K", value: PLANTED_SECRET }] }] } },
    },
  }),
  k8s("kubernetes:apps/v1:DeploymentPatch", "coredns", "kube-system", { spec: { replicas: 3 } }),
  k8s("kubernetes:apps/v1:DaemonSet", "csi-azuredisk-node", "kube-system", { spec: {} }),
  k8s("kubernetes:apps/v1:DaemonSetPatch", "kube-proxy", undefined, { spec: {} }),
  k8s("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "aks-support-rolebinding", "default", {
    roleRef: { kind: "ClusterRole", name: "view" },
    subjects: [],
  }),
  k8s("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "aks-service-rolebinding", undefined, {
    roleRef: { kind: "ClusterRole", name: "aks-service" },
  }),
  k8s("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "aks-service", undefined, { rules: [] }),
  {
    type: "kubernetes:helm.sh/v3:Release",
    name: "release",
    provider: KUBERNETES_PROVIDER,
    props: {
      chart: "aks-managed-keda",
      name: "aks-managed-keda",
      namespace: "kube-system",
      values: { auth: { password: PLANTED_SECRET } },
    },
  },
];

/** The seeds a rule reads: every seed of one of its base tokens (any API version), plus the primary cluster. */
export function seedsFor(rule: Rule): FixtureResource[] {
  const bases = new Set(rule.resourceTypes);
  const cluster = WORLD[0];
  const own = WORLD.filter((r) => bases.has(baseToken(r.type)));
  return own.includes(cluster) ? own : [cluster, ...own];
}

/** Base tokens some rule reads that no seed covers (the property tests require none). */
export function tokensWithoutSeed(rules: readonly Rule[]): string[] {
  const seeded = new Set(WORLD.map((r) => baseToken(r.type)));
  return [...new Set(rules.flatMap((r) => r.resourceTypes))].filter((t) => !seeded.has(t)).sort();
}

/**
 * The world as the engine would send it for a stack (`HostResource`s for AnalyzerHost): URNs from the names, the
 * providers as resources of their own, property dependencies as URNs, `suffix` appended to every name.
 */
export function worldAsHostResources(stack = "dev", suffix = ""): HostResource[] {
  const urnByName = new Map(
    WORLD.map((r) => [r.name, urnOf(stack, { type: r.type, name: `${r.name}${suffix}` })]),
  );
  const providerUrn = (p: ProviderInput) => p.urn.replace(":dev::", `:${stack}::`) + suffix;
  const providers: HostResource[] = [AZURE_PROVIDER, KUBERNETES_PROVIDER].map((p) => ({
    urn: providerUrn(p),
    type: p.type,
    name: `${p.name}${suffix}`,
    custom: true,
    inputs: p.props,
    outputs: p.props,
    dependencies: [],
    propertyDependencies: {},
  }));
  return [
    ...providers,
    ...WORLD.map((r): HostResource => {
      const propertyDependencies = Object.fromEntries(
        Object.entries(r.propertyDependencies ?? {}).map(([k, names]) => [
          k,
          names.map((n) => urnByName.get(n)!),
        ]),
      );
      return {
        urn: urnByName.get(r.name)!,
        type: r.type,
        name: `${r.name}${suffix}`,
        custom: true,
        inputs: r.props,
        outputs: r.outputs ?? r.props,
        dependencies: [...new Set(Object.values(propertyDependencies).flat())],
        propertyDependencies,
        ...(r.provider
          ? {
              provider: {
                urn: providerUrn(r.provider),
                type: r.provider.type,
                name: `${r.provider.name}${suffix}`,
                inputs: r.provider.props,
              },
            }
          : {}),
      };
    }),
  ];
}
