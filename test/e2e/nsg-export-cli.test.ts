/**
 * The done criterion through the CLI entry (`main`, `scan <file> --format json`), which spawns the
 * real compiled pack: a stack export whose AKS subnet NSG has `Deny Outbound Tcp 443 → Internet` at priority
 * 100 exits 1 with a mandatory `aks-nsg-required-egress` on that rule, while the same rule in the NSG of a
 * subnet no cluster uses gives no mandatory finding. Needs `npm run build`.
 */
import * as path from "path";
import { main } from "../../src/cli/main";

const EXPORT = path.join(__dirname, "..", "fixtures", "exports", "nsg-deny-443.json");
const PREFIX = "urn:pulumi:prod::platform::azure-native:network:SecurityRule::";

interface JsonReport {
  violations: Array<{ policy: string; urn: string; enforcementLevel: string; message: string }>;
  summary: { mandatory: number; advisory: number };
}

async function scan(argv: string[]): Promise<{ code: number; report: JsonReport }> {
  let stdout = "";
  let stderr = "";
  const code = await main(["scan", EXPORT, "--format", "json", ...argv], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: () => "",
    isTty: false,
    env: {},
  });
  if (code === 2) throw new Error(`scan failed: ${stderr}`);
  return { code, report: JSON.parse(stdout) as JsonReport };
}

describe("scan: an NSG Deny of TCP 443 on the AKS subnet", () => {
  test("exits 1 with a mandatory aks-nsg-required-egress on that rule, none on the unused subnet's rule", async () => {
    const { code, report } = await scan([]);
    expect(code).toBe(1);
    const findings = report.violations.filter((v) => v.policy === "aks-nsg-required-egress");
    expect(findings).toEqual([
      expect.objectContaining({ urn: `${PREFIX}aks-nsg-deny-https-out`, enforcementLevel: "mandatory" }),
    ]);
    expect(findings[0].message).toContain(
      "rule deny-https-out (priority 100, Outbound Deny Tcp, ports 443, from * to Internet) of NSG aks-nsg blocks the " +
        'required egress of subnet "aks" (10.0.0.0/22) of AKS cluster "aks1"',
    );
    expect(findings[0].message).toContain("§network-ports-access-and-nsgs (S24, S27, S48, S49)");
    expect(report.violations.some((v) => v.urn === `${PREFIX}batch-nsg-deny-https-out`)).toBe(false);
  });

  test("the other network rules stay silent on this stack", async () => {
    const { report } = await scan([]);
    const others = report.violations.filter((v) =>
      ["aks-nsg-intra-cluster-traffic", "aks-route-table-egress", "aks-firewall-required-egress"].includes(
        v.policy,
      ),
    );
    expect(others).toEqual([]);
  });
});
