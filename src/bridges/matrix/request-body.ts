/**
 * Reads the JSON body of a request to the appservice listener, bounded. A body over the limit is
 * read to its end and discarded before the 413 goes out, because answering while the homeserver
 * is still sending and then closing would reach it as a connection reset, not as a status. Past
 * a hard cap (a sender that never stops) the connection is cut.
 */
import type { IncomingMessage } from 'node:http';
import { TransactionNotJsonError, TransactionTooLargeError } from './errors.js';

/** Beyond this many bytes a too-large body is no longer drained: the socket is destroyed. */
const DRAIN_FACTOR = 16;

/** @throws TransactionTooLargeError, TransactionNotJsonError (and the stream's own errors). */
export function readJsonObject(
  req: IncomingMessage,
  maxBytes: number,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > maxBytes;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      else if (size > maxBytes * DRAIN_FACTOR) {
        req.destroy();
        reject(new TransactionTooLargeError(maxBytes));
      }
    });
    req.on('end', () => {
      if (tooLarge) return reject(new TransactionTooLargeError(maxBytes));
      try {
        resolve(parseObject(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error as Error);
      }
    });
    req.on('error', reject);
  });
}

function parseObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message names positions and excerpts of the body: not echoed back.
    throw new TransactionNotJsonError('invalid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TransactionNotJsonError(`got ${Array.isArray(value) ? 'an array' : typeof value}`);
  return value as Record<string, unknown>;
}
