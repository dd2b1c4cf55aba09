/**
 * `--replay-to NETWORK` of `multichat import …` (docs/import.md, "Replaying to a network"):
 * checked before anything is imported (each target channel linked to NETWORK, NETWORK not the
 * history's own network: exit 2 otherwise), then, after the import, the imported messages are
 * queued in the outbox for those links (runtime/replay.ts). The gateway posts them once it runs.
 */
import type { ReplayPlan } from '../../../bridges/runtime/replay.js';
import type { ChannelId, MultichatNode } from '../../../core/types.js';
import type { MappingStore, NetworkName } from '../../../mapping/types.js';
import { ImportInputError } from '../errors.js';
import type { CliIo, CommandArgs } from '../types.js';

/**
 * The replay plans, or undefined without --replay-to.
 * @throws ImportInputError (exit 2) naming the channel or network that will not do.
 */
export async function prepareReplay(
  args: CommandArgs,
  store: MappingStore,
  source: string,
  channels: readonly ChannelId[],
): Promise<ReplayPlan[] | undefined> {
  const network = args.values['replay-to'];
  if (typeof network !== 'string') return undefined;
  const { planReplay } = await import('../../../bridges/runtime/replay.js');
  const { ReplayTargetError } = await import('../../../bridges/runtime/replay-errors.js');
  try {
    return await planReplay(store, network, source, channels);
  } catch (error) {
    if (error instanceof ReplayTargetError) throw new ImportInputError(error.message);
    throw error;
  }
}

/**
 * Queues the replay and prints `replay to NETWORK: queued N, already replayed M, reactions R`
 * (R: reaction deliveries queued by this run).
 */
export async function runReplay(
  plans: readonly ReplayPlan[] | undefined,
  deps: { readonly node: MultichatNode; readonly store: MappingStore },
  source: string,
  io: CliIo,
): Promise<void> {
  if (!plans || plans.length === 0) return;
  const { replayHistory } = await import('../../../bridges/runtime/replay.js');
  let queued = 0;
  let already = 0;
  let reactions = 0;
  for (const plan of plans) {
    const sum = await replayHistory(deps, plan, source as NetworkName);
    queued += sum.queued;
    already += sum.already;
    reactions += sum.reactions;
  }
  const network = plans[0]?.links[0]?.network ?? '';
  io.out(
    `replay to ${network}: queued ${queued}, already replayed ${already}, reactions ${reactions}`,
  );
}
