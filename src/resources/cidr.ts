/**
 * IPv4 and IPv6 addresses and CIDR blocks as numeric ranges, for NSG, route and firewall prefix matching.
 * Parsing is strict (ARM rejects malformed prefixes, so anything that does not parse is "cannot evaluate",
 * never a guess); containment and overlap are numeric, so `10.0.0.0/8` contains `10.1.2.0/24` whatever the
 * spelling.
 */

export interface IpRange {
  family: 4 | 6;
  first: bigint;
  last: bigint;
}

const V4_BITS = 32n;
const V6_BITS = 128n;

function parseV4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseV6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    // An embedded IPv4 address in the last 32 bits (e.g. ::ffff:10.0.0.1).
    tailV4 = parseV4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] | undefined => {
    if (s === "") return [];
    const g = s.split(":");
    return g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? g : undefined;
  };
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  if (!left || !right) return undefined;
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...left, ...Array<string>(missing).fill("0"), ...right];
  let value = 0n;
  for (const g of all) value = (value << 16n) | BigInt(parseInt(g, 16));
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

/** Parses `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or `addr/n`; host bits are ignored (ARM normalises them). */
export function parseCidr(text: string): IpRange | undefined {
  if (typeof text !== "string" || text.length > 64) return undefined;
  const slash = text.indexOf("/");
  const address = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  const isV6 = address.includes(":");
  const value = isV6 ? parseV6(address) : parseV4(address);
  if (value === undefined) return undefined;
  const bits = isV6 ? V6_BITS : V4_BITS;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    prefix = BigInt(Number(prefixText));
    if (prefix > bits) return undefined;
  }
  const hostBits = bits - prefix;
  const hostMask = (1n << hostBits) - 1n;
  const first = value & ~hostMask & ((1n << bits) - 1n);
  return { family: isV6 ? 6 : 4, first, last: first | hostMask };
}

export function rangeContains(outer: IpRange, inner: IpRange): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

export function rangesOverlap(a: IpRange, b: IpRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** Sorted, merged copy of a list of ranges (adjacent and overlapping ranges joined), per family. */
export function mergeRanges(ranges: readonly IpRange[]): IpRange[] {
  const sorted = [...ranges].sort((a, b) =>
    a.family !== b.family ? a.family - b.family : a.first < b.first ? -1 : a.first > b.first ? 1 : 0,
  );
  const out: IpRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === r.family && r.first <= last.last + 1n) {
      if (r.last > last.last) out[out.length - 1] = { ...last, last: r.last };
    } else {
      out.push({ ...r });
    }
  }
  return out;
}

export type RangeCoverage = "full" | "partial" | "none";

/** How much of `target` the union of `merged` (from {@link mergeRanges}) covers. */
export function unionCoverage(merged: readonly IpRange[], target: IpRange): RangeCoverage {
  let overlap = false;
  for (const r of merged) {
    if (r.family !== target.family || r.last < target.first || r.first > target.last) continue;
    // Merged ranges are disjoint and non-adjacent, so one range either holds all of target or not.
    if (r.first <= target.first && target.last <= r.last) return "full";
    overlap = true;
  }
  return overlap ? "partial" : "none";
}

/** Address blocks that are never Internet-routable (RFC 1918, 6598, loopback, link-local, ULA, ...). */
const NON_PUBLIC = mergeRanges(
  [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "::/128",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
  ].map((c) => parseCidr(c) as IpRange),
);

/** `none`: wholly public; `full`: wholly private/reserved; `partial`: both. */
export function privateCoverage(range: IpRange): RangeCoverage {
  return unionCoverage(NON_PUBLIC, range);
}
