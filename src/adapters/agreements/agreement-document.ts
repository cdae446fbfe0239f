/**
 * An agreement version as the bytes everyone signs: the RFC 8785 canonical JSON of
 * {"agreement_id", "version", "action", "proposal": {"kind", "title", "volumes": [F3548
 * Volume4D], "applies_to": [party], "required_signers": [party], "effective": {"from", "to"}}}.
 * Reading one checks that it is canonical and its terms in normal form (so the bytes are the
 * document, with no second spelling) and that every field keeps its rule, naming the field; the
 * broker and the CLI share this code, so both read and write the same bytes.
 */
import { createHash } from 'node:crypto';
import { VERSION_ACTIONS, ZONE_KINDS, type Proposal, type VersionAction, type ZoneKind } from '../../domain/agreements/agreement.js';
import { DomainError, invalidInput } from '../../domain/errors.js';
import { footprintAreaKm2 } from '../../domain/geo/footprint-area.js';
import { isUuid } from '../../domain/ids.js';
import { canonicalJson } from '../../domain/log/canonical-json.js';
import { parseTime, parseVolume4D, toWireVolume4D } from '../http/dss-v1/volume-wire.js';
import { at, readArray, readObject, readString, type JsonObject } from '../http/dss-v1/wire/json-read.js';

export const MAX_ZONE_VOLUMES = 64;
export const MAX_ZONE_VERTICES = 1_000;
export const MAX_TITLE_LENGTH = 200;
export const MAX_PARTIES = 64;
/** Largest document (UTF-8 bytes): room for about 20,000 vertices in all. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
const PARTY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface AgreementDocument {
  readonly agreementId: string;
  readonly version: number;
  readonly action: VersionAction;
  readonly proposal: Proposal;
  /** The canonical text, exactly as signed. */
  readonly text: string;
  readonly sha256: string;
}

export interface DocumentRules {
  /** Largest zone footprint, km² (the broker's area limit). */
  readonly maxAreaKm2: number;
}

/** The canonical document for a version of these terms (`proposal` as written in a proposal file). */
export function writeDocument(agreementId: string, version: number, action: VersionAction, proposal: unknown, rules: DocumentRules): AgreementDocument {
  const normal = normalProposal(readProposal(proposal, 'proposal', rules).proposal);
  return readDocument(canonicalJson({ agreement_id: agreementId, version, action, proposal: normal }), rules);
}

/** Reads and checks a document's text; throws invalid_input naming the field and the rule. */
export function readDocument(text: string, rules: DocumentRules): AgreementDocument {
  if (Buffer.byteLength(text, 'utf8') > MAX_DOCUMENT_BYTES) throw invalidInput('document', `must be at most ${MAX_DOCUMENT_BYTES} bytes (fewer or simpler volumes)`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidInput('document', 'is not JSON');
  }
  let canonical: string;
  try {
    canonical = canonicalJson(json);
  } catch (error) {
    throw invalidInput('document', `holds a value JSON cannot carry exactly (${(error as Error).message})`);
  }
  if (canonical !== text) throw invalidInput('document', 'is not in canonical form (RFC 8785: sorted keys, no spaces, shortest numbers)');
  const o = readObject(json, 'document');
  known(o, ['agreement_id', 'version', 'action', 'proposal'], 'document');
  const agreementId = readString(o['agreement_id'], 'agreement_id');
  if (!isUuid(agreementId)) throw invalidInput('agreement_id', 'must be a UUID');
  const version = o['version'];
  if (!Number.isSafeInteger(version) || (version as number) < 1) throw invalidInput('version', 'must be a whole number ≥ 1');
  const action = o['action'];
  if (!VERSION_ACTIONS.includes(action as VersionAction)) throw invalidInput('action', `must be one of ${VERSION_ACTIONS.join(', ')}`);
  if ((version === 1) !== (action === 'propose')) throw invalidInput('action', 'version 1 proposes; later versions amend or withdraw');
  const { proposal } = readProposal(o['proposal'], 'proposal', rules);
  // One spelling of the terms: the normal form, or two documents could say the same thing
  // (and a withdrawal, which repeats the terms, could never match them).
  if (canonicalJson(normalProposal(proposal)) !== canonicalJson(o['proposal'])) {
    throw invalidInput('proposal', 'is not in normal form: volumes as F3548 Volume4D without closing vertices, party lists sorted, times as YYYY-MM-DDTHH:MM:SS.sssZ (parley agreement writes it so)');
  }
  return { agreementId, version: version as number, action: action as VersionAction, proposal, text, sha256: createHash('sha256').update(text, 'utf8').digest('hex') };
}

/** A proposal (file or document member) → domain terms; throws invalid_input naming the field. */
export function readProposal(value: unknown, field: string, rules: DocumentRules): { proposal: Proposal } {
  const o = readObject(value, field);
  known(o, ['kind', 'title', 'volumes', 'applies_to', 'required_signers', 'effective'], field);
  const kind = o['kind'];
  if (!ZONE_KINDS.includes(kind as ZoneKind)) throw invalidInput(at(field, 'kind'), `must be one of ${ZONE_KINDS.join(', ')}`);
  const title = readString(o['title'], at(field, 'title'), { min: 1, max: MAX_TITLE_LENGTH });
  if (title.trim() === '') throw invalidInput(at(field, 'title'), 'must not be blank');
  const volumeRules = { requireBounds: false, maxVertices: MAX_ZONE_VERTICES, maxAreaKm2: Number.POSITIVE_INFINITY };
  const volumes = readArray(o['volumes'], at(field, 'volumes'), { min: 1, max: MAX_ZONE_VOLUMES }).map((v, i) => parseVolume4D(v, at(at(field, 'volumes'), i), volumeRules));
  checkZoneAreas(volumes, field, rules.maxAreaKm2);
  const appliesTo = parties(o['applies_to'], at(field, 'applies_to'), kind === 'protected_zone' ? 0 : 1);
  const requiredSigners = parties(o['required_signers'], at(field, 'required_signers'), 1);
  const effective = readObject(o['effective'], at(field, 'effective'));
  known(effective, ['from', 'to'], at(field, 'effective'));
  const fromMs = instant(effective['from'], at(at(field, 'effective'), 'from'));
  const toMs = instant(effective['to'], at(at(field, 'effective'), 'to'));
  if (!(fromMs < toMs)) throw invalidInput(at(at(field, 'effective'), 'to'), 'must be after from');
  return { proposal: { kind: kind as ZoneKind, title, volumes, appliesTo, requiredSigners, effective: { fromMs, toMs } } };
}

/**
 * Each zone volume's area: more than zero (a zone with no area binds nothing and only pretends
 * to, like a degenerate polygon), and at most `maxAreaKm2` (the broker's limit for new terms).
 */
export function checkZoneAreas(volumes: Proposal['volumes'], field: string, maxAreaKm2: number): void {
  volumes.forEach((volume, i) => {
    const path = `${at(at(field, 'volumes'), i)}.volume`;
    const area = footprintAreaKm2(volume.footprint);
    if (!(area > 0)) throw invalidInput(path, 'a zone must have an area greater than zero');
    if (area > maxAreaKm2) {
      throw new DomainError('area_too_large', `${path}: must not cover more than ${maxAreaKm2} km² (it covers ${Math.round(area * 100) / 100} km²)`, { field: path });
    }
  });
}

/** The terms in the one written form documents use: sorted party lists, F3548 volumes, UTC times. */
export function normalProposal(p: Proposal): JsonObject {
  return {
    kind: p.kind,
    title: p.title,
    volumes: p.volumes.map(toWireVolume4D),
    applies_to: [...p.appliesTo].sort(),
    required_signers: [...p.requiredSigners].sort(),
    effective: { from: new Date(p.effective.fromMs).toISOString(), to: new Date(p.effective.toMs).toISOString() },
  };
}

function parties(value: unknown, field: string, min: number): string[] {
  const list = value === undefined && min === 0 ? [] : readArray(value, field, { min, max: MAX_PARTIES });
  const seen = new Set<string>();
  return list.map((p, i) => {
    const id = readString(p, at(field, i));
    if (!PARTY_ID.test(id)) throw invalidInput(at(field, i), 'a party id is 1 to 64 letters, digits, ".", "_" or "-"');
    if (seen.has(id)) throw invalidInput(at(field, i), `"${id}" is listed twice`);
    seen.add(id);
    return id;
  });
}

function instant(value: unknown, field: string): number {
  const text = readString(value, field);
  return parseTime({ value: text, format: 'RFC3339' }, field);
}

function known(o: JsonObject, keys: readonly string[], field: string): void {
  for (const key of Object.keys(o)) if (!keys.includes(key)) throw invalidInput(at(field, key), `is not a field here (expected ${keys.join(', ')})`);
}
