import { Finding, ResourceInput, StackResource, defineRule } from "../model/rule";
import { Invalid, Read, Unknown, equalsIgnoreCase, readString, safe } from "../model/values";
import { ClusterRegistry, ClusterView, clusterView } from "../resources/cluster";
import {
  KubernetesVersion,
  PoolView,
  clusterDisplayName,
  clusterUnknown,
  compareMinor,
  inlinePools,
  outputsWithInputs,
  parseKubernetesVersion,
  poolCluster,
  poolInCluster,
  poolsByCluster,
  separatePool,
} from "../resources/pools";
import { T } from "../resources/tokens";

/**
 * The date the bundled calendar and the option defaults were last checked against
 * `supported-kubernetes-versions.md` (ms.date 2026-08-05). Release data: bump the defaults and the calendar
 * whenever AKS makes a minor GA or ends one, and update this date.
 */
export const CALENDAR_LAST_CHECKED = "2026-11-23";

interface Release {
  /** AKS GA month. */
  ga: string;
  /** End of life under the KubernetesOfficial plan (last day of the month when the docs give a month). */
  eol: string;
  /** End of life under AKSLongTermSupport. */
  ltsEol: string;
}

/** AKS release calendar (`supported-kubernetes-versions.md`), by minor version. */
const CALENDAR: Readonly<Record<string, Release>> = {
  "1.29": { ga: "2024-03", eol: "2025-03-31", ltsEol: "2026-04-30" },
  "1.30": { ga: "2024-07", eol: "2025-08-22", ltsEol: "2026-07-31" },
  "1.31": { ga: "2024-11", eol: "2025-11-01", ltsEol: "2026-11-30" },
  "1.32": { ga: "2025-04", eol: "2026-03-31", ltsEol: "2027-03-31" },
  "1.33": { ga: "2025-06", eol: "2026-07-31", ltsEol: "2027-07-31" },
  "1.34": { ga: "2025-11", eol: "2026-11-30", ltsEol: "2027-11-30" },
  "1.35": { ga: "2026-03", eol: "2027-03-31", ltsEol: "2028-03-31" },
  "1.36": { ga: "2026-06", eol: "2027-06-30", ltsEol: "2028-06-30" },
  "1.37": { ga: "2026-10", eol: "2027-10-31", ltsEol: "2028-10-31" },
};

interface Options {
  minimumVersion: string;
  ltsMinimumVersion: string;
  maximumGAVersion: string;
  eolWarningDays: number;
}

type Plan = "official" | "lts";

const EXPECTED_FORM = 'expected `<major>.<minor>[.<patch>]`, e.g. "1.35" or "1.35.2"';
const DAY_MS = 24 * 60 * 60 * 1000;

/** A version property to judge: where it is, for messages and de-duplication. */
interface Subject {
  /** `cluster "aks1"` or `pool "user" of cluster "aks1"`. */
  label: string;
  path: string;
  key: string;
  urn?: string;
  subject?: { type: string; name: string };
}

function planOf(supportPlan: Read<string>): Plan | Unknown {
  if (supportPlan === Unknown) return Unknown;
  return typeof supportPlan === "string" && equalsIgnoreCase(supportPlan, "AKSLongTermSupport")
    ? "lts"
    : "official";
}

const minor = (v: KubernetesVersion) => `${v.major}.${v.minor}`;

function endOfDay(date: string): Date {
  return new Date(`${date}T23:59:59Z`);
}

/** Findings for one parsed version under one support plan. */
function judge(
  version: KubernetesVersion,
  text: string,
  plan: Plan,
  at: Subject,
  options: Options,
  now: Date,
): Finding[] {
  const min = parseKubernetesVersion(plan === "lts" ? options.ltsMinimumVersion : options.minimumVersion);
  const max = parseKubernetesVersion(options.maximumGAVersion);
  if (!min || !max) return [];
  const planName = plan === "lts" ? "AKSLongTermSupport" : "KubernetesOfficial";
  const release = CALENDAR[minor(version)];
  const eol = release ? (plan === "lts" ? release.ltsEol : release.eol) : undefined;
  const shown = `${at.path}=${safe(text, "k8sVersion")}`;
  const window = `${minor(min)}–${minor(max)}`;
  const where = { key: at.key, urn: at.urn, subject: at.subject };
  if (compareMinor(version, min) < 0) {
    let status: string;
    if (eol && now.getTime() <= endOfDay(eol).getTime()) status = `still supported until ${eol}`;
    else if (plan === "official" && version.major === max.major && version.minor === max.minor - 3) {
      status = "in platform support only (N-3): no security patches or fixes";
    } else status = eol ? `out of support since ${eol}` : "out of support";
    return [
      {
        kind: "violation",
        message:
          `${at.label} runs Kubernetes ${minor(version)} (${shown}), below the supported window ${window} ` +
          `for the ${planName} plan: ${status} (S31)`,
        fix:
          `upgrade one minor version at a time (\`kubernetesVersion\` first, then each pool's \`orchestratorVersion\`) ` +
          `to at least ${minor(min)}, or let AKS do it with \`autoUpgradeProfile: { upgradeChannel: "stable" }\``,
        ...where,
      },
    ];
  }
  if (compareMinor(version, max) > 0) {
    return [
      {
        kind: "violation",
        message:
          `${at.label} asks for Kubernetes ${minor(version)} (${shown}), newer than the newest GA minor ` +
          `${minor(max)}: a preview Kubernetes version, not for production (S53)`,
        fix: `use a GA version between ${window}`,
        ...where,
      },
    ];
  }
  if (eol && endOfDay(eol).getTime() - now.getTime() <= options.eolWarningDays * DAY_MS) {
    const ended = now.getTime() > endOfDay(eol).getTime();
    const days = Math.ceil((endOfDay(eol).getTime() - now.getTime()) / DAY_MS);
    return [
      {
        kind: "violation",
        advisoryOnly: true,
        message:
          `${at.label} runs Kubernetes ${minor(version)} (${shown}), which ` +
          (ended
            ? `reached end of life on ${eol} under the ${planName} plan (S31)`
            : `reaches end of life on ${eol} under the ${planName} plan (in ${days} day${days === 1 ? "" : "s"}) (S31)`),
        fix: `upgrade to ${version.major}.${version.minor + 1} or later${ended ? "" : ` before ${eol}`} (one minor version at a time)`,
        ...where,
      },
    ];
  }
  return [];
}

/**
 * One version property. `plan` is `defer` for a separate pool whose cluster is not known yet: then a
 * verdict that depends on the plan is left to the stack check, which joins the pool to its cluster.
 */
function checkVersion(
  value: Read<string>,
  plan: Plan | Unknown | "defer",
  at: Subject,
  options: Options,
  now: Date,
): Finding[] {
  if (value === undefined) return [];
  const where = { key: at.key, urn: at.urn, subject: at.subject };
  if (value === Unknown) {
    return [
      {
        kind: "cannot-know",
        message: `the Kubernetes version of ${at.label} (\`${at.path}\` is unknown)`,
        ...where,
        key: `${at.key}:unknown`,
      },
    ];
  }
  const version = value === Invalid ? undefined : parseKubernetesVersion(value);
  if (value === Invalid || !version) {
    return [
      {
        kind: "violation",
        advisoryOnly: true,
        message:
          `${at.label} sets \`${at.path}\` to ${value === Invalid ? "a non-string value" : safe(value, "k8sVersion")}, ` +
          `which is not a Kubernetes version (${EXPECTED_FORM})`,
        fix: `write \`${at.path}\` as a string such as "${options.minimumVersion}"`,
        ...where,
      },
    ];
  }
  if (plan === "official" || plan === "lts") return judge(version, value, plan, at, options, now);
  const official = judge(version, value, "official", at, options, now);
  const lts = judge(version, value, "lts", at, options, now);
  const same =
    official.length === lts.length && official.every((f, i) => f.advisoryOnly === lts[i].advisoryOnly);
  if (same) return official;
  if (plan === "defer") return [];
  return [
    {
      kind: "cannot-know",
      message: `whether Kubernetes ${minor(version)} of ${at.label} is supported (\`supportPlan\` is unknown)`,
      ...where,
      key: `${at.key}:unknown`,
    },
  ];
}

function poolSubject(pool: PoolView, cluster: string | undefined): Subject {
  const label = poolInCluster(pool, cluster);
  if (pool.source === "agentPoolProfiles" || pool.source === "defaultNodePool") {
    const name = typeof pool.name === "string" ? pool.name.toLowerCase() : pool.path;
    return { label, path: `${pool.path}.orchestratorVersion`, key: `version:pool:${name}` };
  }
  return {
    label,
    path: "orchestratorVersion",
    key: "version:orchestratorVersion",
    urn: pool.urn,
    subject: { type: pool.type, name: pool.pulumiName },
  };
}

function checkCluster(resource: ResourceInput, cluster: ClusterView, options: Options, now: Date): Finding[] {
  if (cluster.kind === "classic-automatic") return [];
  const name = clusterDisplayName(cluster);
  const plan = planOf(cluster.supportPlan);
  const findings = checkVersion(
    readString(resource.props, "kubernetesVersion"),
    plan,
    { label: `cluster "${name}"`, path: "kubernetesVersion", key: "version:kubernetesVersion" },
    options,
    now,
  );
  const pools = inlinePools(resource);
  if (pools === Unknown) return findings;
  for (const pool of pools) {
    findings.push(...checkVersion(pool.orchestratorVersion, plan, poolSubject(pool, name), options, now));
  }
  return findings;
}

function checkSeparatePool(
  pool: PoolView,
  cluster: ClusterView | undefined,
  orphanPlan: Plan | Unknown | "defer",
  options: Options,
  now: Date,
): Finding[] {
  const plan = cluster ? planOf(cluster.supportPlan) : orphanPlan;
  const name = cluster ? clusterDisplayName(cluster) : undefined;
  return checkVersion(pool.orchestratorVersion, plan, poolSubject(pool, name), options, now);
}

function checkResource(
  resource: ResourceInput,
  clusters: ClusterRegistry,
  options: Options,
  now: Date,
): Finding[] {
  const cluster = clusterView(resource);
  if (cluster) return checkCluster(resource, cluster, options, now);
  const pool = separatePool(resource);
  if (!pool) return [];
  return checkSeparatePool(pool, poolCluster(resource, resource.props, clusters), "defer", options, now);
}

function checkStack(
  resources: readonly StackResource[],
  clusters: ClusterRegistry,
  propsOf: (r: StackResource) => Readonly<Record<string, unknown>>,
  options: Options,
  now: Date,
): Finding[] {
  const joined = poolsByCluster(resources, clusters, propsOf);
  const findings: Finding[] = [];
  for (const { cluster, pools } of joined.clusters) {
    for (const pool of pools) {
      if (pool.source === "AgentPool" || pool.source === "KubernetesClusterNodePool") {
        findings.push(...checkSeparatePool(pool, cluster, "official", options, now));
      }
    }
  }
  // A pool of a cluster managed elsewhere is judged under AKS's default plan, KubernetesOfficial; one whose
  // cluster is unknown in preview may belong to an LTS cluster of this stack.
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  for (const pool of joined.orphans) {
    const resource = byUrn.get(pool.urn);
    const unknown = resource !== undefined && clusterUnknown(resource, propsOf(resource));
    findings.push(...checkSeparatePool(pool, undefined, unknown ? Unknown : "official", options, now));
  }
  return findings;
}

const versionOption = (fallback: string, description: string) =>
  ({ type: "string", pattern: "^\\d+\\.\\d+$", default: fallback, description }) as const;

const calendarTable = [
  "| minor | AKS GA | end of life | LTS end of life |",
  "|---|---|---|---|",
  ...Object.entries(CALENDAR).map(([v, r]) => `| ${v} | ${r.ga} | ${r.eol} | ${r.ltsEol} |`),
].join("\n");

export default defineRule<Options>({
  id: "aks-kubernetes-version-supported",
  title: "Run a supported, generally available Kubernetes version",
  area: "upgrades",
  description:
    "Flags AKS clusters and node pools whose Kubernetes version is below AKS's supported window (N-2 GA minors, or the LTS window), a preview version, or about to reach end of life.",
  source: {
    sections: ["customer-responsibilities-for-aks-worker-nodes"],
    statements: ["S31", "S53"],
    currentDocs: ["supported-kubernetes-versions.md", "upgrade-aks-control-plane.md"],
  },
  defaultLevel: "advisory",
  data: {
    what: "the AKS Kubernetes version calendar and N-2 window (`supported-kubernetes-versions.md`)",
    lastChecked: CALENDAR_LAST_CHECKED,
  },
  resourceTypes: [T.managedCluster, T.agentPool, T.classicCluster, T.classicNodePool],
  options: {
    minimumVersion: versionOption(
      "1.35",
      `Oldest supported minor under the KubernetesOfficial plan (N-2; checked ${CALENDAR_LAST_CHECKED}, bump when AKS makes a minor GA).`,
    ),
    ltsMinimumVersion: versionOption(
      "1.32",
      `Oldest supported minor under AKSLongTermSupport (checked ${CALENDAR_LAST_CHECKED}).`,
    ),
    maximumGAVersion: versionOption(
      "1.37",
      `Newest minor generally available in AKS; newer ones are previews (checked ${CALENDAR_LAST_CHECKED}).`,
    ),
    eolWarningDays: {
      type: "integer",
      minimum: 0,
      default: 30,
      description: "Warn (advisory) this many days before a supported minor reaches end of life.",
    },
  },
  fix:
    "upgrade one minor version at a time (`kubernetesVersion`, then each pool's `orchestratorVersion`) into the " +
    'supported window, or set `autoUpgradeProfile: { upgradeChannel: "stable" }`',
  docs: {
    why:
      "Running Kubernetes upgrades is the customer's responsibility (support policy " +
      "§customer-responsibilities-for-aks-worker-nodes, S31): AKS supports the three newest GA minor versions (N-2; " +
      "`supported-kubernetes-versions.md`), the N-3 minor gets platform support only, and a long-term-support " +
      "plan (`AKSLongTermSupport`) extends a minor to two years. Preview Kubernetes versions are not for " +
      "production (S53).",
    checks: [
      "Versions read (missing = AKS picks its default GA version: nothing to check):",
      "",
      "- azure-native `ManagedCluster`: `kubernetesVersion` and `agentPoolProfiles[].orchestratorVersion`, with",
      "  `supportPlan`; `AgentPool`: `orchestratorVersion`, with its cluster's plan.",
      "- classic `KubernetesCluster`: `kubernetesVersion`, `defaultNodePool.orchestratorVersion`, `supportPlan`;",
      "  `KubernetesClusterNodePool`: `orchestratorVersion`.",
      "",
      'Accepted forms: `"1.35"`, `"1.35.2"`, `"v1.35.2"`; anything else is an advisory finding explaining',
      "`<major>.<minor>[.<patch>]`. Patch levels are not judged.",
      "",
      "- below `minimumVersion` (`ltsMinimumVersion` with `supportPlan: AKSLongTermSupport`) → finding stating",
      "  whether it is still supported until its end of life, in platform support (N-3), or out of support;",
      "- above `maximumGAVersion` → finding (a preview version);",
      "- inside the window and reaching end of life within `eolWarningDays` → advisory.",
      "",
      "A separate pool takes the plan of its cluster (joined by `resourceGroupName` + `resourceName`, by cluster",
      "id, or by its dependency on the cluster over the stack); a pool of a cluster outside the stack is judged",
      "under `KubernetesOfficial`. AKS Automatic clusters (classic `AutomaticCluster`) have no version to check.",
      "",
      `Bundled calendar (\`supported-kubernetes-versions.md\`; checked ${CALENDAR_LAST_CHECKED}):`,
      "",
      calendarTable,
      "",
      `The option defaults and this calendar are release data, last checked ${CALENDAR_LAST_CHECKED}: raise`,
      "`minimumVersion` and `maximumGAVersion` in the pack config when AKS makes a new minor GA before this",
      "package is updated.",
    ].join("\n"),
    violating: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      'new containerservice.ManagedCluster("aks", {',
      '  resourceGroupName: "rg",',
      '  resourceName: "aks1",',
      '  kubernetesVersion: "1.33.4",',
      '  agentPoolProfiles: [{ name: "system", mode: "System", count: 3, orchestratorVersion: "1.33.4" }],',
      "});",
    ].join("\n"),
    fixed: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      "// Upgraded one minor at a time (1.34, then 1.35), pools after the control plane.",
      'new containerservice.ManagedCluster("aks", {',
      '  resourceGroupName: "rg",',
      '  resourceName: "aks1",',
      '  kubernetesVersion: "1.35",',
      '  autoUpgradeProfile: { upgradeChannel: "stable" },',
      '  agentPoolProfiles: [{ name: "system", mode: "System", count: 3, orchestratorVersion: "1.35" }],',
      "});",
    ].join("\n"),
    limits:
      `The calendar and defaults are dated ${CALENDAR_LAST_CHECKED} and expire with the next AKS minor GA or end of ` +
      "life; the check uses today's date. A version or support plan unknown during preview is not reported unless " +
      "the rule is made mandatory (then as advisory).",
  },
  checkResource(resource, ctx) {
    return checkResource(resource, ctx.clusters, ctx.config, ctx.now);
  },
  checkStack(resources, ctx) {
    return checkStack(
      resources,
      ctx.clusters,
      (r) => outputsWithInputs(r, ctx.inputsOf),
      ctx.config,
      ctx.now,
    );
  },
});
