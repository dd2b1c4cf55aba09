/**
 * Files that could not be uploaded travel as links in the message text (`<url|name>`, the
 * gateway's signed media link). An edit replaces a Slack message's whole text, so the adapter
 * remembers those lines per message `ts` and puts them back below the edited text. The memory
 * is bounded and lost on restart: an edit of an older message then drops its link lines.
 */
import type { OutboundAttachment } from '../types.js';

/** A file as its link, shown under its name (Slack's `<url|text>`). */
export function linkTo(attachment: OutboundAttachment): string {
  const name = attachment.name.replace(/[<>|]/g, '').replace(/&/g, '&amp;');
  return name === '' ? `<${attachment.url}>` : `<${attachment.url}|${name}>`;
}

export class LinkLines {
  private readonly lines = new Map<string, string>();

  constructor(
    /** The longest text of one message (the adapter's this.maxText). */
    private readonly maxText: number,
    private readonly capacity = 10_000,
  ) {}

  remember(ts: string, links: readonly string[]): void {
    this.lines.delete(ts);
    this.lines.set(ts, links.join('\n'));
    if (this.lines.size > this.capacity) {
      const oldest = this.lines.keys().next().value;
      if (oldest !== undefined) this.lines.delete(oldest);
    }
  }

  /** `text` (cut to fit) with the link lines remembered for `ts` below it. */
  below(ts: string, text: string): string {
    const links = this.lines.get(ts);
    if (links === undefined) return text.slice(0, this.maxText);
    if (text.trim() === '') return links;
    return `${text.slice(0, Math.max(0, this.maxText - links.length - 1))}\n${links}`;
  }
}
