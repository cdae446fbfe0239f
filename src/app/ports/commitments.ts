/**
 * Salted commitments for log entries: a fresh random salt per entry, and the leaf data
 * SHA-256(salt || content). Anyone may see the leaf data; without the salt it says nothing
 * about the content, even when the content could be guessed.
 */
export interface Commitments {
  /** 32 random bytes from a CSPRNG. */
  salt(): Uint8Array;
  /** SHA-256(salt || UTF-8 content), 32 bytes. */
  commit(salt: Uint8Array, content: string): Uint8Array;
  /** SHA-256 of the bytes (or of UTF-8 text), 32 bytes: digests of large fields inside an entry. */
  digest(bytes: Uint8Array | string): Uint8Array;
}
