/** The shared readers of src/model/values.ts keep their meaning with their per-call work cached. */
import fc from "fast-check";
import { Unknown, at, equalsIgnoreCase } from "../../src/model/values";

describe("equalsIgnoreCase", () => {
  it("is localeCompare with accent sensitivity", () => {
    const samples = [
      "System",
      "system",
      "SYSTEM",
      "Système",
      "straße",
      "STRASSE",
      "",
      "ı",
      "I",
      "Linux",
      "linux ",
    ];
    for (const a of samples) {
      for (const b of samples) {
        expect(equalsIgnoreCase(a, b)).toBe(a.localeCompare(b, undefined, { sensitivity: "accent" }) === 0);
      }
    }
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(equalsIgnoreCase(a, b)).toBe(a.localeCompare(b, undefined, { sensitivity: "accent" }) === 0);
      }),
    );
  });
});

describe("at", () => {
  it("reads dotted paths, the same path again, unknowns and missing steps", () => {
    const bag = { a: { b: { c: 1 } }, u: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" };
    expect(at(bag, "a.b.c")).toBe(1);
    expect(at(bag, "a.b.c")).toBe(1);
    expect(at(bag, "a.b")).toEqual({ c: 1 });
    expect(at(bag, "a.x.c")).toBeUndefined();
    expect(at(bag, "u.v")).toBe(Unknown);
    expect(at(bag, "u")).toBe(Unknown);
    expect(at(undefined, "a")).toBeUndefined();
  });
});
