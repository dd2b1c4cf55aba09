/**
 * The Discord → Slack world of the kill tests: the Discord and Slack fakes, dana on Discord, a
 * gateway that may be SIGKILLed (KillableGateway) linking Discord's #general and Slack's #general
 * to the Multichat channel `load`, and a reader (rex) of that channel.
 *
 * The Slack fake keeps Slack's published limits except two, raised for CI time; what the kill
 * tests check (loss and duplicates across a crash) depends on neither, and rate-limit behaviour
 * has its own tests (`slack-outbound`):
 * - chat.postMessage, and the gateway's Slack bridge is told the same pace
 *   (`bridges.slack.rateLimit`): at Slack's one message a second per channel a stream of 1,500
 *   takes 25 minutes.
 * - apps.connections.open (Tier 1, one a minute): a restart seconds after the start waits for
 *   `Retry-After` (back in 36-44 s in two runs) before Socket Mode connects, as it would on Slack.
 */
import { FAST_LIMITS } from '../../peers/discord-fake/harness.js';
import {
  startDiscordFake,
  type DiscordFake,
  type FakeUser,
} from '../../peers/discord-fake/index.js';
import { startSlackFake, type SlackFake } from '../../peers/slack-fake/index.js';
import { defaultLimits } from '../../peers/slack-fake/rate-limit.js';
import { KillableGateway } from './killable-gateway.js';

/** chat.postMessage per channel in the fake, and the pace the gateway keeps (per second). */
export const SLACK_POSTS_PER_SECOND = 500;

export interface DiscordSlackLoad {
  readonly discord: DiscordFake;
  readonly slack: SlackFake;
  readonly slackChannel: string;
  readonly dana: FakeUser;
  readonly gateway: KillableGateway;
  /** Multichat channel id of `load`. */
  readonly channel: string;
  /** Token of rex, a member of `load` (the admin token does not read channels as a user). */
  readonly reader: string;
}

/** `backfillMessages`: how many messages a restart reads back from Discord (said while down). */
export async function startDiscordSlackLoad(
  backfillMessages: number,
  readyTimeoutMs?: number,
): Promise<DiscordSlackLoad> {
  const w: { -readonly [K in keyof DiscordSlackLoad]?: DiscordSlackLoad[K] } = {};
  try {
    // Discord's own heartbeat interval, not the harness's 1 s: discord.js reconnects when an ACK
    // misses one beat, so on a loaded machine a 1 s beat made the restarted gateway's Discord
    // connection flap and /readyz never settled (a 10,000-message run).
    const discord = (w.discord = await startDiscordFake({
      ...FAST_LIMITS,
      heartbeatIntervalMs: 41_250,
    }));
    const slack = (w.slack = await startSlackFake({
      limits: (method) =>
        method === 'chat.postMessage'
          ? { rate: SLACK_POSTS_PER_SECOND, burst: 50 }
          : method === 'apps.connections.open'
            ? { rate: 1, burst: 5 }
            : defaultLimits(method),
    }));
    const slackChannel = slack.addChannel('general', { botMember: false }).id;
    w.slackChannel = slackChannel;
    w.dana = discord.addUser('dana');
    const backfill = { maxAgeHours: 1, maxMessages: backfillMessages };
    const gateway = (w.gateway = await KillableGateway.start({
      name: 'discord-slack',
      probe: '/readyz',
      ...(readyTimeoutMs !== undefined && { readyTimeoutMs }),
      bridges: {
        // Bot mode: sends carry Discord's nonce with enforce_nonce (exactly once across a crash).
        discord: {
          token: discord.token,
          apiUrl: discord.apiUrl,
          cdnUrl: discord.cdnUrl,
          useWebhooks: false,
          slashCommand: false,
          memberEvents: false,
          typing: false,
          backfill,
        },
        slack: {
          botToken: slack.botToken,
          appToken: slack.appToken,
          apiUrl: slack.apiUrl,
          rateLimit: { messagesPerSecond: SLACK_POSTS_PER_SECOND, burst: 50 },
          // Off: nobody speaks on Slack here, so its backfill would only re-read the gateway's own
          // posts, and at 10,000 of them that starved the in-process fakes (the fake's history
          // answer is quadratic, and each Socket Mode reconnect re-read the whole window: one
          // Slack post every ~10 s, /readyz flapping). Slack backfill has its own suites.
          backfill: { ...backfill, maxMessages: 0 },
        },
      },
      links: [
        {
          channel: 'load',
          discord: { channel: discord.channel.id },
          slack: { channel: '#general' },
        },
      ],
    }));
    const list = await gateway.ok<{ channels: { id: string; name: string }[] }>(
      'GET',
      '/api/v1/channels',
    );
    const channel = (w.channel = list.channels.find((c) => c.name === 'load')?.id ?? '');
    if (!channel) throw new Error(`no channel 'load': ${JSON.stringify(list)}`);
    const reader = (w.reader = (
      await gateway.ok<{ token: string }>('POST', '/api/v1/users', { username: 'rex' })
    ).token);
    await gateway.ok('POST', `/api/v1/channels/${channel}/join`, undefined, reader);
    return w as DiscordSlackLoad;
  } catch (error) {
    await stopDiscordSlackLoad(w);
    throw error;
  }
}

export async function stopDiscordSlackLoad(
  w: Partial<DiscordSlackLoad> | undefined,
): Promise<void> {
  await w?.gateway?.destroy();
  await Promise.all([w?.discord?.stop(), w?.slack?.stop()]);
}

/** From where `prefix` starts to the end (a bridged line may carry the sender's name first). */
const from = (prefix: string) => (texts: readonly string[]) =>
  texts.filter((t) => t.includes(prefix)).map((t) => t.slice(t.indexOf(prefix)));

/**
 * Texts in the Slack channel containing `prefix`, in no particular order (the counts need none,
 * so the fake's sorted `history()` is not needed while the test polls).
 */
export function slackTexts(w: DiscordSlackLoad, prefix: string): string[] {
  const texts: string[] = [];
  for (const m of w.slack.state.messages.values())
    if (m.channel === w.slackChannel) texts.push(m.text ?? '');
  return from(prefix)(texts);
}

/** Texts the bridge's bot posted into Discord's #general containing `prefix`. */
export function discordBotTexts(w: DiscordSlackLoad, prefix: string): string[] {
  const bot = w.discord.state.bot.id;
  return from(prefix)(
    [...w.discord.state.messages.values()]
      .filter((m) => m.channel_id === w.discord.channel.id && m.author.id === bot)
      .map((m) => m.content),
  );
}
