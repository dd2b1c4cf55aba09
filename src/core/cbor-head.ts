/**
 * CBOR heads (major type + length argument) read and written by hand, for the few fixed
 * layouts that are built or checked byte by byte: stored entries `{s?, u}`, wire envelopes and
 * content blobs. Canonical CBOR writes every argument in its shortest form, so the reader also
 * refuses longer forms: no other bytes than the canonical ones can pass.
 */

/** Bytes of a head whose argument is `value`, in its shortest form. */
export function cborHeadLength(value: number): number {
  if (value < 24) return 1;
  if (value <= 0xff) return 2;
  if (value <= 0xffff) return 3;
  if (value <= 0xffffffff) return 5;
  return 9;
}

/** Writes the shortest head of `major` with argument `value` at `at`; returns the next offset. */
export function writeCborHead(out: Uint8Array, at: number, major: number, value: number): number {
  const type = major << 5;
  if (value < 24) {
    out[at] = type | value;
    return at + 1;
  }
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (value <= 0xff) {
    out[at] = type | 24;
    out[at + 1] = value;
    return at + 2;
  }
  if (value <= 0xffff) {
    out[at] = type | 25;
    view.setUint16(at + 1, value);
    return at + 3;
  }
  if (value <= 0xffffffff) {
    out[at] = type | 26;
    view.setUint32(at + 1, value);
    return at + 5;
  }
  out[at] = type | 27;
  view.setBigUint64(at + 1, BigInt(value));
  return at + 9;
}

/** The big-endian 16-bit unsigned integer at `at` (the argument of a head with info 25). */
export function readUint16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
}

/** The big-endian 32-bit unsigned integer at `at` (info 26), without a DataView. */
export function readUint32(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at] as number) * 0x1000000 + (readUint16(bytes, at + 1) << 8) + (bytes[at + 3] as number)
  );
}

/**
 * The head of major type `major` at `at`, if its argument fits 32 bits and is in its shortest
 * form: `[argument, offset just past the head]`. Anything else gives undefined.
 */
export function readMinimalHead(
  bytes: Uint8Array,
  at: number,
  major: number,
): [number, number] | undefined {
  const head = bytes[at];
  if (head === undefined || head >> 5 !== major) return undefined;
  const info = head & 0x1f;
  if (info < 24) return [info, at + 1];
  const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : 0;
  if (size === 0 || at + 1 + size > bytes.length) return undefined;
  let value = 0;
  for (let i = 1; i <= size; i += 1) value = value * 256 + (bytes[at + i] as number);
  const minimal = size === 1 ? value >= 24 : size === 2 ? value > 0xff : value > 0xffff;
  return minimal ? [value, at + 1 + size] : undefined;
}
