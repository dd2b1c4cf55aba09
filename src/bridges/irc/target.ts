/**
 * The IRC link target: `{network, channel}`. `network` is a key of `bridges.irc.networks` (one
 * adapter serves several servers), `channel` a channel name as RFC 2812 has it: a prefix
 * (`#`, `&`, or the rarer `+`/`!`) and no spaces, commas or BEL. Channels are case-insensitive;
 * `resolveTarget` lower-cases them so one channel has one target key.
 */
import { z } from 'zod';
import { InvalidLinkTargetError } from '../errors.js';
import type { LinkTarget } from '../types.js';
import { InvalidIrcTargetError, UnknownIrcNetworkError } from './errors.js';

/** Absent: "is required"; another type (a number written unquoted in YAML): "must be text". */
const textField = (what: string) => (issue: { readonly input?: unknown }) =>
  `${issue.input === undefined ? 'is required' : 'must be text'}: ${what}`;

// eslint-disable-next-line no-control-regex
const CHANNEL_NAME = /^[#&+!][^\s,\x07]+$/;

/** The shape alone, before the configured networks are known (the module's `targetSchema`). */
export const ircTargetShape = z
  .object({
    network: z
      .string({ error: textField('the name of a network under bridges.irc.networks') })
      .min(1, 'is required: the name of a network under bridges.irc.networks'),
    channel: z
      .string({ error: textField('an IRC channel name like #chan') })
      .regex(
        CHANNEL_NAME,
        'must be an IRC channel name: # or & then the name, without spaces or commas (like #chan)',
      ),
  })
  .strict();

export type IrcTarget = z.infer<typeof ircTargetShape>;

/** The adapter's schema: the shape, and `network` one of the configured ones (named when not). */
export function ircTargetSchema(networks: readonly string[]) {
  return ircTargetShape.extend({
    network: ircTargetShape.shape.network.refine((name) => networks.includes(name), {
      error: (issue) =>
        `"${String(issue.input)}" is not a configured IRC network; configured: ${networks.join(', ') || 'none'}`,
    }),
  });
}

/**
 * A stored target as the adapter reads it (links were checked when made; a row written before
 * that, or by hand, fails here).
 * @throws InvalidIrcTargetError (permanent) naming the field.
 */
export function ircTarget(target: LinkTarget): IrcTarget {
  // Every send reads its stored target: the well-formed case is checked by hand (what the
  // schema checks), and the schema runs only to name what is wrong (bench/relay-irc.ts).
  const plain = wellFormed(target);
  if (plain) return plain;
  const parsed = ircTargetShape.safeParse(target);
  if (!parsed.success)
    throw new InvalidIrcTargetError(InvalidLinkTargetError.of(parsed.error.issues).message);
  return parsed.data;
}

/** Exactly `network` (non-empty) and `channel` (a channel name), as `ircTargetShape` wants. */
function wellFormed(target: LinkTarget): IrcTarget | undefined {
  if (typeof target !== 'object' || target === null) return undefined;
  const { network, channel } = target as Record<string, unknown>;
  if (Object.keys(target).length !== 2) return undefined;
  if (typeof network !== 'string' || network.length === 0) return undefined;
  if (typeof channel !== 'string' || !CHANNEL_NAME.test(channel)) return undefined;
  return { network, channel };
}

/** @throws UnknownIrcNetworkError (permanent) when `target.network` is not configured. */
export function networkOf<N>(networks: ReadonlyMap<string, N>, target: IrcTarget): N {
  const network = networks.get(target.network);
  if (!network) throw new UnknownIrcNetworkError(target.network, [...networks.keys()]);
  return network;
}
