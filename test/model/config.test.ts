import {
  ConfigError,
  parsePackConfig,
  parseStackConfigEnv,
  parseStackLevels,
  policyConfigSchema,
} from "../../src/model/config";
import { rules } from "../../src/rules";

const FILE = "policy-config.json";

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("parsePackConfig: valid documents", () => {
  test("levels, all, stacks, allowStackLoosening and rule options", () => {
    const config = parsePackConfig(
      rules,
      {
        all: "advisory",
        "aks-vmss-direct-modification": {
          enforcementLevel: "mandatory",
          allowStackLoosening: true,
          nodeResourceGroups: ["/subscriptions/0000/resourceGroups/custom-nodes"],
        },
        "aks-preview-feature-registration": {
          stacks: { staging: "mandatory", "tag:environment=production": "mandatory" },
        },
      },
      FILE,
    );
    expect(config.all).toBe("advisory");
    expect(config.rules["aks-vmss-direct-modification"]).toEqual({
      enforcementLevel: "mandatory",
      allowStackLoosening: true,
      options: { nodeResourceGroups: ["/subscriptions/0000/resourceGroups/custom-nodes"] },
    });
    expect(config.rules["aks-preview-feature-registration"].stacks).toEqual({
      staging: "mandatory",
      "tag:environment=production": "mandatory",
    });
  });

  test("remediate is accepted and treated as mandatory", () => {
    expect(parsePackConfig(rules, { "aks-vmss-direct-modification": "remediate" }, FILE).rules).toEqual({
      "aks-vmss-direct-modification": { enforcementLevel: "mandatory", options: {} },
    });
  });
});

describe("parsePackConfig: every error names the file, the key and the allowed values", () => {
  const cases: Array<{ name: string; doc: unknown; key: string; message: RegExp }> = [
    {
      name: "unknown rule id, with a suggestion",
      doc: { "aks-vmss-direct-modifcation": "mandatory" },
      key: "aks-vmss-direct-modifcation",
      message: new RegExp(
        `did you mean "aks-vmss-direct-modification".*allowed: all, ${rules.map((r) => r.id).join(", ")}$`,
      ),
    },
    {
      name: "bad level string",
      doc: { "aks-vmss-direct-modification": "strict" },
      key: "aks-vmss-direct-modification",
      message: /invalid level "strict".*allowed: advisory \| mandatory \| disabled \| remediate/,
    },
    {
      name: "bad enforcementLevel in an object",
      doc: { "aks-vmss-direct-modification": { enforcementLevel: "warn" } },
      key: "aks-vmss-direct-modification.enforcementLevel",
      message: /invalid level "warn"/,
    },
    {
      name: "bad all level",
      doc: { all: "blocking" },
      key: "all",
      message: /allowed: advisory \| mandatory/,
    },
    {
      name: "malformed stacks glob",
      doc: { "aks-preview-feature-registration": { stacks: { "prod[0-9]": "mandatory" } } },
      key: 'aks-preview-feature-registration.stacks["prod[0-9]"]',
      message: /not a valid stack-name glob/,
    },
    {
      name: "bad level in a stacks map",
      doc: { "aks-preview-feature-registration": { stacks: { "prod*": "hard" } } },
      key: 'aks-preview-feature-registration.stacks["prod*"]',
      message: /invalid level "hard"/,
    },
    {
      name: "unknown option",
      doc: { "aks-vmss-direct-modification": { nodeResourceGroup: ["x"] } },
      key: "aks-vmss-direct-modification.nodeResourceGroup",
      message: /did you mean "nodeResourceGroups".*unknown option/,
    },
    {
      name: "option of the wrong type",
      doc: { "aks-vmss-direct-modification": { nodeResourceGroups: "MC_x" } },
      key: "aks-vmss-direct-modification.nodeResourceGroups",
      message: /expected an array of a string.*allowed: an array of a string/,
    },
    {
      name: "invalid regular expression option",
      doc: { "aks-vmss-direct-modification": { vmssNamePattern: "^aks-(" } },
      key: "aks-vmss-direct-modification.vmssNamePattern",
      message: /invalid regular expression/,
    },
    {
      name: "allowStackLoosening not a boolean",
      doc: { "aks-vmss-direct-modification": { allowStackLoosening: "yes" } },
      key: "aks-vmss-direct-modification.allowStackLoosening",
      message: /allowed: true \| false/,
    },
    {
      name: "not an object",
      doc: ["aks-vmss-direct-modification"],
      key: "(document)",
      message: /expected a JSON object/,
    },
  ];
  test.each(cases)("$name", ({ doc, key, message }) => {
    const error = errorOf(() => parsePackConfig(rules, doc, FILE));
    expect(error.file).toBe(FILE);
    expect(error.key).toBe(key);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${FILE}: ${key}: `)).toBe(true);
  });
});

describe("stack config (aks-guardrails:levels via PULUMI_CONFIG)", () => {
  const SOURCE = "stack config (Pulumi.prod.yaml via PULUMI_CONFIG)";

  test("reads a JSON-encoded map, as the CLI passes structured values", () => {
    const env = parseStackConfigEnv(
      JSON.stringify({
        "aws:region": "eu-west-1",
        "aks-guardrails:levels": JSON.stringify({ "aks-preview-feature-registration": "mandatory" }),
      }),
    );
    expect(parseStackLevels(rules, env, SOURCE)).toEqual({ "aks-preview-feature-registration": "mandatory" });
  });

  test("ignores other namespaces", () => {
    expect(parseStackLevels(rules, { "aks-reference:enablePreviewFeature": "true" }, SOURCE)).toEqual({});
  });

  test.each([
    [{ "aks-guardrails:level": "{}" }, "aks-guardrails:level", /allowed: aks-guardrails:levels/],
    [{ "aks-guardrails:levels": "{not json" }, "aks-guardrails:levels", /not a JSON object/],
    [
      { "aks-guardrails:levels": '{"aks-nope":"advisory"}' },
      "aks-guardrails:levels.aks-nope",
      /unknown rule id/,
    ],
    [
      { "aks-guardrails:levels": '{"aks-vmss-direct-modification":"remediate"}' },
      "aks-guardrails:levels.aks-vmss-direct-modification",
      /allowed: disabled \| advisory \| mandatory/,
    ],
  ])("rejects %j", (config, key, message) => {
    const error = errorOf(() => parseStackLevels(rules, config, SOURCE));
    expect(error.file).toBe(SOURCE);
    expect(error.key).toBe(key);
    expect(error.message).toMatch(message);
  });

  test("malformed PULUMI_CONFIG names the variable", () => {
    expect(errorOf(() => parseStackConfigEnv("{", "PULUMI_CONFIG")).message).toMatch(
      /^PULUMI_CONFIG: \(document\): not valid JSON/,
    );
  });
});

describe("policyConfigSchema", () => {
  test("declares the common options and the rule's own, and no enforcementLevel (the SDK forbids it)", () => {
    for (const rule of rules) {
      const schema = policyConfigSchema(rule);
      expect(Object.keys(schema.properties ?? {})).toEqual(
        expect.arrayContaining(["stacks", "allowStackLoosening", "exemptions", ...Object.keys(rule.options)]),
      );
      expect(schema.properties).not.toHaveProperty("enforcementLevel");
    }
  });
});

describe("exemptions", () => {
  const VMSS = "aks-vmss-direct-modification"; // mandatory by default
  const ADVISORY = "aks-node-ssh-access"; // advisory, no per-stack map
  const PREVIEW = "aks-preview-feature-registration"; // advisory, mandatory on prod*
  const ok = { resource: "bootstrap", reason: "legacy bootstrap, INC-12" };

  test("a full exemption is parsed as given", () => {
    const exemption = { ...ok, stacks: "prod*", expires: "2026-02-28", allowBroad: false };
    const config = parsePackConfig(rules, { [VMSS]: { exemptions: [exemption] } }, FILE);
    expect(config.rules[VMSS].exemptions).toEqual([exemption]);
  });

  test.each([
    [
      "a broad exemption with allowBroad on a mandatory rule",
      VMSS,
      { resource: "*", reason: "r", allowBroad: true },
    ],
    ["a broad exemption on a rule that is advisory everywhere", ADVISORY, { resource: "*", reason: "r" }],
    ["a resource glob that narrows", VMSS, { resource: "urn:pulumi:prod::*::bootstrap", reason: "r" }],
    ["a name glob that narrows", VMSS, { resource: "aks-*-vmss", reason: "r" }],
    [
      "a stacks glob that narrows a match-all resource",
      VMSS,
      { resource: "*", stacks: "dev-*", reason: "r" },
    ],
    ["a tag selector that narrows", VMSS, { resource: "*", stacks: "tag:env=sandbox", reason: "r" }],
  ])("accepted: %s", (_name, rule, exemption) => {
    expect(
      parsePackConfig(rules, { [rule]: { exemptions: [exemption] } }, FILE).rules[rule].exemptions,
    ).toEqual([exemption]);
  });

  const cases: Array<{ name: string; doc: unknown; key: string; message: RegExp }> = [
    {
      name: "not an array",
      doc: { [VMSS]: { exemptions: ok } },
      key: `${VMSS}.exemptions`,
      message: /expected an array; allowed: an array of \{ "resource"/,
    },
    {
      name: "an entry that is not an object",
      doc: { [VMSS]: { exemptions: ["bootstrap"] } },
      key: `${VMSS}.exemptions[0]`,
      message: /expected an object/,
    },
    {
      name: "no reason",
      doc: { [VMSS]: { exemptions: [{ resource: "bootstrap" }] } },
      key: `${VMSS}.exemptions[0].reason`,
      message: /an exemption needs a reason; allowed: a non-empty string/,
    },
    {
      name: "a blank reason",
      doc: { [VMSS]: { exemptions: [ok, { resource: "x", reason: "  " }] } },
      key: `${VMSS}.exemptions[1].reason`,
      message: /got " {2}"/,
    },
    {
      name: "no resource",
      doc: { [VMSS]: { exemptions: [{ reason: "r" }] } },
      key: `${VMSS}.exemptions[0].resource`,
      message: /missing; allowed: a URN or Pulumi-name glob/,
    },
    {
      name: "an empty resource",
      doc: { [VMSS]: { exemptions: [{ resource: "", reason: "r" }] } },
      key: `${VMSS}.exemptions[0].resource`,
      message: /got ""/,
    },
    {
      name: "a date that does not exist",
      doc: { [VMSS]: { exemptions: [{ ...ok, expires: "2025-02-30" }] } },
      key: `${VMSS}.exemptions[0].expires`,
      message: /got "2025-02-30"; allowed: a date YYYY-MM-DD/,
    },
    {
      name: "a date in another format",
      doc: { [VMSS]: { exemptions: [{ ...ok, expires: "31/12/2025" }] } },
      key: `${VMSS}.exemptions[0].expires`,
      message: /allowed: a date YYYY-MM-DD/,
    },
    {
      name: "a malformed stacks glob",
      doc: { [VMSS]: { exemptions: [{ ...ok, stacks: "prod[0-9]" }] } },
      key: `${VMSS}.exemptions[0].stacks`,
      message: /not a valid stack-name glob/,
    },
    {
      name: "an unknown key, with a suggestion",
      doc: { [VMSS]: { exemptions: [{ ...ok, expiry: "2026-01-01" }] } },
      key: `${VMSS}.exemptions[0].expiry`,
      message: /did you mean "expires".*allowed: resource, stacks, reason, expires, allowBroad$/,
    },
    {
      name: "allowBroad not a boolean",
      doc: { [VMSS]: { exemptions: [{ ...ok, allowBroad: "yes" }] } },
      key: `${VMSS}.exemptions[0].allowBroad`,
      message: /allowed: true \| false/,
    },
    {
      name: 'a match-everything exemption ("*") on a mandatory rule',
      doc: { [VMSS]: { exemptions: [ok, { resource: "*", reason: "r" }] } },
      key: `${VMSS}.exemptions[1]`,
      message: /exempts every resource on every stack.*allowed: .*"allowBroad": true/,
    },
    {
      name: "an equivalent of * (every URN), with a stacks glob that matches every stack",
      doc: { [VMSS]: { exemptions: [{ resource: "urn:pulumi:*", stacks: "*", reason: "r" }] } },
      key: `${VMSS}.exemptions[0]`,
      message: /exempts every resource on every stack/,
    },
    {
      name: "a broad exemption on a rule mandatory on prod* by default",
      doc: { [PREVIEW]: { exemptions: [{ resource: "**", reason: "r" }] } },
      key: `${PREVIEW}.exemptions[0]`,
      message: /exempts every resource on every stack/,
    },
    {
      name: "a broad exemption on an advisory rule the config makes mandatory (all)",
      doc: { all: "mandatory", [ADVISORY]: { exemptions: [{ resource: "*", reason: "r" }] } },
      key: `${ADVISORY}.exemptions[0]`,
      message: /exempts every resource on every stack/,
    },
  ];
  test.each(cases)("rejected: $name", ({ doc, key, message }) => {
    const error = errorOf(() => parsePackConfig(rules, doc, FILE));
    expect(error.file).toBe(FILE);
    expect(error.key).toBe(key);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`${FILE}: ${key}: `)).toBe(true);
  });
});
