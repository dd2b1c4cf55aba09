/**
 * Which refusals are the sending peer's fault. An honest node verifies every entry before it
 * stores or relays it, so an entry that fails on its own terms (shape, clock range, signature,
 * content hash) can only come from a peer that is broken or hostile. Refusals that depend on our
 * state (a resource logic, a fork against what we already hold) may come from an honest peer
 * whose view differs, and cost nothing in sync.
 */
const PEER_FAULT_RULES = [
  'hlc.range',
  'entry.shape',
  'bad_signature',
  'content.hash',
  'tx.shape',
  'malformed entry',
];

export function isPeerFault(reason: string): boolean {
  const rule = reason.split(':')[0] ?? '';
  return PEER_FAULT_RULES.includes(rule);
}
