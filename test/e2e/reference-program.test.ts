/**
 * The README's main job: the bundled reference program (Pulumi.yaml + reference/) run offline on the real
 * @pulumi/pulumi runtime under mocks, analysed by the real compiled pack over gRPC, for both stacks.
 */
import { main } from "../../src/cli/main";

interface JsonReport {
  stack: string;
  project: string;
  resources: number;
  violations: Array<{ policy: string; urn: string; enforcementLevel: string; message: string }>;
}

async function preview(stack: string): Promise<{ code: number; report: JsonReport; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(["preview", "--stack", stack, "--format", "json"], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: () => "",
    isTty: false,
    env: {},
  });
  if (code === 2) throw new Error(`preview failed: ${stderr}`);
  return { code, report: JSON.parse(stdout) as JsonReport, stderr };
}

describe("reference program", () => {
  test("prod is compliant: no finding at all, exit 0", async () => {
    const { code, report } = await preview("prod");
    expect(report.project).toBe("aks-reference");
    expect(report.stack).toBe("prod");
    expect(report.resources).toBeGreaterThanOrEqual(8);
    expect(report.violations).toEqual([]);
    expect(code).toBe(0);
  });

  test("dev registers an AKS preview feature: advisory only, exit 0", async () => {
    const { code, report } = await preview("dev");
    expect(code).toBe(0);
    const preview_ = report.violations.filter((v) => v.policy === "aks-preview-feature-registration");
    expect(preview_).toHaveLength(1);
    expect(preview_[0].enforcementLevel).toBe("advisory");
    expect(preview_[0].urn).toMatch(
      /^urn:pulumi:dev::aks-reference::azure-native:features:SubscriptionFeatureRegistration::/,
    );
    expect(report.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
  });
});
