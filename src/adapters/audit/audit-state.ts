/**
 * What a party keeps between audits (`--state DIR`): the last checkpoint it verified, and the
 * broker's checkpoint key as first seen (trust on first use, unless pinned with --log-key).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CHECKPOINT_FILE = 'checkpoint.txt';
const KEY_FILE = 'log-key.txt';

export interface AuditState {
  /** The signed note of the last verified checkpoint. */
  readonly checkpoint: string | undefined;
  readonly verifierKey: string | undefined;
}

export function readAuditState(dir: string | undefined): AuditState {
  if (dir === undefined) return { checkpoint: undefined, verifierKey: undefined };
  const read = (name: string): string | undefined => {
    const path = join(dir, name);
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  };
  return { checkpoint: read(CHECKPOINT_FILE), verifierKey: read(KEY_FILE)?.trim() };
}

/** Saves what a successful audit saw (each file replaced atomically). */
export function writeAuditState(dir: string, state: { readonly checkpoint: string; readonly verifierKey: string }): void {
  mkdirSync(dir, { recursive: true });
  const write = (name: string, text: string): void => {
    const path = join(dir, name);
    writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
  };
  write(CHECKPOINT_FILE, state.checkpoint);
  write(KEY_FILE, `${state.verifierKey}\n`);
}
