/**
 * An in-memory AccountLinkControl standing in for the runtime's account linking, for adapters
 * built alone: every issued code is `CODE1-00000`, `CODE2-00000`…, redeeming one joins the
 * person to the profile of whoever asked for it (once), and each call is recorded so a test
 * can check who the adapter said was asking.
 */
import type { AccountLinkControl, ExternalSender } from '../../src/bridges/types.js';

export interface FakeAccountControl extends AccountLinkControl {
  /** `issue <externalId>` and `redeem <externalId> <code>`, in call order. */
  readonly calls: string[];
  /** Redeemed: the redeeming person's id → the issuing person's display name. */
  readonly linked: Map<string, string>;
}

export function fakeAccountControl(): FakeAccountControl {
  const calls: string[] = [];
  const linked = new Map<string, string>();
  const open = new Map<string, string>();
  let next = 0;
  return {
    calls,
    linked,
    async issueCode(person: ExternalSender) {
      calls.push(`issue ${person.externalId}`);
      next += 1;
      const code = `CODE${next}-00000`;
      open.set(code, person.displayName);
      return { code, expiresAt: Date.parse('2030-01-01T12:10:00Z') };
    },
    async redeemCode(person: ExternalSender, code: string) {
      calls.push(`redeem ${person.externalId} ${code}`);
      const owner = open.get(code.trim().toUpperCase());
      if (owner === undefined) throw new Error('That link code is not valid.');
      open.delete(code.trim().toUpperCase());
      linked.set(person.externalId, owner);
      return { profileName: owner };
    },
  };
}
