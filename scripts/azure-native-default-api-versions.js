#!/usr/bin/env node
// @ts-check
/**
 * Builds src/data/azure-native-default-api-versions.json: every unversioned @pulumi/azure-native resource whose
 * default Azure REST API version is a preview (or other pre-release stage), by module, read from the
 * "Uses Azure REST API version …" header of each resource's .d.ts in the installed (pinned) package.
 * `aks-preview-api-version` reads the table at run time; the pack never loads the provider SDK.
 *
 *   node scripts/azure-native-default-api-versions.js           write the table
 *   node scripts/azure-native-default-api-versions.js --check   exit 1 when the committed table is stale
 *
 * test/data/azure-native-default-api-versions.test.ts runs `--check`, so a version bump of
 * @pulumi/azure-native without regenerating fails CI.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.join(__dirname, "..");
const TABLE = path.join(ROOT, "src", "data", "azure-native-default-api-versions.json");
const PACKAGE = "@pulumi/azure-native";

const PULUMI_TYPE = /__pulumiType = '(azure-native:[a-z0-9]+:[A-Za-z0-9]+)'/;
const CUSTOM_RESOURCE = /extends pulumi\.CustomResource\b/;
const HEADER = /Uses Azure REST API version (\d{4}-\d{2}-\d{2}(?:-[A-Za-z]+)?)\b/;
/** A version with a stage suffix (`2024-10-02-preview`, `2018-03-01-beta`) is not GA. */
const PRE_RELEASE = /^\d{4}-\d{2}-\d{2}-[A-Za-z]+$/;

/**
 * @param {string} packageDir the installed @pulumi/azure-native directory
 * @returns {{ version: string, resources: number, withoutHeader: string[], previewDefaults: Record<string, Record<string, string>> }}
 */
function scan(packageDir) {
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8"));
  /** @type {Record<string, Record<string, string>>} */
  const previewDefaults = {};
  /** @type {string[]} */
  const withoutHeader = [];
  let resources = 0;
  const modules = fs
    .readdirSync(packageDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== "types" && entry.name !== "node_modules")
    .map((entry) => entry.name)
    .sort();
  for (const module of modules) {
    const dir = path.join(packageDir, module);
    for (const file of fs.readdirSync(dir).sort()) {
      if (!file.endsWith(".js")) continue;
      const js = fs.readFileSync(path.join(dir, file), "utf8");
      const token = PULUMI_TYPE.exec(js)?.[1];
      if (!token || !CUSTOM_RESOURCE.test(js)) continue;
      const dts = path.join(dir, file.replace(/\.js$/, ".d.ts"));
      const header = fs.existsSync(dts) ? HEADER.exec(fs.readFileSync(dts, "utf8")) : null;
      if (!header) {
        withoutHeader.push(token);
        continue;
      }
      resources++;
      if (!PRE_RELEASE.test(header[1])) continue;
      const [, tokenModule, type] = token.split(":");
      (previewDefaults[tokenModule] ??= {})[type] = header[1];
    }
  }
  return { version, resources, withoutHeader, previewDefaults };
}

/**
 * The table as committed: deterministic JSON (sorted keys, two-space indent, trailing newline).
 * @param {string} packageDir
 */
function render(packageDir) {
  const { version, resources, previewDefaults } = scan(packageDir);
  const sorted = Object.fromEntries(
    Object.keys(previewDefaults)
      .sort()
      .map((module) => [
        module,
        Object.fromEntries(
          Object.keys(previewDefaults[module])
            .sort()
            .map((type) => [type, previewDefaults[module][type]]),
        ),
      ]),
  );
  const count = Object.values(sorted).reduce((n, types) => n + Object.keys(types).length, 0);
  const table = {
    generatedBy:
      "scripts/azure-native-default-api-versions.js (do not edit; run it after changing the pinned version)",
    package: PACKAGE,
    version,
    resourcesWithDefaultVersion: resources,
    previewDefaultCount: count,
    previewDefaults: sorted,
  };
  return `${JSON.stringify(table, null, 2)}\n`;
}

function packageDir() {
  return path.dirname(require.resolve(`${PACKAGE}/package.json`, { paths: [ROOT] }));
}

function main() {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--check");
  if (unknown.length) {
    process.stderr.write(
      `unknown argument ${unknown[0]}; usage: azure-native-default-api-versions [--check]\n`,
    );
    return 2;
  }
  const expected = render(packageDir());
  const relative = path.relative(ROOT, TABLE);
  if (args.includes("--check")) {
    const actual = fs.existsSync(TABLE) ? fs.readFileSync(TABLE, "utf8") : "";
    if (actual === expected) {
      process.stdout.write(`${relative} is up to date.\n`);
      return 0;
    }
    const version = JSON.parse(expected).version;
    process.stderr.write(
      `${relative} is stale for the installed ${PACKAGE} ${version}; run \`node scripts/azure-native-default-api-versions.js\` and commit the result.\n`,
    );
    return 1;
  }
  fs.mkdirSync(path.dirname(TABLE), { recursive: true });
  fs.writeFileSync(TABLE, expected);
  const table = JSON.parse(expected);
  process.stdout.write(
    `${relative}: ${table.previewDefaultCount} of ${table.resourcesWithDefaultVersion} resources of ${PACKAGE} ${table.version} default to a pre-release API version.\n`,
  );
  return 0;
}

module.exports = { scan, render };

if (require.main === module) process.exitCode = main();
