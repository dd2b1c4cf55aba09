/**
 * Width and height of an image from the first bytes of its file: PNG, JPEG, GIF and WebP (VP8,
 * VP8L, VP8X). Only headers are read, never pixels, so a hostile file costs a few comparisons;
 * anything unrecognised or truncated gives undefined (the API then leaves the fields out).
 */

export interface ImageSize {
  readonly width: number;
  readonly height: number;
  /** The format the header names, as a MIME type. */
  readonly mimeType: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
}

/** How many leading bytes the store keeps for sniffing; a JPEG's frame header may sit past EXIF. */
export const SNIFF_BYTES = 256 * 1024;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(b: Uint8Array, at: number, bytes: readonly number[]): boolean {
  if (b.length < at + bytes.length) return false;
  return bytes.every((v, i) => b[at + i] === v);
}

function ascii(b: Uint8Array, at: number, text: string): boolean {
  return startsWith(
    b,
    at,
    [...text].map((c) => c.charCodeAt(0)),
  );
}

const u16be = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const u16le = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
const u24le = (b: Uint8Array, at: number): number => u16le(b, at) | (b[at + 2]! << 16);
const u32be = (b: Uint8Array, at: number): number => u16be(b, at) * 0x10000 + u16be(b, at + 2);

function sized(
  width: number,
  height: number,
  mimeType: ImageSize['mimeType'],
): ImageSize | undefined {
  return width > 0 && height > 0 ? { width, height, mimeType } : undefined;
}

function png(b: Uint8Array): ImageSize | undefined {
  // Signature, then the IHDR chunk: length (4), "IHDR", width (4), height (4).
  if (b.length < 24 || !startsWith(b, 0, PNG_SIGNATURE) || !ascii(b, 12, 'IHDR')) return undefined;
  return sized(u32be(b, 16), u32be(b, 20), 'image/png');
}

function gif(b: Uint8Array): ImageSize | undefined {
  if (b.length < 10 || !(ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a'))) return undefined;
  return sized(u16le(b, 6), u16le(b, 8), 'image/gif');
}

/** Start-of-frame markers: SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
}

function jpeg(b: Uint8Array): ImageSize | undefined {
  if (!startsWith(b, 0, [0xff, 0xd8])) return undefined;
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1]!;
    // Fill bytes, and markers without a length (RSTn, TEM).
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = u16be(b, at + 2);
    if (length < 2) return undefined;
    if (isStartOfFrame(marker)) {
      if (at + 9 > b.length) return undefined;
      return sized(u16be(b, at + 7), u16be(b, at + 5), 'image/jpeg');
    }
    at += 2 + length;
  }
  return undefined;
}

function webp(b: Uint8Array): ImageSize | undefined {
  if (b.length < 30 || !ascii(b, 0, 'RIFF') || !ascii(b, 8, 'WEBP')) return undefined;
  if (ascii(b, 12, 'VP8 ')) {
    // Key frame start code 9D 01 2A, then 14-bit width and height.
    if (!startsWith(b, 23, [0x9d, 0x01, 0x2a])) return undefined;
    return sized(u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff, 'image/webp');
  }
  if (ascii(b, 12, 'VP8L')) {
    if (b[20] !== 0x2f) return undefined;
    const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
    return sized((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1, 'image/webp');
  }
  if (ascii(b, 12, 'VP8X')) {
    return sized(u24le(b, 24) + 1, u24le(b, 27) + 1, 'image/webp');
  }
  return undefined;
}

/** The size of the image whose file starts with `head`, or undefined when it is not one. */
export function imageSize(head: Uint8Array): ImageSize | undefined {
  return png(head) ?? jpeg(head) ?? gif(head) ?? webp(head);
}
