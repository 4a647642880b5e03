#!/usr/bin/env node
// CI performance regression guard (`node bench/guard.js`, after `npm run build`). Only ratios measured in this
// run, on this machine, with generous margins, never an absolute time:
//   1. cold start of this pack / the floor pack (bare one-policy @pulumi/policy pack)        ≤ 2.0
//   2. Analyze, pack CPU per resource, this pack / the floor pack (300 resources)             ≤ 3.0
//   3. AnalyzeStack, pack CPU, 3,000 / 300 resources (10× the resources; linear ≈ 10×)         ≤ 20
//   4. the stack checks in process (no gRPC: lib/inprocess.js), 10,000 / 1,000 resources         ≤ 20
// Each side is the median of several interleaved runs. Pack CPU (from /proc) rather than wall time where it
// applies: it is what the pack does, and it does not move with what else runs on the machine. Needs no bench
// dependency (the floor pack resolves @pulumi/policy from the root). About 40 s on 2 quiet cores (90 s at a load average of 6).
"use strict";

const path = require("path");
const u = require("./lib/util");

const OURS = path.join(u.ROOT, "policypack");
const FLOOR = u.staged("packs", "floor");
const LIMITS = { coldStart: 2.0, analyzeCpu: 3.0, stackScaling: 20, inProcessScaling: 20 };
const RUNS = 3;
const LARGE_RUNS = 2;
const SMALL = 300;
const LARGE = 3000;

/** Starts a pack (timed: the cold start), then Analyze (8 calls in flight) and AnalyzeStack of `resources`. */
async function run(dir, resources) {
  const { AnalyzerHost } = u.requireDist("host/analyzer-client");
  const { reconcilePolicyPackConfig } = u.requireDist("host/pack-config");
  const t0 = performance.now();
  const host = await AnalyzerHost.start({ packDir: dir, identity: u.IDENTITY, timeoutMs: 120_000 });
  const startMs = performance.now() - t0;
  try {
    const info = host.info();
    await host.configure(reconcilePolicyPackConfig(info.policies, info.initialConfig, undefined));
    // 8 calls in flight: the pack's CPU per resource is the same as one at a time, in half the time.
    const a = await u.timed(host.pid, () => u.analyzeResources(host, resources, 8));
    const s = await u.timed(host.pid, () => u.hostSteps(host).analyzeStack(resources));
    return { startMs, analyzeCpu: a.packCpuMs, stackCpu: s.packCpuMs };
  } finally {
    await host.close();
  }
}

async function main() {
  const started = performance.now();
  const rules = u.requireDist("rules").rules.length;
  const rows = [];
  const check = (what, value, limit, detail) => rows.push({ what, value, limit, ok: value <= limit, detail });
  const small = u.loadWorkload(SMALL);
  const large = u.loadWorkload(LARGE);

  // Warm the OS file cache, then interleave: this pack and the floor on the small stack, then the large stack.
  await run(OURS, small.slice(0, 10));
  await run(FLOOR, small.slice(0, 10));
  const samples = { startOurs: [], startFloor: [], ours: [], floor: [], stackSmall: [], stackLarge: [] };
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 ? [FLOOR, OURS] : [OURS, FLOOR];
    for (const dir of order) {
      const r = await run(dir, small);
      if (dir === OURS) {
        samples.startOurs.push(r.startMs);
        samples.ours.push(r.analyzeCpu);
        samples.stackSmall.push(r.stackCpu);
      } else {
        samples.startFloor.push(r.startMs);
        samples.floor.push(r.analyzeCpu);
      }
    }
    if (i < LARGE_RUNS) samples.stackLarge.push((await run(OURS, large)).stackCpu);
  }
  const m = (key) => u.median(samples[key]);
  check(
    "cold start: this pack / floor",
    m("startOurs") / m("startFloor"),
    LIMITS.coldStart,
    `${u.ms(m("startOurs"))} vs ${u.ms(m("startFloor"))}`,
  );
  check(
    `Analyze pack CPU, ${SMALL} resources: this pack / floor`,
    m("ours") / m("floor"),
    LIMITS.analyzeCpu,
    `${u.ms(m("ours"))} vs ${u.ms(m("floor"))}`,
  );
  const stackSmall = Math.max(m("stackSmall"), 10);
  check(
    `AnalyzeStack pack CPU: ${LARGE} / ${SMALL} resources`,
    m("stackLarge") / stackSmall,
    LIMITS.stackScaling,
    `${u.ms(m("stackLarge"))} vs ${u.ms(stackSmall)}`,
  );

  // The pack's own stack checks, without the SDK's linear costs that dampen the ratio over gRPC.
  const { runOnce } = require("./lib/inprocess");
  const inProcess = { small: [], large: [] };
  const thousand = u.loadWorkload(1000);
  const tenThousand = u.loadWorkload(10000);
  runOnce(thousand.slice(0, 200)); // JIT warm-up
  for (let i = 0; i < LARGE_RUNS; i++) {
    inProcess.small.push(runOnce(thousand).stackMs);
    inProcess.large.push(runOnce(tenThousand).stackMs);
  }
  const ipSmall = Math.max(u.median(inProcess.small), 1);
  const ipLarge = u.median(inProcess.large);
  check(
    "stack checks in process: 10,000 / 1,000 resources",
    ipLarge / ipSmall,
    LIMITS.inProcessScaling,
    `${u.ms(ipLarge)} vs ${u.ms(ipSmall)}`,
  );

  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  process.stdout.write(
    `performance guard (${rules} rules, ${seconds} s, load average ${u.loadAverage().join(" ")}):\n`,
  );
  for (const r of rows) {
    process.stdout.write(
      `  ${r.ok ? "ok  " : "FAIL"} ${r.what}: ${r.value.toFixed(2)} (limit ${r.limit}; ${r.detail})\n`,
    );
  }
  if (rows.some((r) => !r.ok)) {
    process.stdout.write(
      "performance guard failed: a change made the pack slower relative to the floor or made AnalyzeStack scale " +
        "worse than linearly. Profile with `npm run bench` (see BENCHMARKS.md).\n",
    );
    process.exitCode = 1;
  }
}

main().catch((error) => {
  process.stderr.write(`bench/guard.js: ${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 2;
});
