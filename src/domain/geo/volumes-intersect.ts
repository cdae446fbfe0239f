/**
 * The exact 4D test: footprints on the sphere (boundary contact counts), and altitude and
 * time as closed intervals, where ±Infinity stands for an unbounded side.
 */
import type { Volume4D } from './volume-4d.js';
import { footprintBox, polygonBox, BOX_PAD_M, type LatLngBox } from './lat-lng-box.js';
import { prepareFootprint, type PreparedShape } from './prepared-shape.js';
import { IntersectScratch, shapesIntersect } from './shapes-intersect.js';

/** A volume with its footprint prepared, for testing one volume against many. */
export interface PreparedVolume {
  readonly volume: Volume4D;
  readonly shape: PreparedShape;
  readonly box: LatLngBox;
}

export function prepareVolume(volume: Volume4D): PreparedVolume {
  const fp = volume.footprint;
  const shape = prepareFootprint(fp);
  // The box from the shape's own unit vectors: the same numbers as footprintBox(fp), without the trig.
  const box = fp.kind === 'polygon' ? polygonBox(fp.vertices, BOX_PAD_M, shape.xyz) : footprintBox(fp);
  return { volume, shape, box };
}

/** Closed intervals [a, b] and [c, d] share a point. */
export function intervalsOverlap(a: number, b: number, c: number, d: number): boolean {
  return a <= d && c <= b;
}

export interface IntersectOptions {
  /** Compare footprints and times only (e.g. subscriptions that leave altitude open). */
  readonly ignoreAltitude?: boolean;
}

const scratch = new IntersectScratch();

export function volumesIntersect(a: Volume4D, b: Volume4D, options: IntersectOptions = {}): boolean {
  if (!intervalsOverlap(a.startMs, a.endMs, b.startMs, b.endMs)) return false;
  if (!options.ignoreAltitude && !intervalsOverlap(a.altitudeLowerM, a.altitudeUpperM, b.altitudeLowerM, b.altitudeUpperM)) {
    return false;
  }
  return shapesIntersect(prepareFootprint(a.footprint), prepareFootprint(b.footprint), scratch);
}

/** As volumesIntersect, with both sides prepared. */
export function preparedVolumesIntersect(a: PreparedVolume, b: PreparedVolume, options: IntersectOptions = {}): boolean {
  const va = a.volume;
  const vb = b.volume;
  if (!intervalsOverlap(va.startMs, va.endMs, vb.startMs, vb.endMs)) return false;
  if (!options.ignoreAltitude && !intervalsOverlap(va.altitudeLowerM, va.altitudeUpperM, vb.altitudeLowerM, vb.altitudeUpperM)) {
    return false;
  }
  return shapesIntersect(a.shape, b.shape, scratch);
}
