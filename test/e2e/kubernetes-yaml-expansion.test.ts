/**
 * Objects that a YAML manifest expands into reach the policy pack one by one, as resources of their own
 * (rule-catalog §2.17): a tiny Pulumi program (test/fixtures/programs/yaml-bundle) installs a bundle mixing a
 * stable, a beta and an alpha object with the v1 `kubernetes:yaml` components, which expand in the program. The
 * program runs offline on the real @pulumi/pulumi and @pulumi/kubernetes 4.34.2 under mocks, and the captured
 * resources go through the real compiled pack (policypack/, after `npm run build`) over gRPC.
 */
import * as path from "path";
import { Diagnostic, runPolicyPack } from "../../src/host/analyzer-client";
import { LoadedProgram, loadProgram } from "../../src/host/loaders/program";
import type { StackIdentity } from "../../src/host/types";

const ROOT = path.join(__dirname, "..", "..");
const PROGRAM = path.join(ROOT, "test", "fixtures", "programs", "yaml-bundle");
const PACK = path.join(ROOT, "policypack");
const KUBERNETES_RULES = ["aks-alpha-kubernetes-api", "aks-beta-kubernetes-api"];

const identity: StackIdentity = {
  stack: "dev",
  project: "yaml-bundle",
  organization: "organization",
  tags: {},
  dryRun: true,
};

let program: LoadedProgram;

beforeAll(async () => {
  program = await loadProgram({ dir: PROGRAM, stack: "dev" });
}, 120_000);

function children(component: string): Map<string, string> {
  const parent = program.resources.find((r) => r.type === component)?.urn;
  return new Map(program.resources.filter((r) => parent && r.parent === parent).map((r) => [r.type, r.urn]));
}

async function kubernetesFindings(packConfig?: Parameters<typeof runPolicyPack>[0]["packConfig"]) {
  const run = await runPolicyPack({
    packDir: PACK,
    identity,
    stackConfig: program.stackConfig,
    resources: program.resources,
    packConfig,
  });
  return run.diagnostics.filter((d: Diagnostic) => KUBERNETES_RULES.includes(d.policyName));
}

describe("YAML bundle expanded by kubernetes:yaml:ConfigGroup (v1, objects)", () => {
  const alpha = "kubernetes:resource.k8s.io/v1alpha3:DeviceClass";
  const beta = "kubernetes:flowcontrol.apiserver.k8s.io/v1beta3:FlowSchema";
  const stable = "kubernetes:apps/v1:Deployment";

  it("registers each object as its own resource, a child of the component", () => {
    expect([...children("kubernetes:yaml:ConfigGroup").keys()].sort()).toEqual([stable, alpha, beta].sort());
  });

  it("the real pack reports the alpha object (mandatory) and nothing for the beta one by default", async () => {
    const urns = children("kubernetes:yaml:ConfigGroup");
    const findings = (await kubernetesFindings()).filter((d) => [...urns.values()].includes(d.urn));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      policyName: "aks-alpha-kubernetes-api",
      urn: urns.get(alpha),
      enforcementLevel: "mandatory",
      phase: "analyze",
    });
    expect(findings[0].message).toContain(
      "uses the alpha API resource.k8s.io/v1alpha3 for DeviceClass (object gpu-alpha)",
    );
  }, 60_000);

  it("with the beta rule turned on for the stack, the beta object alone gets it", async () => {
    const findings = await kubernetesFindings({
      "aks-beta-kubernetes-api": {
        enforcementLevel: "advisory",
        properties: { stacks: { dev: "advisory" } },
      },
    });
    const urns = children("kubernetes:yaml:ConfigGroup");
    const beta_ = findings.filter(
      (d) => d.policyName === "aks-beta-kubernetes-api" && [...urns.values()].includes(d.urn),
    );
    expect(beta_).toHaveLength(1);
    expect(beta_[0]).toMatchObject({ urn: urns.get(beta), enforcementLevel: "advisory" });
    expect(beta_[0].message).toContain("Kubernetes 1.32 and later no longer serve");
    expect(findings.filter((d) => d.urn === urns.get(stable))).toEqual([]);
  }, 60_000);
});

describe("YAML bundle expanded by kubernetes:yaml:ConfigFile (v1, kubernetes:yaml:decode invoke)", () => {
  // The program loader answers `kubernetes:yaml:decode` as the provider does (YAML documents → objects), so
  // ConfigFile expands in the program and registers each object as a child.
  it("registers each decoded object as its own resource, a child of the component", () => {
    expect([...children("kubernetes:yaml:ConfigFile").keys()].sort()).toEqual(
      [
        "kubernetes:apps/v1:Deployment",
        "kubernetes:flowcontrol.apiserver.k8s.io/v1beta3:FlowSchema",
        "kubernetes:resource.k8s.io/v1alpha3:DeviceClass",
      ].sort(),
    );
  });

  it("the real pack reports the decoded alpha object as mandatory", async () => {
    const alphaUrn = children("kubernetes:yaml:ConfigFile").get(
      "kubernetes:resource.k8s.io/v1alpha3:DeviceClass",
    );
    const findings = await kubernetesFindings();
    expect(findings.filter((d) => d.urn === alphaUrn).map((d) => [d.policyName, d.enforcementLevel])).toEqual(
      [["aks-alpha-kubernetes-api", "mandatory"]],
    );
  }, 60_000);
});
