import { defineRule } from "../model/rule";
import { Unknown, equalsIgnoreCase } from "../model/values";
import { ClusterView, clusterView, isAutomaticCluster } from "../resources/cluster";
import { clusterDisplayName } from "../resources/pools";
import { T } from "../resources/tokens";
import {
  CLUSTER_UPGRADE_CHANNEL,
  ClusterChannel,
  allowedChannelsText,
  channelListOption,
  channelPath,
  channelSettingText,
  readChannel,
} from "../resources/upgrade-channel";

interface Options {
  allowedChannels: ClusterChannel[];
  allowedChannelsLts: ClusterChannel[];
  exemptClusters: string[];
}

/** Why a channel falls short, in the words of `auto-upgrade-cluster.md`. */
const CONSEQUENCE: Readonly<Record<ClusterChannel, string>> = {
  none: "so the cluster gets no automatic Kubernetes upgrades and you must run every upgrade yourself to stay in the supported window (S31)",
  "node-image":
    "a legacy channel that upgrades node images but never Kubernetes (auto-upgrade-cluster.md), so Kubernetes upgrades stay manual (S31)",
  patch:
    "which keeps the minor version, so the cluster falls out of the N-2 support window when that minor reaches end of life (S31)",
  stable: "which is not allowed by this rule's configuration",
  rapid: "which is not allowed by this rule's configuration",
};

function isExempt(cluster: ClusterView, exempt: readonly string[]): boolean {
  const names = [cluster.pulumiName, typeof cluster.name === "string" ? cluster.name : undefined];
  return exempt.some((e) => names.some((n) => n !== undefined && equalsIgnoreCase(e, n)));
}

export default defineRule<Options>({
  id: "aks-cluster-auto-upgrade",
  title: "Keep AKS clusters on an automatic Kubernetes upgrade channel",
  area: "upgrades",
  description:
    "Flags AKS clusters whose automatic upgrade channel (upgradeChannel / automaticUpgradeChannel) does not keep Kubernetes within the supported version window: none (the default), node-image, and patch outside LTS.",
  source: {
    sections: ["customer-responsibilities-for-aks-worker-nodes"],
    statements: ["S31", "S44"],
    currentDocs: ["auto-upgrade-cluster.md", "supported-kubernetes-versions.md"],
  },
  defaultLevel: "advisory",
  resourceTypes: [T.managedCluster, T.classicCluster],
  options: {
    allowedChannels: channelListOption(
      CLUSTER_UPGRADE_CHANNEL,
      ["stable", "rapid"],
      "Channels accepted on clusters with the KubernetesOfficial support plan; `stable` and `rapid` keep a cluster within N-2.",
    ),
    allowedChannelsLts: channelListOption(
      CLUSTER_UPGRADE_CHANNEL,
      ["patch", "stable", "rapid"],
      "Channels accepted on clusters with `supportPlan: AKSLongTermSupport` (LTS keeps a minor for two years, so `patch` suffices).",
    ),
    exemptClusters: {
      type: "array",
      items: { type: "string" },
      default: [],
      description:
        "Cluster names (Azure or Pulumi) upgraded another way, e.g. by Azure Kubernetes Fleet Manager update runs.",
    },
  },
  fix: 'set `autoUpgradeProfile: { upgradeChannel: "stable" }` (classic: `automaticUpgradeChannel: "stable"`)',
  docs: {
    why:
      "Running Kubernetes upgrades is the customer's job (support policy §customer-responsibilities-for-aks-worker-nodes, " +
      "S31), and fixes that need node updates stay unapplied until the customer acts (S44). AKS supports only the " +
      "newest GA minor versions (N-2; `supported-kubernetes-versions.md`), and `auto-upgrade-cluster.md` says: " +
      '"To ensure your cluster is always in a supported version, such as within the N-2 rule, choose either the ' +
      '`stable` or `rapid` channels". The default is `none`; `node-image` is a legacy channel that never upgrades ' +
      "Kubernetes; `patch` keeps the minor, which suits only long-term-support clusters.",
    checks: [
      "- azure-native `ManagedCluster`: `autoUpgradeProfile.upgradeChannel` (`rapid` | `stable` | `patch` |",
      "  `node-image` | `none`, case-insensitive; missing = `none`).",
      "- classic `KubernetesCluster`: `automaticUpgradeChannel` (same values; omitted = `none`).",
      "- The channel must be in `allowedChannelsLts` when `supportPlan` is `AKSLongTermSupport`, else in",
      "  `allowedChannels`. Clusters in `exemptClusters` (Azure or Pulumi name) and AKS Automatic clusters",
      "  (`sku.name: Automatic`, classic `AutomaticCluster`: preconfigured `stable`) are skipped.",
      "- A value that is not a documented channel is reported as advisory.",
    ].join("\n"),
    violating: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      "// No autoUpgradeProfile: the channel is `none`.",
      'new containerservice.ManagedCluster("aks", {',
      '  resourceGroupName: "rg",',
      '  resourceName: "aks1",',
      '  kubernetesVersion: "1.35",',
      '  agentPoolProfiles: [{ name: "system", mode: "System", count: 3 }],',
      "});",
    ].join("\n"),
    fixed: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      'new containerservice.ManagedCluster("aks", {',
      '  resourceGroupName: "rg",',
      '  resourceName: "aks1",',
      '  kubernetesVersion: "1.35",',
      "  autoUpgradeProfile: {",
      "    upgradeChannel: containerservice.UpgradeChannel.Stable,",
      "    nodeOSUpgradeChannel: containerservice.NodeOSUpgradeChannel.NodeImage,",
      "  },",
      '  agentPoolProfiles: [{ name: "system", mode: "System", count: 3 }],',
      "});",
    ].join("\n"),
    limits:
      "Upgrades run outside Pulumi (Fleet Manager update runs, pipelines calling `az aks upgrade`) are invisible: " +
      "list such clusters in `exemptClusters`. An upgrade channel or support plan unknown during preview is not " +
      "reported unless the rule is made mandatory (then as advisory).",
  },
  checkResource(resource, ctx) {
    const cluster = clusterView(resource);
    if (!cluster || isAutomaticCluster(cluster) || isExempt(cluster, ctx.config.exemptClusters)) return [];
    const native = cluster.kind === "azure-native";
    const path = channelPath(cluster, CLUSTER_UPGRADE_CHANNEL);
    const name = clusterDisplayName(cluster);
    const read = readChannel(resource.props, cluster, CLUSTER_UPGRADE_CHANNEL, "upgrade-channel");
    if ("findings" in read) return read.findings;
    const { channel, shown } = read;
    const lts = (plan: string) => equalsIgnoreCase(plan, "AKSLongTermSupport");
    const allowedFor = (isLts: boolean) =>
      isLts ? ctx.config.allowedChannelsLts : ctx.config.allowedChannels;
    const allows = (isLts: boolean) => allowedFor(isLts).some((c) => equalsIgnoreCase(c, channel));
    const plan = cluster.supportPlan;
    if (plan === Unknown && allows(true) !== allows(false)) {
      return [
        {
          kind: "cannot-know",
          message: `whether upgrade channel ${channel} of cluster "${name}" is allowed (\`supportPlan\` is unknown)`,
        },
      ];
    }
    const isLts = typeof plan === "string" && lts(plan);
    if (allows(isLts)) return [];
    const allowed = allowedFor(isLts);
    const fixValue = allowed.find((c) => c === "stable") ?? allowed[0] ?? "stable";
    return [
      {
        kind: "violation",
        message:
          `cluster "${name}" uses upgrade channel ${channel} (${path}=${shown}), ${CONSEQUENCE[channel]}; ` +
          `allowed${isLts ? " with the LTS support plan" : ""}: ${allowedChannelsText(allowed)}`,
        fix:
          `set ${channelSettingText(cluster, CLUSTER_UPGRADE_CHANNEL, fixValue)}` +
          (channel === "node-image"
            ? native
              ? ' and `nodeOSUpgradeChannel: "NodeImage"` for node images'
              : ' and `nodeOsUpgradeChannel: "NodeImage"` for node images'
            : "") +
          "; list clusters upgraded by Fleet Manager in `exemptClusters`",
        key: "upgrade-channel",
      },
    ];
  },
});
