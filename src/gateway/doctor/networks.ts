/**
 * One light authenticated call per configured network, with a short timeout: does the network
 * accept the credentials in the config? Nothing is posted and nothing is kept.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { GatewayConfig } from '../config/index.js';
import { checkIrcNetwork } from './irc.js';
import { CHECK_TIMEOUT_MS, fail, ok, reasonOf, warn, type CheckResult } from './types.js';

async function getJson(
  url: string,
  init: RequestInit,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: the status says enough
  }
  return { status: res.status, json };
}

export async function checkDiscord(cfg: NonNullable<GatewayConfig['bridges']['discord']>) {
  const name = 'discord';
  const url = `${cfg.apiUrl.replace(/\/$/, '')}/v10/users/@me`;
  try {
    const { status, json } = await getJson(url, { headers: { authorization: `Bot ${cfg.token}` } });
    if (status === 200) return ok(name, `token accepted: bot ${String(json.username ?? json.id)}`);
    if (status === 401) {
      return fail(
        name,
        'bridges.discord.token was refused (401)',
        'copy the bot token again (Developer Portal → your app → Bot → Reset Token) into the variable the config names',
      );
    }
    return fail(
      name,
      `${url} answered ${status}`,
      'check bridges.discord.apiUrl and Discord’s status',
    );
  } catch (err) {
    return fail(
      name,
      `${url} not reachable: ${reasonOf(err)}`,
      'check the network, proxy or apiUrl',
    );
  }
}

export async function checkSlack(cfg: NonNullable<GatewayConfig['bridges']['slack']>) {
  const base = cfg.apiUrl.endsWith('/') ? cfg.apiUrl : `${cfg.apiUrl}/`;
  const call = async (method: string, token: string) =>
    getJson(`${base}${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
  const results: CheckResult[] = [];
  try {
    const bot = await call('auth.test', cfg.botToken);
    results.push(
      bot.json.ok === true
        ? ok(
            'slack bot',
            `botToken accepted: ${String(bot.json.user ?? '')} in ${String(bot.json.team ?? '')}`,
          )
        : fail(
            'slack bot',
            `auth.test refused botToken: ${String(bot.json.error ?? `HTTP ${bot.status}`)}`,
            'copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions; reinstall the app after changing scopes',
          ),
    );
    if (cfg.mode === 'socket' && cfg.appToken) {
      const app = await call('apps.connections.open', cfg.appToken);
      results.push(
        app.json.ok === true
          ? ok('slack socket', 'appToken accepted (Socket Mode)')
          : app.status === 429 || app.json.error === 'ratelimited'
            ? warn(
                'slack socket',
                'Slack rate-limited the check (a running gateway opens connections too); the token was not refused',
                'run doctor again in a minute',
              )
            : fail(
                'slack socket',
                `apps.connections.open refused appToken: ${String(app.json.error ?? `HTTP ${app.status}`)}`,
                'create an app-level token (xapp-…) with connections:write under Basic Information, and turn Socket Mode on',
              ),
      );
    }
  } catch (err) {
    results.push(
      fail('slack', `${base} not reachable: ${reasonOf(err)}`, 'check the network or apiUrl'),
    );
  }
  return results;
}

export async function checkMatrix(cfg: NonNullable<GatewayConfig['bridges']['matrix']>) {
  const name = 'matrix';
  let asToken: string | undefined;
  try {
    const reg = parseYaml(await readFile(cfg.registration, 'utf8')) as { as_token?: string };
    asToken = reg.as_token;
  } catch (err) {
    return fail(
      name,
      `cannot read the registration ${cfg.registration}: ${(err as Error).message}`,
      'write it with `multichat matrix-registration` and list it in Synapse’s app_service_config_files',
    );
  }
  if (!asToken)
    return fail(
      name,
      `${cfg.registration} has no as_token`,
      'write it again with `multichat matrix-registration`',
    );
  const user = `@${cfg.senderLocalpart}:${cfg.domain}`;
  const url = `${cfg.homeserverUrl.replace(/\/$/, '')}/_matrix/client/v3/account/whoami?user_id=${encodeURIComponent(user)}`;
  try {
    const { status, json } = await getJson(url, {
      headers: { authorization: `Bearer ${asToken}` },
    });
    if (status === 200) return ok(name, `appservice accepted as ${String(json.user_id ?? user)}`);
    return fail(
      name,
      `whoami as the appservice answered ${status} ${String(json.errcode ?? '')}`.trim(),
      status === 401
        ? 'the homeserver does not know this registration: add the file to app_service_config_files and restart it'
        : `check bridges.matrix.domain (${cfg.domain}) and senderLocalpart against the homeserver`,
    );
  } catch (err) {
    return fail(
      name,
      `${cfg.homeserverUrl} not reachable: ${reasonOf(err)}`,
      'check bridges.matrix.homeserverUrl',
    );
  }
}

/** Every configured network's check, in config order. */
export async function checkNetworks(config: GatewayConfig): Promise<CheckResult[]> {
  const { irc, matrix, discord, slack } = config.bridges;
  const pending: Promise<CheckResult | CheckResult[]>[] = [];
  for (const [net, cfg] of Object.entries(irc?.networks ?? {}))
    pending.push(checkIrcNetwork(net, cfg));
  if (matrix) pending.push(checkMatrix(matrix));
  if (discord) pending.push(checkDiscord(discord));
  if (slack) pending.push(checkSlack(slack));
  return (await Promise.all(pending)).flat();
}
