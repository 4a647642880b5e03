import { ConfigError } from "../model/config";
import { Finding, ResourceInput, defineRule } from "../model/rule";
import { Read, Unknown, isRecord, safe } from "../model/values";
import {
  ClusterScoped,
  KubernetesApi,
  KubernetesObject,
  helmRelease,
  keysOf,
  kubernetesObjects,
  labelOf,
} from "../resources/kubernetes";

const RULE_ID = "aks-managed-components-unmodified";

interface Options {
  protectedObjects: string[];
  allowedObjects: string[];
  checkCorednsCustomKeys: boolean;
}

/**
 * AKS-managed objects (rule-catalog §2.19), as `<namespace|*|_cluster>/<Kind>/<name or /regex/>`. Names from
 * `privileged-identity-management.md` (kube-system pods), `update-azure-cni.md`
 * (`azure-ip-masq-agent-config-reconciled`), the seed (S13: `aks-support-rolebinding`) and `support-policies.md`
 * (`aks-service`, `aks-service-rolebinding`); the `kube-dns` Service and `kube-proxy` ConfigMap are unverified.
 */
const DEFAULT_PROTECTED_OBJECTS = [
  "kube-system/ConfigMap/coredns",
  "kube-system/ConfigMap/coredns-autoscaler",
  "kube-system/ConfigMap/azure-ip-masq-agent-config-reconciled",
  "kube-system/ConfigMap/kube-proxy",
  "kube-system/Deployment/coredns",
  "kube-system/Deployment/coredns-autoscaler",
  "kube-system/Deployment/metrics-server",
  "kube-system/Deployment/konnectivity-agent",
  "kube-system/DaemonSet/kube-proxy",
  "kube-system/DaemonSet/azure-ip-masq-agent",
  "kube-system/DaemonSet/cloud-node-manager",
  "kube-system/DaemonSet//^csi-/",
  "kube-system/Service/kube-dns",
  "kube-system/Service/metrics-server",
  "*/RoleBinding/aks-support-rolebinding",
  "*/RoleBinding/aks-service-rolebinding",
  "_cluster/ClusterRoleBinding/aks-support-rolebinding",
  "_cluster/ClusterRoleBinding/aks-service-rolebinding",
  "_cluster/ClusterRole/aks-service",
  "_cluster/Namespace/kube-system",
];
const DEFAULT_ALLOWED_OBJECTS = [
  "kube-system/ConfigMap/coredns-custom",
  "kube-system/ConfigMap/azure-ip-masq-agent-config",
];
/** Entry syntax, checked by the option schema; a `/regex/` name is compiled when the rule runs. */
const ENTRY_PATTERN =
  "^(?:\\*|_cluster|[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)/[A-Za-z][A-Za-z0-9]*/(?:/.+/|[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)$";
const MANAGED_BY_LABEL = "kubernetes.azure.com/managedby";
const COREDNS_CUSTOM_SUFFIXES = [".server", ".override"];
const MAX_LISTED_KEYS = 10;

interface ObjectEntry {
  text: string;
  namespace: string;
  kind: string;
  name: string | RegExp;
}

const entryCache = new WeakMap<readonly string[], ObjectEntry[]>();

function parseEntries(option: string, list: readonly string[]): ObjectEntry[] {
  let entries = entryCache.get(list);
  if (entries) return entries;
  entries = list.map((text, index) => {
    const first = text.indexOf("/");
    const second = text.indexOf("/", first + 1);
    const namePart = text.slice(second + 1);
    let name: string | RegExp = namePart;
    if (namePart.length > 2 && namePart.startsWith("/") && namePart.endsWith("/")) {
      try {
        name = new RegExp(namePart.slice(1, -1));
      } catch (e) {
        throw new ConfigError(
          "policy pack config",
          `${RULE_ID}.${option}[${index}]`,
          "<namespace|*|_cluster>/<Kind>/<name or /regex/>",
          `invalid regular expression ${namePart} (${(e as Error).message})`,
        );
      }
    }
    return { text, namespace: text.slice(0, first), kind: text.slice(first + 1, second), name };
  });
  entryCache.set(list, entries);
  return entries;
}

function namespaceMatches(entry: ObjectEntry, namespace: string | ClusterScoped): boolean {
  if (entry.namespace === "*") return true;
  if (entry.namespace === "_cluster") return namespace === ClusterScoped;
  return namespace === entry.namespace;
}

function nameMatches(entry: ObjectEntry, name: string): boolean {
  return typeof entry.name === "string" ? entry.name === name : entry.name.test(name);
}

function describe(object: KubernetesObject, name: string, namespace: string | ClusterScoped): string {
  const where = namespace === ClusterScoped ? "" : `${safe(namespace, "name")}/`;
  return `${safe(object.kind, "token")} ${where}${safe(name, "name")}`;
}

/** A `NamespacePatch` that only sets `metadata.labels`/`metadata.annotations` (adding metadata is allowed). */
function onlyAddsMetadata(object: KubernetesObject): boolean | Unknown {
  if (object.metadata === Unknown) return Unknown;
  const topLevel = Object.keys(object.body).filter((k) => !["apiVersion", "kind", "metadata"].includes(k));
  const metadata = isRecord(object.metadata) ? Object.keys(object.metadata) : [];
  return topLevel.length === 0 && metadata.every((k) => ["name", "labels", "annotations"].includes(k));
}

function checkObject(
  api: KubernetesApi,
  object: KubernetesObject,
  protectedEntries: readonly ObjectEntry[],
  allowedEntries: readonly ObjectEntry[],
  key: string,
): Finding[] {
  const { name, namespace } = object;
  // Auto-named objects get a random suffix from the provider: they can never be AKS's.
  if (name === undefined || (typeof name !== "string" && name !== Unknown)) return [];
  if (typeof namespace !== "string" && namespace !== ClusterScoped && namespace !== Unknown) return [];
  const isPatch = api.variant === "patch";
  const metadataOnlyNamespacePatch =
    isPatch && object.kind === "Namespace" ? onlyAddsMetadata(object) : false;
  const candidates = protectedEntries.filter(
    (e) => e.kind === object.kind && !(e.kind === "Namespace" && metadataOnlyNamespacePatch === true),
  );

  if (name === Unknown || namespace === Unknown) {
    const couldMatch = candidates.some(
      (e) =>
        (name === Unknown || nameMatches(e, name)) &&
        (namespace === Unknown || namespaceMatches(e, namespace)),
    );
    if (!couldMatch) return [];
    const unknownPath = name === Unknown ? "`metadata.name`" : "`metadata.namespace`";
    return [
      {
        kind: "cannot-know",
        message: `${unknownPath} is unknown, so whether this ${safe(object.kind, "token")} is an AKS-managed object is not known`,
        key,
      },
    ];
  }

  if (
    allowedEntries.some(
      (e) => e.kind === object.kind && namespaceMatches(e, namespace) && nameMatches(e, name),
    )
  ) {
    return [];
  }
  const entry = candidates.find((e) => namespaceMatches(e, namespace) && nameMatches(e, name));
  const labelled = namespace === "kube-system" && labelOf(object, MANAGED_BY_LABEL) === "aks";
  if (!entry && !labelled) return [];
  const why = entry
    ? `listed in \`protectedObjects\` as \`${entry.text.replace(/`/g, "")}\``
    : `labelled \`${MANAGED_BY_LABEL}: aks\``;
  const target = describe(object, name, namespace);
  let message: string;
  if (object.kind === "Namespace" && !isPatch) {
    message =
      `adopts the namespace ${safe(name, "name")}, which AKS manages (${why}); \`pulumi destroy\` would try to ` +
      "delete it with every system component in it";
  } else if (isPatch) {
    message = `patches ${target}, which AKS manages (${why}); AKS-managed components must not be modified`;
  } else {
    message =
      `declares ${target}, which AKS manages (${why}); it collides with or overwrites AKS's own object, ` +
      "which AKS reconciles back";
  }
  return [{ kind: "violation", message, key }];
}

/** ConfigMap `kube-system/coredns-custom`: AKS's CoreDNS imports only keys ending `.server` or `.override`. */
function checkCorednsCustom(object: KubernetesObject, key: string): Finding[] {
  if (object.kind !== "ConfigMap" || object.name !== "coredns-custom" || object.namespace !== "kube-system") {
    return [];
  }
  const ignored: string[] = [];
  for (const field of ["data", "binaryData"]) {
    const keys = keysOf(object, field);
    if (keys === Unknown) continue;
    for (const k of keys) {
      if (!COREDNS_CUSTOM_SUFFIXES.some((suffix) => k.endsWith(suffix))) ignored.push(k);
    }
  }
  if (!ignored.length) return [];
  const shown = ignored.slice(0, MAX_LISTED_KEYS).map((k) => `\`${safe(k, "token")}\``);
  const more = ignored.length > MAX_LISTED_KEYS ? ` and ${ignored.length - MAX_LISTED_KEYS} more` : "";
  return [
    {
      kind: "violation",
      advisoryOnly: true,
      message:
        `ConfigMap kube-system/coredns-custom has keys that AKS's CoreDNS ignores: ${shown.join(", ")}${more} ` +
        "(only keys ending in `.server` or `.override` are imported)",
      fix:
        "name each key `<name>.server` (a server block for another zone) or `<name>.override` (plugins for the " +
        "default server block)",
      key,
    },
  ];
}

function checkRelease(resource: ResourceInput): Finding[] {
  const release = helmRelease(resource);
  if (!release) return [];
  const name: Read<string> = release.name;
  if (name === Unknown) {
    return [
      {
        kind: "cannot-know",
        message:
          "the release `name` is unknown, so whether it is an AKS-managed (`aks-managed*`) release is not known",
        key: "managed",
      },
    ];
  }
  if (typeof name !== "string" || !name.startsWith("aks-managed")) return [];
  return [
    {
      kind: "violation",
      message:
        `installs or upgrades the Helm release ${safe(name, "name")}; releases prefixed \`aks-managed\` belong to AKS ` +
        "add-ons and must not be modified",
      key: "managed",
    },
  ];
}

export default defineRule<Options>({
  id: RULE_ID,
  title: "Do not modify AKS-managed components",
  area: "managed-components",
  description:
    "Flags Kubernetes objects and server-side-apply patches that create, adopt or change components AKS manages in kube-system (CoreDNS, kube-proxy, konnectivity, metrics-server, CSI and cloud-node components, the support role bindings).",
  source: {
    sections: ["managed-features-in-aks", "aks-support-coverage"],
    statements: ["S05", "S07", "S13", "S27"],
    currentDocs: [
      "support-policies.md",
      "coredns-custom.md",
      "core-aks-concepts.md",
      "privileged-identity-management.md",
      "update-azure-cni.md",
    ],
  },
  defaultLevel: "mandatory",
  data: { what: "list of AKS-managed kube-system objects", lastChecked: "2026-11-23" },
  resourceTypes: [
    "kubernetes:core/v1:ConfigMap",
    "kubernetes:core/v1:ConfigMapPatch",
    "kubernetes:core/v1:ConfigMapList",
    "kubernetes:core/v1:Service",
    "kubernetes:core/v1:Namespace",
    "kubernetes:core/v1:NamespacePatch",
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:DeploymentPatch",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:DaemonSetPatch",
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    "kubernetes:helm.sh/v3:Release",
  ],
  options: {
    protectedObjects: {
      type: "array",
      items: {
        type: "string",
        pattern: ENTRY_PATTERN,
        format: "entry-regex",
        description: "<namespace|*|_cluster>/<Kind>/<name or /regex/>",
      },
      default: DEFAULT_PROTECTED_OBJECTS,
      description:
        'AKS-managed objects as "<namespace|*|_cluster>/<Kind>/<name or /regex/>" ("*" = any namespace, "_cluster" = cluster-scoped); a Kind also matches its server-side-apply …Patch resource. Replaces the built-in list.',
    },
    allowedObjects: {
      type: "array",
      items: { type: "string", pattern: ENTRY_PATTERN, format: "entry-regex" },
      default: DEFAULT_ALLOWED_OBJECTS,
      description:
        "Objects in the same syntax that are documented customization points and never reported as AKS-managed.",
    },
    checkCorednsCustomKeys: {
      type: "boolean",
      default: true,
      description:
        "Report (advisory) keys of ConfigMap kube-system/coredns-custom that AKS's CoreDNS ignores (not ending .server or .override).",
    },
  },
  fix:
    "customize through the documented hooks (ConfigMap `coredns-custom` with `*.server`/`*.override` keys, add-on " +
    "settings on the cluster resource) instead of editing AKS objects; never touch the support role bindings",
  docs: {
    why:
      "AKS manages the system components in `kube-system` and reconciles them (§managed-features-in-aks, " +
      "§aks-support-coverage; S05, S07, S27): altering them is unsupported, and AKS may overwrite the change at any " +
      "time. Microsoft support acts on a cluster through the `aks-support-rolebinding` (S13; today `aks-service` and " +
      "`aks-service-rolebinding`, `support-policies.md`), which must stay as AKS created it. CoreDNS is customized " +
      "only through the ConfigMap `coredns-custom` (`coredns-custom.md`).",
    checks: [
      "- Every `kubernetes:` resource (objects, server-side-apply `…Patch` resources, and each item of `…List`",
      "  resources) whose kind, namespace and `metadata.name` match `protectedObjects` (default below), or which is in",
      "  `kube-system` and labelled `kubernetes.azure.com/managedby: aks` (`core-aks-concepts.md`).",
      "- The namespace is `metadata.namespace`, else the provider's `namespace`, else `default`; cluster-scoped kinds",
      "  have none (`_cluster` entries).",
      "- Declaring `Namespace` `kube-system` adopts it (`pulumi destroy` would try to delete it). A `NamespacePatch` on",
      "  `kube-system` that only sets labels or annotations passes (adding metadata is allowed).",
      "- `helm.sh/v3:Release` resources whose `name` starts with `aks-managed` (AKS add-on releases).",
      "- `allowedObjects` (default: `kube-system/ConfigMap/coredns-custom`, `kube-system/ConfigMap/azure-ip-masq-agent-config`)",
      "  are documented customization points and pass.",
      "- ConfigMap `kube-system/coredns-custom` (and its `…Patch`): keys of `data`/`binaryData` that do not end in",
      "  `.server` or `.override` are reported as advisory (AKS's CoreDNS ignores them). Key names are shown; values",
      "  never are.",
      "- Objects without `metadata.name` are auto-named by the provider and never match. An unknown name or",
      '  namespace during preview gives an advisory "cannot verify" when the rest could match.',
      "",
      "Default `protectedObjects`:",
      "",
      ...DEFAULT_PROTECTED_OBJECTS.map((entry) => `- \`${entry}\``),
    ].join("\n"),
    violating: [
      'import * as k8s from "@pulumi/kubernetes";',
      "",
      "// Replaces AKS's CoreDNS configuration.",
      'new k8s.core.v1.ConfigMap("coredns", {',
      '  metadata: { name: "coredns", namespace: "kube-system" },',
      '  data: { Corefile: ".:53 { forward . 10.0.0.10 }" },',
      "});",
    ].join("\n"),
    fixed: [
      'import * as k8s from "@pulumi/kubernetes";',
      "",
      "// The supported hook: AKS's CoreDNS imports *.server and *.override keys of coredns-custom.",
      'new k8s.core.v1.ConfigMap("coredns-custom", {',
      '  metadata: { name: "coredns-custom", namespace: "kube-system" },',
      '  data: { "corp.server": "corp.example:53 { forward . 10.0.0.10 }" },',
      "});",
    ].join("\n"),
    limits:
      "Objects AKS manages are recognised by name, label and namespace; objects of add-ons not in the list need " +
      "`protectedObjects` entries. Objects inside a Helm v3 `Release` are rendered by the provider and not " +
      "inspectable. Changes made with kubectl are invisible.",
  },
  checkResource(resource, ctx) {
    const release = checkRelease(resource);
    if (release.length) return release;
    const declared = kubernetesObjects(resource);
    if (!declared) return [];
    const protectedEntries = parseEntries("protectedObjects", ctx.config.protectedObjects);
    const allowedEntries = parseEntries("allowedObjects", ctx.config.allowedObjects);
    const findings: Finding[] = [];
    for (const object of declared.objects) {
      const suffix = object.item === undefined ? "" : `:${object.item}`;
      findings.push(
        ...checkObject(declared.api, object, protectedEntries, allowedEntries, `managed${suffix}`),
      );
      if (ctx.config.checkCorednsCustomKeys)
        findings.push(...checkCorednsCustom(object, `coredns-keys${suffix}`));
    }
    return findings;
  },
});
