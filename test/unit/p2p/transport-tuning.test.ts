/**
 * The transport tuning of the libp2p host: corked socket writes, noise frame lengths read
 * without exceptions, and yamux window updates deferred to half a window. Each is checked on
 * its own, then all together through two real hosts on loopback TCP.
 */
import { yamux } from '@chainsafe/libp2p-yamux';
import type { Stream, StreamMuxer, StreamMuxerFactory } from '@libp2p/interface';
import { LengthPrefixedDecoder, multiaddrConnectionPair } from '@libp2p/utils';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Uint8ArrayList } from 'uint8arraylist';
import { afterEach, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../../../src/core/p2p/host.js';
import {
  withDeferredWindowUpdates,
  deferWindowUpdates,
} from '../../../src/core/p2p/lazy-window.js';
import {
  coalesceWrites,
  quietFrameLengths,
  readFrameLength,
} from '../../../src/core/p2p/tuned-encryption.js';
import { waitFor } from './harness.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const nextTick = () => new Promise<void>((r) => process.nextTick(r));

describe('readFrameLength', () => {
  it('reads a big-endian length and asks for more bytes when the prefix is incomplete', () => {
    expect(readFrameLength(Uint8Array.of(0x01, 0x02, 0xff))).toBe(0x0102);
    expect(readFrameLength(new Uint8ArrayList(Uint8Array.of(0xab), Uint8Array.of(0xcd)))).toBe(
      0xabcd,
    );
    expect(readFrameLength(Uint8Array.of(0x01))).toBe(0xffff);
    expect(readFrameLength(new Uint8ArrayList())).toBe(0xffff);
  });

  it('lets a length-prefixed decoder rebuild frames fed one byte at a time', () => {
    const decoder = new LengthPrefixedDecoder({
      lengthDecoder: readFrameLength,
      encodingLength: () => 2,
      maxBufferSize: 1 << 20,
    });
    const frames = [randomBytes(3), randomBytes(700), randomBytes(1)];
    const wire = Buffer.concat(frames.flatMap((f) => [Uint8Array.of(f.length >> 8, f.length), f]));
    const out: Buffer[] = [];
    for (const byte of wire)
      for (const f of decoder.decode(Uint8Array.of(byte))) out.push(Buffer.from(f.subarray()));
    expect(out).toEqual(frames);
  });
});

describe('quietFrameLengths', () => {
  /** The decoder keeps its length reader private; the test looks at it anyway. */
  const lengthReader = (decoder: object) => (decoder as { lengthDecoder?: unknown }).lengthDecoder;
  it('replaces the length reader of a noise-sized frame decoder and leaves others alone', () => {
    const noiseLike = { decoder: new LengthPrefixedDecoder({ encodingLength: () => 2 }) };
    quietFrameLengths(noiseLike);
    expect(lengthReader(noiseLike.decoder)).toBe(readFrameLength);
    const small = { decoder: new LengthPrefixedDecoder({ maxDataLength: 1000 }) };
    const before = lengthReader(small.decoder);
    quietFrameLengths(small);
    expect(lengthReader(small.decoder)).toBe(before);
  });
});

describe('coalesceWrites', () => {
  async function socketPair(): Promise<{ client: Socket; received: Buffer[] }> {
    const received: Buffer[] = [];
    const server: Server = createServer((s) => s.on('data', (d) => received.push(d)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const client = connect(port, '127.0.0.1');
    await new Promise<void>((r) => client.once('connect', r));
    cleanup.push(
      () => new Promise((r) => server.close(r)),
      () => client.destroy(),
    );
    return { client, received };
  }

  it('holds the writes of one tick and sends them in order when the tick ends', async () => {
    const { client, received } = await socketPair();
    const connection = {
      socket: client,
      sendData(list: Uint8Array[]) {
        for (const buf of list) client.write(buf);
        return { sentBytes: 0, canSendMore: true };
      },
    };
    coalesceWrites(connection);
    connection.sendData([Buffer.from('ab'), Buffer.from('cd')]);
    connection.sendData([Buffer.from('ef')]);
    expect(client.writableLength).toBe(6);
    await nextTick();
    expect(client.writableLength).toBe(0);
    await waitFor('bytes', () => Buffer.concat(received).length === 6);
    expect(Buffer.concat(received).toString()).toBe('abcdef');
  });

  it('leaves connections without a socket alone', () => {
    const sendData = () => ({ sentBytes: 0, canSendMore: true });
    const connection = { sendData };
    coalesceWrites(connection);
    expect(connection.sendData).toBe(sendData);
  });
});

describe('deferred yamux window updates', () => {
  function fakeStream(state: number) {
    const stream = { state, recvWindow: 1000, recvWindowCapacity: 1000, updates: 0 };
    return Object.assign(stream, {
      sendWindowUpdate() {
        stream.updates += 1;
        stream.recvWindowCapacity = stream.recvWindow;
      },
    });
  }

  it('grants credit only once half the window is used, except before the stream is established', () => {
    const established = fakeStream(3);
    deferWindowUpdates(established);
    established.recvWindowCapacity = 600;
    established.sendWindowUpdate();
    expect(established.updates).toBe(0);
    established.recvWindowCapacity = 500;
    established.sendWindowUpdate();
    expect(established.updates).toBe(1);
    const opening = fakeStream(2);
    deferWindowUpdates(opening);
    opening.sendWindowUpdate();
    expect(opening.updates).toBe(1);
  });

  /** Sends `total` bytes in 1 KiB messages over a yamux pair; returns what arrived and the bytes sent back. */
  async function transfer(factory: StreamMuxerFactory, total: number) {
    const [outConn, inConn] = multiaddrConnectionPair();
    const client: StreamMuxer = factory.createStreamMuxer(outConn);
    const server: StreamMuxer = factory.createStreamMuxer(inConn);
    cleanup.push(
      () => client.abort(new Error('done')),
      () => server.abort(new Error('done')),
    );
    let backBytes = 0;
    outConn.addEventListener('message', (e) => (backBytes += e.data.byteLength));
    const received = new Uint8ArrayList();
    server.addEventListener('stream', (e) => {
      const s: Stream = e.detail;
      s.addEventListener('message', (m) => received.append(m.data.subarray()));
    });
    const stream = await client.createStream();
    const data = randomBytes(total);
    // One message per turn of the event loop, as gossip sends them: one data frame each.
    for (let i = 0; i < total; i += 1024) {
      if (!stream.send(data.subarray(i, i + 1024))) await stream.onDrain();
      await new Promise((r) => setImmediate(r));
    }
    await waitFor('transfer', () => received.byteLength === total);
    return { same: Buffer.from(received.subarray()).equals(data), backBytes };
  }

  it('moves more than a window of data and sends far fewer window updates than stock yamux', async () => {
    const deferred = await transfer(withDeferredWindowUpdates(yamux())({}), 1 << 20);
    const stock = await transfer(yamux()(), 1 << 20);
    expect(deferred.same).toBe(true);
    expect(stock.same).toBe(true);
    // Stock yamux answers each of the 1024 data frames with a 12-byte update.
    expect(stock.backBytes).toBeGreaterThan(1000 * 12);
    expect(deferred.backBytes).toBeLessThan(100 * 12);
  });
});

describe('tuned host over loopback TCP', () => {
  async function host(): Promise<Host> {
    const h = await createHost({
      seed: new Uint8Array(randomBytes(32)),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      messageId: (_topic, data) => createHash('sha256').update(data).digest(),
      appScore: () => 0,
      denied: () => false,
    });
    await h.start();
    cleanup.push(() => h.stop());
    return h;
  }

  it('delivers small and multi-frame gossip messages intact and in order', async () => {
    const [a, b] = [await host(), await host()];
    const got: Buffer[] = [];
    b.services.pubsub.addEventListener('message', (e) => got.push(Buffer.from(e.detail.data)));
    a.services.pubsub.subscribe('t');
    b.services.pubsub.subscribe('t');
    await b.dial(a.getMultiaddrs()[0]!);
    await waitFor('subscription', () => a.services.pubsub.getSubscribers('t').length === 1);
    // 150 KB spans three noise frames; 300 x 1 KB is more than half a yamux window.
    const sent = [randomBytes(150_000), ...Array.from({ length: 300 }, () => randomBytes(1000))];
    for (const m of sent) await a.services.pubsub.publish('t', m);
    await waitFor('delivery', () => got.length === sent.length);
    expect(got).toEqual(sent);
  });
});
