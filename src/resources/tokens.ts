/**
 * The one place that knows Pulumi type tokens. Rules name base tokens
 * (`azure-native:compute:VirtualMachineScaleSet`, `azure:compute/linuxVirtualMachineScaleSet:...`,
 * `kubernetes:apps/v1:Deployment`) and match resources through {@link TokenSet}, which accepts every
 * API-version form of an azure-native token (rule-catalog §1.2):
 *   azure-native:containerservice:ManagedCluster
 *   azure-native:containerservice/v20240402preview:ManagedCluster          (versioned, e.g. old stacks)
 *   azure-native_containerservice_v20250602preview:containerservice/v20250602preview:AgentPool (local SDK)
 */

export interface AzureNativeToken {
  provider: "azure-native";
  module: string;
  type: string;
  /** API version from the token, e.g. `v20240402preview`; undefined for unversioned tokens. */
  version?: string;
  /** `preview`, `privatepreview` or `beta` when the version carries a stage. */
  stage?: string;
  /** `azure-native:<module>:<Type>`, the version-free form rules name. */
  base: string;
}

export interface KubernetesToken {
  provider: "kubernetes";
  /** API group, `core` for the legacy group. */
  group: string;
  /** e.g. `v1`, `v1beta1`, `v2alpha1`. */
  version: string;
  stage?: "alpha" | "beta";
  kind: string;
}

const AZURE_NATIVE =
  /^azure-native(?:_[a-z0-9]+_v\d{8}[a-z]*)?:([a-z0-9]+)(?:\/(v\d{8}(preview|privatepreview|beta)?))?:([A-Za-z0-9]+)$/;
const KUBERNETES = /^kubernetes:([a-z0-9.-]+)\/(v\d+(?:(alpha|beta)\d+)?):([A-Za-z0-9]+)$/;

export function parseAzureNative(token: string): AzureNativeToken | undefined {
  const m = AZURE_NATIVE.exec(token);
  if (!m) return undefined;
  const [, module, version, stage, type] = m;
  return { provider: "azure-native", module, type, version, stage, base: `azure-native:${module}:${type}` };
}

export function parseKubernetes(token: string): KubernetesToken | undefined {
  const m = KUBERNETES.exec(token);
  if (!m) return undefined;
  const [, group, version, stage, kind] = m;
  return { provider: "kubernetes", group, version, stage: stage as KubernetesToken["stage"], kind };
}

/** The version-free token: azure-native tokens lose their API version; others are returned as is. */
export function baseToken(token: string): string {
  if (!token.startsWith("azure-native")) return token;
  return parseAzureNative(token)?.base ?? token;
}

/**
 * A set of base tokens with memoised lookups: the pack sees thousands of resources of a few dozen
 * types, so each distinct token is parsed once.
 */
export class TokenSet {
  private readonly bases: ReadonlySet<string>;
  /** Token → matched base, or `null` for no match (one Map lookup per call, not has() then get()). */
  private readonly cache = new Map<string, string | null>();

  constructor(tokens: Iterable<string>) {
    this.bases = new Set(tokens);
  }

  /** The matched base token, or undefined. */
  match(token: string): string | undefined {
    const cached = this.cache.get(token);
    if (cached !== undefined) return cached ?? undefined;
    const base = baseToken(token);
    const hit = this.bases.has(base) ? base : undefined;
    if (this.cache.size < 10_000) this.cache.set(token, hit ?? null);
    return hit;
  }

  has(token: string): boolean {
    return this.match(token) !== undefined;
  }

  [Symbol.iterator](): Iterator<string> {
    return this.bases[Symbol.iterator]();
  }
}

/** Well-known base tokens shared by several rules. */
export const T = {
  managedCluster: "azure-native:containerservice:ManagedCluster",
  agentPool: "azure-native:containerservice:AgentPool",
  classicCluster: "azure:containerservice/kubernetesCluster:KubernetesCluster",
  classicNodePool: "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool",
  classicAutomaticCluster: "azure:containerservice/automaticCluster:AutomaticCluster",
  resourceGroup: "azure-native:resources:ResourceGroup",
  classicResourceGroup: "azure:core/resourceGroup:ResourceGroup",
} as const;

export const CLUSTER_TOKENS = new TokenSet([T.managedCluster, T.classicCluster, T.classicAutomaticCluster]);
