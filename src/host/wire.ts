/**
 * Performance: the host's Analyzer requests (Remediate, Analyze, AnalyzeStack) encoded straight to protobuf bytes.
 *
 * Building them as google-protobuf messages made a JavaScript object per property value (`Struct`, `Value`,
 * `ListValue`, each a jspb message with its own array), and serializing walked them again: ~60 µs per resource and
 * request, and for AnalyzeStack a graph of every resource of the stack held at once. Profiles of a 10k-resource scan
 * put a fifth of the CLI's time in the garbage collector. This writer walks the property values once and writes the
 * bytes google-protobuf 3.21 writes for the same messages (proto3 defaults omitted, map entries sorted by key, every
 * oneof member written when set); `test/host/wire.test.ts` compares them byte for byte with the generated classes.
 *
 * Property values follow `Struct.fromJavaScript` after the engine's marshalling (`toWireValue` in
 * analyzer-client.ts): resource references become their id (or URN), undefined object fields are dropped,
 * undefined array elements become null, and any other non-JSON value fails as `Struct.fromJavaScript` fails.
 */
import { HostProvider, HostResource, HostResourceOptions, PropertyMap, SECRET_SIG_KEY } from "./types";

/** The engine's resource-reference signature (`sig.ResourceReference`). */
export const RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;

/** A growable byte buffer with the few protobuf primitives the Analyzer requests need. */
class ProtoWriter {
  private buf: Buffer;
  private pos = 0;
  private readonly float = new DataView(new ArrayBuffer(8));

  constructor(initialSize = 1024) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varint(value: number): void {
    this.reserve(10);
    let v = value;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** A string field, always written (generated code skips empty proto3 strings itself; see {@link optString}). */
  string(field: number, value: string): void {
    this.tag(field, LENGTH_DELIMITED);
    const bytes = utf8Length(value);
    this.varint(bytes);
    this.reserve(bytes);
    if (bytes === value.length) {
      this.pos += this.buf.write(value, this.pos, "latin1");
    } else {
      this.writeUtf8(value);
    }
  }

  /**
   * google-protobuf's own UTF-8 encoding, lone surrogates included (a lone low one as 3 bytes, a high one not followed
   * by a low one not at all), rather than Buffer's replacement character.
   */
  private writeUtf8(value: string): void {
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < value.length; i++) {
      let c = value.charCodeAt(i);
      if (c < 0x80) {
        buf[pos++] = c;
      } else if (c < 0x800) {
        buf[pos++] = (c >> 6) | 0xc0;
        buf[pos++] = (c & 0x3f) | 0x80;
      } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
        const next = value.charCodeAt(i + 1);
        // google-protobuf writes nothing for a high surrogate that is not followed by a low one.
        if (next >= 0xdc00 && next <= 0xdfff) {
          c = (c - 0xd800) * 0x400 + next - 0xdc00 + 0x10000;
          buf[pos++] = (c >> 18) | 0xf0;
          buf[pos++] = ((c >> 12) & 0x3f) | 0x80;
          buf[pos++] = ((c >> 6) & 0x3f) | 0x80;
          buf[pos++] = (c & 0x3f) | 0x80;
          i++;
        }
      } else {
        buf[pos++] = (c >> 12) | 0xe0;
        buf[pos++] = ((c >> 6) & 0x3f) | 0x80;
        buf[pos++] = (c & 0x3f) | 0x80;
      }
    }
    this.pos = pos;
  }

  optString(field: number, value: string): void {
    if (value.length > 0) this.string(field, value);
  }

  optBool(field: number, value: boolean): void {
    if (value) {
      this.tag(field, VARINT);
      this.varint(1);
    }
  }

  double(field: number, value: number): void {
    this.tag(field, FIXED64);
    this.reserve(8);
    this.float.setFloat64(0, value, true);
    for (let i = 0; i < 8; i++) this.buf[this.pos++] = this.float.getUint8(i);
  }

  optDouble(field: number, value: number): void {
    if (value !== 0) this.double(field, value);
  }

  repeatedString(field: number, values: readonly string[]): void {
    for (const v of values) this.string(field, v);
  }

  /** A length-delimited sub-message written by `body`, always written (even when empty). */
  message(field: number, body: () => void): void {
    this.tag(field, LENGTH_DELIMITED);
    // One byte reserved for the length; moved right if the content turns out longer than 127 bytes.
    this.reserve(1);
    const lengthAt = this.pos++;
    const start = this.pos;
    body();
    const length = this.pos - start;
    const lengthBytes = varintLength(length);
    if (lengthBytes > 1) {
      this.reserve(lengthBytes - 1);
      this.buf.copyWithin(start + lengthBytes - 1, start, this.pos);
      this.pos += lengthBytes - 1;
    }
    let v = length;
    let at = lengthAt;
    while (v > 0x7f) {
      this.buf[at++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[at] = v;
  }

  raw(bytes: Buffer): void {
    this.reserve(bytes.length);
    bytes.copy(this.buf, this.pos);
    this.pos += bytes.length;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

function varintLength(value: number): number {
  let n = 1;
  let v = value;
  while (v > 0x7f) {
    n++;
    v = Math.floor(v / 128);
  }
  return n;
}

/** The length of {@link ProtoWriter.string}'s encoding of `value`. */
function utf8Length(value: string): number {
  let n = value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      n += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 2; // 4 bytes for 2 UTF-16 units
        i++;
      } else {
        n -= 1; // not written
      }
    } else {
      n += 2;
    }
  }
  return n;
}

/** `toWireValue` of a resource reference: its id, or its URN when it has none. */
function referenceTarget(value: Record<string, unknown>): unknown {
  return value.id !== undefined && value.id !== null ? value.id : value.urn;
}

/** google.protobuf.Value, as `Value.fromJavaScript(toWireValue(value))` then serialized. */
function writeValue(w: ProtoWriter, value: unknown): void {
  if (value === null) {
    w.tag(1, VARINT);
    w.varint(0);
    return;
  }
  switch (typeof value) {
    case "number":
      w.double(2, value);
      return;
    case "string":
      w.string(3, value);
      return;
    case "boolean":
      w.tag(4, VARINT);
      w.varint(value ? 1 : 0);
      return;
    case "object":
      if (Array.isArray(value)) {
        w.message(6, () => {
          for (const element of value)
            w.message(1, () => writeValue(w, element === undefined ? null : element));
        });
        return;
      }
      if ((value as Record<string, unknown>)[SECRET_SIG_KEY] === RESOURCE_REFERENCE_SIG) {
        writeValue(w, referenceTarget(value as Record<string, unknown>));
        return;
      }
      w.message(5, () => writeStructFields(w, value as Record<string, unknown>, false));
      return;
    default:
      // What Struct.fromJavaScript does with anything that is not JSON.
      throw new Error(`Unexpected struct type: ${typeof value}`);
  }
}

/**
 * google.protobuf.Struct's fields (map entries in key order, as google-protobuf writes maps). A key `__proto__`
 * (an own property when the input came from JSON.parse) is never sent, as the generated classes never sent it: a
 * receiver that rebuilds the object by assignment would set the object's prototype from untrusted input.
 */
function writeStructFields(w: ProtoWriter, props: Record<string, unknown>, skipInternalKeys: boolean): void {
  const keys: string[] = [];
  for (const key of Object.keys(props)) {
    if (props[key] === undefined || key === "__proto__") continue;
    if (!(skipInternalKeys && key.startsWith("__"))) keys.push(key);
  }
  keys.sort();
  for (const key of keys) {
    w.message(1, () => {
      w.string(1, key);
      w.message(2, () => writeValue(w, props[key]));
    });
  }
}

function writeStruct(w: ProtoWriter, field: number, props: PropertyMap, skipInternalKeys: boolean): void {
  w.message(field, () => writeStructFields(w, props, skipInternalKeys));
}

/** pulumirpc.AnalyzerResourceOptions, every field as `AnalyzerHost` sets it. */
function writeOptions(w: ProtoWriter, field: number, r: HostResource): void {
  const o: HostResourceOptions = r.options ?? {};
  w.message(field, () => {
    w.optBool(1, o.protect ?? false);
    w.repeatedString(2, o.ignoreChanges ?? []);
    w.optBool(3, o.deleteBeforeReplace ?? false);
    w.optBool(4, o.deleteBeforeReplace !== undefined);
    w.repeatedString(5, o.additionalSecretOutputs ?? []);
    w.repeatedString(6, o.aliases ?? []);
    w.message(7, () => {
      w.optDouble(1, o.customTimeouts?.create ?? 0);
      w.optDouble(2, o.customTimeouts?.update ?? 0);
      w.optDouble(3, o.customTimeouts?.delete ?? 0);
    });
    w.optString(8, r.parent ?? "");
  });
}

/**
 * pulumirpc.AnalyzerProviderResource, encoded once per provider inputs object: every resource of a provider sends
 * the same bytes, with Remediate, Analyze and AnalyzeStack.
 */
export class ProviderEncodings {
  private readonly byUrn = new Map<
    string,
    { type: string; name: string; inputs: PropertyMap; bytes: Buffer }
  >();

  bytes(provider: HostProvider): Buffer {
    const cached = this.byUrn.get(provider.urn);
    if (
      cached !== undefined &&
      cached.type === provider.type &&
      cached.name === provider.name &&
      cached.inputs === provider.inputs
    ) {
      return cached.bytes;
    }
    const w = new ProtoWriter(256);
    w.optString(1, provider.type);
    writeStruct(w, 2, provider.inputs, true);
    w.optString(3, provider.urn);
    w.optString(4, provider.name);
    const bytes = Buffer.from(w.finish());
    this.byUrn.set(provider.urn, {
      type: provider.type,
      name: provider.name,
      inputs: provider.inputs,
      bytes,
    });
    return bytes;
  }
}

/** A sub-message already encoded (a provider's). */
function writeEncodedMessage(w: ProtoWriter, field: number, bytes: Buffer): void {
  w.message(field, () => w.raw(bytes));
}

/** pulumirpc.AnalyzeRequest (Remediate and Analyze): the resource's checked inputs. */
export function encodeAnalyzeRequest(
  r: HostResource,
  props: PropertyMap,
  skipInternalKeys: boolean,
  providers: ProviderEncodings,
): Buffer {
  const w = new ProtoWriter();
  w.optString(1, r.type);
  writeStruct(w, 2, props, skipInternalKeys);
  w.optString(3, r.urn);
  w.optString(4, r.name);
  writeOptions(w, 5, r);
  if (r.provider) writeEncodedMessage(w, 6, providers.bytes(r.provider));
  return w.finish();
}

/** pulumirpc.AnalyzeStackRequest: every resource with its outputs, parent and dependencies. */
export function encodeAnalyzeStackRequest(
  resources: readonly HostResource[],
  providers: ProviderEncodings,
): Buffer {
  const w = new ProtoWriter(64 * 1024);
  for (const r of resources) {
    w.message(1, () => {
      w.optString(1, r.type);
      writeStruct(w, 2, r.outputs, true);
      w.optString(3, r.urn);
      w.optString(4, r.name);
      writeOptions(w, 5, r);
      if (r.provider) writeEncodedMessage(w, 6, providers.bytes(r.provider));
      w.optString(7, r.parent ?? "");
      w.repeatedString(8, r.dependencies);
      const keys = Object.keys(r.propertyDependencies)
        .filter((k) => r.propertyDependencies[k].length > 0)
        .sort();
      for (const key of keys) {
        w.message(9, () => {
          w.string(1, key);
          w.message(2, () => w.repeatedString(1, r.propertyDependencies[key]));
        });
      }
    });
  }
  return w.finish();
}
