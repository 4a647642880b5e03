import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import {
  PackConfigError,
  PolicyDefaults,
  loadPolicyPackConfigFile,
  parsePolicyPackConfig,
  reconcilePolicyPackConfig,
} from "../../src/host/pack-config";

describe("parsePolicyPackConfig", () => {
  it("reads a level string or an object whose enforcementLevel is split from its properties", () => {
    expect(
      parsePolicyPackConfig(
        {
          all: "advisory",
          "rule-a": "mandatory",
          "rule-b": { enforcementLevel: "disabled", max: 3 },
          "rule-c": { max: 4 },
          "rule-d": {},
        },
        "cfg.json",
      ),
    ).toEqual({
      all: { enforcementLevel: "advisory" },
      "rule-a": { enforcementLevel: "mandatory" },
      "rule-b": { enforcementLevel: "disabled", properties: { max: 3 } },
      "rule-c": { properties: { max: 4 } },
    });
  });

  it.each([
    ["an unknown level string", { "rule-a": "fatal" }, /"rule-a": "fatal" is not a valid enforcement level/],
    [
      "a non-string enforcementLevel",
      { "rule-a": { enforcementLevel: 1 } },
      /"rule-a": 1 is not a valid enforcement level; must be a string/,
    ],
    [
      "a value that is neither string nor object",
      { "rule-a": 7 },
      /parsing "rule-a": 7 is not a valid value/,
    ],
    ["a document that is not an object", ["rule-a"], /must be a JSON object/],
  ])("rejects %s, naming the source and key", (_name, document, message) => {
    let caught: unknown;
    try {
      parsePolicyPackConfig(document, "cfg.json");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PackConfigError);
    expect((caught as PackConfigError).message).toMatch(/^cfg\.json: /);
    expect((caught as PackConfigError).message).toMatch(message);
  });
});

describe("reconcilePolicyPackConfig", () => {
  const policies: PolicyDefaults[] = [
    {
      name: "rule-a",
      enforcementLevel: "advisory",
      configSchema: { properties: { max: { type: "number", default: 5 }, label: { type: "string" } } },
    },
    { name: "rule-b", enforcementLevel: "mandatory" },
  ];

  it("starts from each policy's level and schema defaults", () => {
    expect(reconcilePolicyPackConfig(policies)).toEqual({
      "rule-a": { enforcementLevel: "advisory", properties: { max: 5 } },
      "rule-b": { enforcementLevel: "mandatory", properties: {} },
    });
  });

  it("applies the initial config, then the given config, merging properties", () => {
    const result = reconcilePolicyPackConfig(
      policies,
      { "rule-a": { enforcementLevel: "mandatory", properties: { label: "initial" } } },
      { "rule-a": { properties: { max: 9 } } },
    );
    expect(result["rule-a"]).toEqual({
      enforcementLevel: "mandatory",
      properties: { max: 9, label: "initial" },
    });
  });

  it("lets `all` set every level while explicit policy levels win, and keeps `all` itself like the CLI", () => {
    const result = reconcilePolicyPackConfig(
      policies,
      {},
      {
        all: { enforcementLevel: "disabled" },
        "rule-b": { enforcementLevel: "advisory" },
      },
    );
    expect(result["rule-a"].enforcementLevel).toBe("disabled");
    expect(result["rule-b"].enforcementLevel).toBe("advisory");
    expect(result.all).toEqual({ enforcementLevel: "disabled", properties: {} });
  });

  it("passes a key that names no policy through when it has a level", () => {
    expect(
      reconcilePolicyPackConfig(policies, {}, { extra: { enforcementLevel: "advisory" } }).extra,
    ).toEqual({
      enforcementLevel: "advisory",
      properties: {},
    });
  });

  it("fails on a key that would reach Configure without a level, naming it", () => {
    expect(() => reconcilePolicyPackConfig(policies, {}, { typo: { properties: { max: 1 } } })).toThrow(
      /"typo" has no enforcement level/,
    );
  });
});

describe("loadPolicyPackConfigFile", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "pack-config-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it("reads a config file", () => {
    expect(loadPolicyPackConfigFile(write("ok.json", '{"rule-a": "mandatory"}'))).toEqual({
      "rule-a": { enforcementLevel: "mandatory" },
    });
  });

  it("treats an empty file as no config", () => {
    expect(loadPolicyPackConfigFile(write("empty.json", "  \n"))).toEqual({});
  });

  it("names the file when it is not JSON", () => {
    const file = write("bad.json", '{"rule-a": ');
    expect(() => loadPolicyPackConfigFile(file)).toThrow(`${file}: policy pack config is not valid JSON`);
  });

  it("names the file when it cannot be read", () => {
    const file = path.join(dir, "missing.json");
    expect(() => loadPolicyPackConfigFile(file)).toThrow(`${file}: cannot read policy pack config`);
  });
});
