/** Reads of constraint references: by id, and by area of interest. */
import { DomainError } from '../../domain/errors.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import type { ConstraintId } from '../../domain/ids.js';
import type { BrokerContext } from '../broker-context.js';
import type { ConstraintRecord } from '../ports/store.js';

export async function getConstraint(ctx: BrokerContext, id: ConstraintId): Promise<ConstraintRecord> {
  const constraint = await ctx.store.read((reader) => reader.constraints.get(id));
  if (constraint === undefined) throw new DomainError('not_found', `Constraint ${id} not found`);
  return constraint;
}

export async function queryConstraints(ctx: BrokerContext, area: Volume4D): Promise<ConstraintRecord[]> {
  return ctx.store.read((reader) => reader.constraints.findIntersecting([area], { limit: ctx.limits.resultCap }));
}
