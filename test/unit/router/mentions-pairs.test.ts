/**
 * Mentions across every ordered pair of the four networks, through the router with test
 * adapters that speak each network's markup (test/unit/router/mention-adapters.ts). For each
 * pair, a person of the source mentions, in the source's own form:
 * - Pat, who has a native account on every network (linked identities): on the target, the
 *   target's native mention of Pat;
 * - the source's own person Q (native only there): on the target, Q's ghost (Matrix) or puppet
 *   (IRC) the gateway made when Q spoke, else Q's name in bold (Discord, Slack);
 * - where the source shows people of other networks as ghosts or puppets (Matrix, IRC): R, a
 *   person of a third network, mentioned through that ghost or puppet: on the target, R's ghost
 *   or puppet there, else the bold name.
 * The message's `mentions` in the core lists exactly those people.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExternalMessageId, ExternalUserId, LinkTarget } from '../../../src/bridges/types.js';
import type { UserId } from '../../../src/core/types.js';
import type { NetworkName } from '../../../src/mapping/types.js';
import { targetKeyOf } from '../../../src/mapping/target-key.js';
import { TestNetwork } from '../../support/test-adapter.js';
import { startHarness, type Harness } from './harness.js';
import {
  boldName,
  ghostOf,
  mentionAdapter,
  nativeMention,
  NETS,
  puppetOf,
  type Net,
} from './mention-adapters.js';

const MAIN: LinkTarget = { channel: 'main' };

interface Person {
  readonly name: string;
  /** Native ids per network. */
  readonly ids: Partial<Record<Net, string>>;
  user?: UserId;
}

const natives: Record<Net, Person> = {
  discord: { name: 'Dana', ids: { discord: '111' } },
  slack: { name: 'Sam', ids: { slack: 'U222' } },
  matrix: { name: 'Mia', ids: { matrix: '@mia:hs' } },
  irc: { name: 'Ivan', ids: { irc: 'ivan' } },
};
const pat: Person = {
  name: 'Pat',
  ids: { discord: '999', slack: 'U999', matrix: '@pat:hs', irc: 'pat' },
};

let h: Harness;
let seq = 0;

async function speak(net: Net, id: string, name: string, text: string): Promise<void> {
  await h.adapter(net).inject({
    kind: 'message',
    target: MAIN,
    externalId: `in-${++seq}` as ExternalMessageId,
    sender: { externalId: id as ExternalUserId, displayName: name },
    text,
  });
  await h.settle();
}

/** How `p` is mentioned on `net` when written there: native id, else ghost or puppet. */
function sourceForm(net: Net, p: Person): string {
  const own = p.ids[net];
  if (own !== undefined) return nativeMention(net, own, p.name);
  if (net === 'matrix') return nativeMention(net, ghostOf(p.user as string), p.name);
  if (net === 'irc') return nativeMention(net, puppetOf(p.name), p.name);
  throw new Error(`${p.name} cannot be mentioned on ${net}`);
}

/** What the target should show for `p`. */
function targetForm(net: Net, p: Person): string {
  const own = p.ids[net];
  if (own !== undefined) return nativeMention(net, own, p.name);
  if (net === 'matrix') return nativeMention(net, ghostOf(p.user as string), p.name);
  if (net === 'irc') return `@${puppetOf(p.name)}`;
  return boldName(net, p.name);
}

function lastPost(net: Net) {
  const posts = h.networks.get(net)?.at(targetKeyOf(net as NetworkName, MAIN)) ?? [];
  return posts[posts.length - 1];
}

beforeAll(async () => {
  const networks = new Map(NETS.map((n) => [n, new TestNetwork(`${n}-`)]));
  h = await startHarness(
    NETS.map((n) => ({ name: n, build: mentionAdapter(n, networks.get(n) as TestNetwork) })),
    { networks },
  );
  // Everyone speaks once at home, so the gateway makes their ghosts and puppets elsewhere.
  for (const net of NETS) {
    const p = natives[net];
    await speak(net, p.ids[net] as string, p.name, 'hello');
    p.user = (await h.store.identities.get(net as NetworkName, p.ids[net] as string))?.userId;
  }
  await speak('discord', '999', 'Pat', 'hello');
  pat.user = (await h.store.identities.get('discord' as NetworkName, '999'))?.userId;
  // Pat's other accounts, linked to the same profile.
  for (const net of ['slack', 'matrix', 'irc'] as const) {
    await h.store.identities.upsert({
      network: net as NetworkName,
      externalId: pat.ids[net] as string,
      userId: pat.user as UserId,
      kind: 'native',
    });
  }
});

describe('mentions between every ordered pair of networks', () => {
  it('records a ghost on Matrix and a puppet on IRC for each person who spoke elsewhere', async () => {
    for (const net of ['discord', 'slack', 'irc'] as const) {
      const user = natives[net].user as string;
      expect(await h.store.identities.get('matrix' as NetworkName, ghostOf(user))).toMatchObject({
        userId: user,
        kind: 'ghost',
      });
    }
    for (const net of ['discord', 'slack', 'matrix'] as const) {
      const p = natives[net];
      expect(await h.store.identities.get('irc' as NetworkName, puppetOf(p.name))).toMatchObject({
        userId: p.user,
        kind: 'puppet',
      });
    }
  });

  const pairs = NETS.flatMap((s) => NETS.filter((t) => t !== s).map((t) => [s, t] as const));
  it.each(pairs)('%s -> %s', async (source, target) => {
    const q = natives[source];
    const third = (['discord', 'slack', 'matrix', 'irc'] as const).find(
      (n) => n !== source && n !== target,
    ) as Net;
    const r = source === 'matrix' || source === 'irc' ? natives[third] : undefined;
    const mentioned = [pat, q, ...(r ? [r] : [])];
    const text = `${mentioned.map((p) => sourceForm(source, p)).join(' ')} hi`;
    await speak(source, `w-${source}`, `W${source}`, text);

    const post = lastPost(target);
    expect(post?.sender).toBe(`W${source}`);
    expect(post?.text).toBe(`${mentioned.map((p) => targetForm(target, p)).join(' ')} hi`);
    // The core message names the people by id, in order.
    const [message] = h.node.listMessages(h.general, { limit: 1 });
    expect(message?.mentions).toEqual(mentioned.map((p) => p.user));
  });
});
