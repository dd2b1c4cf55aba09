/**
 * A zip archive read entry by entry (yauzl): only the central directory (names and sizes) is
 * held in memory, and one entry's bytes at a time when asked, so reading an export takes memory
 * in the size of its largest file, not of the archive.
 */
import yauzl from 'yauzl';
import { ExportNotZipError } from './errors.js';

export class ZipArchive {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entries: ReadonlyMap<string, yauzl.Entry>,
  ) {}

  /** @throws ExportNotZipError when `path` cannot be read as a zip. */
  static async open(path: string): Promise<ZipArchive> {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, file) =>
        error ? reject(new ExportNotZipError(path, error.message)) : resolve(file),
      ),
    );
    const entries = new Map<string, yauzl.Entry>();
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        if (!entry.fileName.endsWith('/')) entries.set(entry.fileName, entry);
        zip.readEntry();
      });
      zip.once('end', () => resolve());
      zip.once('error', (error: Error) => reject(new ExportNotZipError(path, error.message)));
      zip.readEntry();
    });
    return new ZipArchive(zip, entries);
  }

  /** Names of the files (not folders) in the archive. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry's bytes as UTF-8 text. */
  async text(name: string): Promise<string> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`no ${name} in the archive`);
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      this.zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s))),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  close(): void {
    this.zip.close();
  }
}
