/**
 * `aks-node-resource-group-changes` (rule-catalog §2.9): table-driven through the real runtime (level
 * resolution, finding levels, message format, de-duplication), plus stack-phase tests that prove the union of
 * Analyze and AnalyzeStack findings does not depend on the order in which resources are analysed.
 */
import fc from "fast-check";
import type { ResourceInput, StackResource } from "../../src/model/rule";
import { Diagnostic, GuardrailsRuntime } from "../../src/pack/runtime";
import { baseToken } from "../../src/resources/tokens";
import rule from "../../src/rules/aks-node-resource-group-changes";

const RULE_ID = "aks-node-resource-group-changes";
const UNK = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

interface Case {
  name: string;
  config?: Record<string, unknown>;
  /** Resources analysed earlier in the same run (e.g. the cluster), in order. */
  before?: ResourceInput[];
  resource: ResourceInput;
}

interface InvalidCase extends Case {
  errors: { level: "advisory" | "mandatory"; message: string }[];
  notInMessage?: string[];
}

function newRuntime(): GuardrailsRuntime {
  return new GuardrailsRuntime({
    rules: [rule],
    stack: { stack: "dev", project: "p", organization: "o" },
    stackConfig: {},
  });
}

function analyze(runtime: GuardrailsRuntime, resource: ResourceInput, config: Record<string, unknown> = {}) {
  return runtime.analyzeResource(rule, resource, config, new Map<string, string>());
}

function analyzeStack(
  runtime: GuardrailsRuntime,
  resources: StackResource[],
  config: Record<string, unknown> = {},
) {
  return runtime.analyzeStack(rule, resources, config, new Map<string, string>());
}

function run(c: Case): Diagnostic[] {
  const runtime = newRuntime();
  for (const earlier of c.before ?? []) analyze(runtime, earlier, c.config);
  return analyze(runtime, c.resource, c.config);
}

const res = (type: string, name: string, props: Record<string, unknown>): ResourceInput => ({
  type,
  urn: `urn:pulumi:dev::p::${type}::${name}`,
  name,
  props,
});

const LOCKED_CLUSTER = res("azure-native:containerservice:ManagedCluster", "aks", {
  resourceGroupName: "rg",
  resourceName: "aks1",
  location: "westeurope",
  nodeResourceGroupProfile: { restrictionLevel: "ReadOnly" },
});

const valid: Case[] = [
  {
    name: "P1 static public IP in the node resource group (documented exception)",
    resource: res("azure-native:network:PublicIPAddress", "ingress-ip", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      publicIpAddressName: "ingress-ip",
      sku: { name: "Standard" },
      publicIPAllocationMethod: "Static",
    }),
  },
  {
    name: "P2 rule on an NSG in a network resource group",
    resource: res("azure-native:network:SecurityRule", "p2", {
      resourceGroupName: "network-rg",
      networkSecurityGroupName: "aks-subnet-nsg",
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      priority: 200,
      destinationPortRange: "443",
      sourceAddressPrefix: "*",
      destinationAddressPrefix: "*",
    }),
  },
  {
    name: "P3 role assignment scoped to the node resource group (allowed type)",
    resource: res("azure-native:authorization:RoleAssignment", "p3", {
      scope: "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope",
      principalId: "00000000-0000-0000-0000-000000000001",
      roleDefinitionId:
        "/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7",
    }),
  },
  {
    name: "U1 variant: unknown resource group, NSG not named like AKS's: nothing",
    resource: res("azure-native:network:SecurityRule", "u1", {
      resourceGroupName: UNK,
      networkSecurityGroupName: "my-nsg",
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      priority: 200,
    }),
  },
  {
    name: "scale-set extension in the node resource group is aks-vmss-direct-modification's",
    resource: res("azure-native:compute:VirtualMachineScaleSetExtension", "ext", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      vmScaleSetName: "aks-sys-12345678-vmss",
      publisher: "Microsoft.Azure.Extensions",
      type: "CustomScript",
    }),
  },
  {
    name: "lock on a scale set is aks-vmss-direct-modification's",
    resource: res("azure:management/lock:Lock", "vmss-lock", {
      name: "l",
      lockLevel: "ReadOnly",
      scope:
        "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-sys-12345678-vmss",
    }),
  },
  {
    name: "AgentPool goes through the AKS API",
    resource: res("azure-native:containerservice:AgentPool", "pool", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      resourceName: "aks1",
    }),
  },
  {
    name: "cluster in its own resource group",
    resource: res("azure-native:containerservice:ManagedCluster", "aks", {
      resourceGroupName: "rg",
      resourceName: "aks1",
      location: "westeurope",
    }),
  },
  {
    name: "kubernetes resource (not Azure)",
    resource: res("kubernetes:core/v1:ConfigMap", "cm", { metadata: { name: "MC_rg_aks1_westeurope" } }),
  },
  {
    name: "subscription-level scope names no resource group",
    resource: res("azure-native:authorization:ManagementLockByScope", "sub-lock", {
      scope: "/subscriptions/0000",
      level: "CanNotDelete",
    }),
  },
  {
    name: "unknown scope of a lock: nothing (not named like an AKS object)",
    resource: res("azure-native:authorization:ManagementLockByScope", "l", {
      scope: UNK,
      level: "CanNotDelete",
    }),
  },
  {
    name: "resourceGroupName of the wrong type does not throw",
    resource: res("azure-native:storage:StorageAccount", "odd", {
      resourceGroupName: ["MC_a_b_c"],
      accountName: 1,
    }),
  },
  {
    name: "auto-named resource group (no resourceGroupName)",
    resource: res("azure-native:resources:ResourceGroup", "rg", { location: "westeurope" }),
  },
  {
    name: "nodeResourceGroupPattern narrowed: an MC_-like group no longer counts",
    config: { nodeResourceGroupPattern: "^never$" },
    resource: res("azure-native:storage:StorageAccount", "sa", {
      resourceGroupName: "MC_batch_pool_westeurope",
    }),
  },
  {
    name: "allowedTypes extended with a base token (matches every API version)",
    config: { allowedTypes: ["azure-native:network:PublicIPAddress", "azure-native:storage:StorageAccount"] },
    resource: res("azure-native:storage/v20230101:StorageAccount", "sa", {
      resourceGroupName: "MC_rg_aks1_westeurope",
    }),
  },
  {
    name: "allowed type in the node resource group of a cluster without lockdown",
    before: [
      res("azure-native:containerservice:ManagedCluster", "aks", {
        resourceGroupName: "rg",
        resourceName: "aks1",
        location: "westeurope",
      }),
    ],
    resource: res("azure-native:network:PublicIPAddress", "ip", {
      resourceGroupName: "MC_rg_aks1_westeurope",
    }),
  },
  {
    name: "resource group with another name than the cluster's node resource group",
    before: [
      res("azure-native:containerservice:ManagedCluster", "aks", {
        resourceGroupName: "rg",
        resourceName: "aks1",
        nodeResourceGroup: "aks1-nodes",
      }),
    ],
    resource: res("azure-native:resources:ResourceGroup", "app", { resourceGroupName: "app-rg" }),
  },
];

const invalid: InvalidCase[] = [
  {
    name: "F1 rule on the AKS-managed agent-pool NSG",
    resource: res("azure-native:network:SecurityRule", "f1", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      networkSecurityGroupName: "aks-agentpool-12345678-nsg",
      securityRuleName: "allow-80",
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      priority: 200,
      sourceAddressPrefix: "*",
      sourcePortRange: "*",
      destinationAddressPrefix: "*",
      destinationPortRange: "80",
    }),
    errors: [
      {
        level: "mandatory",
        message:
          'azure-native:network:SecurityRule "f1" — modifies the AKS-managed network security group ' +
          "aks-agentpool-12345678-nsg in the node resource group MC_rg_aks1_westeurope (named like an AKS node " +
          "resource group (`nodeResourceGroupPattern`))",
      },
    ],
  },
  {
    name: "F2 resource group named like a node resource group",
    resource: res("azure-native:resources:ResourceGroup", "f2", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      location: "westeurope",
      tags: { owner: "team" },
    }),
    errors: [
      {
        level: "mandatory",
        message:
          "declares or adopts the node resource group MC_rg_aks1_westeurope (named like an AKS node resource group " +
          "(`nodeResourceGroupPattern`)); AKS creates and owns that group, and `pulumi destroy` would delete it",
      },
    ],
  },
  {
    name: "F3 classic lock on the node resource group",
    resource: res("azure:management/lock:Lock", "f3", {
      name: "nolock",
      scope: "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope",
      lockLevel: "ReadOnly",
    }),
    errors: [
      {
        level: "mandatory",
        message:
          "puts a management lock on resources in the node resource group MC_rg_aks1_westeurope (named like an AKS " +
          "node resource group (`nodeResourceGroupPattern`)); locks block AKS operations such as upgrades and scaling",
      },
    ],
  },
  {
    name: "U1 unknown resource group, NSG named like AKS's: advisory cannot-verify",
    resource: res("azure-native:network:SecurityRule", "u1", {
      resourceGroupName: UNK,
      networkSecurityGroupName: "aks-agentpool-12345678-nsg",
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      priority: 200,
    }),
    errors: [
      {
        level: "advisory",
        message:
          "cannot be verified during preview: `resourceGroupName` is unknown, so whether the network security group " +
          "aks-agentpool-12345678-nsg (named like AKS's own) is in a node resource group is not known",
      },
    ],
    notInMessage: [UNK],
  },
  {
    name: "a storage account in the default node resource group of a registered cluster",
    config: { nodeResourceGroupPattern: "^never$" },
    before: [
      res("azure-native:containerservice:ManagedCluster", "aks", {
        resourceGroupName: "rg",
        resourceName: "aks1",
        location: "West Europe",
      }),
    ],
    resource: res("azure-native:storage:StorageAccount", "sa", {
      resourceGroupName: "mc_rg_aks1_westeurope",
      accountName: "sa1",
    }),
    errors: [
      {
        level: "mandatory",
        message:
          'creates or changes a resource in the node resource group mc_rg_aks1_westeurope (the node resource group of AKS cluster "aks1"); resources there are AKS-managed IaaS',
      },
    ],
  },
  {
    name: "route on the AKS-managed route table (explicit nodeResourceGroup of a registered cluster)",
    before: [
      res("azure-native:containerservice:ManagedCluster", "aks", {
        resourceGroupName: "rg",
        resourceName: "aks1",
        nodeResourceGroup: "aks1-nodes",
      }),
    ],
    resource: res("azure-native:network:Route", "r", {
      resourceGroupName: "AKS1-NODES",
      routeTableName: "aks-agentpool-87654321-routetable",
      addressPrefix: "0.0.0.0/0",
      nextHopType: "VirtualAppliance",
      nextHopIpAddress: "10.1.0.4",
    }),
    errors: [
      {
        level: "mandatory",
        message:
          'modifies the AKS-managed route table aks-agentpool-87654321-routetable in the node resource group AKS1-NODES (the node resource group of AKS cluster "aks1")',
      },
    ],
  },
  {
    name: "backend pool on the AKS `kubernetes` load balancer",
    resource: res("azure-native:network:LoadBalancerBackendAddressPool", "pool", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      loadBalancerName: "kubernetes",
      backendAddressPoolName: "extra",
    }),
    errors: [
      {
        level: "mandatory",
        message: "modifies the AKS-managed load balancer kubernetes in the node resource group",
      },
    ],
  },
  {
    name: "classic LB rule on kubernetes-internal, by loadbalancerId",
    resource: res("azure:lb/rule:Rule", "lbrule", {
      name: "r",
      loadbalancerId:
        "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Network/loadBalancers/kubernetes-internal",
      protocol: "Tcp",
      frontendPort: 80,
      backendPort: 80,
    }),
    errors: [{ level: "mandatory", message: "modifies the AKS-managed load balancer kubernetes-internal" }],
  },
  {
    name: "classic NSG rule on the agent-pool NSG",
    resource: res("azure:network/networkSecurityRule:NetworkSecurityRule", "rule", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      networkSecurityGroupName: "aks-agentpool-30022306-nsg",
      name: "allow",
    }),
    errors: [
      {
        level: "mandatory",
        message: "modifies the AKS-managed network security group aks-agentpool-30022306-nsg",
      },
    ],
  },
  {
    name: "azure-native NSG adopted in the node resource group",
    resource: res("azure-native:network:NetworkSecurityGroup", "nsg", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      networkSecurityGroupName: "aks-agentpool-30022306-nsg",
    }),
    errors: [
      {
        level: "mandatory",
        message: "modifies the AKS-managed network security group aks-agentpool-30022306-nsg",
      },
    ],
  },
  {
    name: "azure-native route table named like AKS's",
    resource: res("azure-native:network:RouteTable", "rt", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      routeTableName: "aks-agentpool-1-routetable",
    }),
    errors: [
      { level: "mandatory", message: "modifies the AKS-managed route table aks-agentpool-1-routetable" },
    ],
  },
  {
    name: "azure-native load balancer",
    resource: res("azure-native:network:LoadBalancer", "lb", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      loadBalancerName: "kubernetes",
    }),
    errors: [{ level: "mandatory", message: "modifies the AKS-managed load balancer kubernetes" }],
  },
  {
    name: "azure-native inbound NAT rule",
    resource: res("azure-native:network:InboundNatRule", "nat", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      loadBalancerName: "kubernetes",
      inboundNatRuleName: "ssh",
    }),
    errors: [{ level: "mandatory", message: "modifies the AKS-managed load balancer kubernetes" }],
  },
  {
    name: "classic NSG named like AKS's",
    resource: res("azure:network/networkSecurityGroup:NetworkSecurityGroup", "cnsg", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      name: "aks-agentpool-1-nsg",
    }),
    errors: [
      { level: "mandatory", message: "modifies the AKS-managed network security group aks-agentpool-1-nsg" },
    ],
  },
  {
    name: "classic route table",
    resource: res("azure:network/routeTable:RouteTable", "crt", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      name: "aks-agentpool-1-routetable",
    }),
    errors: [{ level: "mandatory", message: "modifies the AKS-managed route table" }],
  },
  {
    name: "classic route",
    resource: res("azure:network/route:Route", "croute", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      routeTableName: "aks-agentpool-1-routetable",
      name: "r",
    }),
    errors: [{ level: "mandatory", message: "modifies the AKS-managed route table" }],
  },
  {
    name: "classic load balancer",
    resource: res("azure:lb/loadBalancer:LoadBalancer", "clb", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      name: "kubernetes",
    }),
    errors: [{ level: "mandatory", message: "modifies the AKS-managed load balancer kubernetes" }],
  },
  {
    name: "classic backend address pool",
    resource: res("azure:lb/backendAddressPool:BackendAddressPool", "cpool", {
      name: "p",
      loadbalancerId:
        "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Network/loadBalancers/kubernetes",
    }),
    errors: [{ level: "mandatory", message: "modifies the AKS-managed load balancer kubernetes" }],
  },
  {
    name: "classic probe",
    resource: res("azure:lb/probe:Probe", "cprobe", {
      name: "p",
      port: 80,
      loadbalancerId:
        "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Network/loadBalancers/kubernetes",
    }),
    errors: [{ level: "mandatory", message: "modifies the AKS-managed load balancer kubernetes" }],
  },
  {
    name: "classic NAT rule (resourceGroupName comes first)",
    resource: res("azure:lb/natRule:NatRule", "cnat", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      name: "ssh",
      loadbalancerId:
        "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Network/loadBalancers/kubernetes",
    }),
    errors: [{ level: "mandatory", message: "modifies the AKS-managed load balancer kubernetes" }],
  },
  {
    name: "classic outbound rule",
    resource: res("azure:lb/outboundRule:OutboundRule", "cout", {
      name: "o",
      loadbalancerId:
        "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Network/loadBalancers/kubernetes",
    }),
    errors: [{ level: "mandatory", message: "modifies the AKS-managed load balancer kubernetes" }],
  },
  {
    name: "NSG not named like AKS's, in the node resource group: generic wording",
    resource: res("azure-native:network:NetworkSecurityGroup", "own", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      networkSecurityGroupName: "my-nsg",
    }),
    errors: [
      {
        level: "mandatory",
        message: "creates or changes a resource in the node resource group MC_rg_aks1_westeurope",
      },
    ],
  },
  {
    name: "tags at scope replace Azure-created tags",
    resource: res("azure-native:resources:TagAtScope", "tags", {
      scope: "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope",
      properties: { tags: { team: "x" } },
    }),
    errors: [
      {
        level: "mandatory",
        message:
          "replaces tags in the node resource group MC_rg_aks1_westeurope (named like an AKS node resource group (`nodeResourceGroupPattern`)), including the Azure-created",
      },
    ],
  },
  {
    name: "azure-native lock at resource-group level",
    resource: res("azure-native:authorization:ManagementLockAtResourceGroupLevel", "rglock", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      level: "CanNotDelete",
    }),
    errors: [
      { level: "mandatory", message: "puts a management lock on resources in the node resource group" },
    ],
  },
  {
    name: "azure-native lock at resource level on a disk",
    resource: res("azure-native:authorization:ManagementLockAtResourceLevel", "disklock", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      resourceProviderNamespace: "Microsoft.Compute",
      resourceType: "disks",
      resourceName: "pvc-1",
      level: "CanNotDelete",
    }),
    errors: [
      { level: "mandatory", message: "puts a management lock on resources in the node resource group" },
    ],
  },
  {
    name: "azure-native lock by scope on a disk",
    resource: res("azure-native:authorization:ManagementLockByScope", "scopelock", {
      scope:
        "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Compute/disks/pvc-1",
      level: "CanNotDelete",
    }),
    errors: [
      { level: "mandatory", message: "puts a management lock on resources in the node resource group" },
    ],
  },
  {
    name: "classic resource group with a listed name",
    config: { nodeResourceGroups: ["/subscriptions/0000/resourceGroups/Shared-Nodes"] },
    resource: res("azure:core/resourceGroup:ResourceGroup", "crg", {
      name: "shared-nodes",
      location: "westeurope",
    }),
    errors: [
      {
        level: "mandatory",
        message:
          "declares or adopts the node resource group shared-nodes (a node resource group listed in `nodeResourceGroups`)",
      },
    ],
  },
  {
    name: "subnet association reached through subnetId",
    resource: res(
      "azure:network/subnetNetworkSecurityGroupAssociation:SubnetNetworkSecurityGroupAssociation",
      "assoc",
      {
        subnetId:
          "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Network/virtualNetworks/aks-vnet-1/subnets/aks-subnet",
        networkSecurityGroupId:
          "/subscriptions/0000/resourceGroups/app/providers/Microsoft.Network/networkSecurityGroups/n",
      },
    ),
    errors: [
      {
        level: "mandatory",
        message: "creates or changes a resource in the node resource group MC_rg_aks1_westeurope",
      },
    ],
  },
  {
    name: "diagnostic setting reached through targetResourceUri",
    resource: res("azure-native:insights:DiagnosticSetting", "diag", {
      resourceUri: "x",
      targetResourceUri:
        "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Network/loadBalancers/kubernetes",
    }),
    errors: [{ level: "mandatory", message: "in the node resource group MC_rg_aks1_westeurope" }],
  },
  {
    name: "versioned and local-SDK tokens",
    resource: res("azure-native_storage_v20240101:storage/v20240101:StorageAccount", "local", {
      resourceGroupName: "MC_rg_aks1_westeurope",
    }),
    errors: [{ level: "mandatory", message: "creates or changes a resource in the node resource group" }],
  },
  {
    name: "rule 3: allowed public IP in a locked-down node resource group: advisory",
    before: [LOCKED_CLUSTER],
    resource: res("azure-native:network:PublicIPAddress", "ip", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      publicIpAddressName: "ip",
    }),
    errors: [
      {
        level: "advisory",
        message:
          'creates or changes a resource in the node resource group MC_rg_aks1_westeurope (the node resource group of AKS cluster "aks1"), whose cluster has node resource group lockdown: the lockdown deny assignment will refuse it',
      },
    ],
  },
  {
    name: "rule 3: classic role assignment in the node RG of an AKS Automatic cluster",
    before: [
      res("azure-native:containerservice:ManagedCluster", "auto", {
        resourceGroupName: "rg",
        resourceName: "auto1",
        location: "westeurope",
        sku: { name: "Automatic", tier: "Standard" },
      }),
    ],
    resource: res("azure:authorization/assignment:Assignment", "ra", {
      scope: "/subscriptions/0000/resourceGroups/MC_rg_auto1_westeurope",
      principalId: "p",
    }),
    errors: [{ level: "advisory", message: "the lockdown deny assignment will refuse it" }],
  },
  {
    name: "rule 3: classic public IP",
    before: [LOCKED_CLUSTER],
    resource: res("azure:network/publicIp:PublicIp", "cip", {
      resourceGroupName: "MC_rg_aks1_westeurope",
      name: "ip",
    }),
    errors: [{ level: "advisory", message: "the lockdown deny assignment will refuse it" }],
  },
  {
    name: "rule 2: the program declares the cluster's node resource group first (Analyze, registry)",
    before: [res("azure-native:resources:ResourceGroup", "nodes", { resourceGroupName: "aks1-nodes" })],
    resource: res("azure-native:containerservice:ManagedCluster", "aks", {
      resourceGroupName: "rg",
      resourceName: "aks1",
      nodeResourceGroup: "AKS1-Nodes",
    }),
    errors: [
      {
        level: "mandatory",
        message:
          'its `nodeResourceGroup` AKS1-Nodes is the resource group "nodes" that this program declares; the node ' +
          "resource group must not exist beforehand",
      },
    ],
  },
  {
    name: "rule 2: classic cluster and classic resource group",
    before: [res("azure:core/resourceGroup:ResourceGroup", "nodes", { name: "classic-nodes" })],
    resource: res("azure:containerservice/kubernetesCluster:KubernetesCluster", "aks", {
      resourceGroupName: "rg",
      name: "aks-classic",
      nodeResourceGroup: "classic-nodes",
    }),
    errors: [{ level: "mandatory", message: 'is the resource group "nodes" that this program declares' }],
  },
  {
    name: "the resource group is analysed after its cluster: finding on the group",
    config: { nodeResourceGroupPattern: "^never$" },
    before: [
      res("azure-native:containerservice:ManagedCluster", "aks", {
        resourceGroupName: "rg",
        resourceName: "aks1",
        nodeResourceGroup: "aks1-nodes",
      }),
    ],
    resource: res("azure-native:resources:ResourceGroup", "nodes", { resourceGroupName: "aks1-nodes" }),
    errors: [
      {
        level: "mandatory",
        message:
          'declares or adopts the node resource group aks1-nodes (the node resource group of AKS cluster "aks1")',
      },
    ],
  },
  {
    name: "a secret-looking resource group name is not printed",
    config: { nodeResourceGroupPattern: "^MC_" },
    resource: res("azure-native:storage:StorageAccount", "s", { resourceGroupName: "MC_ token=hunter2" }),
    errors: [{ level: "mandatory", message: "in the node resource group (not shown)" }],
    notInMessage: ["hunter2"],
  },
  {
    name: "pack config advisory lowers the finding",
    config: { enforcementLevel: "advisory" },
    resource: res("azure-native:storage:StorageAccount", "adv", {
      resourceGroupName: "MC_rg_aks1_westeurope",
    }),
    errors: [{ level: "advisory", message: "creates or changes a resource in the node resource group" }],
  },
];

describe(RULE_ID, () => {
  it("never throws and never echoes the unknown sentinel on arbitrary property bags", () => {
    const leaf = fc.oneof(
      fc.constant(UNK),
      fc.constant(null),
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constantFrom(
        "MC_rg_aks1_westeurope",
        "kubernetes",
        "aks-agentpool-1-nsg",
        "ReadOnly",
        "/subscriptions/0/resourceGroups/MC_a_b_c/providers/Microsoft.Network/loadBalancers/kubernetes",
      ),
    );
    const key = fc.constantFrom(
      "resourceGroupName",
      "scope",
      "subnetId",
      "loadbalancerId",
      "networkSecurityGroupName",
      "loadBalancerName",
      "name",
      "nodeResourceGroup",
      "nodeResourceGroupProfile",
      "restrictionLevel",
      "sku",
      "resourceName",
      "location",
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: "small" }, leaf, tie("object"), tie("array")),
      object: fc.dictionary(key, tie("tree"), { maxKeys: 6 }),
      array: fc.array(tie("tree"), { maxLength: 4 }),
    }));
    fc.assert(
      fc.property(
        fc.constantFrom(
          "azure-native:network:SecurityRule",
          "azure:lb/rule:Rule",
          "azure-native:resources:ResourceGroup",
          "azure:core/resourceGroup:ResourceGroup",
          "azure-native:containerservice:ManagedCluster",
          "azure-native:network:PublicIPAddress",
          "azure:management/lock:Lock",
          "azure-native:storage:StorageAccount",
        ),
        fc.dictionary(key, tree, { maxKeys: 8 }),
        (type, props) => {
          const runtime = newRuntime();
          const resource = { type, urn: `urn:pulumi:dev::p::${type}::x`, name: "x", props };
          const diagnostics = [
            ...runtime.analyzeResource(
              rule,
              resource,
              { enforcementLevel: "mandatory" },
              new Map<string, string>(),
            ),
            ...runtime.analyzeStack(
              rule,
              [
                {
                  ...resource,
                  dependencies: [],
                  propertyDependencies: { nodeResourceGroup: [resource.urn] },
                },
              ],
              {},
              new Map<string, string>(),
            ),
          ];
          for (const d of diagnostics) {
            expect(d.message).not.toContain("internal error");
            expect(d.message).not.toContain(UNK);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  describe("valid", () => {
    it.each(valid.map((c) => [c.name, c] as const))("%s", (_name, c) => {
      expect(run(c)).toEqual([]);
    });
  });

  describe("invalid", () => {
    it.each(invalid.map((c) => [c.name, c] as const))("%s", (_name, c) => {
      const diagnostics = run(c);
      expect(diagnostics).toHaveLength(c.errors.length);
      diagnostics.forEach((d, i) => {
        expect(d.policyName).toBe(RULE_ID);
        expect(d.urn).toBe(c.resource.urn);
        expect(d.enforcementLevel).toBe(c.errors[i].level);
        expect(d.message).toContain(c.errors[i].message);
        expect(d.message).toContain(
          "Support policy: §user-customization-of-worker-nodes, §customer-responsibilities-for-aks-worker-nodes",
        );
        for (const secret of c.notInMessage ?? []) expect(d.message).not.toContain(secret);
      });
    });
  });

  it("has a case for every resource type it lists", () => {
    const covered = new Set(
      [...valid, ...invalid].flatMap((c) => [c.resource, ...(c.before ?? [])]).map((r) => baseToken(r.type)),
    );
    expect(rule.resourceTypes.filter((t) => !covered.has(t))).toEqual([]);
  });

  it("an invalid nodeResourceGroupPattern fails configuration, naming the key", () => {
    const resource = res("azure-native:storage:StorageAccount", "sa", { resourceGroupName: "rg" });
    expect(() => analyze(newRuntime(), resource, { nodeResourceGroupPattern: "[a-" })).toThrow(
      /aks-node-resource-group-changes\.nodeResourceGroupPattern: .*invalid regular expression/,
    );
  });

  describe("stack phase (AnalyzeStack) as the order-independent net", () => {
    // The named base stack: a cluster with an explicit node resource group that no pattern recognises, a
    // storage account inside it and one outside it. azure-native outputs carry no `resourceGroupName`.
    const config = { nodeResourceGroupPattern: "^never$" };
    const clusterInputs = res("azure-native:containerservice:ManagedCluster", "aks", {
      resourceGroupName: "rg",
      resourceName: "aks1",
      location: "westeurope",
      nodeResourceGroup: "aks1-nodes",
    });
    const inside = res("azure-native:storage:StorageAccount", "inside", {
      resourceGroupName: "aks1-nodes",
      accountName: "inside1",
    });
    const outside = res("azure-native:storage:StorageAccount", "outside", {
      resourceGroupName: "app-rg",
      accountName: "outside1",
    });
    const out = (
      r: ResourceInput,
      props: Record<string, unknown>,
      deps: Record<string, string[]> = {},
    ): StackResource => ({
      ...r,
      props,
      dependencies: Object.values(deps).flat(),
      propertyDependencies: deps,
    });
    const BASE: StackResource[] = [
      out(clusterInputs, { name: "aks1", location: "westeurope", nodeResourceGroup: "aks1-nodes" }),
      out(inside, { name: "inside1", location: "westeurope" }),
      out(outside, { name: "outside1", location: "westeurope" }),
    ];

    it("resource analysed before its cluster: nothing in Analyze, one finding from AnalyzeStack", () => {
      const runtime = newRuntime();
      expect(analyze(runtime, inside, config)).toEqual([]);
      expect(analyze(runtime, outside, config)).toEqual([]);
      expect(analyze(runtime, clusterInputs, config)).toEqual([]);
      const diagnostics = analyzeStack(runtime, BASE, config);
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({
        policyName: RULE_ID,
        urn: inside.urn,
        enforcementLevel: "mandatory",
      });
      expect(diagnostics[0].message).toContain(
        'azure-native:storage:StorageAccount "inside" — creates or changes a resource in the node resource group aks1-nodes (the node resource group of AKS cluster "aks1")',
      );
      expect(analyzeStack(runtime, BASE, config)).toEqual([]);
    });

    it("resource analysed after its cluster: one Analyze finding, not repeated by AnalyzeStack", () => {
      const runtime = newRuntime();
      expect(analyze(runtime, clusterInputs, config)).toEqual([]);
      expect(analyze(runtime, inside, config)).toHaveLength(1);
      expect(analyze(runtime, outside, config)).toEqual([]);
      expect(analyzeStack(runtime, BASE, config)).toEqual([]);
    });

    it("cluster analysed before the resource group it uses: the group in Analyze, the cluster in AnalyzeStack", () => {
      const group = res("azure-native:resources:ResourceGroup", "nodes", { resourceGroupName: "aks1-nodes" });
      const stack = [...BASE, out(group, { name: "aks1-nodes", location: "westeurope" })];
      const runtime = newRuntime();
      expect(analyze(runtime, clusterInputs, config)).toEqual([]);
      const analyzed = analyze(runtime, group, config);
      expect(analyzed.map((d) => d.urn)).toEqual([group.urn]);
      expect(analyze(runtime, inside, config)).toHaveLength(1);
      const diagnostics = analyzeStack(runtime, stack, config);
      expect(diagnostics.map((d) => d.urn)).toEqual([clusterInputs.urn]);
      expect(diagnostics[0].message).toContain('is the resource group "nodes" that this program declares');
    });

    it("node resource group taken from a ResourceGroup output (unknown name): found through propertyDependencies", () => {
      const group = res("azure-native:resources:ResourceGroup", "nodes", { location: "westeurope" });
      const cluster = res("azure-native:containerservice:ManagedCluster", "aks", {
        resourceGroupName: "rg",
        resourceName: "aks1",
        nodeResourceGroup: UNK,
      });
      const stack = [
        out(group, { name: UNK, location: "westeurope" }),
        out(cluster, { name: "aks1", nodeResourceGroup: UNK }, { nodeResourceGroup: [group.urn] }),
      ];
      const runtime = newRuntime();
      expect(analyze(runtime, group, config)).toEqual([]);
      expect(analyze(runtime, cluster, config)).toEqual([]);
      const diagnostics = analyzeStack(runtime, stack, config);
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({ urn: cluster.urn, enforcementLevel: "mandatory" });
      expect(diagnostics[0].message).toContain(
        'its `nodeResourceGroup` is the resource group "nodes" that this program declares',
      );
      expect(diagnostics[0].message).not.toContain(UNK);
    });

    it("outputs alone (no Analyze inputs) still catch classic resources, which output resourceGroupName", () => {
      const classic: StackResource = {
        type: "azure:storage/account:Account",
        urn: "urn:pulumi:dev::p::azure:storage/account:Account::c",
        name: "c",
        props: { resourceGroupName: "aks1-nodes", name: "c1" },
        dependencies: [],
        propertyDependencies: {},
      };
      const diagnostics = analyzeStack(newRuntime(), [BASE[0], classic], config);
      expect(diagnostics.map((d) => d.urn)).toEqual([classic.urn]);
    });
  });
});
