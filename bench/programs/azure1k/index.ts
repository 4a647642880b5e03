// Benchmark program (bench/run.js, "offline preview under mocks"): `count` azure-native resources in a realistic
// mix — per estate a resource group, network (VNet, subnets, NSG, security rules, route table, route), an AKS
// cluster with agent pools, a scale set with an extension, storage, key vault and a public IP. Every azure-native
// resource carries its ~25–113 version aliases, which is what the alias fast path is about. `count: 0` loads the
// same modules and registers nothing: the bench's measure of the one-time module load.
import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import * as storage from "@pulumi/azure-native/storage";

// azure-native loads each resource class on first use: load every class used below up front, so that `count: 0`
// loads the same modules as `count: 1000` and the module load is not counted as program execution.
const resourceClasses: unknown[] = [
  compute.VirtualMachineScaleSet,
  compute.VirtualMachineScaleSetExtension,
  containerservice.AgentPool,
  containerservice.ManagedCluster,
  keyvault.Vault,
  network.NetworkSecurityGroup,
  network.PublicIPAddress,
  network.Route,
  network.RouteTable,
  network.SecurityRule,
  network.Subnet,
  network.VirtualNetwork,
  resources.ResourceGroup,
  storage.StorageAccount,
];
if (resourceClasses.some((resourceClass) => typeof resourceClass !== "function")) {
  throw new Error("an azure-native resource class did not load");
}

const count = new pulumi.Config().requireNumber("count");
let registered = 0;
/** Registers the next resource unless `count` is reached. */
function add<T>(create: () => T): T | undefined {
  if (registered >= count) return undefined;
  registered++;
  return create();
}

for (let u = 0; registered < count; u++) {
  const location = ["westeurope", "northeurope", "eastus2", "swedencentral"][u % 4];
  const tags = { env: "bench", estate: `${u}` };
  const rgName = `rg-aks-${u}`;
  const rg = add(() => new resources.ResourceGroup(`rg-${u}`, { resourceGroupName: rgName, location, tags }));
  const rgn = rg?.name ?? pulumi.output(rgName);
  const vnet = add(
    () =>
      new network.VirtualNetwork(`vnet-${u}`, {
        resourceGroupName: rgn,
        location,
        addressSpace: { addressPrefixes: [`10.${u % 250}.0.0/16`] },
        tags,
      }),
  );
  const nsg = add(
    () => new network.NetworkSecurityGroup(`nsg-${u}`, { resourceGroupName: rgn, location, tags }),
  );
  const rules: [string, number, string, string, string, string][] = [
    ["allow-https-in", 100, "Inbound", "Allow", "443", "Internet"],
    ["allow-lb-in", 110, "Inbound", "Allow", "*", "AzureLoadBalancer"],
    ["allow-api-out", 100, "Outbound", "Allow", "443", "*"],
    ["deny-internet-out", 4000, "Outbound", "Deny", "*", "*"],
  ];
  for (const [name, priority, direction, access, port, source] of rules) {
    add(
      () =>
        new network.SecurityRule(`nsg-${u}-${name}`, {
          resourceGroupName: rgn,
          networkSecurityGroupName: nsg?.name ?? `nsg-${u}`,
          securityRuleName: name,
          priority,
          direction,
          access,
          protocol: "*",
          sourcePortRange: "*",
          destinationPortRange: port,
          sourceAddressPrefix: source,
          destinationAddressPrefix: direction === "Outbound" && access === "Deny" ? "Internet" : "*",
        }),
    );
  }
  const rt = add(
    () =>
      new network.RouteTable(`rt-${u}`, {
        resourceGroupName: rgn,
        location,
        disableBgpRoutePropagation: true,
      }),
  );
  add(
    () =>
      new network.Route(`rt-${u}-default`, {
        resourceGroupName: rgn,
        routeTableName: rt?.name ?? `rt-${u}`,
        addressPrefix: "0.0.0.0/0",
        nextHopType: "VirtualAppliance",
        nextHopIpAddress: "10.254.0.4",
      }),
  );
  const subnet = add(
    () =>
      new network.Subnet(`subnet-${u}-nodes`, {
        resourceGroupName: rgn,
        virtualNetworkName: vnet?.name ?? `vnet-${u}`,
        addressPrefix: `10.${u % 250}.0.0/20`,
        networkSecurityGroup: { id: nsg?.id },
        routeTable: { id: rt?.id },
      }),
  );
  add(
    () =>
      new network.Subnet(`subnet-${u}-endpoints`, {
        resourceGroupName: rgn,
        virtualNetworkName: vnet?.name ?? `vnet-${u}`,
        addressPrefix: `10.${u % 250}.16.0/20`,
      }),
  );
  const clusterName = `aks-${u}`;
  const cluster = add(
    () =>
      new containerservice.ManagedCluster(clusterName, {
        resourceGroupName: rgn,
        resourceName: clusterName,
        location,
        dnsPrefix: clusterName,
        kubernetesVersion: "1.31.3",
        identity: { type: "SystemAssigned" },
        autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
        agentPoolProfiles: [
          {
            name: "system",
            mode: "System",
            count: 3,
            vmSize: "Standard_D4ds_v5",
            vnetSubnetID: subnet?.id,
            nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
          },
        ],
        networkProfile: {
          networkPlugin: "azure",
          networkPolicy: "cilium",
          outboundType: "userDefinedRouting",
        },
        tags,
      }),
  );
  for (const [name, mode, vmSize] of [
    ["user1", "User", "Standard_D8ds_v5"],
    ["user2", "User", "Standard_E8ds_v5"],
  ]) {
    add(
      () =>
        new containerservice.AgentPool(`${clusterName}-${name}`, {
          resourceGroupName: rgn,
          resourceName: cluster?.name ?? clusterName,
          agentPoolName: name,
          mode,
          count: 3,
          vmSize,
          orchestratorVersion: "1.31.3",
          vnetSubnetID: subnet?.id,
        }),
    );
  }
  const vmssName = `build-agents-${u}`;
  const vmss = add(
    () =>
      new compute.VirtualMachineScaleSet(vmssName, {
        resourceGroupName: rgn,
        vmScaleSetName: vmssName,
        location,
        sku: { name: "Standard_D2ds_v5", capacity: 2, tier: "Standard" },
        upgradePolicy: { mode: "Manual" },
      }),
  );
  add(
    () =>
      new compute.VirtualMachineScaleSetExtension(`${vmssName}-monitor`, {
        resourceGroupName: rgn,
        vmScaleSetName: vmss?.name ?? vmssName,
        publisher: "Microsoft.Azure.Monitor",
        type: "AzureMonitorLinuxAgent",
        typeHandlerVersion: "1.29",
      }),
  );
  add(
    () =>
      new storage.StorageAccount(`st${u}`, {
        resourceGroupName: rgn,
        location,
        kind: "StorageV2",
        sku: { name: "Standard_ZRS" },
        minimumTlsVersion: "TLS1_2",
        allowBlobPublicAccess: false,
      }),
  );
  add(
    () =>
      new keyvault.Vault(`kv-${u}`, {
        resourceGroupName: rgn,
        location,
        properties: {
          tenantId: "00000000-0000-4000-8000-00000000beef",
          sku: { family: "A", name: "standard" },
        },
      }),
  );
  add(
    () =>
      new network.PublicIPAddress(`pip-${u}`, {
        resourceGroupName: rgn,
        location,
        sku: { name: "Standard" },
        publicIPAllocationMethod: "Static",
      }),
  );
}
