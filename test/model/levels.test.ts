import { LevelInputs, Level, matchStacks, resolveLevel, stacksKeyError } from "../../src/model/levels";

const ctx = (stack: string, tags: Record<string, string> = {}) => ({
  stack,
  project: "payments",
  organization: "acme",
  tags: new Map(Object.entries(tags)),
});

interface Case {
  name: string;
  inputs: LevelInputs;
  stack: string;
  tags?: Record<string, string>;
  level: Level;
  refused?: boolean;
}

// Rule defaults × pack config × stack config × stack name.
const cases: Case[] = [
  {
    name: "mandatory default, no config",
    inputs: { defaultLevel: "mandatory" },
    stack: "dev",
    level: "mandatory",
  },
  {
    name: "engine-configured default equals declared level",
    inputs: { defaultLevel: "advisory", configuredLevel: "advisory" },
    stack: "dev",
    level: "advisory",
  },
  {
    name: "preview-rule default: advisory on dev",
    inputs: {
      defaultLevel: "advisory",
      defaultStacks: { "prod*": "mandatory" },
      configuredLevel: "advisory",
    },
    stack: "dev",
    level: "advisory",
  },
  {
    name: "preview-rule default: mandatory on prod-eu",
    inputs: {
      defaultLevel: "advisory",
      defaultStacks: { "prod*": "mandatory" },
      configuredLevel: "advisory",
    },
    stack: "prod-eu",
    level: "mandatory",
  },
  {
    name: "user stacks entry is merged over the built-in map (staging added, prod kept)",
    inputs: {
      defaultLevel: "advisory",
      defaultStacks: { "prod*": "mandatory" },
      configuredStacks: { staging: "mandatory" },
    },
    stack: "staging",
    level: "mandatory",
  },
  {
    name: "built-in prod entry survives a user staging entry",
    inputs: {
      defaultLevel: "advisory",
      defaultStacks: { "prod*": "mandatory" },
      configuredStacks: { staging: "mandatory" },
    },
    stack: "prod",
    level: "mandatory",
  },
  {
    name: "user overrides the built-in prod* entry",
    inputs: {
      defaultLevel: "advisory",
      defaultStacks: { "prod*": "mandatory" },
      configuredStacks: { "prod*": "advisory" },
    },
    stack: "prod",
    level: "advisory",
  },
  {
    name: "pack config `all: advisory` lowers a mandatory rule",
    inputs: { defaultLevel: "mandatory", configuredLevel: "advisory" },
    stack: "prod",
    level: "advisory",
  },
  {
    name: "explicit disabled turns the rule off everywhere, stacks map included",
    inputs: {
      defaultLevel: "advisory",
      defaultStacks: { "prod*": "mandatory" },
      configuredLevel: "disabled",
    },
    stack: "prod",
    level: "disabled",
  },
  {
    name: "built-in disabled rule stays off when the engine reports the declared advisory",
    inputs: { defaultLevel: "disabled", configuredLevel: "advisory" },
    stack: "dev",
    level: "disabled",
  },
  {
    name: "built-in disabled rule turned on by a stacks entry",
    inputs: { defaultLevel: "disabled", configuredLevel: "advisory", configuredStacks: { "*": "advisory" } },
    stack: "dev",
    level: "advisory",
  },
  {
    name: "built-in disabled rule turned on by configuring mandatory",
    inputs: { defaultLevel: "disabled", configuredLevel: "mandatory" },
    stack: "dev",
    level: "mandatory",
  },
  {
    name: "tag selector matches a production-tagged stack not named prod*",
    inputs: { defaultLevel: "advisory", configuredStacks: { "tag:environment=production": "mandatory" } },
    stack: "payments-eu",
    tags: { environment: "production" },
    level: "mandatory",
  },
  {
    name: "tag selector does not match another tag value",
    inputs: { defaultLevel: "advisory", configuredStacks: { "tag:environment=production": "mandatory" } },
    stack: "payments-eu",
    tags: { environment: "staging" },
    level: "advisory",
  },
  {
    name: "org/project/stack glob",
    inputs: { defaultLevel: "advisory", configuredStacks: { "acme/payments/prod*": "mandatory" } },
    stack: "prod-us",
    level: "mandatory",
  },
  {
    name: "longest matching key wins over a shorter one",
    inputs: {
      defaultLevel: "advisory",
      configuredStacks: { "prod*": "mandatory", "prod-sandbox": "advisory" },
    },
    stack: "prod-sandbox",
    level: "advisory",
  },
  {
    name: "stack config tightens advisory to mandatory",
    inputs: { defaultLevel: "advisory", stackLevel: "mandatory" },
    stack: "dev",
    level: "mandatory",
  },
  {
    name: "stack config enables a built-in disabled rule",
    inputs: { defaultLevel: "disabled", configuredLevel: "advisory", stackLevel: "advisory" },
    stack: "dev",
    level: "advisory",
  },
  {
    name: "stack config cannot loosen an org mandatory rule",
    inputs: { defaultLevel: "mandatory", configuredLevel: "mandatory", stackLevel: "disabled" },
    stack: "prod",
    level: "mandatory",
    refused: true,
  },
  {
    name: "stack config cannot loosen a prod* mandatory entry to advisory",
    inputs: { defaultLevel: "advisory", defaultStacks: { "prod*": "mandatory" }, stackLevel: "advisory" },
    stack: "prod",
    level: "mandatory",
    refused: true,
  },
  {
    name: "stack config may loosen when the pack config allows it",
    inputs: { defaultLevel: "mandatory", allowStackLoosening: true, stackLevel: "advisory" },
    stack: "prod",
    level: "advisory",
  },
  {
    name: "stack config equal to the org level is no refusal",
    inputs: { defaultLevel: "mandatory", stackLevel: "mandatory" },
    stack: "prod",
    level: "mandatory",
  },
];

describe("resolveLevel", () => {
  test.each(cases)("$name", ({ inputs, stack, tags, level, refused }) => {
    const resolved = resolveLevel(inputs, ctx(stack, tags));
    expect(resolved.level).toBe(level);
    expect(Boolean(resolved.refusedLoosening)).toBe(Boolean(refused));
  });

  test("a refused loosening names the requested and the kept level", () => {
    const resolved = resolveLevel({ defaultLevel: "mandatory", stackLevel: "advisory" }, ctx("prod"));
    expect(resolved.refusedLoosening).toEqual({ requested: "advisory", kept: "mandatory" });
  });
});

describe("matchStacks", () => {
  test("ties on length go to the stricter level", () => {
    expect(matchStacks({ "prod-?": "advisory", "prod-*": "mandatory" }, ctx("prod-1"))).toEqual({
      level: "mandatory",
      key: "prod-*",
    });
  });
  test("glob metacharacters other than * and ? are literal", () => {
    expect(matchStacks({ "prod.eu": "mandatory" }, ctx("prodXeu"))).toBeUndefined();
    expect(matchStacks({ "prod.eu": "mandatory" }, ctx("prod.eu"))?.level).toBe("mandatory");
  });
  test("a glob matches the whole name, not a substring", () => {
    expect(matchStacks({ prod: "mandatory" }, ctx("preprod"))).toBeUndefined();
  });
});

describe("stacksKeyError", () => {
  test.each([
    "prod*",
    "dev",
    "acme/*/prod",
    "payments/prod-?",
    "tag:environment=production",
    "tag:team=pay*",
  ])("accepts %s", (key) => expect(stacksKeyError(key)).toBeUndefined());
  test.each(["", "prod[0-9]", "a/b/c/d", "has space", "tag:=x", "tag:env", "prod/"])("rejects %j", (key) =>
    expect(stacksKeyError(key)).toMatch(/not a valid/),
  );
});
