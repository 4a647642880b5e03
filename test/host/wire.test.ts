/**
 * src/host/wire.ts writes the Analyzer requests as bytes; they must be exactly the bytes google-protobuf's generated
 * classes produce for the messages AnalyzerHost used to build (the reference builders below are that code).
 */
import fc from "fast-check";
import type * as AnalyzerPbModule from "@pulumi/pulumi/proto/analyzer_pb";
import type * as StructPbModule from "google-protobuf/google/protobuf/struct_pb";
import { HostProvider, HostResource, PropertyMap, SECRET_SIG_KEY, UNKNOWN } from "../../src/host/types";
import { ProviderEncodings, encodeAnalyzeRequest, encodeAnalyzeStackRequest } from "../../src/host/wire";
import { worldAsHostResources } from "../support/seeds";

/* eslint-disable @typescript-eslint/no-require-imports */
const pulumiDir = require.resolve("@pulumi/pulumi/package.json");
const pb = require(require.resolve("@pulumi/pulumi/proto/analyzer_pb")) as typeof AnalyzerPbModule;
const { Struct } = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pulumiDir] }),
) as typeof StructPbModule;
/* eslint-enable @typescript-eslint/no-require-imports */

const REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

function toWireValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : toWireValue(v)));
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (record[SECRET_SIG_KEY] === REFERENCE_SIG) {
      return record.id !== undefined && record.id !== null ? toWireValue(record.id) : record.urn;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) if (v !== undefined) out[k] = toWireValue(v);
    return out;
  }
  return value;
}

function toStruct(props: PropertyMap, skipInternalKeys: boolean): StructPbModule.Struct {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (v !== undefined && !(skipInternalKeys && k.startsWith("__"))) fields[k] = toWireValue(v);
  }
  return Struct.fromJavaScript(fields as Record<string, StructPbModule.JavaScriptValue>);
}

function options(r: HostResource): AnalyzerPbModule.AnalyzerResourceOptions {
  const o = r.options ?? {};
  const m = new pb.AnalyzerResourceOptions();
  m.setProtect(o.protect ?? false);
  m.setIgnorechangesList(o.ignoreChanges ?? []);
  m.setDeletebeforereplace(o.deleteBeforeReplace ?? false);
  m.setDeletebeforereplacedefined(o.deleteBeforeReplace !== undefined);
  m.setAdditionalsecretoutputsList(o.additionalSecretOutputs ?? []);
  m.setAliasesList(o.aliases ?? []);
  const t = new pb.AnalyzerResourceOptions.CustomTimeouts();
  t.setCreate(o.customTimeouts?.create ?? 0);
  t.setUpdate(o.customTimeouts?.update ?? 0);
  t.setDelete(o.customTimeouts?.delete ?? 0);
  m.setCustomtimeouts(t);
  m.setParent(r.parent ?? "");
  return m;
}

function provider(p: HostProvider): AnalyzerPbModule.AnalyzerProviderResource {
  const m = new pb.AnalyzerProviderResource();
  m.setUrn(p.urn);
  m.setType(p.type);
  m.setName(p.name);
  m.setProperties(toStruct(p.inputs, true));
  return m;
}

/** The value without `__proto__` keys, which the encoder drops (see the test below). */
function withoutProtoKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutProtoKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== "__proto__")
      .map(([k, v]) => [k, withoutProtoKeys(v)]),
  );
}

function referenceAnalyzeRequest(r: HostResource, props: PropertyMap, skip: boolean): Buffer {
  const m = new pb.AnalyzeRequest();
  m.setUrn(r.urn);
  m.setType(r.type);
  m.setName(r.name);
  m.setProperties(toStruct(props, skip));
  m.setOptions(options(r));
  if (r.provider) m.setProvider(provider(r.provider));
  return Buffer.from(m.serializeBinary());
}

function referenceStackRequest(resources: readonly HostResource[]): Buffer {
  const req = new pb.AnalyzeStackRequest();
  req.setResourcesList(
    resources.map((r) => {
      const m = new pb.AnalyzerResource();
      m.setUrn(r.urn);
      m.setType(r.type);
      m.setName(r.name);
      m.setProperties(toStruct(r.outputs, true));
      m.setOptions(options(r));
      if (r.provider) m.setProvider(provider(r.provider));
      m.setParent(r.parent ?? "");
      m.setDependenciesList(r.dependencies);
      for (const [key, urns] of Object.entries(r.propertyDependencies)) {
        if (urns.length > 0) {
          m.getPropertydependenciesMap().set(key, new pb.AnalyzerPropertyDependencies().setUrnsList(urns));
        }
      }
      return m;
    }),
  );
  return Buffer.from(req.serializeBinary());
}

const expectSameRequests = (resources: readonly HostResource[]): void => {
  const providers = new ProviderEncodings();
  for (const r of resources) {
    for (const skip of [false, true]) {
      expect(encodeAnalyzeRequest(r, r.inputs, skip, providers).toString("hex")).toBe(
        referenceAnalyzeRequest(r, r.inputs, skip).toString("hex"),
      );
    }
  }
  expect(encodeAnalyzeStackRequest(resources, providers).toString("hex")).toBe(
    referenceStackRequest(resources).toString("hex"),
  );
};

const base: HostResource = {
  urn: "urn:pulumi:dev::p::test:index:Thing::t",
  type: "test:index:Thing",
  name: "t",
  custom: true,
  inputs: {},
  outputs: {},
  dependencies: [],
  propertyDependencies: {},
};

describe("wire encoding of Analyzer requests", () => {
  it("equals the generated classes' bytes for the seed world", () => {
    expectSameRequests(worldAsHostResources("prod"));
    expectSameRequests(worldAsHostResources("dev", "-2"));
  });

  it("equals them for edge values: unicode, lone surrogates, numbers, empties, long values, references, options", () => {
    const long = "x".repeat(20_000);
    const props: PropertyMap = {
      zeta: 1,
      alpha: [true, false, null, undefined, "", 0, -0, 1.5, -7, 1e300, 2 ** 53, [], {}],
      "é-key": "caf\u00e9 \u20ac \ud83d\ude00 lone \ud800 end \udc00 \ud800\ud800 x\ud800",
      "": "empty key",
      __internal: { x: 1 },
      dropped: undefined,
      unknown: UNKNOWN,
      nested: { b: { c: [{ d: long }] }, a: "short" },
      reference: { [SECRET_SIG_KEY]: REFERENCE_SIG, urn: "urn:x", id: "id-1" },
      referenceNoId: { [SECRET_SIG_KEY]: REFERENCE_SIG, urn: "urn:y", id: null },
      medium: "m".repeat(130),
    };
    const prov: HostProvider = {
      urn: "urn:pulumi:dev::p::pulumi:providers:azure-native::default",
      type: "pulumi:providers:azure-native",
      name: "default",
      inputs: { location: "westeurope", __internal: 1 },
    };
    expectSameRequests([
      { ...base, inputs: props, outputs: props, provider: prov },
      {
        ...base,
        urn: `${base.urn}2`,
        name: "",
        parent: "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev",
        dependencies: ["urn:a", "", "urn:b"],
        propertyDependencies: { z: ["urn:a"], a: ["urn:b", "urn:c"], empty: [] },
        options: {
          protect: true,
          ignoreChanges: ["tags", ""],
          deleteBeforeReplace: false,
          additionalSecretOutputs: ["password"],
          aliases: ["urn:old"],
          customTimeouts: { create: 60, delete: 0.5 },
        },
        provider: prov,
      },
      {
        ...base,
        urn: `${base.urn}3`,
        options: { deleteBeforeReplace: true, customTimeouts: { update: -1 } },
      },
    ]);
  });

  it("equals them for arbitrary JSON properties", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.boolean(), (props, skip) => {
        const r = { ...base, inputs: props, outputs: props };
        const own = withoutProtoKeys(props) as PropertyMap;
        expect(encodeAnalyzeRequest(r, props, skip, new ProviderEncodings()).toString("hex")).toBe(
          referenceAnalyzeRequest({ ...base, inputs: own, outputs: own }, own, skip).toString("hex"),
        );
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: "binary" }), fc.string({ unit: "binary" })), (props) => {
        const r = { ...base, inputs: props, outputs: props };
        expect(encodeAnalyzeRequest(r, props, false, new ProviderEncodings()).toString("hex")).toBe(
          referenceAnalyzeRequest(r, props, false).toString("hex"),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("drops __proto__ keys: the properties of a __proto__ object are never sent as the resource's (found by fast-check)", () => {
    // JSON.parse makes `__proto__` an own property. The generated classes, fed through an object rebuilt by
    // assignment, sent the __proto__ object's properties as if they were the resource's own (x and y here): a scan
    // file could smuggle properties past what it shows. The encoder sends exactly the other own properties.
    const props = JSON.parse('{"a":{"__proto__":{"x":1},"b":2},"__proto__":{"y":3}}') as PropertyMap;
    const own = { a: { b: 2 } };
    for (const skip of [false, true]) {
      const r = { ...base, inputs: props, outputs: props };
      const bytes = encodeAnalyzeRequest(r, props, skip, new ProviderEncodings());
      expect(bytes.toString("hex")).toBe(
        referenceAnalyzeRequest({ ...base, inputs: own, outputs: own }, own, skip).toString("hex"),
      );
      expect(bytes.includes(Buffer.from("__proto__"))).toBe(false);
    }
  });

  it("fails on a value Struct.fromJavaScript refuses", () => {
    expect(() => encodeAnalyzeRequest({ ...base }, { f: () => 1 }, true, new ProviderEncodings())).toThrow(
      /Unexpected struct type/,
    );
  });
});
