/**
 * Records the identities the gateway itself creates for a person on a network: the Matrix ghost
 * an adapter names with `identityFor`, and the IRC puppet nick a send reports in
 * `DeliveryResult.puppet`. Recorded after an action of theirs reached the network (the ghost or
 * puppet exists then), so inbound a pill to the ghost or `nick:` to the puppet is a mention of
 * the person, and outbound mentions of them use it. What is recorded is remembered in memory,
 * so a steady sender costs no store call; a puppet's new nick replaces its old one.
 */
import type { UserId } from '../../core/types.js';
import type { IdentityKind, NetworkName } from '../../mapping/types.js';
import type { BridgeAdapter, DeliveryResult, SenderDisplay } from '../types.js';
import type { RuntimeContext } from './context.js';

export class IdentityRecorder {
  /** `network \0 user \0 kind` → the external id recorded last. */
  private readonly known = new Map<string, string>();

  constructor(private readonly ctx: RuntimeContext) {}

  /** Never throws: a failed write is logged, and tried again with the person's next action. */
  async afterDelivery(
    adapter: BridgeAdapter,
    network: NetworkName,
    sender: SenderDisplay,
    result: DeliveryResult,
  ): Promise<void> {
    const user = sender.id as UserId;
    // A person with their own (linked) account there got no ghost or puppet.
    if (sender.native !== undefined) return;
    try {
      const ghost = adapter.identityFor?.(sender);
      if (ghost !== undefined) await this.record(network, user, 'ghost', ghost);
      if (result.puppet !== undefined) await this.record(network, user, 'puppet', result.puppet);
    } catch (error) {
      this.ctx.logger.warn(
        { network, user, err: error instanceof Error ? error.message : String(error) },
        'could not record the identity the gateway uses for a person',
      );
    }
  }

  private async record(
    network: NetworkName,
    user: UserId,
    kind: IdentityKind,
    externalId: string,
  ): Promise<void> {
    const key = `${network}\0${user}\0${kind}`;
    if (this.known.get(key) === externalId) return;
    if (!this.ctx.node.getUser(user)) return;
    const { identities } = this.ctx.store;
    const held = await identities.get(network, externalId);
    if (held && held.kind === 'native' && held.userId !== user) {
      // A real account of someone else (an IRC nick they used before): never take it over.
      this.ctx.logger.warn({ network, externalId, user }, 'gateway identity is a native id');
      return;
    }
    if (!held || held.userId !== user || held.kind !== kind) {
      await identities.upsert({ network, externalId, userId: user, kind });
    }
    if (kind === 'puppet') {
      // One puppet nick per person: the old one may be anyone's now.
      for (const old of await identities.listByUser(user, network)) {
        if (old.kind === 'puppet' && old.externalId !== externalId)
          await identities.remove(network, old.externalId);
      }
    }
    this.known.set(key, externalId);
  }
}
