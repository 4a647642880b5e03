/**
 * Reference AKS deployment: a realistic cluster that stays inside Microsoft's AKS support policy.
 *
 * - Network: own VNet and AKS subnet. The subnet's NSG only adds allows (no deny can cut AKS egress on
 *   TCP 443 or intra-VNet traffic); its route table sends only an on-premises range to the hub firewall,
 *   never 0.0.0.0/0 (outboundType loadBalancer, so no user-defined route is required).
 * - Cluster: supported Kubernetes minor, automatic upgrades on the stable channel with node-image OS
 *   upgrades, read-only node resource group, a Linux System pool of 3 nodes tainted CriticalAddonsOnly,
 *   user pools (one inline, one as a separate AgentPool resource), SSH disabled on every pool, no SSH key.
 * - Stack config `aks-reference:enablePreviewFeature` registers an AKS preview feature (dev only).
 *
 * Only azure-native submodules are imported: the root module loads every Azure service and is slow.
 */
import * as pulumi from "@pulumi/pulumi";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as features from "@pulumi/azure-native/features";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";

const config = new pulumi.Config();
const location = new pulumi.Config("azure-native").require("location");
const stack = pulumi.getStack();
const tags = config.getObject<Record<string, string>>("tags") ?? {};
const kubernetesVersion = "1.35";
const clusterName = `aks-ref-${stack}`;

const resourceGroup = new resources.ResourceGroup("rg", {
  resourceGroupName: `rg-aks-ref-${stack}`,
  location,
  tags,
});

const vnet = new network.VirtualNetwork("vnet", {
  resourceGroupName: resourceGroup.name,
  virtualNetworkName: `vnet-aks-ref-${stack}`,
  location,
  addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
  tags,
});

const nsg = new network.NetworkSecurityGroup("aks-nsg", {
  resourceGroupName: resourceGroup.name,
  networkSecurityGroupName: `nsg-aks-ref-${stack}`,
  location,
  securityRules: [
    {
      name: "allow-https-to-azurecloud",
      priority: 100,
      direction: network.SecurityRuleDirection.Outbound,
      access: network.SecurityRuleAccess.Allow,
      protocol: network.SecurityRuleProtocol.Tcp,
      sourceAddressPrefix: "VirtualNetwork",
      sourcePortRange: "*",
      destinationAddressPrefix: "AzureCloud",
      destinationPortRange: "443",
    },
    {
      name: "allow-tunnel-to-azurecloud",
      priority: 110,
      direction: network.SecurityRuleDirection.Outbound,
      access: network.SecurityRuleAccess.Allow,
      protocol: network.SecurityRuleProtocol.Udp,
      sourceAddressPrefix: "VirtualNetwork",
      sourcePortRange: "*",
      destinationAddressPrefix: `AzureCloud.${location}`,
      destinationPortRange: "1194",
    },
    {
      name: "allow-ntp",
      priority: 120,
      direction: network.SecurityRuleDirection.Outbound,
      access: network.SecurityRuleAccess.Allow,
      protocol: network.SecurityRuleProtocol.Udp,
      sourceAddressPrefix: "VirtualNetwork",
      sourcePortRange: "*",
      destinationAddressPrefix: "Internet",
      destinationPortRange: "123",
    },
    {
      name: "allow-https-ingress",
      priority: 200,
      direction: network.SecurityRuleDirection.Inbound,
      access: network.SecurityRuleAccess.Allow,
      protocol: network.SecurityRuleProtocol.Tcp,
      sourceAddressPrefix: "Internet",
      sourcePortRange: "*",
      destinationAddressPrefix: "VirtualNetwork",
      destinationPortRange: "443",
    },
  ],
  tags,
});

const routeTable = new network.RouteTable("aks-routes", {
  resourceGroupName: resourceGroup.name,
  routeTableName: `rt-aks-ref-${stack}`,
  location,
  disableBgpRoutePropagation: false,
  routes: [
    {
      name: "on-premises-via-firewall",
      addressPrefix: "172.16.0.0/12",
      nextHopType: network.RouteNextHopType.VirtualAppliance,
      nextHopIpAddress: "10.100.0.4",
    },
  ],
  tags,
});

const aksSubnet = new network.Subnet("aks-subnet", {
  resourceGroupName: resourceGroup.name,
  virtualNetworkName: vnet.name,
  subnetName: "snet-aks-nodes",
  addressPrefix: "10.0.0.0/20",
  networkSecurityGroup: { id: nsg.id },
  routeTable: { id: routeTable.id },
});

const poolDefaults = {
  osType: containerservice.OSType.Linux,
  osSKU: containerservice.OSSKU.AzureLinux,
  type: containerservice.AgentPoolType.VirtualMachineScaleSets,
  orchestratorVersion: kubernetesVersion,
  availabilityZones: ["1", "2", "3"],
  vnetSubnetID: aksSubnet.id,
  securityProfile: { sshAccess: containerservice.AgentPoolSSHAccess.Disabled },
  upgradeSettings: { maxSurge: "33%" },
};

const cluster = new containerservice.ManagedCluster("aks", {
  resourceGroupName: resourceGroup.name,
  resourceName: clusterName,
  location,
  dnsPrefix: clusterName,
  kubernetesVersion,
  sku: {
    name: containerservice.ManagedClusterSKUName.Base,
    tier: containerservice.ManagedClusterSKUTier.Standard,
  },
  supportPlan: containerservice.KubernetesSupportPlan.KubernetesOfficial,
  identity: { type: containerservice.ResourceIdentityType.SystemAssigned },
  enableRBAC: true,
  disableLocalAccounts: true,
  aadProfile: { managed: true, enableAzureRBAC: true },
  oidcIssuerProfile: { enabled: true },
  securityProfile: { workloadIdentity: { enabled: true } },
  autoUpgradeProfile: {
    upgradeChannel: containerservice.UpgradeChannel.Stable,
    nodeOSUpgradeChannel: containerservice.NodeOSUpgradeChannel.NodeImage,
  },
  nodeResourceGroup: `rg-aks-ref-${stack}-nodes`,
  nodeResourceGroupProfile: { restrictionLevel: containerservice.RestrictionLevel.ReadOnly },
  networkProfile: {
    networkPlugin: containerservice.NetworkPlugin.Azure,
    networkPluginMode: containerservice.NetworkPluginMode.Overlay,
    networkDataplane: containerservice.NetworkDataplane.Cilium,
    networkPolicy: containerservice.NetworkPolicy.Cilium,
    outboundType: containerservice.OutboundType.LoadBalancer,
    loadBalancerSku: containerservice.LoadBalancerSku.Standard,
    podCidr: "192.168.0.0/16",
    serviceCidr: "10.2.0.0/16",
    dnsServiceIP: "10.2.0.10",
  },
  agentPoolProfiles: [
    {
      ...poolDefaults,
      name: "system",
      mode: containerservice.AgentPoolMode.System,
      vmSize: "Standard_D4ds_v5",
      count: 3,
      nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
    },
    {
      ...poolDefaults,
      name: "user",
      mode: containerservice.AgentPoolMode.User,
      vmSize: "Standard_D8ds_v5",
      count: 3,
      enableAutoScaling: true,
      minCount: 3,
      maxCount: 6,
    },
  ],
  tags,
});

new containerservice.AgentPool("batch-pool", {
  resourceGroupName: resourceGroup.name,
  resourceName: cluster.name,
  agentPoolName: "batch",
  ...poolDefaults,
  mode: containerservice.AgentPoolMode.User,
  vmSize: "Standard_D8ds_v5",
  count: 2,
  enableAutoScaling: true,
  minCount: 2,
  maxCount: 10,
  nodeLabels: { workload: "batch" },
  nodeTaints: ["workload=batch:NoSchedule"],
  tags,
});

if (config.getBoolean("enablePreviewFeature") ?? false) {
  new features.SubscriptionFeatureRegistration("aks-preview-feature", {
    providerNamespace: "Microsoft.ContainerService",
    featureName: "EntraIdSSHPreview",
  });
}

export const clusterResourceName = clusterName;
export const resourceGroupName = resourceGroup.name;
