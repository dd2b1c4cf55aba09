/**
 * The Events API over HTTP as the docs ("Verifying requests from Slack") describe it: Slack
 * POSTs each event (JSON) or slash command (form-encoded) to the app's Request URL with
 * `X-Slack-Request-Timestamp` and `X-Slack-Signature: v0=<hex HMAC-SHA256 of
 * "v0:<timestamp>:<raw body>" keyed by the signing secret>`; a delivery not answered 200 is
 * retried with `X-Slack-Retry-Num` / `X-Slack-Retry-Reason`. Tests can also send a bad
 * signature, a stale timestamp or no signature, to see them refused.
 */
import { createHmac } from 'node:crypto';

export interface SendOptions {
  /** Seconds since the epoch; default now. */
  readonly timestamp?: number;
  /** Overrides the computed signature (a forged or wrong one). */
  readonly signature?: string;
  /** Sends no signature headers at all. */
  readonly unsigned?: boolean;
  readonly retryNum?: number;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export class EventsSender {
  /** Every delivery's answer, in order. */
  readonly answers: HttpAnswer[] = [];

  constructor(
    readonly url: string,
    private readonly secret: string,
  ) {}

  /** POSTs a JSON body (event_callback, url_verification). */
  postJson(body: unknown, options: SendOptions = {}): Promise<HttpAnswer> {
    return this.post(JSON.stringify(body), 'application/json', options);
  }

  /** POSTs a form body (slash commands, interactivity). */
  postForm(fields: Record<string, string>, options: SendOptions = {}): Promise<HttpAnswer> {
    return this.post(
      new URLSearchParams(fields).toString(),
      'application/x-www-form-urlencoded',
      options,
    );
  }

  private async post(raw: string, type: string, options: SendOptions): Promise<HttpAnswer> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': type,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    };
    if (!options.unsigned) {
      headers['x-slack-request-timestamp'] = String(timestamp);
      headers['x-slack-signature'] = options.signature ?? sign(this.secret, timestamp, raw);
    }
    if (options.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(options.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    const res = await fetch(this.url, {
      method: 'POST',
      headers,
      body: raw,
      signal: AbortSignal.timeout(10_000),
    });
    const answer = { status: res.status, body: await res.text() };
    this.answers.push(answer);
    return answer;
  }
}
