/**
 * `runGuardrails` end to end: real programs run under mocks and analysed by the real compiled pack (build
 * first: `npm test` does). The reference program (repo root Pulumi.yaml) is compliant on `prod` and has one
 * advisory on `dev`; `user-pool-only` is a cluster without a System pool unless its config adds one.
 */
import * as path from "path";
import {
  ConfigError,
  GuardrailsPackConfig,
  GuardrailsResult,
  ProgramLoadError,
  guardrailsMatchers,
  runGuardrails,
} from "../../src/testing";

expect.extend(guardrailsMatchers);

const REFERENCE = path.join(__dirname, "..", "..");
const PROGRAMS = path.join(__dirname, "..", "fixtures", "programs");
const USER_POOL_ONLY = path.join(PROGRAMS, "user-pool-only");
const CLUSTER_URN = "urn:pulumi:dev::user-pool-only::azure-native:containerservice:ManagedCluster::aks";

describe("the reference program", () => {
  let prod: GuardrailsResult;
  let dev: GuardrailsResult;
  beforeAll(async () => {
    [prod, dev] = await Promise.all([
      runGuardrails(REFERENCE, { stack: "prod" }),
      runGuardrails(REFERENCE, { stack: "dev" }),
    ]);
  });

  test("prod is clean", () => {
    expect(prod).toPassGuardrails();
    expect(prod).toMatchObject({ project: "aks-reference", stack: "prod", findings: [], passed: true });
    expect(prod.resources).toBeGreaterThanOrEqual(8);
  });

  test("dev passes with one advisory: its preview-feature registration", () => {
    expect(dev).toPassGuardrails();
    expect(dev).toViolate("aks-preview-feature-registration", {
      level: "advisory",
      resource: "aks-preview-feature",
    });
    expect(dev).not.toViolate("aks-preview-feature-registration", { level: "mandatory" });
    expect(dev.findings).toEqual([
      {
        policy: "aks-preview-feature-registration",
        urn: "urn:pulumi:dev::aks-reference::azure-native:features:SubscriptionFeatureRegistration::aks-preview-feature",
        resourceType: "azure-native:features:SubscriptionFeatureRegistration",
        resourceName: "aks-preview-feature",
        enforcementLevel: "advisory",
        message: expect.stringContaining("registers the preview feature"),
      },
    ]);
    expect(dev.advisory).toEqual(dev.findings);
    expect(dev.mandatory).toEqual([]);
  });

  test("stack tags reach the pack: a tag selector in the pack config makes the advisory mandatory", async () => {
    const tagged = await runGuardrails(REFERENCE, {
      stack: "dev",
      stackTags: { environment: "production" },
      packConfig: {
        "aks-preview-feature-registration": { stacks: { "tag:environment=prod*": "mandatory" } },
      },
    });
    expect(tagged).not.toPassGuardrails();
    expect(tagged).toViolate("aks-preview-feature-registration", { level: "mandatory" });
  });
});

describe("a cluster with only a User pool", () => {
  let result: GuardrailsResult;
  beforeAll(async () => {
    result = await runGuardrails(USER_POOL_ONLY);
  });

  test("violates aks-system-node-pool (mandatory) on the cluster, by name and by URN", () => {
    expect(result).not.toPassGuardrails();
    expect(result).toViolate("aks-system-node-pool", { level: "mandatory" });
    expect(result).toViolate("aks-system-node-pool", { resource: "aks" });
    expect(result).toViolate("aks-system-node-pool", { resource: CLUSTER_URN });
    expect(result).not.toViolate("aks-system-node-pool", { level: "advisory" });
    expect(result).not.toViolate("aks-system-node-pool", { resource: "rg" });
    expect(result).toMatchObject({ stack: "dev", project: "user-pool-only", passed: false });
    expect(result.mandatory.map((f) => [f.policy, f.urn])).toEqual([["aks-system-node-pool", CLUSTER_URN]]);
  });

  test("a failing toPassGuardrails names the mandatory finding, its resource and its fix", () => {
    expect(() => expect(result).toPassGuardrails()).toThrow(
      /to pass the guardrails, but it has 1 mandatory finding:\n {2}- mandatory aks-system-node-pool on azure-native:containerservice:ManagedCluster "aks"\n {6}aks-system-node-pool: .*no System-mode node pool.*Fix: /,
    );
  });

  test("a failing toViolate lists the findings there are", () => {
    expect(() => expect(result).toViolate("aks-system-node-pool", { level: "advisory" })).toThrow(
      /expected a finding of aks-system-node-pool at level advisory in the stack "dev" of project "user-pool-only", but there is none\.\nFindings of aks-system-node-pool:\n {2}- mandatory aks-system-node-pool on/,
    );
  });

  test("stack config given through `config` is applied: with a System pool the program passes", async () => {
    const fixed = await runGuardrails(USER_POOL_ONLY, { config: { withSystemPool: "true" } });
    expect(fixed).toPassGuardrails();
    expect(fixed).not.toViolate("aks-system-node-pool");
    expect(fixed.findings).toEqual([]);
  });

  test("the pack config is applied: the rule at advisory no longer fails the stack", async () => {
    const lowered = await runGuardrails(USER_POOL_ONLY, {
      packConfig: { "aks-system-node-pool": "advisory" },
    });
    expect(lowered).toPassGuardrails();
    expect(lowered).toViolate("aks-system-node-pool", { level: "advisory", resource: "aks" });
  });

  test("stack config levels reach the pack (aks-guardrails:levels)", async () => {
    const strict = await runGuardrails(USER_POOL_ONLY, {
      packConfig: { "aks-system-node-pool": "advisory" },
      config: { "aks-guardrails:levels": JSON.stringify({ "aks-system-node-pool": "mandatory" }) },
    });
    expect(strict).toViolate("aks-system-node-pool", { level: "mandatory" });
  });
});

describe("errors", () => {
  test.each([
    [
      "an unknown rule id",
      { "aks-sytem-node-pool": "mandatory" },
      /runGuardrails packConfig: aks-sytem-node-pool: did you mean "aks-system-node-pool"\? unknown rule id/,
    ],
    [
      "an unknown option",
      { "aks-system-node-pool": { enforcementLevel: "mandatory", minNodes: 2 } },
      /aks-system-node-pool\.minNodes: .*unknown option "minNodes"/,
    ],
    ["an invalid level", { all: "strict" }, /all: invalid level "strict"; allowed: advisory \| mandatory/],
  ] as [string, unknown, RegExp][])(
    "the pack config is validated strictly before anything runs: %s",
    async (_name, packConfig, message) => {
      // The program directory does not exist: a config error must come first.
      // Cast: JavaScript callers and configs read from JSON files are not type-checked.
      const run = runGuardrails(path.join(PROGRAMS, "does-not-exist"), {
        packConfig: packConfig as GuardrailsPackConfig,
      });
      await expect(run).rejects.toThrow(ConfigError);
      await expect(run).rejects.toThrow(message);
    },
  );

  test("invalid aks-guardrails:levels stack config is a ConfigError", async () => {
    const run = runGuardrails(USER_POOL_ONLY, {
      config: { "aks-guardrails:levels": JSON.stringify({ "aks-system-pool": "mandatory" }) },
    });
    await expect(run).rejects.toThrow(ConfigError);
    await expect(run).rejects.toThrow(
      /aks-guardrails:levels\.aks-system-pool: .*unknown rule id "aks-system-pool"/,
    );
  });

  test("a program that throws rejects with a ProgramLoadError carrying its message", async () => {
    const run = runGuardrails(path.join(PROGRAMS, "failing"));
    await expect(run).rejects.toThrow(ProgramLoadError);
    await expect(run).rejects.toThrow(/boom: settings are invalid/);
  });
});
