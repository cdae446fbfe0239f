/** Fresh unguessable values: OVNs, subscription versions, report ids. */
export interface IdSource {
  /** A new opaque version number (F3548 EntityOVN: 16–128 characters). */
  ovn(): string;
  /** A new UUIDv4. */
  uuid(): string;
}
