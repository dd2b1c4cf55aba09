/**
 * Account linking ("one person, many networks"): a person proves control of a second network
 * identity with a one-time code. The code is issued for a profile (through the API, or in chat
 * for the profile that stands for the person there) and entered on the other network within
 * 10 minutes; that identity (kind `native`) then points to the code's profile, so both accounts
 * are one author in the history and one person for mentions. Every link and unlink is written
 * to the audit log. Unlinking removes the identity row: the account's next event makes (or
 * finds again) its own bridged profile.
 */
import { randomBytes } from 'node:crypto';
import type { UserId } from '../../core/types.js';
import type { Identity, IdentityKind, NetworkName } from '../../mapping/types.js';
import type { AccountLinkControl, ExternalSender, IssuedLinkCode } from '../types.js';
import { CODE_TTL_MS, hashLinkCode, newLinkCode, normaliseLinkCode } from './account-codes.js';
import {
  AlreadyLinkedError,
  IdentityNotFoundError,
  IdentityNotLinkedError,
  LinkCodeExpiredError,
  LinkCodeInvalidError,
  LinkCodeUsedError,
  LinkProfileUnknownError,
} from './account-errors.js';
import type { RuntimeContext } from './context.js';
import { ensureUser, isOwnOrigin } from './people.js';

/** An identity of a profile as the API shows it. */
export interface ProfileIdentity {
  readonly network: string;
  readonly externalId: string;
  readonly kind: IdentityKind;
  /** When the identity was joined to the profile with a code (latest link), if it was. */
  readonly linkedAt?: number;
}

export class AccountLinks {
  constructor(
    private readonly ctx: RuntimeContext,
    private readonly random: (n: number) => Uint8Array = randomBytes,
  ) {}

  /** A one-time code for `userId`; `via` is `api` or the network of the in-chat request. */
  async issue(userId: UserId, via: string, by?: string): Promise<IssuedLinkCode> {
    const code = newLinkCode(this.random);
    const expiresAt = this.ctx.now() + CODE_TTL_MS;
    await this.ctx.store.linkCodes.create({
      codeHash: hashLinkCode(normaliseLinkCode(code)!),
      userId,
      issuedVia: via,
      issuedBy: by ?? null,
      expiresAt,
    });
    // Old codes are useless; clearing them here keeps the table small without a timer.
    await this.ctx.store.linkCodes.pruneExpired(this.ctx.now() - CODE_TTL_MS);
    return { code, expiresAt };
  }

  /** Joins `(network, person)` to the profile of `typed`; see the named errors for refusals. */
  async redeem(
    network: NetworkName,
    person: ExternalSender,
    typed: string,
  ): Promise<{ readonly userId: UserId; readonly profileName: string }> {
    const canonical = normaliseLinkCode(typed);
    if (!canonical) throw new LinkCodeInvalidError();
    const claim = await this.ctx.store.linkCodes.claim(hashLinkCode(canonical), this.ctx.now());
    if (claim.outcome !== 'redeemed') {
      if (claim.outcome === 'expired') throw new LinkCodeExpiredError();
      if (claim.outcome === 'used') throw new LinkCodeUsedError();
      throw new LinkCodeInvalidError();
    }
    const owner = this.ctx.node.getUser(claim.code.userId);
    if (!owner) throw new LinkProfileUnknownError(claim.code.userId);
    const current = await this.ctx.store.identities.get(network, person.externalId);
    if (current?.userId === owner.id) throw new AlreadyLinkedError(owner.username);
    await this.ctx.store.identities.upsert({
      network,
      externalId: person.externalId,
      userId: owner.id,
      kind: 'native',
      displayName: person.displayName,
      avatar: person.avatarUrl ?? null,
    });
    await this.ctx.store.accountAudit.record({
      action: 'link',
      userId: owner.id,
      network,
      externalId: person.externalId,
      actor: `${network}:${person.externalId}`,
    });
    this.ctx.logger.info(
      { network, externalId: person.externalId, user: owner.id, issuedVia: claim.code.issuedVia },
      'account linked',
    );
    return { userId: owner.id, profileName: owner.username };
  }

  /**
   * Takes a linked account off `userId`. Only accounts joined with a code qualify: not the
   * profile's own origin, nor a ghost or puppet the gateway made for it.
   */
  async unlink(userId: UserId, network: NetworkName, externalId: string): Promise<void> {
    const identity = await this.ctx.store.identities.get(network, externalId);
    if (!identity || identity.userId !== userId)
      throw new IdentityNotFoundError(network, externalId);
    if (identity.kind !== 'native') {
      throw new IdentityNotLinkedError(network, externalId, `it is the gateway's ${identity.kind}`);
    }
    if (isOwnOrigin(this.ctx, identity)) {
      throw new IdentityNotLinkedError(network, externalId, 'it is where this profile comes from');
    }
    await this.ctx.store.identities.remove(network, externalId);
    await this.ctx.store.accountAudit.record({
      action: 'unlink',
      userId,
      network,
      externalId,
      actor: `user:${userId}`,
    });
    this.ctx.logger.info({ network, externalId, user: userId }, 'account unlinked');
  }

  /** Every identity of a profile, with when each linked one was linked. */
  async identitiesOf(userId: UserId): Promise<ProfileIdentity[]> {
    const [identities, audit] = await Promise.all([
      this.ctx.store.identities.listByUser(userId),
      this.ctx.store.accountAudit.listByUser(userId),
    ]);
    const linkedAt = new Map<string, number>();
    for (const row of audit) {
      const key = `${row.network} ${row.externalId}`;
      if (row.action === 'link') linkedAt.set(key, row.at);
      else linkedAt.delete(key);
    }
    return identities.map((i: Identity) => {
      const at = linkedAt.get(`${i.network} ${i.externalId}`);
      return {
        network: i.network,
        externalId: i.externalId,
        kind: i.kind,
        ...(at !== undefined && { linkedAt: at }),
      };
    });
  }

  /** The profile of an external identity, when the gateway knows one. */
  async profileOf(network: NetworkName, externalId: string): Promise<UserId | undefined> {
    return (await this.ctx.store.identities.get(network, externalId))?.userId;
  }

  /** The control an adapter of `network` gets (`AdapterComponents.accounts`). */
  controlFor(network: NetworkName): AccountLinkControl {
    return {
      issueCode: async (person) => {
        // The code is for whoever stands for this person here: their own bridged profile, or
        // the profile their account was linked to earlier.
        const user = await ensureUser(this.ctx, network, person);
        return this.issue(user.id, network, person.externalId);
      },
      redeemCode: async (person, code) => {
        const { profileName } = await this.redeem(network, person, code);
        return { profileName };
      },
    };
  }
}
