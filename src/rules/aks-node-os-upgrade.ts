import { Finding, defineRule } from "../model/rule";
import { Unknown, equalsIgnoreCase, readString } from "../model/values";
import { clusterView, isAutomaticCluster } from "../resources/cluster";
import { clusterDisplayName, inlinePools } from "../resources/pools";
import { T } from "../resources/tokens";
import {
  CLUSTER_UPGRADE_CHANNEL,
  NODE_OS_UPGRADE_CHANNEL,
  NodeOsChannel,
  allowedChannelsText,
  channelListOption,
  channelPath,
  channelSettingText,
  readChannel,
} from "../resources/upgrade-channel";

interface Options {
  allowedChannels: NodeOsChannel[];
}

/** What each channel leaves to the customer (`auto-upgrade-node-os-image.md`, enum doc comments). */
const CONSEQUENCE: Readonly<Record<NodeOsChannel, string>> = {
  None: "so nodes get no automatic OS security updates and patching them is solely your job (S06, S29)",
  Unmanaged:
    "so the OS applies security patches but nodes are never rebooted to activate them: you must manage reboots " +
    "(e.g. with kured) (S29, S30)",
  NodeImage: "which is not allowed by this rule's configuration",
  SecurityPatch: "which is not allowed by this rule's configuration",
};

export default defineRule<Options>({
  id: "aks-node-os-upgrade",
  title: "Keep automatic node OS security updates on",
  area: "upgrades",
  description:
    "Flags AKS clusters whose node OS upgrade channel (nodeOSUpgradeChannel / nodeOsUpgradeChannel) leaves OS patching or reboots to the customer, and channel combinations AKS rejects.",
  source: {
    sections: ["customer-responsibilities-for-aks-worker-nodes", "security-issues-and-patching"],
    statements: ["S06", "S26", "S29", "S30", "S44"],
    currentDocs: ["auto-upgrade-node-os-image.md", "support-policies.md"],
  },
  defaultLevel: "advisory",
  resourceTypes: [T.managedCluster, T.classicCluster],
  options: {
    allowedChannels: channelListOption(
      NODE_OS_UPGRADE_CHANNEL,
      ["NodeImage", "SecurityPatch"],
      "Node OS upgrade channels accepted; `NodeImage` (the default) and `SecurityPatch` patch and reimage nodes without customer action.",
    ),
  },
  fix:
    'set `autoUpgradeProfile: { nodeOSUpgradeChannel: "NodeImage" }` or `"SecurityPatch"` ' +
    '(classic: `nodeOsUpgradeChannel: "NodeImage"`)',
  docs: {
    why:
      "Worker nodes are shared responsibility: OS patches must be applied (support policy §managed-features-in-aks " +
      "S06, §microsoft-responsibilities-for-aks-worker-nodes S26), Microsoft does not reboot nodes to activate them " +
      "(§customer-responsibilities-for-aks-worker-nodes S29, S30), and a fix that needs a reboot leaves the " +
      "cluster vulnerable until the customer acts (§security-issues-and-patching S44). Today AKS patches nodes " +
      "through the node OS upgrade channel (`auto-upgrade-node-os-image.md`): `NodeImage` (default since API " +
      "2023-06-01) and `SecurityPatch` patch and reimage nodes under AKS's control, `Unmanaged` patches but " +
      "leaves reboots to you (and on Windows equals `None`), `None` applies nothing. Node images older than 90 " +
      "days are not supported (`support-policies.md`).",
    checks: [
      "- azure-native `ManagedCluster`: `autoUpgradeProfile.nodeOSUpgradeChannel` (`None` | `Unmanaged` |",
      "  `NodeImage` | `SecurityPatch`, case-insensitive; missing = `NodeImage`) must be in `allowedChannels`.",
      "- classic `KubernetesCluster`: `nodeOsUpgradeChannel` (same values; omitted = `NodeImage`).",
      "- The cluster upgrade channel `node-image` (`autoUpgradeProfile.upgradeChannel`, classic",
      "  `automaticUpgradeChannel`) requires the OS channel `NodeImage` (classic provider note): any other OS",
      "  channel with it is a finding.",
      "- AKS Automatic clusters (`sku.name: Automatic`, classic `AutomaticCluster`) are skipped. A value that is",
      "  not a documented channel is reported as advisory.",
    ].join("\n"),
    violating: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      'new containerservice.ManagedCluster("aks", {',
      '  resourceGroupName: "rg",',
      '  resourceName: "aks1",',
      '  autoUpgradeProfile: { upgradeChannel: "stable", nodeOSUpgradeChannel: "None" },',
      '  agentPoolProfiles: [{ name: "system", mode: "System", count: 3 }],',
      "});",
    ].join("\n"),
    fixed: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      'new containerservice.ManagedCluster("aks", {',
      '  resourceGroupName: "rg",',
      '  resourceName: "aks1",',
      '  autoUpgradeProfile: { upgradeChannel: "stable", nodeOSUpgradeChannel: "NodeImage" },',
      '  agentPoolProfiles: [{ name: "system", mode: "System", count: 3 }],',
      "});",
    ].join("\n"),
    limits:
      "Patching done outside AKS (e.g. a DaemonSet running unattended upgrades with kured) is invisible: allow " +
      "`Unmanaged` in `allowedChannels` if you run one. A channel unknown during preview is not reported unless " +
      "the rule is made mandatory (then as advisory).",
  },
  checkResource(resource, ctx) {
    const cluster = clusterView(resource);
    if (!cluster || isAutomaticCluster(cluster)) return [];
    const path = channelPath(cluster, NODE_OS_UPGRADE_CHANNEL);
    const clusterPath = channelPath(cluster, CLUSTER_UPGRADE_CHANNEL);
    const setting = (value: NodeOsChannel) => channelSettingText(cluster, NODE_OS_UPGRADE_CHANNEL, value);
    const name = clusterDisplayName(cluster);
    const read = readChannel(resource.props, cluster, NODE_OS_UPGRADE_CHANNEL, "os-channel");
    if ("findings" in read) return read.findings;
    const { channel, shown } = read;
    const findings: Finding[] = [];
    const clusterChannel = readString(resource.props, clusterPath);
    if (channel !== "NodeImage") {
      if (clusterChannel === Unknown) {
        findings.push({
          kind: "cannot-know",
          message: `whether the upgrade channels of cluster "${name}" are consistent (\`${clusterPath}\` is unknown)`,
          key: "os-channel-consistency:unknown",
        });
      } else if (typeof clusterChannel === "string" && equalsIgnoreCase(clusterChannel, "node-image")) {
        findings.push({
          kind: "violation",
          message:
            `cluster "${name}" combines ${clusterPath}=node-image with ${path}=${channel}; the node-image ` +
            "upgrade channel requires the node OS channel NodeImage",
          fix: `set ${setting("NodeImage")}, or move ${clusterPath} to "stable" or "rapid"`,
          key: "os-channel-consistency",
        });
      }
    }
    const allowed = ctx.config.allowedChannels;
    if (!allowed.some((c) => equalsIgnoreCase(c, channel))) {
      const pools = inlinePools(resource);
      const windows =
        channel === "Unmanaged" &&
        pools !== Unknown &&
        pools.some((p) => typeof p.osType === "string" && equalsIgnoreCase(p.osType, "Windows"));
      findings.push({
        kind: "violation",
        message:
          `cluster "${name}" uses node OS upgrade channel ${channel} (${path}=${shown}), ${CONSEQUENCE[channel]}` +
          (windows ? "; on its Windows pools Unmanaged applies no patches at all, like None" : "") +
          `; allowed: ${allowedChannelsText(allowed)}`,
        fix: `set ${setting(allowed.find((c) => c === "NodeImage") ?? allowed[0] ?? "NodeImage")}`,
        key: "os-channel",
      });
    }
    return findings;
  },
});
