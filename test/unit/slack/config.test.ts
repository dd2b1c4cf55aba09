import { describe, expect, it } from 'vitest';
import { readConfig } from '../../../src/bridges/slack/config.js';
import { SlackConfigError } from '../../../src/bridges/slack/errors.js';

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

  it('names the missing key for each mode', () => {
    expect(() => readConfig({})).toThrow(SlackConfigError);
    expect(() => readConfig({ botToken: 'x' })).toThrow(/appToken/);
    expect(() => readConfig({ botToken: 'x', mode: 'http' })).toThrow(/signingSecret/);
    expect(() => readConfig({ botToken: 'x', mode: 'rtm' })).toThrow(/mode/);
  });
});
