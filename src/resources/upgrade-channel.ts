/**
 * Upgrade channels of a cluster: the cluster upgrade channel (`auto-upgrade-cluster.md`) and the node OS upgrade
 * channel (`auto-upgrade-node-os-image.md`). Each is one string, compared case-insensitively with the documented
 * values, and a missing one means the AKS default. The upgrade rules read both the same way, so an unknown or
 * undocumented value is reported alike.
 */
import type { Finding } from "../model/rule";
import { Invalid, PropertyBag, Unknown, equalsIgnoreCase, readString } from "../model/values";

export interface ChannelSetting<C extends string> {
  /** How messages name the setting, e.g. "upgrade channel". */
  what: string;
  /** The documented values, as the provider spells them. */
  channels: readonly C[];
  /** The channel AKS applies when the setting is missing. */
  fallback: C;
}

/** A channel a cluster uses, and how a message shows it (`none, the default` when the setting is missing). */
export interface ChannelRead<C extends string> {
  channel: C;
  shown: string;
}

/**
 * The channel at `path` of a cluster's properties, or the one finding that says it cannot be judged: a
 * cannot-know while it is unknown during preview, an advisory when it is not a documented channel (`fix` and
 * `key` are that finding's). Values are never echoed.
 */
export function readChannel<C extends string>(
  props: PropertyBag,
  path: string,
  clusterName: string,
  setting: ChannelSetting<C>,
  invalid: { fix: string; key: string },
): ChannelRead<C> | { findings: Finding[] } {
  const raw = readString(props, path);
  if (raw === Unknown) {
    return {
      findings: [
        {
          kind: "cannot-know",
          message: `the ${setting.what} of cluster "${clusterName}" (\`${path}\` is unknown)`,
        },
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
          `cluster "${clusterName}" sets \`${path}\` to ${raw === Invalid ? "a non-string value" : "a value"} that ` +
          `is not ${article} ${setting.what} (${setting.channels.join(" | ")})`,
        ...invalid,
      },
    ],
  };
}

/** The channels a rule's configuration allows, for messages. */
export function allowedChannelsText(allowed: readonly string[]): string {
  return allowed.length ? allowed.join(", ") : "(none configured)";
}
