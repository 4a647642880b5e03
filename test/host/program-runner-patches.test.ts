import { applyRuntimePatches } from "../../src/host/loaders/program-runner-patches";

describe("runtime patches of @pulumi/pulumi for the program runner", () => {
  it("all apply to the @pulumi/pulumi this package pins (an upgrade that changes them fails here)", () => {
    jest.isolateModules(() => {
      const outcome = applyRuntimePatches((id) => jest.requireActual<unknown>(id));
      expect(outcome.notes).toEqual([]);
      expect(outcome.applied).toEqual([
        "no promise leak tracking",
        "no source positions",
        "lazy output properties",
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
    expect(outcome.notes).toHaveLength(3);
    expect(outcome.notes[2]).toMatch(
      /internals differ .*\(runtime\/rpc\.js transferProperties\): "lazy output properties" not applied/,
    );
    expect(modules["@pulumi/pulumi/runtime/debuggable"]).toEqual({ debuggablePromise });
    expect(modules["@pulumi/pulumi/runtime/rpc"]).toEqual({ transferProperties });
    expect((modules["@pulumi/pulumi/resource"] as { Resource: unknown }).Resource).toEqual({ stackTrace });
  });
});
