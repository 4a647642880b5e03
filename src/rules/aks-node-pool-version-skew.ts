import { Finding, defineRule } from "../model/rule";
import { PropertyBag, Read, Unknown, readString, safe } from "../model/values";
import { ClusterView, clusterView } from "../resources/cluster";
import {
  KubernetesVersion,
  PoolView,
  clusterDisplayName,
  compareMinor,
  distinctPools,
  inlinePools,
  outputsWithInputs,
  parseKubernetesVersion,
  poolInCluster,
  poolsByCluster,
} from "../resources/pools";
import { T } from "../resources/tokens";

interface Options {
  maxMinorSkew: number | null;
}

interface Versioned {
  version: KubernetesVersion;
  /** `path=value` for messages. */
  shown: string;
}

/** A declared version, else the running one (`current…`, an output); undefined when neither is usable. */
function versionAt(
  declared: Read<string>,
  declaredPath: string,
  current: Read<string> | undefined,
  currentPath: string,
): Versioned | Unknown | undefined {
  if (declared === Unknown) return Unknown;
  const [text, path] = declared === undefined ? [current, currentPath] : [declared, declaredPath];
  if (typeof text !== "string") return undefined;
  const version = parseKubernetesVersion(text);
  return version ? { version, shown: `${path}=${safe(text, "k8sVersion")}` } : undefined;
}

function controlPlane(props: PropertyBag): Versioned | Unknown | undefined {
  return versionAt(
    readString(props, "kubernetesVersion"),
    "kubernetesVersion",
    readString(props, "currentKubernetesVersion"),
    "currentKubernetesVersion",
  );
}

/**
 * "Starting with Kubernetes 1.28, the control plane can be up to three minor versions ahead of node pools"
 * (`upgrade-aks-control-plane.md`); two before. The azure-native 3.28.0 doc comment still says two: outdated.
 */
function allowedSkew(cp: KubernetesVersion, configured: number | null): number {
  if (configured !== null) return configured;
  return compareMinor(cp, { major: 1, minor: 28 }) >= 0 ? 3 : 2;
}

function poolFindings(pool: PoolView, cluster: ClusterView, cp: Versioned, options: Options): Finding[] {
  const inline = pool.source === "agentPoolProfiles" || pool.source === "defaultNodePool";
  const where = {
    urn: pool.urn,
    subject: { type: pool.type, name: pool.pulumiName },
    key: `skew:${typeof pool.name === "string" ? pool.name.toLowerCase() : pool.path}`,
  };
  const pv = versionAt(
    pool.orchestratorVersion,
    inline ? `${pool.path}.orchestratorVersion` : "orchestratorVersion",
    pool.currentOrchestratorVersion,
    inline ? `${pool.path}.currentOrchestratorVersion` : "currentOrchestratorVersion",
  );
  const label = poolInCluster(pool, clusterDisplayName(cluster));
  if (pv === undefined) return [];
  if (pv === Unknown) {
    return [
      {
        kind: "cannot-know",
        message: `the version skew of ${label} (its \`orchestratorVersion\` is unknown)`,
        ...where,
        key: `${where.key}:unknown`,
      },
    ];
  }
  const [p, c] = [pv.version, cp.version];
  const versions = `(${pv.shown}; control plane ${cp.shown})`;
  if (p.major !== c.major) {
    return [
      {
        kind: "violation",
        message: `${label} runs another major Kubernetes version than its control plane ${versions}`,
        fix: "set the pool's `orchestratorVersion` to the control plane's major version",
        ...where,
      },
    ];
  }
  const newer =
    p.minor > c.minor ||
    (p.minor === c.minor && p.patch !== undefined && c.patch !== undefined && p.patch > c.patch);
  if (newer) {
    return [
      {
        kind: "violation",
        message: `${label} is newer than its control plane ${versions}; a node pool cannot run a newer version than the control plane`,
        fix: "upgrade the control plane (`kubernetesVersion`) first, then the pool's `orchestratorVersion`",
        ...where,
      },
    ];
  }
  const skew = c.minor - p.minor;
  const max = allowedSkew(c, options.maxMinorSkew);
  if (skew <= max) return [];
  return [
    {
      kind: "violation",
      message:
        `${label} is ${skew} minor versions behind its control plane ${versions}; at most ${max} ` +
        `${max === 1 ? "is" : "are"} allowed ${options.maxMinorSkew === null ? `(control plane ${c.major}.${c.minor}, upgrade-aks-control-plane.md)` : "by `maxMinorSkew`"}` +
        ", and a pool that falls further behind blocks control-plane upgrades (S31)",
      ...where,
    },
  ];
}

export default defineRule<Options>({
  id: "aks-node-pool-version-skew",
  title: "Keep node pools within the allowed version skew of the control plane",
  area: "upgrades",
  description:
    "Flags node pools whose Kubernetes version is newer than the control plane, of another major version, or more minor versions behind it than AKS allows.",
  source: {
    sections: ["customer-responsibilities-for-aks-worker-nodes"],
    statements: ["S31"],
    currentDocs: ["upgrade-aks-control-plane.md", "supported-kubernetes-versions.md"],
  },
  defaultLevel: "advisory",
  resourceTypes: [T.managedCluster, T.agentPool, T.classicCluster, T.classicNodePool],
  options: {
    maxMinorSkew: {
      type: ["integer", "null"],
      minimum: 0,
      default: null,
      description:
        "Minor versions a pool may lag behind the control plane; null = AKS's rule: 3 from control plane 1.28 on, else 2.",
    },
  },
  fix:
    "upgrade the pool's `orchestratorVersion` before or together with the control plane's `kubernetesVersion`, " +
    "one minor version at a time",
  docs: {
    why:
      "Running Kubernetes upgrades is the customer's job (support policy §customer-responsibilities-for-aks-worker-nodes, " +
      "S31), and it includes the node pools: AKS lets the control plane run at most three minor versions ahead of " +
      "a node pool from Kubernetes 1.28 on, two before (`upgrade-aks-control-plane.md`), and never behind one. A " +
      "pool left further behind is unsupported and blocks the next control-plane upgrade.",
    checks: [
      "Over the whole stack, per cluster: the control-plane version `CP` (`kubernetesVersion`, else the output",
      "`currentKubernetesVersion`; clusters without a usable one are skipped) against every pool's version `PV`",
      "(`orchestratorVersion`, else the output `currentOrchestratorVersion`; a pool without one runs `CP`):",
      "",
      "- inline `agentPoolProfiles[]` / classic `defaultNodePool`, and separate `AgentPool` /",
      "  `KubernetesClusterNodePool` resources joined to their cluster (by `resourceGroupName` + `resourceName`, by",
      "  cluster id, or by their dependency on the cluster when those are unknown in preview);",
      "- `PV` of another major version, or newer than `CP` (minor, then patch when both give one) → finding;",
      "- `CP.minor − PV.minor` above `maxMinorSkew` (default: 3 when `CP` ≥ 1.28, else 2) → finding.",
      "",
      "Inline pools are also judged as the cluster is registered. Pools of clusters outside the stack are",
      "skipped; malformed versions are `aks-kubernetes-version-supported`'s findings.",
    ].join("\n"),
    violating: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      'const cluster = new containerservice.ManagedCluster("aks", {',
      '  resourceGroupName: "rg",',
      '  resourceName: "aks1",',
      '  kubernetesVersion: "1.35",',
      '  agentPoolProfiles: [{ name: "system", mode: "System", count: 3, orchestratorVersion: "1.35" }],',
      "});",
      'new containerservice.AgentPool("legacy", {',
      '  resourceGroupName: "rg",',
      "  resourceName: cluster.name,",
      '  agentPoolName: "legacy",',
      '  mode: "User",',
      '  orchestratorVersion: "1.31",',
      "});",
    ].join("\n"),
    fixed: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      'const cluster = new containerservice.ManagedCluster("aks", {',
      '  resourceGroupName: "rg",',
      '  resourceName: "aks1",',
      '  kubernetesVersion: "1.35",',
      '  agentPoolProfiles: [{ name: "system", mode: "System", count: 3, orchestratorVersion: "1.35" }],',
      "});",
      'new containerservice.AgentPool("legacy", {',
      '  resourceGroupName: "rg",',
      "  resourceName: cluster.name,",
      '  agentPoolName: "legacy",',
      '  mode: "User",',
      '  orchestratorVersion: "1.35",',
      "});",
    ].join("\n"),
    limits:
      "The cross-resource check runs over the whole stack (`AnalyzeStack`), which `pulumi up` runs in its preview " +
      "phase. A version unknown during preview is not reported unless the rule is made mandatory (then as " +
      "advisory); pools created outside this stack are invisible.",
  },
  checkResource(resource, ctx) {
    const cluster = clusterView(resource);
    if (!cluster) return [];
    const cp = controlPlane(resource.props);
    const pools = inlinePools(resource);
    if (cp === undefined || cp === Unknown || pools === Unknown) return [];
    return pools.flatMap((p) => poolFindings(p, cluster, cp, ctx.config));
  },
  checkStack(resources, ctx) {
    const propsOf = (r: (typeof resources)[number]) => outputsWithInputs(r, ctx.inputsOf);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const findings: Finding[] = [];
    for (const { cluster, pools } of poolsByCluster(resources, ctx.clusters, propsOf).clusters) {
      const resource = byUrn.get(cluster.urn);
      const cp = resource ? controlPlane(propsOf(resource)) : undefined;
      if (cp === undefined || cp === Unknown) continue;
      for (const pool of distinctPools(pools)) findings.push(...poolFindings(pool, cluster, cp, ctx.config));
    }
    return findings;
  },
});
