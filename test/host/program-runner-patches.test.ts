import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { applyRuntimePatches, deferClosureDependencies } from "../../src/host/loaders/program-runner-patches";

describe("runtime patches of @pulumi/pulumi for the program runner", () => {
  it("all apply to the @pulumi/pulumi this package pins (an upgrade that changes them fails here)", () => {
    jest.isolateModules(() => {
      const outcome = applyRuntimePatches((id) => jest.requireActual<object>(id));
      expect(outcome.notes).toEqual([]);
      expect(outcome.applied).toEqual([
        "no promise leak tracking",
        "no source positions",
        "lazy output properties",
        "direct mock responses",
      ]);
    });
  });

  it("leave internals of another shape alone and say which, so the run takes the SDK's own path", () => {
    const debuggablePromise = (p: unknown): unknown => p;
    const transferProperties = (): Record<string, never> => ({});
    const stackTrace = (): unknown[] => [];
    const modules: Record<string, unknown> = {
      "@pulumi/pulumi/runtime/debuggable": { debuggablePromise },
      "@pulumi/pulumi/resource": { Resource: { stackTrace } },
      "@pulumi/pulumi/runtime/rpc": { transferProperties },
      "@pulumi/pulumi/output": { Output: class {} },
      "@pulumi/pulumi/errors": { isGrpcError: () => false },
    };
    const outcome = applyRuntimePatches((id) => modules[id]);
    expect(outcome.applied).toEqual([]);
    expect(outcome.notes).toHaveLength(4);
    expect(outcome.notes[3]).toMatch(/"direct mock responses" not applied/);
    expect(outcome.notes[2]).toMatch(
      /internals differ .*\(runtime\/rpc\.js transferProperties\): "lazy output properties" not applied/,
    );
    expect(modules["@pulumi/pulumi/runtime/debuggable"]).toEqual({ debuggablePromise });
    expect(modules["@pulumi/pulumi/runtime/rpc"]).toEqual({ transferProperties });
    expect((modules["@pulumi/pulumi/resource"] as { Resource: unknown }).Resource).toEqual({ stackTrace });
  });

  it("defer the closure dependencies only when codePaths.js imports and uses them as 3.248 does", () => {
    const real = fs.readFileSync(require.resolve("@pulumi/pulumi/runtime/closure/codePaths"), "utf8");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aks-guardrails-codepaths-"));
    try {
      const copy = (name: string, source: string): string => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, source);
        return file;
      };
      expect(deferClosureDependencies(copy("same.js", real))).toBeUndefined();
      const otherUse = real.replace("new arborist.Arborist(", "new arborist.Other(");
      expect(deferClosureDependencies(copy("other-use.js", otherUse))).toMatch(
        /internals differ .*codePaths\.js.*"deferred closure dependencies" not applied/,
      );
      expect(deferClosureDependencies(path.join(dir, "missing.js"))).toMatch(/not applied/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
