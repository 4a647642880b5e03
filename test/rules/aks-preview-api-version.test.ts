/**
 * `aks-preview-api-version` (rule-catalog §2.16): table-driven through the real runtime. Levels come from the
 * rule's built-in stacks map (advisory by default, mandatory on `prod*`), the same mechanism as
 * `aks-preview-feature-registration`.
 */
import type { ResourceInput } from "../../src/model/rule";
import { Diagnostic, GuardrailsRuntime } from "../../src/pack/runtime";
import { parseAzureNative } from "../../src/resources/tokens";
import rule from "../../src/rules/aks-preview-api-version";

const RULE_ID = "aks-preview-api-version";
const UNK = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type StackName = "dev" | "prod-eu";

interface Case {
  name: string;
  /** Defaults to `dev`. */
  stack?: StackName;
  config?: Record<string, unknown>;
  resource: ResourceInput;
}

interface InvalidCase extends Case {
  errors: { level: "advisory" | "mandatory"; message: string }[];
  notInMessage?: string[];
}

function analyze(c: Case): Diagnostic[] {
  const stack = c.stack ?? "dev";
  const runtime = new GuardrailsRuntime({
    rules: [rule],
    stack: { stack, project: "p", organization: "o" },
    stackConfig: {},
  });
  return runtime.analyzeResource(rule, c.resource, c.config ?? {}, new Map<string, string>());
}

const U1: ResourceInput = {
  type: "azure-native:resources:Resource",
  urn: "urn:pulumi:dev::p::azure-native:resources:Resource::u1",
  name: "u1",
  props: {
    resourceGroupName: "rg",
    resourceProviderNamespace: "Microsoft.ContainerService",
    resourceType: "managedClusters",
    resourceName: "aks1",
    parentResourcePath: "",
    apiVersion: UNK,
  },
};

const valid: Case[] = [
  {
    name: "P1 unversioned ManagedCluster (default 2025-09-01)",
    stack: "prod-eu",
    resource: {
      type: "azure-native:containerservice:ManagedCluster",
      urn: "urn:pulumi:prod-eu::p::azure-native:containerservice:ManagedCluster::aks",
      name: "aks",
      props: { resourceGroupName: "rg" },
    },
  },
  {
    name: "P2 GA versioned token",
    stack: "prod-eu",
    resource: {
      type: "azure-native:containerservice/v20250901:ManagedCluster",
      urn: "urn:pulumi:prod-eu::p::azure-native:containerservice/v20250901:ManagedCluster::aks",
      name: "aks",
      props: { resourceGroupName: "rg" },
    },
  },
  {
    name: "P3 classic KubernetesCluster (the classic provider pins API versions)",
    stack: "prod-eu",
    resource: {
      type: "azure:containerservice/kubernetesCluster:KubernetesCluster",
      urn: "urn:pulumi:prod-eu::p::azure:containerservice/kubernetesCluster:KubernetesCluster::aks",
      name: "aks",
      props: { resourceGroupName: "rg", name: "aks1" },
    },
  },
  { name: "U1 unknown apiVersion on dev (advisory rule): nothing", resource: U1 },
  {
    name: "unversioned preview default outside defaultPreviewModules (network)",
    stack: "prod-eu",
    resource: {
      type: "azure-native:network:NetworkSecurityPerimeter",
      urn: "urn:pulumi:prod-eu::p::azure-native:network:NetworkSecurityPerimeter::nsp",
      name: "nsp",
      props: { resourceGroupName: "rg" },
    },
  },
  {
    name: "modules narrowed to containerservice: a preview storage token passes",
    stack: "prod-eu",
    config: { modules: ["containerservice"] },
    resource: {
      type: "azure-native:storage/v20230101preview:StorageAccount",
      urn: "urn:pulumi:prod-eu::p::azure-native:storage/v20230101preview:StorageAccount::sa",
      name: "sa",
      props: { resourceGroupName: "rg" },
    },
  },
  {
    name: "generic resource with a GA apiVersion",
    stack: "prod-eu",
    resource: {
      type: "azure-native:resources:Resource",
      urn: "urn:pulumi:prod-eu::p::azure-native:resources:Resource::mc",
      name: "mc",
      props: {
        resourceGroupName: "rg",
        resourceProviderNamespace: "Microsoft.ContainerService",
        resourceType: "managedClusters",
        resourceName: "aks1",
        apiVersion: "2025-09-01",
      },
    },
  },
  {
    name: "generic resource with a preview apiVersion for a namespace outside modules",
    stack: "prod-eu",
    config: { modules: ["containerservice"] },
    resource: {
      type: "azure-native:resources:Resource",
      urn: "urn:pulumi:prod-eu::p::azure-native:resources:Resource::kv",
      name: "kv",
      props: {
        resourceGroupName: "rg",
        resourceProviderNamespace: "Microsoft.KeyVault",
        resourceType: "vaults",
        resourceName: "kv1",
        apiVersion: "2024-12-01-preview",
      },
    },
  },
  {
    name: "kubernetes resource (not azure-native)",
    stack: "prod-eu",
    resource: {
      type: "kubernetes:apps/v1beta1:Deployment",
      urn: "urn:pulumi:prod-eu::p::kubernetes:apps/v1beta1:Deployment::d",
      name: "d",
      props: {},
    },
  },
  {
    name: "generic resource with an apiVersion of the wrong type (not evaluated, no throw)",
    stack: "prod-eu",
    resource: {
      type: "azure-native:resources:Resource",
      urn: "urn:pulumi:prod-eu::p::azure-native:resources:Resource::odd",
      name: "odd",
      props: { resourceProviderNamespace: ["Microsoft.ContainerService"], apiVersion: { preview: true } },
    },
  },
];

const invalid: InvalidCase[] = [
  {
    name: "F1 versioned preview ManagedCluster (dev: advisory)",
    resource: {
      type: "azure-native:containerservice/v20240402preview:ManagedCluster",
      urn: "urn:pulumi:dev::p::azure-native:containerservice/v20240402preview:ManagedCluster::f1",
      name: "f1",
      props: { resourceGroupName: "rg" },
    },
    errors: [
      {
        level: "advisory",
        message:
          'azure-native:containerservice/v20240402preview:ManagedCluster "f1" — uses the preview Azure API version ' +
          "2024-04-02-preview (type token version v20240402preview); preview APIs are not covered by AKS support",
      },
    ],
  },
  {
    name: "F1 on a production stack: mandatory",
    stack: "prod-eu",
    resource: {
      type: "azure-native:containerservice/v20240402preview:ManagedCluster",
      urn: "urn:pulumi:prod-eu::p::azure-native:containerservice/v20240402preview:ManagedCluster::f1",
      name: "f1",
      props: { resourceGroupName: "rg" },
    },
    errors: [{ level: "mandatory", message: "uses the preview Azure API version 2024-04-02-preview" }],
  },
  {
    name: "F2 local-SDK preview AgentPool",
    stack: "prod-eu",
    resource: {
      type: "azure-native_containerservice_v20250602preview:containerservice/v20250602preview:AgentPool",
      urn: "urn:pulumi:prod-eu::p::azure-native_containerservice_v20250602preview:containerservice/v20250602preview:AgentPool::f2",
      name: "f2",
      props: { resourceGroupName: "rg", resourceName: "aks1" },
    },
    errors: [
      {
        level: "mandatory",
        message:
          "uses the preview Azure API version 2025-06-02-preview (type token version v20250602preview)",
      },
    ],
  },
  {
    name: "F3 unversioned LoadBalancer whose default is 2024-10-02-preview",
    stack: "prod-eu",
    resource: {
      type: "azure-native:containerservice:LoadBalancer",
      urn: "urn:pulumi:prod-eu::p::azure-native:containerservice:LoadBalancer::f3",
      name: "f3",
      props: {
        resourceGroupName: "rg",
        resourceName: "aks1",
        name: "kubernetes",
        loadBalancerName: "kubernetes",
        primaryAgentPoolName: "sys",
      },
    },
    errors: [
      {
        level: "mandatory",
        message:
          "the default API version of containerservice:LoadBalancer in azure-native 3.28.0 is the preview " +
          "2024-10-02-preview; there is no GA API for it in this provider",
      },
    ],
  },
  {
    name: "F3 with a provider of another version says so (and prints no provider secret)",
    resource: {
      type: "azure-native:containerservice:Fleet",
      urn: "urn:pulumi:dev::p::azure-native:containerservice:Fleet::fleet",
      name: "fleet",
      props: { resourceGroupName: "rg", fleetName: "f" },
      provider: {
        type: "pulumi:providers:azure-native",
        urn: "urn:pulumi:dev::p::pulumi:providers:azure-native::default_3_30_0",
        name: "default_3_30_0",
        props: { version: "3.30.0", clientSecret: "hunter2-secret" },
      },
    },
    errors: [
      {
        level: "advisory",
        message: "is the preview 2024-05-02-preview; your provider is 3.30.0, so check its default",
      },
    ],
    notInMessage: ["hunter2-secret"],
  },
  {
    name: "U1 unknown apiVersion on a production stack: advisory cannot-verify",
    stack: "prod-eu",
    resource: { ...U1, urn: "urn:pulumi:prod-eu::p::azure-native:resources:Resource::u1" },
    errors: [
      {
        level: "advisory",
        message: "cannot be verified during preview: `apiVersion` is unknown",
      },
    ],
    notInMessage: [UNK],
  },
  {
    name: "versioned preview token of any module (modules: *)",
    stack: "prod-eu",
    resource: {
      type: "azure-native:storage/v20230101preview:StorageAccount",
      urn: "urn:pulumi:prod-eu::p::azure-native:storage/v20230101preview:StorageAccount::sa",
      name: "sa",
      props: { resourceGroupName: "rg" },
    },
    errors: [{ level: "mandatory", message: "uses the preview Azure API version 2023-01-01-preview" }],
  },
  {
    name: "privatepreview stage",
    resource: {
      type: "azure-native:containerservice/v20190930privatepreview:ManagedCluster",
      urn: "urn:pulumi:dev::p::azure-native:containerservice/v20190930privatepreview:ManagedCluster::pp",
      name: "pp",
      props: {},
    },
    errors: [
      { level: "advisory", message: "uses the privatepreview Azure API version 2019-09-30-privatepreview" },
    ],
  },
  {
    name: "beta stage (saas)",
    resource: {
      type: "azure-native:saas/v20180301beta:SaasSubscriptionLevel",
      urn: "urn:pulumi:dev::p::azure-native:saas/v20180301beta:SaasSubscriptionLevel::s",
      name: "s",
      props: {},
    },
    errors: [{ level: "advisory", message: "uses the beta Azure API version 2018-03-01-beta" }],
  },
  {
    name: "defaultPreviewModules widened to every module",
    stack: "prod-eu",
    config: { defaultPreviewModules: ["*"] },
    resource: {
      type: "azure-native:network:NetworkSecurityPerimeter",
      urn: "urn:pulumi:prod-eu::p::azure-native:network:NetworkSecurityPerimeter::nsp",
      name: "nsp",
      props: { resourceGroupName: "rg" },
    },
    errors: [
      {
        level: "mandatory",
        message:
          "the default API version of network:NetworkSecurityPerimeter in azure-native 3.28.0 is the preview 2024-06-01-preview",
      },
    ],
  },
  {
    name: "generic resource with a preview apiVersion",
    stack: "prod-eu",
    resource: {
      type: "azure-native:resources:Resource",
      urn: "urn:pulumi:prod-eu::p::azure-native:resources:Resource::mc",
      name: "mc",
      props: {
        resourceGroupName: "rg",
        resourceProviderNamespace: "Microsoft.ContainerService",
        resourceType: "managedClusters",
        resourceName: "aks1",
        apiVersion: "2025-08-02-PREVIEW",
      },
    },
    errors: [
      {
        level: "mandatory",
        message:
          "manages Microsoft.ContainerService resources through the preview API version 2025-08-02-PREVIEW (`apiVersion`)",
      },
    ],
  },
  {
    name: "generic resource: unknown namespace with modules narrowed: cannot verify",
    stack: "prod-eu",
    config: { modules: ["containerservice"] },
    resource: {
      type: "azure-native:resources:Resource",
      urn: "urn:pulumi:prod-eu::p::azure-native:resources:Resource::x",
      name: "x",
      props: { resourceProviderNamespace: UNK, resourceType: "x", apiVersion: "2025-08-02-preview" },
    },
    errors: [
      {
        level: "advisory",
        message: "`resourceProviderNamespace` is unknown, so whether preview API version 2025-08-02-preview",
      },
    ],
  },
  {
    name: "versioned preview generic resource with a preview apiVersion: two findings",
    stack: "prod-eu",
    resource: {
      type: "azure-native:resources/v20240301preview:Resource",
      urn: "urn:pulumi:prod-eu::p::azure-native:resources/v20240301preview:Resource::both",
      name: "both",
      props: { resourceProviderNamespace: "Microsoft.ContainerService", apiVersion: "2025-08-02-preview" },
    },
    errors: [
      { level: "mandatory", message: "uses the preview Azure API version 2024-03-01-preview" },
      { level: "mandatory", message: "through the preview API version 2025-08-02-preview" },
    ],
  },
  {
    name: "pack config stacks entry overrides the built-in prod* entry",
    stack: "prod-eu",
    config: { stacks: { "prod*": "advisory" } },
    resource: {
      type: "azure-native:containerservice:LoadBalancer",
      urn: "urn:pulumi:prod-eu::p::azure-native:containerservice:LoadBalancer::lb",
      name: "lb",
      props: { resourceGroupName: "rg", resourceName: "aks1", loadBalancerName: "kubernetes" },
    },
    errors: [{ level: "advisory", message: "is the preview 2024-10-02-preview" }],
  },
  {
    name: "pack config stacks entry tightens a dev stack",
    config: { stacks: { dev: "mandatory" } },
    resource: {
      type: "azure-native:containerservice:UpdateRun",
      urn: "urn:pulumi:dev::p::azure-native:containerservice:UpdateRun::run",
      name: "run",
      props: { resourceGroupName: "rg", fleetName: "f" },
    },
    errors: [
      { level: "mandatory", message: "containerservice:UpdateRun in azure-native 3.28.0 is the preview" },
    ],
  },
];

describe(RULE_ID, () => {
  describe("valid", () => {
    it.each(valid.map((c) => [c.name, c] as const))("%s", (_name, c) => {
      expect(analyze(c)).toEqual([]);
    });
  });

  describe("invalid", () => {
    it.each(invalid.map((c) => [c.name, c] as const))("%s", (_name, c) => {
      const diagnostics = analyze(c);
      expect(diagnostics).toHaveLength(c.errors.length);
      diagnostics.forEach((d, i) => {
        expect(d.policyName).toBe(RULE_ID);
        expect(d.urn).toBe(c.resource.urn);
        expect(d.enforcementLevel).toBe(c.errors[i].level);
        expect(d.message).toContain(c.errors[i].message);
        expect(d.message).toContain("Support policy: §preview-features-or-feature-flags (S52, S53)");
        for (const secret of c.notInMessage ?? []) expect(d.message).not.toContain(secret);
      });
    });
  });

  it("every unversioned containerservice token with a preview default is a finding", () => {
    const preview = [
      "AutoUpgradeProfile",
      "DeploymentSafeguard",
      "Fleet",
      "FleetManagedNamespace",
      "FleetMember",
      "FleetUpdateStrategy",
      "IdentityBinding",
      "JWTAuthenticator",
      "LoadBalancer",
      "ManagedClusterSnapshot",
      "MeshMembership",
      "Namespace",
      "UpdateRun",
    ];
    const ga = [
      "ManagedCluster",
      "AgentPool",
      "MaintenanceConfiguration",
      "ManagedNamespace",
      "PrivateEndpointConnection",
      "Snapshot",
      "TrustedAccessRoleBinding",
    ];
    const run = (type: string) =>
      analyze({
        name: type,
        resource: { type: `azure-native:containerservice:${type}`, urn: `u-${type}`, name: type, props: {} },
      });
    for (const type of preview) expect(run(type)).toHaveLength(1);
    for (const type of ga) expect(run(type)).toEqual([]);
  });

  it("lists resource types that exist in azure-native", () => {
    for (const type of rule.resourceTypes) expect(parseAzureNative(type)?.base).toBe(type);
  });
});

describe("azure-native token parsing", () => {
  it.each([
    ["azure-native:containerservice:ManagedCluster", "containerservice", undefined, undefined],
    [
      "azure-native:containerservice/v20240402preview:ManagedCluster",
      "containerservice",
      "v20240402preview",
      "preview",
    ],
    ["azure-native:containerservice/v20230901:AgentPool", "containerservice", "v20230901", undefined],
    [
      "azure-native_containerservice_v20250602preview:containerservice/v20250602preview:AgentPool",
      "containerservice",
      "v20250602preview",
      "preview",
    ],
    ["azure-native_storage_v20240101:storage/v20240101:StorageAccount", "storage", "v20240101", undefined],
    [
      "azure-native:containerservice/v20190930privatepreview:ManagedCluster",
      "containerservice",
      "v20190930privatepreview",
      "privatepreview",
    ],
    ["azure-native:saas/v20180301beta:SaasSubscriptionLevel", "saas", "v20180301beta", "beta"],
  ] as const)("%s", (token, module, version, stage) => {
    expect(parseAzureNative(token)).toMatchObject({ module, version, stage });
  });

  it.each([
    "azure:containerservice/kubernetesCluster:KubernetesCluster",
    "kubernetes:apps/v1beta1:Deployment",
    "azure-native:containerservice/2024-04-02-preview:ManagedCluster",
    "pulumi:providers:azure-native",
  ])("%s is not an azure-native resource token", (token) => {
    expect(parseAzureNative(token)).toBeUndefined();
  });
});
