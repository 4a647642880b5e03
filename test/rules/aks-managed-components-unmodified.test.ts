/**
 * `aks-managed-components-unmodified` (rule-catalog §2.19): table-driven through the real runtime; each case
 * asserts the rule id, level and a message fragment, and that no ConfigMap/Secret value reaches a message.
 */
import fc from "fast-check";
import type { ProviderInput, ResourceInput } from "../../src/model/rule";
import { Diagnostic, GuardrailsRuntime } from "../../src/pack/runtime";
import rule from "../../src/rules/aks-managed-components-unmodified";

const RULE_ID = "aks-managed-components-unmodified";
const UNK = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

interface Case {
  name: string;
  config?: Record<string, unknown>;
  resource: ResourceInput;
}

interface InvalidCase extends Case {
  errors: { level: "advisory" | "mandatory"; message: string }[];
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

const k8s = (
  type: string,
  name: string,
  props: Record<string, unknown>,
  provider?: ProviderInput,
): ResourceInput => ({
  type: `kubernetes:${type}`,
  urn: `urn:pulumi:dev::p::kubernetes:${type}::${name}`,
  name,
  props,
  provider,
});

const KUBE_SYSTEM_PROVIDER: ProviderInput = {
  type: "pulumi:providers:kubernetes",
  urn: "urn:pulumi:dev::p::pulumi:providers:kubernetes::sys",
  name: "sys",
  props: {
    namespace: "kube-system",
    kubeconfig: "apiVersion: v1\nusers: [{user: {token: hunter2-kubeconfig}}]",
  },
};

const valid: Case[] = [
  {
    name: "P1 coredns-custom with a .server key (the supported hook)",
    resource: k8s("core/v1:ConfigMap", "p1", {
      metadata: { name: "coredns-custom", namespace: "kube-system" },
      data: { "example.server": "example.com:53 { forward . 10.0.0.10 }" },
    }),
  },
  {
    name: "P2 a Deployment named coredns in another namespace",
    resource: k8s("apps/v1:Deployment", "p2", { metadata: { name: "coredns", namespace: "dns-lab" } }),
  },
  {
    name: "P3 NamespacePatch on kube-system adding labels only",
    resource: k8s("core/v1:NamespacePatch", "p3", {
      metadata: { name: "kube-system", labels: { team: "platform" } },
    }),
  },
  {
    name: "NamespacePatch on kube-system adding annotations, with apiVersion/kind",
    resource: k8s("core/v1:NamespacePatch", "ann", {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "kube-system", annotations: { "owner.example.com/team": "platform" } },
    }),
  },
  {
    name: "coredns-custom with an .override key",
    resource: k8s("core/v1:ConfigMap", "override", {
      metadata: { name: "coredns-custom", namespace: "kube-system" },
      data: { "log.override": "log" },
    }),
  },
  {
    name: "auto-named ConfigMap (no metadata.name) never matches",
    resource: k8s("core/v1:ConfigMap", "coredns", { metadata: { namespace: "kube-system" } }),
  },
  {
    name: "coredns in the default namespace (no namespace, no provider namespace)",
    resource: k8s("core/v1:ConfigMap", "cm", { metadata: { name: "coredns" } }),
  },
  {
    name: "allowedObjects: azure-ip-masq-agent-config is the documented custom config",
    resource: k8s("core/v1:ConfigMap", "masq", {
      metadata: {
        name: "azure-ip-masq-agent-config",
        namespace: "kube-system",
        labels: { "kubernetes.azure.com/managedby": "aks" },
      },
    }),
  },
  {
    name: "unknown name of a kind that is not protected",
    resource: k8s("batch/v1:Job", "job", { metadata: { name: UNK, namespace: "kube-system" } }),
  },
  {
    name: "unknown name, namespace known not to match any entry of the kind",
    resource: k8s("apps/v1:Deployment", "dep", { metadata: { name: UNK, namespace: "apps" } }),
  },
  {
    name: "unknown namespace, name that no entry of the kind has",
    resource: k8s("apps/v1:Deployment", "dep", { metadata: { name: "web", namespace: UNK } }),
  },
  {
    name: "label managedby=aks outside kube-system",
    resource: k8s("core/v1:ConfigMap", "lbl", {
      metadata: { name: "x", namespace: "apps", labels: { "kubernetes.azure.com/managedby": "aks" } },
    }),
  },
  {
    name: "Helm release with another name",
    resource: k8s("helm.sh/v3:Release", "ingress", {
      name: "ingress-nginx",
      namespace: "kube-system",
      chart: "x",
    }),
  },
  {
    name: "Helm release without a name (auto-named)",
    resource: k8s("helm.sh/v3:Release", "aks-managed-x", { chart: "x" }),
  },
  {
    name: "ClusterRoleBinding with another name",
    resource: k8s("rbac.authorization.k8s.io/v1:ClusterRoleBinding", "crb", {
      metadata: { name: "ops-view" },
    }),
  },
  {
    name: "checkCorednsCustomKeys off",
    config: { checkCorednsCustomKeys: false },
    resource: k8s("core/v1:ConfigMap", "off", {
      metadata: { name: "coredns-custom", namespace: "kube-system" },
      data: { "custom.conf": "x" },
    }),
  },
  {
    name: "protectedObjects replaced: coredns no longer listed",
    config: { protectedObjects: ["kube-system/Deployment/metrics-server"] },
    resource: k8s("core/v1:ConfigMap", "cm", { metadata: { name: "coredns", namespace: "kube-system" } }),
  },
  {
    name: "props of the wrong types do not throw",
    resource: k8s("core/v1:ConfigMap", "odd", {
      metadata: { name: 7, namespace: ["kube-system"], labels: "x" },
      data: 3,
    }),
  },
  {
    name: "metadata of the wrong type (a string) does not throw",
    resource: k8s("apps/v1:DaemonSet", "odd2", { metadata: "kube-proxy" }),
  },
  {
    name: "list of unrelated ConfigMaps (large)",
    resource: k8s("core/v1:ConfigMapList", "many", {
      items: Array.from({ length: 5000 }, (_, i) => ({ metadata: { name: `cm-${i}`, namespace: "apps" } })),
    }),
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
    name: "F1 the coredns ConfigMap (value never printed)",
    resource: k8s("core/v1:ConfigMap", "f1", {
      metadata: { name: "coredns", namespace: "kube-system" },
      data: { Corefile: ".:53 { forward . 8.8.8.8 }" },
    }),
    errors: [
      {
        level: "mandatory",
        message:
          'kubernetes:core/v1:ConfigMap "f1" — declares ConfigMap kube-system/coredns, which AKS manages (listed in ' +
          "`protectedObjects` as `kube-system/ConfigMap/coredns`); it collides with or overwrites AKS's own object",
      },
    ],
    notInMessage: ["8.8.8.8", "Corefile", "forward"],
  },
  {
    name: "F2 DaemonSetPatch on kube-proxy",
    resource: k8s("apps/v1:DaemonSetPatch", "f2", {
      metadata: { name: "kube-proxy", namespace: "kube-system", annotations: { x: "y" } },
    }),
    errors: [
      {
        level: "mandatory",
        message:
          "patches DaemonSet kube-system/kube-proxy, which AKS manages (listed in `protectedObjects` as " +
          "`kube-system/DaemonSet/kube-proxy`); AKS-managed components must not be modified",
      },
    ],
  },
  {
    name: "F3 ClusterRoleBinding aks-support-rolebinding",
    resource: k8s("rbac.authorization.k8s.io/v1:ClusterRoleBinding", "f3", {
      metadata: { name: "aks-support-rolebinding" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subjects: [],
    }),
    errors: [
      {
        level: "mandatory",
        message:
          "declares ClusterRoleBinding aks-support-rolebinding, which AKS manages (listed in `protectedObjects` as " +
          "`_cluster/ClusterRoleBinding/aks-support-rolebinding`)",
      },
    ],
  },
  {
    name: "A1 coredns-custom with a key CoreDNS ignores: advisory only, key named, value not",
    resource: k8s("core/v1:ConfigMap", "a1", {
      metadata: { name: "coredns-custom", namespace: "kube-system" },
      data: { "example.server": "example.com:53 { forward . 10.0.0.10 }", "custom.conf": "token=hunter2" },
    }),
    errors: [
      {
        level: "advisory",
        message:
          "ConfigMap kube-system/coredns-custom has keys that AKS's CoreDNS ignores: `custom.conf` (only keys ending " +
          "in `.server` or `.override` are imported)",
      },
    ],
    notInMessage: ["hunter2", "10.0.0.10", "example.server"],
  },
  {
    name: "U1 coredns ConfigMap with an unknown namespace: advisory cannot-verify",
    resource: k8s("core/v1:ConfigMap", "u1", { metadata: { name: "coredns", namespace: UNK } }),
    errors: [
      {
        level: "advisory",
        message:
          "cannot be verified during preview: `metadata.namespace` is unknown, so whether this ConfigMap is an " +
          "AKS-managed object is not known",
      },
    ],
    notInMessage: [UNK],
  },
  {
    name: "unknown name in kube-system of a protected kind: advisory cannot-verify",
    resource: k8s("apps/v1:Deployment", "dep", { metadata: { name: UNK, namespace: "kube-system" } }),
    errors: [
      {
        level: "advisory",
        message: "`metadata.name` is unknown, so whether this Deployment is an AKS-managed object",
      },
    ],
  },
  {
    name: "declaring the kube-system Namespace adopts it",
    resource: k8s("core/v1:Namespace", "ks", { metadata: { name: "kube-system" } }),
    errors: [
      {
        level: "mandatory",
        message:
          "adopts the namespace kube-system, which AKS manages (listed in `protectedObjects` as `_cluster/Namespace/kube-system`); `pulumi destroy` would try to delete it",
      },
    ],
  },
  {
    name: "NamespacePatch on kube-system that changes more than metadata",
    resource: k8s("core/v1:NamespacePatch", "fin", {
      metadata: { name: "kube-system" },
      spec: { finalizers: [] },
    }),
    errors: [{ level: "mandatory", message: "patches Namespace kube-system, which AKS manages" }],
  },
  {
    name: "NamespacePatch on kube-system that sets more metadata than labels/annotations",
    resource: k8s("core/v1:NamespacePatch", "own", {
      metadata: { name: "kube-system", ownerReferences: [] },
    }),
    errors: [{ level: "mandatory", message: "patches Namespace kube-system" }],
  },
  {
    name: "CSI DaemonSet by regex entry",
    resource: k8s("apps/v1:DaemonSet", "csi", {
      metadata: { name: "csi-azuredisk-node", namespace: "kube-system" },
    }),
    errors: [
      {
        level: "mandatory",
        message:
          "declares DaemonSet kube-system/csi-azuredisk-node, which AKS manages (listed in `protectedObjects` as `kube-system/DaemonSet//^csi-/`)",
      },
    ],
  },
  {
    name: "namespace from the provider's default namespace (provider secrets not printed)",
    resource: k8s("apps/v1:Deployment", "ms", { metadata: { name: "metrics-server" } }, KUBE_SYSTEM_PROVIDER),
    errors: [{ level: "mandatory", message: "declares Deployment kube-system/metrics-server" }],
    notInMessage: ["hunter2"],
  },
  {
    name: "any object in kube-system labelled kubernetes.azure.com/managedby: aks",
    resource: k8s("core/v1:Secret", "s", {
      metadata: {
        name: "aks-addon-secret",
        namespace: "kube-system",
        labels: { "kubernetes.azure.com/managedby": "aks" },
      },
      stringData: { password: "hunter2-secret" },
      data: { token: "aHVudGVyMg==" },
    }),
    errors: [
      {
        level: "mandatory",
        message:
          "declares Secret kube-system/aks-addon-secret, which AKS manages (labelled `kubernetes.azure.com/managedby: aks`)",
      },
    ],
    notInMessage: ["hunter2", "aHVudGVyMg==", "password", "token"],
  },
  {
    name: "RoleBinding aks-service-rolebinding in any namespace",
    resource: k8s("rbac.authorization.k8s.io/v1:RoleBinding", "rb", {
      metadata: { name: "aks-service-rolebinding", namespace: "apps" },
    }),
    errors: [{ level: "mandatory", message: "declares RoleBinding apps/aks-service-rolebinding" }],
  },
  {
    name: "ClusterRole aks-service",
    resource: k8s("rbac.authorization.k8s.io/v1:ClusterRole", "cr", { metadata: { name: "aks-service" } }),
    errors: [{ level: "mandatory", message: "declares ClusterRole aks-service" }],
  },
  {
    name: "Service kube-dns",
    resource: k8s("core/v1:Service", "dns", { metadata: { name: "kube-dns", namespace: "kube-system" } }),
    errors: [{ level: "mandatory", message: "declares Service kube-system/kube-dns" }],
  },
  {
    name: "ConfigMapPatch on coredns",
    resource: k8s("core/v1:ConfigMapPatch", "cmp", {
      metadata: { name: "coredns", namespace: "kube-system" },
      data: { Corefile: "x" },
    }),
    errors: [{ level: "mandatory", message: "patches ConfigMap kube-system/coredns" }],
    notInMessage: ["Corefile"],
  },
  {
    name: "DeploymentPatch on metrics-server",
    resource: k8s("apps/v1:DeploymentPatch", "msp", {
      metadata: { name: "metrics-server", namespace: "kube-system" },
      spec: { replicas: 5 },
    }),
    errors: [{ level: "mandatory", message: "patches Deployment kube-system/metrics-server" }],
  },
  {
    name: "DeploymentPatch on konnectivity-agent, older apps version",
    resource: k8s("apps/v1beta2:DeploymentPatch", "konn", {
      metadata: { name: "konnectivity-agent", namespace: "kube-system" },
    }),
    errors: [{ level: "mandatory", message: "patches Deployment kube-system/konnectivity-agent" }],
  },
  {
    name: "ConfigMapList: each item checked, one finding per matching item",
    resource: k8s("core/v1:ConfigMapList", "list", {
      items: [
        { metadata: { name: "app", namespace: "apps" } },
        { metadata: { name: "coredns-autoscaler", namespace: "kube-system" } },
        { metadata: { name: "kube-proxy", namespace: "kube-system" } },
      ],
    }),
    errors: [
      { level: "mandatory", message: "declares ConfigMap kube-system/coredns-autoscaler" },
      { level: "mandatory", message: "declares ConfigMap kube-system/kube-proxy" },
    ],
  },
  {
    name: "Helm v3 Release prefixed aks-managed",
    resource: k8s("helm.sh/v3:Release", "rel", {
      name: "aks-managed-keda",
      namespace: "kube-system",
      chart: "keda",
      values: { secret: "hunter2" },
    }),
    errors: [
      {
        level: "mandatory",
        message:
          "installs or upgrades the Helm release aks-managed-keda; releases prefixed `aks-managed` belong to AKS add-ons",
      },
    ],
    notInMessage: ["hunter2"],
  },
  {
    name: "Helm v3 Release with an unknown name: advisory cannot-verify",
    resource: k8s("helm.sh/v3:Release", "rel", { name: UNK, chart: "x" }),
    errors: [{ level: "advisory", message: "the release `name` is unknown" }],
  },
  {
    name: "coredns-custom: many ignored keys are capped, binaryData keys count",
    resource: k8s("core/v1:ConfigMap", "many", {
      metadata: { name: "coredns-custom", namespace: "kube-system" },
      data: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, "v"])),
      binaryData: { "zone.bin": "AAAA" },
    }),
    errors: [
      { level: "advisory", message: "`k0`, `k1`, `k2`, `k3`, `k4`, `k5`, `k6`, `k7`, `k8`, `k9` and 3 more" },
    ],
  },
  {
    name: "coredns-custom removed from allowedObjects and added to protectedObjects",
    config: {
      allowedObjects: [],
      protectedObjects: ["kube-system/ConfigMap/coredns-custom"],
      checkCorednsCustomKeys: false,
    },
    resource: k8s("core/v1:ConfigMap", "own", {
      metadata: { name: "coredns-custom", namespace: "kube-system" },
      data: { "a.server": "x" },
    }),
    errors: [{ level: "mandatory", message: "declares ConfigMap kube-system/coredns-custom" }],
  },
  {
    name: "a protected object name that fails the shape check is not printed",
    config: { protectedObjects: ["kube-system/ConfigMap//^x/"] },
    resource: k8s("core/v1:ConfigMap", "long", {
      metadata: { name: `x${"a".repeat(120)}`, namespace: "kube-system" },
    }),
    errors: [{ level: "mandatory", message: "declares ConfigMap kube-system/(not shown)" }],
  },
  {
    name: "pack config advisory lowers a definite finding",
    config: { enforcementLevel: "advisory" },
    resource: k8s("apps/v1:Deployment", "adv", { metadata: { name: "coredns", namespace: "kube-system" } }),
    errors: [{ level: "advisory", message: "declares Deployment kube-system/coredns" }],
  },
];

describe(RULE_ID, () => {
  it("never throws and never echoes the unknown sentinel on arbitrary property bags", () => {
    const leaf = fc.oneof(
      fc.constant(UNK),
      fc.constant(null),
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constantFrom("kube-system", "coredns", "coredns-custom", "aks-managed-x", "aks", "custom.conf"),
    );
    const key = fc.constantFrom(
      "metadata",
      "name",
      "namespace",
      "labels",
      "annotations",
      "kubernetes.azure.com/managedby",
      "data",
      "binaryData",
      "items",
      "kind",
      "spec",
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: "small" }, leaf, tie("object"), tie("array")),
      object: fc.dictionary(key, tie("tree"), { maxKeys: 6 }),
      array: fc.array(tie("tree"), { maxLength: 4 }),
    }));
    fc.assert(
      fc.property(
        fc.constantFrom(
          "kubernetes:core/v1:ConfigMap",
          "kubernetes:core/v1:ConfigMapList",
          "kubernetes:core/v1:NamespacePatch",
          "kubernetes:core/v1:Namespace",
          "kubernetes:apps/v1:DaemonSetPatch",
          "kubernetes:helm.sh/v3:Release",
          "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
        ),
        fc.dictionary(key, tree, { maxKeys: 8 }),
        (type, props) => {
          const runtime = new GuardrailsRuntime({
            rules: [rule],
            stack: { stack: "dev", project: "p", organization: "o" },
            stackConfig: {},
          });
          const resource = { type, urn: `urn:pulumi:dev::p::${type}::x`, name: "x", props };
          const diagnostics = [
            ...runtime.analyzeResource(
              rule,
              resource,
              { enforcementLevel: "mandatory" },
              new Map<string, string>(),
            ),
          ];
          for (const d of diagnostics) {
            expect(d.message).not.toContain("internal error");
            expect(d.message).not.toContain(UNK);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

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
        expect(d.message).toContain("Support policy: §managed-features-in-aks, §aks-support-coverage");
        for (const secret of c.notInMessage ?? []) expect(d.message).not.toContain(secret);
      });
    });
  });

  it("has a case for every resource type it lists", () => {
    const covered = new Set([...valid, ...invalid].map((c) => c.resource.type));
    expect(rule.resourceTypes.filter((t) => !covered.has(t))).toEqual([]);
  });

  describe("invalid options fail configuration, naming the key", () => {
    it.each([
      [
        "protectedObjects[0]",
        { protectedObjects: ["kube-system/DaemonSet//(csi-/"] },
        /invalid regular expression/,
      ],
      ["protectedObjects[0]", { protectedObjects: ["kube-system/coredns"] }, /expected .*a string matching/],
      [
        "allowedObjects[1]",
        { allowedObjects: ["kube-system/ConfigMap/coredns-custom", "Kube System/ConfigMap/x"] },
        /a string matching/,
      ],
    ] as const)("%s", (key, config, reason) => {
      const resource = k8s("core/v1:ConfigMap", "cm", { metadata: { name: "x", namespace: "apps" } });
      const escaped = key.replace(/[[\]]/g, "\\$&");
      expect(() => analyze({ name: key, config, resource })).toThrow(new RegExp(`${RULE_ID}\\.${escaped}: `));
      expect(() => analyze({ name: key, config, resource })).toThrow(reason);
    });
  });
});
