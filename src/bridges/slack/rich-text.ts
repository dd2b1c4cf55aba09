/**
 * Slack's `rich_text` blocks (what Slack clients send for what a person typed) → mrkdwn, the
 * markup the adapter declares. The `text` field beside the blocks is Slack's own fallback and
 * loses structure (lists, quotes, code blocks), so the blocks win when present.
 */

interface Style {
  readonly bold?: boolean;
  readonly italic?: boolean;
  readonly strike?: boolean;
  readonly code?: boolean;
}

interface Element {
  readonly type: string;
  readonly text?: string;
  readonly style?: Style | string;
  readonly user_id?: string;
  readonly channel_id?: string;
  readonly usergroup_id?: string;
  readonly url?: string;
  readonly name?: string;
  readonly range?: string;
  readonly elements?: readonly Element[];
  readonly indent?: number;
  readonly offset?: number;
}

/** The mrkdwn of a message's rich-text blocks, or undefined when it has none. */
export function richTextToMrkdwn(blocks: readonly unknown[]): string | undefined {
  const rich = blocks.filter((b): b is Element => isElement(b) && b.type === 'rich_text');
  if (rich.length === 0) return undefined;
  return rich
    .map((b) => (b.elements ?? []).map(part).join('\n'))
    .join('\n')
    .replace(/\n+$/, '');
}

function part(el: Element): string {
  switch (el.type) {
    case 'rich_text_section':
      return inlines(el.elements);
    case 'rich_text_preformatted':
      return `\`\`\`${(el.elements ?? []).map((e) => escape(e.text ?? e.url ?? '')).join('')}\`\`\``;
    case 'rich_text_quote':
      return inlines(el.elements)
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n');
    case 'rich_text_list': {
      const indent = '    '.repeat(el.indent ?? 0);
      return (el.elements ?? [])
        .map((item, i) => {
          const marker = el.style === 'ordered' ? `${(el.offset ?? 0) + i + 1}.` : '•';
          return `${indent}${marker} ${inlines(item.elements)}`;
        })
        .join('\n');
    }
    default:
      return '';
  }
}

function inlines(elements: readonly Element[] | undefined): string {
  return (elements ?? []).map(inline).join('');
}

function inline(el: Element): string {
  switch (el.type) {
    case 'text':
      return styled(escape(el.text ?? ''), el.style);
    case 'link':
      return styled(
        el.text ? `<${el.url ?? ''}|${escape(el.text)}>` : `<${el.url ?? ''}>`,
        el.style,
      );
    case 'user':
      return `<@${el.user_id ?? ''}>`;
    case 'channel':
      return `<#${el.channel_id ?? ''}>`;
    case 'usergroup':
      return `<!subteam^${el.usergroup_id ?? ''}>`;
    case 'broadcast':
      return `<!${el.range ?? 'here'}>`;
    case 'emoji':
      return `:${el.name ?? ''}:`;
    default:
      return el.text ? escape(el.text) : '';
  }
}

/** Wraps the non-blank core of `text` in the style's markers (Slack needs them against words). */
function styled(text: string, style: Style | string | undefined): string {
  if (!style || typeof style === 'string' || text.trim() === '') return text;
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text);
  let core = m?.[2] ?? text;
  if (style.code) core = `\`${core}\``;
  if (style.strike) core = `~${core}~`;
  if (style.italic) core = `_${core}_`;
  if (style.bold) core = `*${core}*`;
  return `${m?.[1] ?? ''}${core}${m?.[3] ?? ''}`;
}

function escape(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function isElement(value: unknown): value is Element {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}
