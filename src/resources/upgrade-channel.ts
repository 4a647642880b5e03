/**
 * Upgrade channels of a cluster: the cluster upgrade channel (`auto-upgrade-cluster.md`) and the node OS upgrade
 * channel (`auto-upgrade-node-os-image.md`). Each is one string, compared case-insensitively with the documented
 * values, and a missing one means the AKS default. The upgrade rules read both the same way, so an unknown or
 * undocumented value is reported alike.
 */
import type { Finding } from "../model/rule";
import type { JsonSchema } from "../model/schema";
import { Invalid, PropertyBag, Unknown, equalsIgnoreCase, readString } from "../model/values";
import type { ClusterView } from "./cluster";
import { clusterDisplayName } from "./pools";

export interface ChannelSetting<C extends string> {
  /** How messages name the setting. */
  what: string;
  /** Where azure-native `ManagedCluster` and classic `KubernetesCluster` take it. */
  nativePath: string;
  classicPath: string;
  /** The documented values, as the provider spells them. */
  channels: readonly C[];
  /** The channel AKS applies when the setting is missing. */
  fallback: C;
  /** The channel to suggest for a value that is not a channel. */
  recommended: C;
}

/** `UpgradeChannel` in azure-native 3.28.0 (`types/enums/containerservice`); the classic provider takes the same. */
const CLUSTER_CHANNELS = ["rapid", "stable", "patch", "node-image", "none"] as const;
export type ClusterChannel = (typeof CLUSTER_CHANNELS)[number];

export const CLUSTER_UPGRADE_CHANNEL: ChannelSetting<ClusterChannel> = {
  what: "upgrade channel",
  nativePath: "autoUpgradeProfile.upgradeChannel",
  classicPath: "automaticUpgradeChannel",
  channels: CLUSTER_CHANNELS,
  fallback: "none",
  recommended: "stable",
};

/** `NodeOSUpgradeChannel` in azure-native 3.28.0; the classic provider documents the same four values. */
const NODE_OS_CHANNELS = ["None", "Unmanaged", "NodeImage", "SecurityPatch"] as const;
export type NodeOsChannel = (typeof NODE_OS_CHANNELS)[number];

export const NODE_OS_UPGRADE_CHANNEL: ChannelSetting<NodeOsChannel> = {
  what: "node OS upgrade channel",
  nativePath: "autoUpgradeProfile.nodeOSUpgradeChannel",
  classicPath: "nodeOsUpgradeChannel",
  channels: NODE_OS_CHANNELS,
  fallback: "NodeImage",
  recommended: "NodeImage",
};

/** The schema of a rule option that lists the channels of `setting` the rule accepts. */
export function channelListOption<C extends string>(
  setting: ChannelSetting<C>,
  accepted: readonly C[],
  description: string,
): JsonSchema {
  return { type: "array", items: { enum: setting.channels }, default: accepted, description };
}

/** The property path of the setting on this cluster. */
export function channelPath(cluster: ClusterView, setting: ChannelSetting<string>): string {
  return cluster.kind === "azure-native" ? setting.nativePath : setting.classicPath;
}

/** The setting as code to write: `` `autoUpgradeProfile: { upgradeChannel: "stable" }` ``. */
export function channelSettingText(
  cluster: ClusterView,
  setting: ChannelSetting<string>,
  value: string,
): string {
  const nest = (path: string): string => {
    const dot = path.indexOf(".");
    return dot < 0 ? `${path}: "${value}"` : `${path.slice(0, dot)}: { ${nest(path.slice(dot + 1))} }`;
  };
  return `\`${nest(channelPath(cluster, setting))}\``;
}

/** A channel a cluster uses, and how a message shows it (`none, the default` when the setting is missing). */
export interface ChannelRead<C extends string> {
  channel: C;
  shown: string;
}

/**
 * The channel a cluster uses, or the one finding that says it cannot be judged: a cannot-know while the setting
 * is unknown during preview, an advisory with `key` when it is not a documented channel. Values are never echoed.
 */
export function readChannel<C extends string>(
  props: PropertyBag,
  cluster: ClusterView,
  setting: ChannelSetting<C>,
  key: string,
): ChannelRead<C> | { findings: Finding[] } {
  const path = channelPath(cluster, setting);
  const name = clusterDisplayName(cluster);
  const raw = readString(props, path);
  if (raw === Unknown) {
    return {
      findings: [
        { kind: "cannot-know", message: `the ${setting.what} of cluster "${name}" (\`${path}\` is unknown)` },
      ],
    };
  }
  if (raw === undefined) return { channel: setting.fallback, shown: `${setting.fallback}, the default` };
  const channel = raw === Invalid ? undefined : setting.channels.find((c) => equalsIgnoreCase(c, raw));
  if (channel !== undefined) return { channel, shown: channel };
  const article = /^[aeiou]/i.test(setting.what) ? "an" : "a";
  return {
    findings: [
      {
        kind: "violation",
        advisoryOnly: true,
        message:
          `cluster "${name}" sets \`${path}\` to ${raw === Invalid ? "a non-string value" : "a value"} that ` +
          `is not ${article} ${setting.what} (${setting.channels.join(" | ")})`,
        fix: `set ${channelSettingText(cluster, setting, setting.recommended)}`,
        key,
      },
    ],
  };
}

/** The channels a rule's configuration allows, for messages. */
export function allowedChannelsText(allowed: readonly string[]): string {
  return allowed.length ? allowed.join(", ") : "(none configured)";
}
