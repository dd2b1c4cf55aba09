/**
 * Length-prefixed CBOR frames over a libp2p stream: an unsigned varint byte length, then one
 * CBOR value. The reader pulls chunks only when it needs more bytes, and a frame larger than the
 * limit ends the exchange before its bytes are buffered.
 */
import { encode } from 'cborg';
import { decodeCbor } from '../cbor-decode.js';
import { FrameTooLargeError, StreamEndedError, SyncProtocolError } from './errors.js';

/** Largest frame accepted by default: a batch is ~2 MiB, one oversized entry may exceed it. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** A chunk as libp2p streams yield it: bytes, or a list of byte slices with `subarray()`. */
export type Chunk = Uint8Array | { subarray(): Uint8Array };

/** The writing half of a stream, as libp2p 3 streams provide it. */
export interface FrameSink {
  send(data: Uint8Array): boolean;
  onDrain(): Promise<void>;
}

export function encodeVarint(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** Encodes one value as a frame. */
export function encodeFrame(value: unknown): Uint8Array {
  const body = encode(value);
  const prefix = encodeVarint(body.byteLength);
  const frame = new Uint8Array(prefix.byteLength + body.byteLength);
  frame.set(prefix, 0);
  frame.set(body, prefix.byteLength);
  return frame;
}

/** Sends one frame, waiting for the stream to drain when its buffer is full (backpressure). */
export async function writeFrame(sink: FrameSink, value: unknown): Promise<void> {
  if (!sink.send(encodeFrame(value))) await sink.onDrain();
}

/** Reads frames one at a time from an async iterable of chunks. */
export class FrameReader {
  private readonly iterator: AsyncIterator<Chunk>;
  private buffer: Uint8Array = new Uint8Array(0);
  private offset = 0;

  constructor(
    source: AsyncIterable<Chunk>,
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** The next decoded value, or undefined when the stream ended cleanly between frames. */
  async next(): Promise<unknown> {
    const length = await this.readLength();
    if (length === undefined) return undefined;
    if (length > this.maxFrameBytes) throw new FrameTooLargeError(length, this.maxFrameBytes);
    if (!(await this.fill(length))) throw new StreamEndedError('stream ended inside a frame');
    const body = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    try {
      return decodeCbor(body);
    } catch (cause) {
      throw new SyncProtocolError('frame is not valid CBOR', { cause });
    }
  }

  /** Like `next` but an ended stream is an error: the caller expects an answer. */
  async expect(): Promise<unknown> {
    const value = await this.next();
    if (value === undefined) throw new StreamEndedError('stream ended before the expected frame');
    return value;
  }

  private async readLength(): Promise<number | undefined> {
    let value = 0;
    let factor = 1;
    for (let i = 0; i < 8; i += 1) {
      if (!(await this.fill(1))) {
        if (i === 0) return undefined;
        throw new StreamEndedError('stream ended inside a length prefix');
      }
      const byte = this.buffer[this.offset] as number;
      this.offset += 1;
      value += (byte & 0x7f) * factor;
      if (byte < 0x80) return value;
      factor *= 0x80;
    }
    throw new SyncProtocolError('length prefix is longer than 8 bytes');
  }

  /** Ensures `count` unread bytes are buffered; false when the stream ended first. */
  private async fill(count: number): Promise<boolean> {
    let available = this.buffer.byteLength - this.offset;
    if (available >= count) return true;
    // Collect chunks and join them once, so a large frame in many chunks is copied once.
    const parts: Uint8Array[] = [this.buffer.subarray(this.offset)];
    let ended = false;
    while (available < count) {
      const { value, done } = await this.iterator.next();
      if (done) {
        ended = true;
        break;
      }
      const chunk = value instanceof Uint8Array ? value : value.subarray();
      parts.push(chunk);
      available += chunk.byteLength;
    }
    this.buffer = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts);
    this.offset = 0;
    return !ended;
  }
}
