/**
 * `aks-vmss-direct-modification` (rule-catalog §2.8): table-driven, in the ESLint RuleTester spirit.
 * Every case runs through the real pipeline (GuardrailsRuntime: level resolution, finding levels,
 * message format, de-duplication) and asserts the rule id, the enforcement level and a message fragment.
 */
import type { ResourceInput, StackResource } from "../../src/model/rule";
import { Diagnostic, GuardrailsRuntime } from "../../src/pack/runtime";
import { baseToken } from "../../src/resources/tokens";
import { VMSS_TARGET_TYPES } from "../../src/resources/vmss";
import rule from "../../src/rules/aks-vmss-direct-modification";

const RULE_ID = "aks-vmss-direct-modification";

type StackName = "dev" | "prod-eu";

interface Case {
  name: string;
  /** Defaults to `dev`. */
  stack?: StackName;
  /** Policy-pack config properties for this rule (what `args.getConfig()` returns). */
  config?: Record<string, unknown>;
  /** Resources analysed earlier in the same run (e.g. the cluster), in order. */
  before?: ResourceInput[];
  resource: ResourceInput;
}

interface ExpectedDiagnostic {
  level: "advisory" | "mandatory";
  message: string;
}

interface InvalidCase extends Case {
  errors: ExpectedDiagnostic[];
  /** Strings of the input (secrets, script text) that must never appear in a message. */
  notInMessage?: string[];
}

function newRuntime(stack: StackName): GuardrailsRuntime {
  return new GuardrailsRuntime({
    rules: [rule],
    stack: { stack, project: "p", organization: "o" },
    stackConfig: {},
  });
}

function analyze(
  runtime: GuardrailsRuntime,
  resource: ResourceInput,
  config: Record<string, unknown> = {},
): Diagnostic[] {
  return runtime.analyzeResource(rule, resource, config, new Map<string, string>());
}

function analyzeStack(
  runtime: GuardrailsRuntime,
  resources: StackResource[],
  config: Record<string, unknown> = {},
): Diagnostic[] {
  return runtime.analyzeStack(rule, resources, config, new Map<string, string>());
}

/** Runs `before` then `resource` on one fresh runtime; returns the diagnostics of `resource`. */
function run(c: Case): Diagnostic[] {
  const runtime = newRuntime(c.stack ?? "dev");
  for (const earlier of c.before ?? []) expect(analyze(runtime, earlier, c.config)).toEqual([]);
  return analyze(runtime, c.resource, c.config);
}

const UNK = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const valid: Case[] = [
  {
    name: "P1 scale set outside any node resource group",
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::p1",
      name: "p1",
      props: { resourceGroupName: "app-rg", vmScaleSetName: "web-vmss", tags: { env: "prod" } },
    },
  },
  {
    name: "P2 extension on an application scale set",
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSetExtension",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSetExtension::p2",
      name: "p2",
      props: {
        resourceGroupName: "app-rg",
        vmScaleSetName: "web-vmss",
        publisher: "Microsoft.Azure.Monitor",
        type: "AzureMonitorLinuxAgent",
        typeHandlerVersion: "1.0",
      },
    },
  },
  {
    name: "P3 AgentPool goes through the AKS API (not a watched type)",
    resource: {
      type: "azure-native:containerservice:AgentPool",
      urn: "urn:pulumi:dev::p::azure-native:containerservice:AgentPool::p3",
      name: "p3",
      props: {
        resourceGroupName: "rg",
        resourceName: "aks1",
        agentPoolName: "user",
        mode: "User",
        tags: { costCenter: "42" },
      },
    },
  },
  {
    name: "versioned token of an application scale set",
    resource: {
      type: "azure-native:compute/v20230301:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute/v20230301:VirtualMachineScaleSet::web",
      name: "web",
      props: { resourceGroupName: "app-rg", vmScaleSetName: "web-vmss" },
    },
  },
  {
    name: "classic Linux scale set outside any node resource group",
    resource: {
      type: "azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet::web",
      name: "web",
      props: { resourceGroupName: "app-rg", name: "web-vmss", tags: { poolName: "web" } },
    },
  },
  {
    name: "classic standalone VM in a node resource group does not join a scale set",
    resource: {
      type: "azure:compute/linuxVirtualMachine:LinuxVirtualMachine",
      urn: "urn:pulumi:dev::p::azure:compute/linuxVirtualMachine:LinuxVirtualMachine::jumpbox",
      name: "jumpbox",
      props: { resourceGroupName: "MC_rg_aks1_westeurope", name: "jumpbox" },
    },
  },
  {
    name: "unwatched type inside a node resource group",
    resource: {
      type: "azure-native:storage:StorageAccount",
      urn: "urn:pulumi:dev::p::azure-native:storage:StorageAccount::sa",
      name: "sa",
      props: { resourceGroupName: "MC_rg_aks1_westeurope", accountName: "sa1" },
    },
  },
  {
    name: "lock by scope on a storage account in a node resource group",
    resource: {
      type: "azure-native:authorization:ManagementLockByScope",
      urn: "urn:pulumi:dev::p::azure-native:authorization:ManagementLockByScope::lock",
      name: "lock",
      props: {
        level: "CanNotDelete",
        scope:
          "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Storage/storageAccounts/sa1",
      },
    },
  },
  {
    name: "autoscale setting of an App Service plan",
    resource: {
      type: "azure-native:monitor:AutoscaleSetting",
      urn: "urn:pulumi:dev::p::azure-native:monitor:AutoscaleSetting::plan",
      name: "plan",
      props: {
        resourceGroupName: "app-rg",
        targetResourceUri:
          "/subscriptions/0000/resourceGroups/app-rg/providers/Microsoft.Web/serverfarms/plan",
        profiles: [],
      },
    },
  },
  {
    name: "resource-level lock on a storage account",
    resource: {
      type: "azure-native:authorization:ManagementLockAtResourceLevel",
      urn: "urn:pulumi:dev::p::azure-native:authorization:ManagementLockAtResourceLevel::sa-lock",
      name: "sa-lock",
      props: {
        resourceGroupName: "MC_rg_aks1_westeurope",
        resourceProviderNamespace: "Microsoft.Storage",
        resourceType: "storageAccounts",
        resourceName: "sa1",
        level: "ReadOnly",
      },
    },
  },
  {
    name: "generic lock by scope with an unknown scope",
    resource: {
      type: "azure-native:authorization:ManagementLockByScope",
      urn: "urn:pulumi:dev::p::azure-native:authorization:ManagementLockByScope::lock",
      name: "lock",
      props: { level: "CanNotDelete", scope: UNK },
    },
  },
  {
    name: "generic tag at scope with an unknown scope",
    resource: {
      type: "azure-native:resources:TagAtScope",
      urn: "urn:pulumi:dev::p::azure-native:resources:TagAtScope::tags",
      name: "tags",
      props: { scope: UNK, properties: { tags: { team: "x" } } },
    },
  },
  {
    name: "generic autoscale setting with an unknown target",
    resource: {
      type: "azure-native:monitor:AutoscaleSetting",
      urn: "urn:pulumi:dev::p::azure-native:monitor:AutoscaleSetting::as",
      name: "as",
      props: { resourceGroupName: "ops", targetResourceUri: UNK, profiles: [] },
    },
  },
  {
    name: "generic classic lock with an unknown scope",
    resource: {
      type: "azure:management/lock:Lock",
      urn: "urn:pulumi:dev::p::azure:management/lock:Lock::lock",
      name: "lock",
      props: { name: "lock", scope: UNK, lockLevel: "CanNotDelete" },
    },
  },
  {
    name: "generic maintenance assignment with an unknown provider",
    resource: {
      type: "azure-native:maintenance:ConfigurationAssignment",
      urn: "urn:pulumi:dev::p::azure-native:maintenance:ConfigurationAssignment::ma",
      name: "ma",
      props: {
        resourceGroupName: "MC_rg_aks1_westeurope",
        providerName: UNK,
        resourceType: "virtualMachineScaleSets",
        resourceName: "aks-sys-12345678-vmss",
      },
    },
  },
  {
    name: "generic resource with an unknown resource type",
    resource: {
      type: "azure-native:resources:Resource",
      urn: "urn:pulumi:dev::p::azure-native:resources:Resource::res",
      name: "res",
      props: {
        resourceGroupName: "MC_rg_aks1_westeurope",
        resourceProviderNamespace: "Microsoft.Compute",
        resourceType: UNK,
        resourceName: "aks-sys-12345678-vmss",
        parentResourcePath: "",
        apiVersion: "2024-07-01",
      },
    },
  },
  {
    name: "properties of the wrong JSON type are not evaluated (and do not throw)",
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::odd",
      name: "odd",
      props: { resourceGroupName: ["MC_rg_aks1_westeurope"], vmScaleSetName: 42, tags: "aks-managed-x" },
    },
  },
  {
    name: "nodeResourceGroupPattern narrowed: an MC_-like group no longer counts",
    config: { nodeResourceGroupPattern: "^never$" },
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::batch",
      name: "batch",
      props: { resourceGroupName: "MC_batch_pool_westeurope", vmScaleSetName: "batch-vmss" },
    },
  },
  {
    name: "vmssNamePattern replaced: an aks-like name no longer counts",
    config: { vmssNamePattern: "^never$" },
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::lookalike",
      name: "lookalike",
      props: { resourceGroupName: "app-rg", vmScaleSetName: "aks-sys-12345678-vmss" },
    },
  },
  {
    name: "registry: another cluster's default node resource group is not this one",
    config: { nodeResourceGroupPattern: "^never$" },
    before: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        urn: "urn:pulumi:dev::p::azure-native:containerservice:ManagedCluster::aks",
        name: "aks",
        props: { resourceGroupName: "rg", resourceName: "aks1", location: "westeurope" },
      },
    ],
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::other",
      name: "other",
      props: { resourceGroupName: "MC_rg_aks2_westeurope", vmScaleSetName: "batch-vmss" },
    },
  },
];

const invalid: InvalidCase[] = [
  {
    name: "F1 custom-script extension on a node-pool scale set (secret command not printed)",
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSetExtension",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSetExtension::f1",
      name: "f1",
      props: {
        resourceGroupName: "MC_rg_aks1_westeurope",
        vmScaleSetName: "aks-sys-12345678-vmss",
        publisher: "Microsoft.Azure.Extensions",
        type: "CustomScript",
        typeHandlerVersion: "2.1",
        protectedSettings: { commandToExecute: "curl x | sh" },
      },
    },
    errors: [
      {
        level: "mandatory",
        message:
          'azure-native:compute:VirtualMachineScaleSetExtension "f1" — changes the AKS node-pool scale set ' +
          "aks-sys-12345678-vmss in resource group MC_rg_aks1_westeurope (extension Microsoft.Azure.Extensions/CustomScript)",
      },
    ],
    notInMessage: ["curl x | sh", "commandToExecute"],
  },
  {
    name: "F1 on a production stack is mandatory too (no built-in stacks map)",
    stack: "prod-eu",
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSetExtension",
      urn: "urn:pulumi:prod-eu::p::azure-native:compute:VirtualMachineScaleSetExtension::f1",
      name: "f1",
      props: {
        resourceGroupName: "MC_rg_aks1_westeurope",
        vmScaleSetName: "aks-sys-12345678-vmss",
        publisher: "Microsoft.Azure.Extensions",
        type: "CustomScript",
        typeHandlerVersion: "2.1",
        protectedSettings: { commandToExecute: "curl x | sh" },
      },
    },
    errors: [{ level: "mandatory", message: "named like an AKS node resource group" }],
    notInMessage: ["curl x | sh"],
  },
  {
    name: "F2 adopted/imported scale set with AKS-managed tags, scaled to 0",
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::f2",
      name: "f2",
      props: {
        resourceGroupName: "custom-nodes",
        vmScaleSetName: "aks-user1-87654321-vmss",
        tags: { "aks-managed-poolName": "user1", "aks-managed-orchestrator": "Kubernetes:1.35.1" },
        sku: { name: "Standard_D4s_v5", capacity: 0 },
      },
    },
    errors: [
      {
        level: "mandatory",
        message:
          "declares or adopts the AKS node-pool scale set aks-user1-87654321-vmss in resource group custom-nodes directly: " +
          "its name follows AKS's node-pool scale-set naming (`vmssNamePattern`); it carries AKS-managed tags",
      },
    ],
  },
  {
    name: "F3 classic autoscale setting targeting a node-pool scale set",
    resource: {
      type: "azure:monitoring/autoscaleSetting:AutoscaleSetting",
      urn: "urn:pulumi:dev::p::azure:monitoring/autoscaleSetting:AutoscaleSetting::as",
      name: "as",
      props: {
        resourceGroupName: "ops",
        name: "as",
        targetResourceId:
          "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-sys-12345678-vmss",
        profiles: [],
      },
    },
    errors: [{ level: "mandatory", message: "changes the AKS node-pool scale set aks-sys-12345678-vmss" }],
  },
  {
    name: "U1 unknown resource group and scale-set name: advisory cannot-verify",
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSetExtension",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSetExtension::u1",
      name: "u1",
      props: {
        resourceGroupName: UNK,
        vmScaleSetName: UNK,
        publisher: "Microsoft.Azure.Extensions",
        type: "CustomScript",
        typeHandlerVersion: "2.1",
      },
    },
    errors: [
      {
        level: "advisory",
        message:
          "cannot be verified during preview: whether the targeted scale set (unknown during preview) in resource group " +
          "(unknown during preview) belongs to an AKS node pool",
      },
    ],
    notInMessage: [UNK],
  },
  {
    name: "U1 on a production stack: still only advisory",
    stack: "prod-eu",
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSetExtension",
      urn: "urn:pulumi:prod-eu::p::azure-native:compute:VirtualMachineScaleSetExtension::u1",
      name: "u1",
      props: { resourceGroupName: UNK, vmScaleSetName: UNK, publisher: "Microsoft.Azure.Extensions" },
    },
    errors: [{ level: "advisory", message: "cannot be verified during preview" }],
  },
  {
    name: "unknown resource group but an AKS scale-set name: a definite finding",
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSetVMExtension",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSetVMExtension::vmext",
      name: "vmext",
      props: {
        resourceGroupName: UNK,
        vmScaleSetName: "aks-sys-12345678-vmss",
        instanceId: "0",
        publisher: "Microsoft.Azure.Extensions",
        type: "CustomScript",
        settings: { commandToExecute: "echo s3cr3t-token" },
      },
    },
    errors: [
      {
        level: "mandatory",
        message:
          "aks-sys-12345678-vmss in resource group (unknown during preview) (extension Microsoft.Azure.Extensions/CustomScript)",
      },
    ],
    notInMessage: ["s3cr3t-token"],
  },
  {
    name: "generic resource-level lock whose known parts name a scale set, unknown group: advisory",
    resource: {
      type: "azure-native:authorization:ManagementLockAtResourceLevel",
      urn: "urn:pulumi:dev::p::azure-native:authorization:ManagementLockAtResourceLevel::lock",
      name: "lock",
      props: {
        resourceGroupName: UNK,
        resourceProviderNamespace: "Microsoft.Compute",
        resourceType: "virtualMachineScaleSets",
        resourceName: "web-vmss",
        level: "CanNotDelete",
      },
    },
    errors: [
      { level: "advisory", message: "cannot be verified during preview: whether the targeted scale set" },
    ],
  },
  {
    name: "versioned azure-native token",
    resource: {
      type: "azure-native:compute/v20230301:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute/v20230301:VirtualMachineScaleSet::v",
      name: "v",
      props: { resourceGroupName: "MC_rg_aks1_westeurope", vmScaleSetName: "pool-vmss" },
    },
    errors: [
      {
        level: "mandatory",
        message:
          'azure-native:compute/v20230301:VirtualMachineScaleSet "v" — declares or adopts the AKS node-pool scale set pool-vmss',
      },
    ],
  },
  {
    name: "local-SDK azure-native token",
    resource: {
      type: "azure-native_compute_v20240301:compute/v20240301:VirtualMachineScaleSetExtension",
      urn: "urn:pulumi:dev::p::azure-native_compute_v20240301:compute/v20240301:VirtualMachineScaleSetExtension::ext",
      name: "ext",
      props: {
        resourceGroupName: "mc_rg_aks1_westeurope",
        vmScaleSetName: "pool-vmss",
        publisher: "Microsoft.Azure.Monitor",
        type: "AzureMonitorLinuxAgent",
      },
    },
    errors: [{ level: "mandatory", message: "(extension Microsoft.Azure.Monitor/AzureMonitorLinuxAgent)" }],
  },
  {
    name: "scale-set VM (instance) in a node resource group",
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSetVM",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSetVM::vm0",
      name: "vm0",
      props: {
        resourceGroupName: "MC_rg_aks1_westeurope",
        vmScaleSetName: "aks-sys-12345678-vmss",
        instanceId: "0",
      },
    },
    errors: [{ level: "mandatory", message: "changes the AKS node-pool scale set aks-sys-12345678-vmss" }],
  },
  {
    name: "run command on a node (script and parameters not printed)",
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSetVMRunCommand",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSetVMRunCommand::rc",
      name: "rc",
      props: {
        resourceGroupName: "MC_rg_aks1_westeurope",
        vmScaleSetName: "aks-sys-12345678-vmss",
        instanceId: "0",
        runCommandName: "patch",
        location: "westeurope",
        source: { script: "echo hunter2 > /etc/secret" },
        protectedParameters: [{ name: "password", value: "hunter2" }],
        runAsPassword: "hunter2",
      },
    },
    errors: [{ level: "mandatory", message: "changes the AKS node-pool scale set aks-sys-12345678-vmss" }],
    notInMessage: ["hunter2", "/etc/secret"],
  },
  {
    name: "guest configuration assignment (vmssName)",
    resource: {
      type: "azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS",
      urn: "urn:pulumi:dev::p::azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS::gc",
      name: "gc",
      props: {
        resourceGroupName: "MC_rg_aks1_westeurope",
        vmssName: "aks-sys-12345678-vmss",
        name: "baseline",
      },
    },
    errors: [
      { level: "mandatory", message: "aks-sys-12345678-vmss in resource group MC_rg_aks1_westeurope" },
    ],
  },
  {
    name: "azure-native autoscale setting (targetResourceUri)",
    resource: {
      type: "azure-native:monitor:AutoscaleSetting",
      urn: "urn:pulumi:dev::p::azure-native:monitor:AutoscaleSetting::as",
      name: "as",
      props: {
        resourceGroupName: "ops",
        targetResourceUri:
          "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-sys-12345678-vmss",
        profiles: [],
      },
    },
    errors: [
      { level: "mandatory", message: "aks-sys-12345678-vmss in resource group MC_rg_aks1_westeurope" },
    ],
  },
  {
    name: "maintenance configuration assignment (provider/type case-insensitive)",
    resource: {
      type: "azure-native:maintenance:ConfigurationAssignment",
      urn: "urn:pulumi:dev::p::azure-native:maintenance:ConfigurationAssignment::ma",
      name: "ma",
      props: {
        resourceGroupName: "MC_rg_aks1_westeurope",
        providerName: "microsoft.compute",
        resourceType: "VIRTUALMACHINESCALESETS",
        resourceName: "aks-sys-12345678-vmss",
        maintenanceConfigurationId:
          "/subscriptions/0000/resourceGroups/ops/providers/Microsoft.Maintenance/maintenanceConfigurations/mc",
      },
    },
    errors: [{ level: "mandatory", message: "changes the AKS node-pool scale set aks-sys-12345678-vmss" }],
  },
  {
    name: "resource-level management lock",
    resource: {
      type: "azure-native:authorization:ManagementLockAtResourceLevel",
      urn: "urn:pulumi:dev::p::azure-native:authorization:ManagementLockAtResourceLevel::lock",
      name: "lock",
      props: {
        resourceGroupName: "MC_rg_aks1_westeurope",
        resourceProviderNamespace: "Microsoft.Compute",
        resourceType: "virtualMachineScaleSets",
        resourceName: "aks-sys-12345678-vmss",
        parentResourcePath: "",
        level: "ReadOnly",
      },
    },
    errors: [
      { level: "mandatory", message: "aks-sys-12345678-vmss in resource group MC_rg_aks1_westeurope" },
    ],
  },
  {
    name: "management lock by scope",
    resource: {
      type: "azure-native:authorization:ManagementLockByScope",
      urn: "urn:pulumi:dev::p::azure-native:authorization:ManagementLockByScope::lock",
      name: "lock",
      props: {
        level: "CanNotDelete",
        scope:
          "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-sys-12345678-vmss",
      },
    },
    errors: [
      { level: "mandatory", message: "aks-sys-12345678-vmss in resource group MC_rg_aks1_westeurope" },
    ],
  },
  {
    name: "tags at scope",
    resource: {
      type: "azure-native:resources:TagAtScope",
      urn: "urn:pulumi:dev::p::azure-native:resources:TagAtScope::tags",
      name: "tags",
      props: {
        scope:
          "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-sys-12345678-vmss",
        properties: { tags: { team: "x" } },
      },
    },
    errors: [
      { level: "mandatory", message: "aks-sys-12345678-vmss in resource group MC_rg_aks1_westeurope" },
    ],
  },
  {
    name: "generic resource: scale-set extension by resource type",
    resource: {
      type: "azure-native:resources:Resource",
      urn: "urn:pulumi:dev::p::azure-native:resources:Resource::ext",
      name: "ext",
      props: {
        resourceGroupName: "MC_rg_aks1_westeurope",
        resourceProviderNamespace: "Microsoft.Compute",
        resourceType: "virtualMachineScaleSets/extensions",
        resourceName: "aks-sys-12345678-vmss/bootstrap",
        parentResourcePath: "",
        apiVersion: "2024-07-01",
      },
    },
    errors: [{ level: "mandatory", message: "changes the AKS node-pool scale set aks-sys-12345678-vmss" }],
  },
  {
    name: "generic resource: child addressed by parentResourcePath",
    resource: {
      type: "azure-native:resources:Resource",
      urn: "urn:pulumi:dev::p::azure-native:resources:Resource::child",
      name: "child",
      props: {
        resourceGroupName: "app-rg",
        resourceProviderNamespace: "Microsoft.Compute",
        parentResourcePath: "virtualMachineScaleSets/aks-sys-12345678-vmss",
        resourceType: "extensions",
        resourceName: "bootstrap",
        apiVersion: "2024-07-01",
      },
    },
    errors: [{ level: "mandatory", message: "its name follows AKS's node-pool scale-set naming" }],
  },
  {
    name: "classic Linux scale set with the legacy poolName + orchestrator tags",
    resource: {
      type: "azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet::legacy",
      name: "legacy",
      props: {
        resourceGroupName: "custom-nodes",
        name: "pool-vmss",
        tags: { poolName: "pool", orchestrator: "Kubernetes:1.35.1" },
        adminPassword: "hunter2",
      },
    },
    errors: [{ level: "mandatory", message: "it carries AKS-managed tags" }],
    notInMessage: ["hunter2"],
  },
  {
    name: "classic Windows scale set with an AKS node-pool name",
    resource: {
      type: "azure:compute/windowsVirtualMachineScaleSet:WindowsVirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure:compute/windowsVirtualMachineScaleSet:WindowsVirtualMachineScaleSet::win",
      name: "win",
      props: { resourceGroupName: "app-rg", name: "aks-win1-12345678-vmss", adminPassword: "hunter2" },
    },
    errors: [
      {
        level: "mandatory",
        message: "declares or adopts the AKS node-pool scale set aks-win1-12345678-vmss",
      },
    ],
    notInMessage: ["hunter2"],
  },
  {
    name: "classic orchestrated scale set in a node resource group",
    resource: {
      type: "azure:compute/orchestratedVirtualMachineScaleSet:OrchestratedVirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure:compute/orchestratedVirtualMachineScaleSet:OrchestratedVirtualMachineScaleSet::o",
      name: "o",
      props: { resourceGroupName: "MC_rg_aks1_westeurope", name: "flex" },
    },
    errors: [{ level: "mandatory", message: "named like an AKS node resource group" }],
  },
  {
    name: "classic legacy ScaleSet in a node resource group",
    resource: {
      type: "azure:compute/scaleSet:ScaleSet",
      urn: "urn:pulumi:dev::p::azure:compute/scaleSet:ScaleSet::legacy",
      name: "legacy",
      props: { resourceGroupName: "MC_rg_aks1_westeurope", name: "old" },
    },
    errors: [{ level: "mandatory", message: "declares or adopts the AKS node-pool scale set old" }],
  },
  {
    name: "classic scale-set extension (settings and protectedSettings not printed)",
    resource: {
      type: "azure:compute/virtualMachineScaleSetExtension:VirtualMachineScaleSetExtension",
      urn: "urn:pulumi:dev::p::azure:compute/virtualMachineScaleSetExtension:VirtualMachineScaleSetExtension::ext",
      name: "ext",
      props: {
        name: "bootstrap",
        virtualMachineScaleSetId:
          "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-sys-12345678-vmss",
        publisher: "Microsoft.Azure.Extensions",
        type: "CustomScript",
        typeHandlerVersion: "2.1",
        settings: '{"commandToExecute":"curl x | sh"}',
        protectedSettings: '{"storageAccountKey":"hunter2"}',
      },
    },
    errors: [{ level: "mandatory", message: "(extension Microsoft.Azure.Extensions/CustomScript)" }],
    notInMessage: ["curl x | sh", "hunter2", "storageAccountKey"],
  },
  {
    name: "classic scale-set packet capture",
    resource: {
      type: "azure:compute/scaleSetPacketCapture:ScaleSetPacketCapture",
      urn: "urn:pulumi:dev::p::azure:compute/scaleSetPacketCapture:ScaleSetPacketCapture::pc",
      name: "pc",
      props: {
        name: "pc",
        networkWatcherId:
          "/subscriptions/0000/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/nw",
        virtualMachineScaleSetId:
          "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-sys-12345678-vmss",
      },
    },
    errors: [{ level: "mandatory", message: "changes the AKS node-pool scale set aks-sys-12345678-vmss" }],
  },
  {
    name: "classic maintenance assignment of a scale set",
    resource: {
      type: "azure:maintenance/assignmentVirtualMachineScaleSet:AssignmentVirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure:maintenance/assignmentVirtualMachineScaleSet:AssignmentVirtualMachineScaleSet::ma",
      name: "ma",
      props: {
        location: "westeurope",
        maintenanceConfigurationId:
          "/subscriptions/0000/resourceGroups/ops/providers/Microsoft.Maintenance/maintenanceConfigurations/mc",
        virtualMachineScaleSetId:
          "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-sys-12345678-vmss",
      },
    },
    errors: [{ level: "mandatory", message: "changes the AKS node-pool scale set aks-sys-12345678-vmss" }],
  },
  {
    name: "classic Linux VM joining a node-pool scale set",
    resource: {
      type: "azure:compute/linuxVirtualMachine:LinuxVirtualMachine",
      urn: "urn:pulumi:dev::p::azure:compute/linuxVirtualMachine:LinuxVirtualMachine::vm",
      name: "vm",
      props: {
        resourceGroupName: "app-rg",
        name: "vm",
        adminPassword: "hunter2",
        virtualMachineScaleSetId:
          "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-sys-12345678-vmss",
      },
    },
    errors: [{ level: "mandatory", message: "changes the AKS node-pool scale set aks-sys-12345678-vmss" }],
    notInMessage: ["hunter2"],
  },
  {
    name: "classic Windows VM joining a node-pool scale set",
    resource: {
      type: "azure:compute/windowsVirtualMachine:WindowsVirtualMachine",
      urn: "urn:pulumi:dev::p::azure:compute/windowsVirtualMachine:WindowsVirtualMachine::vm",
      name: "vm",
      props: {
        resourceGroupName: "app-rg",
        name: "vm",
        adminPassword: "hunter2",
        virtualMachineScaleSetId:
          "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-win1-12345678-vmss",
      },
    },
    errors: [{ level: "mandatory", message: "changes the AKS node-pool scale set aks-win1-12345678-vmss" }],
    notInMessage: ["hunter2"],
  },
  {
    name: "classic standby pool attached to a node-pool scale set",
    resource: {
      type: "azure:compute/scaleSetStandbyPool:ScaleSetStandbyPool",
      urn: "urn:pulumi:dev::p::azure:compute/scaleSetStandbyPool:ScaleSetStandbyPool::sp",
      name: "sp",
      props: {
        resourceGroupName: "ops",
        name: "sp",
        attachedVirtualMachineScaleSetId:
          "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-sys-12345678-vmss",
      },
    },
    errors: [{ level: "mandatory", message: "changes the AKS node-pool scale set aks-sys-12345678-vmss" }],
  },
  {
    name: "classic lock on a node-pool scale set",
    resource: {
      type: "azure:management/lock:Lock",
      urn: "urn:pulumi:dev::p::azure:management/lock:Lock::lock",
      name: "lock",
      props: {
        name: "lock",
        lockLevel: "ReadOnly",
        scope:
          "/subscriptions/0000/resourceGroups/MC_rg_aks1_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-sys-12345678-vmss",
      },
    },
    errors: [{ level: "mandatory", message: "changes the AKS node-pool scale set aks-sys-12345678-vmss" }],
  },
  {
    name: "registry: cluster with explicit nodeResourceGroup registered before the scale set",
    before: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        urn: "urn:pulumi:dev::p::azure-native:containerservice:ManagedCluster::aks",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          resourceName: "aks1",
          location: "westeurope",
          nodeResourceGroup: "custom-nodes",
        },
      },
    ],
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::pool",
      name: "pool",
      props: { resourceGroupName: "Custom-Nodes", vmScaleSetName: "pool-vmss", tags: { env: "prod" } },
    },
    errors: [
      {
        level: "mandatory",
        message: 'its resource group is the node resource group of AKS cluster "aks1"',
      },
    ],
  },
  {
    name: "registry: default MC_<rg>_<name>_<location> from inputs (location with spaces and capitals)",
    config: { nodeResourceGroupPattern: "^never$" },
    before: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        urn: "urn:pulumi:dev::p::azure-native:containerservice:ManagedCluster::aks",
        name: "aks",
        props: { resourceGroupName: "rg", resourceName: "aks1", location: "West Europe" },
      },
    ],
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::pool",
      name: "pool",
      props: { resourceGroupName: "MC_rg_aks1_westeurope", vmScaleSetName: "pool-vmss" },
    },
    errors: [{ level: "mandatory", message: 'the node resource group of AKS cluster "aks1"' }],
  },
  {
    name: "registry: default node resource group with the location from the provider",
    config: { nodeResourceGroupPattern: "^never$" },
    before: [
      {
        type: "azure-native:containerservice:ManagedCluster",
        urn: "urn:pulumi:dev::p::azure-native:containerservice:ManagedCluster::aks",
        name: "aks",
        props: { resourceGroupName: "rg", resourceName: "aks1" },
        provider: {
          type: "pulumi:providers:azure-native",
          urn: "urn:pulumi:dev::p::pulumi:providers:azure-native::eu",
          name: "eu",
          props: { location: "North Europe" },
        },
      },
    ],
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::pool",
      name: "pool",
      props: { resourceGroupName: "mc_rg_aks1_northeurope", vmScaleSetName: "pool-vmss" },
    },
    errors: [{ level: "mandatory", message: 'the node resource group of AKS cluster "aks1"' }],
  },
  {
    name: "registry: classic cluster with explicit nodeResourceGroup",
    config: { nodeResourceGroupPattern: "^never$" },
    before: [
      {
        type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
        urn: "urn:pulumi:dev::p::azure:containerservice/kubernetesCluster:KubernetesCluster::aks",
        name: "aks",
        props: {
          resourceGroupName: "rg",
          name: "aks-classic",
          location: "westeurope",
          nodeResourceGroup: "classic-nodes",
        },
      },
    ],
    resource: {
      type: "azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet::pool",
      name: "pool",
      props: { resourceGroupName: "classic-nodes", name: "pool-vmss" },
    },
    errors: [{ level: "mandatory", message: 'the node resource group of AKS cluster "aks-classic"' }],
  },
  {
    name: "nodeResourceGroups option with an ARM id",
    config: { nodeResourceGroups: ["/subscriptions/0000/resourceGroups/Shared-Nodes"] },
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSetExtension",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSetExtension::ext",
      name: "ext",
      props: { resourceGroupName: "shared-nodes", vmScaleSetName: "pool-vmss" },
    },
    errors: [{ level: "mandatory", message: "a node resource group listed in `nodeResourceGroups`" }],
  },
  {
    name: "nodeResourceGroups option with a plain name",
    config: { nodeResourceGroups: ["other-stack-nodes"] },
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::pool",
      name: "pool",
      props: { resourceGroupName: "OTHER-STACK-NODES", vmScaleSetName: "pool-vmss" },
    },
    errors: [{ level: "mandatory", message: "listed in `nodeResourceGroups`" }],
  },
  {
    name: "custom vmssNamePattern (matched case-insensitively)",
    config: { vmssNamePattern: "^gpu-pool-.+$" },
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::gpu",
      name: "gpu",
      props: { resourceGroupName: "app-rg", vmScaleSetName: "GPU-Pool-a" },
    },
    errors: [{ level: "mandatory", message: "its name follows AKS's node-pool scale-set naming" }],
  },
  {
    name: "scale set with OS-profile secrets and custom data (never printed)",
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::secret",
      name: "secret",
      props: {
        resourceGroupName: "MC_rg_aks1_westeurope",
        vmScaleSetName: "aks-sys-12345678-vmss",
        virtualMachineProfile: {
          osProfile: {
            adminUsername: "azureuser",
            adminPassword: "P@ss-hunter2",
            customData: "I2Nsb3VkLWNvbmZpZw==",
          },
          userData: "dXNlcmRhdGE=",
        },
      },
    },
    errors: [
      { level: "mandatory", message: "declares or adopts the AKS node-pool scale set aks-sys-12345678-vmss" },
    ],
    notInMessage: ["hunter2", "I2Nsb3VkLWNvbmZpZw==", "dXNlcmRhdGE=", "azureuser"],
  },
  {
    name: "pack config advisory lowers a definite finding",
    config: { enforcementLevel: "advisory" },
    resource: {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::adv",
      name: "adv",
      props: { resourceGroupName: "MC_rg_aks1_westeurope", vmScaleSetName: "pool-vmss" },
    },
    errors: [{ level: "advisory", message: "declares or adopts the AKS node-pool scale set pool-vmss" }],
  },
];

describe(RULE_ID, () => {
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
        expect(d.message.startsWith(`${RULE_ID}: `)).toBe(true);
        expect(d.message).toContain("Support policy: §user-customization-of-worker-nodes");
        for (const secret of c.notInMessage ?? []) expect(d.message).not.toContain(secret);
      });
    });
  });

  it("has an invalid case for every target type it lists", () => {
    const covered = new Set(invalid.map((c) => baseToken(c.resource.type)));
    expect(VMSS_TARGET_TYPES.filter((t) => !covered.has(t))).toEqual([]);
    expect([...rule.resourceTypes]).toEqual([...VMSS_TARGET_TYPES]);
  });

  describe("invalid options fail configuration, naming the key", () => {
    it.each([
      ["vmssNamePattern", { vmssNamePattern: "(" }],
      ["nodeResourceGroupPattern", { nodeResourceGroupPattern: "[a-" }],
    ] as const)("%s", (key, config) => {
      const runtime = newRuntime("dev");
      const resource: ResourceInput = {
        type: "azure-native:compute:VirtualMachineScaleSet",
        urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::p1",
        name: "p1",
        props: { resourceGroupName: "app-rg", vmScaleSetName: "web-vmss" },
      };
      expect(() => analyze(runtime, resource, config)).toThrow(
        new RegExp(`${RULE_ID}\\.${key}: .*invalid regular expression`),
      );
    });
  });

  describe("stack phase (AnalyzeStack) as the order-independent net", () => {
    // The named base stack of these tests: a cluster with an explicit node resource group, and a
    // scale set in it that neither the name pattern nor tags identify (only the cluster can).
    const clusterInputs: ResourceInput = {
      type: "azure-native:containerservice:ManagedCluster",
      urn: "urn:pulumi:dev::p::azure-native:containerservice:ManagedCluster::aks",
      name: "aks",
      props: {
        resourceGroupName: "rg",
        resourceName: "aks1",
        location: "westeurope",
        nodeResourceGroup: "custom-nodes",
      },
    };
    const vmssInputs: ResourceInput = {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::pool",
      name: "pool",
      props: { resourceGroupName: "custom-nodes", vmScaleSetName: "pool-vmss" },
    };
    // azure-native outputs carry no path parameters (`resourceGroupName`, `resourceName`, `vmScaleSetName`).
    const clusterOutputs: StackResource = {
      type: "azure-native:containerservice:ManagedCluster",
      urn: "urn:pulumi:dev::p::azure-native:containerservice:ManagedCluster::aks",
      name: "aks",
      props: { name: "aks1", location: "westeurope", nodeResourceGroup: "custom-nodes" },
      dependencies: [],
      propertyDependencies: {},
    };
    const vmssOutputs: StackResource = {
      type: "azure-native:compute:VirtualMachineScaleSet",
      urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::pool",
      name: "pool",
      props: { name: "pool-vmss", location: "westeurope" },
      dependencies: [],
      propertyDependencies: {},
    };

    it("scale set analysed before its cluster: no Analyze finding, exactly one AnalyzeStack finding", () => {
      const runtime = newRuntime("dev");
      expect(analyze(runtime, vmssInputs)).toEqual([]);
      expect(analyze(runtime, clusterInputs)).toEqual([]);
      const diagnostics = analyzeStack(runtime, [clusterOutputs, vmssOutputs]);
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({
        policyName: RULE_ID,
        urn: vmssOutputs.urn,
        enforcementLevel: "mandatory",
      });
      expect(diagnostics[0].message).toContain(
        'azure-native:compute:VirtualMachineScaleSet "pool" — declares or adopts the AKS node-pool scale set pool-vmss ' +
          'in resource group custom-nodes directly: its resource group is the node resource group of AKS cluster "aks1"',
      );
      expect(analyzeStack(runtime, [clusterOutputs, vmssOutputs])).toEqual([]);
    });

    it("scale set analysed after its cluster: one Analyze finding, not reported again by the stack phase", () => {
      const runtime = newRuntime("dev");
      expect(analyze(runtime, clusterInputs)).toEqual([]);
      const analyzed = analyze(runtime, vmssInputs);
      expect(analyzed).toHaveLength(1);
      expect(analyzed[0]).toMatchObject({
        policyName: RULE_ID,
        urn: vmssInputs.urn,
        enforcementLevel: "mandatory",
      });
      expect(analyzed[0].message).toContain('the node resource group of AKS cluster "aks1"');
      expect(analyzeStack(runtime, [clusterOutputs, vmssOutputs])).toEqual([]);
    });

    it("outputs without resourceGroupName are still detected from the remembered Analyze inputs", () => {
      // Default node resource group: only the cluster's inputs hold its resource group and name.
      const config = { nodeResourceGroupPattern: "^never$" };
      const cluster: ResourceInput = {
        type: "azure-native:containerservice:ManagedCluster",
        urn: "urn:pulumi:dev::p::azure-native:containerservice:ManagedCluster::aks",
        name: "aks",
        props: { resourceGroupName: "rg", resourceName: "aks1", location: "West Europe" },
      };
      const vmss: ResourceInput = {
        type: "azure-native:compute:VirtualMachineScaleSet",
        urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::pool",
        name: "pool",
        props: { resourceGroupName: "MC_rg_aks1_westeurope", vmScaleSetName: "pool-vmss" },
      };
      const stack: StackResource[] = [
        {
          type: "azure-native:containerservice:ManagedCluster",
          urn: "urn:pulumi:dev::p::azure-native:containerservice:ManagedCluster::aks",
          name: "aks",
          props: { name: "aks1", location: "westeurope" },
          dependencies: [],
          propertyDependencies: {},
        },
        {
          type: "azure-native:compute:VirtualMachineScaleSet",
          urn: "urn:pulumi:dev::p::azure-native:compute:VirtualMachineScaleSet::pool",
          name: "pool",
          props: { name: "pool-vmss", location: "westeurope" },
          dependencies: [],
          propertyDependencies: {},
        },
      ];

      const runtime = newRuntime("dev");
      expect(analyze(runtime, vmss, config)).toEqual([]);
      expect(analyze(runtime, cluster, config)).toEqual([]);
      const diagnostics = analyzeStack(runtime, stack, config);
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatchObject({
        policyName: RULE_ID,
        urn: vmss.urn,
        enforcementLevel: "mandatory",
      });
      expect(diagnostics[0].message).toContain(
        'pool-vmss in resource group MC_rg_aks1_westeurope directly: its resource group is the node resource group of AKS cluster "aks1"',
      );

      // Without the Analyze inputs the same outputs say nothing about the resource group.
      expect(analyzeStack(newRuntime("dev"), stack, config)).toEqual([]);
    });
  });
});
