/**
 * What an agreement in force forbids (issue 5): a protected zone, any operation entering it; a
 * restricted zone, the parties it names; a designated zone, every party it does not name. An
 * operation "enters" a zone when one of its volumes meets one of the zone's, within the zone's
 * effective window, in 2D, altitude and time (closed intervals, as every intersection here).
 */
import type { Volume4D } from '../geo/volume-4d.js';
import { volumesIntersect } from '../geo/volumes-intersect.js';
import type { ZoneKind } from './agreement.js';

/** A zone of an agreement in force, as the broker checks intents against it. */
export interface Zone {
  readonly agreementId: string;
  readonly version: number;
  readonly kind: ZoneKind;
  readonly title: string;
  readonly volumes: readonly Volume4D[];
  readonly appliesTo: readonly string[];
  readonly effective: { readonly fromMs: number; readonly toMs: number };
}

/** The zone's volumes with their times cut to its effective window (unbounded times take the window). */
export function boundVolumes(zone: Pick<Zone, 'volumes' | 'effective'>): Volume4D[] {
  const out: Volume4D[] = [];
  for (const v of zone.volumes) {
    const startMs = Math.max(v.startMs, zone.effective.fromMs);
    const endMs = Math.min(v.endMs, zone.effective.toMs);
    if (startMs <= endMs) out.push({ ...v, startMs, endMs });
  }
  return out;
}

/** Does the zone's rule bind this party at all? */
export function bindsParty(zone: Pick<Zone, 'kind' | 'appliesTo'>, party: string): boolean {
  switch (zone.kind) {
    case 'protected_zone':
      return true;
    case 'restricted_zone':
      return zone.appliesTo.includes(party);
    case 'designated_zone':
      return !zone.appliesTo.includes(party);
  }
}

/** Does an operation of `manager` with these extents break the zone's rule? */
export function violates(zone: Zone, manager: string, extents: readonly Volume4D[]): boolean {
  if (!bindsParty(zone, manager)) return false;
  const zoneVolumes = boundVolumes(zone);
  return extents.some((e) => zoneVolumes.some((z) => volumesIntersect(e, z)));
}

/** The rule in words, for the refusal an operator reads. */
export function describeRule(zone: Pick<Zone, 'kind' | 'appliesTo'>): string {
  switch (zone.kind) {
    case 'protected_zone':
      return 'a protected zone: no operation may enter it';
    case 'restricted_zone':
      return `a restricted zone: ${zone.appliesTo.join(', ')} may not enter it`;
    case 'designated_zone':
      return `a zone designated for ${zone.appliesTo.join(', ')}: no other party may plan inside it`;
  }
}
