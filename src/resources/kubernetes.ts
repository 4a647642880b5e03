/**
 * Kubernetes object view: the API (group, version, stage, kind) a `kubernetes:` type token names, and the
 * identity of the object(s) a resource declares — name, namespace, labels, ConfigMap keys — read
 * three-valued. Values of `data`, `binaryData` and `stringData` are never read: only their keys.
 */
import type { ResourceInput } from "../model/rule";
import {
  Invalid,
  Read,
  Unknown,
  at,
  isRecord,
  isUnknown,
  readArray,
  readRecord,
  readString,
  safe,
} from "../model/values";
import { parseKubernetes } from "./tokens";

/**
 * API groups served by the Kubernetes API server itself (rule-catalog §2.17). Every group but
 * `internal.apiserver.k8s.io`, `authentication.k8s.io` and `authorization.k8s.io` is a token group of
 * `@pulumi/kubernetes` 4.34.2; those three reach the engine through `CustomResource` or YAML.
 */
export const BUILTIN_API_GROUPS: readonly string[] = [
  "core",
  "apps",
  "batch",
  "autoscaling",
  "policy",
  "extensions",
  "networking.k8s.io",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "flowcontrol.apiserver.k8s.io",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "apiregistration.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "events.k8s.io",
  "node.k8s.io",
  "scheduling.k8s.io",
  "certificates.k8s.io",
  "resource.k8s.io",
  "internal.apiserver.k8s.io",
  "storagemigration.k8s.io",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "auditregistration.k8s.io",
  "settings.k8s.io",
  "lifecycle.k8s.io",
];

export type ResourceVariant = "object" | "patch" | "list";

export interface KubernetesApi {
  /** API group, `core` for the legacy group. */
  group: string;
  /** e.g. `v1`, `v1beta1`, `v2alpha1`. */
  version: string;
  stage?: "alpha" | "beta";
  /** The token's kind, e.g. `DaemonSetPatch`. */
  tokenKind: string;
  /** The object kind without the SDK's `Patch`/`List` suffix, e.g. `DaemonSet`. */
  kind: string;
  /** `patch` for server-side-apply `…Patch` resources, `list` for `…List` resources. */
  variant: ResourceVariant;
  /** What a manifest's `apiVersion` says: `v1` for the core group, else `<group>/<version>`. */
  apiVersion: string;
}

const apiCache = new Map<string, KubernetesApi | undefined>();

/** The API a `kubernetes:<group>/<version>:<Kind>` token names; undefined for other tokens. */
export function kubernetesApi(type: string): KubernetesApi | undefined {
  if (apiCache.has(type)) return apiCache.get(type);
  const token = parseKubernetes(type);
  let api: KubernetesApi | undefined;
  if (token) {
    const suffix = /^(.+?)(Patch|List)$/.exec(token.kind);
    const variant: ResourceVariant = !suffix ? "object" : suffix[2] === "Patch" ? "patch" : "list";
    api = {
      group: token.group,
      version: token.version,
      stage: token.stage,
      tokenKind: token.kind,
      kind: suffix ? suffix[1] : token.kind,
      variant,
      apiVersion: token.group === "core" ? token.version : `${token.group}/${token.version}`,
    };
  }
  if (apiCache.size < 10_000) apiCache.set(type, api);
  return api;
}

/**
 * Whether `allowedApis` lists the API: entries are `<group>/<version>:<Kind>` (`core/v1:Pod` or `v1:Pod` for
 * the core group); a `…Patch`/`…List` resource is allowed with its object kind.
 */
export function isAllowedApi(api: KubernetesApi, allowedApis: readonly string[]): boolean {
  const forms = new Set([`${api.group}/${api.version}:${api.kind}`, `${api.apiVersion}:${api.kind}`]);
  return allowedApis.some((entry) => forms.has(entry.trim()));
}

/** Beta API versions the Kubernetes API server no longer serves (kubernetes.io "Deprecated API Migration Guide"). */
export interface RemovedApi {
  apiVersion: string;
  kinds: readonly string[];
  removedIn: string;
}

export const REMOVED_BETA_APIS: readonly RemovedApi[] = [
  {
    apiVersion: "extensions/v1beta1",
    kinds: ["NetworkPolicy", "DaemonSet", "Deployment", "ReplicaSet", "PodSecurityPolicy"],
    removedIn: "1.16",
  },
  { apiVersion: "apps/v1beta1", kinds: ["Deployment", "StatefulSet", "ReplicaSet"], removedIn: "1.16" },
  {
    apiVersion: "apps/v1beta2",
    kinds: ["DaemonSet", "Deployment", "StatefulSet", "ReplicaSet"],
    removedIn: "1.16",
  },
  {
    apiVersion: "admissionregistration.k8s.io/v1beta1",
    kinds: ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
    removedIn: "1.22",
  },
  { apiVersion: "apiextensions.k8s.io/v1beta1", kinds: ["CustomResourceDefinition"], removedIn: "1.22" },
  { apiVersion: "apiregistration.k8s.io/v1beta1", kinds: ["APIService"], removedIn: "1.22" },
  { apiVersion: "authentication.k8s.io/v1beta1", kinds: ["TokenReview"], removedIn: "1.22" },
  {
    apiVersion: "authorization.k8s.io/v1beta1",
    kinds: [
      "LocalSubjectAccessReview",
      "SelfSubjectAccessReview",
      "SubjectAccessReview",
      "SelfSubjectRulesReview",
    ],
    removedIn: "1.22",
  },
  { apiVersion: "certificates.k8s.io/v1beta1", kinds: ["CertificateSigningRequest"], removedIn: "1.22" },
  { apiVersion: "coordination.k8s.io/v1beta1", kinds: ["Lease"], removedIn: "1.22" },
  { apiVersion: "extensions/v1beta1", kinds: ["Ingress"], removedIn: "1.22" },
  { apiVersion: "networking.k8s.io/v1beta1", kinds: ["Ingress", "IngressClass"], removedIn: "1.22" },
  {
    apiVersion: "rbac.authorization.k8s.io/v1beta1",
    kinds: ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
    removedIn: "1.22",
  },
  { apiVersion: "scheduling.k8s.io/v1beta1", kinds: ["PriorityClass"], removedIn: "1.22" },
  {
    apiVersion: "storage.k8s.io/v1beta1",
    kinds: ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"],
    removedIn: "1.22",
  },
  { apiVersion: "batch/v1beta1", kinds: ["CronJob"], removedIn: "1.25" },
  { apiVersion: "discovery.k8s.io/v1beta1", kinds: ["EndpointSlice"], removedIn: "1.25" },
  { apiVersion: "events.k8s.io/v1beta1", kinds: ["Event"], removedIn: "1.25" },
  { apiVersion: "autoscaling/v2beta1", kinds: ["HorizontalPodAutoscaler"], removedIn: "1.25" },
  { apiVersion: "policy/v1beta1", kinds: ["PodDisruptionBudget", "PodSecurityPolicy"], removedIn: "1.25" },
  { apiVersion: "node.k8s.io/v1beta1", kinds: ["RuntimeClass"], removedIn: "1.25" },
  {
    apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1",
    kinds: ["FlowSchema", "PriorityLevelConfiguration"],
    removedIn: "1.26",
  },
  { apiVersion: "autoscaling/v2beta2", kinds: ["HorizontalPodAutoscaler"], removedIn: "1.26" },
  { apiVersion: "storage.k8s.io/v1beta1", kinds: ["CSIStorageCapacity"], removedIn: "1.27" },
  {
    apiVersion: "flowcontrol.apiserver.k8s.io/v1beta2",
    kinds: ["FlowSchema", "PriorityLevelConfiguration"],
    removedIn: "1.29",
  },
  {
    apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3",
    kinds: ["FlowSchema", "PriorityLevelConfiguration"],
    removedIn: "1.32",
  },
];

/** The Kubernetes minor version that stopped serving this beta API, if it did. */
export function removedIn(api: KubernetesApi): string | undefined {
  return REMOVED_BETA_APIS.find((r) => r.apiVersion === api.apiVersion && r.kinds.includes(api.kind))
    ?.removedIn;
}

/**
 * Built-in kinds without a namespace. Everything else is treated as namespaced (custom resources too: their
 * scope is in the CRD, which a resource check cannot see).
 */
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  "APIService",
  "CertificateSigningRequest",
  "ClusterRole",
  "ClusterRoleBinding",
  "ClusterTrustBundle",
  "ComponentStatus",
  "CSIDriver",
  "CSINode",
  "CustomResourceDefinition",
  "DeviceClass",
  "FlowSchema",
  "IngressClass",
  "IPAddress",
  "MutatingAdmissionPolicy",
  "MutatingAdmissionPolicyBinding",
  "MutatingWebhookConfiguration",
  "Namespace",
  "Node",
  "PersistentVolume",
  "PodSecurityPolicy",
  "PriorityClass",
  "PriorityLevelConfiguration",
  "ResourceSlice",
  "RuntimeClass",
  "SelfSubjectAccessReview",
  "SelfSubjectReview",
  "SelfSubjectRulesReview",
  "ServiceCIDR",
  "StorageClass",
  "StorageVersion",
  "StorageVersionMigration",
  "SubjectAccessReview",
  "TokenReview",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "ValidatingWebhookConfiguration",
  "VolumeAttachment",
  "VolumeAttributesClass",
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

/** Marker for the namespace of a cluster-scoped object. */
export const ClusterScoped: unique symbol = Symbol("cluster-scoped");
export type ClusterScoped = typeof ClusterScoped;

/** One Kubernetes object a resource declares (a `…List` resource declares one per item). */
export interface KubernetesObject {
  kind: string;
  /** `metadata.name`; undefined when the SDK auto-names the object. */
  name: Read<string>;
  /** `metadata.namespace`, else the provider's `namespace`, else `default`. */
  namespace: Read<string> | ClusterScoped;
  /** The keys of `metadata`, `metadata.labels` etc. are read by the helpers below, never values of data. */
  metadata: Read<Readonly<Record<string, unknown>>>;
  /** The object itself (the resource's props, or one list item). */
  body: Readonly<Record<string, unknown>>;
  /** Index in `items` for list resources. */
  item?: number;
}

/** The provider's default namespace (`new k8s.Provider(..., { namespace })`), else `default`. */
function providerNamespace(resource: ResourceInput): Read<string> {
  if (!resource.provider) return "default";
  const ns = readString(resource.provider.props, "namespace");
  if (ns === undefined || ns === "") return "default";
  return ns;
}

function objectOf(
  kind: string,
  body: Readonly<Record<string, unknown>>,
  fallbackNamespace: Read<string>,
  item?: number,
): KubernetesObject {
  const metadata = readRecord(body, "metadata");
  const name = readString(body, "metadata.name");
  let namespace: Read<string> | ClusterScoped;
  if (isClusterScoped(kind)) namespace = ClusterScoped;
  else {
    const ns = readString(body, "metadata.namespace");
    namespace = ns === undefined || ns === "" ? fallbackNamespace : ns;
  }
  return { kind, name: name === "" ? undefined : name, namespace, metadata, body, item };
}

/**
 * The objects a `kubernetes:` resource declares: one for an object or `…Patch` resource, one per item of a
 * `…List` resource (items of an unknown or malformed list are not returned). Undefined for other tokens.
 */
export function kubernetesObjects(
  resource: ResourceInput,
): { api: KubernetesApi; objects: KubernetesObject[]; itemsUnknown: boolean } | undefined {
  const api = kubernetesApi(resource.type);
  if (!api) return undefined;
  const fallback = providerNamespace(resource);
  if (api.variant !== "list") {
    return { api, objects: [objectOf(api.kind, resource.props, fallback)], itemsUnknown: false };
  }
  const items = readArray(resource.props, "items");
  if (items === Unknown) return { api, objects: [], itemsUnknown: true };
  if (!Array.isArray(items)) return { api, objects: [], itemsUnknown: false };
  const objects: KubernetesObject[] = [];
  items.forEach((item, index) => {
    if (isUnknown(item)) {
      objects.push({
        kind: api.kind,
        name: Unknown,
        namespace: isClusterScoped(api.kind) ? ClusterScoped : Unknown,
        metadata: Unknown,
        body: {},
        item: index,
      });
    } else if (isRecord(item)) {
      // Items may name their own kind (a `v1:List`); list resources of the SDK hold one kind.
      const kind = typeof item["kind"] === "string" && item["kind"] ? item["kind"] : api.kind;
      objects.push(objectOf(kind, item, fallback, index));
    }
  });
  return { api, objects, itemsUnknown: false };
}

/** A label's value: the string, Unknown, or undefined when absent (or labels are not an object). */
export function labelOf(object: KubernetesObject, key: string): Read<string> {
  const labels = at(object.body, "metadata.labels");
  if (labels === Unknown) return Unknown;
  if (!isRecord(labels)) return undefined;
  const value = labels[key];
  if (isUnknown(value)) return Unknown;
  return typeof value === "string" ? value : value == null ? undefined : Invalid;
}

/** Keys of a map field such as `data` or `binaryData` (values are never read), Unknown, or none. */
export function keysOf(object: KubernetesObject, field: string): readonly string[] | Unknown {
  const value = at(object.body, field);
  if (value === Unknown) return Unknown;
  return isRecord(value) ? Object.keys(value) : [];
}

/** `helm.sh/v3:Release` identity: the release `name` (auto-named when absent) and `namespace`. */
export function helmRelease(
  resource: ResourceInput,
): { name: Read<string>; namespace: Read<string> } | undefined {
  const api = kubernetesApi(resource.type);
  if (!api || api.group !== "helm.sh" || api.tokenKind !== "Release") return undefined;
  const ns = readString(resource.props, "namespace");
  const name = readString(resource.props, "name");
  return {
    name: name === "" ? undefined : name,
    namespace: ns === undefined || ns === "" ? providerNamespace(resource) : ns,
  };
}

/** ` (object <namespace>/<name>)` when the name is known and safe to print; "" otherwise (never echoed). */
export function objectLabel(resource: ResourceInput): string {
  const name = readString(resource.props, "metadata.name");
  if (typeof name !== "string" || !name) return "";
  const namespace = readString(resource.props, "metadata.namespace");
  const qualified =
    typeof namespace === "string" && namespace
      ? `${safe(namespace, "name")}/${safe(name, "name")}`
      : safe(name, "name");
  return ` (object ${qualified})`;
}
