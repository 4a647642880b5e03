// Small helpers shared by bench/run.js and bench/guard.js: statistics, /proc readings, the machine, and the
// AnalyzerHost (src/host/analyzer-client.ts, compiled to dist/) driven the way the engine drives a pack.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..");
const DIST = path.join(ROOT, "dist", "src");

function requireDist(rel) {
  const file = path.join(DIST, rel);
  if (!fs.existsSync(`${file}.js`) && !fs.existsSync(path.join(file, "index.js"))) {
    throw new Error(`${path.relative(ROOT, file)}.js is missing: run \`npm run build\` first`);
  }
  return require(file);
}

/**
 * A copy of bench/packs/<name> or bench/programs/<name> under dist/bench-staging/ (build output, ignored by git and
 * the linters), from where `@pulumi/*` resolve to the root's node_modules, exactly as for policypack/ and the repo's
 * own program (not under node_modules/: ts-node skips files there). Run from
 * bench/ itself, they would resolve bench/node_modules (the peer pack's copy of @pulumi/pulumi) first, and a pack or
 * program that also imports the repo's src/ (or @pulumi/azure-native from the root) would load two copies of the
 * SDK: slower, and patches of one copy miss the other.
 */
function staged(kind, name) {
  const from = path.join(ROOT, "bench", kind, name);
  const to = path.join(ROOT, "dist", "bench-staging", kind, name);
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  const srcFrom = path.relative(from, path.join(ROOT, "src")).split(path.sep).join("/");
  const srcTo = path.relative(to, path.join(ROOT, "src")).split(path.sep).join("/");
  for (const file of fs.readdirSync(from)) {
    let text = fs.readFileSync(path.join(from, file), "utf8");
    if (file.endsWith(".ts")) text = text.split(`"${srcFrom}/`).join(`"${srcTo}/`);
    fs.writeFileSync(path.join(to, file), text);
  }
  return to;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `{ median, min, max, runs }` of a list of numbers. */
function summary(values, digits = 0) {
  const round = (v) => Number(v.toFixed(digits));
  return {
    median: round(median(values)),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
    runs: values.map(round),
  };
}

/** CPU time (user + system) of a process, in ms, from /proc/<pid>/stat. */
function processCpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicks();
}

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond =
        Number(require("child_process").execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Peak resident set size of a process (VmHWM), in MiB. */
function peakRssMiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /VmHWM:\s+(\d+)\s+kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

function machine() {
  const cpus = os.cpus();
  return {
    nproc: os.availableParallelism ? os.availableParallelism() : cpus.length,
    cpuModel: cpus[0] ? cpus[0].model : "unknown",
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

function loadAverage() {
  return os.loadavg().map((v) => Number(v.toFixed(2)));
}

const IDENTITY = { stack: "prod", project: "platform", organization: "organization", tags: {}, dryRun: true };

/**
 * Starts a pack with the project's AnalyzerHost (spawned exactly as the CLI spawns it) and sends the reconciled
 * config, as the engine does before the first Analyze.
 */
async function startPack(packDir, options = {}) {
  const { AnalyzerHost } = requireDist("host/analyzer-client");
  const { reconcilePolicyPackConfig } = requireDist("host/pack-config");
  const host = await AnalyzerHost.start({
    packDir,
    identity: options.identity ?? IDENTITY,
    timeoutMs: options.timeoutMs ?? 120_000,
  });
  if (options.configure !== false) {
    const info = host.info();
    await host.configure(reconcilePolicyPackConfig(info.policies, info.initialConfig, undefined));
  }
  return host;
}

/**
 * The host's per-resource (Remediate + Analyze) and AnalyzeStack steps. They are private in TypeScript but are the
 * exact calls `analyzeAll` makes; the bench times them separately. Fails loudly if the host changes shape.
 */
function hostSteps(host) {
  for (const name of ["analyzeResource", "analyzeStack"]) {
    if (typeof host[name] !== "function") {
      throw new Error(
        `AnalyzerHost.${name} is gone: update bench/lib/util.js (hostSteps) to the host's new API`,
      );
    }
  }
  return {
    analyzeResource: (r) => host["analyzeResource"](r),
    analyzeStack: (resources) => host["analyzeStack"](resources),
  };
}

/** Analyze every resource, `concurrency` calls in flight (1 = the engine's order). Returns the diagnostics count. */
async function analyzeResources(host, resources, concurrency = 1) {
  const steps = hostSteps(host);
  let next = 0;
  let diagnostics = 0;
  const worker = async () => {
    while (next < resources.length) {
      // Not `diagnostics += await ...`: that reads `diagnostics` before the await and loses the other workers' counts.
      const found = await steps.analyzeResource(resources[next++]);
      diagnostics += found.length;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, resources.length) }, worker));
  return diagnostics;
}

/** The pack's gRPC port, from the host's channel target (`127.0.0.1:<port>`, maybe with a scheme prefix). */
function packPort(host) {
  const target = host["client"].getChannel().getTarget();
  const m = /:(\d+)$/.exec(target);
  if (!m) throw new Error(`cannot read the pack's port from the channel target ${JSON.stringify(target)}`);
  return Number(m[1]);
}

/**
 * The transport floor: sequential empty RPCs (GetPluginInfo: no request fields, a one-string answer) to a started
 * pack, `calls` of them after `warmup`, one at a time. Two clients: the host's own grpc-js client (what every
 * Remediate and Analyze call goes through) and a bare `http2` client that frames the gRPC call by hand (no
 * grpc-js on the client side; the pack's grpc-js server answers both). Returns the median µs per call of each.
 */
async function emptyRpcLatency(host, calls = 2000, warmup = 200) {
  // The host's copy of google-protobuf (@pulumi/pulumi's): a second copy fails grpc-js's instanceof check.
  const { Empty } = require(
    require.resolve("google-protobuf/google/protobuf/empty_pb", {
      paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [ROOT] }))],
    }),
  );
  const grpcCall = () =>
    new Promise((resolve, reject) => {
      host["client"].getPluginInfo(new Empty(), (err) => (err ? reject(err) : resolve()));
    });
  const http2 = require("http2");
  const session = http2.connect(`http://127.0.0.1:${packPort(host)}`);
  const emptyMessage = Buffer.alloc(5); // gRPC frame: not compressed, length 0
  const rawCall = () =>
    new Promise((resolve, reject) => {
      const req = session.request({
        ":method": "POST",
        ":path": "/pulumirpc.Analyzer/GetPluginInfo",
        "content-type": "application/grpc",
        te: "trailers",
      });
      let status;
      req.on("response", (headers) => (status = status ?? headers["grpc-status"]));
      req.on("trailers", (trailers) => (status = trailers["grpc-status"] ?? status));
      req.on("data", () => {});
      req.on("error", reject);
      req.on("close", () => (status === "0" ? resolve() : reject(new Error(`grpc-status ${status}`))));
      req.end(emptyMessage);
    });
  // Both clients warmed up, then interleaved in blocks so that neither gets a quieter moment of the machine.
  for (let i = 0; i < warmup; i++) {
    await grpcCall();
    await rawCall();
  }
  const samples = { grpcJs: [], rawHttp2: [] };
  const block = 100;
  for (let done = 0; done < calls; done += block) {
    for (const [key, call] of [
      ["grpcJs", grpcCall],
      ["rawHttp2", rawCall],
    ]) {
      for (let i = 0; i < block; i++) {
        const t0 = performance.now();
        await call();
        samples[key].push((performance.now() - t0) * 1000);
      }
    }
  }
  session.close();
  return { grpcJsUs: Math.round(median(samples.grpcJs)), rawHttp2Us: Math.round(median(samples.rawHttp2)) };
}

/** Times `fn` (wall ms) and the pack's CPU ms spent meanwhile. */
async function timed(pid, fn) {
  const cpu0 = processCpuMs(pid);
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  return { wallMs, packCpuMs: processCpuMs(pid) - cpu0, value };
}

/** Resources of a generated stack export, as the project's stack-export loader reads them. */
function loadWorkload(count) {
  const { stackExport } = require("./workload");
  const { readStackExport } = requireDist("host/loaders/stack-export");
  // Through JSON, as from a file: no object is shared between resources.
  return readStackExport(JSON.parse(JSON.stringify(stackExport(count))), `<generated ${count}>`).resources;
}

function ms(v) {
  return v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
}

function log(...args) {
  process.stderr.write(`${args.join(" ")}\n`);
}

module.exports = {
  ROOT,
  requireDist,
  staged,
  median,
  summary,
  processCpuMs,
  peakRssMiB,
  machine,
  loadAverage,
  startPack,
  hostSteps,
  analyzeResources,
  emptyRpcLatency,
  timed,
  loadWorkload,
  ms,
  log,
  IDENTITY,
};
