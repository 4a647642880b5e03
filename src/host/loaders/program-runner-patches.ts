/**
 * Speed patches of `@pulumi/pulumi` internals for the offline program runner (program-runner.ts). None changes
 * what a registration carries that the loader captures (type, name, parent, inputs, dependencies, property
 * dependencies, provider, aliases): they remove work whose only product is diagnostics for a real deployment,
 * or defer work nobody may ever ask for.
 *
 * Every patch checks the shape of what it replaces (the function exists and its source still reads as in the
 * versions it was written against, @pulumi/pulumi 3.248) and is skipped otherwise: the runner then takes the
 * SDK's own path, which is slower but equally correct, and the loader reports a note saying which patch was
 * skipped and why.
 */

import * as fs from "fs";
import nodeModule from "module";

/** How the runner resolves modules: the program's own `@pulumi/pulumi` copy must be the one patched. */
export type ModuleRequire = (id: string) => unknown;

/** Settles one property of a resource, as the SDK's `transferProperties` resolvers do. */
type PropertyResolver = (
  v: unknown,
  isKnown: boolean,
  isSecret: boolean,
  deps?: unknown[],
  err?: Error,
) => void;

type OutputConstructor = new (
  resources: unknown,
  promise: Promise<unknown>,
  isKnown: Promise<boolean>,
  isSecret: Promise<boolean>,
  allResources: Promise<unknown>,
) => unknown;

interface RpcModule {
  transferProperties: (onto: object, label: string, props: Record<string, unknown>) => unknown;
}

interface PatchOutcome {
  /** Names of the patches in place. */
  applied: string[];
  /** One line per patch that was skipped: which, and why. */
  notes: string[];
}

/** Whether `fn` is a function whose source still contains every marker (the shape a patch was written for). */
function hasShape(fn: unknown, markers: string[]): fn is (...args: never[]) => unknown {
  if (typeof fn !== "function") return false;
  const source = Function.prototype.toString.call(fn);
  return markers.every((marker) => source.includes(marker));
}

/**
 * Every SDK promise captures a formatted stack trace for leak diagnostics (runtime/debuggable.js) and is
 * tracked in a leak set until it settles; with ~50 output properties per azure-native resource that was most of
 * the run time. Leak reports are meaningless here: the runner waits for every RPC and then exits.
 */
function noPromiseLeakTracking(pulumiRequire: ModuleRequire): string | undefined {
  const debuggable = pulumiRequire("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise?: unknown };
  if (!hasShape(debuggable.debuggablePromise, ["leakCandidates", "_debugStackTrace"])) {
    return "runtime/debuggable.js debuggablePromise";
  }
  debuggable.debuggablePromise = (p: unknown) => p;
  return undefined;
}

/**
 * The Resource constructor captures the whole call stack (Error.stackTraceLimit = Infinity), parses it and
 * turns every frame into a file URL, for the engine's source positions. The loader captures neither.
 */
function noSourcePositions(pulumiRequire: ModuleRequire): string | undefined {
  const { Resource } = pulumiRequire("@pulumi/pulumi/resource") as { Resource?: { stackTrace?: unknown } };
  if (Resource === undefined || !hasShape(Resource.stackTrace, ["callsites", "pathToFileURL"])) {
    return "resource.js Resource.stackTrace";
  }
  Resource.stackTrace = () => [];
  return undefined;
}

/**
 * `transferProperties` gives every output property of a resource an Output built on four pending promises,
 * and OutputImpl chains ~8 more on them: ~50 Outputs and ~600 promises and closures per azure-native resource,
 * nearly all of which no program ever reads, and which live until the registration answers. Here a property
 * becomes a getter that builds the SDK's Output on first read: before the registration answers, exactly as the
 * SDK does (pending promises that the resolver settles later); after, on promises already settled with what the
 * resolver received. A failed registration builds and rejects every Output at once, as the SDK does.
 */
function lazyOutputProperties(pulumiRequire: ModuleRequire): string | undefined {
  const rpc = pulumiRequire("@pulumi/pulumi/runtime/rpc") as Partial<RpcModule>;
  const { Output } = pulumiRequire("@pulumi/pulumi/output") as { Output?: unknown };
  const { isGrpcError } = pulumiRequire("@pulumi/pulumi/errors") as { isGrpcError?: unknown };
  const markers = [
    "resolvers[k] = (v, isKnown, isSecret, deps = [], err) =>",
    "isGrpcError(err)",
    "onto[k] = new output_1.Output(onto, debuggable_1.debuggablePromise(",
  ];
  if (
    !hasShape(rpc.transferProperties, markers) ||
    typeof Output !== "function" ||
    Output.length !== 5 ||
    typeof isGrpcError !== "function"
  ) {
    return "runtime/rpc.js transferProperties";
  }
  const lazy = new LazyOutputs(Output as OutputConstructor, isGrpcError as (err: unknown) => boolean);
  rpc.transferProperties = (onto, label, props) => {
    const resolvers: Record<string, PropertyResolver> = {};
    for (const key of Object.keys(props)) {
      if (key === "id" || key === "urn") continue;
      if (Object.prototype.hasOwnProperty.call(onto, key)) {
        throw new Error(`Property '${key}' is already initialized on target '${label}`);
      }
      resolvers[key] = lazy.define(onto, key);
    }
    return resolvers;
  };
  return undefined;
}

/** The state of one lazy output property. */
interface LazySlot {
  owner: object;
  /** What the resolver received, until an Output is built from it. */
  settled?: { value: unknown; isKnown: boolean; isSecret: boolean; deps: unknown[] };
  /** The pending Output's settlers, when it was read before the registration answered. */
  pending?: { resolve: (values: unknown[]) => void; reject: (err: Error) => void };
  built: boolean;
}

/** Where a resource keeps its lazy slots (non-enumerable, so nothing that walks a resource's properties sees it). */
const SLOTS = Symbol("aks-guardrails lazy output slots");

type WithSlots = { [SLOTS]?: Record<string, LazySlot> };

/**
 * The getters are shared by every resource (one pair per property name, `this` is the resource), so a property
 * costs its slot and its resolver: ~50 properties × 1,000 resources are alive until their registrations answer.
 */
class LazyOutputs {
  private readonly accessors = new Map<string, PropertyDescriptor>();

  constructor(
    private readonly Output: OutputConstructor,
    private readonly isGrpcError: (err: unknown) => boolean,
  ) {}

  /** Defines the getter of `onto[key]` and returns its resolver. */
  define(onto: object, key: string): PropertyResolver {
    const holder = onto as WithSlots;
    let slots = holder[SLOTS];
    if (slots === undefined) {
      slots = {};
      Object.defineProperty(onto, SLOTS, { value: slots });
    }
    const slot: LazySlot = { owner: onto, built: false };
    slots[key] = slot;
    Object.defineProperty(onto, key, this.accessor(key));
    return (value, isKnown, isSecret, deps = [], err) => {
      if (err) {
        // As the SDK: an RPC error leaves the Output pending (the runtime is shutting down); any other rejects it.
        if (this.isGrpcError(err)) return;
        if (!slot.built) this.read(slot, key);
        slot.pending?.reject(err);
      } else if (slot.pending !== undefined) {
        slot.pending.resolve([value, isKnown, isSecret, deps]);
      } else if (!slot.built) {
        slot.settled = { value, isKnown, isSecret, deps };
      }
    };
  }

  private accessor(key: string): PropertyDescriptor {
    let descriptor = this.accessors.get(key);
    if (descriptor === undefined) {
      const read = (slot: LazySlot): unknown => this.read(slot, key);
      descriptor = {
        enumerable: true,
        configurable: true,
        get(this: WithSlots) {
          const slot = this[SLOTS]?.[key];
          return slot === undefined ? undefined : read(slot);
        },
        set(this: object, value: unknown) {
          const slot = (this as WithSlots)[SLOTS]?.[key];
          if (slot?.owner === this) slot.built = true;
          defineValue(this, key, value);
        },
      };
      this.accessors.set(key, descriptor);
    }
    return descriptor;
  }

  /** Builds the slot's Output (once) and makes it the property's plain value. */
  private read(slot: LazySlot, key: string): unknown {
    const output = this.build(slot);
    defineValue(slot.owner, key, output);
    return output;
  }

  private build(slot: LazySlot): unknown {
    slot.built = true;
    const { settled } = slot;
    if (settled !== undefined) {
      slot.settled = undefined;
      return new this.Output(
        slot.owner,
        Promise.resolve(settled.value),
        Promise.resolve(settled.isKnown),
        Promise.resolve(settled.isSecret),
        Promise.resolve(settled.deps),
      );
    }
    const settlers: ((value: unknown) => void)[] = [];
    const rejecters: ((err: Error) => void)[] = [];
    const promise = <T>(): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        settlers.push(resolve as (value: unknown) => void);
        rejecters.push(reject);
      });
    const output = new this.Output(slot.owner, promise(), promise<boolean>(), promise<boolean>(), promise());
    slot.pending = {
      resolve: (values) => settlers.forEach((resolve, index) => resolve(values[index])),
      reject: (err) => rejecters.forEach((reject) => reject(err)),
    };
    return output;
  }
}

function defineValue(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The parts of MockMonitor (runtime/mocks.js) that {@link directMockResponses} uses. */
interface MockMonitorInstance {
  mocks: {
    newResource(args: {
      type: string;
      name: string;
      inputs: unknown;
      provider: string;
      custom: boolean;
      id: string;
    }): Promise<{ id?: string; state: unknown }> | { id?: string; state: unknown };
  };
  newUrn(parent: string, type: string, name: string): string;
  resources: Map<string, { urn: string; id: string | null; state: unknown }>;
}

/** The RegisterResourceRequest getters the mock reads. */
interface MockRegistration {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getCustom(): boolean;
  getImportid(): string;
  getObject(): unknown;
}

/**
 * MockMonitor answers a registration with a protobuf Struct built from the mock's state, which the SDK at once
 * converts back to JavaScript (runtime/resource.js `resolveOutputs` only calls its `toJavaScript`). This does
 * what MockMonitor.registerResource does and answers with the state itself, in the duck-typed response the SDK
 * builds when it has no monitor: two conversions of every resource's properties saved.
 */
function directMockResponses(pulumiRequire: ModuleRequire): string | undefined {
  const { MockMonitor } = pulumiRequire("@pulumi/pulumi/runtime/mocks") as {
    MockMonitor?: { prototype: { registerResource?: unknown } };
  };
  const rpc = pulumiRequire("@pulumi/pulumi/runtime/rpc") as {
    serializeProperties?: unknown;
    deserializeProperties?: unknown;
  };
  const markers = [
    "this.mocks.newResource({",
    "inputs: rpc_1.deserializeProperties(req.getObject()),",
    "const urn = this.newUrn(req.getParent(), req.getType(), req.getName());",
    'const serializedState = await rpc_1.serializeProperties("", result.state);',
    "this.resources.set(urn, { urn, id: result.id ?? null, state: serializedState });",
    "response.setObject(structproto.Struct.fromJavaScript(serializedState));",
  ];
  const prototype = MockMonitor?.prototype;
  if (
    prototype === undefined ||
    !hasShape(prototype.registerResource, markers) ||
    typeof rpc.serializeProperties !== "function" ||
    typeof rpc.deserializeProperties !== "function"
  ) {
    return "runtime/mocks.js MockMonitor.registerResource";
  }
  const serializeProperties = rpc.serializeProperties as (label: string, props: unknown) => Promise<unknown>;
  const deserializeProperties = rpc.deserializeProperties as (struct: unknown) => unknown;
  prototype.registerResource = async function (
    this: MockMonitorInstance,
    req: MockRegistration,
    callback: (err: unknown, resp: unknown) => void,
  ): Promise<void> {
    try {
      const result = await this.mocks.newResource({
        type: req.getType(),
        name: req.getName(),
        inputs: deserializeProperties(req.getObject()),
        provider: req.getProvider(),
        custom: req.getCustom(),
        id: req.getImportid(),
      });
      const urn = this.newUrn(req.getParent(), req.getType(), req.getName());
      const serializedState = await serializeProperties("", result.state);
      this.resources.set(urn, { urn, id: result.id ?? null, state: serializedState });
      const id = result.id || "";
      callback(null, {
        getUrn: () => urn,
        getId: () => id,
        getObject: () => ({ toJavaScript: () => serializedState }),
        getPropertydependenciesMap: () => undefined,
        getResult: () => 0,
      });
    } catch (err) {
      callback(err, undefined);
    }
  };
  return undefined;
}

const PATCHES: [name: string, apply: (pulumiRequire: ModuleRequire) => string | undefined][] = [
  ["no promise leak tracking", noPromiseLeakTracking],
  ["no source positions", noSourcePositions],
  ["lazy output properties", lazyOutputProperties],
  ["direct mock responses", directMockResponses],
];

/**
 * Applies every patch whose target still has the expected shape; each one skipped yields a note (the run stays
 * correct, only slower).
 */
export function applyRuntimePatches(pulumiRequire: ModuleRequire): PatchOutcome {
  const outcome: PatchOutcome = { applied: [], notes: [] };
  for (const [name, apply] of PATCHES) {
    let mismatch: string | undefined;
    try {
      mismatch = apply(pulumiRequire);
    } catch (error) {
      // A module that is missing or laid out differently: the same as a function of another shape.
      mismatch = error instanceof Error ? error.message : String(error);
    }
    if (mismatch === undefined) {
      outcome.applied.push(name);
    } else {
      outcome.notes.push(
        `@pulumi/pulumi internals differ from the version this loader was written for (${mismatch}): ` +
          `"${name}" not applied; the program runs on the SDK's own, slower path`,
      );
    }
  }
  return outcome;
}

type ModuleLoad = (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown;

/**
 * `@pulumi/pulumi` loads npm's dependency-tree library (`@npmcli/arborist`, with pacote, sigstore and an HTTP
 * cache) and `normalize-package-data` at start-up, for one use: finding the packages a serialized function
 * closure needs (runtime/closure/codePaths.js). That was ~0.35–0.7 s of every run's ~1.4 s module load, and a
 * program under mocks rarely serializes a closure. Here codePaths.js gets stand-ins that load the real module
 * on first use. Call before the program loads `@pulumi/pulumi`; `codePathsFile` is the program's copy.
 *
 * Returns a note when codePaths.js does not read as expected (then nothing is deferred).
 */
export function deferClosureDependencies(codePathsFile: string): string | undefined {
  let source = "";
  try {
    source = fs.readFileSync(codePathsFile, "utf8");
  } catch {
    // Checked below: an unreadable file is an unexpected shape.
  }
  const arboristMembers = new Set([...source.matchAll(/\barborist\.(\w+)/g)].map((match) => match[1]));
  if (
    !source.includes('arborist = __importStar(require("@npmcli/arborist"))') ||
    !source.includes('normalize_package_data_1 = __importDefault(require("normalize-package-data"))') ||
    arboristMembers.size !== 1 ||
    !arboristMembers.has("Arborist")
  ) {
    return (
      "@pulumi/pulumi internals differ from the version this loader was written for " +
      '(runtime/closure/codePaths.js): "deferred closure dependencies" not applied; start-up is slower'
    );
  }
  const loader = nodeModule as unknown as { _load: ModuleLoad };
  const load = loader._load;
  loader._load = function (this: unknown, request, parent, isMain) {
    if (parent?.filename === codePathsFile) {
      const real = (): unknown => load.call(this, request, parent, false);
      // Both are imported through TypeScript's interop helpers, which take an `__esModule` object as it is.
      if (request === "@npmcli/arborist") {
        return {
          __esModule: true,
          get Arborist() {
            return (real() as { Arborist: unknown }).Arborist;
          },
        };
      }
      if (request === "normalize-package-data") {
        return {
          __esModule: true,
          default: (...args: unknown[]) => (real() as (...a: unknown[]) => unknown)(...args),
        };
      }
    }
    return load.call(this, request, parent, isMain);
  };
  return undefined;
}
