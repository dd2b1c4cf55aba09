/**
 * Gossipsub topic names. One topic per channel carries its entries; entries that touch no
 * channel (profile updates) go on the log topic, which every node follows so that authors'
 * chains have no gaps; presence has its own topic. A channel's topic names its id in clear, so
 * a peer sees which channel ids its neighbours follow, private ones too (docs/protocol.md).
 */
import type { ChannelId, LogEntry } from '../types.js';

// The version is the log format (docs/protocol.md): nodes of different formats do not mix.
const PREFIX = '/multichat/2';

export const PRESENCE_TOPIC = `${PREFIX}/presence`;
export const LOG_TOPIC = `${PREFIX}/log`;

/**
 * The mDNS service Multichat nodes announce and look for. libp2p's default (`_p2p._udp.local`)
 * is shared by every libp2p application, so a node would dial each IPFS daemon on its LAN.
 */
export const MDNS_SERVICE_TAG = '_multichat._udp.local';

export function channelTopic(channel: string): string {
  return `${PREFIX}/channel/${channel}`;
}

/** The topic an entry is published on. */
export function topicOfEntry(entry: LogEntry): string {
  return entry.tx.channel === undefined ? LOG_TOPIC : channelTopic(entry.tx.channel);
}

/** True for topics that carry log entries (not presence). */
export function isEntryTopic(topic: string): boolean {
  return topic === LOG_TOPIC || topic.startsWith(`${PREFIX}/channel/`);
}

/** The channel whose entries a topic carries, or undefined for the log and presence topics. */
export function channelOfTopic(topic: string): ChannelId | undefined {
  const prefix = `${PREFIX}/channel/`;
  return topic.startsWith(prefix) ? (topic.slice(prefix.length) as ChannelId) : undefined;
}
