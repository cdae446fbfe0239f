/** Signs the log's checkpoints (C2SP signed notes, Ed25519); the key stays in the adapter. */
export interface LogSigner {
  /** The checkpoint origin line, which is also the note key's name. */
  readonly origin: string;
  /** The C2SP verifier key string: name+keyid+base64(type||public key). */
  readonly verifierKey: string;
  /** The public key as a JWK (OKP, Ed25519). */
  readonly publicJwk: Readonly<Record<string, unknown>>;
  /** The signed note: `text` followed by a blank line and the signature line. */
  sign(text: string): string;
  /** Does this key's signature on `note` verify (e.g. a note kept from before a key change)? */
  signed(note: string): boolean;
}
