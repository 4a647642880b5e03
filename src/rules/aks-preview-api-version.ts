import defaultApiVersions from "../data/azure-native-default-api-versions.json";
import { Finding, ResourceInput, defineRule } from "../model/rule";
import { Unknown, readString, safe } from "../model/values";
import { parseAzureNative } from "../resources/tokens";

interface Options {
  modules: string[];
  defaultPreviewModules: string[];
}

const GENERIC_RESOURCE = "azure-native:resources:Resource";

/** Unversioned tokens whose default API version is a pre-release, by module (generated, see scripts/). */
const PREVIEW_DEFAULTS: Readonly<Record<string, Readonly<Record<string, string>>>> =
  defaultApiVersions.previewDefaults;
const TABLE_VERSION = defaultApiVersions.version;

function matchesModule(module: string, modules: readonly string[]): boolean {
  return modules.some((m) => m === "*" || m.toLowerCase() === module.toLowerCase());
}

/** `v20240402preview` → `2024-04-02-preview`. */
function apiVersionOf(tokenVersion: string): string {
  const m = /^v(\d{4})(\d{2})(\d{2})([a-z]*)$/.exec(tokenVersion);
  if (!m) return tokenVersion;
  return `${m[1]}-${m[2]}-${m[3]}${m[4] ? `-${m[4]}` : ""}`;
}

/** The provider version the resource is registered with, for the message (`version` of the provider's inputs). */
function providerVersion(resource: ResourceInput): string | undefined {
  if (!resource.provider) return undefined;
  const version = readString(resource.provider.props, "version");
  return typeof version === "string" && /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?$/.test(version)
    ? version
    : undefined;
}

/** `Microsoft.ContainerService` → `containerservice`; undefined for other shapes. */
function moduleOfNamespace(namespace: string): string | undefined {
  const m = /^Microsoft\.([A-Za-z0-9]+)$/i.exec(namespace);
  return m ? m[1].toLowerCase() : undefined;
}

function check(resource: ResourceInput, config: Options): Finding[] {
  const token = parseAzureNative(resource.type);
  if (!token) return [];
  const findings: Finding[] = [];
  if (token.version && token.stage && matchesModule(token.module, config.modules)) {
    findings.push({
      kind: "violation",
      message:
        `uses the ${token.stage} Azure API version ${safe(apiVersionOf(token.version), "token")} ` +
        `(type token version ${safe(token.version, "token")}); preview APIs are not covered by AKS support`,
      key: "token-version",
    });
  }
  const preview = token.version ? undefined : PREVIEW_DEFAULTS[token.module]?.[token.type];
  if (preview && matchesModule(token.module, config.defaultPreviewModules)) {
    const used = providerVersion(resource);
    const provider = used && used !== TABLE_VERSION ? `; your provider is ${used}, so check its default` : "";
    findings.push({
      kind: "violation",
      message:
        `the default API version of ${safe(`${token.module}:${token.type}`, "token")} in azure-native ` +
        `${TABLE_VERSION} is the preview ${safe(preview, "token")}${provider}; there is no GA API for it in this provider`,
      fix:
        "keep preview-only resources out of production stacks, or pin a GA API version with a local SDK " +
        "(`pulumi package add azure-native <module> <GA version>`) when one exists",
      key: "default-version",
    });
  }
  if (token.base === GENERIC_RESOURCE) findings.push(...genericResource(resource, config));
  return findings;
}

/** `azure-native:resources:Resource` carries its own `apiVersion` for the resource it manages. */
function genericResource(resource: ResourceInput, config: Options): Finding[] {
  const apiVersion = readString(resource.props, "apiVersion");
  const namespace = readString(resource.props, "resourceProviderNamespace");
  const namespaceModule = typeof namespace === "string" ? moduleOfNamespace(namespace) : undefined;
  const inScope =
    config.modules.includes("*") ||
    namespace === Unknown ||
    (namespaceModule !== undefined && matchesModule(namespaceModule, config.modules));
  if (!inScope) return [];
  if (apiVersion === Unknown) {
    return [
      {
        kind: "cannot-know",
        message: "`apiVersion` is unknown, so whether it is a preview API version is not known",
        key: "api-version",
      },
    ];
  }
  if (typeof apiVersion !== "string" || !/-(?:preview|privatepreview|beta|alpha)$/i.test(apiVersion))
    return [];
  if (namespace === Unknown && !config.modules.includes("*")) {
    return [
      {
        kind: "cannot-know",
        message: `\`resourceProviderNamespace\` is unknown, so whether preview API version ${safe(apiVersion, "token")} is in \`modules\` is not known`,
        key: "api-version",
      },
    ];
  }
  return [
    {
      kind: "violation",
      message:
        `manages ${safe(namespace, "token")} resources through the preview API version ${safe(apiVersion, "token")} ` +
        "(`apiVersion`); preview APIs are not covered by AKS support",
      key: "api-version",
    },
  ];
}

export default defineRule<Options>({
  id: "aks-preview-api-version",
  title: "No preview Azure API versions in production",
  area: "preview",
  description:
    "Flags azure-native resources that use a preview Azure REST API version: through a versioned type token, a preview default of the provider, or an explicit preview `apiVersion`.",
  source: {
    sections: ["preview-features-or-feature-flags"],
    statements: ["S52", "S53"],
    currentDocs: ["support-policies.md"],
  },
  defaultLevel: "advisory",
  data: {
    what: "table of azure-native types whose default API version is a preview (@pulumi/azure-native 3.28.0)",
    lastChecked: "2026-11-23",
  },
  defaultStacks: { "prod*": "mandatory" },
  resourceTypes: [
    "azure-native:containerservice:ManagedCluster",
    "azure-native:containerservice:AgentPool",
    "azure-native:containerservice:LoadBalancer",
    GENERIC_RESOURCE,
  ],
  options: {
    modules: {
      type: "array",
      items: { type: "string" },
      default: ["*"],
      description:
        'azure-native modules (e.g. "containerservice") whose explicit preview API versions are findings; "*" = every module.',
    },
    defaultPreviewModules: {
      type: "array",
      items: { type: "string" },
      default: ["containerservice"],
      description:
        'Modules whose unversioned resources are findings when the provider\'s default API version is a preview; "*" = every module (about a third of all azure-native resources).',
    },
  },
  fix:
    "use a GA Azure API in production: the unversioned type token when its default is GA, or a local SDK generated " +
    "for a non-preview version (`pulumi package add azure-native <module> <version>`)",
  docs: {
    why:
      "Preview Azure APIs carry preview features, which the AKS support policy (§preview-features-or-feature-flags, " +
      "S52, S53) excludes from support and from production use: they may change or be withdrawn without notice. " +
      "An explicit preview API version is often how a preview feature of AKS reaches a Pulumi program, and several " +
      "azure-native resources only exist at a preview API version.",
    checks: [
      "- An azure-native type token with a pre-release API version (`azure-native:containerservice/v20240402preview:ManagedCluster`,",
      "  or the local-SDK form `azure-native_containerservice_v20250602preview:containerservice/v20250602preview:AgentPool`;",
      "  stages `preview`, `privatepreview`, `beta`) whose module is in `modules` (default `*`, any module).",
      "- An unversioned token whose default API version in the pinned `@pulumi/azure-native` is a pre-release, when its",
      "  module is in `defaultPreviewModules` (default `containerservice`: `LoadBalancer`, `Fleet*`, `UpdateRun`,",
      "  `AutoUpgradeProfile`, `IdentityBinding`, `JWTAuthenticator`, `MeshMembership`, `Namespace`, ... — 13 types).",
      `  The table (\`src/data/azure-native-default-api-versions.json\`) is generated from the \`.d.ts\` headers of`,
      `  azure-native ${TABLE_VERSION} (732 of 2,282 resources default to a pre-release version across all modules) and`,
      "  a test fails when it is stale.",
      "- `azure-native:resources:Resource` with an `apiVersion` ending `-preview` (or another pre-release stage) for a",
      "  `resourceProviderNamespace` whose module (`Microsoft.<Module>`) is in `modules`.",
      "- Classic `@pulumi/azure` resources never: that provider pins its API versions internally. `ManagedCluster` has",
      "  no `apiVersion` input (its `azureApiVersion` output is not visible to a resource check).",
      "- Levels: advisory by default, mandatory on stacks matching `prod*` (the built-in `stacks` map, which your own",
      '  `stacks` entries extend, e.g. `{"stacks":{"staging":"mandatory"}}`).',
    ].join("\n"),
    violating: [
      'import * as containerservice from "@pulumi/azure-native/containerservice";',
      "",
      "// Multiple standard load balancers exist only at a preview API (2024-10-02-preview in azure-native 3.28.0).",
      'new containerservice.LoadBalancer("kubernetes", {',
      '  resourceGroupName: "rg",',
      '  resourceName: "aks1",',
      '  loadBalancerName: "kubernetes",',
      '  primaryAgentPoolName: "sys",',
      "});",
    ].join("\n"),
    fixed: [
      "// Production: stay on GA features of the GA API (ManagedCluster defaults to 2025-09-01);",
      "// try preview-only resources on a non-production stack.",
      'if (!pulumi.getStack().startsWith("prod")) {',
      '  new containerservice.LoadBalancer("kubernetes", { resourceGroupName: "rg", resourceName: "aks1", loadBalancerName: "kubernetes", primaryAgentPoolName: "sys" });',
      "}",
    ].join("\n"),
    limits:
      "The default-version table is the pinned provider's; a program using another azure-native version may have " +
      "other defaults (the message says when the provider version differs). Preview properties inside a GA API " +
      "version are not checked; `aks-preview-feature-registration` covers the feature flags previews need.",
  },
  checkResource(resource, ctx) {
    return check(resource, ctx.config);
  },
});
