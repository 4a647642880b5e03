import { CheckContext, Finding, ResourceInput, defineRule } from "../model/rule";
import { Unknown, equalsIgnoreCase, safe } from "../model/values";
import type { PropertyBag } from "../model/values";
import { ClusterRegistry, clusterView } from "../resources/cluster";
import {
  AKS_MANAGED_OBJECT_TYPES,
  NODE_RESOURCE_GROUP_OPTIONS,
  ManagedObjectRef,
  NodeResourceGroupSignal,
  managedObjectOf,
  nodeResourceGroupSignal,
} from "../resources/node-resource-group";
import {
  RESOURCE_GROUP_TYPES,
  declaredResourceGroup,
  isResourceGroupType,
  targetResourceGroup,
} from "../resources/resource-group";
import { T, TokenSet, parseAzureNative } from "../resources/tokens";
import { vmssTarget } from "../resources/vmss";

interface Options {
  nodeResourceGroupPattern: string;
  nodeResourceGroups: string[];
  allowedTypes: string[];
}

const LOCK_TYPES = [
  "azure-native:authorization:ManagementLockAtResourceGroupLevel",
  "azure-native:authorization:ManagementLockAtResourceLevel",
  "azure-native:authorization:ManagementLockByScope",
  "azure:management/lock:Lock",
];
const TAG_AT_SCOPE = "azure-native:resources:TagAtScope";
const DEFAULT_ALLOWED_TYPES = [
  "azure-native:network:PublicIPAddress",
  "azure:network/publicIp:PublicIp",
  "azure-native:authorization:RoleAssignment",
  "azure:authorization/assignment:Assignment",
];
/** Cluster and node-pool resources go through the AKS API; only the cluster's own node resource group is checked. */
const AKS_API_TYPES = new TokenSet([
  T.managedCluster,
  T.agentPool,
  T.classicCluster,
  T.classicNodePool,
  T.classicAutomaticCluster,
]);
const CLUSTER_TYPES = new TokenSet([T.managedCluster, T.classicCluster]);
const lockTokens = new TokenSet(LOCK_TYPES);
const tagTokens = new TokenSet([TAG_AT_SCOPE]);

const allowedCache = new WeakMap<readonly string[], TokenSet>();
function allowedTokens(list: readonly string[]): TokenSet {
  let set = allowedCache.get(list);
  if (!set) {
    set = new TokenSet(list);
    allowedCache.set(list, set);
  }
  return set;
}

function isAzureType(type: string): boolean {
  return type.startsWith("azure:") || parseAzureNative(type) !== undefined;
}

/** Whether AKS denies direct changes in the cluster's node resource group (lockdown, or AKS Automatic). */
function lockedDown(signal: NodeResourceGroupSignal): boolean {
  if (signal.signal !== "cluster") return false;
  const { restrictionLevel, skuName } = signal.cluster;
  const is = (v: unknown, expected: string) => typeof v === "string" && equalsIgnoreCase(v, expected);
  return is(restrictionLevel, "ReadOnly") || is(skuName, "Automatic");
}

/** Rule-catalog §2.9 logic 1 and 3: a resource created or changed inside a node resource group. */
function checkTarget(
  type: string,
  props: PropertyBag,
  ctx: CheckContext<Options>,
  clusters: ClusterRegistry,
): Finding[] {
  if (!isAzureType(type) || AKS_API_TYPES.has(type) || vmssTarget(type, props)) return [];
  const target = targetResourceGroup(type, props);
  if (!target) return [];
  const allowed = allowedTokens(ctx.config.allowedTypes).has(type);
  const managed = allowed ? undefined : managedObjectOf(type, props);
  const object = managed ? `the ${managed.kind} ${safe(managed.name, "name")}` : "";
  const findings: Finding[] = [];
  if (target.resourceGroup === Unknown) {
    if (managed?.aksManaged) {
      findings.push({
        kind: "cannot-know",
        message:
          `\`${target.via}\` is unknown, so whether ${object} (named like AKS's own) is in a node resource ` +
          "group is not known",
        key: "node-rg",
      });
    }
    return findings;
  }
  if (typeof target.resourceGroup !== "string") return findings;
  const group = target.resourceGroup;
  const signal = nodeResourceGroupSignal(group, clusters, ctx.config);
  if (!signal) return findings;
  const where = `the node resource group ${safe(group, "name")} (${signal.description})`;
  if (allowed) {
    if (lockedDown(signal)) {
      findings.push({
        kind: "violation",
        advisoryOnly: true,
        message:
          `creates or changes a resource in ${where}, whose cluster has node resource group lockdown: ` +
          "the lockdown deny assignment will refuse it",
        fix: "create the resource in a resource group of your own (e.g. a static IP with the `service.beta.kubernetes.io/azure-load-balancer-resource-group` annotation)",
        key: "lockdown-deny",
      });
    }
    return findings;
  }
  findings.push({ kind: "violation", key: "node-rg", ...wording(type, managed, where) });
  return findings;
}

/** What the change does, worst first: the group itself, locks, tags, AKS's own networking objects, anything. */
function wording(
  type: string,
  managed: ManagedObjectRef | undefined,
  where: string,
): Pick<Finding, "message" | "fix"> {
  if (isResourceGroupType(type)) {
    return {
      message:
        `declares or adopts ${where}; AKS creates and owns that group, and \`pulumi destroy\` would delete it ` +
        "with every node resource in it",
      fix: "remove the resource group from the program (set `nodeResourceGroup` on the cluster instead, and let AKS create it)",
    };
  }
  if (lockTokens.has(type)) {
    return {
      message: `puts a management lock on resources in ${where}; locks block AKS operations such as upgrades and scaling`,
      fix: 'remove the lock and use node resource group lockdown (`nodeResourceGroupProfile: { restrictionLevel: "ReadOnly" }`)',
    };
  }
  if (tagTokens.has(type)) {
    return {
      message: `replaces tags in ${where}, including the Azure-created \`aks-managed-*\` and \`k8s-azure-*\` tags`,
      fix: "set custom tags through the cluster and its node pools (`tags`), which AKS propagates",
    };
  }
  if (managed?.aksManaged) {
    return { message: `modifies the AKS-managed ${managed.kind} ${safe(managed.name, "name")} in ${where}` };
  }
  return { message: `creates or changes a resource in ${where}; resources there are AKS-managed IaaS` };
}

/** Rule-catalog §2.9 logic 2: a cluster whose node resource group the program declares itself. */
function checkCluster(
  resource: ResourceInput,
  clusters: ClusterRegistry,
  declaredBy: (name: string) => { pulumiName: string } | undefined,
): Finding[] {
  if (!CLUSTER_TYPES.has(resource.type)) return [];
  const view = clusterView(resource);
  if (!view || typeof view.nodeResourceGroup !== "string" || !view.nodeResourceGroup) return [];
  const declared =
    declaredBy(view.nodeResourceGroup) ?? clusters.declaredResourceGroup(view.nodeResourceGroup);
  if (!declared) return [];
  return [declaredNodeGroup(view.nodeResourceGroup, declared.pulumiName)];
}

/** `group` is the name when known (an unknown name comes from the group's output, joined by dependency). */
function declaredNodeGroup(group: unknown, declaredBy: string): Finding {
  const name = typeof group === "string" ? ` ${safe(group, "name")}` : "";
  return {
    kind: "violation",
    message:
      `its \`nodeResourceGroup\`${name} is the resource group "${safe(declaredBy, "name")}" that this program ` +
      "declares; the node resource group must not exist beforehand (AKS creates it and cannot use an existing one)",
    fix: "remove the resource group resource, or give the cluster a `nodeResourceGroup` name that does not exist yet",
    key: "declared-node-rg",
  };
}

export default defineRule<Options>({
  id: "aks-node-resource-group-changes",
  title: "Do not change resources in the node resource group",
  area: "node-resource-group",
  description:
    "Flags resources the program creates, imports or changes inside an AKS cluster's node resource group (AKS-managed IaaS), other than documented exceptions such as static public IPs.",
  source: {
    sections: ["user-customization-of-worker-nodes", "customer-responsibilities-for-aks-worker-nodes"],
    statements: ["S12", "S33", "S35", "S36", "S39"],
    currentDocs: ["faq.yml", "static-ip.md", "node-resource-group-lockdown.md"],
  },
  defaultLevel: "mandatory",
  resourceTypes: [
    ...RESOURCE_GROUP_TYPES,
    ...LOCK_TYPES,
    TAG_AT_SCOPE,
    ...AKS_MANAGED_OBJECT_TYPES,
    ...DEFAULT_ALLOWED_TYPES,
    T.managedCluster,
    T.classicCluster,
  ],
  options: {
    ...NODE_RESOURCE_GROUP_OPTIONS,
    allowedTypes: {
      type: "array",
      items: { type: "string" },
      default: DEFAULT_ALLOWED_TYPES,
      description:
        "Base type tokens that may live in a node resource group: the documented static public IP for a LoadBalancer Service, and role assignments (RBAC, not the resources).",
    },
  },
  fix:
    "make the change through the AKS API or Kubernetes (Service annotations, node-pool tags, cluster settings) and " +
    "keep your own resources in another resource group",
  docs: {
    why:
      "A cluster's node resource group holds the IaaS resources AKS manages for it. \"Modifying any resource under " +
      'the node resource group in the AKS cluster is an unsupported action" (AKS FAQ, `faq.yml`), and the support ' +
      "policy (§user-customization-of-worker-nodes, §customer-responsibilities-for-aks-worker-nodes; S12, S33, S35, " +
      "S36, S39) ends support when the IaaS behind the nodes is changed or other Azure resources are attached to the " +
      "nodes. Azure-created tags there must not be changed either, and the node resource group must not exist before " +
      "the cluster. The documented exception is a static public IP for a `LoadBalancer` Service (`static-ip.md`).",
    checks: [
      "- Any `azure-native` or classic `azure` resource whose target resource group is a node resource group. The",
      "  target is the first of: `resourceGroupName` (a resource group's own name for `ResourceGroup` resources), then",
      "  the resource group in the ARM id of `scope`, `subnetId`, `networkSecurityGroupId`, `routeTableId`,",
      "  `networkInterfaceId`, `virtualMachineId`, `loadbalancerId`, `targetResourceId`, `targetResourceUri`.",
      "- Node resource groups: the explicit `nodeResourceGroup` of a cluster in the stack, a cluster's default",
      "  `MC_<rg>_<cluster>_<location>`, `nodeResourceGroups`, or a name matching `nodeResourceGroupPattern` — the same",
      "  detection `aks-vmss-direct-modification` uses (`src/resources/node-resource-group.ts`).",
      "- The message says what is worst: declaring/adopting the group itself (`pulumi destroy` would delete it), locks",
      "  (they block AKS operations; use lockdown), `TagAtScope` (replaces Azure-created tags), and the AKS-managed",
      "  agent-pool NSG (`aks-agentpool-<n>-nsg`), route table (`aks-agentpool-<n>-routetable`) and `kubernetes` /",
      "  `kubernetes-internal` load balancers, including their rules, routes, pools and probes.",
      "- Not checked here: scale sets and everything that targets one (`aks-vmss-direct-modification` reports those),",
      "  the cluster and node-pool resources themselves (the AKS API), and `allowedTypes`.",
      "- An allowed type in the node resource group of a cluster with lockdown (`restrictionLevel: ReadOnly`, or AKS",
      "  Automatic) is reported as advisory: the deny assignment will refuse it.",
      "- A cluster whose `nodeResourceGroup` is a resource group this program declares (by name, or through the",
      "  cluster's `propertyDependencies` in the stack check) is reported on the cluster: AKS cannot use an existing group.",
      "- During preview: an unknown target resource group gives nothing, unless the object is named like an",
      '  AKS-managed one (advisory "cannot verify").',
      "",
      "Checked when each resource is analysed (with the clusters and resource groups registered before it) and again",
      "over the whole stack, so the order of resources does not matter; each finding is reported once.",
    ].join("\n"),
    violating: [
      'import * as network from "@pulumi/azure-native/network";',
      "",
      "// Opens port 80 on the NSG AKS manages for the agent pool.",
      'new network.SecurityRule("allow-80", {',
      '  resourceGroupName: "MC_rg_aks1_westeurope",',
      '  networkSecurityGroupName: "aks-agentpool-12345678-nsg",',
      '  direction: "Inbound", access: "Allow", protocol: "Tcp", priority: 200,',
      '  sourceAddressPrefix: "*", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "80",',
      "});",
    ].join("\n"),
    fixed: [
      'import * as k8s from "@pulumi/kubernetes";',
      "",
      "// A LoadBalancer Service makes AKS open the port on its own NSG; restrict sources in the Service itself.",
      'new k8s.core.v1.Service("web", {',
      '  spec: { type: "LoadBalancer", ports: [{ port: 80 }], selector: { app: "web" }, loadBalancerSourceRanges: ["203.0.113.0/24"] },',
      "});",
    ].join("\n"),
    limits:
      "Read-only lookups (`ResourceGroup.get(...)`) reach the stack check like other resources and are reported as " +
      "well. Resources whose resource group is unknown during preview are checked again at `pulumi up`. Changes " +
      "made outside Pulumi are invisible; node resource group lockdown (`aks-node-resource-group-lockdown`) blocks them.",
  },
  checkResource(resource, ctx) {
    return [
      ...checkCluster(resource, ctx.clusters, () => undefined),
      ...checkTarget(resource.type, resource.props, ctx, ctx.clusters),
    ];
  },
  checkStack(resources, ctx) {
    // Resource groups the stack declares, by lower-cased name and by URN (for the propertyDependencies join).
    const byName = new Map<string, { pulumiName: string }>();
    const byUrn = new Map<string, { name: unknown; pulumiName: string }>();
    for (const r of resources) {
      if (!isResourceGroupType(r.type)) continue;
      const fromInputs = declaredResourceGroup(r.type, ctx.inputsOf?.(r.urn) ?? {});
      const fromOutputs = declaredResourceGroup(r.type, r.props);
      const name = typeof fromInputs === "string" ? fromInputs : (fromOutputs ?? fromInputs);
      byUrn.set(r.urn, { name, pulumiName: r.name });
      if (typeof name === "string") byName.set(name.toLowerCase(), { pulumiName: r.name });
    }
    const findings: Finding[] = [];
    for (const r of resources) {
      // Stack checks see outputs; azure-native outputs lack path parameters, so prefer the Analyze inputs.
      const props = ctx.inputsOf?.(r.urn) ?? r.props;
      let declared = checkCluster({ ...r, props }, ctx.clusters, (name) => byName.get(name.toLowerCase()));
      if (!declared.length && CLUSTER_TYPES.has(r.type)) {
        // The cluster's `nodeResourceGroup` input came from a ResourceGroup of this stack (its name may be unknown).
        const group = (r.propertyDependencies["nodeResourceGroup"] ?? [])
          .map((urn) => byUrn.get(urn))
          .find((g) => g !== undefined);
        if (group) declared = [declaredNodeGroup(group.name, group.pulumiName)];
      }
      for (const f of [...declared, ...checkTarget(r.type, props, ctx, ctx.clusters)]) {
        findings.push({ ...f, urn: r.urn, subject: { type: r.type, name: r.name } });
      }
    }
    return findings;
  },
});
