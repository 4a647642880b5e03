import { Finding, defineRule } from "../model/rule";
import { Unknown, equalsIgnoreCase, safe } from "../model/values";
import { clusterView } from "../resources/cluster";
import { T } from "../resources/tokens";

interface Options {
  includeClassic: boolean;
}

const is = (value: unknown, expected: string) =>
  typeof value === "string" && equalsIgnoreCase(value, expected);

export default defineRule<Options>({
  id: "aks-node-resource-group-lockdown",
  title: "Lock down the node resource group",
  area: "node-resource-group",
  description:
    "Recommends node resource group lockdown (`nodeResourceGroupProfile.restrictionLevel: ReadOnly`), which makes Azure deny direct changes to the IaaS resources AKS manages.",
  source: {
    sections: ["user-customization-of-worker-nodes"],
    statements: ["S33", "S35", "S39"],
    currentDocs: ["node-resource-group-lockdown.md"],
  },
  defaultLevel: "advisory",
  resourceTypes: [T.managedCluster, T.classicCluster, T.classicAutomaticCluster],
  options: {
    includeClassic: {
      type: "boolean",
      default: false,
      description:
        "Also report classic `azure` KubernetesClusters, which cannot set the lockdown (off by default: the finding would not be fixable in code).",
    },
  },
  fix: 'set `nodeResourceGroupProfile: { restrictionLevel: "ReadOnly" }` on the cluster',
  docs: {
    why:
      "Changing the resources in a cluster's node resource group out of band makes the cluster unsupported " +
      "(§user-customization-of-worker-nodes, S33, S35, S39). Node resource group lockdown turns that rule into an " +
      "Azure deny assignment: with `restrictionLevel: ReadOnly` you can still read the resources, but direct changes " +
      "are refused (`node-resource-group-lockdown.md`). AKS Automatic has it preconfigured.",
    checks: [
      "- azure-native `ManagedCluster` (any API version): a finding when `nodeResourceGroupProfile.restrictionLevel` is",
      "  missing (the API's default is `Unrestricted`) or `Unrestricted`; none for `ReadOnly` (compared",
      "  case-insensitively) or for AKS Automatic (`sku.name: Automatic`).",
      "- Classic `azure:containerservice/kubernetesCluster:KubernetesCluster` has no lockdown input in",
      "  `@pulumi/azure` 6.x: reported (advisory only) when `includeClassic` is set, with the CLI command as the fix.",
      "  Classic `AutomaticCluster`s are locked down by AKS.",
      "- An unknown restriction level or SKU during preview gives nothing while the rule is advisory.",
    ].join("\n"),
    violating: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      'new containerservice.ManagedCluster("aks", {',
      '  resourceGroupName: "rg",',
      '  agentPoolProfiles: [{ name: "sys", mode: "System", count: 3, vmSize: "Standard_D4s_v5" }],',
      "});",
    ].join("\n"),
    fixed: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      'new containerservice.ManagedCluster("aks", {',
      '  resourceGroupName: "rg",',
      '  agentPoolProfiles: [{ name: "sys", mode: "System", count: 3, vmSize: "Standard_D4s_v5" }],',
      '  nodeResourceGroupProfile: { restrictionLevel: "ReadOnly" },',
      "});",
    ].join("\n"),
    limits:
      "`nodeResourceGroupProfile` exists in the unversioned azure-native 3.x `ManagedCluster` (API 2025-09-01); " +
      "versioned tokens of older API versions (e.g. azure-native 2.x stacks on 2023-04-01) may lack it: move to the " +
      "unversioned token first. A lockdown set outside Pulumi (`az aks update --nrg-lockdown-restriction-level`) is " +
      "not visible here and Pulumi would revert it on the next update unless the program sets it too.",
  },
  checkResource(resource, ctx) {
    const view = clusterView(resource);
    if (!view || view.kind === "classic-automatic") return [];
    if (view.kind === "classic") {
      if (!ctx.config.includeClassic) return [];
      return [
        {
          kind: "violation",
          advisoryOnly: true,
          message:
            "does not lock down its node resource group, and the classic `@pulumi/azure` KubernetesCluster cannot set " +
            "the lockdown",
          fix:
            "manage the cluster with azure-native `containerservice.ManagedCluster` and set " +
            '`nodeResourceGroupProfile: { restrictionLevel: "ReadOnly" }`, or run ' +
            "`az aks update --nrg-lockdown-restriction-level ReadOnly` (and keep Pulumi from reverting it)",
          key: "lockdown",
        },
      ];
    }
    if (is(view.skuName, "Automatic") || is(view.restrictionLevel, "ReadOnly")) return [];
    if (view.restrictionLevel === Unknown || view.skuName === Unknown) {
      return [
        {
          kind: "cannot-know",
          message:
            view.restrictionLevel === Unknown
              ? "`nodeResourceGroupProfile.restrictionLevel` is unknown"
              : "`sku.name` is unknown, so whether this is an AKS Automatic cluster is not known",
          key: "lockdown",
        },
      ];
    }
    const current =
      view.restrictionLevel === undefined
        ? "no `nodeResourceGroupProfile.restrictionLevel` (the default is Unrestricted)"
        : `\`nodeResourceGroupProfile.restrictionLevel\` is ${safe(view.restrictionLevel, "enum")}`;
    const finding: Finding = {
      kind: "violation",
      message: `does not lock down its node resource group: ${current}`,
      key: "lockdown",
    };
    return [finding];
  },
});
