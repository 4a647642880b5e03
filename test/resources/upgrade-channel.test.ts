/**
 * The upgrade-channel view both upgrade rules read through: where each channel is written, how it is printed as
 * code, how a value is read (default, unknown, not a channel) and the option schema listing accepted channels.
 * Literal fixtures, named cases.
 */
import type { ResourceInput } from "../../src/model/rule";
import { clusterView } from "../../src/resources/cluster";
import {
  CLUSTER_UPGRADE_CHANNEL,
  NODE_OS_UPGRADE_CHANNEL,
  channelListOption,
  channelPath,
  channelSettingText,
  readChannel,
} from "../../src/resources/upgrade-channel";

const UNK = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function cluster(type: string, props: Record<string, unknown>): ResourceInput {
  return { type, urn: `urn:${type}::aks`, name: "aks", props };
}

const native = (props: Record<string, unknown>) =>
  cluster("azure-native:containerservice:ManagedCluster", { resourceName: "aks1", ...props });
const classic = (props: Record<string, unknown>) =>
  cluster("azure:containerservice/kubernetesCluster:KubernetesCluster", { name: "aks1", ...props });

describe("upgrade-channel view", () => {
  it("knows where each provider takes each channel, and prints it as code", () => {
    const n = clusterView(native({}))!;
    const c = clusterView(classic({}))!;
    expect(channelPath(n, NODE_OS_UPGRADE_CHANNEL)).toBe("autoUpgradeProfile.nodeOSUpgradeChannel");
    expect(channelPath(c, CLUSTER_UPGRADE_CHANNEL)).toBe("automaticUpgradeChannel");
    expect(channelSettingText(n, CLUSTER_UPGRADE_CHANNEL, "stable")).toBe(
      '`autoUpgradeProfile: { upgradeChannel: "stable" }`',
    );
    expect(channelSettingText(c, NODE_OS_UPGRADE_CHANNEL, "NodeImage")).toBe(
      '`nodeOsUpgradeChannel: "NodeImage"`',
    );
  });

  it("reads a channel case-insensitively, and a missing one as the AKS default", () => {
    const read = (r: ResourceInput) => readChannel(r.props, clusterView(r)!, CLUSTER_UPGRADE_CHANNEL, "k");
    expect(read(native({ autoUpgradeProfile: { upgradeChannel: "Node-Image" } }))).toEqual({
      channel: "node-image",
      shown: "node-image",
    });
    expect(read(classic({}))).toEqual({ channel: "none", shown: "none, the default" });
  });

  it("gives the finding when the channel is unknown or not a channel, never echoing the value", () => {
    const read = (r: ResourceInput) => readChannel(r.props, clusterView(r)!, NODE_OS_UPGRADE_CHANNEL, "os");
    expect(read(native({ autoUpgradeProfile: { nodeOSUpgradeChannel: UNK } }))).toEqual({
      findings: [
        {
          kind: "cannot-know",
          message:
            'the node OS upgrade channel of cluster "aks1" (`autoUpgradeProfile.nodeOSUpgradeChannel` is unknown)',
        },
      ],
    });
    expect(read(classic({ nodeOsUpgradeChannel: "hunter2" }))).toEqual({
      findings: [
        {
          kind: "violation",
          advisoryOnly: true,
          message:
            'cluster "aks1" sets `nodeOsUpgradeChannel` to a value that is not a node OS upgrade channel ' +
            "(None | Unmanaged | NodeImage | SecurityPatch)",
          fix: 'set `nodeOsUpgradeChannel: "NodeImage"`',
          key: "os",
        },
      ],
    });
  });

  it("declares an option listing accepted channels with the documented values", () => {
    expect(channelListOption(CLUSTER_UPGRADE_CHANNEL, ["stable"], "d")).toEqual({
      type: "array",
      items: { enum: ["rapid", "stable", "patch", "node-image", "none"] },
      default: ["stable"],
      description: "d",
    });
  });
});
