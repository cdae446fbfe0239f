/**
 * Agreements as the store keeps them: each agreement's record (every version and signature, in
 * the order added) by id, in first-proposed order, and beside it the zone it puts in force, if
 * any. The zone is recomputed (quorum.ts statusOf) whenever a version or signature is added or
 * taken back, so that zonesMeeting(), which runs on every intent write, only tests volumes.
 */
import type { AgreementRecord, AgreementSignature, AgreementVersion } from '../../../domain/agreements/agreement.js';
import { statusOf } from '../../../domain/agreements/quorum.js';
import { boundVolumes, type Zone } from '../../../domain/agreements/zone-rules.js';
import { timeBounds, type Volume4D } from '../../../domain/geo/volume-4d.js';
import { prepareVolume, preparedVolumesIntersect, type PreparedVolume } from '../../../domain/geo/volumes-intersect.js';

/**
 * A zone in force with its volumes cut to the effective window and prepared once (the exact
 * test then costs what volumesIntersect does, without preparing the zone on every intent
 * write), and their overall time span.
 */
interface InForce {
  readonly zone: Zone;
  readonly volumes: readonly PreparedVolume[];
  readonly startMs: number;
  readonly endMs: number;
}

/** One agreement: its record and what it puts in force. An undo puts a whole entry back. */
export interface AgreementEntry {
  readonly record: AgreementRecord;
  readonly inForce: InForce | undefined;
}

export class AgreementTable {
  /** Map order is insertion order: first proposed first (an undo of a later write keeps the place). */
  readonly #entries = new Map<string, AgreementEntry>();
  /** The in-force zones in first-proposed order; undefined until asked for after a change. */
  #inForce: readonly InForce[] | undefined = [];

  get size(): number {
    return this.#entries.size;
  }

  get(id: string): AgreementRecord | undefined {
    return this.#entries.get(id)?.record;
  }

  list(): AgreementRecord[] {
    const out: AgreementRecord[] = [];
    for (const entry of this.#entries.values()) out.push(entry.record);
    return out;
  }

  /**
   * Adds the agreement's next version; returns the entry it replaced (undefined for a new
   * agreement). Refuses any number but last + 1: a gap or a second version n would make the
   * history (and the quorum computed from it) ambiguous.
   */
  putVersion(version: AgreementVersion): AgreementEntry | undefined {
    const id = version.agreementId;
    const previous = this.#entries.get(id);
    const last = previous?.record.versions.length ?? 0;
    if (version.version !== last + 1) {
      throw new Error(
        `Cannot store version ${version.version} of agreement "${id}": ` +
          (last === 0 ? 'a new agreement starts at version 1' : `its last version is ${last}, so the next must be ${last + 1}`),
      );
    }
    const record: AgreementRecord = {
      id,
      versions: [...(previous?.record.versions ?? []), version],
      signatures: previous?.record.signatures ?? [],
    };
    this.#set(id, record);
    return previous;
  }

  /**
   * Adds a signature; returns the entry it replaced. Refuses one for a version that does not
   * exist, and a party's second signature on one version (each party counts once in a quorum).
   */
  putSignature(signature: AgreementSignature): AgreementEntry {
    const { agreementId: id, version, party } = signature;
    const previous = this.#entries.get(id);
    if (previous === undefined) throw new Error(`Cannot store a signature of ${party} on agreement "${id}": there is no such agreement`);
    const record = previous.record;
    if (!record.versions.some((v) => v.version === version)) {
      throw new Error(`Cannot store a signature of ${party} on version ${version} of agreement "${id}": it has versions 1 to ${record.versions.length}`);
    }
    if (record.signatures.some((s) => s.version === version && s.party === party)) {
      throw new Error(`Cannot store a signature of ${party} on version ${version} of agreement "${id}": ${party} has already signed it`);
    }
    this.#set(id, { id, versions: record.versions, signatures: [...record.signatures, signature] });
    return previous;
  }

  /** Brings agreement `id` back to `previous` (absent when undefined). */
  restore(id: string, previous: AgreementEntry | undefined): void {
    const current = this.#entries.get(id);
    if (previous === undefined) this.#entries.delete(id);
    else this.#entries.set(id, previous);
    if (current?.inForce !== previous?.inForce) this.#inForce = undefined;
  }

  /** The zones in force any of whose volumes, cut to the effective window, meets any of `extents`. */
  zonesMeeting(extents: readonly Volume4D[]): Zone[] {
    // Runs on every intent write: with nothing in force, nothing else is done.
    const inForce = (this.#inForce ??= this.#collect());
    if (inForce.length === 0 || extents.length === 0) return [];
    const span = timeBounds(extents);
    let prepared: PreparedVolume[] | undefined;
    const out: Zone[] = [];
    for (const z of inForce) {
      if (z.startMs > span.endMs || span.startMs > z.endMs) continue;
      const given = (prepared ??= extents.map(prepareVolume));
      if (z.volumes.some((zv) => given.some((e) => preparedVolumesIntersect(e, zv)))) out.push(z.zone);
    }
    return out;
  }

  #set(id: string, record: AgreementRecord): void {
    const current = this.#entries.get(id);
    const inForce = inForceOf(record, current?.inForce);
    this.#entries.set(id, { record, inForce });
    if (inForce !== current?.inForce) this.#inForce = undefined;
  }

  #collect(): InForce[] {
    const out: InForce[] = [];
    for (const entry of this.#entries.values()) if (entry.inForce !== undefined) out.push(entry.inForce);
    return out;
  }
}

/** What the record puts in force; `current` again when that has not changed (most signatures). */
function inForceOf(record: AgreementRecord, current: InForce | undefined): InForce | undefined {
  const status = statusOf(record);
  if (status.state !== 'effective' || status.proposal === undefined || status.version === undefined) return undefined;
  if (current !== undefined && current.zone.version === status.version) return current;
  const { kind, title, volumes, appliesTo, effective } = status.proposal;
  const zone: Zone = { agreementId: record.id, version: status.version, kind, title, volumes, appliesTo, effective };
  const bound = boundVolumes(zone);
  // A zone whose window misses all its volumes meets nothing: its span is empty (start > end).
  const { startMs, endMs } = timeBounds(bound);
  return { zone, volumes: bound.map(prepareVolume), startMs, endMs };
}
