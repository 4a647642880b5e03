/**
 * AnalyzerHost encodes each resource's request once for Remediate and Analyze, and each provider's message once:
 * what goes on the wire must be exactly what encoding every request afresh sends (the seed world, with a top-level
 * `__` key, a remediation that changes the inputs, and a provider whose inputs object changes). That the encoding
 * itself equals the generated classes' is test/host/wire.test.ts.
 */
import { AnalyzerHost } from "../../src/host/analyzer-client";
import type { HostResource, PropertyMap } from "../../src/host/types";
import { ProviderEncodings, encodeAnalyzeRequest } from "../../src/host/wire";
import { worldAsHostResources } from "../support/seeds";

type Callback = (err: null, res: unknown) => void;
interface HostInternals {
  client: {
    makeUnaryRequest(
      path: string,
      serialize: (b: Buffer) => Buffer,
      deserialize: unknown,
      request: Buffer,
      md: unknown,
      o: unknown,
      cb: Callback,
    ): void;
  };
  packDir: string;
  child: { exitCode: number | null; signalCode: string | null };
  providers: ProviderEncodings;
  analyzeResource(r: HostResource): Promise<unknown[]>;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const pb = require(require.resolve("@pulumi/pulumi/proto/analyzer_pb")) as {
  RemediateResponse: new () => { setRemediationsList(list: unknown[]): void };
  Remediation: new () => { setProperties(s: unknown): void; setPolicyname(n: string): void };
  AnalyzeResponse: new () => unknown;
};
const { Struct } = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb", {
    paths: [require.resolve("@pulumi/pulumi/package.json")],
  }),
) as { Struct: { fromJavaScript(v: Record<string, unknown>): unknown } };
/* eslint-enable @typescript-eslint/no-require-imports */

const REMEDIATED = { remediated: true, location: "westeurope" };

function fakeHost(remediate: (r: HostResource) => boolean): { host: HostInternals; sent: string[] } {
  const sent: string[] = [];
  const host = Object.create(AnalyzerHost.prototype) as HostInternals;
  host.packDir = "/nowhere";
  host.child = { exitCode: null, signalCode: null };
  host.providers = new ProviderEncodings();
  let current: HostResource | undefined;
  host.client = {
    makeUnaryRequest: (path, serialize, _deserialize, request, _md, _o, cb) => {
      const method = path.split("/").pop();
      sent.push(`${method} ${serialize(request).toString("base64")}`);
      if (method === "Remediate") {
        const res = new pb.RemediateResponse();
        if (current && remediate(current)) {
          const remediation = new pb.Remediation();
          remediation.setPolicyname("fix");
          remediation.setProperties(Struct.fromJavaScript(REMEDIATED));
          res.setRemediationsList([remediation]);
        }
        cb(null, res);
      } else {
        cb(null, new pb.AnalyzeResponse());
      }
    },
  };
  const analyze = host.analyzeResource.bind(host);
  host.analyzeResource = (r) => {
    current = r;
    return analyze(r);
  };
  return { host, sent };
}

/** Every request encoded afresh, with no provider encoding kept from an earlier request. */
function expectedWire(resources: readonly HostResource[], remediate: (r: HostResource) => boolean): string[] {
  const out: string[] = [];
  const wire = (method: string, r: HostResource, props: PropertyMap, skip: boolean) =>
    out.push(`${method} ${encodeAnalyzeRequest(r, props, skip, new ProviderEncodings()).toString("base64")}`);
  for (const r of resources) {
    if (r.external) continue;
    wire("Remediate", r, r.inputs, false);
    wire("Analyze", r, remediate(r) ? REMEDIATED : r.inputs, true);
  }
  return out;
}

describe("AnalyzerHost request reuse", () => {
  const world = worldAsHostResources("prod");
  const withProvider = world.find((r) => r.provider);
  const withInternal: HostResource = {
    ...world[1],
    urn: `${world[1].urn}-internal`,
    inputs: { ...world[1].inputs, __meta: "x" },
  };
  const changedProvider: HostResource[] = withProvider?.provider
    ? [
        {
          ...withProvider,
          urn: "urn:pulumi:prod::p::t:i:T::changed",
          provider: { ...withProvider.provider, inputs: { ...withProvider.provider.inputs, changed: 1 } },
        },
      ]
    : [];
  const resources = [...world, withInternal, ...changedProvider, ...world.slice(0, 3)];
  const remediate = (r: HostResource) => r.name.length % 5 === 0;

  it("sends exactly the requests encoded afresh per call", async () => {
    expect(changedProvider).toHaveLength(1);
    expect(resources.some(remediate)).toBe(true);
    const { host, sent } = fakeHost(remediate);
    for (const r of resources) await host.analyzeResource(r);
    expect(sent).toEqual(expectedWire(resources, remediate));
    expect(sent.length).toBeGreaterThan(2 * world.length);
  });
});
