/**
 * Yamux flow control without a window update per data frame. @chainsafe/libp2p-yamux answers
 * every data frame it receives with a window-update frame, so each gossip message crossing a
 * connection costs two encrypted frames, two writes and two reads. Yamux implementations in Go
 * and Rust grant credit back only once half of the receive window has been used: this does the
 * same by wrapping each stream's `sendWindowUpdate`. The sender still has at least half a window
 * (128 KiB by default) of credit at all times, so it never stalls on a small message.
 *
 * The hook is a private method of the library's stream class; when it is missing (another
 * version) streams are left as they are, which is slower but correct.
 */
import type { StreamMuxer, StreamMuxerFactory } from '@libp2p/interface';

/** Yamux stream state `Established` (the library's `StreamState` enum). */
const ESTABLISHED = 3;

/** The private members of a yamux stream that decide whether credit is due. */
interface YamuxStreamInternals {
  state: number;
  recvWindow: number;
  recvWindowCapacity: number;
  sendWindowUpdate: () => void;
}

/** The private stream constructor of a yamux muxer. */
interface YamuxMuxerInternals {
  _newStream: (...args: unknown[]) => unknown;
}

function isStream(value: unknown): value is YamuxStreamInternals {
  const s = value as Partial<YamuxStreamInternals> | null;
  return (
    typeof s?.sendWindowUpdate === 'function' &&
    typeof s.state === 'number' &&
    typeof s.recvWindow === 'number' &&
    typeof s.recvWindowCapacity === 'number'
  );
}

/** Makes one stream send a window update only when at least half its window is used. */
export function deferWindowUpdates(stream: unknown): void {
  if (!isStream(stream)) return;
  const update = stream.sendWindowUpdate;
  stream.sendWindowUpdate = function (this: YamuxStreamInternals): void {
    // Only an established stream may skip: the first update carries the SYN/ACK flags.
    const used = stream.recvWindow - stream.recvWindowCapacity;
    if (stream.state === ESTABLISHED && used < stream.recvWindow / 2) return;
    update.call(stream);
  };
}

/** Wraps a yamux muxer factory so that every stream it creates defers its window updates. */
export function withDeferredWindowUpdates<C>(
  factory: (components: C) => StreamMuxerFactory,
): (components: C) => StreamMuxerFactory {
  return (components) => {
    const inner = factory(components);
    return Object.assign(Object.create(inner) as StreamMuxerFactory, {
      createStreamMuxer(connection: Parameters<StreamMuxerFactory['createStreamMuxer']>[0]) {
        const muxer: StreamMuxer = inner.createStreamMuxer(connection);
        const internals = muxer as unknown as Partial<YamuxMuxerInternals>;
        const newStream = internals._newStream;
        if (typeof newStream === 'function') {
          internals._newStream = function (this: unknown, ...args: unknown[]): unknown {
            const stream = newStream.apply(this, args);
            deferWindowUpdates(stream);
            return stream;
          };
        }
        return muxer;
      },
    });
  };
}
