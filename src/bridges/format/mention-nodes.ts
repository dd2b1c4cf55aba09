/**
 * Reading and rewriting the mention nodes of a rich text, in document order. The router uses
 * them to list who a message mentions and to turn a mention of someone with no identity on the
 * target into the documented fallback (the name in bold) before rendering.
 */
import type { Block, Inline, MentionNode, MentionUser, RichText } from './model.js';

/** Every mention's user, in document order (repeats kept). */
export function mentionsOf(text: RichText): MentionUser[] {
  const out: MentionUser[] = [];
  const inline = (nodes: readonly Inline[]): void => {
    for (const n of nodes) {
      if (n.type === 'mention') out.push(n.user);
      else if ('children' in n) inline(n.children);
    }
  };
  const block = (b: Block): void => {
    if (b.type === 'paragraph') inline(b.children);
    else if (b.type === 'quote') b.children.forEach(block);
    else if (b.type === 'list') b.items.forEach((item) => item.forEach(block));
  };
  text.blocks.forEach(block);
  return out;
}

/** The text with each mention node replaced by what `replace` returns for it. */
export function mapMentions(text: RichText, replace: (node: MentionNode) => Inline): RichText {
  const inline = (nodes: readonly Inline[]): Inline[] =>
    nodes.map((n) => {
      if (n.type === 'mention') return replace(n);
      if ('children' in n) return { ...n, children: inline(n.children) };
      return n;
    });
  const block = (b: Block): Block => {
    if (b.type === 'paragraph') return { ...b, children: inline(b.children) };
    if (b.type === 'quote') return { ...b, children: b.children.map(block) };
    if (b.type === 'list') return { ...b, items: b.items.map((item) => item.map(block)) };
    return b;
  };
  return { blocks: text.blocks.map(block) };
}
