/**
 * Linked accounts (docs/matrix.md, "Linked accounts"): a person whose own Matrix account is
 * linked to their Multichat profile gets no ghost. What they write on another network is
 * posted by the bridge bot, their name in bold before the text, and edited or redacted by the
 * bot; their joins and reactions are not sent (the runtime leaves them out).
 */
import type { SenderDisplay } from '../types.js';

type Content = Record<string, unknown>;

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** True when the bot, not a ghost, must speak for `sender` here. */
export function speaksThroughBot(sender: SenderDisplay): boolean {
  return sender.native !== undefined;
}

/** A text event's content with `name: ` in front (bold in the HTML). */
export function namedContent(content: Content, name: string): Content {
  const body = typeof content['body'] === 'string' ? content['body'] : '';
  const out: Content = { ...content, body: `${name}: ${body}` };
  const html = content['formatted_body'];
  out['format'] = 'org.matrix.custom.html';
  out['formatted_body'] = `<strong>${escapeHtml(name)}</strong>: ${
    typeof html === 'string' ? html : escapeHtml(body)
  }`;
  return out;
}

/** The text event that names who sent files when there is no text to put the name on. */
export function filesFrom(name: string): Content {
  return namedContent({ msgtype: 'm.text', body: 'sent files' }, name);
}
