/**
 * DESIGN.md invariant 2: an intent is accepted only if its key holds the current OVN of every
 * intersecting entity that requires it. Pure: the caller finds the intersecting entities.
 */
export interface KeyedEntity {
  readonly id: string;
  readonly ovn: string;
}

/** findMissingOvns() lists every entity whose current OVN is absent from the key, in input order. */
export function findMissingOvns<T extends KeyedEntity>(
  intersecting: readonly T[],
  key: ReadonlySet<string>,
  options: { readonly selfId?: string; readonly exempt?: (entity: T) => boolean } = {},
): T[] {
  const missing: T[] = [];
  for (const entity of intersecting) {
    if (entity.id === options.selfId) continue;
    if (options.exempt?.(entity)) continue;
    if (!key.has(entity.ovn)) missing.push(entity);
  }
  return missing;
}
