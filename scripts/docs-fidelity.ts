/** `npm run docs:fidelity`: writes docs/fidelity.md from the adapters' capabilities. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCapabilities, renderFidelity } from './fidelity.js';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const text = renderFidelity(await loadCapabilities());
writeFileSync(join(root, 'docs', 'fidelity.md'), text);
console.log(`wrote docs/fidelity.md (${text.split('\n').length} lines)`);
// Built adapters hold clients with timers; nothing else is running.
process.exit(0);
