/**
 * Builds the served policy pack. Besides creating the policies, it hooks the pack's Configure RPC:
 * @pulumi/policy hands checks the configured options but not the configured enforcement level, and
 * per-stack resolution needs that level (the `all` key and per-rule levels of the pack config). The hook
 * also validates the configuration and fails Configure with a message naming the key.
 */
import * as path from "path";
import { PolicyPack } from "@pulumi/policy";
import { ConfigError } from "../model/config";
import type { Rule } from "../model/rule";
import { createPolicies } from "./policies";
import { GuardrailsRuntime, RuntimeOptions } from "./runtime";
import { shareDeserializedProperties } from "./shared-props";

const LEVEL_BY_ENUM: Record<number, string> = {
  0: "advisory",
  1: "mandatory",
  2: "disabled",
  3: "remediate",
};

interface PolicyConfigMessage {
  getEnforcementlevel(): number;
  getProperties(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface ConfigureCall {
  request: { getPolicyconfigMap(): { entries(): Iterable<[string, PolicyConfigMessage]> } };
}
type Callback = (error: unknown, response?: unknown) => void;
type Handler = (call: ConfigureCall, callback: Callback) => void;
/** The generated service definition: `remediate.responseType` is the SDK's own `RemediateResponse` class. */
interface AnalyzerServiceDefinition {
  remediate?: { responseType?: new () => unknown };
}
interface GrpcModule {
  Server: { prototype: { addService(service: unknown, implementation: Record<string, Handler>): void } };
  status: { INVALID_ARGUMENT: number };
}

/** The @grpc/grpc-js instance @pulumi/policy serves with (resolved from its location, not ours). */
function policyGrpc(): GrpcModule {
  const policyDir = path.dirname(require.resolve("@pulumi/policy"));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve("@grpc/grpc-js", { paths: [policyDir] })) as GrpcModule;
}

function withConfigureHook(runtime: GuardrailsRuntime, serve: () => PolicyPack): PolicyPack {
  const grpc = policyGrpc();
  const proto = grpc.Server.prototype;
  const original = proto.addService;
  proto.addService = function (this: unknown, service: unknown, implementation: Record<string, Handler>) {
    proto.addService = original;
    const configure = implementation.configure;
    const remediate = implementation.remediate as Handler | undefined;
    /** Whether the engine's config sets any policy to `remediate` (only then can the SDK's Remediate differ). */
    let remediateConfigured = false;
    const hooked: Handler = (call, callback) => {
      let remediateRequested = false;
      try {
        const policies: Record<string, { enforcementLevel?: string; properties: Record<string, unknown> }> =
          {};
        for (const [name, config] of call.request.getPolicyconfigMap().entries()) {
          if (LEVEL_BY_ENUM[config.getEnforcementlevel()] === "remediate") remediateRequested = true;
          policies[name] = {
            enforcementLevel: LEVEL_BY_ENUM[config.getEnforcementlevel()],
            properties: config.getProperties()?.toJavaScript() ?? {},
          };
        }
        runtime.configure(policies);
      } catch (error) {
        const message =
          error instanceof ConfigError ? error.message : `invalid configuration: ${String(error)}`;
        callback({ code: grpc.status.INVALID_ARGUMENT, details: message, message });
        return;
      }
      configure(call, (error, response) => {
        if (!error) remediateConfigured = remediateRequested;
        callback(error, response);
      });
    };
    // Performance: no policy of this pack remediates (createPolicies defines no remediateResource) and none is
    // declared at level `remediate`, so unless the config sets one to `remediate`, the SDK's Remediate answers
    // the empty response every time, after deserializing the resource's properties for nothing. The engine calls
    // Remediate before every Analyze; answering it directly saves that work. With a `remediate` level configured,
    // the SDK answers (it reports "not applicable" for such policies).
    const Empty = (service as AnalyzerServiceDefinition).remediate?.responseType;
    const remediateFast: Handler = (call, callback) => {
      if (remediateConfigured || !Empty) {
        remediate!(call, callback);
        return;
      }
      callback(null, new Empty());
    };
    return original.call(this, service, {
      ...implementation,
      configure: hooked,
      ...(remediate ? { remediate: remediateFast } : {}),
    });
  };
  try {
    return serve();
  } finally {
    proto.addService = original;
  }
}

export interface CreatePolicyPackOptions extends Partial<RuntimeOptions> {
  /** Pack name as Pulumi shows it; defaults to `aks-guardrails`. */
  name?: string;
}

/** Starts serving the pack (one per process, as @pulumi/policy requires). */
export function createPolicyPack(rules: readonly Rule[], options: CreatePolicyPackOptions = {}): PolicyPack {
  const runtime = new GuardrailsRuntime({ ...options, rules });
  const policies = createPolicies(rules, { runtime });
  // One deserialization per resource per request instead of one per policy (see shared-props.ts).
  shareDeserializedProperties();
  return withConfigureHook(runtime, () => new PolicyPack(options.name ?? "aks-guardrails", { policies }));
}
