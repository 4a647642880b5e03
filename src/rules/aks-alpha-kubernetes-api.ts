import { Finding, defineRule } from "../model/rule";
import { safe } from "../model/values";
import { BUILTIN_API_GROUPS, isAllowedApi, kubernetesApi, objectLabel } from "../resources/kubernetes";

interface Options {
  builtinGroups: string[];
  additionalGroups: string[];
  allowedApis: string[];
}

export default defineRule<Options>({
  id: "aks-alpha-kubernetes-api",
  title: "No alpha Kubernetes APIs",
  area: "kubernetes-features",
  description:
    "Flags Kubernetes objects of built-in API groups at an alpha version (v1alpha1, v2alpha1, ...): AKS does not support upstream alpha features.",
  source: {
    sections: ["unsupported-alpha-and-beta-kubernetes-features"],
    statements: ["S50", "S51"],
    currentDocs: ["support-policies.md"],
  },
  defaultLevel: "mandatory",
  resourceTypes: [
    "kubernetes:flowcontrol.apiserver.k8s.io/v1alpha1:FlowSchema",
    "kubernetes:resource.k8s.io/v1alpha3:DeviceClass",
    "kubernetes:scheduling.k8s.io/v1alpha1:PriorityClass",
    "kubernetes:storagemigration.k8s.io/v1alpha1:StorageVersionMigration",
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
        "More API groups to treat like built-in ones (e.g. a CRD group whose alpha versions you ban).",
    },
    allowedApis: {
      type: "array",
      items: { type: "string" },
      default: [],
      description:
        'APIs you have a documented support agreement for (S51), as "<group>/<version>:<Kind>", e.g. "resource.k8s.io/v1alpha3:DeviceClass".',
    },
  },
  fix: "use a stable apiVersion (e.g. `flowcontrol.apiserver.k8s.io/v1`) or drop the feature",
  docs: {
    why:
      "The AKS support policy (§unsupported-alpha-and-beta-kubernetes-features, S50) excludes upstream alpha " +
      "features from support unless AKS documents them, and current AKS docs (`support-policies.md`) still do. " +
      "Alpha APIs can change or disappear in any Kubernetes release, and AKS does not enable them on managed " +
      "control planes, so a program that needs one is outside what AKS supports (S51: only with an explicit " +
      "agreement — list the API in `allowedApis`).",
    checks: [
      "- Every `kubernetes:<group>/<version>:<Kind>` resource (the types listed below are examples) whose version has an alpha stage (`v1alpha1`,",
      "  `v2alpha1`, ...) and whose group is in `builtinGroups` or `additionalGroups` — object, server-side-apply",
      "  `…Patch` and `…List` resources alike, and `CustomResource`s that name a built-in group (e.g.",
      "  `internal.apiserver.k8s.io/v1alpha1`).",
      "- The decision uses the type token only, so unknown property values during preview never weaken it; the",
      "  message names the object only when its name is known.",
      "- Groups defined by CRDs (`cert-manager.io`, `gateway.networking.k8s.io`, ...) are out of scope; add one to",
      "  `additionalGroups` to include it. Alpha *fields* or feature gates inside stable kinds are not checked.",
      "- `allowedApis` entries (`<group>/<version>:<Kind>`) pass, with their `…Patch`/`…List` forms.",
      "",
      "Objects that manifests and charts expand into reach the pack one by one, as resources of their own:",
      "",
      "| source | where it expands | what the pack sees |",
      "|---|---|---|",
      "| `kubernetes:yaml:ConfigFile` / `ConfigGroup` (v1) | in the program (`@pulumi/kubernetes` `yaml/yaml.js`: the `kubernetes:yaml:decode` invoke parses the YAML, the program registers each object) | each object, as a child of the component (`test/e2e/kubernetes-yaml-expansion.test.ts` runs such a program offline through the pack) |",
      '| `kubernetes:yaml/v2:ConfigFile` / `ConfigGroup` | in the provider: a multi-language component whose `Construct` registers each object with the engine (pulumi-kubernetes `provider/pkg/provider/yaml/v2/configgroup.go`, `yaml.go`) | each object, as a child of the component; while an input is unknown in preview the provider warns "Preview is incomplete" and the children appear only once it is known |',
      "| `kubernetes:helm.sh/v4:Chart` | in the provider: `helm template` then the same registration (pulumi-kubernetes `provider/pkg/provider/helm/v4/chart.go`) | each rendered object; with unknown inputs in preview no children are registered |",
      "| `kubernetes:helm.sh/v3:Chart` | the `kubernetes:helm:template` invoke renders in the provider; the program registers each object (`@pulumi/kubernetes` `helm/v3/helm.js`) | each rendered object |",
      "| `kubernetes:helm.sh/v3:Release` | entirely in the provider (Helm install) | only the Release: its objects are not inspectable |",
      "| `kubernetes:kustomize:Directory` | the `kubernetes:kustomize:directory` invoke renders in the provider; the program registers each object (`kustomize/kustomize.js`) | each object |",
      "| `kubernetes:kustomize/v2:Directory` | in the provider (multi-language component, like `yaml/v2`) | each object |",
    ].join("\n"),
    violating: [
      'import * as k8s from "@pulumi/kubernetes";',
      "",
      'new k8s.flowcontrol.v1alpha1.FlowSchema("fs", {',
      '  metadata: { name: "fs" },',
      '  spec: { priorityLevelConfiguration: { name: "workload-low" }, matchingPrecedence: 1000 },',
      "});",
    ].join("\n"),
    fixed: [
      'import * as k8s from "@pulumi/kubernetes";',
      "",
      'new k8s.flowcontrol.v1.FlowSchema("fs", {',
      '  metadata: { name: "fs" },',
      '  spec: { priorityLevelConfiguration: { name: "workload-low" }, matchingPrecedence: 1000 },',
      "});",
    ].join("\n"),
    limits:
      "Objects a Helm v3 `Release` installs are rendered inside the provider and never reach the pack. Charts and " +
      "`yaml/v2` groups whose inputs are unknown during preview register their objects only once the inputs are " +
      "known (at `pulumi up`). Objects applied outside Pulumi (kubectl, GitOps) are invisible.",
  },
  checkResource(resource, ctx) {
    const api = kubernetesApi(resource.type);
    if (!api || api.stage !== "alpha") return [];
    const { builtinGroups, additionalGroups, allowedApis } = ctx.config;
    if (!builtinGroups.includes(api.group) && !additionalGroups.includes(api.group)) return [];
    if (isAllowedApi(api, allowedApis)) return [];
    const finding: Finding = {
      kind: "violation",
      message:
        `uses the alpha API ${safe(api.apiVersion, "token")} for ${safe(api.tokenKind, "token")}` +
        `${objectLabel(resource)}; AKS does not support upstream alpha features`,
      key: "alpha-api",
    };
    return [finding];
  },
});
