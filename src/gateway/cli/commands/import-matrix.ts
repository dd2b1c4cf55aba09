/**
 * `import matrix --room ROOM [--into CHANNEL]`: a Matrix room's history read by the bridge bot
 * (`bridges.matrix` and its registration), oldest first, resumable
 * (commands/import-network.ts). The bot must be in the room and allowed to see its history.
 */
import type { CliIo, CommandArgs } from '../types.js';
import { runNetworkImport } from './import-network.js';
import { readerImport } from './import-reader.js';

export async function importMatrix(args: CommandArgs, io: CliIo): Promise<number> {
  const room = args.values.room;
  // Room ids of room version 12 have no server part; aliases always do.
  if (typeof room !== 'string' || !/^(![^\s]+|#[^:\s]+:\S+)$/.test(room)) {
    io.err(
      `multichat import: give the Matrix room: import matrix --room !id:server (or #alias); got ${JSON.stringify(room)}`,
    );
    return 2;
  }
  return runNetworkImport(readerImport('matrix', { room }, room), args, io);
}
