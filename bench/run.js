#!/usr/bin/env node
// `npm run bench`: the performance benchmark of the policy pack (BENCHMARKS.md says what each figure means).
// Prints a table and writes bench/results.json. Every figure is the median of several runs; every comparison is
// measured in the same run, interleaved (run 1 of every variant, then run 2, ...), on this machine.
//
//   node bench/run.js [--runs N] [--cold-runs N] [--only coldstart,analyze,inprocess,preview,scan]
//                     [--slow-runs N] [--no-slow] [--sizes 1000,10000,50000]
//
// Needs `npm run build` (the pack and the CLI run precompiled JS) and the bench's own dependencies, which it
// installs itself with `npm ci --prefix bench` when bench/node_modules is missing or stale.
"use strict";

const { spawn, execFileSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const u = require("./lib/util");

const BENCH = __dirname;
// The floor and the TypeScript pack run from a staged copy (u.staged) so that they load the root's @pulumi SDK, the
// very files this pack loads; the peer pack runs in place, on the bench's own dependencies.
const PACKS = {
  ours: { label: "this pack (policypack/, precompiled JS)", dir: () => path.join(u.ROOT, "policypack") },
  floor: { label: "floor: bare one-policy @pulumi/policy pack", dir: () => u.staged("packs", "floor") },
  awsguard: {
    label: 'peer: @pulumi/awsguard { all: "advisory" }',
    dir: () => path.join(BENCH, "packs", "awsguard"),
  },
  tsCold: {
    label: "same rules as TypeScript (ts-node, empty cache)",
    dir: () => u.staged("packs", "ts-pack"),
  },
  tsWarm: {
    label: "same rules as TypeScript (ts-node, warm cache)",
    dir: () => u.staged("packs", "ts-pack"),
  },
};

function parseArgs(argv) {
  const opts = {
    runs: 3,
    coldRuns: 5,
    slowRuns: undefined,
    slow: true,
    only: undefined,
    sizes: [1000, 10000, 50000],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--runs") opts.runs = Number(argv[++i]);
    else if (a === "--cold-runs") opts.coldRuns = Number(argv[++i]);
    else if (a === "--slow-runs") opts.slowRuns = Number(argv[++i]);
    else if (a === "--no-slow") opts.slow = false;
    else if (a === "--only") opts.only = new Set(argv[++i].split(","));
    else if (a === "--sizes") opts.sizes = argv[++i].split(",").map(Number);
    else if (a === "-h" || a === "--help") {
      process.stdout.write(fs.readFileSync(__filename, "utf8").split("\n").slice(1, 10).join("\n") + "\n");
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!(opts.runs >= 1)) throw new Error("--runs must be >= 1");
  opts.coldRuns = Math.max(opts.coldRuns, opts.runs);
  opts.slowRuns = opts.slowRuns ?? opts.runs;
  return opts;
}

/** `npm ci --prefix bench` when bench/node_modules does not match bench/package-lock.json. */
function ensureBenchDependencies() {
  const lock = fs.readFileSync(path.join(BENCH, "package-lock.json"));
  const hash = crypto.createHash("sha256").update(lock).digest("hex");
  const stamp = path.join(BENCH, "node_modules", ".bench-lock-sha256");
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === hash) return;
  u.log("bench: installing the bench's dependencies (npm ci --prefix bench) ...");
  // --ignore-scripts: @pulumi/aws's install script would download the AWS provider plugin, which a pack never uses.
  execFileSync("npm", ["ci", "--prefix", BENCH, "--ignore-scripts", "--no-audit", "--no-fund"], {
    cwd: u.ROOT,
    stdio: ["ignore", "inherit", "inherit"],
  });
  fs.writeFileSync(stamp, hash);
}

function ensureBuilt() {
  for (const f of ["dist/policypack/index.js", "dist/src/cli/main.js", "dist/src/host/analyzer-client.js"]) {
    if (!fs.existsSync(path.join(u.ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first`);
  }
}

async function withEnv(env, fn) {
  const saved = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Cold start: spawn as the CLI does (run-policy-pack, pack dir as cwd) until the port is printed and the start-up
//    RPCs up to GetAnalyzerInfo (and GetPluginInfo) are answered: AnalyzerHost.start().

async function coldStart(opts) {
  const { AnalyzerHost } = u.requireDist("host/analyzer-client");
  const tsWarmCache = fs.mkdtempSync(path.join(os.tmpdir(), "bench-ts-node-warm-"));
  const keys = Object.keys(PACKS);
  const dirs = Object.fromEntries(keys.map((k) => [k, PACKS[k].dir()]));
  const startOnce = async (key) => {
    const coldCache =
      key === "tsCold" ? fs.mkdtempSync(path.join(os.tmpdir(), "bench-ts-node-cold-")) : undefined;
    const env =
      key === "tsCold"
        ? { TS_NODE_CACHE_DIRECTORY: coldCache }
        : key === "tsWarm"
          ? { TS_NODE_CACHE_DIRECTORY: tsWarmCache }
          : {};
    try {
      return await withEnv(env, async () => {
        const t0 = performance.now();
        const host = await AnalyzerHost.start({
          packDir: dirs[key],
          identity: u.IDENTITY,
          timeoutMs: 120_000,
        });
        const ms = performance.now() - t0;
        const rss = u.peakRssMiB(host.pid);
        const policies = host.info().policies.length;
        await host.close();
        return { ms, rss, policies };
      });
    } finally {
      if (coldCache) fs.rmSync(coldCache, { recursive: true, force: true });
    }
  };
  u.log("cold start: warm-up (OS file cache; fills the warm ts-node cache) ...");
  const policies = {};
  for (const key of keys) policies[key] = (await startOnce(key)).policies;
  const samples = Object.fromEntries(keys.map((k) => [k, { ms: [], rss: [] }]));
  for (let run = 0; run < opts.coldRuns; run++) {
    // Rotate the order so that no variant always runs right after another.
    const order = keys.map((_, i) => keys[(i + run) % keys.length]);
    for (const key of order) {
      const s = await startOnce(key);
      samples[key].ms.push(s.ms);
      samples[key].rss.push(s.rss);
    }
    u.log(
      `cold start: run ${run + 1}/${opts.coldRuns}: ${keys.map((k) => `${k} ${u.ms(samples[k].ms.at(-1))}`).join(", ")}`,
    );
  }
  fs.rmSync(tsWarmCache, { recursive: true, force: true });
  const result = { runs: opts.coldRuns, packs: {} };
  for (const key of keys) {
    result.packs[key] = {
      label: PACKS[key].label,
      policies: policies[key],
      ms: u.summary(samples[key].ms),
      startRssMiB: u.summary(samples[key].rss, 1),
    };
  }
  const m = (k) => result.packs[k].ms.median;
  result.ratios = {
    oursOverFloor: Number((m("ours") / m("floor")).toFixed(2)),
    oursOverAwsguard: Number((m("ours") / m("awsguard")).toFixed(2)),
    tsColdOverOurs: Number((m("tsCold") / m("ours")).toFixed(2)),
    tsWarmOverOurs: Number((m("tsWarm") / m("ours")).toFixed(2)),
  };
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// 2 + 3. Analyze throughput (1k, 10k) and AnalyzeStack scaling (1k, 10k, 50k) on the generated realistic mix.

/** Calls in flight for the pipelined Analyze figure (what `aks-guardrails scan --concurrency 8` sends). */
const PIPELINED = 8;

async function analyzeAndStack(opts) {
  const sizes = opts.sizes;
  const result = { analyze: {}, analyzeStack: {} };
  const dirs = { ours: PACKS.ours.dir(), floor: PACKS.floor.dir() };
  if (sizes.some((size) => size <= 10000)) {
    u.log("analyze: the transport floor (empty RPCs to the floor pack) ...");
    const host = await u.startPack(dirs.floor);
    try {
      const latency = await u.emptyRpcLatency(host, 2000, 200);
      result.transport = {
        ...latency,
        // Two calls per resource (Remediate, Analyze), one at a time, each costing at least an empty RPC.
        engineOrderCeilingPerSecond: Math.round(1e6 / (2 * latency.grpcJsUs)),
        engineOrderCeilingRawHttp2PerSecond: Math.round(1e6 / (2 * latency.rawHttp2Us)),
      };
      u.log(
        `analyze: empty RPC ${latency.grpcJsUs} µs (grpc-js client), ${latency.rawHttp2Us} µs (bare http2 client)`,
      );
    } finally {
      await host.close();
    }
  }
  for (const size of sizes) {
    u.log(`analyze/stack ${size}: generating the workload ...`);
    const resources = u.loadWorkload(size);
    const { describe, stackExport } = require("./lib/workload");
    const mix = describe(stackExport(size));
    const timedAnalyze = size <= 10000;
    const variants = timedAnalyze ? ["ours", "floor"] : ["ours"];
    const emptySamples = () => ({ wallMs: [], cpuMs: [], diags: 0 });
    const samples = Object.fromEntries(
      variants.map((k) => [
        k,
        {
          engine: emptySamples(),
          pipelined: emptySamples(),
          stackMs: [],
          stackCpu: [],
          rss: [],
          stackDiags: 0,
        },
      ]),
    );
    const record = (rec, a) => {
      rec.wallMs.push(a.wallMs);
      rec.cpuMs.push(a.packCpuMs);
      rec.diags = a.value;
    };
    let policies = 0;
    for (let run = 0; run < opts.runs; run++) {
      for (const key of run % 2 ? [...variants].reverse() : variants) {
        const host = await u.startPack(dirs[key]);
        const rec = samples[key];
        try {
          if (key === "ours") policies = host.info().policies.length;
          // The engine's order: one resource at a time, Remediate then Analyze. For 50k only the state matters
          // (inputs and clusters the stack checks read), so it is sent 8 at a time, untimed.
          const a = await u.timed(host.pid, () =>
            u.analyzeResources(host, resources, timedAnalyze ? 1 : PIPELINED),
          );
          const steps = u.hostSteps(host);
          const s = await u.timed(host.pid, () => steps.analyzeStack(resources));
          if (timedAnalyze) record(rec.engine, a);
          rec.stackMs.push(s.wallMs);
          rec.stackCpu.push(s.packCpuMs);
          rec.rss.push(u.peakRssMiB(host.pid));
          rec.stackDiags = s.value.length;
          u.log(
            `analyze/stack ${size} run ${run + 1}/${opts.runs} ${key}: analyze ${u.ms(a.wallMs)} (pack cpu ${u.ms(a.packCpuMs)}), ` +
              `stack ${u.ms(s.wallMs)} (pack cpu ${u.ms(s.packCpuMs)}), peak rss ${rec.rss.at(-1).toFixed(0)} MiB`,
          );
        } finally {
          await host.close();
        }
        if (!timedAnalyze) continue;
        // Pipelined: a fresh pack (the pack reports a finding once per process), 8 calls in flight.
        const piped = await u.startPack(dirs[key]);
        try {
          const a = await u.timed(piped.pid, () => u.analyzeResources(piped, resources, PIPELINED));
          record(rec.pipelined, a);
          u.log(
            `analyze ${size} run ${run + 1}/${opts.runs} ${key}, ${PIPELINED} in flight: ${u.ms(a.wallMs)} (pack cpu ${u.ms(a.packCpuMs)})`,
          );
        } finally {
          await piped.close();
        }
      }
    }
    if (timedAnalyze) {
      const entry = { mix, policies, pipelinedInFlight: PIPELINED };
      const figures = (rec) => ({
        wallMs: u.summary(rec.wallMs),
        resourcesPerSecond: u.summary(rec.wallMs.map((ms) => (size * 1000) / ms)),
        packCpuMs: u.summary(rec.cpuMs),
        resourcesPerPackCpuSecond: u.summary(rec.cpuMs.map((ms) => (size * 1000) / Math.max(ms, 1))),
        diagnostics: rec.diags,
      });
      for (const key of variants) {
        entry[key] = { ...figures(samples[key].engine), pipelined: figures(samples[key].pipelined) };
      }
      const ratio = (a, b) => Number((a / b).toFixed(2));
      entry.packCpuOursOverFloor = ratio(entry.ours.packCpuMs.median, entry.floor.packCpuMs.median);
      entry.wallOursOverFloor = ratio(entry.ours.wallMs.median, entry.floor.wallMs.median);
      entry.pipelinedWallOursOverFloor = ratio(
        entry.ours.pipelined.wallMs.median,
        entry.floor.pipelined.wallMs.median,
      );
      entry.pipelinedSpeedupOurs = ratio(entry.ours.wallMs.median, entry.ours.pipelined.wallMs.median);
      result.analyze[size] = entry;
    }
    result.analyzeStack[size] = {
      mix,
      wallMs: u.summary(samples.ours.stackMs),
      packCpuMs: u.summary(samples.ours.stackCpu),
      peakRssMiB: u.summary(samples.ours.rss, 0),
      diagnostics: samples.ours.stackDiags,
      ...(samples.floor
        ? { floor: { wallMs: u.summary(samples.floor.stackMs), peakRssMiB: u.summary(samples.floor.rss, 0) } }
        : {}),
    };
  }
  const s = result.analyzeStack;
  const ratio = (a, b, key) =>
    s[a] && s[b] ? Number((s[a][key].median / Math.max(s[b][key].median, 1)).toFixed(2)) : undefined;
  result.stackRatios = {
    wall10kOver1k: ratio(10000, 1000, "wallMs"),
    wall50kOver10k: ratio(50000, 10000, "wallMs"),
    packCpu10kOver1k: ratio(10000, 1000, "packCpuMs"),
  };
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// 2b + 3b. The same, in process: the pack's own policies without gRPC and the SDK (see lib/inprocess.js), to tell
//          the pack's cost from the floor's.

async function inProcess(opts) {
  const { runOnce } = require("./lib/inprocess");
  const result = {};
  for (const size of opts.sizes) {
    const resources = u.loadWorkload(size);
    runOnce(resources.slice(0, 200)); // JIT warm-up
    const analyze = [];
    const stack = [];
    let diagnostics = 0;
    for (let run = 0; run < opts.runs; run++) {
      const r = runOnce(resources);
      analyze.push(r.analyzeMs);
      stack.push(r.stackMs);
      diagnostics = r.diagnostics;
    }
    result[size] = {
      analyzeMs: u.summary(analyze),
      resourcesPerSecond: Number(((size * 1000) / u.median(analyze)).toFixed(0)),
      stackMs: u.summary(stack),
      diagnostics,
    };
    u.log(`in process ${size}: analyze ${u.ms(u.median(analyze))}, stack ${u.ms(u.median(stack))}`);
  }
  if (result[1000] && result[10000]) {
    result.stack10kOver1k = Number(
      (result[10000].stackMs.median / Math.max(result[1000].stackMs.median, 1)).toFixed(2),
    );
  }
  if (result[10000] && result[50000]) {
    result.stack50kOver10k = Number(
      (result[50000].stackMs.median / Math.max(result[10000].stackMs.median, 1)).toFixed(2),
    );
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// 4. Offline preview under mocks (loadProgram) of bench/programs/azure1k: 1,000 azure-native resources.

/**
 * Whether two captures hold the same resources (each compared field by field, as JSON), whatever their order:
 * the SDK registers resources as their inputs resolve, so the order varies between the two paths.
 */
function sameResources(a, b) {
  if (a.length !== b.length) return false;
  const byUrn = new Map(b.map((r) => [r.urn, JSON.stringify(r)]));
  return a.every((r) => byUrn.get(r.urn) === JSON.stringify(r));
}

async function preview(opts) {
  const { loadProgram } = u.requireDist("host/loaders/program");
  const dir = u.staged("programs", "azure1k");
  // The slow run is the stock runtime, what plain `pulumi.runtime.setMocks` gives: neither the alias fast path
  // nor the loader's runtime patches (program-runner-patches.ts).
  const load = (count, fast) =>
    loadProgram({
      dir,
      stack: "bench",
      config: { count: String(count) },
      aliasFastPath: fast,
      runtimePatches: fast,
      timeoutMs: 1_800_000,
    });
  const time = async (fn) => {
    const t0 = performance.now();
    const value = await fn();
    return { ms: performance.now() - t0, value };
  };
  const samples = { empty: [], fast: [], slow: [], analysis: [] };
  let fastResources;
  let sameAsSlow;
  let diagnostics = 0;
  for (let run = 0; run < opts.runs; run++) {
    const empty = await time(() => load(0, true));
    samples.empty.push(empty.ms);
    const fast = await time(() => load(1000, true));
    samples.fast.push(fast.ms);
    fastResources = fast.value.resources;
    // The fast program's resources through the pack: every Analyze, then AnalyzeStack (pack start excluded: that
    // is the cold-start figure).
    const host = await u.startPack(PACKS.ours.dir(), {
      identity: { ...u.IDENTITY, stack: "bench", project: fast.value.project },
    });
    try {
      // As `aks-guardrails preview` sends them: 8 Remediate/Analyze calls in flight, then AnalyzeStack.
      const a = await time(() => host.analyzeAll(fastResources, { concurrency: PIPELINED }));
      samples.analysis.push(a.ms);
      diagnostics = a.value.length;
    } finally {
      await host.close();
    }
    let line = `preview run ${run + 1}/${opts.runs}: module load ${u.ms(empty.ms)}, fast ${u.ms(fast.ms)}, analysis ${u.ms(samples.analysis.at(-1))}`;
    if (opts.slow && run < opts.slowRuns) {
      // The SDK's own path: every version alias resolved into Outputs, every promise tracked for leaks. It needs far
      // more than the default heap.
      const slow = await withEnv({ NODE_OPTIONS: "--max-old-space-size=12288" }, () =>
        time(() => load(1000, false)),
      );
      samples.slow.push(slow.ms);
      if (sameAsSlow === undefined) sameAsSlow = sameResources(fastResources, slow.value.resources);
      line += `, without fast path ${u.ms(slow.ms)}`;
    }
    u.log(line);
  }
  const load0 = u.median(samples.empty);
  const fastExec = samples.fast.map((v) => v - load0);
  const slowExec = samples.slow.map((v) => v - load0);
  const result = {
    resources: fastResources.length,
    moduleLoadMs: u.summary(samples.empty),
    fastTotalMs: u.summary(samples.fast),
    fastExecutionMs: u.summary(fastExec),
    analysisMs: u.summary(samples.analysis),
    fastExecutionPlusAnalysisMs: Number((u.median(fastExec) + u.median(samples.analysis)).toFixed(0)),
    diagnostics,
  };
  if (samples.slow.length) {
    result.slowTotalMs = u.summary(samples.slow);
    result.slowExecutionMs = u.summary(slowExec);
    result.speedupExecution = Number((u.median(slowExec) / u.median(fastExec)).toFixed(1));
    result.speedupTotal = Number((u.median(samples.slow) / u.median(samples.fast)).toFixed(1));
    result.fastEqualsSlow = sameAsSlow;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// 5. `aks-guardrails scan` of a 10k-resource stack export, end to end (node start, read, pack start, every call).

async function scan(opts) {
  const { stackExport } = require("./lib/workload");
  const file = path.join(os.tmpdir(), `aks-guardrails-bench-export-10k-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(stackExport(10000)));
  const bin = path.join(u.ROOT, "bin", "aks-guardrails.js");
  const once = (extra) =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const child = spawn(process.execPath, [bin, "scan", file, "--format", "json", ...extra], {
        cwd: u.ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const out = [];
      let err = "";
      child.stdout.on("data", (c) => out.push(c));
      child.stderr.on("data", (c) => (err += c));
      child.on("error", reject);
      child.on("close", (code) => {
        const ms = performance.now() - t0;
        // 1 = at least one mandatory finding (the workload has some on purpose).
        if (code !== 0 && code !== 1) return reject(new Error(`scan exited ${code}: ${err.slice(-2000)}`));
        let findings;
        try {
          const report = JSON.parse(Buffer.concat(out).toString("utf8"));
          findings = report.summary ?? undefined;
        } catch {
          findings = undefined;
        }
        resolve({ ms, code, findings });
      });
    });
  // The engine's order (`--concurrency 1`) and the default, 8 calls in flight (`--concurrency 8`).
  const variants = { serial: [], concurrency8: [] };
  let last;
  try {
    for (let run = 0; run < opts.runs; run++) {
      for (const key of run % 2 ? ["concurrency8", "serial"] : ["serial", "concurrency8"]) {
        last = await once(["--concurrency", key === "serial" ? "1" : "8"]);
        variants[key].push(last.ms);
        u.log(`scan 10k ${key} run ${run + 1}/${opts.runs}: ${u.ms(last.ms)} (exit ${last.code})`);
      }
    }
  } finally {
    fs.rmSync(file, { force: true });
  }
  return {
    resources: 10000,
    wallMs: u.summary(variants.serial),
    resourcesPerSecond: Number(((10000 * 1000) / u.median(variants.serial)).toFixed(0)),
    concurrency8WallMs: u.summary(variants.concurrency8),
    concurrency8ResourcesPerSecond: Number(((10000 * 1000) / u.median(variants.concurrency8)).toFixed(0)),
    exitCode: last.code,
    summary: last.findings,
  };
}

// ---------------------------------------------------------------------------------------------------------------

function targets(r) {
  const rows = [];
  const add = (what, value, target, ok) => rows.push({ what, value, target, ok });
  if (r.coldStart) {
    const c = r.coldStart.ratios;
    add("cold start: this pack / floor", `${c.oursOverFloor}×`, "≤ 1.3×", c.oursOverFloor <= 1.3);
    add("cold start: this pack / awsguard", `${c.oursOverAwsguard}×`, "< 1×", c.oursOverAwsguard < 1);
    add(
      "cold start: TypeScript (cold ts-node) / this pack",
      `${c.tsColdOverOurs}×`,
      "≥ 3×",
      c.tsColdOverOurs >= 3,
    );
  }
  if (r.analyze) {
    if (r.transport) {
      const t = r.transport;
      add(
        "transport ceiling, engine order: 1 / (2 empty RPCs) per resource",
        `${t.engineOrderCeilingPerSecond}/s`,
        "≥ 2,000/s",
        t.engineOrderCeilingPerSecond >= 2000,
      );
    }
    for (const size of Object.keys(r.analyze)) {
      const a = r.analyze[size];
      const n = a.pipelinedInFlight;
      const rate = (key, what, e) =>
        add(
          `Analyze ${size}, ${what}: ${key}`,
          `${e.resourcesPerSecond.median}/s`,
          "≥ 2,000/s",
          e.resourcesPerSecond.median >= 2000,
        );
      rate("this pack", "engine order (1 in flight)", a.ours);
      rate("floor pack (a policy that does nothing)", "engine order (1 in flight)", a.floor);
      rate("this pack", `pipelined (${n} in flight)`, a.ours.pipelined);
      rate("floor pack", `pipelined (${n} in flight)`, a.floor.pipelined);
      add(
        `Analyze ${size}: this pack / floor, wall, engine order`,
        `${a.wallOursOverFloor}×`,
        "≤ 1.3× (at the floor)",
        a.wallOursOverFloor <= 1.3,
      );
      add(
        `Analyze ${size}: this pack / floor, wall, pipelined`,
        `${a.pipelinedWallOursOverFloor}×`,
        "≤ 1.3× (at the floor)",
        a.pipelinedWallOursOverFloor <= 1.3,
      );
      const cap = a.ours.resourcesPerPackCpuSecond.median;
      add(
        `Analyze ${size}: resources per pack CPU-second (engine order)`,
        `${cap}/s`,
        "≥ 2,000/s",
        cap >= 2000,
      );
    }
  }
  if (r.inProcess) {
    for (const size of Object.keys(r.inProcess).filter((k) => /^\d+$/.test(k) && Number(k) <= 10000)) {
      const rps = r.inProcess[size].resourcesPerSecond;
      add(
        `Analyze ${size}: resources/s of the pack's own code (in process)`,
        `${rps}/s`,
        "≥ 2,000/s",
        rps >= 2000,
      );
    }
    if (r.inProcess.stack10kOver1k !== undefined) {
      const v = r.inProcess.stack10kOver1k;
      add("stack checks 10k / 1k time (in process)", `${v}×`, "≤ 12×", v <= 12);
    }
  }
  if (r.stackRatios && r.stackRatios.wall10kOver1k !== undefined) {
    const v = r.stackRatios.wall10kOver1k;
    add("AnalyzeStack 10k / 1k time (wall, incl. the host building the request)", `${v}×`, "≤ 12×", v <= 12);
    const c = r.stackRatios.packCpu10kOver1k;
    add("AnalyzeStack 10k / 1k pack CPU", `${c}×`, "≤ 12×", c <= 12);
  }
  if (r.preview) {
    const p = r.preview;
    add(
      "preview 1k: program execution + analysis (fast path)",
      u.ms(p.fastExecutionPlusAnalysisMs),
      "≤ 3 s",
      p.fastExecutionPlusAnalysisMs <= 3000,
    );
    if (p.speedupExecution !== undefined) {
      add(
        "preview 1k: execution stock SDK / fast path",
        `${p.speedupExecution}×`,
        "≥ 20×",
        p.speedupExecution >= 20,
      );
      add(
        "preview 1k: fast path captures the same resources as the SDK's path",
        String(p.fastEqualsSlow),
        "true",
        p.fastEqualsSlow === true,
      );
    }
  }
  return rows;
}

function table(r) {
  const lines = [];
  const row = (...cells) => lines.push(`| ${cells.join(" | ")} |`);
  const head = (...cells) => {
    row(...cells);
    row(...cells.map(() => "---"));
  };
  const med = (s) => u.ms(s.median);
  const spread = (s) => `${u.ms(s.min)}–${u.ms(s.max)}`;
  lines.push(
    `Machine: ${r.machine.nproc} CPUs (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; load average at start ${r.loadAverage.start.join(" ")}, at end ${r.loadAverage.end.join(" ")}`,
  );
  lines.push(
    `Pack: ${r.rules} rules. Medians of ${r.runs} runs (cold start: ${r.coldStart ? r.coldStart.runs : "-"}).`,
    "",
  );
  if (r.coldStart) {
    lines.push("1. Cold start (spawn → port printed → GetAnalyzerInfo answered)", "");
    head("pack", "policies", "median", "min–max", "RSS at start", "vs this pack");
    const ours = r.coldStart.packs.ours.ms.median;
    for (const p of Object.values(r.coldStart.packs)) {
      row(
        p.label,
        p.policies,
        med(p.ms),
        spread(p.ms),
        `${p.startRssMiB.median} MiB`,
        `${(p.ms.median / ours).toFixed(2)}×`,
      );
    }
    lines.push("");
  }
  if (r.analyze) {
    lines.push("2. Analyze (Remediate + Analyze per resource, over gRPC through AnalyzerHost)", "");
    if (r.transport) {
      const t = r.transport;
      lines.push(
        `Transport floor (empty GetPluginInfo to the floor pack, one at a time, median): ${t.grpcJsUs} µs with the ` +
          `host's grpc-js client, ${t.rawHttp2Us} µs with a bare http2 client. Two per resource in engine order: at most ` +
          `${t.engineOrderCeilingPerSecond} resources/s (${t.engineOrderCeilingRawHttp2PerSecond}/s over bare http2) ` +
          "before any request or policy costs anything.",
        "",
      );
    }
    for (const [size, a] of Object.entries(r.analyze)) {
      head(
        "resources",
        "pack",
        "in flight",
        "wall",
        "resources/s",
        "pack CPU",
        "resources / pack CPU-s",
        "diagnostics",
      );
      for (const mode of ["engine", "pipelined"]) {
        for (const key of ["ours", "floor"]) {
          const e = mode === "engine" ? a[key] : a[key].pipelined;
          row(
            size,
            key === "ours" ? `this pack (${a.policies} policies)` : "floor",
            mode === "engine" ? "1 (engine order)" : a.pipelinedInFlight,
            med(e.wallMs),
            e.resourcesPerSecond.median,
            med(e.packCpuMs),
            e.resourcesPerPackCpuSecond.median,
            e.diagnostics,
          );
        }
      }
      lines.push(
        "",
        `${size}: this pack / floor, wall: ${a.wallOursOverFloor}× in engine order, ${a.pipelinedWallOursOverFloor}× pipelined; ` +
          `pack CPU ${a.packCpuOursOverFloor}× (engine order). Pipelined / engine order, this pack: ${a.pipelinedSpeedupOurs}× faster.`,
        "",
      );
    }
  }
  if (r.analyzeStack) {
    lines.push("3. AnalyzeStack (after every Analyze; this pack)", "");
    head("resources", "wall", "min–max", "pack CPU", "peak RSS of the pack", "floor wall");
    for (const [size, s] of Object.entries(r.analyzeStack)) {
      row(
        size,
        med(s.wallMs),
        spread(s.wallMs),
        med(s.packCpuMs),
        `${s.peakRssMiB.median} MiB`,
        s.floor ? med(s.floor.wallMs) : "-",
      );
    }
    const over50k =
      r.stackRatios.wall50kOver10k === undefined ? "" : `, 50k/10k ${r.stackRatios.wall50kOver10k}×`;
    lines.push(
      `Ratios: 10k/1k ${r.stackRatios.wall10kOver1k}× (pack CPU ${r.stackRatios.packCpu10kOver1k}×)${over50k}`,
      "",
    );
  }
  if (r.inProcess) {
    lines.push(
      "2b/3b. The pack's own cost: its policies called in process (no gRPC, no SDK deserialization)",
      "",
    );
    head("resources", "Analyze (all policies)", "resources/s", "stack checks", "stack min–max");
    for (const size of Object.keys(r.inProcess).filter((k) => /^\d+$/.test(k))) {
      const e = r.inProcess[size];
      row(size, med(e.analyzeMs), e.resourcesPerSecond, med(e.stackMs), spread(e.stackMs));
    }
    const over50k =
      r.inProcess.stack50kOver10k === undefined ? "" : `, 50k/10k ${r.inProcess.stack50kOver10k}×`;
    lines.push(`Ratios: stack 10k/1k ${r.inProcess.stack10kOver1k}×${over50k}`, "");
  }
  if (r.preview) {
    const p = r.preview;
    lines.push(
      `4. Offline preview under mocks (bench/programs/azure1k, ${p.resources} resources incl. stack + provider)`,
      "",
    );
    head("figure", "median", "min–max");
    row("one-time module load (same program, count 0)", med(p.moduleLoadMs), spread(p.moduleLoadMs));
    row(
      "program execution, fast path (alias fast path + runtime patches)",
      med(p.fastExecutionMs),
      spread(p.fastExecutionMs),
    );
    row(
      `analysis through the pack (Analyze ×N, ${PIPELINED} in flight, + AnalyzeStack)`,
      med(p.analysisMs),
      spread(p.analysisMs),
    );
    row("execution + analysis, fast path", u.ms(p.fastExecutionPlusAnalysisMs), "");
    if (p.slowExecutionMs) {
      row(
        "program execution, stock SDK under setMocks (no fast path, no patches; 12 GiB heap)",
        med(p.slowExecutionMs),
        spread(p.slowExecutionMs),
      );
      row("speed-up of execution (total incl. load)", `${p.speedupExecution}× (${p.speedupTotal}×)`, "");
    }
    lines.push("");
  }
  if (r.scan) {
    lines.push(
      "5. CLI scan of a 10k-resource stack export (node bin/aks-guardrails.js scan … --format json)",
      "",
    );
    head("figure", "median", "min–max");
    row("end to end, --concurrency 1 (the engine's order)", med(r.scan.wallMs), spread(r.scan.wallMs));
    row("resources/s end to end, --concurrency 1", r.scan.resourcesPerSecond, "");
    row(
      "end to end, --concurrency 8 (the default)",
      med(r.scan.concurrency8WallMs),
      spread(r.scan.concurrency8WallMs),
    );
    row("resources/s end to end, --concurrency 8", r.scan.concurrency8ResourcesPerSecond, "");
    lines.push("");
  }
  lines.push("Targets", "");
  head("figure", "value", "target", "met");
  for (const t of r.targets) row(t.what, t.value, t.target, t.ok ? "yes" : "**no**");
  return lines.join("\n");
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const want = (s) => !opts.only || opts.only.has(s);
  ensureBuilt();
  ensureBenchDependencies();
  const started = Date.now();
  const results = {
    generatedAt: new Date().toISOString(),
    machine: u.machine(),
    loadAverage: { start: u.loadAverage() },
    runs: opts.runs,
    rules: u.requireDist("rules").rules.length,
  };
  if (want("coldstart")) results.coldStart = await coldStart(opts);
  if (want("analyze") || want("stack")) Object.assign(results, await analyzeAndStack(opts));
  if (want("inprocess")) results.inProcess = await inProcess(opts);
  if (want("preview")) results.preview = await preview(opts);
  if (want("scan")) results.scan = await scan(opts);
  results.loadAverage.end = u.loadAverage();
  results.durationSeconds = Math.round((Date.now() - started) / 1000);
  results.targets = targets(results);
  const text = table(results);
  fs.writeFileSync(path.join(BENCH, "results.json"), JSON.stringify(results, null, 2) + "\n");
  process.stdout.write(`${text}\n\nWrote bench/results.json (${results.durationSeconds} s).\n`);
}

main().catch((error) => {
  process.stderr.write(`bench: ${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 2;
});
