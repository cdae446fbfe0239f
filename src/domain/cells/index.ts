/**
 * cells: the in-memory spatial index of 4D volumes (a packed lat/lng/time grid).
 * Guarantees: search() returns every entry whose volumes exactly intersect the area
 * (candidates ⊇ exact matches); geometry is held in typed arrays, not in the caller's objects.
 * Must never read the clock, do I/O, or import node:*.
 */
export { VolumeIndex, type SearchOptions } from './volume-index.js';
