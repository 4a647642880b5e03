/**
 * Stages the pack in the form `pulumi policy publish` uploads: the command uploads one directory and
 * Pulumi Cloud runs `npm install` on its package.json. The repo's `policypack/` points at `../dist`, which
 * would not exist there, so the staged directory instead depends on the library itself, vendored as an
 * `npm pack` tarball next to the pack (the library is not on a public registry):
 *
 *   <out>/PulumiPolicy.yaml
 *   <out>/package.json          main: index.js; dependencies: aks-guardrails (file: tarball), @pulumi/*
 *   <out>/index.js              builds the pack from the library's registry
 *   <out>/aks-guardrails-<version>.tgz
 *   <out>/package-lock.json     the library's production dependency tree from its own lock file
 *
 * The lock pins exactly the versions the library was tested with, and lets `npm ci --offline` install the
 * pack from a cache filled by the library's own `npm ci` (which caches tarballs, not registry metadata).
 */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "fs";
import * as path from "path";

/** Staging cannot proceed (missing build or lock file, non-empty output, npm pack failure). */
export class StageError extends Error {
  override name = "StageError";
}

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dev?: boolean;
  devOptional?: boolean;
  dependencies?: Record<string, string>;
  [key: string]: unknown;
}

interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

interface PackageJson {
  name: string;
  version: string;
  description?: string;
  license?: string;
  dependencies?: Record<string, string>;
}

export interface StageOptions {
  /** The library's package root (holds package.json, dist/, policypack/). */
  root: string;
  /** Directory to create; must be empty or absent. */
  outDir: string;
}

export interface StagedPack {
  outDir: string;
  tarball: string;
  version: string;
}

const ENTRY = `"use strict";
// aks-guardrails policy pack, published form: every rule of the aks-guardrails library, levels resolved
// per stack. Staged by \`aks-guardrails stage-policypack\`; see the library's README.
const { createPolicyPack, rules } = require("aks-guardrails");

createPolicyPack(rules);
`;

export function stagePolicyPack({ root, outDir }: StageOptions): StagedPack {
  const library = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as PackageJson;
  const pack = JSON.parse(readFileSync(path.join(root, "policypack", "package.json"), "utf8")) as PackageJson;
  if (!existsSync(path.join(root, "dist", "src", "index.js"))) {
    throw new StageError(`${root}: dist/ is missing; run \`npm run build\` before staging the pack`);
  }
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    throw new StageError(`${outDir}: not empty; staging needs an empty or new directory`);
  }
  mkdirSync(outDir, { recursive: true });
  // --ignore-scripts: dist/ is already built; `prepare` would only rebuild it.
  let output: string;
  try {
    output = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", outDir], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr ?? String(e);
    throw new StageError(`npm pack failed in ${root}: ${stderr.trim().split("\n").slice(-3).join(" ")}`);
  }
  const tarball = output.trim().split("\n").pop() ?? "";
  if (!tarball.endsWith(".tgz") || !existsSync(path.join(outDir, tarball))) {
    throw new StageError(`npm pack did not produce a tarball in ${outDir} (output: ${output.trim()})`);
  }
  const dependencies: Record<string, string> = { [library.name]: `file:${tarball}` };
  // The CLI resolves run-policy-pack and the SDK from the pack's own node_modules: pin the library's versions.
  for (const dep of ["@pulumi/policy", "@pulumi/pulumi"]) {
    const version = library.dependencies?.[dep];
    if (!version) throw new StageError(`${root}/package.json: dependency ${dep} is missing`);
    dependencies[dep] = version;
  }
  const manifest = {
    name: pack.name,
    version: library.version,
    description: library.description,
    license: library.license,
    main: "index.js",
    dependencies,
  };
  writeFileSync(path.join(outDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const lock = stagedLock(root, library, manifest, outDir, tarball);
  writeFileSync(path.join(outDir, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
  writeFileSync(path.join(outDir, "index.js"), ENTRY);
  copyFileSync(path.join(root, "policypack", "PulumiPolicy.yaml"), path.join(outDir, "PulumiPolicy.yaml"));
  return { outDir, tarball, version: library.version };
}

/**
 * The staged pack's lock: its own root entry, the library as a `file:` tarball, and every non-dev package of
 * the library's lock at the same paths (the library's production closure, hoisted the same way).
 */
function stagedLock(
  root: string,
  library: PackageJson,
  manifest: { name: string; version: string; dependencies: Record<string, string> },
  outDir: string,
  tarball: string,
): Lockfile & { name: string; version: string; requires: boolean } {
  const lockFile = path.join(root, "package-lock.json");
  if (!existsSync(lockFile))
    throw new StageError(`${lockFile}: missing; the staged pack pins the library's locked versions`);
  const source = JSON.parse(readFileSync(lockFile, "utf8")) as Lockfile;
  if (source.lockfileVersion < 2)
    throw new StageError(`${lockFile}: lockfileVersion ${source.lockfileVersion} is too old (need 2 or 3)`);
  const libraryEntry = source.packages[""] ?? {};
  const packages: Record<string, LockEntry> = {
    "": { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies },
    [`node_modules/${library.name}`]: {
      version: library.version,
      resolved: `file:${tarball}`,
      integrity: `sha512-${createHash("sha512")
        .update(readFileSync(path.join(outDir, tarball)))
        .digest("base64")}`,
      license: library.license,
      dependencies: libraryEntry.dependencies,
      bin: libraryEntry.bin,
      engines: libraryEntry.engines,
    },
  };
  for (const [key, entry] of Object.entries(source.packages)) {
    if (key === "" || entry.dev || entry.devOptional) continue;
    packages[key] = entry;
  }
  return { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages };
}
