/**
 * The rich-text model every converter speaks: a small tree of blocks holding inline nodes.
 * Type-only and readonly so a parsed message can be shared between renderers without copies.
 * Each network's markup is parsed into this tree and rendered from it; the canonical text of a
 * Multichat message is its Markdown rendering (API.md).
 */

/** A person a mention points at: an opaque user id (ours) and a display name. */
export interface MentionUser {
  readonly id: string;
  readonly name: string;
}

export interface TextNode {
  readonly type: 'text';
  readonly text: string;
}
export interface BoldNode {
  readonly type: 'bold';
  readonly children: readonly Inline[];
}
/** Italic also carries what networks call underline (Discord `__x__`, IRC \x1F, HTML `<u>`). */
export interface ItalicNode {
  readonly type: 'italic';
  readonly children: readonly Inline[];
}
export interface StrikeNode {
  readonly type: 'strike';
  readonly children: readonly Inline[];
}
/** Inline code: a leaf, its text is shown verbatim. */
export interface CodeNode {
  readonly type: 'code';
  readonly text: string;
}
export interface LinkNode {
  readonly type: 'link';
  readonly href: string;
  readonly children: readonly Inline[];
}
export interface MentionNode {
  readonly type: 'mention';
  readonly user: MentionUser;
}
export interface SpoilerNode {
  readonly type: 'spoiler';
  readonly children: readonly Inline[];
}
export interface LineBreakNode {
  readonly type: 'lineBreak';
}

/** Inline (phrasing) content. */
export type Inline =
  | TextNode
  | BoldNode
  | ItalicNode
  | StrikeNode
  | CodeNode
  | LinkNode
  | MentionNode
  | SpoilerNode
  | LineBreakNode;

/** Inline nodes that wrap other inline nodes. */
export type InlineContainer = BoldNode | ItalicNode | StrikeNode | LinkNode | SpoilerNode;

export interface ParagraphNode {
  readonly type: 'paragraph';
  readonly children: readonly Inline[];
}
export interface CodeBlockNode {
  readonly type: 'codeBlock';
  readonly lang?: string;
  /** The code, without a trailing newline. */
  readonly text: string;
}
export interface QuoteNode {
  readonly type: 'quote';
  readonly children: readonly Block[];
}
export interface ListNode {
  readonly type: 'list';
  readonly ordered: boolean;
  /** First number of an ordered list when it is not 1. */
  readonly start?: number;
  /** Each item is a sequence of blocks. */
  readonly items: readonly (readonly Block[])[];
}

export type Block = ParagraphNode | CodeBlockNode | QuoteNode | ListNode;

/** A whole message. */
export interface RichText {
  readonly blocks: readonly Block[];
}
