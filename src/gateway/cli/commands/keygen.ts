import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { CommandFailedError } from '../errors.js';
import type { Command } from '../types.js';

/**
 * `keygen`: a fresh Ed25519 key. Prints its address (base64url of the raw 32-byte public key);
 * the private key is written only with `--out FILE` (mode 0600, never overwriting), in the
 * format of `<dataDir>/node.key`: base64url of the 32-byte seed, so `--out data/node.key`
 * pre-creates a gateway's identity.
 */
export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'generate an Ed25519 key and print its address',
  usage: 'keygen [--out FILE]',
  help: [
    ['--out FILE', 'write the private key seed (node.key format, mode 0600); never overwrites'],
  ],
  options: { out: { type: 'string', short: 'o' } },
  positionals: [0, 0],
  async run(args, io) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const jwk = publicKey.export({ format: 'jwk' });
    const address = jwk.x;
    if (typeof address !== 'string')
      throw new CommandFailedError('could not export the public key');
    const out = args.values.out;
    if (typeof out === 'string') {
      const seed = privateKey.export({ format: 'jwk' }).d;
      if (typeof seed !== 'string')
        throw new CommandFailedError('could not export the private key');
      try {
        await writeFile(out, `${seed}\n`, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why =
          code === 'EEXIST' ? 'file exists; not overwriting a key' : (err as Error).message;
        throw new CommandFailedError(`cannot write ${out}: ${why}`, { cause: err });
      }
      io.err(`private key written to ${out} (mode 0600)`);
    }
    io.out(address);
    return 0;
  },
};
