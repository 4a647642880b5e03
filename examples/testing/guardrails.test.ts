/**
 * Example: unit-test a Pulumi program against aks-guardrails with jest. Copy this file into your Pulumi
 * project (e.g. as `test/guardrails.test.ts`) and adjust PROGRAM_DIR and the expectations.
 *
 * Nothing here needs the cloud, credentials or the Pulumi CLI: the program runs under mocks and the real
 * policy pack analyses what it registers, as `pulumi preview --policy-pack` would.
 */
import * as path from "path";
// In your project: import { installMatchers, runGuardrails } from "aks-guardrails/testing";
import { installMatchers, runGuardrails } from "../../src/testing";

installMatchers();

// Each run starts the program and the pack in child processes: allow a few seconds.
jest.setTimeout(60_000);

// The directory holding your Pulumi.yaml. (Here: this repository's reference AKS program.)
const PROGRAM_DIR = path.join(__dirname, "..", "..");

describe("guardrails", () => {
  test("prod has no finding that would fail `pulumi preview`", async () => {
    const result = await runGuardrails(PROGRAM_DIR, { stack: "prod" });
    expect(result).toPassGuardrails();
  });

  test("dev registers an AKS preview feature: advisory there, never mandatory", async () => {
    const result = await runGuardrails(PROGRAM_DIR, { stack: "dev" });
    expect(result).toPassGuardrails();
    expect(result).toViolate("aks-preview-feature-registration", { level: "advisory" });
    expect(result).not.toViolate("aks-preview-feature-registration", { level: "mandatory" });
  });

  test("with the organisation's pack config and stack tags, as in Pulumi Cloud", async () => {
    const result = await runGuardrails(PROGRAM_DIR, {
      stack: "dev",
      // The same document as your --policy-pack-config file (or the policy group's config): validated strictly.
      packConfig: {
        "aks-preview-feature-registration": { stacks: { "tag:environment=production": "mandatory" } },
        "aks-node-ssh-access": "mandatory",
      },
      // Stack tags, for "tag:<name>=<glob>" keys; plaintext config values go in `config`.
      stackTags: { environment: "development" },
    });
    expect(result).toPassGuardrails();
    expect(result).not.toViolate("aks-node-ssh-access");
  });

  test("every finding is available for your own assertions", async () => {
    const result = await runGuardrails(PROGRAM_DIR, { stack: "dev" });
    expect(result.findings.map((f) => [f.policy, f.enforcementLevel, f.resourceName])).toEqual([
      ["aks-preview-feature-registration", "advisory", "aks-preview-feature"],
    ]);
  });
});
