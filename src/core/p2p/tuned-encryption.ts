/**
 * Cheaper encrypted connections for many small gossip messages. Two costs of the stock TCP +
 * noise stack are paid per message and dominate for ~1 KB payloads:
 *
 * - Every layer hands its bytes down at once and the TCP transport turns Nagle's algorithm off,
 *   so one noise frame becomes two `write` system calls (length, ciphertext), and a yamux
 *   window update two more. Corking the socket until the running JavaScript finishes turns all
 *   writes of one tick into one `writev`; nothing waits longer than code already running.
 * - Noise's frame reader learns that a read ended on a frame boundary by catching a RangeError
 *   thrown by its length decoder, i.e. it builds an Error with a stack trace for every read. A
 *   length decoder that answers "more bytes needed" without throwing does the same job.
 *
 * Both reach into objects the libraries create (the TCP connection's socket and send hook, the
 * noise stream's frame decoder). Each is checked before it is touched: with another library
 * version a connection simply keeps the stock behaviour.
 */
import type {
  ConnectionEncrypter,
  MessageStream,
  SecureConnectionOptions,
} from '@libp2p/interface';
import type { Socket } from 'node:net';

/** The parts of @libp2p/tcp's connection we use: its socket and its send hook. */
interface SocketConnection {
  socket: Socket;
  sendData: (...args: unknown[]) => unknown;
}

/** The part of a noise frame decoder we replace (a length-prefixed decoder). */
interface FrameDecoder {
  lengthDecoder: (data: ByteList) => number;
  maxDataLength: number;
}

/** Uint8Array and Uint8ArrayList both offer these. */
interface ByteList {
  readonly byteLength: number;
  get?: (index: number) => number;
}

const corked = new WeakSet<object>();

function isSocketConnection(value: unknown): value is SocketConnection {
  const c = value as Partial<SocketConnection> | null;
  return typeof c?.sendData === 'function' && typeof c.socket?.cork === 'function';
}

/**
 * Corks the socket under a TCP connection whenever it is written to and uncorks it on the next
 * tick, so that writes made in one tick leave in one system call. Other connections (in-memory
 * pairs in tests) are left alone.
 */
export function coalesceWrites(connection: unknown): void {
  if (!isSocketConnection(connection) || corked.has(connection)) return;
  corked.add(connection);
  const { socket } = connection;
  const send = connection.sendData;
  const uncork = (): void => {
    socket.uncork();
  };
  connection.sendData = function (this: unknown, ...args: unknown[]): unknown {
    if (socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(uncork);
    }
    return send.apply(this, args);
  };
}

/** Largest noise frame; a length that can never fit in a buffer too short to hold its prefix. */
const MAX_NOISE_FRAME = 0xffff;

/**
 * Reads a noise frame's 2-byte big-endian length. With fewer than 2 bytes it answers the
 * largest frame length, which the decoder cannot yet satisfy, so it waits for more bytes.
 */
export function readFrameLength(data: ByteList): number {
  if (data.byteLength < 2) return MAX_NOISE_FRAME;
  if (data instanceof Uint8Array) return (data[0]! << 8) | data[1]!;
  return (data.get!(0) << 8) | data.get!(1);
}

function isFrameDecoder(value: unknown): value is FrameDecoder {
  const d = value as Partial<FrameDecoder> | null;
  return typeof d?.lengthDecoder === 'function' && (d.maxDataLength ?? 0) >= MAX_NOISE_FRAME;
}

/** Gives an encrypted noise stream a frame length reader that does not throw on short reads. */
export function quietFrameLengths(stream: unknown): void {
  const decoder = (stream as { decoder?: unknown } | null)?.decoder;
  if (isFrameDecoder(decoder)) decoder.lengthDecoder = readFrameLength;
}

/**
 * Wraps a connection encrypter factory (noise) so that every connection it secures coalesces
 * its socket writes and reads frame lengths without exceptions.
 */
export function withTunedEncryption<C>(
  factory: (components: C) => ConnectionEncrypter,
): (components: C) => ConnectionEncrypter {
  return (components) => {
    const encrypter = factory(components);
    const tune = async (
      secure: Promise<Awaited<ReturnType<ConnectionEncrypter['secureInbound']>>>,
    ) => {
      const secured = await secure;
      quietFrameLengths(secured.connection);
      return secured;
    };
    return Object.assign(Object.create(encrypter) as ConnectionEncrypter, {
      secureInbound(connection: MessageStream, options?: SecureConnectionOptions) {
        coalesceWrites(connection);
        return tune(encrypter.secureInbound(connection, options));
      },
      secureOutbound(connection: MessageStream, options?: SecureConnectionOptions) {
        coalesceWrites(connection);
        return tune(encrypter.secureOutbound(connection, options));
      },
    });
  };
}
