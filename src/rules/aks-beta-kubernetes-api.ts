import { Finding, defineRule } from "../model/rule";
import { safe } from "../model/values";
import {
  BUILTIN_API_GROUPS,
  isAllowedApi,
  kubernetesApi,
  removedIn,
  objectLabel,
} from "../resources/kubernetes";

interface Options {
  builtinGroups: string[];
  additionalGroups: string[];
  allowedApis: string[];
}

export default defineRule<Options>({
  id: "aks-beta-kubernetes-api",
  title: "No beta Kubernetes APIs (off by default)",
  area: "kubernetes-features",
  description:
    "Flags Kubernetes objects of built-in API groups at a beta version (v1beta1, v2beta2, ...), for teams that follow the 2019/2020 AKS support policy's exclusion of beta features. Off by default.",
  source: {
    sections: ["unsupported-alpha-and-beta-kubernetes-features"],
    statements: ["S50"],
    currentDocs: ["support-policies.md"],
  },
  defaultLevel: "disabled",
  data: {
    what: "list of beta Kubernetes APIs removed upstream (Deprecated API Migration Guide)",
    lastChecked: "2026-11-23",
  },
  resourceTypes: [
    "kubernetes:flowcontrol.apiserver.k8s.io/v1beta3:FlowSchema",
    "kubernetes:batch/v1beta1:CronJob",
    "kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler",
    "kubernetes:storage.k8s.io/v1beta1:CSIDriver",
  ],
  options: {
    builtinGroups: {
      type: "array",
      items: { type: "string" },
      default: BUILTIN_API_GROUPS,
      description:
        "API groups served by the Kubernetes API server itself (`core` is the legacy group). Groups defined by CRDs are out of scope.",
    },
    additionalGroups: {
      type: "array",
      items: { type: "string" },
      default: [],
      description:
        'More API groups to treat like built-in ones (e.g. "gateway.networking.k8s.io" to ban its beta versions too).',
    },
    allowedApis: {
      type: "array",
      items: { type: "string" },
      default: [],
      description:
        'APIs to accept, as "<group>/<version>:<Kind>", e.g. "resource.k8s.io/v1beta1:DeviceClass".',
    },
  },
  fix: "use the GA version of the API (e.g. `autoscaling/v2`, `batch/v1`, `flowcontrol.apiserver.k8s.io/v1`)",
  docs: {
    why: [
      "The 2019/2020 AKS support policy (§unsupported-alpha-and-beta-kubernetes-features, S50) excluded both alpha",
      "and beta Kubernetes features from support. Today's AKS docs (`support-policies.md`) support \"stable and beta",
      'features" and exclude only alpha ones, so this rule is **off by default**: enabling it enforces the seed',
      "policy's stricter wording, for teams that want only GA APIs in production. Beta APIs are also the ones",
      "Kubernetes removes after a deprecation period; the message says when the API is already gone upstream.",
    ].join("\n"),
    checks: [
      "- Every `kubernetes:<group>/<version>:<Kind>` resource (the types listed below are examples) whose version has a beta stage (`v1beta1`,",
      "  `v2beta2`, ...) and whose group is in `builtinGroups` or `additionalGroups` — object, `…Patch` and `…List`",
      "  resources alike, and `CustomResource`s that name a built-in group. The token decides, so unknown values",
      "  during preview never matter.",
      "- Groups defined by CRDs (e.g. `gateway.networking.k8s.io/v1beta1`) are out of scope unless added to",
      "  `additionalGroups`. `allowedApis` entries (`<group>/<version>:<Kind>`) pass.",
      '- When the Kubernetes API server no longer serves the API (the upstream "Deprecated API Migration Guide":',
      "  e.g. `batch/v1beta1` CronJob since 1.25, `autoscaling/v2beta2` since 1.26, `flowcontrol.apiserver.k8s.io/v1beta3`",
      "  since 1.32), the message says so: such objects fail at apply time on current AKS versions anyway.",
      "- Objects from YAML manifests and Helm charts are checked one by one; see `aks-alpha-kubernetes-api` for",
      "  where each kind of manifest or chart expands and what the pack can see.",
      "",
      'Turn it on per stack (`{"aks-beta-kubernetes-api":{"stacks":{"prod*":"advisory"}}}`), everywhere with',
      '`"enforcementLevel":"mandatory"`, or for one stack through stack config (`aks-guardrails:levels`). An explicit',
      '`"enforcementLevel":"advisory"` cannot turn it on: Pulumi cannot tell it from the declared default.',
    ].join("\n"),
    violating: [
      'import * as k8s from "@pulumi/kubernetes";',
      "",
      'new k8s.autoscaling.v2beta2.HorizontalPodAutoscaler("hpa", {',
      '  metadata: { name: "web" },',
      '  spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 2, maxReplicas: 10 },',
      "});",
    ].join("\n"),
    fixed: [
      'import * as k8s from "@pulumi/kubernetes";',
      "",
      'new k8s.autoscaling.v2.HorizontalPodAutoscaler("hpa", {',
      '  metadata: { name: "web" },',
      '  spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 2, maxReplicas: 10 },',
      "});",
    ].join("\n"),
    limits:
      "Objects a Helm v3 `Release` installs are not inspectable; charts and `yaml/v2` groups with unknown inputs " +
      "register their objects only once the inputs are known. Beta *fields* inside GA kinds are not checked.",
  },
  checkResource(resource, ctx) {
    const api = kubernetesApi(resource.type);
    if (!api || api.stage !== "beta") return [];
    const { builtinGroups, additionalGroups, allowedApis } = ctx.config;
    if (!builtinGroups.includes(api.group) && !additionalGroups.includes(api.group)) return [];
    if (isAllowedApi(api, allowedApis)) return [];
    const removed = removedIn(api);
    const finding: Finding = {
      kind: "violation",
      message:
        `uses the beta API ${safe(api.apiVersion, "token")} for ${safe(api.tokenKind, "token")}` +
        objectLabel(resource) +
        (removed
          ? `; Kubernetes ${removed} and later no longer serve ${safe(api.apiVersion, "token")} ${safe(api.kind, "token")}, so applying it fails on current AKS versions`
          : "; the AKS support policy of 2019/2020 excluded beta features"),
      key: "beta-api",
    };
    return [finding];
  },
});
