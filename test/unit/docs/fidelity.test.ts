/**
 * docs/fidelity.md is generated from the adapters' capabilities (scripts/fidelity.ts): this
 * renders it again in memory and fails when the checked-in table is stale, so a capability
 * change cannot leave the operators' table behind. Fix: `npm run docs:fidelity`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCapabilities, renderFidelity } from '../../../scripts/fidelity.js';

const root = join(import.meta.dirname, '..', '..', '..');

describe('docs/fidelity.md', () => {
  it('is what npm run docs:fidelity renders from the adapters today', async () => {
    const checkedIn = readFileSync(join(root, 'docs', 'fidelity.md'), 'utf8');
    const fresh = renderFidelity(await loadCapabilities());
    expect(checkedIn, 'docs/fidelity.md is stale: run `npm run docs:fidelity`').toBe(fresh);
  });

  it('has one row per feature and a cell per network, and a change of capability shows', async () => {
    const columns = await loadCapabilities();
    expect(columns.map((c) => c.title)).toEqual([
      'Matrix',
      'Discord',
      'Slack',
      'IRC relay',
      'IRC puppet',
    ]);
    const table = renderFidelity(columns);
    const rows = table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| feature'));
    expect(rows.map((r) => r.split(' | ')[0]?.slice(2))).toEqual([
      'text',
      'formatting',
      'edits',
      'deletes',
      'replies',
      'threads',
      'reactions',
      'files',
      'mentions',
      'topic',
      'join/leave',
      'typing',
      'presence',
      'roles',
      'long messages',
    ]);
    for (const row of rows) expect(row.split(' | ')).toHaveLength(columns.length + 1);
    // Generated, not written by hand: turning deletes off on Matrix changes the table.
    const changed = columns.map((c) =>
      c.title === 'Matrix' ? { ...c, caps: { ...c.caps, deletes: false } } : c,
    );
    const deletes = renderFidelity(changed)
      .split('\n')
      .find((l) => l.startsWith('| deletes'));
    expect(deletes?.split(' | ')[1]).toBe('not carried (dropped ¹)');
  });
});
