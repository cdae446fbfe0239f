import type { Footprint, LatLng, Volume4D } from '../../../domain/geo/volume-4d.js';
import type { StoredJson } from './stored-json.js';

/*
 * Volume4D as JSON, in the domain's own shape. Operations' volumes are finite (unbounded
 * sides belong to query areas and subscriptions), so JSON holds them exactly; toExactJson
 * refuses any that are not.
 */

/** The volumes with only their own fields, ready for toExactJson. */
export function volumesToJson(volumes: readonly Volume4D[]): unknown[] {
  return volumes.map((v) => ({
    footprint: footprintToJson(v.footprint),
    altitudeLowerM: v.altitudeLowerM,
    altitudeUpperM: v.altitudeUpperM,
    startMs: v.startMs,
    endMs: v.endMs,
  }));
}

function footprintToJson(f: Footprint): unknown {
  return f.kind === 'circle'
    ? { kind: 'circle', center: { lat: f.center.lat, lng: f.center.lng }, radiusM: f.radiusM }
    : { kind: 'polygon', vertices: f.vertices.map((p) => ({ lat: p.lat, lng: p.lng })) };
}

export function volumesFromJson(value: unknown, json: StoredJson, path: string): Volume4D[] {
  return json.array(value, path).map((item, i) => {
    const at = `${path}[${i}]`;
    const v = json.object(item, at);
    return {
      footprint: footprintFromJson(v.footprint, json, `${at}.footprint`),
      altitudeLowerM: json.number(v.altitudeLowerM, `${at}.altitudeLowerM`),
      altitudeUpperM: json.number(v.altitudeUpperM, `${at}.altitudeUpperM`),
      startMs: json.number(v.startMs, `${at}.startMs`),
      endMs: json.number(v.endMs, `${at}.endMs`),
    };
  });
}

function footprintFromJson(value: unknown, json: StoredJson, path: string): Footprint {
  const f = json.object(value, path);
  if (f.kind === 'circle') {
    return {
      kind: 'circle',
      center: latLngFromJson(f.center, json, `${path}.center`),
      radiusM: json.number(f.radiusM, `${path}.radiusM`),
    };
  }
  if (f.kind === 'polygon') {
    const vertices = json.array(f.vertices, `${path}.vertices`);
    return { kind: 'polygon', vertices: vertices.map((p, i) => latLngFromJson(p, json, `${path}.vertices[${i}]`)) };
  }
  return json.fail(`${path}.kind`, '"circle" or "polygon"', f.kind);
}

function latLngFromJson(value: unknown, json: StoredJson, path: string): LatLng {
  const p = json.object(value, path);
  return { lat: json.number(p.lat, `${path}.lat`), lng: json.number(p.lng, `${path}.lng`) };
}
