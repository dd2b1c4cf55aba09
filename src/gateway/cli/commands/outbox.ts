/**
 * `outbox` and `deadletters`: what the bridges have not delivered, through the running
 * gateway's admin API (`/api/v1/outbox`), and the operator's two actions on one delivery:
 * `--retry ID` (send it again now) and `--discard ID` (never send it).
 */
import { UsageError } from '../errors.js';
import type { CliIo, Command, CommandArgs } from '../types.js';
import { adminHelp, adminOptions, adminRequest as admin } from '../admin-client.js';

interface DeliveryJson {
  id: string;
  network: string;
  linkId: string;
  kind: string;
  state: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}
interface LinkCountsJson {
  linkId: string;
  network: string;
  pending: number;
  sending: number;
  dead: number;
  lastError: string | null;
}
interface PageJson {
  links: LinkCountsJson[];
  deliveries: DeliveryJson[];
  next?: string;
}

const options = {
  ...adminOptions,
  network: { type: 'string' },
  link: { type: 'string' },
  retry: { type: 'string' },
  discard: { type: 'string' },
} as const;

const help = [
  ['--network NAME', 'only deliveries to this network'],
  ['--link ID', 'only deliveries of this link'],
  ['--retry ID', 'send this delivery again now (attempts start over)'],
  ['--discard ID', 'delete this delivery: it is never sent'],
  ...adminHelp,
] as const;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function deliveryLine(d: DeliveryJson): string {
  const error = d.lastError ? `  ${d.lastError}` : '';
  return `${d.id}  ${d.state}  ${d.network}  ${d.kind}  attempts=${d.attempts}  queued ${d.createdAt}${error}`;
}

/** Every page of one state, so the count printed is the real one. */
async function allOf(args: CommandArgs, io: CliIo, state: string): Promise<PageJson> {
  const query = new URLSearchParams({ state, limit: '500' });
  const network = str(args.values.network);
  const link = str(args.values.link);
  if (network) query.set('network', network);
  if (link) query.set('link', link);
  const first = (await admin(args, io, 'GET', `/outbox?${query}`)) as PageJson;
  const deliveries = [...first.deliveries];
  for (let next = first.next; next !== undefined;) {
    query.set('after', next);
    const page = (await admin(args, io, 'GET', `/outbox?${query}`)) as PageJson;
    deliveries.push(...page.deliveries);
    next = page.next;
  }
  return { links: first.links, deliveries };
}

/** `--retry` / `--discard`, shared by both commands; undefined when neither was given. */
async function act(args: CommandArgs, io: CliIo): Promise<number | undefined> {
  const retry = str(args.values.retry);
  const discard = str(args.values.discard);
  if (retry && discard) throw new UsageError('give --retry or --discard, not both');
  if (retry) {
    const d = (await admin(args, io, 'POST', `/outbox/${encodeURIComponent(retry)}/retry`)) as
      DeliveryJson | undefined;
    io.out(`retrying ${retry}${d ? ` (${d.network}, ${d.kind})` : ''}`);
    return 0;
  }
  if (discard) {
    await admin(args, io, 'DELETE', `/outbox/${encodeURIComponent(discard)}`);
    io.out(`discarded ${discard}`);
    return 0;
  }
  return undefined;
}

/** A command of the outbox family: --retry or --discard acts on one delivery, else it lists. */
function deliveriesCommand(
  name: string,
  summary: string,
  list: (args: CommandArgs, io: CliIo) => Promise<number>,
): Command {
  return {
    name,
    summary,
    usage: `${name} [--network NAME] [--link ID] [--retry ID | --discard ID] [--config FILE] [--url URL] [--token TOKEN]`,
    help,
    options,
    positionals: [0, 0],
    async run(args, io) {
      return (await act(args, io)) ?? list(args, io);
    },
  };
}

export const outboxCommand = deliveriesCommand(
  'outbox',
  'deliveries waiting for a network (pending or in flight), per link with the last error',
  async (args, io) => {
    const pending = await allOf(args, io, 'pending');
    const sending = await allOf(args, io, 'sending');
    const busy = pending.links.filter((l) => l.pending + l.sending > 0);
    for (const l of busy) {
      const error = l.lastError ? `; last error: ${l.lastError}` : '';
      io.out(
        `link ${l.linkId} (${l.network}): ${l.pending} pending, ${l.sending} in flight${error}`,
      );
    }
    const rows = [...sending.deliveries, ...pending.deliveries];
    for (const d of rows) io.out(deliveryLine(d));
    io.out(`${rows.length} undelivered`);
    return 0;
  },
);

export const deadLettersCommand = deliveriesCommand(
  'deadletters',
  'deliveries the bridges gave up on, with the reason; retry or discard them',
  async (args, io) => {
    const dead = await allOf(args, io, 'dead');
    for (const d of dead.deliveries) io.out(deliveryLine(d));
    io.out(`${dead.deliveries.length} dead`);
    return 0;
  },
);
