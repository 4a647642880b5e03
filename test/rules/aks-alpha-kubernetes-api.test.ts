/**
 * `aks-alpha-kubernetes-api` (rule-catalog §2.17): table-driven; every case runs through the real runtime
 * (level resolution, finding levels, message format) and asserts the rule id, level and a message fragment.
 */
import type { ResourceInput } from "../../src/model/rule";
import { Diagnostic, GuardrailsRuntime } from "../../src/pack/runtime";
import { kubernetesApi } from "../../src/resources/kubernetes";
import { parseKubernetes } from "../../src/resources/tokens";
import rule from "../../src/rules/aks-alpha-kubernetes-api";

const RULE_ID = "aks-alpha-kubernetes-api";
const UNK = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

interface Case {
  name: string;
  config?: Record<string, unknown>;
  resource: ResourceInput;
}

interface InvalidCase extends Case {
  level: "advisory" | "mandatory";
  message: string;
  notInMessage?: string[];
}

function analyze(c: Case): Diagnostic[] {
  const runtime = new GuardrailsRuntime({
    rules: [rule],
    stack: { stack: "dev", project: "p", organization: "o" },
    stackConfig: {},
  });
  return runtime.analyzeResource(rule, c.resource, c.config ?? {}, new Map<string, string>());
}

const valid: Case[] = [
  {
    name: "P1 stable apps/v1 Deployment",
    resource: {
      type: "kubernetes:apps/v1:Deployment",
      urn: "urn:pulumi:dev::p::kubernetes:apps/v1:Deployment::web",
      name: "web",
      props: { metadata: { name: "web" } },
    },
  },
  {
    name: "P2 alpha version of a CRD group (cert-manager.io)",
    resource: {
      type: "kubernetes:cert-manager.io/v1alpha2:Certificate",
      urn: "urn:pulumi:dev::p::kubernetes:cert-manager.io/v1alpha2:Certificate::c",
      name: "c",
      props: { apiVersion: "cert-manager.io/v1alpha2", kind: "Certificate", metadata: { name: "c" } },
    },
  },
  {
    name: "P3 beta FlowSchema is the beta rule's business",
    resource: {
      type: "kubernetes:flowcontrol.apiserver.k8s.io/v1beta3:FlowSchema",
      urn: "urn:pulumi:dev::p::kubernetes:flowcontrol.apiserver.k8s.io/v1beta3:FlowSchema::fs",
      name: "fs",
      props: { metadata: { name: "fs" } },
    },
  },
  {
    name: "allowedApis lists the API (documented exception, S51)",
    config: { allowedApis: ["resource.k8s.io/v1alpha3:DeviceClass"] },
    resource: {
      type: "kubernetes:resource.k8s.io/v1alpha3:DeviceClass",
      urn: "urn:pulumi:dev::p::kubernetes:resource.k8s.io/v1alpha3:DeviceClass::gpu",
      name: "gpu",
      props: { metadata: { name: "gpu" } },
    },
  },
  {
    name: "allowedApis covers the …Patch form of the allowed kind",
    config: { allowedApis: ["resource.k8s.io/v1alpha3:DeviceClass"] },
    resource: {
      type: "kubernetes:resource.k8s.io/v1alpha3:DeviceClassPatch",
      urn: "urn:pulumi:dev::p::kubernetes:resource.k8s.io/v1alpha3:DeviceClassPatch::gpu",
      name: "gpu",
      props: { metadata: { name: "gpu" } },
    },
  },
  {
    name: "gateway.networking.k8s.io is a CRD group, out of scope by default",
    resource: {
      type: "kubernetes:gateway.networking.k8s.io/v1alpha2:TCPRoute",
      urn: "urn:pulumi:dev::p::kubernetes:gateway.networking.k8s.io/v1alpha2:TCPRoute::r",
      name: "r",
      props: { metadata: { name: "r" } },
    },
  },
  {
    name: "YAML v1 component itself is not an API object",
    resource: {
      type: "kubernetes:yaml:ConfigGroup",
      urn: "urn:pulumi:dev::p::kubernetes:yaml:ConfigGroup::bundle",
      name: "bundle",
      props: {},
    },
  },
  {
    name: "Helm v3 Release (not an API object)",
    resource: {
      type: "kubernetes:helm.sh/v3:Release",
      urn: "urn:pulumi:dev::p::kubernetes:helm.sh/v3:Release::r",
      name: "r",
      props: { chart: "x" },
    },
  },
  {
    name: "builtinGroups replaced: flowcontrol no longer counts",
    config: { builtinGroups: ["core", "apps"] },
    resource: {
      type: "kubernetes:flowcontrol.apiserver.k8s.io/v1alpha1:FlowSchema",
      urn: "urn:pulumi:dev::p::kubernetes:flowcontrol.apiserver.k8s.io/v1alpha1:FlowSchema::fs",
      name: "fs",
      props: { metadata: { name: "fs" } },
    },
  },
  {
    name: "azure resource (not Kubernetes)",
    resource: {
      type: "azure-native:containerservice:ManagedCluster",
      urn: "urn:pulumi:dev::p::azure-native:containerservice:ManagedCluster::aks",
      name: "aks",
      props: { resourceGroupName: "rg" },
    },
  },
];

const invalid: InvalidCase[] = [
  {
    name: "F1 FlowSchema v1alpha1",
    resource: {
      type: "kubernetes:flowcontrol.apiserver.k8s.io/v1alpha1:FlowSchema",
      urn: "urn:pulumi:dev::p::kubernetes:flowcontrol.apiserver.k8s.io/v1alpha1:FlowSchema::fs",
      name: "fs",
      props: {
        apiVersion: "flowcontrol.apiserver.k8s.io/v1alpha1",
        kind: "FlowSchema",
        metadata: { name: "fs" },
      },
    },
    level: "mandatory",
    message:
      'kubernetes:flowcontrol.apiserver.k8s.io/v1alpha1:FlowSchema "fs" — uses the alpha API ' +
      "flowcontrol.apiserver.k8s.io/v1alpha1 for FlowSchema (object fs); AKS does not support upstream alpha features",
  },
  {
    name: "F2 DeviceClass v1alpha3",
    resource: {
      type: "kubernetes:resource.k8s.io/v1alpha3:DeviceClass",
      urn: "urn:pulumi:dev::p::kubernetes:resource.k8s.io/v1alpha3:DeviceClass::gpu",
      name: "gpu",
      props: { apiVersion: "resource.k8s.io/v1alpha3", kind: "DeviceClass", metadata: { name: "gpu" } },
    },
    level: "mandatory",
    message: "uses the alpha API resource.k8s.io/v1alpha3 for DeviceClass (object gpu)",
  },
  {
    name: "F3 StorageVersion of internal.apiserver.k8s.io through CustomResource",
    resource: {
      type: "kubernetes:internal.apiserver.k8s.io/v1alpha1:StorageVersion",
      urn: "urn:pulumi:dev::p::kubernetes:internal.apiserver.k8s.io/v1alpha1:StorageVersion::sv",
      name: "sv",
      props: {
        apiVersion: "internal.apiserver.k8s.io/v1alpha1",
        kind: "StorageVersion",
        metadata: { name: "sv" },
      },
    },
    level: "mandatory",
    message: "uses the alpha API internal.apiserver.k8s.io/v1alpha1 for StorageVersion",
  },
  {
    name: "U1 unknown name: the token decides, mandatory, the name is not printed",
    resource: {
      type: "kubernetes:scheduling.k8s.io/v1alpha1:PriorityClass",
      urn: "urn:pulumi:dev::p::kubernetes:scheduling.k8s.io/v1alpha1:PriorityClass::pc",
      name: "pc",
      props: { metadata: { name: UNK }, value: 1000 },
    },
    level: "mandatory",
    message: "uses the alpha API scheduling.k8s.io/v1alpha1 for PriorityClass; AKS does not support",
    notInMessage: [UNK, "(object", "unknown during preview"],
  },
  {
    name: "…Patch kind",
    resource: {
      type: "kubernetes:flowcontrol.apiserver.k8s.io/v1alpha1:FlowSchemaPatch",
      urn: "urn:pulumi:dev::p::kubernetes:flowcontrol.apiserver.k8s.io/v1alpha1:FlowSchemaPatch::fs",
      name: "fs",
      props: { metadata: { name: "fs" } },
    },
    level: "mandatory",
    message: "uses the alpha API flowcontrol.apiserver.k8s.io/v1alpha1 for FlowSchemaPatch (object fs)",
  },
  {
    name: "…List kind",
    resource: {
      type: "kubernetes:resource.k8s.io/v1alpha3:DeviceClassList",
      urn: "urn:pulumi:dev::p::kubernetes:resource.k8s.io/v1alpha3:DeviceClassList::all",
      name: "all",
      props: { items: [{ metadata: { name: "a" } }, { metadata: { name: "b" } }] },
    },
    level: "mandatory",
    message: "uses the alpha API resource.k8s.io/v1alpha3 for DeviceClassList",
  },
  {
    name: "v2alpha1 of the batch group, with namespace",
    resource: {
      type: "kubernetes:batch/v2alpha1:CronJob",
      urn: "urn:pulumi:dev::p::kubernetes:batch/v2alpha1:CronJob::nightly",
      name: "nightly",
      props: { metadata: { name: "nightly", namespace: "ops" } },
    },
    level: "mandatory",
    message: "uses the alpha API batch/v2alpha1 for CronJob (object ops/nightly)",
  },
  {
    name: "core group alpha version prints the manifest apiVersion",
    resource: {
      type: "kubernetes:core/v1alpha1:Widget",
      urn: "urn:pulumi:dev::p::kubernetes:core/v1alpha1:Widget::w",
      name: "w",
      props: {},
    },
    level: "mandatory",
    message: "uses the alpha API v1alpha1 for Widget; AKS does not support",
  },
  {
    name: "additionalGroups brings a CRD group in",
    config: { additionalGroups: ["cert-manager.io"] },
    resource: {
      type: "kubernetes:cert-manager.io/v1alpha2:Certificate",
      urn: "urn:pulumi:dev::p::kubernetes:cert-manager.io/v1alpha2:Certificate::c",
      name: "c",
      props: { metadata: { name: "c" } },
    },
    level: "mandatory",
    message: "uses the alpha API cert-manager.io/v1alpha2 for Certificate (object c)",
  },
  {
    name: "allowedApis for another kind does not cover this one",
    config: { allowedApis: ["resource.k8s.io/v1alpha3:ResourceClaim"] },
    resource: {
      type: "kubernetes:resource.k8s.io/v1alpha3:DeviceClass",
      urn: "urn:pulumi:dev::p::kubernetes:resource.k8s.io/v1alpha3:DeviceClass::gpu",
      name: "gpu",
      props: { metadata: { name: "gpu" } },
    },
    level: "mandatory",
    message: "uses the alpha API resource.k8s.io/v1alpha3 for DeviceClass",
  },
  {
    name: "an odd name is not printed (shape check), odd props do not throw",
    resource: {
      type: "kubernetes:flowcontrol.apiserver.k8s.io/v1alpha1:FlowSchema",
      urn: "urn:pulumi:dev::p::kubernetes:flowcontrol.apiserver.k8s.io/v1alpha1:FlowSchema::odd",
      name: "odd",
      props: { metadata: { name: "token=hunter2 secret", namespace: 42 }, spec: null },
    },
    level: "mandatory",
    message: "(object (not shown))",
    notInMessage: ["hunter2"],
  },
  {
    name: "pack config advisory lowers the finding",
    config: { enforcementLevel: "advisory" },
    resource: {
      type: "kubernetes:flowcontrol.apiserver.k8s.io/v1alpha1:FlowSchema",
      urn: "urn:pulumi:dev::p::kubernetes:flowcontrol.apiserver.k8s.io/v1alpha1:FlowSchema::fs",
      name: "fs",
      props: { metadata: { name: "fs" } },
    },
    level: "advisory",
    message: "uses the alpha API flowcontrol.apiserver.k8s.io/v1alpha1",
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
      expect(diagnostics).toHaveLength(1);
      const [d] = diagnostics;
      expect(d.policyName).toBe(RULE_ID);
      expect(d.urn).toBe(c.resource.urn);
      expect(d.enforcementLevel).toBe(c.level);
      expect(d.message).toContain(c.message);
      expect(d.message).toContain("Support policy: §unsupported-alpha-and-beta-kubernetes-features");
      for (const secret of c.notInMessage ?? []) expect(d.message).not.toContain(secret);
    });
  });

  it("lists resource types that are alpha tokens of built-in groups", () => {
    for (const type of rule.resourceTypes) {
      expect(kubernetesApi(type)?.stage).toBe("alpha");
      expect(
        analyze({ name: type, resource: { type, urn: `urn:x::${type}`, name: "x", props: {} } }),
      ).toHaveLength(1);
    }
  });
});

describe("Kubernetes token parsing", () => {
  it.each([
    ["kubernetes:apps/v1:Deployment", "apps", "v1", undefined, "Deployment", "object", "apps/v1"],
    ["kubernetes:core/v1:ConfigMapList", "core", "v1", undefined, "ConfigMap", "list", "v1"],
    ["kubernetes:apps/v1:DaemonSetPatch", "apps", "v1", undefined, "DaemonSet", "patch", "apps/v1"],
    ["kubernetes:batch/v1beta1:CronJob", "batch", "v1beta1", "beta", "CronJob", "object", "batch/v1beta1"],
    [
      "kubernetes:batch/v2alpha1:CronJob",
      "batch",
      "v2alpha1",
      "alpha",
      "CronJob",
      "object",
      "batch/v2alpha1",
    ],
    [
      "kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler",
      "autoscaling",
      "v2beta2",
      "beta",
      "HorizontalPodAutoscaler",
      "object",
      "autoscaling/v2beta2",
    ],
    [
      "kubernetes:cert-manager.io/v1alpha2:Certificate",
      "cert-manager.io",
      "v1alpha2",
      "alpha",
      "Certificate",
      "object",
      "cert-manager.io/v1alpha2",
    ],
    [
      "kubernetes:gateway.networking.k8s.io/v1beta1:GatewayPatch",
      "gateway.networking.k8s.io",
      "v1beta1",
      "beta",
      "Gateway",
      "patch",
      "gateway.networking.k8s.io/v1beta1",
    ],
  ] as const)("%s", (type, group, version, stage, kind, variant, apiVersion) => {
    expect(kubernetesApi(type)).toMatchObject({ group, version, stage, kind, variant, apiVersion });
  });

  it.each([
    "kubernetes:yaml:ConfigFile",
    "kubernetes:yaml/v2:ConfigGroup",
    "kubernetes:helm.sh/v4:Chart",
    "kubernetes:apps/v1beta:Deployment",
    "kubernetes:apps/1:Deployment",
    "pulumi:providers:kubernetes",
    "azure-native:containerservice/v20240402preview:ManagedCluster",
  ])("%s is not a versioned API object of an API group", (type) => {
    const api = kubernetesApi(type);
    expect(api === undefined || api.stage === undefined).toBe(true);
  });

  it("helm.sh/yaml component groups are never built-in", () => {
    expect(parseKubernetes("kubernetes:helm.sh/v3:Chart")?.group).toBe("helm.sh");
    expect(parseKubernetes("kubernetes:yaml/v2:ConfigGroup")?.stage).toBeUndefined();
  });
});
