import { Finding, ResourceInput, defineRule } from "../model/rule";
import {
  Invalid,
  Unknown,
  equalsIgnoreCase,
  isRecord,
  isUnknown,
  readArray,
  readString,
  safe,
} from "../model/values";
import { TokenSet } from "../resources/tokens";

const NATIVE = "azure-native:features:SubscriptionFeatureRegistration";
const CLASSIC_FEATURE = "azure:core/resourceProviderFeatureRegistration:ResourceProviderFeatureRegistration";
const CLASSIC_PROVIDER = "azure:core/resourceProviderRegistration:ResourceProviderRegistration";
const CLI_SCRIPT = "azure-native:resources:AzureCliScript";
const tokens = new TokenSet([NATIVE, CLASSIC_FEATURE, CLASSIC_PROVIDER, CLI_SCRIPT]);

/** States in which an azure-native registration does not (or no longer) enable the feature. */
const INACTIVE_STATES = ["NotRegistered", "Unregistered", "Unregistering"];

interface Options {
  providerNamespaces: string[];
  allowedFeatures: string[];
  productionSubscriptionIds: string[];
}

export default defineRule<Options>({
  id: "aks-preview-feature-registration",
  title: "No AKS preview feature registrations in production",
  area: "preview",
  description:
    "Flags registrations of AKS preview features (feature flags on Microsoft.ContainerService): previews are not covered by support and apply subscription-wide.",
  source: {
    sections: ["preview-features-or-feature-flags"],
    statements: ["S51", "S52", "S53", "S55"],
    currentDocs: ["support-policies.md", "manage-ssh-node-access.md", "configure-kube-proxy.md"],
  },
  defaultLevel: "advisory",
  defaultStacks: { "prod*": "mandatory" },
  resourceTypes: [NATIVE, CLASSIC_FEATURE, CLASSIC_PROVIDER, CLI_SCRIPT],
  options: {
    providerNamespaces: {
      type: "array",
      items: { type: "string" },
      default: ["Microsoft.ContainerService"],
      description: "Resource provider namespaces whose feature registrations count as AKS previews.",
    },
    allowedFeatures: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Feature names you have a documented support agreement for (S51).",
    },
    productionSubscriptionIds: {
      type: "array",
      items: { type: "string" },
      default: [],
      description:
        "Subscriptions that are production: a registration whose provider targets one is mandatory on any stack.",
    },
  },
  fix:
    "register preview features only in non-production subscriptions: remove the registration from this stack " +
    "(deleting the resource may not unregister the feature; run `az feature unregister` as well)",
  docs: {
    why:
      "The AKS support policy (§preview-features-or-feature-flags, S51–S53, S55) excludes preview features and " +
      "feature flags from support: they are for testing, not production, and a registration takes effect for " +
      "the whole subscription, so one stack's experiment changes every cluster there.",
    checks: [
      "- `azure-native:features:SubscriptionFeatureRegistration` (any API version) whose `providerNamespace` is in",
      "  `providerNamespaces`: a finding unless `properties.state` is `NotRegistered`, `Unregistered` or `Unregistering`.",
      "- classic `azure:core/resourceProviderFeatureRegistration:ResourceProviderFeatureRegistration` (`providerName`, `name`).",
      "- classic `azure:core/resourceProviderRegistration:ResourceProviderRegistration`: one finding per entry of",
      "  `features` with `registered: true`.",
      "- `azure-native:resources:AzureCliScript` whose script runs `az feature register` for `Microsoft.ContainerService`:",
      "  advisory only (a heuristic; the script is never printed).",
      "- Feature names in `allowedFeatures` pass. A registration whose provider's `subscriptionId` is in",
      "  `productionSubscriptionIds` is mandatory on every stack where the rule is enabled.",
      "- Levels: advisory by default, mandatory on stacks matching `prod*` (the built-in `stacks` map, which your",
      '  own `stacks` entries extend, e.g. `{"stacks":{"staging":"mandatory"}}`).',
    ].join("\n"),
    violating: [
      'import * as features from "@pulumi/azure-native/features";',
      "",
      'new features.SubscriptionFeatureRegistration("ssh-preview", {',
      '  providerNamespace: "Microsoft.ContainerService",',
      '  featureName: "EntraIdSSHPreview",',
      "});",
    ].join("\n"),
    fixed: [
      "// Register previews in a sandbox subscription's stack only, never in production:",
      'const cfg = new pulumi.Config("aks-reference");',
      'if (cfg.getBoolean("enablePreviewFeature") && pulumi.getStack() !== "prod") {',
      '  new features.SubscriptionFeatureRegistration("ssh-preview", { providerNamespace: "Microsoft.ContainerService", featureName: "EntraIdSSHPreview" });',
      "}",
    ].join("\n"),
    limits:
      "Registrations made with the Azure CLI outside Pulumi are invisible to the pack. Deleting the Pulumi " +
      "resource may not unregister the feature (not verified).",
  },
  checkResource(resource, ctx) {
    const base = tokens.match(resource.type);
    if (!base) return [];
    const { providerNamespaces, allowedFeatures } = ctx.config;
    const production = targetsProduction(resource, ctx.config.productionSubscriptionIds);
    const isAksNamespace = (ns: string) => providerNamespaces.some((n) => equalsIgnoreCase(n, ns));
    const isAllowed = (feature: string) => allowedFeatures.some((f) => equalsIgnoreCase(f, feature));
    const registered = (namespace: string, feature: unknown): Finding => ({
      kind: "violation",
      message:
        `registers the preview feature ${safe(feature, "name")} of ${safe(namespace, "token")}` +
        (production ? ` in production subscription ${safe(production, "name")}` : ""),
      mandatoryWhenEnabled: production !== undefined,
      key: `feature:${String(feature)}`,
    });

    if (base === CLI_SCRIPT) {
      const script = readString(resource.props, "scriptContent");
      if (typeof script !== "string") return [];
      const registers =
        /az\s+feature\s+register/i.test(script) &&
        providerNamespaces.some((n) => script.toLowerCase().includes(n.toLowerCase()));
      return registers
        ? [
            {
              kind: "violation",
              advisoryOnly: true,
              message:
                "runs `az feature register` for an AKS provider namespace in a deployment script (script not shown)",
            },
          ]
        : [];
    }

    const nsPath = base === NATIVE ? "providerNamespace" : base === CLASSIC_FEATURE ? "providerName" : "name";
    const namespace = readString(resource.props, nsPath);
    if (namespace === Unknown) {
      return [
        {
          kind: "cannot-know",
          message: `\`${nsPath}\` is unknown, so whether this registers an AKS preview feature is not known`,
        },
      ];
    }
    if (typeof namespace !== "string" || !isAksNamespace(namespace)) return [];
    // With an allow-list, an unknown feature name may be an allowed one.
    const unknownFeature = (path: string): Finding => ({
      kind: "cannot-know",
      message: `\`${path}\` is unknown, so whether the feature is in \`allowedFeatures\` is not known`,
      key: `feature:${path}`,
    });

    if (base === NATIVE) {
      const feature = readString(resource.props, "featureName");
      if (typeof feature === "string" && isAllowed(feature)) return [];
      const state = readString(resource.props, "properties.state");
      if (state === Unknown) {
        return [{ kind: "cannot-know", message: "`properties.state` is unknown" }];
      }
      if (typeof state === "string" && INACTIVE_STATES.some((s) => equalsIgnoreCase(s, state))) return [];
      if (feature === Unknown && allowedFeatures.length) return [unknownFeature("featureName")];
      return [registered(namespace, feature === Invalid ? undefined : feature)];
    }
    if (base === CLASSIC_FEATURE) {
      const feature = readString(resource.props, "name");
      if (typeof feature === "string" && isAllowed(feature)) return [];
      if (feature === Unknown && allowedFeatures.length) return [unknownFeature("name")];
      return [registered(namespace, feature)];
    }
    const list = readArray(resource.props, "features");
    if (list === Unknown) return [{ kind: "cannot-know", message: "`features` is unknown" }];
    if (!Array.isArray(list)) return [];
    const findings: Finding[] = [];
    for (const entry of list) {
      if (!isRecord(entry)) continue;
      const feature = entry["name"];
      const flag = readString(entry, "registered") === Unknown ? Unknown : entry["registered"];
      if (typeof feature === "string" && isAllowed(feature)) continue;
      if (flag === Unknown)
        findings.push({
          kind: "cannot-know",
          message: "a feature's `registered` flag is unknown",
          key: `feature:${String(feature)}`,
        });
      else if (flag === true && isUnknown(feature) && allowedFeatures.length)
        findings.push(unknownFeature("features[].name"));
      else if (flag === true) findings.push(registered(namespace, feature));
    }
    return findings;
  },
});

/** The production subscription the resource's provider targets, if it is listed. */
function targetsProduction(
  resource: ResourceInput,
  productionSubscriptionIds: readonly string[],
): string | undefined {
  if (!productionSubscriptionIds.length || !resource.provider) return undefined;
  const subscription = readString(resource.provider.props, "subscriptionId");
  if (typeof subscription !== "string") return undefined;
  return productionSubscriptionIds.find((id) => equalsIgnoreCase(id, subscription));
}
