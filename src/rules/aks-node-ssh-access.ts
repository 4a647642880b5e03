import { Finding, ResourceInput, defineRule } from "../model/rule";
import { Invalid, Unknown, equalsIgnoreCase } from "../model/values";
import type { ClusterRegistry, ClusterView } from "../resources/cluster";
import { clusterView } from "../resources/cluster";
import {
  PoolView,
  clusterDisplayName,
  distinctPools,
  inlinePools,
  outputsWithInputs,
  poolCluster,
  poolInCluster,
  poolsByCluster,
  separatePool,
} from "../resources/pools";
import { T } from "../resources/tokens";

interface Options {
  flagWithoutKey: boolean;
}

const FIX =
  'set `securityProfile: { sshAccess: "Disabled" }` on every Linux pool (inline `agentPoolProfiles[]` and ' +
  "each `AgentPool`) and troubleshoot nodes with `kubectl debug node/<node>` instead";

function poolKey(pool: PoolView): string {
  return `ssh:${typeof pool.name === "string" ? pool.name.toLowerCase() : pool.path}`;
}

/**
 * One pool: SSH is on unless `securityProfile.sshAccess` is `Disabled` (AKS default `LocalUser`, also for
 * pools added after SSH was disabled elsewhere: `manage-ssh-node-access.md`). It matters when the cluster
 * has a key (anyone holding it can sign in) or, with `flagWithoutKey`, always.
 */
function poolFindings(pool: PoolView, cluster: ClusterView | undefined, options: Options): Finding[] {
  if (typeof pool.osType === "string" && !equalsIgnoreCase(pool.osType, "Linux")) return [];
  const hasKey = cluster ? cluster.hasSshKey : false;
  if (!options.flagWithoutKey && hasKey === false) return [];
  const access = pool.sshAccess;
  if (typeof access === "string" && !equalsIgnoreCase(access, "LocalUser")) return [];
  const label = `Linux ${poolInCluster(pool, cluster && clusterDisplayName(cluster))}`;
  const where = { urn: pool.urn, subject: { type: pool.type, name: pool.pulumiName }, key: poolKey(pool) };
  const doubt = [
    access === Unknown ? "`securityProfile.sshAccess` is unknown" : undefined,
    pool.osType === Unknown ? "`osType` is unknown" : undefined,
    hasKey === Unknown && !options.flagWithoutKey
      ? "whether the cluster has an SSH key is unknown"
      : undefined,
  ].filter((d): d is string => d !== undefined);
  if (doubt.length) {
    return [
      {
        kind: "cannot-know",
        message: `whether ${label} allows SSH to its nodes (${doubt.join("; ")})`,
        ...where,
        key: `${where.key}:unknown`,
      },
    ];
  }
  if (access === Invalid) {
    return [
      {
        kind: "violation",
        advisoryOnly: true,
        message: `cannot evaluate \`securityProfile.sshAccess\` of ${label} (not a string)`,
        ...where,
      },
    ];
  }
  const keyText =
    hasKey === true
      ? "the cluster has an SSH public key (`linuxProfile.ssh.publicKeys`, not shown)"
      : "no SSH key is configured yet, but one can be added without changing the pool";
  const publicIp =
    pool.enableNodePublicIP === true ? "; its nodes have public IPs (enableNodePublicIP=true)" : "";
  return [
    {
      kind: "violation",
      message:
        `${label} allows SSH to its nodes (securityProfile.sshAccess=${access === undefined ? "LocalUser, the default" : "LocalUser"}) and ` +
        `${keyText}${publicIp}; signing in to nodes to change them is discouraged and can make the cluster ` +
        "unsupported (S45, S47)",
      ...where,
    },
  ];
}

/** The classic provider has no per-pool SSH setting: a `linuxProfile` key is the only SSH switch. */
function classicFindings(cluster: ClusterView): Finding[] {
  const name = clusterDisplayName(cluster);
  if (cluster.hasSshKey === Unknown) {
    return [
      {
        kind: "cannot-know",
        message: `whether cluster "${name}" configures an SSH key (\`linuxProfile\` is unknown)`,
        key: "ssh:linuxProfile:unknown",
      },
    ];
  }
  if (cluster.hasSshKey !== true) return [];
  return [
    {
      kind: "violation",
      message:
        `cluster "${name}" configures an SSH public key for its Linux nodes (\`linuxProfile.sshKey\`, not shown) ` +
        "and the classic provider cannot disable node SSH; signing in to nodes to change them is discouraged " +
        "and can make the cluster unsupported (S45, S47)",
      fix:
        "remove `linuxProfile` (this replaces the cluster), or manage the cluster with azure-native " +
        '`containerservice.ManagedCluster` and set `securityProfile: { sshAccess: "Disabled" }` on every Linux pool',
      key: "ssh:linuxProfile",
    },
  ];
}

function checkResource(resource: ResourceInput, clusters: ClusterRegistry, options: Options): Finding[] {
  const cluster = clusterView(resource);
  if (cluster) {
    if (cluster.kind === "classic") return classicFindings(cluster);
    if (cluster.kind !== "azure-native") return [];
    const pools = inlinePools(resource);
    if (pools === Unknown) return [];
    return pools.flatMap((p) => poolFindings(p, cluster, options));
  }
  const pool = separatePool(resource);
  if (!pool || pool.source !== "AgentPool") return [];
  return poolFindings(pool, poolCluster(resource, resource.props, clusters), options);
}

export default defineRule<Options>({
  id: "aks-node-ssh-access",
  title: "Disable SSH access to AKS nodes",
  area: "node-pools",
  description:
    "Flags Linux node pools that allow SSH to their nodes while the cluster has an SSH key (or always, with flagWithoutKey), and classic clusters that configure an SSH key.",
  source: {
    sections: ["node-maintenance-and-access"],
    statements: ["S12", "S34", "S45", "S47"],
    currentDocs: ["manage-ssh-node-access.md"],
  },
  defaultLevel: "advisory",
  resourceTypes: [T.managedCluster, T.agentPool, T.classicCluster],
  options: {
    flagWithoutKey: {
      type: "boolean",
      default: false,
      description:
        "Also flag pools that allow SSH when the cluster has no SSH key (a key can be added later without changing the pools).",
    },
  },
  fix: FIX,
  docs: {
    why:
      "Nodes are customer-owned, so anyone who can sign in to them can make harmful changes (support policy " +
      "§node-maintenance-and-access, S45); signing in and changing nodes is discouraged because it can make the " +
      "cluster unsupported (S47), changes made there are lost on upgrade, scale or reimage (S34), and careless " +
      "changes can leave the cluster unusable (S12). AKS enables SSH on Linux nodes by default; " +
      '`manage-ssh-node-access.md` documents `securityProfile.sshAccess: "Disabled"` per pool, and new pools ' +
      "get SSH again unless they disable it too.",
    checks: [
      "- azure-native `ManagedCluster`: every inline Linux pool (`osType` missing or `Linux`) whose",
      "  `securityProfile.sshAccess` is missing (AKS default `LocalUser`) or `LocalUser` (case-insensitive), when the",
      "  cluster has a key in `linuxProfile.ssh.publicKeys` — or always with `flagWithoutKey`. Public node IPs",
      "  (`enableNodePublicIP`) are mentioned.",
      "- azure-native `AgentPool`: the same, with the key presence of its cluster (a cluster analysed earlier, joined",
      "  by `resourceGroupName` + `resourceName`, and again over the stack, joined by dependency when those are",
      "  unknown in preview). A pool whose cluster is not in the stack is flagged only with `flagWithoutKey`.",
      "- classic `KubernetesCluster` with a `linuxProfile` (an SSH key): the classic provider has no per-pool SSH",
      "  setting, so the finding is on the cluster.",
      "- Windows pools are skipped. `sshAccess` values other than `LocalUser` (`Disabled`, and the `EntraId`",
      "  preview left to the preview rules) pass. Key material is never printed, only whether a key is set.",
    ].join("\n"),
    violating: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      'new containerservice.ManagedCluster("aks", {',
      '  resourceGroupName: "rg",',
      '  resourceName: "aks1",',
      '  dnsPrefix: "aks1",',
      '  linuxProfile: { adminUsername: "azureuser", ssh: { publicKeys: [{ keyData: sshPublicKey }] } },',
      '  agentPoolProfiles: [{ name: "sys", mode: "System", count: 3 }],',
      "});",
    ].join("\n"),
    fixed: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      'new containerservice.ManagedCluster("aks", {',
      '  resourceGroupName: "rg",',
      '  resourceName: "aks1",',
      '  dnsPrefix: "aks1",',
      "  agentPoolProfiles: [",
      '    { name: "sys", mode: "System", count: 3, securityProfile: { sshAccess: "Disabled" } },',
      "  ],",
      "});",
    ].join("\n"),
    limits:
      "Keys added outside Pulumi (`az aks update --ssh-key-value`) are invisible. During preview an unknown " +
      "`sshAccess`, `osType` or key list is not reported unless the rule is made mandatory (then as advisory).",
  },
  checkResource(resource, ctx) {
    return checkResource(resource, ctx.clusters, ctx.config);
  },
  checkStack(resources, ctx) {
    // The order-independent net: pools whose cluster was unknown at Analyze are joined here by dependency.
    const findings: Finding[] = [];
    const { clusters, orphans } = poolsByCluster(resources, ctx.clusters, (r) =>
      outputsWithInputs(r, ctx.inputsOf),
    );
    for (const { cluster, pools } of clusters) {
      if (cluster.kind !== "azure-native") continue;
      for (const pool of distinctPools(pools)) findings.push(...poolFindings(pool, cluster, ctx.config));
    }
    for (const pool of orphans) {
      if (pool.source === "AgentPool") findings.push(...poolFindings(pool, undefined, ctx.config));
    }
    return findings;
  },
});
