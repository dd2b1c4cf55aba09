/**
 * What a message the adapter posted carries besides its text: the link lines of files that were
 * not uploaded and how many files were. An edit replaces the whole content, so without this
 * the links would vanish and a message of files only would be deleted for having no text.
 * Kept in memory (bounded): after a restart an edit of an older message keeps its uploaded files
 * (Discord keeps attachments an edit does not name) but not its link lines.
 */
import type { ExternalMessageId } from '../types.js';

export interface FileNote {
  readonly links: readonly string[];
  readonly uploads: number;
}

const KEPT = 5_000;

export class FileNotes {
  private readonly notes = new Map<ExternalMessageId, FileNote>();

  /** `id` is the message that carries the files (the last part of a split text). */
  note(id: ExternalMessageId, note: FileNote): void {
    if (note.links.length === 0 && note.uploads === 0) return;
    this.notes.delete(id);
    this.notes.set(id, note);
    if (this.notes.size > KEPT) {
      const oldest = this.notes.keys().next().value;
      if (oldest !== undefined) this.notes.delete(oldest);
    }
  }

  of(id: ExternalMessageId | undefined): FileNote | undefined {
    return id === undefined ? undefined : this.notes.get(id);
  }
}
