/**
 * AnalyzerHost builds each resource's request once for Remediate and Analyze, and each provider's message once:
 * what goes on the wire must be exactly what building every request afresh sends (the seed world, with a
 * top-level `__` key, a remediation that changes the inputs, and a provider whose inputs object changes).
 */
import { AnalyzerHost } from "../../src/host/analyzer-client";
import type { HostResource } from "../../src/host/types";
import { worldAsHostResources } from "../support/seeds";

interface WireMessage {
  serializeBinary(): Uint8Array;
}
type Callback = (err: null, res: unknown) => void;
interface HostInternals {
  client: Record<string, (req: WireMessage, md: unknown, o: unknown, cb: Callback) => void>;
  packDir: string;
  child: { exitCode: number | null; signalCode: string | null };
  providerMessages: Map<string, unknown>;
  analyzeResource(r: HostResource): Promise<unknown[]>;
  analyzeRequest(r: HostResource, props: Record<string, unknown>, skipInternalKeys: boolean): WireMessage;
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
  host.providerMessages = new Map();
  let current: HostResource | undefined;
  const record = (method: string, req: WireMessage) =>
    sent.push(`${method} ${Buffer.from(req.serializeBinary()).toString("base64")}`);
  host.client = {
    remediate: (req, _md, _o, cb) => {
      record("Remediate", req);
      const res = new pb.RemediateResponse();
      if (current && remediate(current)) {
        const remediation = new pb.Remediation();
        remediation.setPolicyname("fix");
        remediation.setProperties(Struct.fromJavaScript(REMEDIATED));
        res.setRemediationsList([remediation]);
      }
      cb(null, res);
    },
    analyze: (req, _md, _o, cb) => {
      record("Analyze", req);
      cb(null, new pb.AnalyzeResponse());
    },
  };
  const analyze = host.analyzeResource.bind(host);
  host.analyzeResource = (r) => {
    current = r;
    return analyze(r);
  };
  return { host, sent };
}

/** What the host sent before it reused requests: every request built afresh, no cached provider message. */
function expectedWire(resources: readonly HostResource[], remediate: (r: HostResource) => boolean): string[] {
  const { host } = fakeHost(remediate);
  const out: string[] = [];
  const wire = (method: string, m: WireMessage) =>
    out.push(`${method} ${Buffer.from(m.serializeBinary()).toString("base64")}`);
  for (const r of resources) {
    if (r.external) continue;
    host.providerMessages.clear();
    wire("Remediate", host.analyzeRequest(r, r.inputs, false));
    host.providerMessages.clear();
    wire("Analyze", host.analyzeRequest(r, remediate(r) ? REMEDIATED : r.inputs, true));
  }
  return out;
}

describe("AnalyzerHost request reuse", () => {
  const world = worldAsHostResources("prod");
  const withInternal: HostResource = {
    ...world[1],
    urn: `${world[1].urn}-internal`,
    inputs: { ...world[1].inputs, __meta: "x" },
  };
  const provider = world.find((r) => r.provider)?.provider;
  const changedProvider: HostResource[] = provider
    ? [
        {
          ...world.find((r) => r.provider)!,
          urn: "urn:pulumi:prod::p::t:i:T::changed",
          provider: { ...provider, inputs: { ...provider.inputs, changed: 1 } },
        },
      ]
    : [];
  const resources = [...world, withInternal, ...changedProvider, ...world.slice(0, 3)];
  const remediate = (r: HostResource) => r.name.length % 5 === 0;

  it("sends exactly the requests built afresh per call", async () => {
    expect(provider).toBeDefined();
    const { host, sent } = fakeHost(remediate);
    for (const r of resources) await host.analyzeResource(r);
    expect(sent).toEqual(expectedWire(resources, remediate));
    expect(sent.length).toBeGreaterThan(2 * world.length);
  });
});
