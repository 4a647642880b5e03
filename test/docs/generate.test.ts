/**
 * The docs generator's own logic: reading the statement map, comparing it with the rules' citations, and the
 * index's columns and the links between the pages. Freshness of the committed files is the conventions test's job.
 */
import * as fs from "fs";
import * as path from "path";
import {
  COVERAGE_FILE,
  INDEX_FILE,
  coverageDifferences,
  parseStatements,
  providersRead,
  renderCoverage,
  renderDocs,
  renderIndex,
  rulePagePath,
} from "../../src/docs/generate";
import { defineRule } from "../../src/model/rule";
import { ruleById, rules as registeredRules } from "../../src/rules";

const ROOT = path.join(__dirname, "..", "..");

function ruleCiting(id: string, statements: string[], resourceTypes: string[] = []) {
  return defineRule({
    id,
    title: id,
    area: "node-pools",
    description: "A test rule.",
    source: { sections: ["shared-responsibility"], statements },
    defaultLevel: "advisory",
    resourceTypes,
    options: {},
    fix: "Fix it.",
    docs: { why: "", checks: "", violating: "", fixed: "" },
    checkResource: () => [],
  });
}

const STATEMENTS_MD = [
  "# AKS support policy — statement map",
  "",
  "## Statements",
  "",
  "| S | anchor (2020 sv) | statement (summary) | enforceable | rules / why not |",
  "|---|---|---|---|---|",
  "| S01 | `support-policies` | Scope of the article. | no | scope statement |",
  "| S09 | `shared-responsibility` | Keep a System pool \\| always. | partly | `aks-system-node-pool` (the pool definition) |",
  "| S31 | `customer-responsibilities` | Upgrade. | yes | `aks-a`, `aks-b`; see `nodeOSUpgradeChannel` |",
  "",
  "Totals: 3 statements; 2 enforceable (1 `yes`, 1 `partly`); 1 not enforceable.",
  "",
  "## Differences",
  "",
  "| S | 2019 | 2020 |",
  "|---|---|---|",
  "| S12 | unsupportable | unusable |",
  "",
].join("\n");

describe("parseStatements", () => {
  test("reads the rows of the Statements section only, with mapped rule ids from code spans", () => {
    expect(parseStatements(STATEMENTS_MD, "statements.md")).toEqual([
      {
        id: "S01",
        section: "`support-policies`",
        summary: "Scope of the article.",
        enforceable: "no",
        mappedRules: [],
        note: "scope statement",
      },
      {
        id: "S09",
        section: "`shared-responsibility`",
        summary: "Keep a System pool \\| always.",
        enforceable: "partly",
        mappedRules: ["aks-system-node-pool"],
        note: "`aks-system-node-pool` (the pool definition)",
      },
      {
        id: "S31",
        section: "`customer-responsibilities`",
        summary: "Upgrade.",
        enforceable: "yes",
        mappedRules: ["aks-a", "aks-b"],
        note: "`aks-a`, `aks-b`; see `nodeOSUpgradeChannel`",
      },
    ]);
  });

  test.each([
    ["no Statements section", "# Title\n\n| S01 | `a` | b | no | c |\n", /no "## Statements" section/],
    ["an empty table", "## Statements\n\nnothing here\n", /has no rows/],
    [
      "an unknown enforceability",
      "## Statements\n\n| S01 | `a` | b | maybe | c |\n",
      /S01 must have 5 cells with enforceable yes \| partly \| no/,
    ],
    ["a missing cell", "## Statements\n\n| S01 | `a` | b | no |\n", /S01 must have 5 cells/],
    [
      "a repeated id",
      "## Statements\n\n| S01 | `a` | b | no | c |\n| S01 | `a` | b | no | c |\n",
      /S01 appears twice/,
    ],
    [
      "totals that disagree with the rows",
      STATEMENTS_MD.replace("Totals: 3 statements", "Totals: 4 statements"),
      /has 3\/2\/1\/1\/1 statements but "Totals:" says 4\/2\/1\/1\/1/,
    ],
  ])("fails on %s", (_name, markdown, message) => {
    expect(() => parseStatements(markdown, "statements.md")).toThrow(message);
  });
});

describe("coverageDifferences", () => {
  const statements = parseStatements(STATEMENTS_MD, "statements.md");

  test("none when each mapped rule cites the statement and each citation is mapped", () => {
    const rules = [
      ruleCiting("aks-system-node-pool", ["S09"]),
      ruleCiting("aks-a", ["S31"]),
      ruleCiting("aks-b", ["S31"]),
    ];
    expect(coverageDifferences(rules, statements)).toEqual([]);
  });

  test("names every kind of disagreement, in statement order", () => {
    const rules = [ruleCiting("aks-system-node-pool", ["S01", "S31", "S99"]), ruleCiting("aks-a", ["S09"])];
    expect(coverageDifferences(rules, statements)).toEqual([
      { statement: "S01", rule: "aks-system-node-pool", kind: "cited-but-not-enforceable" },
      { statement: "S09", rule: "aks-system-node-pool", kind: "not-in-rule-source" },
      { statement: "S09", rule: "aks-a", kind: "not-in-statements-md" },
      { statement: "S31", rule: "aks-a", kind: "not-in-rule-source" },
      { statement: "S31", rule: "aks-b", kind: "unknown-rule" },
      { statement: "S31", rule: "aks-system-node-pool", kind: "not-in-statements-md" },
      { statement: "S99", rule: "aks-system-node-pool", kind: "unknown-statement" },
    ]);
  });

  test("an enforceable statement no rule cites is a gap", () => {
    const rules = [ruleCiting("aks-system-node-pool", ["S09"])];
    expect(coverageDifferences(rules, statements)).toEqual([
      { statement: "S31", rule: "aks-a", kind: "unknown-rule" },
      { statement: "S31", rule: "aks-b", kind: "unknown-rule" },
      { statement: "S31", rule: "", kind: "no-rule" },
    ]);
  });
});

describe("renderCoverage", () => {
  const statements = parseStatements(STATEMENTS_MD, "statements.md");

  test("gives the citing rules, or the statement map's reason, and flags disagreements", () => {
    const page = renderCoverage([ruleCiting("aks-system-node-pool", ["S09"])], statements);
    expect(page).toContain(
      "| S01 | `support-policies` | Scope of the article. | no | not enforceable: scope statement |",
    );
    expect(page).toContain(
      "| S09 | `shared-responsibility` | Keep a System pool \\| always. | partly | [`aks-system-node-pool`](rules/aks-system-node-pool.md) |",
    );
    expect(page).toContain("| S31 ⚠ | `customer-responsibilities` | Upgrade. | yes | **no rule** |");
    expect(page).toContain("- S31: statements.md calls it enforceable, but no rule lists it.");
    expect(page).toContain(
      "3 statements: 2 enforceable (1 `yes`, 1 `partly`), 1 of them enforced by at least one rule",
    );
  });

  test("says so when there is no difference", () => {
    const rules = [
      ruleCiting("aks-system-node-pool", ["S09"]),
      ruleCiting("aks-a", ["S31"]),
      ruleCiting("aks-b", ["S31"]),
    ];
    const page = renderCoverage(rules, statements);
    expect(page).not.toContain("⚠ |");
    expect(page).toMatch(/## Differences between the rule objects and the statement map\n\nNone: /);
  });
});

describe("index provider columns", () => {
  test.each([
    ["azure-native only", ["azure-native:containerservice:AgentPool"], ["native"]],
    [
      "native and classic",
      [
        "azure:containerservice/kubernetesCluster:KubernetesCluster",
        "azure-native:containerservice:ManagedCluster",
      ],
      ["native", "classic"],
    ],
    ["kubernetes only", ["kubernetes:core/v1:ConfigMap"], ["kubernetes"]],
  ])("%s", (_name, tokens, providers) => {
    expect(providersRead(ruleCiting("aks-x", ["S09"], tokens))).toEqual(providers);
  });

  test("the registered rules' rows carry their coverage", () => {
    const systemPool = ruleById("aks-system-node-pool");
    const managed = ruleById("aks-managed-components-unmodified");
    if (!systemPool || !managed) throw new Error("rules missing from the registry");
    const index = renderIndex([managed, systemPool]);
    expect(index).toContain("| native | classic | kubernetes |");
    expect(index).toMatch(/\[`aks-system-node-pool`\].* \| S05, S09 \| ✓ \| ✓ \| — \|\n/);
    expect(index).toMatch(
      /\[`aks-managed-components-unmodified`\].* \| S05, S07, S13, S27 \| — \| — \| ✓ \|\n/,
    );
  });
});

describe("the index and the links between the generated pages", () => {
  const statements = parseStatements(STATEMENTS_MD, "statements.md");
  const rendered = renderDocs(registeredRules, statements);
  const index = rendered.get(INDEX_FILE) ?? "";

  test("the index is docs/README.md, with the issue's columns, and links the coverage page", () => {
    expect(INDEX_FILE).toBe("docs/README.md");
    expect(index).toContain(
      "| rule | area | default level | support-policy sections | statements | native | classic | kubernetes |",
    );
    expect(index).toContain("[Coverage](coverage.md)");
    for (const rule of registeredRules) expect(index).toContain(`[\`${rule.id}\`](rules/${rule.id}.md)`);
  });

  test("every rule page links back to the index and the coverage page", () => {
    for (const rule of registeredRules) {
      expect(rendered.get(rulePagePath(rule.id))).toContain(
        "[All rules](../README.md) · [Support-policy coverage](../coverage.md)",
      );
    }
  });

  test("every relative link in a generated page reaches a generated page or a file of the repository", () => {
    const broken: string[] = [];
    for (const [file, content] of rendered) {
      // Code (regular expressions in options tables, examples) is not Markdown: links are looked for outside it.
      const prose = content.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, "").replace(/(`+)[^`]*?\1/g, "");
      for (const [, target] of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target) || target.startsWith("#")) continue;
        const resolved = path.posix.normalize(
          path.posix.join(path.posix.dirname(file), target.split("#")[0]),
        );
        if (!rendered.has(resolved) && !fs.existsSync(path.join(ROOT, ...resolved.split("/")))) {
          broken.push(`${file} → ${target}`);
        }
      }
    }
    expect(rendered.has(COVERAGE_FILE)).toBe(true);
    expect(broken).toEqual([]);
  });
});
