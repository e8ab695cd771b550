import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Direct-upload URLs for local storage, the counterpart of S3's presigned URLs: the token names the
 * storage key and an expiry, signed with a secret of this process, so the URL alone permits one PUT.
 */
export class UploadSigner {
  private readonly secret = randomBytes(32);

  sign(storageKey: string, expiresInSec: number, now = Date.now()): string {
    const payload = Buffer.from(JSON.stringify([storageKey, now + expiresInSec * 1000])).toString(
      'base64url',
    );
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /** The storage key a token allows writing, or undefined when it is forged or expired. */
  verify(token: string, now = Date.now()): string | undefined {
    const [payload, signature] = token.split('.');
    if (!payload || !signature) return undefined;
    const given = Buffer.from(signature, 'base64url');
    const expected = this.mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const [storageKey, expiresAt] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [
      string,
      number,
    ];
    return expiresAt >= now ? storageKey : undefined;
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.secret).update(payload).digest();
  }
}
