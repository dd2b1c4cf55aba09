/**
 * Message views of encrypted channels: the core's Views, with the file names, types, sizes and
 * dimensions that travel sealed (file-names.ts, sealed-files.ts) put back from the opened content
 * where this node can open it.
 */
import { Views } from '../state/views.js';
import type { LogStore } from '../store/log-store.js';
import type { MessageRow, ProfileRow, Projections } from '../store/projections.js';
import type { StateView } from '../logics/types.js';
import type { ContentHash, MessageView } from '../types.js';
import type { E2ee } from './e2ee.js';
import { fileNamesOf, restoreFileNames } from './file-names.js';
import { restoreSealedFiles, sealedFilesOf } from './sealed-files.js';

export class SealedViews extends Views {
  constructor(
    projections: Projections,
    private readonly contentLog: LogStore,
    state: StateView,
    isLocal: (profile: ProfileRow) => boolean,
    private readonly e2ee: E2ee,
  ) {
    super(projections, contentLog, state, isLocal, (row, body) =>
      e2ee.readable(row.channel, row.sender, body),
    );
  }

  override message(
    row: MessageRow,
    fresh?: { fresh: true; contents: ReadonlyMap<ContentHash, Uint8Array> },
  ): MessageView {
    const view = super.message(row, fresh);
    // Only files whose names were sealed (empty in the transaction) cost an extra open.
    if (!view.attachments?.some((a) => a.name === '') || view.deleted) return view;
    const hash = row.content_hash as ContentHash;
    const stored = fresh?.contents.get(hash) ?? this.contentLog.content(hash);
    const plain = stored && this.e2ee.readable(row.channel, row.sender, stored);
    if (!plain) return view;
    const named = restoreFileNames(view.attachments, fileNamesOf(plain));
    return { ...view, attachments: restoreSealedFiles(named, sealedFilesOf(plain)) };
  }
}
