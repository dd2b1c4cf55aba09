/**
 * Links between Multichat channels and external targets, for the HTTP API, the CLI and the
 * `links:` config section. A link names a channel by id or name and stores the id it resolved to,
 * so a same-named channel arriving later changes nothing; a name that does not exist yet
 * becomes a new public channel created by the gateway's own bridged profile ("gateway", origin
 * `multichat/gateway`), so no native user has to exist before bridging starts.
 */
import { AmbiguousNameError, NameTakenError } from '../../core/errors.js';
import type { ChannelView, UserView } from '../../core/types.js';
import { LinkExistsError } from '../../mapping/index.js';
import type { Link, LinkId, LinkTarget } from '../../mapping/types.js';
import { InvalidLinkError, NetworkNotConfiguredError } from '../errors.js';
import type { NetworkName } from '../types.js';
import type { RuntimeContext } from './context.js';
import { supportsTargetResolution } from './guards.js';
import { EncryptedChannelLinkError } from './link-errors.js';
import { canonicalTarget, checkTarget } from './link-target.js';

/** A link as the API shows it. */
export interface LinkView {
  readonly id: LinkId;
  readonly channel: string;
  readonly channelName?: string;
  readonly network: string;
  readonly target: LinkTarget;
  readonly createdAt: string;
  /** The channel is end-to-end encrypted: this gateway is a member and decrypts it to deliver. */
  readonly encrypted: boolean;
}

export interface LinkRequest {
  /** Channel id or name. */
  readonly channel: string;
  readonly network: string;
  readonly target: LinkTarget;
  /** Create the channel when no channel has this id or name (default true). */
  readonly createChannel?: boolean;
  /**
   * Consent to bridge an end-to-end encrypted channel (the gateway operator can read it). Asked
   * at creation only and logged there; not stored on the link, because a link made is consent
   * given, and the store's links stay one shape for every channel.
   */
  readonly allowEncrypted?: boolean;
}

/** The origin of the profile that owns channels the gateway creates for links. */
export const GATEWAY_ORIGIN = { network: 'multichat', externalId: 'gateway' } as const;

export class LinkManager {
  constructor(private readonly ctx: RuntimeContext) {}

  async list(): Promise<LinkView[]> {
    return (await this.ctx.store.links.list()).map((l) => this.view(l));
  }

  async get(id: LinkId): Promise<LinkView | undefined> {
    const link = await this.ctx.store.links.get(id);
    return link && this.view(link);
  }

  /**
   * Creates a link. The target is checked with the network's schema, then resolved, before the
   * channel is looked up or anything is stored. Throws NetworkNotConfiguredError,
   * InvalidLinkTargetError (the field and why), InvalidLinkError (a target the network refuses,
   * a bad channel), or the store's LinkExistsError when the target is linked already.
   */
  async create(request: LinkRequest): Promise<LinkView> {
    const slot = this.ctx.adapters.get(request.network);
    if (!slot) throw new NetworkNotConfiguredError(request.network, [...this.ctx.adapters.keys()]);
    const target = await canonicalTarget(slot.adapter, request.target);
    const channel = await this.channel(request.channel, request.createChannel ?? true);
    if (channel.encrypted) await this.admitEncrypted(channel, request.allowEncrypted === true);
    const link = await this.ctx.store.links.create({
      channel: channel.id,
      // The slot lookup above threw unless this names a configured adapter.
      network: request.network as NetworkName,
      target,
    });
    if (channel.encrypted)
      // The audit record of the operator's consent: who can read what follows from here.
      this.ctx.logger.warn(
        { link: link.id, channel: channel.name, network: link.network, allowEncrypted: true },
        'link to an end-to-end encrypted channel created: the gateway decrypts it to deliver, ' +
          'so the gateway operator can read it',
      );
    else
      this.ctx.logger.info(
        { link: link.id, channel: channel.name, network: link.network },
        'link created',
      );
    return this.view(link);
  }

  /** Throws the store's LinkNotFoundError. */
  async remove(id: LinkId): Promise<void> {
    await this.ctx.store.links.delete(id);
    this.ctx.logger.info({ link: id }, 'link removed');
  }

  /**
   * Makes sure every configured link exists; links already present are left alone, and links
   * made through the API are never removed here. A bad entry is logged and skipped, so one typo
   * does not keep the other links down.
   */
  async applyConfig(entries: readonly LinkRequest[]): Promise<void> {
    for (const entry of entries) {
      try {
        await this.create(entry);
      } catch (error) {
        if (error instanceof LinkExistsError) continue;
        this.ctx.logger.error(
          { err: (error as Error).message, channel: entry.channel, network: entry.network },
          'configured link not applied',
        );
      }
    }
  }

  /**
   * Lets every adapter that resolves targets see each stored link once at start (an IRC bot
   * joins its channels then), so links made through the API are live again after a restart,
   * not only once their first message goes out. A failure is logged, never fatal; so is a
   * stored target its network's schema no longer takes (an IRC network removed from the config):
   * its deliveries then fail as permanent and are dead-lettered.
   */
  async reopen(): Promise<void> {
    for (const link of await this.ctx.store.links.list()) {
      const slot = this.ctx.adapters.get(link.network);
      if (!slot || !supportsTargetResolution(slot.adapter)) continue;
      try {
        await slot.adapter.resolveTarget(checkTarget(slot.adapter, link.target));
      } catch (error) {
        this.ctx.logger.warn(
          { link: link.id, network: link.network, err: (error as Error).message },
          'stored link could not be reopened',
        );
      }
    }
  }

  private async channel(ref: string, create: boolean): Promise<ChannelView> {
    const { node } = this.ctx;
    if (typeof ref !== 'string' || ref.length === 0) {
      throw new InvalidLinkError('channel', 'channel must be a channel id or name');
    }
    const found = node.getChannel(ref as ChannelView['id']) ?? (await this.channelNamed(ref));
    if (found) return found;
    if (!create) throw new InvalidLinkError('channel', `no channel has the id or name "${ref}"`);
    const owner = await this.gatewayUser();
    let result;
    try {
      result = await node.submit(owner.id, {
        kind: 'createChannel',
        name: ref,
        visibility: 'public',
      });
    } catch (error) {
      // Two links to a new channel at once (one per network): the other request created it
      // between our lookup and our submit, so link to that one. A lookalike name stays a 409.
      const now = error instanceof NameTakenError ? await this.channelNamed(ref) : undefined;
      if (now) return now;
      throw error;
    }
    if (!result.channel)
      throw new InvalidLinkError('channel', `channel "${ref}" could not be created`);
    return result.channel;
  }

  /**
   * The channel a name means for a link. A link stores the channel's id, so a name is resolved
   * once, when the link is made. Names are unique per node but not across peers, so when several
   * channels have it, the one this gateway already links (a config entry naming the channel
   * again for another network) wins, then the one a user of this node created; any other tie
   * is refused (409 naming the ids), never settled by the lowest id: a stranger could squat it.
   */
  private async channelNamed(name: string): Promise<ChannelView | undefined> {
    const { node } = this.ctx;
    const named = node.findChannelsByName(name);
    if (named.length <= 1) return named[0];
    const linked = new Set((await this.ctx.store.links.list()).map((l) => l.channel as string));
    const ours = (ch: ChannelView) => node.getUser(ch.creator)?.local === true;
    for (const prefer of [(ch: ChannelView) => linked.has(ch.id), ours]) {
      const preferred = named.filter(prefer);
      if (preferred.length === 1) return preferred[0];
      if (preferred.length > 1)
        throw new AmbiguousNameError(
          name,
          preferred.map((ch) => ch.id),
        );
    }
    throw new AmbiguousNameError(
      name,
      named.map((ch) => ch.id),
    );
  }

  /**
   * An encrypted channel is linked only with consent, and then the gateway's own profile joins
   * it (unless a member already), so the sealed content's keys are shared with this gateway and
   * the router can decrypt what it delivers. A private channel refuses the join unless the
   * gateway was invited: that error reaches the caller and nothing is stored.
   */
  private async admitEncrypted(channel: ChannelView, allowed: boolean): Promise<void> {
    if (!allowed) throw new EncryptedChannelLinkError(channel.name);
    const gateway = await this.gatewayUser();
    if (this.ctx.node.roleOf(channel.id, gateway.id) !== undefined) return;
    await this.ctx.node.submit(gateway.id, { kind: 'joinChannel', channel: channel.id });
  }

  private gatewayUser(): Promise<UserView> {
    return this.ctx.node.ensureBridgedUser(GATEWAY_ORIGIN, { username: 'gateway' });
  }

  private view(link: Link): LinkView {
    const channel = this.ctx.node.getChannel(link.channel);
    const name = channel?.name;
    return {
      id: link.id,
      channel: link.channel,
      ...(name !== undefined && { channelName: name }),
      network: link.network,
      target: link.target,
      createdAt: new Date(link.createdAt).toISOString(),
      encrypted: channel?.encrypted === true,
    };
  }
}

/** `links:` config entries (`{channel, irc: {...}, discord: {...}}`) as one request per network. */
export function linkRequestsFromConfig(
  entries: readonly Readonly<Record<string, unknown>>[],
): LinkRequest[] {
  const out: LinkRequest[] = [];
  for (const entry of entries) {
    const channel = entry['channel'];
    if (typeof channel !== 'string') continue;
    for (const [network, target] of Object.entries(entry)) {
      if (network === 'channel' || typeof target !== 'object' || target === null) continue;
      out.push({
        channel,
        network: network as NetworkName,
        target: target as LinkTarget,
        // `allowEncrypted: true` beside the networks: the config's consent to bridge an
        // encrypted channel (a boolean, so the loop above never takes it for a network).
        ...(entry['allowEncrypted'] === true && { allowEncrypted: true }),
      });
    }
  }
  return out;
}
