/**
 * The served pack validates configuration itself (not only the CLI): what the real Pulumi CLI would send —
 * stack config in PULUMI_CONFIG at launch, the reconciled pack config in Configure — is checked, and a bad
 * value stops the run with one message naming the source, the key and the allowed values (every shape of
 * test/support/invalid-config.ts). Stack config that would loosen an org's level is refused and reported unless
 * the pack config allows it for that rule.
 */
import * as path from "path";
import {
  AnalyzerCallError,
  AnalyzerHost,
  Diagnostic,
  PackStartError,
  runPolicyPack,
} from "../../src/host/analyzer-client";
import type { PolicyConfigEntry } from "../../src/host/pack-config";
import type { HostResource, StackIdentity } from "../../src/host/types";
import {
  INVALID_PACK_CONFIGS,
  INVALID_STACK_CONFIGS,
  expectNamed,
  stackConfigEnv,
} from "../support/invalid-config";

const PACK_DIR = path.join(__dirname, "..", "..", "policypack");
const identity = (stack: string): StackIdentity => ({
  stack,
  project: "platform",
  organization: "acme",
  tags: {},
  dryRun: true,
});

const VMSS_RULE = "aks-vmss-direct-modification";
const FEATURE_RULE = "aks-preview-feature-registration";

const feature = (stack: string): HostResource => ({
  urn: `urn:pulumi:${stack}::platform::azure-native:features:SubscriptionFeatureRegistration::f`,
  type: "azure-native:features:SubscriptionFeatureRegistration",
  name: "f",
  custom: true,
  inputs: { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" },
  outputs: {},
  dependencies: [],
  propertyDependencies: {},
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

/** What the pack names as the source of stack config it got in PULUMI_CONFIG (prod stack). */
const STACK_SOURCE = "stack config (Pulumi.prod.yaml via PULUMI_CONFIG)";

async function startError(stackConfig: Record<string, string> | undefined): Promise<PackStartError> {
  try {
    const host = await AnalyzerHost.start({ packDir: PACK_DIR, identity: identity("prod"), stackConfig });
    await host.close();
  } catch (err) {
    if (err instanceof PackStartError) return err;
    throw err;
  }
  throw new Error("the pack started");
}

describe("the pack rejects bad stack config (the real PULUMI_CONFIG env) at start-up", () => {
  test.each(INVALID_STACK_CONFIGS.map((c) => [c.name, c] as const))(
    "%s: no start; one error naming the source, key and allowed values",
    async (_name, c) => {
      const err = await startError(stackConfigEnv(c));
      expect(err.reason).toBe("crash");
      expect(err.message.match(/ConfigError: /g)).toHaveLength(1);
      expectNamed(err.message, STACK_SOURCE, c);
    },
  );

  test("PULUMI_CONFIG that is not JSON names the variable", async () => {
    const saved = process.env.PULUMI_CONFIG;
    process.env.PULUMI_CONFIG = '{"aks-guardrails:levels": ';
    try {
      const err = await startError(undefined);
      expectNamed(err.message, STACK_SOURCE, {
        key: "(document)",
        allowed: "a JSON object of <namespace>:<key>",
      });
    } finally {
      if (saved === undefined) delete process.env.PULUMI_CONFIG;
      else process.env.PULUMI_CONFIG = saved;
    }
  });
});

describe("the pack rejects bad pack config in Configure, and keeps serving", () => {
  let host: AnalyzerHost;
  beforeAll(async () => {
    host = await AnalyzerHost.start({ packDir: PACK_DIR, identity: identity("prod") });
  });
  afterAll(() => host.close());

  const carried = INVALID_PACK_CONFIGS.filter((c) => c.configure);
  test.each(carried.map((c) => [c.name, c] as const))(
    "%s: Configure fails naming the key and allowed values",
    async (_name, c) => {
      const { policy, properties } = c.configure!;
      const configure = host.configure({ [policy]: { enforcementLevel: "mandatory", properties } });
      await expect(configure).rejects.toBeInstanceOf(AnalyzerCallError);
      const err = (await configure.catch((e: unknown) => e)) as AnalyzerCallError;
      expect(err.method).toBe("Configure");
      expectNamed(err.message, "policy pack config", c);
    },
  );

  test("after refused configs, a valid one is accepted and the pack analyses", async () => {
    await host.configure({ [VMSS_RULE]: { enforcementLevel: "advisory", properties: {} } });
    const diagnostics = await host.analyzeAll([vmssExtension]);
    expect(diagnostics.filter((d) => d.policyName === VMSS_RULE).map((d) => d.enforcementLevel)).toEqual([
      "advisory",
    ]);
  });
});

describe("stack config that loosens an org level is refused and reported, unless the pack config allows it", () => {
  const run = (
    stack: string,
    levels: Record<string, string>,
    packConfig?: Record<string, PolicyConfigEntry>,
  ) =>
    runPolicyPack({
      packDir: PACK_DIR,
      identity: identity(stack),
      stackConfig: { "aks-guardrails:levels": JSON.stringify(levels) },
      packConfig,
      resources: [
        { ...vmssExtension, urn: vmssExtension.urn.replace(":prod::", `:${stack}::`) },
        feature(stack),
      ],
    }).then((r) => r.diagnostics);
  const of = (ds: Diagnostic[], rule: string) =>
    ds.filter((d) => d.policyName === rule).map((d) => [d.enforcementLevel, d.message.includes("refused")]);

  test("a rule mandatory by default, disabled by stack config: stays mandatory, the refusal is an advisory", async () => {
    const ds = await run("dev", { [VMSS_RULE]: "disabled" });
    expect(of(ds, VMSS_RULE)).toEqual([
      ["mandatory", false],
      ["advisory", true],
    ]);
  });

  test("a rule mandatory through its built-in stacks map (prod*): loosening refused", async () => {
    const ds = await run("prod", { [FEATURE_RULE]: "advisory" });
    expect(of(ds, FEATURE_RULE)).toEqual([
      ["mandatory", false],
      ["advisory", true],
    ]);
  });

  test("a rule mandatory through `all` in the pack config: loosening refused", async () => {
    const ds = await run("dev", { [FEATURE_RULE]: "advisory" }, { all: { enforcementLevel: "mandatory" } });
    expect(of(ds, FEATURE_RULE)).toEqual([
      ["mandatory", false],
      ["advisory", true],
    ]);
  });

  test("allowStackLoosening for that rule: the stack's level applies, no refusal", async () => {
    const ds = await run(
      "prod",
      { [FEATURE_RULE]: "disabled", [VMSS_RULE]: "advisory" },
      { [FEATURE_RULE]: { properties: { allowStackLoosening: true } } },
    );
    expect(of(ds, FEATURE_RULE)).toEqual([]);
    // Allowed for one rule only: the other keeps the org's level.
    expect(of(ds, VMSS_RULE)).toEqual([
      ["mandatory", false],
      ["advisory", true],
    ]);
  });
});

describe("the pack applies valid configuration the CLI would pass it", () => {
  test("valid stack config is applied by the pack: tightening works without the CLI", async () => {
    const { diagnostics } = await runPolicyPack({
      packDir: PACK_DIR,
      identity: identity("dev"),
      stackConfig: {
        "aks-guardrails:levels": JSON.stringify({ [FEATURE_RULE]: "mandatory" }),
      },
      resources: [feature("dev")],
    });
    expect(diagnostics.map((d) => [d.policyName, d.enforcementLevel])).toEqual([[FEATURE_RULE, "mandatory"]]);
  });
});
