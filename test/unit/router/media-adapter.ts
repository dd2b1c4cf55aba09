/**
 * A small adapter for the router's file tests: it offers inbound files through `open()` (bytes
 * from memory, or a failure), and on send reads every OutboundAttachment's bytes through its
 * `open()`, recording them with their sha256, the way a native upload would. With
 * `attachments: false` it behaves like IRC: files reach it only as `name: url` lines.
 */
import { createHash } from 'node:crypto';
import type {
  AdapterCapabilities,
  AdapterComponents,
  BridgeAdapter,
  ExternalMessageId,
  ExternalUserId,
  InboundAttachment,
  LinkTarget,
  NetworkName,
  SendAction,
} from '../../../src/bridges/types.js';

export interface SentFile {
  readonly name: string;
  readonly mimeType: string;
  readonly size: number;
  readonly hash: string;
  readonly url: string;
  readonly width?: number;
  readonly height?: number;
  readonly bytes: Buffer;
  /** sha256 of the bytes `open()` streamed. */
  readonly sha256: string;
}

export interface SentMessage {
  readonly text: string;
  readonly files: SentFile[];
}

export interface MediaAdapter extends BridgeAdapter {
  readonly sent: SentMessage[];
  /** Someone posts at `target` with files. */
  post(
    target: LinkTarget,
    user: string,
    text: string,
    files: readonly InboundAttachment[],
  ): Promise<ExternalMessageId>;
}

export const sha256 = (bytes: Uint8Array): string =>
  createHash('sha256').update(bytes).digest('hex');

/** An inbound file whose bytes come from memory, in chunks, as a network download would. */
export function memoryFile(
  name: string,
  bytes: Uint8Array,
  extra: Partial<Omit<InboundAttachment, 'open'>> = {},
): InboundAttachment {
  return {
    name,
    ...extra,
    open: () =>
      Promise.resolve({
        contentType: extra.mimeType ?? 'application/octet-stream',
        size: bytes.length,
        body: (async function* () {
          for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000);
        })(),
      }),
  };
}

/** An inbound file the network refuses to give (expired link, no access). */
export function failingFile(name: string, url?: string): InboundAttachment {
  return {
    name,
    ...(url !== undefined && { url }),
    open: () => Promise.reject(new Error('HTTP 403 from the network')),
  };
}

export function createMediaAdapter(name: string, attachments: boolean) {
  const build = (components: AdapterComponents): MediaAdapter => {
    let next = 1;
    const sent: SentMessage[] = [];
    const capabilities: AdapterCapabilities = {
      markup: 'markdown',
      maxMessageLength: 4000,
      edits: false,
      deletes: false,
      reactions: false,
      threads: false,
      replies: false,
      presence: false,
      membership: false,
      attachments,
      rateLimit: { messagesPerSecond: 0, burst: 1 },
      idempotentSends: true,
    };
    return {
      name: name as NetworkName,
      capabilities,
      sent,
      start: () => Promise.resolve(),
      stop: () => Promise.resolve(),
      health: () => ({ state: 'connected' }),
      async send(action: SendAction) {
        const files: SentFile[] = [];
        for (const a of action.attachments ?? []) {
          const stream = await a.open();
          const chunks: Uint8Array[] = [];
          for await (const chunk of stream.body) chunks.push(chunk);
          const bytes = Buffer.concat(chunks);
          files.push({
            name: a.name,
            mimeType: a.mimeType,
            size: a.size,
            hash: a.hash,
            url: a.url,
            ...(a.width !== undefined && { width: a.width }),
            ...(a.height !== undefined && { height: a.height }),
            bytes,
            sha256: sha256(bytes),
          });
        }
        sent.push({ text: action.text, files });
        return { externalIds: [`${name}-out-${next++}` as ExternalMessageId] };
      },
      async post(target, user, text, files) {
        const externalId = `${name}-in-${next++}` as ExternalMessageId;
        await components.emit({
          kind: 'message',
          target,
          externalId,
          sender: { externalId: user as ExternalUserId, displayName: user },
          text,
          attachments: files,
        });
        return externalId;
      },
    };
  };
  return Object.assign(build, { network: name as NetworkName });
}
