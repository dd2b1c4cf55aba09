import { describe, expect, it } from 'vitest';
import { AttachmentFetchError } from './errors.js';
import { assertPublicUrl, isPrivateAddress } from './url-guard.js';

describe('attachment URL guard', () => {
  it('tells private, loopback and link-local addresses from public ones', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '0.0.0.0',
    ]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8'])
      expect(isPrivateAddress(a), a).toBe(false);
  });

  it('refuses non-http schemes and private literal hosts without a network lookup', async () => {
    await expect(assertPublicUrl('file:///etc/passwd')).rejects.toBeInstanceOf(
      AttachmentFetchError,
    );
    await expect(assertPublicUrl('http://127.0.0.1:8080/admin')).rejects.toThrow(
      /not a public address/,
    );
    await expect(assertPublicUrl('http://[::1]/')).rejects.toThrow(/not a public address/);
    await expect(assertPublicUrl('https://93.184.216.34/cat.png')).resolves.toBeUndefined();
  });
});
