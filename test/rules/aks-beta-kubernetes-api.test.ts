/**
 * `aks-beta-kubernetes-api` (rule-catalog §2.18): off by default (declared `advisory` to the engine, silent
 * until a `stacks` entry, `enforcementLevel: mandatory` or stack config turns it on). Cases run through the
 * real runtime; "enabled" cases turn the rule on with a `stacks` entry for the `dev` stack.
 */
import type { ResourceInput } from "../../src/model/rule";
import { declaredLevel } from "../../src/model/levels";
import { Diagnostic, GuardrailsRuntime } from "../../src/pack/runtime";
import { kubernetesApi } from "../../src/resources/kubernetes";
import rule from "../../src/rules/aks-beta-kubernetes-api";

const RULE_ID = "aks-beta-kubernetes-api";
const UNK = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const ENABLED = { stacks: { dev: "advisory" } };

interface Case {
  name: string;
  /** Pack config for the rule; `ENABLED` unless the case says otherwise. */
  config?: Record<string, unknown>;
  stackConfig?: Record<string, unknown>;
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
    stackConfig: c.stackConfig ?? {},
  });
  return runtime.analyzeResource(rule, c.resource, c.config ?? ENABLED, new Map<string, string>());
}

const F1: ResourceInput = {
  type: "kubernetes:flowcontrol.apiserver.k8s.io/v1beta3:FlowSchema",
  urn: "urn:pulumi:dev::p::kubernetes:flowcontrol.apiserver.k8s.io/v1beta3:FlowSchema::fs",
  name: "fs",
  props: { metadata: { name: "fs" } },
};

const valid: Case[] = [
  { name: "F1 with the built-in default (disabled): nothing", config: {}, resource: F1 },
  {
    name: 'F1 with an explicit "advisory" (indistinguishable from the declared default): still off',
    config: { enforcementLevel: "advisory" },
    resource: F1,
  },
  {
    name: "F1 with a stacks entry for another stack: still off",
    config: { stacks: { "prod*": "mandatory" } },
    resource: F1,
  },
  {
    name: "P1 autoscaling/v2 HorizontalPodAutoscaler (GA)",
    resource: {
      type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
      urn: "urn:pulumi:dev::p::kubernetes:autoscaling/v2:HorizontalPodAutoscaler::hpa",
      name: "hpa",
      props: { metadata: { name: "hpa" } },
    },
  },
  {
    name: "P2 gateway.networking.k8s.io/v1beta1 Gateway (CRD group)",
    resource: {
      type: "kubernetes:gateway.networking.k8s.io/v1beta1:Gateway",
      urn: "urn:pulumi:dev::p::kubernetes:gateway.networking.k8s.io/v1beta1:Gateway::gw",
      name: "gw",
      props: { metadata: { name: "gw" } },
    },
  },
  {
    name: "P3 alpha FlowSchema is the alpha rule's business",
    resource: {
      type: "kubernetes:flowcontrol.apiserver.k8s.io/v1alpha1:FlowSchema",
      urn: "urn:pulumi:dev::p::kubernetes:flowcontrol.apiserver.k8s.io/v1alpha1:FlowSchema::fs",
      name: "fs",
      props: { metadata: { name: "fs" } },
    },
  },
  {
    name: "U1 with the default (disabled): nothing",
    config: {},
    resource: {
      type: "kubernetes:storage.k8s.io/v1beta1:CSIDriver",
      urn: "urn:pulumi:dev::p::kubernetes:storage.k8s.io/v1beta1:CSIDriver::csi",
      name: "csi",
      props: { metadata: { name: UNK } },
    },
  },
  {
    name: "allowedApis entry passes",
    config: { ...ENABLED, allowedApis: ["flowcontrol.apiserver.k8s.io/v1beta3:FlowSchema"] },
    resource: F1,
  },
  {
    name: 'explicit "disabled" beats a stacks entry',
    config: { enforcementLevel: "disabled", stacks: { dev: "mandatory" } },
    resource: F1,
  },
];

const invalid: InvalidCase[] = [
  {
    name: "F1 FlowSchema v1beta3 (removed in 1.32)",
    resource: F1,
    level: "advisory",
    message:
      'kubernetes:flowcontrol.apiserver.k8s.io/v1beta3:FlowSchema "fs" — uses the beta API ' +
      "flowcontrol.apiserver.k8s.io/v1beta3 for FlowSchema (object fs); Kubernetes 1.32 and later no longer serve " +
      "flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema",
  },
  {
    name: "F2 CronJob batch/v1beta1 (removed in 1.25)",
    resource: {
      type: "kubernetes:batch/v1beta1:CronJob",
      urn: "urn:pulumi:dev::p::kubernetes:batch/v1beta1:CronJob::job",
      name: "job",
      props: { metadata: { name: "job" } },
    },
    level: "advisory",
    message:
      "uses the beta API batch/v1beta1 for CronJob (object job); Kubernetes 1.25 and later no longer serve",
  },
  {
    name: "F3 HorizontalPodAutoscaler autoscaling/v2beta2 (removed in 1.26)",
    resource: {
      type: "kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler",
      urn: "urn:pulumi:dev::p::kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler::hpa",
      name: "hpa",
      props: { metadata: { name: "hpa" } },
    },
    level: "advisory",
    message:
      "uses the beta API autoscaling/v2beta2 for HorizontalPodAutoscaler (object hpa); Kubernetes 1.26",
  },
  {
    name: "U1 CSIDriver with an unknown name, enabled: the token decides, the name is not printed",
    resource: {
      type: "kubernetes:storage.k8s.io/v1beta1:CSIDriver",
      urn: "urn:pulumi:dev::p::kubernetes:storage.k8s.io/v1beta1:CSIDriver::csi",
      name: "csi",
      props: { metadata: { name: UNK } },
    },
    level: "advisory",
    message:
      "uses the beta API storage.k8s.io/v1beta1 for CSIDriver; Kubernetes 1.22 and later no longer serve",
    notInMessage: [UNK, "(object"],
  },
  {
    name: "a beta API still served upstream names the 2019/2020 policy",
    resource: {
      type: "kubernetes:resource.k8s.io/v1beta1:DeviceClass",
      urn: "urn:pulumi:dev::p::kubernetes:resource.k8s.io/v1beta1:DeviceClass::gpu",
      name: "gpu",
      props: { metadata: { name: "gpu" } },
    },
    level: "advisory",
    message:
      "uses the beta API resource.k8s.io/v1beta1 for DeviceClass (object gpu); the AKS support policy of 2019/2020 excluded beta features",
  },
  {
    name: "…Patch of a removed beta API",
    resource: {
      type: "kubernetes:extensions/v1beta1:DaemonSetPatch",
      urn: "urn:pulumi:dev::p::kubernetes:extensions/v1beta1:DaemonSetPatch::ds",
      name: "ds",
      props: { metadata: { name: "ds", namespace: "ops" } },
    },
    level: "advisory",
    message:
      "uses the beta API extensions/v1beta1 for DaemonSetPatch (object ops/ds); Kubernetes 1.16 and later no longer serve extensions/v1beta1 DaemonSet",
  },
  {
    name: "…List of a beta API",
    resource: {
      type: "kubernetes:batch/v1beta1:CronJobList",
      urn: "urn:pulumi:dev::p::kubernetes:batch/v1beta1:CronJobList::jobs",
      name: "jobs",
      props: { items: [] },
    },
    level: "advisory",
    message: "uses the beta API batch/v1beta1 for CronJobList; Kubernetes 1.25",
  },
  {
    name: "enabled everywhere with enforcementLevel mandatory",
    config: { enforcementLevel: "mandatory" },
    resource: F1,
    level: "mandatory",
    message: "uses the beta API flowcontrol.apiserver.k8s.io/v1beta3 for FlowSchema",
  },
  {
    name: "enabled on this stack through stack config",
    config: {},
    stackConfig: { "aks-guardrails:levels": { [RULE_ID]: "mandatory" } },
    resource: F1,
    level: "mandatory",
    message: "uses the beta API flowcontrol.apiserver.k8s.io/v1beta3",
  },
  {
    name: "P2 with the CRD group added to additionalGroups",
    config: { ...ENABLED, additionalGroups: ["gateway.networking.k8s.io"] },
    resource: {
      type: "kubernetes:gateway.networking.k8s.io/v1beta1:Gateway",
      urn: "urn:pulumi:dev::p::kubernetes:gateway.networking.k8s.io/v1beta1:Gateway::gw",
      name: "gw",
      props: { metadata: { name: "gw" } },
    },
    level: "advisory",
    message: "uses the beta API gateway.networking.k8s.io/v1beta1 for Gateway (object gw)",
  },
];

describe(RULE_ID, () => {
  it("is off by default and declared advisory to the engine", () => {
    expect(rule.defaultLevel).toBe("disabled");
    expect(declaredLevel(rule.defaultLevel)).toBe("advisory");
  });

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
      expect(d.message).toContain("Support policy: §unsupported-alpha-and-beta-kubernetes-features (S50)");
      for (const secret of c.notInMessage ?? []) expect(d.message).not.toContain(secret);
    });
  });

  it("lists resource types that are beta tokens of built-in groups", () => {
    for (const type of rule.resourceTypes) {
      expect(kubernetesApi(type)?.stage).toBe("beta");
      const resource = { type, urn: `urn:x::${type}`, name: "x", props: {} };
      expect(analyze({ name: type, resource })).toHaveLength(1);
    }
  });
});
