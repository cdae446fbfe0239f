/**
 * Time rules that apply to a whole set of extents at write time (per-volume shape rules are
 * checked at the edge when the volumes are parsed).
 */
import { invalidInput } from '../domain/errors.js';
import { timeBounds, type Volume4D } from '../domain/geo/volume-4d.js';

export function checkWriteWindow(
  extents: readonly Volume4D[],
  options: { readonly field: string; readonly nowMs: number; readonly horizonMs: number; readonly what: string },
): { startMs: number; endMs: number } {
  if (extents.length === 0) throw invalidInput(options.field, 'must hold at least one volume');
  const bounds = timeBounds(extents);
  if (bounds.endMs < options.nowMs) {
    throw invalidInput(options.field, `${options.what} must not end in the past (ends ${new Date(bounds.endMs).toISOString()})`);
  }
  if (bounds.endMs > options.nowMs + options.horizonMs) {
    const days = Math.round(options.horizonMs / 86_400_000);
    throw invalidInput(options.field, `${options.what} must end within ${days} days from now`);
  }
  return bounds;
}
