/**
 * Which Multichat channel each exported Slack channel goes into: `--channel-map slackname=channel`
 * (a channel name or id; only the mapped channels are imported), else the channel linked to that
 * Slack channel, else the Multichat channel of the same name. Every one must resolve before
 * anything is imported.
 */
import type { ChannelId, MultichatNode } from '../../../core/types.js';
import type { MappingStore } from '../../../mapping/types.js';
import type { ExportChannel } from '../../../bridges/slack/export/index.js';
import { ImportInputError } from '../errors.js';

export interface PlannedChannel {
  readonly from: ExportChannel;
  readonly into: ChannelId;
}

export async function resolveChannels(
  channels: readonly ExportChannel[],
  map: string,
  node: MultichatNode,
  store: MappingStore,
): Promise<PlannedChannel[]> {
  const byName = new Map(channels.map((c) => [c.name, c]));
  if (map.trim() !== '') {
    const plan: PlannedChannel[] = [];
    for (const pair of map
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const cut = pair.indexOf('=');
      if (cut <= 0) throw new ImportInputError(`--channel-map: "${pair}" is not slackname=channel`);
      const name = pair.slice(0, cut).replace(/^#/, '');
      const from = byName.get(name);
      if (!from) throw new ImportInputError(`the export has no Slack channel "${name}"`);
      plan.push({ from, into: findChannel(node, pair.slice(cut + 1)) });
    }
    return plan;
  }
  const links = (await store.links.list()).filter((l) => l.network === 'slack');
  const missing: string[] = [];
  const plan: PlannedChannel[] = [];
  for (const from of channels) {
    const linked = links.find((l) => l.target.channel === from.id)?.channel;
    const into = linked ?? tryFind(node, from.name);
    if (into) plan.push({ from, into: into as ChannelId });
    else missing.push(from.name);
  }
  if (missing.length > 0) {
    throw new ImportInputError(
      `no Multichat channel for the Slack channel(s) ${missing.join(', ')}: ` +
        'link them, create channels of the same name, or give --channel-map slackname=channel',
    );
  }
  return plan;
}

function findChannel(node: MultichatNode, nameOrId: string): ChannelId {
  const id = tryFind(node, nameOrId.replace(/^#/, ''));
  if (!id) throw new ImportInputError(`channel "${nameOrId}" does not exist on this node`);
  return id;
}

function tryFind(node: MultichatNode, nameOrId: string): ChannelId | undefined {
  if (node.getChannel(nameOrId as ChannelId)) return nameOrId as ChannelId;
  try {
    return node.findChannelByName(nameOrId)?.id;
  } catch (error) {
    throw new ImportInputError(
      `channel name "${nameOrId}" is ambiguous: ${(error as Error).message}`,
    );
  }
}
