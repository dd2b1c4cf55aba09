/**
 * Resources (created minus consumed; data kept as JSON, a query form — ids come from the CBOR) and the read projections derived from them: profiles,
 * channels, members, messages and reactions. Only core/state/apply.ts writes here.
 */
import type { Resource, ResourceId, ResourceKind } from '../types.js';
import type { Db } from './database.js';

export interface ResourceRow {
  readonly id: ResourceId;
  readonly resource: Resource;
  readonly consumedBy: string | null;
  readonly entry: string;
}

export class ResourceStore {
  private readonly stmt;

  constructor(db: Db) {
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

  get(id: ResourceId): ResourceRow | undefined {
    const row = this.stmt.get.get(id) as RawRow | undefined;
    return row && toRow(row);
  }

  /** Marks a resource consumed; false when it was already consumed (a concurrent replace). */
  consume(id: ResourceId, entry: string): boolean {
    return this.stmt.consume.run(entry, id).changes > 0;
  }

  live(slot: string): ResourceRow[] {
    return (this.stmt.live.all(slot) as RawRow[]).map(toRow);
  }
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
