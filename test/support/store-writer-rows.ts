/** The rows store-writer-child.ts commits: 2 KiB each, derived from their number. */
import { createHash } from 'node:crypto';

export function storeWriterRow(i: number): { key: string; value: string } {
  let value = '';
  for (let part = 0; value.length < 2048; part += 1) {
    value += createHash('sha256').update(`row ${i} part ${part}`).digest('hex');
  }
  return { key: `row-${String(i).padStart(6, '0')}`, value };
}
