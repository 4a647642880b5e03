/**
 * `aks-preview-feature-registration` (rule-catalog §2.15): table-driven, in the ESLint RuleTester spirit.
 * Every case runs through the real pipeline (GuardrailsRuntime: per-stack level resolution with the
 * built-in `{"prod*":"mandatory"}` map, finding levels, message format) and asserts the rule id, the
 * enforcement level and a message fragment.
 */
import type { ResourceInput } from "../../src/model/rule";
import { Diagnostic, GuardrailsRuntime } from "../../src/pack/runtime";
import rule from "../../src/rules/aks-preview-feature-registration";

const RULE_ID = "aks-preview-feature-registration";

type StackName = "dev" | "prod-eu";

interface Case {
  name: string;
  stack: StackName;
  /** Policy-pack config properties for this rule (what `args.getConfig()` returns). */
  config?: Record<string, unknown>;
  resource: ResourceInput;
}

interface ExpectedDiagnostic {
  level: "advisory" | "mandatory";
  message: string;
}

interface InvalidCase extends Case {
  errors: ExpectedDiagnostic[];
  /** Strings of the input (secrets, script text) that must never appear in a message. */
  notInMessage?: string[];
}

function analyze(
  stack: StackName,
  resource: ResourceInput,
  config: Record<string, unknown> = {},
): Diagnostic[] {
  const runtime = new GuardrailsRuntime({
    rules: [rule],
    stack: { stack, project: "p", organization: "o" },
    stackConfig: {},
  });
  return runtime.analyzeResource(rule, resource, config, new Map<string, string>());
}

const UNK = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const valid: Case[] = [
  {
    name: "P1 namespace not configured (Microsoft.Compute)",
    stack: "prod-eu",
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::p1",
      name: "p1",
      props: { providerNamespace: "Microsoft.Compute", featureName: "EncryptionAtHost" },
    },
  },
  {
    name: "P2 classic provider registration with the feature not registered",
    stack: "prod-eu",
    resource: {
      type: "azure:core/resourceProviderRegistration:ResourceProviderRegistration",
      urn: "urn:pulumi:prod-eu::p::azure:core/resourceProviderRegistration:ResourceProviderRegistration::p2",
      name: "p2",
      props: {
        name: "Microsoft.ContainerService",
        features: [{ name: "EntraIdSSHPreview", registered: false }],
      },
    },
  },
  {
    name: "P3 F1 with the feature in allowedFeatures",
    stack: "prod-eu",
    config: { allowedFeatures: ["EntraIdSSHPreview"] },
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::p3",
      name: "p3",
      props: { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" },
    },
  },
  {
    name: "U1 unknown namespace on a dev stack (rule advisory there): nothing",
    stack: "dev",
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:dev::p::azure-native:features:SubscriptionFeatureRegistration::u1",
      name: "u1",
      props: { providerNamespace: UNK, featureName: "X" },
    },
  },
  {
    name: "allowedFeatures matched case-insensitively",
    stack: "prod-eu",
    config: { allowedFeatures: ["entraidsshpreview"] },
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::ssh",
      name: "ssh",
      props: { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" },
    },
  },
  {
    name: "allowedFeatures on the classic feature registration",
    stack: "prod-eu",
    config: { allowedFeatures: ["KubeProxyConfigurationPreview"] },
    resource: {
      type: "azure:core/resourceProviderFeatureRegistration:ResourceProviderFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure:core/resourceProviderFeatureRegistration:ResourceProviderFeatureRegistration::kp",
      name: "kp",
      props: { providerName: "Microsoft.ContainerService", name: "KubeProxyConfigurationPreview" },
    },
  },
  {
    name: "properties.state NotRegistered",
    stack: "prod-eu",
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::off",
      name: "off",
      props: {
        providerNamespace: "Microsoft.ContainerService",
        featureName: "EntraIdSSHPreview",
        properties: { state: "NotRegistered" },
      },
    },
  },
  {
    name: "properties.state Unregistered (case-insensitive)",
    stack: "prod-eu",
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::off",
      name: "off",
      props: {
        providerNamespace: "Microsoft.ContainerService",
        featureName: "EntraIdSSHPreview",
        properties: { state: "unregistered" },
      },
    },
  },
  {
    name: "properties.state Unregistering",
    stack: "prod-eu",
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::off",
      name: "off",
      props: {
        providerNamespace: "Microsoft.ContainerService",
        featureName: "EntraIdSSHPreview",
        properties: { state: "Unregistering" },
      },
    },
  },
  {
    name: "unknown properties.state on a dev stack: nothing",
    stack: "dev",
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:dev::p::azure-native:features:SubscriptionFeatureRegistration::st",
      name: "st",
      props: {
        providerNamespace: "Microsoft.ContainerService",
        featureName: "EntraIdSSHPreview",
        properties: { state: UNK },
      },
    },
  },
  {
    name: "classic provider registration of another namespace",
    stack: "prod-eu",
    resource: {
      type: "azure:core/resourceProviderRegistration:ResourceProviderRegistration",
      urn: "urn:pulumi:prod-eu::p::azure:core/resourceProviderRegistration:ResourceProviderRegistration::compute",
      name: "compute",
      props: { name: "Microsoft.Compute", features: [{ name: "EncryptionAtHost", registered: true }] },
    },
  },
  {
    name: "providerNamespaces replaced: Microsoft.ContainerService no longer counts",
    stack: "prod-eu",
    config: { providerNamespaces: ["Microsoft.KubernetesConfiguration"] },
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::ssh",
      name: "ssh",
      props: { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" },
    },
  },
  {
    name: "deployment script that does not register features",
    stack: "prod-eu",
    resource: {
      type: "azure-native:resources:AzureCliScript",
      urn: "urn:pulumi:prod-eu::p::azure-native:resources:AzureCliScript::script",
      name: "script",
      props: {
        resourceGroupName: "ops",
        kind: "AzureCLI",
        azCliVersion: "2.60.0",
        retentionInterval: "P1D",
        scriptContent: "az aks get-credentials -g rg -n aks1",
      },
    },
  },
  {
    name: "deployment script with unknown content",
    stack: "prod-eu",
    resource: {
      type: "azure-native:resources:AzureCliScript",
      urn: "urn:pulumi:prod-eu::p::azure-native:resources:AzureCliScript::script",
      name: "script",
      props: { resourceGroupName: "ops", kind: "AzureCLI", scriptContent: UNK },
    },
  },
  {
    name: "explicit enforcementLevel disabled wins over productionSubscriptionIds",
    stack: "prod-eu",
    config: {
      enforcementLevel: "disabled",
      productionSubscriptionIds: ["11111111-1111-1111-1111-111111111111"],
    },
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::ssh",
      name: "ssh",
      props: { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" },
      provider: {
        type: "pulumi:providers:azure-native",
        urn: "urn:pulumi:prod-eu::p::pulumi:providers:azure-native::prod-sub",
        name: "prod-sub",
        props: { subscriptionId: "11111111-1111-1111-1111-111111111111" },
      },
    },
  },
  {
    name: "unrelated type",
    stack: "prod-eu",
    resource: {
      type: "azure-native:resources:ResourceGroup",
      urn: "urn:pulumi:prod-eu::p::azure-native:resources:ResourceGroup::rg",
      name: "rg",
      props: { resourceGroupName: "Microsoft.ContainerService" },
    },
  },
];

const invalid: InvalidCase[] = [
  {
    name: "F1 azure-native registration on a dev stack: advisory",
    stack: "dev",
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:dev::p::azure-native:features:SubscriptionFeatureRegistration::f1",
      name: "f1",
      props: { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" },
    },
    errors: [
      {
        level: "advisory",
        message:
          'azure-native:features:SubscriptionFeatureRegistration "f1" — registers the preview feature EntraIdSSHPreview ' +
          "of Microsoft.ContainerService. Support policy: §preview-features-or-feature-flags (S51, S52, S53, S55). Fix: ",
      },
    ],
  },
  {
    name: "F1 on a prod* stack: mandatory (built-in stacks map)",
    stack: "prod-eu",
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::f1",
      name: "f1",
      props: { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" },
    },
    errors: [{ level: "mandatory", message: "registers the preview feature EntraIdSSHPreview" }],
  },
  {
    name: "F2 classic feature registration on a dev stack: advisory",
    stack: "dev",
    resource: {
      type: "azure:core/resourceProviderFeatureRegistration:ResourceProviderFeatureRegistration",
      urn: "urn:pulumi:dev::p::azure:core/resourceProviderFeatureRegistration:ResourceProviderFeatureRegistration::f2",
      name: "f2",
      props: { providerName: "Microsoft.ContainerService", name: "KubeProxyConfigurationPreview" },
    },
    errors: [
      {
        level: "advisory",
        message: "registers the preview feature KubeProxyConfigurationPreview of Microsoft.ContainerService",
      },
    ],
  },
  {
    name: "F2 on a prod* stack: mandatory",
    stack: "prod-eu",
    resource: {
      type: "azure:core/resourceProviderFeatureRegistration:ResourceProviderFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure:core/resourceProviderFeatureRegistration:ResourceProviderFeatureRegistration::f2",
      name: "f2",
      props: { providerName: "Microsoft.ContainerService", name: "KubeProxyConfigurationPreview" },
    },
    errors: [{ level: "mandatory", message: "KubeProxyConfigurationPreview" }],
  },
  {
    name: "F3 classic provider registration with a registered feature",
    stack: "prod-eu",
    resource: {
      type: "azure:core/resourceProviderRegistration:ResourceProviderRegistration",
      urn: "urn:pulumi:prod-eu::p::azure:core/resourceProviderRegistration:ResourceProviderRegistration::f3",
      name: "f3",
      props: {
        name: "Microsoft.ContainerService",
        features: [{ name: "EntraIdSSHPreview", registered: true }],
      },
    },
    errors: [{ level: "mandatory", message: "registers the preview feature EntraIdSSHPreview" }],
  },
  {
    name: "classic provider registration: one finding per registered feature",
    stack: "dev",
    resource: {
      type: "azure:core/resourceProviderRegistration:ResourceProviderRegistration",
      urn: "urn:pulumi:dev::p::azure:core/resourceProviderRegistration:ResourceProviderRegistration::many",
      name: "many",
      props: {
        name: "Microsoft.ContainerService",
        features: [
          { name: "EntraIdSSHPreview", registered: true },
          { name: "NotWanted", registered: false },
          { name: "KubeProxyConfigurationPreview", registered: true },
        ],
      },
    },
    errors: [
      { level: "advisory", message: "registers the preview feature EntraIdSSHPreview" },
      { level: "advisory", message: "registers the preview feature KubeProxyConfigurationPreview" },
    ],
  },
  {
    name: "U1 unknown namespace on a prod* stack: advisory cannot-verify",
    stack: "prod-eu",
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::u1",
      name: "u1",
      props: { providerNamespace: UNK, featureName: "X" },
    },
    errors: [
      {
        level: "advisory",
        message:
          "cannot be verified during preview: `providerNamespace` is unknown, so whether this registers an AKS preview " +
          "feature is not known",
      },
    ],
    notInMessage: [UNK],
  },
  {
    name: "versioned azure-native token",
    stack: "prod-eu",
    resource: {
      type: "azure-native:features/v20210701:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features/v20210701:SubscriptionFeatureRegistration::v",
      name: "v",
      props: { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" },
    },
    errors: [
      {
        level: "mandatory",
        message:
          'azure-native:features/v20210701:SubscriptionFeatureRegistration "v" — registers the preview feature',
      },
    ],
  },
  {
    name: "namespace matched case-insensitively",
    stack: "prod-eu",
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::lc",
      name: "lc",
      props: { providerNamespace: "microsoft.containerservice", featureName: "EntraIdSSHPreview" },
    },
    errors: [{ level: "mandatory", message: "of microsoft.containerservice" }],
  },
  {
    name: "properties.state Registered",
    stack: "prod-eu",
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::on",
      name: "on",
      props: {
        providerNamespace: "Microsoft.ContainerService",
        featureName: "EntraIdSSHPreview",
        properties: { state: "Registered" },
      },
    },
    errors: [{ level: "mandatory", message: "registers the preview feature EntraIdSSHPreview" }],
  },
  {
    name: "properties.state Pending counts as registering",
    stack: "prod-eu",
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::pending",
      name: "pending",
      props: {
        providerNamespace: "Microsoft.ContainerService",
        featureName: "EntraIdSSHPreview",
        properties: { state: "Pending" },
      },
    },
    errors: [{ level: "mandatory", message: "registers the preview feature EntraIdSSHPreview" }],
  },
  {
    name: "unknown properties.state on a prod* stack: advisory cannot-verify",
    stack: "prod-eu",
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::st",
      name: "st",
      props: {
        providerNamespace: "Microsoft.ContainerService",
        featureName: "EntraIdSSHPreview",
        properties: { state: UNK },
      },
    },
    errors: [
      { level: "advisory", message: "cannot be verified during preview: `properties.state` is unknown" },
    ],
  },
  {
    name: "unknown featureName with allowedFeatures on a prod* stack: advisory, never mandatory",
    stack: "prod-eu",
    config: { allowedFeatures: ["EntraIdSSHPreview"] },
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::fn",
      name: "fn",
      props: { providerNamespace: "Microsoft.ContainerService", featureName: UNK },
    },
    errors: [
      {
        level: "advisory",
        message:
          "cannot be verified during preview: `featureName` is unknown, so whether the feature is in `allowedFeatures`",
      },
    ],
  },
  {
    name: "unknown classic feature name with allowedFeatures on a prod* stack: advisory",
    stack: "prod-eu",
    config: { allowedFeatures: ["EntraIdSSHPreview"] },
    resource: {
      type: "azure:core/resourceProviderFeatureRegistration:ResourceProviderFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure:core/resourceProviderFeatureRegistration:ResourceProviderFeatureRegistration::fn",
      name: "fn",
      props: { providerName: "Microsoft.ContainerService", name: UNK },
    },
    errors: [{ level: "advisory", message: "`name` is unknown" }],
  },
  {
    name: "unknown featureName without allowedFeatures: any AKS feature counts (mandatory on prod*)",
    stack: "prod-eu",
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::fn",
      name: "fn",
      props: { providerNamespace: "Microsoft.ContainerService", featureName: UNK },
    },
    errors: [
      {
        level: "mandatory",
        message: "registers the preview feature (unknown during preview) of Microsoft.ContainerService",
      },
    ],
    notInMessage: [UNK],
  },
  {
    name: "unknown registered flag in a classic provider registration on a prod* stack: advisory",
    stack: "prod-eu",
    resource: {
      type: "azure:core/resourceProviderRegistration:ResourceProviderRegistration",
      urn: "urn:pulumi:prod-eu::p::azure:core/resourceProviderRegistration:ResourceProviderRegistration::flag",
      name: "flag",
      props: {
        name: "Microsoft.ContainerService",
        features: [{ name: "EntraIdSSHPreview", registered: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7" }],
      },
    },
    errors: [{ level: "advisory", message: "a feature's `registered` flag is unknown" }],
  },
  {
    name: "productionSubscriptionIds via provider props: mandatory on a dev stack (no secret printed)",
    stack: "dev",
    config: { productionSubscriptionIds: ["11111111-1111-1111-1111-111111111111"] },
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:dev::p::azure-native:features:SubscriptionFeatureRegistration::ssh",
      name: "ssh",
      props: { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" },
      provider: {
        type: "pulumi:providers:azure-native",
        urn: "urn:pulumi:dev::p::pulumi:providers:azure-native::prod-sub",
        name: "prod-sub",
        props: {
          subscriptionId: "11111111-1111-1111-1111-111111111111",
          clientId: "app",
          clientSecret: "hunter2-client-secret",
        },
      },
    },
    errors: [
      {
        level: "mandatory",
        message:
          "registers the preview feature EntraIdSSHPreview of Microsoft.ContainerService in production subscription " +
          "11111111-1111-1111-1111-111111111111",
      },
    ],
    notInMessage: ["hunter2-client-secret"],
  },
  {
    name: "productionSubscriptionIds matched case-insensitively, classic provider",
    stack: "dev",
    config: { productionSubscriptionIds: ["AAAAAAAA-0000-0000-0000-000000000001"] },
    resource: {
      type: "azure:core/resourceProviderFeatureRegistration:ResourceProviderFeatureRegistration",
      urn: "urn:pulumi:dev::p::azure:core/resourceProviderFeatureRegistration:ResourceProviderFeatureRegistration::kp",
      name: "kp",
      props: { providerName: "Microsoft.ContainerService", name: "KubeProxyConfigurationPreview" },
      provider: {
        type: "pulumi:providers:azure",
        urn: "urn:pulumi:dev::p::pulumi:providers:azure::prod-sub",
        name: "prod-sub",
        props: { subscriptionId: "aaaaaaaa-0000-0000-0000-000000000001" },
      },
    },
    errors: [
      { level: "mandatory", message: "in production subscription AAAAAAAA-0000-0000-0000-000000000001" },
    ],
  },
  {
    name: "provider subscription not in productionSubscriptionIds: the stack's level",
    stack: "dev",
    config: { productionSubscriptionIds: ["11111111-1111-1111-1111-111111111111"] },
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:dev::p::azure-native:features:SubscriptionFeatureRegistration::ssh",
      name: "ssh",
      props: { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" },
      provider: {
        type: "pulumi:providers:azure-native",
        urn: "urn:pulumi:dev::p::pulumi:providers:azure-native::sandbox",
        name: "sandbox",
        props: { subscriptionId: "22222222-2222-2222-2222-222222222222" },
      },
    },
    errors: [
      {
        level: "advisory",
        message: "registers the preview feature EntraIdSSHPreview of Microsoft.ContainerService.",
      },
    ],
  },
  {
    name: "extra providerNamespaces entry",
    stack: "prod-eu",
    config: { providerNamespaces: ["Microsoft.ContainerService", "Microsoft.KubernetesConfiguration"] },
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::kc",
      name: "kc",
      props: { providerNamespace: "Microsoft.KubernetesConfiguration", featureName: "FluxPreview" },
    },
    errors: [
      {
        level: "mandatory",
        message: "registers the preview feature FluxPreview of Microsoft.KubernetesConfiguration",
      },
    ],
  },
  {
    name: "az feature register in a deployment script: advisory only, script never printed",
    stack: "prod-eu",
    resource: {
      type: "azure-native:resources:AzureCliScript",
      urn: "urn:pulumi:prod-eu::p::azure-native:resources:AzureCliScript::register",
      name: "register",
      props: {
        resourceGroupName: "ops",
        kind: "AzureCLI",
        azCliVersion: "2.60.0",
        retentionInterval: "P1D",
        scriptContent:
          'export TOKEN=hunter2-token\naz feature register --namespace "Microsoft.ContainerService" --name "EntraIdSSHPreview"',
      },
    },
    errors: [{ level: "advisory", message: "runs `az feature register` for an AKS provider namespace" }],
    notInMessage: ["hunter2-token", "EntraIdSSHPreview", "--namespace"],
  },
  {
    name: "pack config stacks entry tightens a dev stack",
    stack: "dev",
    config: { stacks: { dev: "mandatory" } },
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:dev::p::azure-native:features:SubscriptionFeatureRegistration::f1",
      name: "f1",
      props: { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" },
    },
    errors: [{ level: "mandatory", message: "registers the preview feature EntraIdSSHPreview" }],
  },
  {
    name: "pack config stacks entry overrides the built-in prod* entry",
    stack: "prod-eu",
    config: { stacks: { "prod*": "advisory" } },
    resource: {
      type: "azure-native:features:SubscriptionFeatureRegistration",
      urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::f1",
      name: "f1",
      props: { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" },
    },
    errors: [{ level: "advisory", message: "registers the preview feature EntraIdSSHPreview" }],
  },
];

describe(RULE_ID, () => {
  describe("valid", () => {
    it.each(valid.map((c) => [c.name, c] as const))("%s", (_name, c) => {
      expect(analyze(c.stack, c.resource, c.config)).toEqual([]);
    });
  });

  describe("invalid", () => {
    it.each(invalid.map((c) => [c.name, c] as const))("%s", (_name, c) => {
      const diagnostics = analyze(c.stack, c.resource, c.config);
      expect(diagnostics).toHaveLength(c.errors.length);
      diagnostics.forEach((d, i) => {
        expect(d.policyName).toBe(RULE_ID);
        expect(d.urn).toBe(c.resource.urn);
        expect(d.enforcementLevel).toBe(c.errors[i].level);
        expect(d.message).toContain(c.errors[i].message);
        expect(d.message.startsWith(`${RULE_ID}: `)).toBe(true);
        expect(d.message).toContain("Support policy: §preview-features-or-feature-flags");
        for (const secret of c.notInMessage ?? []) expect(d.message).not.toContain(secret);
      });
    });
  });

  it("covers every resource type the rule lists", () => {
    const covered = new Set(invalid.map((c) => c.resource.type));
    expect(rule.resourceTypes.filter((t) => !covered.has(t))).toEqual([]);
  });

  it("has no stack phase, so AnalyzeStack reports nothing", () => {
    const runtime = new GuardrailsRuntime({
      rules: [rule],
      stack: { stack: "prod-eu", project: "p", organization: "o" },
      stackConfig: {},
    });
    const stack = [
      {
        type: "azure-native:features:SubscriptionFeatureRegistration",
        urn: "urn:pulumi:prod-eu::p::azure-native:features:SubscriptionFeatureRegistration::f1",
        name: "f1",
        props: { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" },
        dependencies: [],
        propertyDependencies: {},
      },
    ];
    expect(runtime.analyzeStack(rule, stack, {}, new Map<string, string>())).toEqual([]);
  });
});
