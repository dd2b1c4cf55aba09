import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DenyList, Penalties } from '../../../src/core/p2p/peer-policy.js';

describe('deny list file', () => {
  it('reads peer ids (ignoring comments and blanks) and reports changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-deny-'));
    const file = join(dir, 'denied-peers');
    const seen: string[][] = [];
    const list = new DenyList(file, (denied) => seen.push([...denied]));
    list.reload(); // no file: nobody denied, no change
    expect(list.has('peerA')).toBe(false);
    writeFileSync(file, '# misbehaving\npeerA\n\npeerB # spam\n');
    list.reload();
    expect(list.has('peerA') && list.has('peerB')).toBe(true);
    list.reload(); // same content: no second notification
    writeFileSync(file, '');
    list.reload();
    expect(list.has('peerA')).toBe(false);
    expect(seen).toEqual([['peerA', 'peerB'], []]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('penalties', () => {
  it('count refused entries, lower the gossip score and decay by half per minute', () => {
    let now = 0;
    const penalties = new Penalties(() => now);
    penalties.penalize('p');
    penalties.penalize('p');
    expect(penalties.score('p')).toBe(-2);
    expect(penalties.score('other')).toBe(0);
    now = 60_000;
    expect(penalties.value('p')).toBeCloseTo(1);
    now = 3_600_000;
    expect(penalties.all()).toEqual({});
  });
});
