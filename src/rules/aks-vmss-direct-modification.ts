import { CheckContext, Finding, defineRule } from "../model/rule";
import { Unknown, safe } from "../model/values";
import type { PropertyBag } from "../model/values";
import type { ClusterRegistry } from "../resources/cluster";
import {
  NODE_RESOURCE_GROUP_OPTIONS,
  DEFAULT_VMSS_NAME_PATTERN,
  compileOptionPattern,
  hasAksManagedTags,
  nodeResourceGroupSignal,
} from "../resources/node-resource-group";
import { VMSS_TARGET_TYPES, vmssTarget } from "../resources/vmss";

interface Options {
  nodeResourceGroupPattern: string;
  nodeResourceGroups: string[];
  vmssNamePattern: string;
}

function check(
  type: string,
  props: PropertyBag,
  ctx: CheckContext<Options>,
  clusters: ClusterRegistry,
): Finding[] {
  const target = vmssTarget(type, props);
  if (!target) return [];
  const { resourceGroup, name } = target;
  const signals: string[] = [];
  if (typeof resourceGroup === "string") {
    const signal = nodeResourceGroupSignal(resourceGroup, clusters, ctx.config);
    if (signal) signals.push(`its resource group is ${signal.description}`);
  }
  if (
    typeof name === "string" &&
    compileOptionPattern("vmssNamePattern", ctx.config.vmssNamePattern).test(name)
  ) {
    signals.push("its name follows AKS's node-pool scale-set naming (`vmssNamePattern`)");
  }
  if (target.isScaleSet && hasAksManagedTags(target.tags)) {
    signals.push("it carries AKS-managed tags (`aks-managed-*`)");
  }
  const key = `vmss:${String(resourceGroup).toLowerCase()}/${String(name).toLowerCase()}`;
  const vmss = `scale set ${safe(name, "name")} in resource group ${safe(resourceGroup, "name")}`;
  if (signals.length) {
    const ext = target.extension;
    const extension =
      ext && (ext.publisher != null || ext.type != null)
        ? ` (extension ${safe(ext.publisher, "token")}/${safe(ext.type, "token")})`
        : "";
    return [
      {
        kind: "violation",
        message:
          `${target.isScaleSet ? "declares or adopts" : "changes"} the AKS node-pool ${vmss}${extension} directly: ` +
          `${signals.join("; ")}. Changing AKS-managed IaaS resources out of band makes the cluster unsupported`,
        key,
      },
    ];
  }
  // Generic types (locks, tags, autoscale, ...) only get here when their known arguments name a scale set.
  if (resourceGroup === Unknown || name === Unknown) {
    return [
      { kind: "cannot-know", message: `whether the targeted ${vmss} belongs to an AKS node pool`, key },
    ];
  }
  return [];
}

export default defineRule<Options>({
  id: "aks-vmss-direct-modification",
  title: "Do not modify AKS node-pool scale sets directly",
  area: "node-resource-group",
  description:
    "Flags resources that create, adopt, extend, scale, lock, tag or run commands on the VM scale sets behind AKS node pools instead of going through the AKS API.",
  source: {
    sections: ["user-customization-of-worker-nodes"],
    statements: ["S12", "S33", "S34", "S35", "S36", "S37", "S39"],
    currentDocs: ["support-policies.md", "faq.yml"],
  },
  defaultLevel: "mandatory",
  resourceTypes: VMSS_TARGET_TYPES,
  options: {
    ...NODE_RESOURCE_GROUP_OPTIONS,
    vmssNamePattern: {
      type: "string",
      format: "regex",
      default: DEFAULT_VMSS_NAME_PATTERN,
      description: "Scale-set names matching this pattern (case-insensitive) are treated as AKS node pools.",
    },
  },
  fix:
    "change node pools only through the AKS API (`agentPoolProfiles` or a `containerservice.AgentPool`: count, " +
    "vmSize, tags, kubeletConfig, linuxOSConfig) and ship node software as a Kubernetes DaemonSet",
  docs: {
    why:
      "AKS owns the IaaS resources behind a cluster's nodes. The support policy (§user-customization-of-worker-nodes, " +
      "S33–S37, S39) makes a cluster unsupported when those resources — above all the node pools' VM scale sets in " +
      "the node resource group — are changed through the VMSS portal or API instead of the AKS API; current AKS docs " +
      "add scaling through the VMSS API, deallocating node VMs and changing node extensions.",
    checks: [
      "Every resource that targets a VM scale set (azure-native and classic, any API version):",
      "",
      "| type | scale set from |",
      "|---|---|",
      "| `azure-native:compute:VirtualMachineScaleSet` | `resourceGroupName`, `vmScaleSetName`, `tags` |",
      "| `azure-native:compute:VirtualMachineScaleSet{Extension,VM,VMExtension,VMRunCommand}` | `resourceGroupName`, `vmScaleSetName` |",
      "| `azure-native:guestconfiguration:GuestConfigurationAssignmentsVMSS` | `resourceGroupName`, `vmssName` |",
      "| `azure-native:monitor:AutoscaleSetting` | `targetResourceUri` |",
      "| `azure-native:maintenance:ConfigurationAssignment`, `azure-native:authorization:ManagementLockAtResourceLevel` | provider `Microsoft.Compute`, type `virtualMachineScaleSets`, `resourceGroupName`, `resourceName` |",
      "| `azure-native:authorization:ManagementLockByScope`, `azure-native:resources:TagAtScope` | `scope` |",
      "| `azure-native:resources:Resource` | `Microsoft.Compute`/`virtualMachineScaleSets…`, `resourceName` or `parentResourcePath` |",
      "| classic `Linux`/`Windows`/`Orchestrated` VMSS, `ScaleSet` | `resourceGroupName`, `name`, `tags` |",
      "| classic VMSS extension, packet capture, maintenance assignment, VMs joining a VMSS, standby pool, autoscale setting, lock | the scale set's ARM id |",
      "",
      "The scale set is an AKS node pool's when any of these holds: its resource group is a cluster's node resource",
      "group (explicit `nodeResourceGroup`, or the default `MC_<rg>_<cluster>_<location>` of a cluster in the stack,",
      "or `nodeResourceGroups`, or `nodeResourceGroupPattern`); its name matches `vmssNamePattern`",
      "(`aks-<pool>-<8 digits>-vmss`); it carries AKS-managed tags (`aks-managed-*`, or `poolName` + `orchestrator`).",
      "",
      "Checked when each resource is analysed (with the clusters registered before it) and again over the whole",
      "stack, so the order of resources does not matter; each finding is reported once.",
    ].join("\n"),
    violating: [
      'import * as compute from "@pulumi/azure-native/compute";',
      "",
      '// Installs software on the nodes of pool "sys" behind AKS\'s back.',
      'new compute.VirtualMachineScaleSetExtension("bootstrap", {',
      '  resourceGroupName: "MC_rg_aks1_westeurope",',
      '  vmScaleSetName: "aks-sys-12345678-vmss",',
      '  publisher: "Microsoft.Azure.Extensions",',
      '  type: "CustomScript",',
      '  typeHandlerVersion: "2.1",',
      "});",
    ].join("\n"),
    fixed: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      'import * as k8s from "@pulumi/kubernetes";',
      "",
      "// Node software runs as a DaemonSet; node-pool settings go through the AKS API.",
      'new k8s.apps.v1.DaemonSet("bootstrap", { spec: { /* ... */ } });',
      'new containerservice.AgentPool("sys", { resourceGroupName: "rg", resourceName: "aks1", count: 3, mode: "System" });',
    ].join("\n"),
    limits:
      "During preview a new scale set's resource group or name may be unknown: then the finding is an advisory " +
      '"cannot verify" and the check runs again at `pulumi up`. Changes made outside Pulumi are invisible.',
  },
  checkResource(resource, ctx) {
    return check(resource.type, resource.props, ctx, ctx.clusters);
  },
  checkStack(resources, ctx) {
    const findings: Finding[] = [];
    for (const r of resources) {
      // Stack checks see outputs; azure-native outputs lack path parameters, so prefer the Analyze inputs.
      const props = ctx.inputsOf?.(r.urn) ?? r.props;
      for (const f of check(r.type, props, ctx, ctx.clusters)) {
        findings.push({ ...f, urn: r.urn, subject: { type: r.type, name: r.name } });
      }
    }
    return findings;
  },
});
