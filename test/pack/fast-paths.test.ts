/**
 * The pack's performance paths (BENCHMARKS.md) keep results unchanged: the shared deserialization of
 * @pulumi/policy (src/pack/shared-props.ts) and the runtime's per-call caches (src/pack/runtime.ts).
 */
import * as path from "path";
import { defineRule, ResourceInput, StackResource } from "../../src/model/rule";
import { GuardrailsRuntime } from "../../src/pack/runtime";
import { shareDeserializedProperties } from "../../src/pack/shared-props";

interface JsStruct {
  fromJavaScript(value: Record<string, unknown>): object;
}
type Deserialize = (struct: object, proxySecrets: boolean) => Record<string, unknown>;

const policyDir = path.dirname(require.resolve("@pulumi/policy"));
/* eslint-disable @typescript-eslint/no-require-imports */
const deserializeModule = require(path.join(policyDir, "deserialize.js")) as {
  deserializeProperties: Deserialize;
};
const { Struct } = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb", {
    paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [policyDir] }))],
  }),
) as { Struct: JsStruct };
/* eslint-enable @typescript-eslint/no-require-imports */

describe("shared deserialization", () => {
  const props = { resourceGroupName: "rg", nested: { list: [1, "two", null] } };

  it("gives every policy of one request the same plain object, equal to the SDK's own result", () => {
    const sdkResult = deserializeModule.deserializeProperties(Struct.fromJavaScript(props), false);
    expect(shareDeserializedProperties()).toBe(true);
    expect(shareDeserializedProperties()).toBe(true); // idempotent
    const struct = Struct.fromJavaScript(props);
    const first = deserializeModule.deserializeProperties(struct, false);
    expect(deserializeModule.deserializeProperties(struct, false)).toBe(first);
    expect(first).toEqual(sdkResult);
    // Another request (another Struct) gets its own object.
    expect(deserializeModule.deserializeProperties(Struct.fromJavaScript(props), false)).not.toBe(first);
  });

  it("leaves Remediate's secret-preserving deserialization alone", () => {
    const struct = Struct.fromJavaScript(props);
    const a = deserializeModule.deserializeProperties(struct, true);
    const b = deserializeModule.deserializeProperties(struct, true);
    expect(a).not.toBe(b);
    expect({ ...a }).toEqual(props);
  });
});

describe("runtime caches", () => {
  const seen: unknown[] = [];
  const optionRule = defineRule<{ names: string[] }>({
    id: "aks-test-options",
    title: "Reads its options",
    area: "node-pools",
    description: "A rule that records the options it gets and reports each resource.",
    source: { sections: ["shared-responsibility"], statements: ["S12"] },
    defaultLevel: "advisory",
    resourceTypes: [],
    options: {
      names: { type: "array", items: { type: "string" }, default: ["a"], description: "names" },
    },
    fix: "none",
    docs: { why: "test", checks: "test", violating: "", fixed: "" },
    checkResource: (resource, ctx) => {
      seen.push(ctx.config);
      if (resource.name === "mutate") ctx.config.names.push("b");
      return [{ kind: "violation", message: `names ${ctx.config.names.join(",")}` }];
    },
    checkStack: () => [],
  });
  const resource = (name: string): ResourceInput => ({
    type: "test:index:Thing",
    urn: `urn:pulumi:dev::p::test:index:Thing::${name}`,
    name,
    props: {},
  });

  it("resolves options once per configuration, frozen, so that no check can change them for the next", () => {
    const runtime = new GuardrailsRuntime({
      rules: [optionRule],
      stack: { stack: "dev", project: "p", organization: "o" },
      stackConfig: {},
    });
    seen.length = 0;
    runtime.analyzeResource(optionRule, resource("one"), {}, undefined);
    const mutated = runtime.analyzeResource(optionRule, resource("mutate"), {}, undefined);
    expect(mutated[0].message).toContain("internal error");
    const after = runtime.analyzeResource(optionRule, resource("three"), {}, undefined);
    expect(after[0].message).toContain("names a.");
    expect(seen[0]).toBe(seen[2]);
    expect(Object.isFrozen((seen[0] as { names: string[] }).names)).toBe(true);
    // New option values (a new Configure) give new options.
    const configured = runtime.analyzeResource(
      optionRule,
      resource("four"),
      { names: ["x", "y"] },
      undefined,
    );
    expect(configured[0].message).toContain("names x,y.");
  });

  it("builds the stack's cluster view once per AnalyzeStack request and again after new Analyze calls", () => {
    const views: unknown[] = [];
    const stackRule = defineRule<Record<string, never>>({
      ...optionRule,
      id: "aks-test-stack",
      options: {},
      checkResource: () => [],
      checkStack: (_resources, ctx) => {
        views.push(ctx.clusters);
        return [];
      },
    });
    const runtime = new GuardrailsRuntime({
      rules: [stackRule],
      stack: { stack: "dev", project: "p", organization: "o" },
      stackConfig: {},
    });
    const cluster: ResourceInput = {
      type: "azure-native:containerservice:ManagedCluster",
      urn: "urn:pulumi:dev::p::azure-native:containerservice:ManagedCluster::aks",
      name: "aks",
      props: { resourceGroupName: "rg", resourceName: "aks", location: "westeurope" },
    };
    const outputs: StackResource[] = [
      { ...cluster, props: { name: "aks" }, dependencies: [], propertyDependencies: {} },
    ];
    runtime.analyzeResource(stackRule, cluster, {}, undefined);
    runtime.analyzeStack(stackRule, outputs, {}, undefined);
    runtime.analyzeStack(stackRule, outputs, {}, undefined);
    expect(views[1]).toBe(views[0]);
    runtime.analyzeStack(stackRule, [...outputs], {}, undefined);
    expect(views[2]).not.toBe(views[0]);
    runtime.analyzeResource(stackRule, { ...cluster, props: { ...cluster.props } }, {}, undefined);
    runtime.analyzeStack(stackRule, outputs, {}, undefined);
    expect(views[3]).not.toBe(views[0]);
  });
});
