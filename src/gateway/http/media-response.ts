/**
 * How a blob is served. Uploaded bytes are the uploader's choice, so nothing they contain may
 * run on the API's origin: the type is never sniffed, and anything but a raster image, audio or
 * video is a download (`Content-Disposition: attachment`) under a CSP that forbids scripts,
 * styles, frames and plugins and sandboxes the document (an uploaded HTML or SVG page).
 */

/** Types a browser may show in place without running anything. */
const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif']);

function inline(mimeType: string): boolean {
  return INLINE.has(mimeType) || mimeType.startsWith('audio/') || mimeType.startsWith('video/');
}

/** An ASCII stand-in for a file name (the quoted `filename=`), and the RFC 5987 form. */
function dispositionName(name: string): string {
  const ascii = name.replace(/[^A-Za-z0-9._ -]/g, '_').slice(0, 255) || 'file';
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The headers of a blob's answer. */
export function mediaHeaders(mimeType: string, size: number, name: string): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': mimeType,
    'Content-Length': String(size),
    'X-Content-Type-Options': 'nosniff',
    // Bytes behind a token or a signed link: no shared cache keeps them.
    'Cache-Control': 'private, max-age=3600',
    'Cross-Origin-Resource-Policy': 'same-site',
  };
  if (inline(mimeType)) {
    headers['Content-Disposition'] = `inline; ${dispositionName(name)}`;
  } else {
    headers['Content-Disposition'] = `attachment; ${dispositionName(name)}`;
    headers['Content-Security-Policy'] = "default-src 'none'; sandbox";
  }
  return headers;
}

/** A web stream of the bytes (hono answers with web streams). */
export function webStream(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/**
 * `source` with its first chunk already read, so an error it throws at once (a sealed file that
 * does not open: the core checks it whole first) becomes an error answer, not a cut-off body.
 */
export async function primed(
  source: AsyncIterable<Uint8Array>,
): Promise<AsyncIterable<Uint8Array>> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    async *[Symbol.asyncIterator]() {
      if (first.done) return;
      yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        yield next.value;
      }
    },
  };
}

/** The request body as bytes, chunk by chunk (empty when there is none). */
export async function* requestBytes(
  body: ReadableStream<Uint8Array> | null,
): AsyncIterable<Uint8Array> {
  if (!body) return;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stops reading a body that was refused half-way (too large).
    await reader.cancel().catch(() => undefined);
  }
}
