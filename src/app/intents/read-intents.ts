/** Reads of operational intent references: by id, and by area of interest. */
import { DomainError } from '../../domain/errors.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import type { IntentId } from '../../domain/ids.js';
import type { BrokerContext } from '../broker-context.js';
import type { IntentRecord } from '../ports/store.js';

export async function getIntent(ctx: BrokerContext, id: IntentId): Promise<IntentRecord> {
  const intent = await ctx.store.read((reader) => reader.intents.get(id));
  if (intent === undefined) throw new DomainError('not_found', `Operational intent ${id} not found`);
  return intent;
}

/** Every intent reference intersecting the area in 2D, altitude and time, capped at the result limit. */
export async function queryIntents(ctx: BrokerContext, area: Volume4D): Promise<IntentRecord[]> {
  return ctx.store.read((reader) => reader.intents.findIntersecting([area], { limit: ctx.limits.resultCap }));
}
