/**
 * Resources (created minus consumed; data kept as JSON, a query form — ids come from the CBOR) and the read projections derived from them: profiles,
 * channels, members, messages and reactions. Only core/state/apply.ts writes here.
 */
import type {
  Attachment,
  ContentHash,
  MessageData,
  Resource,
  ResourceId,
  ResourceKind,
  UserId,
} from '../types.js';
import type { MessageRow, Projections } from './projections.js';
import type { Db } from './database.js';

export interface ResourceRow {
  readonly id: ResourceId;
  readonly resource: Resource;
  readonly consumedBy: string | null;
  readonly entry: string;
}

export class ResourceStore {
  private readonly stmt;

  /** `messages` reads a message row by id (the projections' lookup). */
  constructor(
    db: Db,
    private readonly messages: Pick<Projections, 'message'>,
  ) {
    this.stmt = {
      insert: db.prepare(
        'INSERT OR IGNORE INTO resources (id, kind, slot, entry, data) VALUES (?, ?, ?, ?, ?)',
      ),
      get: db.prepare('SELECT id, kind, data, consumed_by, entry FROM resources WHERE id = ?'),
      consume: db.prepare(
        'UPDATE resources SET consumed_by = ? WHERE id = ? AND consumed_by IS NULL',
      ),
      live: db.prepare(
        'SELECT id, kind, data, consumed_by, entry FROM resources WHERE slot = ? AND consumed_by IS NULL',
      ),
    };
  }

  insert(id: ResourceId, resource: Resource, slot: string, entry: string): void {
    this.stmt.insert.run(id, resource.kind, slot, entry, JSON.stringify(resource.data));
  }

  /** A resource by id; message resources are read back from the messages projection. */
  get(id: ResourceId): ResourceRow | undefined {
    const row = this.stmt.get.get(id) as RawRow | undefined;
    if (row) return toRow(row);
    const message = this.messages.message.get(id) as MessageRow | undefined;
    return message && messageResourceRow(message);
  }

  /** Marks a resource consumed; false when it was already consumed (a concurrent replace). */
  consume(id: ResourceId, entry: string): boolean {
    return this.stmt.consume.run(entry, id).changes > 0;
  }

  live(slot: string): ResourceRow[] {
    return (this.stmt.live.all(slot) as RawRow[]).map(toRow);
  }
}

/**
 * Messages are the bulk of all resources and never live in a slot with others, so they are not
 * copied into the generic table: the projection row holds every field of their data.
 */
export function messageResourceRow(row: MessageRow): ResourceRow {
  const data: MessageData = {
    channel: row.channel,
    sender: row.sender,
    contentHash: row.content_hash as ContentHash,
    contentLength: row.content_length,
    format: 'markdown',
    createdAt: row.created_at,
    ...(row.expires_at !== null && { expiresAt: row.expires_at }),
    ...(row.reply_to !== null && { replyTo: row.reply_to }),
    ...(row.thread_root !== null && { threadRoot: row.thread_root }),
    ...(row.attachments !== null && { attachments: JSON.parse(row.attachments) as Attachment[] }),
    ...(row.mentions !== null && { mentions: JSON.parse(row.mentions) as UserId[] }),
    ...(row.origin_network !== null && {
      origin: {
        network: row.origin_network,
        externalId: row.origin_external ?? '',
        // Part of the resource's content address: it must read back exactly as written.
        ...(row.imported === 1 && { imported: true as const }),
      },
    }),
    nonce: row.nonce,
  };
  return {
    id: row.id,
    resource: { kind: 'message', data },
    consumedBy: row.redacted_by,
    entry: row.entry,
  };
}

interface RawRow {
  id: ResourceId;
  kind: ResourceKind;
  data: string;
  consumed_by: string | null;
  entry: string;
}

function toRow(row: RawRow): ResourceRow {
  return {
    id: row.id,
    resource: { kind: row.kind, data: JSON.parse(row.data) } as Resource,
    consumedBy: row.consumed_by,
    entry: row.entry,
  };
}
