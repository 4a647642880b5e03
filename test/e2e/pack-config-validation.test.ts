/**
 * The served pack validates configuration itself (not only the CLI): what the real Pulumi CLI would send —
 * stack config in PULUMI_CONFIG at launch, the reconciled pack config in Configure — is checked, and a bad
 * value stops the run with a message naming the key and the allowed values.
 */
import * as path from "path";
import {
  AnalyzerCallError,
  AnalyzerHost,
  PackStartError,
  runPolicyPack,
} from "../../src/host/analyzer-client";
import type { HostResource, StackIdentity } from "../../src/host/types";

const PACK_DIR = path.join(__dirname, "..", "..", "policypack");
const identity = (stack: string): StackIdentity => ({
  stack,
  project: "platform",
  organization: "acme",
  tags: {},
  dryRun: true,
});

const vmssExtension: HostResource = {
  urn: "urn:pulumi:prod::platform::azure-native:compute:VirtualMachineScaleSetExtension::bootstrap",
  type: "azure-native:compute:VirtualMachineScaleSetExtension",
  name: "bootstrap",
  custom: true,
  inputs: { resourceGroupName: "MC_rg_aks1_westeurope", vmScaleSetName: "aks-sys-12345678-vmss" },
  outputs: {},
  dependencies: [],
  propertyDependencies: {},
};

describe("the pack rejects bad configuration the CLI would pass it", () => {
  test("stack config with an unknown rule id: the pack does not start, naming the key", async () => {
    const start = AnalyzerHost.start({
      packDir: PACK_DIR,
      identity: identity("prod"),
      stackConfig: { "aks-guardrails:levels": JSON.stringify({ "aks-vmss-modification": "advisory" }) },
    });
    await expect(start).rejects.toBeInstanceOf(PackStartError);
    await expect(start).rejects.toThrow(/aks-guardrails:levels\.aks-vmss-modification.*unknown rule id/);
  });

  test("stack config with a bad level names the allowed values", async () => {
    const start = AnalyzerHost.start({
      packDir: PACK_DIR,
      identity: identity("prod"),
      stackConfig: { "aks-guardrails:levels": JSON.stringify({ "aks-vmss-direct-modification": "off" }) },
    });
    await expect(start).rejects.toThrow(/allowed: disabled \| advisory \| mandatory/);
  });

  test("a malformed stacks glob in the pack config fails Configure, naming the key", async () => {
    const run = runPolicyPack({
      packDir: PACK_DIR,
      identity: identity("prod"),
      packConfig: {
        "aks-vmss-direct-modification": { properties: { stacks: { "prod[0-9]": "mandatory" } } },
      },
      resources: [vmssExtension],
    });
    await expect(run).rejects.toBeInstanceOf(AnalyzerCallError);
    await expect(run).rejects.toThrow(
      /aks-vmss-direct-modification\.stacks\["prod\[0-9\]"\].*not a valid stack-name glob/,
    );
  });

  test("valid stack config is applied by the pack: tightening works without the CLI", async () => {
    const { diagnostics } = await runPolicyPack({
      packDir: PACK_DIR,
      identity: identity("dev"),
      stackConfig: {
        "aks-guardrails:levels": JSON.stringify({ "aks-preview-feature-registration": "mandatory" }),
      },
      resources: [
        {
          urn: "urn:pulumi:dev::platform::azure-native:features:SubscriptionFeatureRegistration::f",
          type: "azure-native:features:SubscriptionFeatureRegistration",
          name: "f",
          custom: true,
          inputs: { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" },
          outputs: {},
          dependencies: [],
          propertyDependencies: {},
        },
      ],
    });
    expect(diagnostics.map((d) => [d.policyName, d.enforcementLevel])).toEqual([
      ["aks-preview-feature-registration", "mandatory"],
    ]);
  });
});
