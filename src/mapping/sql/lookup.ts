/**
 * `MappingStore.lookupInbound` over SQL: one statement, a UNION ALL of the reads an inbound
 * event needs, so PostgreSQL answers in one network round trip (and SQLite in one prepared
 * statement). Every branch yields the same generic columns: `kind`, six text columns and two
 * integer columns, mapped back to each table's names before the usual row converters run.
 * NULL padding is cast explicitly because PostgreSQL types a chain of UNIONs pairwise, and an
 * untyped NULL would become text before meeting a BIGINT.
 */
import type {
  ExternalMessageId,
  Identity,
  InboundLookup,
  InboundLookupQuery,
  Link,
  MessageMapping,
} from '../types.js';
import type { SqlExecutor, SqlParam, SqlRow } from './db.js';
import { str, toIdentity, toLink, toMessageMapping } from './rows.js';

const TEXT = 'CAST(NULL AS TEXT)';
const INT = 'CAST(NULL AS BIGINT)';

/** Generic column → the table's column, per branch kind. */
const COLUMNS: Record<string, readonly string[]> = {
  link: ['id', 'channel', 'network', 'target', 'target_key', '', 'created_at', ''],
  message: [
    'network',
    'target_key',
    'external_id',
    'message_id',
    'channel',
    'direction',
    'created_at',
    '',
  ],
  identity: [
    'network',
    'external_id',
    'user_id',
    'display_name',
    'avatar',
    'kind',
    'created_at',
    'updated_at',
  ],
  key: ['id', '', '', '', '', '', '', ''],
};
const GENERIC = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'n1', 'n2'] as const;

function select(kind: string, from: string): string {
  const cols = (COLUMNS[kind] ?? []).map((col, i) => {
    const blank = i < 6 ? TEXT : INT;
    return `${col === '' ? blank : col} AS ${GENERIC[i]}`;
  });
  return `SELECT '${kind}' AS kind, ${cols.join(', ')} FROM ${from}`;
}

const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** The table-named row of one generic row. */
function named(row: SqlRow): SqlRow {
  const out: SqlRow = {};
  (COLUMNS[str(row.kind)] ?? []).forEach((col, i) => {
    if (col !== '') out[col] = row[GENERIC[i] as string];
  });
  return out;
}

export async function lookupInbound(
  db: SqlExecutor,
  query: InboundLookupQuery,
): Promise<InboundLookup> {
  const parts: string[] = [];
  const params: SqlParam[] = [];
  const { network, targetKey } = query;
  if (targetKey !== undefined) {
    parts.push(select('link', 'links WHERE network = ? AND target_key = ?'));
    params.push(network, targetKey);
    const ids = [...new Set(query.externalIds ?? [])];
    if (ids.length > 0) {
      parts.push(
        select(
          'message',
          `message_map WHERE network = ? AND target_key = ? AND external_id IN (${marks(ids.length)})`,
        ),
      );
      params.push(network, targetKey, ...ids);
    }
  }
  const people = [...new Set(query.people ?? [])];
  if (people.length > 0) {
    parts.push(
      select(
        'identity',
        `identities WHERE network = ? AND external_id IN (${marks(people.length)})`,
      ),
    );
    params.push(network, ...people);
  }
  if (query.idempotencyKey !== undefined) {
    parts.push(select('key', 'outbox WHERE idempotency_key = ?'));
    params.push(query.idempotencyKey);
  }
  const rows = parts.length > 0 ? await db.all(parts.join(' UNION ALL '), params) : [];
  let link: Link | undefined;
  const messages = new Map<ExternalMessageId, MessageMapping>();
  const identities = new Map<string, Identity>();
  let keyIssued = false;
  for (const row of rows) {
    const kind = str(row.kind);
    if (kind === 'link') link = toLink(named(row));
    else if (kind === 'message') {
      const mapping = toMessageMapping(named(row));
      messages.set(mapping.externalId, mapping);
    } else if (kind === 'identity') {
      const identity = toIdentity(named(row));
      identities.set(identity.externalId, identity);
    } else keyIssued = true;
  }
  return { link, messages, identities, keyIssued };
}
