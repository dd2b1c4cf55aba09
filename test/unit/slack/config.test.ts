import { describe, expect, it } from 'vitest';
import { readConfig } from '../../../src/bridges/slack/config.js';
import { SlackConfigError } from '../../../src/bridges/slack/errors.js';
import { createSlackAdapter } from '../../../src/bridges/slack/index.js';
import type { NetworkName } from '../../../src/bridges/types.js';
import { quietLogger } from '../../support/quiet-logger.js';

describe('slack config', () => {
  it('fills defaults and ends the API base with a slash', () => {
    const c = readConfig({
      botToken: 'xoxb-1',
      appToken: 'xapp-1',
      apiUrl: 'http://127.0.0.1:9/api',
    });
    expect(c).toMatchObject({
      mode: 'socket',
      apiUrl: 'http://127.0.0.1:9/api/',
      slashCommand: '/multichat',
      listen: { host: '127.0.0.1', port: 3000 },
    });
  });

  it("keeps Slack's chat.postMessage pace unless told, and the adapter declares the configured one", () => {
    const base = { botToken: 'x', appToken: 'y' };
    expect(readConfig(base).rateLimit).toEqual({ messagesPerSecond: 1, burst: 4 });
    const raised = { messagesPerSecond: 500, burst: 50 };
    expect(readConfig({ ...base, rateLimit: raised }).rateLimit).toEqual(raised);
    const build = createSlackAdapter({ ...base, rateLimit: raised }, 'slack' as NetworkName);
    const adapter = build({
      logger: quietLogger,
      clock: { now: Date.now },
      emit: async () => undefined,
      reportHealth: () => undefined,
    });
    expect(adapter.capabilities.rateLimit).toEqual(raised);
    expect(() => readConfig({ ...base, rateLimit: { messagesPerSecond: 0 } })).toThrow(
      /rateLimit\.messagesPerSecond/,
    );
  });

  it('names the missing key for each mode', () => {
    expect(() => readConfig({})).toThrow(SlackConfigError);
    expect(() => readConfig({ botToken: 'x' })).toThrow(/appToken/);
    expect(() => readConfig({ botToken: 'x', mode: 'http' })).toThrow(/signingSecret/);
    expect(() => readConfig({ botToken: 'x', mode: 'rtm' })).toThrow(/mode/);
  });

  it('keeps the older allowPrivateAttachmentUrls spelling as media.allowPrivateAddresses', () => {
    const base = { botToken: 'x', appToken: 'y' };
    expect(readConfig(base).media.allowPrivateAddresses).toBeUndefined();
    expect(readConfig({ ...base, allowPrivateAttachmentUrls: true }).media).toEqual({
      allowPrivateAddresses: true,
    });
    // The runtime's media section reaches the adapter; the alias only opens private addresses.
    const media = { maxBytes: 1000, allow: ['10.0.0.0/8'] };
    expect(readConfig({ ...base, media, allowPrivateAttachmentUrls: true }).media).toEqual({
      ...media,
      allowPrivateAddresses: true,
    });
  });

  it('names a bad media key and never echoes a token', () => {
    expect(() =>
      readConfig({ botToken: 'x', appToken: 'y', media: { allow: ['nope/99'] } }),
    ).toThrow(/bridges\.slack\.media\.allow\.0: allow entry "nope\/99": expected an IP/);
    const secret = 'xapp-SECRET-value-1234';
    const bad = () => readConfig({ botToken: 'x', appToken: secret, mode: 'http' });
    expect(bad).toThrow(/signingSecret/);
    expect(bad).not.toThrow(new RegExp(secret));
    expect(() => readConfig({ botToken: 42, appToken: 'y' })).toThrow(/bridges\.slack\.botToken/);
  });
});
