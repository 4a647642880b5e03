/**
 * Hosts a policy pack the way the Pulumi CLI does and drives it over the Analyzer gRPC protocol.
 *
 * Engine behaviour followed (pulumi/pulumi):
 * - launch, env and ConfigureStack: `sdk/go/common/resource/plugin/analyzer_plugin.go` (`NewPolicyAnalyzer`,
 *   `constructEnv`, `constructConfig`) and `PropertyMapToConfig` (`plugin/config.go`);
 * - per-resource Remediate then Analyze, diagnostics always attributed to the analysed resource, `remediate`
 *   downgraded to `mandatory`, reads (`.get()`) never analysed: `pkg/resource/deploy/step_generator.go`;
 * - AnalyzeStack with every registered resource (outputs, parent, dependencies, property dependencies,
 *   provider inputs), a diagnostic URN outside the stack replaced by the root stack URN:
 *   `step_generator.go` `AnalyzeResources`;
 * - property marshalling (`KeepUnknowns`, `KeepSecrets`, top-level `__` keys skipped except for Remediate,
 *   resource references sent as their id): `sdk/go/common/resource/plugin/rpc.go` `MarshalProperties`.
 */
import { ChildProcess, spawn } from "child_process";
import { existsSync, readFileSync } from "fs";
import { createRequire } from "module";
import * as path from "path";
import * as yaml from "js-yaml";
import type * as GrpcModule from "@grpc/grpc-js";
import type * as AnalyzerPbModule from "@pulumi/pulumi/proto/analyzer_pb";
import type * as PluginPbModule from "@pulumi/pulumi/proto/plugin_pb";
import type * as AnalyzerGrpcModule from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as StructPbModule from "google-protobuf/google/protobuf/struct_pb";
import type * as EmptyPbModule from "google-protobuf/google/protobuf/empty_pb";
import { EnforcementLevel, PolicyConfig, PolicyConfigEntry, reconcilePolicyPackConfig } from "./pack-config";
import { HostResource, PropertyMap, SECRET_SIG_KEY, StackIdentity } from "./types";
import {
  ProviderEncodings,
  RESOURCE_REFERENCE_SIG,
  encodeAnalyzeRequest,
  encodeAnalyzeStackRequest,
} from "./wire";

/** run-policy-pack drops this argument; a pack that dials the engine back would fail fast on port 0. */
const DUMMY_ENGINE_ADDRESS = "127.0.0.1:0";
const DEFAULT_START_TIMEOUT_MS = 30_000;
const CLOSE_GRACE_MS = 2_000;
/** The engine's `rpcutil.GrpcChannelOptions` message size limit (400 MiB). */
const MAX_RPC_MESSAGE_BYTES = 400 * 1024 * 1024;
const TAIL_CHARS = 4_000;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNIMPLEMENTED = 12;
const GRPC_UNAVAILABLE = 14;
/** How long a call that lost its connection waits for the pack to finish exiting, to say how it ended. */
const EXIT_REPORT_WAIT_MS = 2_000;

interface Rpc {
  grpc: typeof GrpcModule;
  pb: typeof AnalyzerPbModule;
  services: typeof AnalyzerGrpcModule;
  struct: typeof StructPbModule;
  empty: typeof EmptyPbModule;
}

let rpcModules: Rpc | undefined;

/**
 * gRPC and the generated classes load on first use (importing this module for its types or helpers stays cheap),
 * all from @pulumi/pulumi's own location: a second copy of google-protobuf breaks the generated `instanceof` checks.
 */
function rpc(): Rpc {
  if (rpcModules === undefined) {
    const fromPulumi = createRequire(require.resolve("@pulumi/pulumi/package.json"));
    rpcModules = {
      grpc: fromPulumi("@grpc/grpc-js"),
      pb: fromPulumi("./proto/analyzer_pb"),
      services: fromPulumi("./proto/analyzer_grpc_pb"),
      struct: fromPulumi("google-protobuf/google/protobuf/struct_pb"),
      empty: fromPulumi("google-protobuf/google/protobuf/empty_pb"),
    };
  }
  return rpcModules;
}

export interface AnalyzerPolicyInfo {
  name: string;
  displayName: string;
  description: string;
  message: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
}

export interface AnalyzerInfo {
  name: string;
  displayName: string;
  /** `version` from PulumiPolicy.yaml when set (the CLI prefers it), else the pack's package.json version. */
  version: string;
  supportsConfig: boolean;
  /** Sorted by name, as the CLI sorts them. */
  policies: AnalyzerPolicyInfo[];
  initialConfig: Record<string, PolicyConfig>;
}

export type AnalysisPhase = "remediate" | "analyze" | "analyzeStack";

export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  description: string;
  message: string;
  /** The resource the engine attributes the diagnostic to. */
  urn: string;
  enforcementLevel: EnforcementLevel;
  /** `remediate`: a remediation that could not run (always advisory, as the engine reports it). */
  phase: AnalysisPhase;
}

export type PackStartFailure = "invalid-pack" | "crash" | "garbage" | "timeout";

export class PackStartError extends Error {
  constructor(
    message: string,
    readonly reason: PackStartFailure,
    readonly packDir: string,
    readonly pid: number | undefined,
    readonly stderrTail: string,
  ) {
    super(message);
    this.name = "PackStartError";
  }
}

/** A failed RPC; for Analyze it names the resource, which is when the real CLI fails the preview. */
export class AnalyzerCallError extends Error {
  constructor(
    message: string,
    readonly method: string,
    readonly policyPack: string,
    readonly urn: string | undefined,
    readonly grpcCode: number | undefined,
  ) {
    super(message);
    this.name = "AnalyzerCallError";
  }
}

export interface StartOptions {
  packDir: string;
  identity: StackIdentity;
  /**
   * Decrypted stack config as the CLI passes it: keys `namespace:key`, values strings (objects JSON-encoded;
   * see {@link encodeStackConfig}). Sent as `PULUMI_CONFIG` and in ConfigureStack.
   */
  stackConfig?: Record<string, string>;
  /** Config keys that are secrets (ConfigureStack `configSecretKeys`). */
  stackConfigSecretKeys?: string[];
  /** Start-up budget: spawn, port, connection and the first RPCs. */
  timeoutMs?: number;
  /** Extra environment variables for the pack process (over this process's own, as the CLI passes its own). */
  env?: Record<string, string>;
}

/** Where {@link AnalyzerHost.analyzeAll} has got to: per-resource Analyze calls done, then the one AnalyzeStack. */
export type AnalysisProgress =
  { phase: "analyze"; done: number; total: number } | { phase: "analyzeStack"; total: number };

export interface AnalyzeOptions {
  /** Resources analysed at once; 1 (the default) is the engine's step-generator order. */
  concurrency?: number;
  /** Told before the first Analyze, after each resource and before AnalyzeStack (for a progress display). */
  onProgress?: (progress: AnalysisProgress) => void;
}

/**
 * `PropertyMapToConfig`: a top-level string stays as it is, anything else is JSON-encoded. Use it to turn the
 * `config:` map of a `Pulumi.<stack>.yaml` (plain values, secrets already decrypted) into {@link StartOptions.stackConfig}.
 */
export function encodeStackConfig(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

/** The URN the engine reports stack-level findings against when a diagnostic names no resource of the stack. */
export function defaultRootStackUrn(stack: string, project: string): string {
  return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

interface PackProject {
  version?: string;
  runtimeArgs: string[];
}

function readPackProject(packDir: string): PackProject {
  const file = path.join(packDir, "PulumiPolicy.yaml");
  const fail = (why: string): never => {
    throw new PackStartError(
      `failed to load Pulumi policy project located at "${packDir}": ${why}`,
      "invalid-pack",
      packDir,
      undefined,
      "",
    );
  };
  if (!existsSync(file)) {
    fail("PulumiPolicy.yaml not found");
  }
  let doc: unknown;
  try {
    doc = yaml.load(readFileSync(file, "utf8"));
  } catch (err) {
    fail(`PulumiPolicy.yaml is not valid YAML: ${(err as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null) {
    return fail("PulumiPolicy.yaml is not a mapping");
  }
  const project = doc as Record<string, unknown>;
  const runtime = project.runtime;
  const runtimeName =
    typeof runtime === "object" && runtime !== null ? (runtime as Record<string, unknown>).name : runtime;
  if (runtimeName !== "nodejs") {
    fail(`runtime ${JSON.stringify(runtimeName)} is not supported (only nodejs packs can be hosted)`);
  }
  const options =
    typeof runtime === "object" && runtime !== null
      ? (runtime as Record<string, unknown>).options
      : undefined;
  const runtimeArgs =
    typeof options === "object" && options !== null
      ? Object.entries(options)
          .map(([k, v]) => [k, String(v)])
          .filter(([, v]) => v !== "")
          .map(([k, v]) => `-${k}=${v}`)
      : [];
  const version = typeof project.version === "string" && project.version !== "" ? project.version : undefined;
  return { version, runtimeArgs };
}

function packEnvironment(opts: StartOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  const setIfNonEmpty = (key: string, value: string): void => {
    if (value !== "") {
      env[key] = value;
    }
  };
  const config = opts.stackConfig ?? {};
  if (Object.keys(config).length > 0) {
    env.PULUMI_CONFIG = JSON.stringify(config);
  }
  const { organization, project, stack, dryRun } = opts.identity;
  for (const prefix of ["PULUMI_NODEJS_", "PULUMI_"]) {
    setIfNonEmpty(`${prefix}ORGANIZATION`, organization);
    setIfNonEmpty(`${prefix}PROJECT`, project);
    setIfNonEmpty(`${prefix}STACK`, stack);
    setIfNonEmpty(`${prefix}DRY_RUN`, String(dryRun));
  }
  return env;
}

class OutputTail {
  private text = "";
  append(chunk: string): void {
    this.text = (this.text + chunk).slice(-TAIL_CHARS);
  }
  toString(): string {
    return this.text.trimEnd();
  }
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A host that dies must not leave pack processes behind. */
function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const c of liveChildren) {
        c.kill("SIGKILL");
      }
    });
  }
  liveChildren.add(child);
  child.once("exit", () => liveChildren.delete(child));
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function killChild(child: ChildProcess, graceMs: number): Promise<void> {
  // Without a pid the spawn itself failed: there is no process and no exit event will come.
  if (child.pid === undefined || hasExited(child)) {
    return;
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Resolves when the child has exited and its output is read to the end, or after `ms`, whichever is first. */
function closedWithin(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.pid === undefined || (hasExited(child) && child.stdout?.readableEnded !== false)) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      child.off("close", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    child.once("close", done);
  });
}

function describeExit(child: ChildProcess): string {
  return child.signalCode !== null
    ? `was killed by ${child.signalCode}`
    : `exited with code ${child.exitCode}`;
}

function withTail(message: string, stderr: OutputTail): string {
  const tail = stderr.toString();
  return tail === "" ? `${message} (no stderr output)` : `${message}; stderr:\n${tail}`;
}

/** Reads the first stdout line, which must be the port, as the CLI's plugin loader requires. */
function waitForPort(
  child: ChildProcess,
  packDir: string,
  timeoutMs: number,
  stderr: OutputTail,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let firstLine = "";
    let settled = false;
    const settle = (result: { port: number } | { error: PackStartError }): void => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("close", onClose);
      child.off("error", onError);
      if ("port" in result) {
        resolve(result.port);
      } else {
        reject(result.error);
      }
    };
    const startError = (message: string, reason: PackStartFailure): PackStartError =>
      new PackStartError(withTail(message, stderr), reason, packDir, child.pid, stderr.toString());
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString("utf8");
      const newline = text.indexOf("\n");
      if (newline < 0) {
        firstLine += text;
        return;
      }
      firstLine += text.slice(0, newline);
      const candidate = firstLine.trim();
      const port = /^\d+$/.test(candidate) ? Number(candidate) : NaN;
      if (port > 0 && port < 65536) {
        settle({ port });
      } else {
        settle({
          error: startError(
            `policy pack at "${packDir}" wrote an invalid port to stdout: ${JSON.stringify(candidate.slice(0, 200))}`,
            "garbage",
          ),
        });
      }
    };
    const onClose = (): void => {
      settle({
        error: startError(
          `policy pack at "${packDir}" ${describeExit(child)} before printing its port`,
          "crash",
        ),
      });
    };
    const onError = (err: Error): void => {
      settle({
        error: startError(`policy pack at "${packDir}" could not be started: ${err.message}`, "crash"),
      });
    };
    const timer = setTimeout(() => {
      settle({
        error: startError(
          `policy pack at "${packDir}" did not print its port within ${timeoutMs} ms`,
          "timeout",
        ),
      });
    }, timeoutMs);
    child.stdout?.on("data", onData);
    // "close" rather than "exit": by then stderr has been read to the end, so the tail is complete.
    child.once("close", onClose);
    child.once("error", onError);
  });
}

function levelFromWire(level: number): EnforcementLevel {
  switch (level) {
    case 0:
      return "advisory";
    case 1:
      return "mandatory";
    case 2:
      return "disabled";
    case 3:
      return "remediate";
    default:
      throw new Error(`invalid enforcement level ${level}`);
  }
}

function levelToWire(level: EnforcementLevel): number {
  return { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 }[level];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON-like copy the Struct codec accepts; resource references become their id (or URN), as the engine sends them. */
function toWireValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => (v === undefined ? null : toWireValue(v)));
  }
  if (isRecord(value)) {
    if (value[SECRET_SIG_KEY] === RESOURCE_REFERENCE_SIG) {
      return value.id !== undefined && value.id !== null ? toWireValue(value.id) : value.urn;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) {
        out[k] = toWireValue(v);
      }
    }
    return out;
  }
  return value;
}

/** Whether skipping internal keys (Analyze) drops a top-level key that Remediate sends. */
function hasInternalKeys(props: PropertyMap): boolean {
  for (const [k, v] of Object.entries(props)) {
    if (v !== undefined && k.startsWith("__")) return true;
  }
  return false;
}

function toStruct(props: PropertyMap, skipInternalKeys: boolean): StructPbModule.Struct {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (v !== undefined && !(skipInternalKeys && k.startsWith("__"))) {
      fields[k] = toWireValue(v);
    }
  }
  return rpc().struct.Struct.fromJavaScript(fields as Record<string, StructPbModule.JavaScriptValue>);
}

type Invoke<Res> = (
  metadata: GrpcModule.Metadata,
  options: Partial<GrpcModule.CallOptions>,
  callback: (err: GrpcModule.ServiceError | null, res: Res) => void,
) => unknown;

function unaryCall<Res>(
  invoke: (callback: (err: GrpcModule.ServiceError | null, res: Res) => void) => unknown,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    invoke((err, res) => (err ? reject(err) : resolve(res)));
  });
}

function isServiceError(err: unknown): err is GrpcModule.ServiceError {
  return err instanceof Error && typeof (err as Partial<GrpcModule.ServiceError>).code === "number";
}

export class AnalyzerHost {
  private closing: Promise<void> | undefined;
  /** Start-up RPCs share the start budget; later calls, like the engine's, have no deadline. */
  private startDeadline: number | undefined;
  private analyzerInfo: AnalyzerInfo | undefined;
  private pluginVersionString = "";
  /** Each provider's encoded message, shared by every request that names it. */
  private readonly providers = new ProviderEncodings();

  private constructor(
    private readonly packDir: string,
    private readonly identity: StackIdentity,
    private readonly child: ChildProcess,
    private readonly client: AnalyzerGrpcModule.AnalyzerClient,
    private readonly stderr: OutputTail,
    /** PulumiPolicy.yaml `version`, which the CLI prefers over the pack's own. */
    private readonly projectVersion: string | undefined,
  ) {}

  /**
   * Spawns `node <run-policy-pack> <engine> . [-opt=value...]` in the pack directory (the pack's own
   * @pulumi/pulumi, like the CLI's `pulumi-analyzer-policy` shim), then Handshake, ConfigureStack,
   * GetAnalyzerInfo and GetPluginInfo in the engine's order. Any failure kills the child.
   */
  static async start(opts: StartOptions): Promise<AnalyzerHost> {
    const packDir = path.resolve(opts.packDir);
    const project = readPackProject(packDir);
    let entry: string;
    try {
      entry = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    } catch {
      throw new PackStartError(
        `it looks like the policy pack's dependencies are not installed; try running npm install in "${packDir}"`,
        "invalid-pack",
        packDir,
        undefined,
        "",
      );
    }
    const timeoutMs = opts.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    const child = spawn(process.execPath, [entry, DUMMY_ENGINE_ADDRESS, ".", ...project.runtimeArgs], {
      cwd: packDir,
      env: packEnvironment(opts),
      stdio: ["ignore", "pipe", "pipe"],
    });
    track(child);
    const stderr = new OutputTail();
    child.stderr?.on("data", (chunk: Buffer) => stderr.append(chunk.toString("utf8")));

    let client: AnalyzerGrpcModule.AnalyzerClient | undefined;
    try {
      const port = await waitForPort(child, packDir, timeoutMs, stderr);
      // Later pack output (console.log in policies) must keep draining or the child blocks on a full pipe.
      child.stdout?.resume();
      const { grpc, services } = rpc();
      client = new services.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
        "grpc.max_receive_message_length": MAX_RPC_MESSAGE_BYTES,
        "grpc.max_send_message_length": MAX_RPC_MESSAGE_BYTES,
      });
      await AnalyzerHost.connect(client, child, packDir, deadline, stderr);
      const host = new AnalyzerHost(packDir, opts.identity, child, client, stderr, project.version);
      host.startDeadline = deadline;
      await host.handshake();
      await host.configureStack(opts);
      host.analyzerInfo = await host.fetchAnalyzerInfo();
      host.pluginVersionString = await host.fetchPluginVersion();
      host.startDeadline = undefined;
      return host;
    } catch (err) {
      client?.close();
      await killChild(child, 0);
      if (err instanceof AnalyzerCallError && err.grpcCode === GRPC_DEADLINE_EXCEEDED) {
        throw new PackStartError(
          withTail(`policy pack at "${packDir}" did not answer ${err.method} within ${timeoutMs} ms`, stderr),
          "timeout",
          packDir,
          child.pid,
          stderr.toString(),
        );
      }
      if (err instanceof PackStartError || err instanceof AnalyzerCallError) {
        throw err;
      }
      throw new PackStartError(
        withTail(`policy pack at "${packDir}" failed to start: ${(err as Error).message}`, stderr),
        "crash",
        packDir,
        child.pid,
        stderr.toString(),
      );
    }
  }

  private static connect(
    client: AnalyzerGrpcModule.AnalyzerClient,
    child: ChildProcess,
    packDir: string,
    deadline: number,
    stderr: OutputTail,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      client.waitForReady(deadline, (err) => {
        if (!err) {
          resolve();
          return;
        }
        const crashed = hasExited(child);
        const message = crashed
          ? `policy pack at "${packDir}" ${describeExit(child)} before accepting connections`
          : `could not connect to policy pack at "${packDir}": ${err.message}`;
        reject(
          new PackStartError(
            withTail(message, stderr),
            crashed ? "crash" : "timeout",
            packDir,
            child.pid,
            stderr.toString(),
          ),
        );
      });
    });
  }

  /** Process id of the pack, for diagnostics and tests. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  info(): AnalyzerInfo {
    if (this.analyzerInfo === undefined) {
      throw new Error("AnalyzerHost.info() called before start() completed");
    }
    return this.analyzerInfo;
  }

  /** The @pulumi/policy version the pack reports (GetPluginInfo). */
  pluginVersion(): string {
    return this.pluginVersionString;
  }

  private get packLabel(): string {
    return this.analyzerInfo ? `${this.analyzerInfo.name}@v${this.packVersion}` : this.packDir;
  }

  private get packVersion(): string {
    return this.projectVersion ?? this.analyzerInfo?.version ?? "";
  }

  private async call<Res>(method: string, urn: string | undefined, invoke: Invoke<Res>): Promise<Res> {
    const options = this.startDeadline === undefined ? {} : { deadline: this.startDeadline };
    try {
      return await unaryCall<Res>((callback) => invoke(new (rpc().grpc.Metadata)(), options, callback));
    } catch (err) {
      const code = isServiceError(err) ? err.code : undefined;
      if (code === GRPC_UNAVAILABLE) {
        // A dropped connection usually means the pack is dying; its exit event may come a moment later.
        await closedWithin(this.child, EXIT_REPORT_WAIT_MS);
      }
      const detail = isServiceError(err) ? err.details || err.message : (err as Error).message;
      const subject = urn === undefined ? "" : ` for ${urn}`;
      let message = `policy pack ${this.packLabel}: ${method}${subject} failed: ${detail}`;
      if (hasExited(this.child)) {
        message = withTail(`${message} (the pack process ${describeExit(this.child)})`, this.stderr);
      }
      throw new AnalyzerCallError(message, method, this.packLabel, urn, code);
    }
  }

  private async tolerateUnimplemented(request: Promise<unknown>): Promise<void> {
    try {
      await request;
    } catch (err) {
      if (!(err instanceof AnalyzerCallError && err.grpcCode === GRPC_UNIMPLEMENTED)) {
        throw err;
      }
    }
  }

  private async handshake(): Promise<void> {
    const req = new (rpc().pb.AnalyzerHandshakeRequest)();
    req.setEngineAddress(DUMMY_ENGINE_ADDRESS);
    // The CLI gives the PulumiPolicy.yaml directory as both root and program directory.
    req.setRootDirectory(this.packDir);
    req.setProgramDirectory(this.packDir);
    await this.tolerateUnimplemented(
      this.call("Handshake", undefined, (md, o, cb) => this.client.handshake(req, md, o, cb)),
    );
  }

  private async configureStack(opts: StartOptions): Promise<void> {
    const req = new (rpc().pb.AnalyzerStackConfigureRequest)();
    req.setStack(this.identity.stack);
    req.setProject(this.identity.project);
    req.setOrganization(this.identity.organization);
    req.setDryRun(this.identity.dryRun);
    for (const [k, v] of Object.entries(opts.stackConfig ?? {})) {
      req.getConfigMap().set(k, v);
    }
    req.setConfigSecretKeysList(opts.stackConfigSecretKeys ?? []);
    for (const [k, v] of Object.entries(this.identity.tags)) {
      req.getTagsMap().set(k, v);
    }
    await this.tolerateUnimplemented(
      this.call("ConfigureStack", undefined, (md, o, cb) => this.client.configureStack(req, md, o, cb)),
    );
  }

  private async fetchAnalyzerInfo(): Promise<AnalyzerInfo> {
    const res = await this.call<AnalyzerPbModule.AnalyzerInfo>("GetAnalyzerInfo", undefined, (md, o, cb) =>
      this.client.getAnalyzerInfo(new (rpc().empty.Empty)(), md, o, cb),
    );
    const policies: AnalyzerPolicyInfo[] = res.getPoliciesList().map((p) => {
      // The CLI ignores config schemas of packs that do not declare config support.
      const schema = res.getSupportsconfig() ? p.getConfigschema() : undefined;
      return {
        name: p.getName(),
        displayName: p.getDisplayname(),
        description: p.getDescription(),
        message: p.getMessage(),
        enforcementLevel: levelFromWire(p.getEnforcementlevel()),
        ...(schema && {
          configSchema: {
            properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<
              string,
              Record<string, unknown>
            >,
            required: schema.getRequiredList(),
          },
        }),
      };
    });
    policies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const initialConfig: Record<string, PolicyConfig> = {};
    res.getInitialconfigMap().forEach((config, name) => {
      // Like the CLI, an initial config that sets only properties carries the wire default level (advisory).
      initialConfig[name] = {
        enforcementLevel: levelFromWire(config.getEnforcementlevel()),
        properties: config.getProperties()?.toJavaScript() ?? {},
      };
    });
    return {
      name: res.getName(),
      displayName: res.getDisplayname(),
      version: this.projectVersion ?? res.getVersion(),
      supportsConfig: res.getSupportsconfig(),
      policies,
      initialConfig,
    };
  }

  private async fetchPluginVersion(): Promise<string> {
    const res = await this.call<PluginPbModule.PluginInfo>("GetPluginInfo", undefined, (md, o, cb) =>
      this.client.getPluginInfo(new (rpc().empty.Empty)(), md, o, cb),
    );
    return res.getVersion();
  }

  /** Sends the reconciled policy config; like the CLI, an empty config sends nothing. */
  async configure(config: Record<string, PolicyConfig>): Promise<void> {
    if (Object.keys(config).length === 0) {
      return;
    }
    const { pb } = rpc();
    const req = new pb.ConfigureAnalyzerRequest();
    for (const [name, entry] of Object.entries(config)) {
      const wire = new pb.PolicyConfig();
      wire.setEnforcementlevel(levelToWire(entry.enforcementLevel));
      wire.setProperties(toStruct(entry.properties, false));
      req.getPolicyconfigMap().set(name, wire);
    }
    await this.call("Configure", undefined, (md, o, cb) => this.client.configure(req, md, o, cb));
  }

  /**
   * Remediate then Analyze for each resource (inputs), then one AnalyzeStack (outputs). Diagnostics come back
   * in resource order whatever the concurrency, stack-level ones last.
   */
  async analyzeAll(resources: readonly HostResource[], opts: AnalyzeOptions = {}): Promise<Diagnostic[]> {
    const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 1));
    const total = resources.length;
    const perResource: Diagnostic[][] = new Array(total);
    let next = 0;
    let done = 0;
    opts.onProgress?.({ phase: "analyze", done, total });
    const worker = async (): Promise<void> => {
      while (next < total) {
        const index = next++;
        perResource[index] = await this.analyzeResource(resources[index]);
        opts.onProgress?.({ phase: "analyze", done: ++done, total });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
    opts.onProgress?.({ phase: "analyzeStack", total });
    const stack = await this.analyzeStack(resources);
    return [...perResource.flat(), ...stack];
  }

  /**
   * A unary call with a request already encoded by `wire.ts` (the generated client would serialize a message
   * object); the response is decoded by the generated class, as before.
   */
  private encodedCall<Res>(method: "remediate" | "analyze" | "analyzeStack", request: Buffer): Invoke<Res> {
    const definition = rpc().services.AnalyzerService[method];
    return (metadata, options, callback) =>
      this.client.makeUnaryRequest<Buffer, Res>(
        definition.path,
        (bytes) => bytes,
        definition.responseDeserialize as (bytes: Buffer) => Res,
        request,
        metadata,
        options,
        (err, res) => callback(err, res as Res),
      );
  }

  private diagnostic(d: AnalyzerPbModule.AnalyzeDiagnostic, urn: string, phase: AnalysisPhase): Diagnostic {
    const level = levelFromWire(d.getEnforcementlevel());
    return {
      policyName: d.getPolicyname(),
      policyPackName: d.getPolicypackname(),
      policyPackVersion: this.projectVersion ?? d.getPolicypackversion(),
      description: d.getDescription(),
      message: d.getMessage(),
      urn,
      enforcementLevel: level === "remediate" ? "mandatory" : level,
      phase,
    };
  }

  private async analyzeResource(r: HostResource): Promise<Diagnostic[]> {
    if (r.external) {
      return [];
    }
    const diagnostics: Diagnostic[] = [];
    let inputs = r.inputs;
    const remediateRequest = encodeAnalyzeRequest(r, inputs, false, this.providers);
    const remediation = await this.call<AnalyzerPbModule.RemediateResponse>(
      "Remediate",
      r.urn,
      this.encodedCall("remediate", remediateRequest),
    );
    for (const result of remediation.getRemediationsList()) {
      const properties = result.getProperties();
      if (result.getDiagnostic() !== "") {
        diagnostics.push({
          policyName: result.getPolicyname(),
          policyPackName: result.getPolicypackname(),
          policyPackVersion: this.projectVersion ?? result.getPolicypackversion(),
          description: result.getDescription(),
          message: result.getDiagnostic(),
          urn: r.urn,
          enforcementLevel: "advisory",
          phase: "remediate",
        });
      } else if (properties !== undefined) {
        inputs = properties.toJavaScript();
      }
    }
    // Analyze sends the same request unless a remediation changed the inputs or top-level `__` keys must go:
    // built once, the resource's Struct (the host's main cost per call) is not converted twice.
    const analyzeRequest =
      inputs === r.inputs && !hasInternalKeys(inputs)
        ? remediateRequest
        : encodeAnalyzeRequest(r, inputs, true, this.providers);
    const analysis = await this.call<AnalyzerPbModule.AnalyzeResponse>(
      "Analyze",
      r.urn,
      this.encodedCall("analyze", analyzeRequest),
    );
    for (const d of analysis.getDiagnosticsList()) {
      diagnostics.push(this.diagnostic(d, r.urn, "analyze"));
    }
    return diagnostics;
  }

  private async analyzeStack(resources: readonly HostResource[]): Promise<Diagnostic[]> {
    const req = encodeAnalyzeStackRequest(resources, this.providers);
    let res: AnalyzerPbModule.AnalyzeResponse;
    try {
      res = await this.call("AnalyzeStack", undefined, this.encodedCall("analyzeStack", req));
    } catch (err) {
      // The CLI skips packs too old to implement AnalyzeStack.
      if (err instanceof AnalyzerCallError && err.grpcCode === GRPC_UNIMPLEMENTED) {
        return [];
      }
      throw err;
    }
    const known = new Set(resources.map((r) => r.urn));
    const rootUrn = defaultRootStackUrn(this.identity.stack, this.identity.project);
    return res
      .getDiagnosticsList()
      .map((d) => this.diagnostic(d, known.has(d.getUrn()) ? d.getUrn() : rootUrn, "analyzeStack"));
  }

  /** Closes the connection and stops the pack (SIGTERM, then SIGKILL after a grace period). Idempotent. */
  close(): Promise<void> {
    if (this.closing === undefined) {
      this.client.close();
      this.closing = killChild(this.child, CLOSE_GRACE_MS);
    }
    return this.closing;
  }
}

export interface RunPolicyPackOptions extends StartOptions, AnalyzeOptions {
  /** A parsed `--policy-pack-config` (see `parsePolicyPackConfig`), applied after defaults and initial config. */
  packConfig?: Record<string, PolicyConfigEntry>;
  resources: readonly HostResource[];
}

export interface PolicyPackRun {
  info: AnalyzerInfo;
  /** What was sent in Configure. */
  config: Record<string, PolicyConfig>;
  diagnostics: Diagnostic[];
}

/** Start, reconcile and send the config, analyse every resource and the stack, and always stop the pack. */
export async function runPolicyPack(opts: RunPolicyPackOptions): Promise<PolicyPackRun> {
  const host = await AnalyzerHost.start(opts);
  try {
    const info = host.info();
    const config = reconcilePolicyPackConfig(info.policies, info.initialConfig, opts.packConfig);
    await host.configure(config);
    const diagnostics = await host.analyzeAll(opts.resources, opts);
    return { info, config, diagnostics };
  } finally {
    await host.close();
  }
}
