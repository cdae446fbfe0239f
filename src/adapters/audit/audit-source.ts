/** Where an audit reads a broker's log: its HTTP API (online) or its data directory (offline). */

export interface AuditEntry {
  readonly index: number;
  /** The leaf data (32 bytes). */
  readonly data: Uint8Array;
  /** Present on the entries the auditor may see whole. */
  readonly salt?: Uint8Array;
  /** The content's canonical JSON text, as stored (offline) or re-canonicalised (online). */
  readonly content?: string;
}

export interface AuditSource {
  /** Says where the log is, for messages. */
  readonly description: string;
  /** The broker's checkpoint verifier key (C2SP vkey string). */
  verifierKey(): Promise<string>;
  /** The latest signed checkpoint note. */
  checkpoint(): Promise<string>;
  /** Up to `limit` entries from `start`, in index order (as the source has them). */
  entries(start: number, limit: number): Promise<AuditEntry[]>;
  /** The broker's consistency proof (online); offline audits recompute roots instead. */
  consistencyProof?(from: number, to: number): Promise<Uint8Array[]>;
  /** The broker's inclusion proof (online). */
  inclusionProof?(index: number, size: number): Promise<Uint8Array[]>;
  /** Every checkpoint the broker recorded having signed (offline). */
  storedCheckpoints?(): Promise<string[]>;
}
