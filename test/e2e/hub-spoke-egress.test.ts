/**
 * The network rules end to end: a hub-and-spoke Pulumi program (Azure Firewall + UDR) run offline on the real
 * @pulumi/pulumi runtime under mocks (`loadProgram`), analysed by the real compiled pack over the Analyzer
 * protocol (`runPolicyPack`, needs `npm run build`). In preview every new resource's id is unknown, so every
 * join (cluster → subnet → NSG/route table → firewall → policy → rule collection group) goes through the
 * property dependencies the engine sends.
 */
import * as path from "path";
import { runPolicyPack } from "../../src/host/analyzer-client";
import { type LoadedProgram, loadProgram } from "../../src/host/loaders/program";
import type { Diagnostic } from "../../src/host/analyzer-client";

const ROOT = path.resolve(__dirname, "../..");
const PROGRAM = path.join(ROOT, "test/fixtures/programs/hub-spoke");
const NETWORK_RULES = [
  "aks-nsg-required-egress",
  "aks-firewall-required-egress",
  "aks-route-table-egress",
  "aks-nsg-intra-cluster-traffic",
];

async function analyse(stack: string): Promise<{ program: LoadedProgram; diagnostics: Diagnostic[] }> {
  const program = await loadProgram({ dir: PROGRAM, stack });
  const run = await runPolicyPack({
    packDir: path.join(ROOT, "policypack"),
    identity: { stack, project: program.project, organization: "organization", tags: {}, dryRun: true },
    stackConfig: program.stackConfig,
    resources: program.resources,
  });
  return { program, diagnostics: run.diagnostics.filter((d) => NETWORK_RULES.includes(d.policyName)) };
}

function urnOf(program: LoadedProgram, name: string): string {
  const r = program.resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name}`);
  return r.urn;
}

describe("hub-and-spoke program (firewall + UDR) through the real pack", () => {
  test("compliant: ids unknown, joins through dependencies, no network finding", async () => {
    const { program, diagnostics } = await analyse("compliant");
    const subnet = program.resources.find((r) => r.name === "aks-subnet");
    expect(subnet?.inputs.routeTable).toEqual({ id: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });
    expect(diagnostics).toEqual([]);
  });

  test("broken: NSG Deny of TCP 443 and a firewall that denies 443 before its MCR-only allow", async () => {
    const { program, diagnostics } = await analyse("broken");
    const summary = diagnostics.map((d) => [d.policyName, d.enforcementLevel, d.urn]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ["aks-nsg-required-egress", "mandatory", urnOf(program, "deny-https-out")],
        ["aks-firewall-required-egress", "mandatory", urnOf(program, "aks-egress")],
      ]),
    );
    const nsg = diagnostics.find((d) => d.policyName === "aks-nsg-required-egress");
    expect(nsg?.message).toContain(
      "rule deny-https-out (priority 100, Outbound Deny Tcp, ports 443, from * to Internet) of NSG nsg-aks blocks " +
        'the required egress of subnet "snet-aks" (10.0.0.0/22) of AKS cluster "aks-spoke"',
    );
    const firewall = diagnostics.find(
      (d) => d.policyName === "aks-firewall-required-egress" && d.enforcementLevel === "mandatory",
    );
    expect(firewall?.message).toContain(
      "through Azure Firewall fw-hub: HTTPS 443 → *.hcp.westeurope.azmk8s.io",
    );
    expect(firewall?.message).toContain(
      "(denied by rule collection deny-https (priority 100, group priority 200))",
    );
    expect(
      diagnostics.filter((d) =>
        ["aks-route-table-egress", "aks-nsg-intra-cluster-traffic"].includes(d.policyName),
      ),
    ).toEqual([]);
  });
});
