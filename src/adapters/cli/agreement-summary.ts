/**
 * Agreements in words for the terminal: the summary a party reads before it signs (taken from
 * the very document it will sign, never from the broker's other fields), the `show` view of an
 * agreement's whole history, and the one line per agreement of `list`.
 */
import { describeRule } from '../../domain/agreements/zone-rules.js';
import { footprintAreaKm2 } from '../../domain/geo/footprint-area.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import type { AgreementDocument } from '../agreements/agreement-document.js';
import type { AgreementWire, SignatureWire } from './agreement-broker.js';

export interface VersionView {
  readonly document: AgreementDocument;
  /** Who put the version forward and when; absent for a version not yet sent. */
  readonly proposer?: string;
  readonly createdAt?: string;
  /** Every party whose signature the version needs. */
  readonly quorum: readonly string[];
  readonly signatures: readonly SignatureWire[];
  /** The party about to sign. */
  readonly party: string;
}

/** What a version says and who has signed it, one fact a line. */
export function versionSummary(view: VersionView): string {
  const { document: d, quorum } = view;
  const p = d.proposal;
  const rows: Array<[string, string]> = [
    ['agreement', d.agreementId],
    ['version', `${d.version} (${d.action})${view.proposer === undefined ? ', new' : `, proposed by ${view.proposer} at ${view.createdAt ?? '?'}`}`],
    ['kind', p.kind],
    ['title', JSON.stringify(p.title)],
    ['rule', describeRule(p)],
    ['applies to', list(p.appliesTo)],
    ['required', list(p.requiredSigners)],
    ['quorum', list(quorum)],
    ['effective', `${iso(p.effective.fromMs)} → ${iso(p.effective.toMs)}`],
    ['volumes', String(p.volumes.length)],
    ...p.volumes.map((v, i): [string, string] => [`  ${i + 1}`, volumeText(v)]),
    ['signed by', signedSoFar(view)],
    ['sha256', d.sha256],
  ];
  const lines = rows.map(([name, value]) => `  ${name.padEnd(11)}${value}\n`);
  if (!quorum.includes(view.party)) lines.push(`  note: ${view.party} is not in the quorum: its signature is kept but does not count\n`);
  return lines.join('');
}

/** An agreement: what stands now, then every version with its signatures. */
export function agreementText(a: AgreementWire): string {
  const out = [
    `agreement ${a.id}\n`,
    `  state       ${a.state}\n`,
    `  in force    ${a.version_in_force === null ? 'no version' : `version ${a.version_in_force}`}\n`,
    `  binding now ${a.binding_now ? 'yes' : 'no'}\n`,
    `  terms       ${a.terms === null ? '(none in force)' : termsText(a.terms)}\n`,
  ];
  for (const v of a.versions) {
    out.push(`  version ${v.version}: ${v.action} by ${v.proposer} at ${v.created_at}, ${v.complete ? 'complete' : 'incomplete'}\n`);
    out.push(`    sha256    ${v.document_sha256}\n`);
    out.push(`    quorum    ${list(v.quorum)}\n`);
    out.push(`    signed by ${v.signatures.length === 0 ? 'nobody' : v.signatures.map(signed).join(', ')}\n`);
  }
  return out.join('');
}

/** `id  state  in-force  kind  "title"`: the terms in force, else those of the latest version. */
export function listLine(a: AgreementWire): string {
  const terms = a.terms ?? latestTerms(a);
  const inForce = a.version_in_force === null ? '-' : `v${a.version_in_force}`;
  return `${a.id}  ${a.state.padEnd(9)}  ${inForce.padEnd(4)}  ${String(terms?.['kind'] ?? '?').padEnd(15)}  ${JSON.stringify(String(terms?.['title'] ?? '?'))}\n`;
}

function termsText(terms: Readonly<Record<string, unknown>>): string {
  const effective = terms['effective'] as { from?: unknown; to?: unknown } | undefined;
  const volumes = Array.isArray(terms['volumes']) ? terms['volumes'].length : 0;
  return [
    `${String(terms['kind'])} ${JSON.stringify(terms['title'])}`,
    `applies to ${list(terms['applies_to'] as readonly string[] | undefined)}`,
    `signers ${list(terms['required_signers'] as readonly string[] | undefined)}`,
    `effective ${String(effective?.from)} → ${String(effective?.to)}`,
    `${volumes} volume${volumes === 1 ? '' : 's'}`,
  ].join('; ');
}

/** For display only: the proposal of the latest version's document, if it parses. */
function latestTerms(a: AgreementWire): Record<string, unknown> | undefined {
  const latest = a.versions.at(-1);
  if (latest === undefined) return undefined;
  try {
    return (JSON.parse(latest.document) as { proposal?: Record<string, unknown> }).proposal;
  } catch {
    return undefined;
  }
}

/**
 * Where a volume is, in one line: `circle 500 m around 46.50000, 6.60000 (0.79 km²); 0 m to 120 m
 * W84; any time`, or every vertex of a polygon: a signer must see where the zone lies, not only
 * its size.
 */
function volumeText(v: Volume4D): string {
  const fp = v.footprint;
  const where =
    fp.kind === 'circle'
      ? `circle ${fp.radiusM} m around ${fp.center.lat.toFixed(5)}, ${fp.center.lng.toFixed(5)}`
      : `polygon of ${fp.vertices.length} vertices ${fp.vertices.map((p) => `(${p.lat.toFixed(5)}, ${p.lng.toFixed(5)})`).join(' ')}`;
  const metres = (m: number) => (Number.isFinite(m) ? `${m} m` : 'unbounded');
  const time = (ms: number) => (Number.isFinite(ms) ? iso(ms) : 'unbounded');
  const altitudes = Number.isFinite(v.altitudeLowerM) || Number.isFinite(v.altitudeUpperM) ? `${metres(v.altitudeLowerM)} to ${metres(v.altitudeUpperM)} W84` : 'any altitude';
  const times = Number.isFinite(v.startMs) || Number.isFinite(v.endMs) ? `${time(v.startMs)} → ${time(v.endMs)}` : 'any time';
  return `${where} (${footprintAreaKm2(fp).toFixed(2)} km²); ${altitudes}; ${times}`;
}

/** A version not yet sent carries the proposer's signature once sent; one on record, those it has. */
function signedSoFar(view: VersionView): string {
  if (view.proposer === undefined) return `${view.party}, on sending`;
  return view.signatures.length === 0 ? 'nobody yet' : view.signatures.map(signed).join(', ');
}

function signed(s: SignatureWire): string {
  return `${s.party} at ${s.signed_at} (${s.counted ? 'counted' : 'not counted'})`;
}

function list(parties: readonly string[] | undefined): string {
  return parties === undefined || parties.length === 0 ? '(none)' : parties.join(', ');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
