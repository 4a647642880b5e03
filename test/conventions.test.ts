/**
 * Conventions every rule must keep (conventions.md §1, §2, §6): one file per rule whose default export
 * is the rule, an explicit sorted registry, a test file, an up-to-date generated doc page (and coverage page,
 * which must agree with statements.md up to the listed known differences), an id and
 * default level from `rule-ids.md`, real provider type tokens, citations that exist in the statement
 * map, and option defaults that satisfy their own schemas.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  COVERAGE_FILE,
  DOCS_DIR,
  INDEX_FILE,
  coverageDifferences,
  diffDocs,
  main,
  parseStatements,
  renderDocs,
  renderRuleDocs,
  rulePagePath,
} from "../src/docs/generate";
import { isLevel } from "../src/model/levels";
import type { Rule } from "../src/model/rule";
import { validate } from "../src/model/schema";
import { parseAzureNative } from "../src/resources/tokens";
import { rules } from "../src/rules";

const ROOT = path.join(__dirname, "..");
const RULES_DIR = path.join(ROOT, "src", "rules");
const SHARED = path.join(__dirname, "..", "..", "shared");
const RULE_IDS_MD = path.join(SHARED, "design", "rule-ids.md");
const STATEMENTS_MD = path.join(SHARED, "support-policy", "statements.md");
const AZURE_NATIVE = path.join(ROOT, "node_modules", "@pulumi", "azure-native");

const ruleFileIds = fs
  .readdirSync(RULES_DIR)
  .filter((f) => f.endsWith(".ts") && f !== "index.ts")
  .map((f) => f.slice(0, -".ts".length))
  .sort();

/**
 * `it` when a shared design file is present, else `it.skip` with the reason in the test name: a published
 * copy of the package has no `../shared`, and the skip must say so rather than pass silently.
 */
function whenPresent(file: string, title: string): [jest.It, string] {
  return fs.existsSync(file)
    ? [it, title]
    : [it.skip, `${title} (skipped: ${file} not found, e.g. in a published copy without ../shared)`];
}

interface RuleIdRow {
  id: string;
  area: string;
  level: string;
  sections: string[];
}

function ruleIdTable(): Map<string, RuleIdRow> {
  const rows = new Map<string, RuleIdRow>();
  for (const line of fs.readFileSync(RULE_IDS_MD, "utf8").split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 6 || !/^aks-[a-z0-9-]+$/.test(cells[1])) continue;
    rows.set(cells[1], {
      id: cells[1],
      area: cells[2],
      level: cells[3],
      sections: cells[4].split(",").map((s) => s.trim()),
    });
  }
  return rows;
}

/** "advisory (mandatory on stacks matching `prod*`)" → { level, stacks }. */
function parseTableLevel(text: string): { level: string; stacks?: Record<string, string> } {
  const m = /^(\w+) \((\w+) on stacks matching `([^`]+)`\)$/.exec(text);
  return m ? { level: m[1], stacks: { [m[3]]: m[2] } } : { level: text };
}

describe("rule files and the registry", () => {
  it("finds rule files", () => {
    expect(ruleFileIds.length).toBeGreaterThan(0);
  });

  it.each(ruleFileIds)("src/rules/%s.ts exports as default the registered rule with that id", async (id) => {
    const mod: { default?: Rule } = await import(path.join(RULES_DIR, `${id}.ts`));
    expect(mod.default?.id).toBe(id);
    expect(rules).toContain(mod.default);
  });

  it("registry is sorted by id, has no duplicates and nothing without a rule file", () => {
    const ids = rules.map((r) => r.id);
    expect(ids).toEqual([...new Set(ids)].sort());
    expect(ids).toEqual(ruleFileIds);
  });

  it.each(ruleFileIds)("test/rules/%s.test.ts exists", (id) => {
    expect(fs.existsSync(path.join(ROOT, "test", "rules", `${id}.test.ts`))).toBe(true);
  });
});

describe("generated docs", () => {
  const rendered = renderRuleDocs(rules);

  it.each(ruleFileIds)("docs/rules/%s.md exists and is up to date", (id) => {
    const file = path.join(ROOT, ...rulePagePath(id).split("/"));
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.readFileSync(file, "utf8")).toBe(rendered.get(rulePagePath(id)));
  });

  it(`${DOCS_DIR} has no stale, missing or extra files (run \`npm run docs\`)`, () => {
    expect(diffDocs(ROOT, rendered)).toEqual({ stale: [], missing: [], extra: [] });
  });

  it("is deterministic and independent of the registry order", () => {
    expect(renderRuleDocs([...rules].reverse())).toEqual(rendered);
  });

  it("--check fails on missing and extra files and passes after writing", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "aks-guardrails-docs-"));
    const noStatements = path.join(root, "no-statements.md");
    try {
      const out: string[] = [];
      const err: string[] = [];
      const collect = (into: string[]) => (line: string) => into.push(line);
      const run = (argv: string[]) => main(argv, root, collect(out), collect(err), noStatements);
      expect(run(["--check"])).toBe(1);
      expect(err.join("\n")).toContain(`missing: ${INDEX_FILE}`);
      expect(err.join("\n")).toContain("npm run docs");

      expect(run([])).toBe(0);
      expect(run(["--check"])).toBe(0);

      fs.writeFileSync(path.join(root, DOCS_DIR, "aks-gone.md"), "old\n");
      fs.appendFileSync(path.join(root, ...INDEX_FILE.split("/")), "edited by hand\n");
      err.length = 0;
      expect(run(["--check"])).toBe(1);
      expect(err).toEqual(
        expect.arrayContaining([`  stale:   ${INDEX_FILE}`, `  extra:   ${DOCS_DIR}/aks-gone.md`]),
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("generated coverage page", () => {
  const [test, title] = whenPresent(STATEMENTS_MD, `${COVERAGE_FILE} is up to date with statements.md`);
  test(title, () => {
    const statements = parseStatements(fs.readFileSync(STATEMENTS_MD, "utf8"), STATEMENTS_MD);
    const coverage = renderDocs(rules, statements).get(COVERAGE_FILE);
    expect(fs.readFileSync(path.join(ROOT, ...COVERAGE_FILE.split("/")), "utf8")).toBe(coverage);
  });

  const [listsAll, listsAllTitle] = whenPresent(STATEMENTS_MD, "lists every statement of statements.md");
  listsAll(listsAllTitle, () => {
    const statements = parseStatements(fs.readFileSync(STATEMENTS_MD, "utf8"), STATEMENTS_MD);
    expect(statements.map((s) => s.id)).toEqual(
      Array.from({ length: 57 }, (_, i) => `S${String(i + 1).padStart(2, "0")}`),
    );
    const coverage = fs.readFileSync(path.join(ROOT, ...COVERAGE_FILE.split("/")), "utf8");
    for (const s of statements) expect(coverage).toMatch(new RegExp(`^\\| ${s.id}( ⚠)? \\|`, "m"));
  });

  // The only known difference: S51's statement-map row names the preview-feature rule and mentions "allow-list
  // config of the alpha/beta rules" in prose; aks-alpha-kubernetes-api cites S51 for its `allowedApis` option
  // (rule catalog §3: "(+ allowedApis of the alpha/beta rules)").
  const [agrees, agreesTitle] = whenPresent(
    STATEMENTS_MD,
    "the rule objects and statements.md agree, except for the known differences",
  );
  agrees(agreesTitle, () => {
    const statements = parseStatements(fs.readFileSync(STATEMENTS_MD, "utf8"), STATEMENTS_MD);
    expect(coverageDifferences(rules, statements)).toEqual([
      { statement: "S51", rule: "aks-alpha-kubernetes-api", kind: "not-in-statements-md" },
    ]);
  });

  it("--check skips the coverage page with a note when statements.md is absent", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "aks-guardrails-docs-"));
    try {
      const out: string[] = [];
      const err: string[] = [];
      const missing = path.join(root, "shared", "statements.md");
      expect(
        main(
          [],
          root,
          (l) => out.push(l),
          (l) => err.push(l),
          missing,
        ),
      ).toBe(0);
      expect(fs.existsSync(path.join(root, COVERAGE_FILE))).toBe(false);
      fs.mkdirSync(path.join(root, "docs"), { recursive: true });
      fs.writeFileSync(path.join(root, COVERAGE_FILE), "committed copy\n");
      out.length = 0;
      expect(
        main(
          ["--check"],
          root,
          (l) => out.push(l),
          (l) => err.push(l),
          missing,
        ),
      ).toBe(0);
      expect(out.join("\n")).toContain(`note: ${missing} not found`);
      expect(out.join("\n")).toContain(`${COVERAGE_FILE} not checked`);
      expect(fs.readFileSync(path.join(root, COVERAGE_FILE), "utf8")).toBe("committed copy\n");
      expect(err).toEqual([]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("--check fails on a stale coverage page when statements.md is present", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "aks-guardrails-docs-"));
    try {
      const statementsFile = path.join(root, "statements.md");
      fs.writeFileSync(
        statementsFile,
        [
          "## Statements",
          "",
          "| S | anchor | statement | enforceable | rules / why not |",
          "|---|---|---|---|---|",
          "| S01 | `scope` | A scope statement. | no | scope statement |",
          "| S09 | `shared-responsibility` | Keep a System pool. | partly | `aks-system-node-pool` |",
          "",
        ].join("\n"),
      );
      const err: string[] = [];
      const run = (argv: string[]) =>
        main(
          argv,
          root,
          () => undefined,
          (l) => err.push(l),
          statementsFile,
        );
      expect(run([])).toBe(0);
      expect(run(["--check"])).toBe(0);
      fs.appendFileSync(path.join(root, COVERAGE_FILE), "edited by hand\n");
      expect(run(["--check"])).toBe(1);
      expect(err).toContain(`  stale:   ${COVERAGE_FILE}`);
      fs.rmSync(path.join(root, COVERAGE_FILE));
      err.length = 0;
      expect(run(["--check"])).toBe(1);
      expect(err).toContain(`  missing: ${COVERAGE_FILE}`);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("rule-ids.md", () => {
  const [test, title] = whenPresent(
    RULE_IDS_MD,
    "%s is in the table with its area, default level and sections",
  );
  test.each(rules.map((r) => [r.id, r] as const))(title, (id, rule) => {
    const row = ruleIdTable().get(id);
    expect(row).toBeDefined();
    if (!row) return;
    expect(rule.area).toBe(row.area);
    expect([...rule.source.sections]).toEqual(row.sections);
    const expected = parseTableLevel(row.level);
    expect(isLevel(expected.level)).toBe(true);
    expect(rule.defaultLevel).toBe(expected.level);
    expect(rule.defaultStacks).toEqual(expected.stacks);
  });
});

describe("support-policy citations", () => {
  const [test, title] = whenPresent(STATEMENTS_MD, "%s cites section anchors that exist in statements.md");
  test.each(rules.map((r) => [r.id, r] as const))(title, (_id, rule) => {
    const statements = fs.readFileSync(STATEMENTS_MD, "utf8");
    expect(rule.source.sections.length).toBeGreaterThan(0);
    for (const anchor of rule.source.sections) expect(statements).toContain(`\`${anchor}\``);
  });

  it.each(rules.map((r) => [r.id, r] as const))("%s cites statements S01–S57", (_id, rule) => {
    expect(rule.source.statements.length).toBeGreaterThan(0);
    for (const s of rule.source.statements) expect(s).toMatch(/^S(?:0[1-9]|[1-4][0-9]|5[0-7])$/);
  });
});

describe("resource type tokens", () => {
  const nativeTokens = [
    ...new Set(rules.flatMap((r) => r.resourceTypes.filter((t) => t.startsWith("azure-native")))),
  ]
    .sort()
    .map((t) => [t] as const);

  it("every rule lists at least one resource type", () => {
    for (const rule of rules) expect(rule.resourceTypes.length).toBeGreaterThan(0);
  });

  it.each(nativeTokens)("%s exists as a __pulumiType in the installed @pulumi/azure-native", (token) => {
    const parsed = parseAzureNative(token);
    expect(parsed?.base).toBe(token);
    if (!parsed) return;
    const file = path.join(
      AZURE_NATIVE,
      parsed.module,
      `${parsed.type[0].toLowerCase()}${parsed.type.slice(1)}.js`,
    );
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.readFileSync(file, "utf8")).toContain(`__pulumiType = '${token}'`);
  });
});

describe("options", () => {
  const options = rules.flatMap((rule) =>
    Object.entries(rule.options).map(([name, schema]) => [`${rule.id}.${name}`, schema] as const),
  );

  it.each(options)("%s has a default that validates against its own schema", (key, schema) => {
    expect(schema.default).toBeDefined();
    expect(validate(schema, schema.default, key)).toEqual([]);
  });
});
