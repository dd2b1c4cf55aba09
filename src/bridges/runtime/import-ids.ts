/**
 * Which Multichat message a source id names during a history import (runtime/import-writer.ts).
 * An id is either written in the open batch (not mapped yet: the mappings follow the batch's
 * commit) or read from the mapping store, for the whole chunk in one query per target before
 * the chunk is written (import-mappings.ts lookupChunk), so finding one costs no store call.
 */
import type { ChannelId, MessageId } from '../../core/types.js';
import { targetKeyOf } from '../../mapping/index.js';
import type {
  ExternalMessageId,
  MessageMapping,
  NetworkName,
  TargetKey,
} from '../../mapping/types.js';
import type { LinkTarget } from '../types.js';
import type { RuntimeContext } from './context.js';
import type { ImportEvent } from './import-types.js';
import { idsNamed, lookupChunk } from './import-mappings.js';
import { encodeMessageOrigin } from './plan.js';

export class ImportIds {
  /** origin.externalId (`<targetKey>#<id>`) → message, for the messages of the open batch. */
  private readonly written = new Map<string, MessageId>();
  /** Origin → stored mapping, of the ids the chunk being written names (lookupChunk). */
  private known = new Map<string, MessageMapping>();
  private readonly keys = new Map<string, TargetKey>();
  /** The last target asked for: a source hands the same object for a whole channel. */
  private lastTarget: { target: LinkTarget; key: TargetKey } | undefined;

  constructor(
    private readonly network: NetworkName,
    private readonly channel: ChannelId,
  ) {}

  /** Reads the mappings of every id `chunk` names, in one query per target. */
  async load(ctx: RuntimeContext, chunk: readonly ImportEvent[]): Promise<void> {
    const ids = idsNamed(chunk, (target) => this.targetKey(target));
    this.known = await lookupChunk(ctx, this.network, ids);
  }

  /** Forgets the chunk's mappings: the next chunk names other ids. */
  unload(): void {
    this.known.clear();
  }

  targetKey(target: LinkTarget): TargetKey {
    if (this.lastTarget?.target === target) return this.lastTarget.key;
    const text = JSON.stringify(target);
    let key = this.keys.get(text);
    if (!key) this.keys.set(text, (key = targetKeyOf(this.network, target)));
    this.lastTarget = { target, key };
    return key;
  }

  /**
   * The message an external id names: written in the open batch, or mapped (to this channel,
   * or to any when `anyChannel`: a source id maps once, so one mapped elsewhere is present).
   */
  find(
    targetKey: TargetKey,
    externalId: ExternalMessageId,
    anyChannel = false,
  ): MessageId | undefined {
    const origin = encodeMessageOrigin(targetKey, externalId);
    const inBatch = this.written.get(origin);
    if (inBatch) return inBatch;
    const mapped = this.known.get(origin);
    return mapped && (anyChannel || mapped.channel === this.channel) ? mapped.messageId : undefined;
  }

  /** Whether the message was written in the open batch (so it has only this batch's reactions). */
  inBatch(targetKey: TargetKey, externalId: ExternalMessageId): boolean {
    return this.written.has(encodeMessageOrigin(targetKey, externalId));
  }

  /** Records a message written in the open batch, found by later events of the batch. */
  wrote(targetKey: TargetKey, externalId: ExternalMessageId, message: MessageId): void {
    this.written.set(encodeMessageOrigin(targetKey, externalId), message);
  }

  /** The batch is committed and mapped: later events find its messages through the store. */
  committed(): void {
    this.written.clear();
  }
}
