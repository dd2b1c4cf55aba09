/**
 * Matrix history for `multichat import matrix`, without the appservice listener (so no queued
 * transaction is taken from the gateway): the bridge bot's API calls with the registration's
 * `as_token`, the page reader of live backfill (./backfill.ts) and the live translation. Page
 * cursors are event ids, so an import resumes after the last event it wrote.
 */
import type { AdapterLogger, BackfillPage, LinkTarget } from '../types.js';
import { UrlFetcher } from '../net/index.js';
import { MatrixApi } from './api.js';
import { MatrixBackfill, UNDECRYPTED_WHY } from './backfill.js';
import { readMatrixConfig } from './config.js';
import { MatrixHistoryAccessError } from './errors.js';
import { InboundTranslator } from './inbound.js';
import { HomeserverMedia } from './media-download.js';
import { Profiles } from './profiles.js';
import { readRegistration } from './registration.js';
import { matrixTarget } from './target.js';

export interface MatrixHistory {
  /** One page after `cursor` (an event id), oldest first, with each event's time. */
  page(target: LinkTarget, cursor: string | undefined, limit: number): Promise<BackfillPage>;
  close(): Promise<void>;
}

export async function openMatrixHistory(
  section: unknown,
  logger: AdapterLogger,
): Promise<MatrixHistory> {
  const config = readMatrixConfig(section);
  const registration = await readRegistration(config.registration);
  const { homeserverUrl } = config;
  const api = new MatrixApi(homeserverUrl, registration.as_token);
  const media = new HomeserverMedia(
    homeserverUrl,
    registration.as_token,
    new UrlFetcher(config.media),
  );
  const botUserId = `@${config.senderLocalpart}:${config.domain}`;
  const history = new MatrixBackfill({
    api,
    // The running gateway owns the crypto store; the import never opens it.
    withoutDecrypt: config.encryption.enabled ? 'no-store' : 'encryption-off',
    undecrypted: (room, reason, count) =>
      logger.warn({ room, reason, count }, UNDECRYPTED_WHY[reason]),
    async roomOf(target) {
      const { room } = matrixTarget(target);
      if (room.startsWith('!')) return room;
      const id = await api.resolveAlias(room);
      if (!id) throw new MatrixHistoryAccessError(room, 404, 'M_NOT_FOUND');
      return id;
    },
    translator: (emit) =>
      new InboundTranslator({
        naming: config,
        homeserverUrl,
        botUserId,
        profiles: new Profiles(api, homeserverUrl),
        emit,
        openMedia: (mxc) => media.open(mxc),
        fileNotCarried: (reason, name, room) =>
          logger.warn({ reason, name, room }, 'matrix: file not carried (import)'),
        role: () => undefined,
        ghostLeft: () => undefined,
        warn: (obj, msg) => logger.warn(obj, msg),
      }),
  });
  return {
    page: (target, cursor, limit) => history.page(target, cursor, limit),
    close: async () => undefined,
  };
}
