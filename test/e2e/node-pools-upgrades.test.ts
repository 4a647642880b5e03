/**
 * The node-pool and upgrade rules through the process boundary: `pulumi stack export` fixtures analysed by
 * the real compiled pack (spawned through @pulumi/pulumi's run-policy-pack, driven over the Analyzer gRPC
 * protocol), directly with `runPolicyPack` and through the CLI entry. Needs `npm run build` (as `npm test`
 * runs first).
 *
 * The pack uses today's date: the versions in the fixtures (1.34–1.36) are judged against the bundled
 * calendar (checked 2026-11-23); when these expectations start failing, the release data is stale.
 */
import * as path from "path";
import { main } from "../../src/cli/main";
import { Diagnostic, runPolicyPack } from "../../src/host/analyzer-client";
import { loadResourceFile } from "../../src/host/loaders";

const ROOT = path.join(__dirname, "..", "..");
const EXPORTS = path.join(ROOT, "test", "fixtures", "exports");
const MULTI_POOL = path.join(EXPORTS, "node-pools-multi.json");
const USER_POOL_ONLY = path.join(EXPORTS, "user-pool-only.json");

const RULES = [
  "aks-cluster-auto-upgrade",
  "aks-kubernetes-version-supported",
  "aks-node-os-upgrade",
  "aks-node-pool-not-stopped",
  "aks-node-pool-version-skew",
  "aks-node-ssh-access",
  "aks-system-node-pool",
];

const urn = (type: string, name: string) => `urn:pulumi:prod::platform::${type}::${name}`;
const LEGACY = urn("azure:containerservice/kubernetesCluster:KubernetesCluster", "legacy");
const LEGACY_USER = urn(
  "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
  "legacy-user",
);

async function analyse(stack: string, stackConfig: Record<string, string> = {}): Promise<Diagnostic[]> {
  const { resources } = loadResourceFile(MULTI_POOL);
  const run = await runPolicyPack({
    packDir: path.join(ROOT, "policypack"),
    identity: { stack, project: "platform", organization: "organization", tags: {}, dryRun: true },
    stackConfig,
    resources,
  });
  return run.diagnostics
    .filter((d) => RULES.includes(d.policyName))
    .sort((a, b) => `${a.policyName}${a.urn}`.localeCompare(`${b.policyName}${b.urn}`));
}

describe("a multi-pool AKS estate (inline System + User pools, a separate AgentPool, a classic cluster and node pool)", () => {
  // The azure-native cluster is compliant: its outputs list the separate `batch` pool as well (as ARM
  // returns every pool), which must neither be double-counted nor hide anything. The classic cluster carries
  // three advisory findings.
  const expected = (autoUpgradeLevel: string) => [
    {
      policyName: "aks-cluster-auto-upgrade",
      urn: LEGACY,
      enforcementLevel: autoUpgradeLevel,
      message: expect.stringContaining(
        'cluster "aks-legacy-prod" uses upgrade channel patch (automaticUpgradeChannel=patch)',
      ),
    },
    {
      policyName: "aks-kubernetes-version-supported",
      urn: LEGACY_USER,
      enforcementLevel: "advisory",
      message: expect.stringContaining(
        'pool "user" of cluster "aks-legacy-prod" runs Kubernetes 1.34 (orchestratorVersion=1.34), below the supported window 1.35–1.37',
      ),
    },
    {
      policyName: "aks-node-ssh-access",
      urn: LEGACY,
      enforcementLevel: "advisory",
      message: expect.stringContaining('cluster "aks-legacy-prod" configures an SSH public key'),
    },
  ];

  test.each(["dev", "prod"])(
    "on %s: three advisories on the classic cluster, none on the azure-native one",
    async (stack) => {
      const diagnostics = await analyse(stack);
      expect(diagnostics).toEqual(expected("advisory").map((e) => expect.objectContaining(e)));
      expect(JSON.stringify(diagnostics)).not.toContain("AAAAB3");
    },
  );

  test("on prod with stack config making auto-upgrade mandatory", async () => {
    const diagnostics = await analyse("prod", {
      "aks-guardrails:levels": JSON.stringify({ "aks-cluster-auto-upgrade": "mandatory" }),
    });
    expect(diagnostics).toEqual(expected("mandatory").map((e) => expect.objectContaining(e)));
  });
});

describe("CLI", () => {
  async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      readStdin: () => "",
      isTty: false,
      env: {},
    });
    return { code, stdout, stderr };
  }

  test("a cluster with only a User-mode pool: mandatory aks-system-node-pool naming it, exit 1", async () => {
    const { code, stdout, stderr } = await cli(["scan", USER_POOL_ONLY, "--format", "json"]);
    expect(stderr).toBe("");
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as {
      stack: string;
      violations: Array<{ policy: string; urn: string; enforcementLevel: string; message: string }>;
    };
    expect(report.stack).toBe("dev");
    const system = report.violations.filter((v) => v.policy === "aks-system-node-pool");
    expect(system).toEqual([
      {
        ...system[0],
        urn: "urn:pulumi:dev::platform::azure-native:containerservice:ManagedCluster::aks",
        enforcementLevel: "mandatory",
      },
    ]);
    expect(system[0].message).toContain(
      'cluster "aks-user-only" has no System-mode node pool (pools: apps (mode=User))',
    );
  });

  test("the multi-pool estate scans with exit 0 (advisories only)", async () => {
    const { code, stdout } = await cli(["scan", MULTI_POOL, "--format", "json"]);
    const report = JSON.parse(stdout) as { violations: Array<{ policy: string; enforcementLevel: string }> };
    const mine = report.violations.filter((v) => RULES.includes(v.policy));
    expect(mine.map((v) => v.enforcementLevel)).toEqual(["advisory", "advisory", "advisory"]);
    // Other rules may report on the same export; the exit code follows whether any finding is mandatory.
    expect(code).toBe(report.violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0);
  });

  test("`rules` lists every node-pool and upgrade rule", async () => {
    const { code, stdout } = await cli(["rules", "--format", "json"]);
    expect(code).toBe(0);
    const ids = (JSON.parse(stdout) as { rules: Array<{ id: string }> }).rules.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(RULES));
  });
});
