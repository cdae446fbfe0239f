/**
 * An agreement in force is also an F3548 constraint reference managed by the broker (issue 5),
 * so standard clients see its zone in constraint queries: published when a version comes into
 * force, updated when an amendment does, deleted when a withdrawal does. Subscribers to
 * constraints have their notification indexes bumped in the same unit of work.
 */
import { boundVolumes } from '../../domain/agreements/zone-rules.js';
import type { AgreementStatus } from '../../domain/agreements/quorum.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import { timeBounds } from '../../domain/geo/volume-4d.js';
import type { ConstraintId } from '../../domain/ids.js';
import type { BrokerContext } from '../broker-context.js';
import { notifySubscribers } from '../notify-subscribers.js';
import type { StoreTx } from '../ports/store.js';

/** F3548 altitude bounds: a zone without its own altitudes spans all of them. */
const MIN_ALTITUDE_M = -8000;
const MAX_ALTITUDE_M = 100_000;

export async function publishZone(ctx: BrokerContext, tx: StoreTx, agreementId: string, after: AgreementStatus, nowMs: number): Promise<void> {
  const id = agreementId as ConstraintId;
  const old = await tx.constraints.get(id);
  if (old !== undefined && old.manager !== ctx.self.manager) {
    // Ids are checked when agreements and constraints are created; this is the last guard.
    throw new Error(`Agreement ${agreementId} would overwrite a constraint of ${old.manager}`);
  }
  const extents: Volume4D[] = after.proposal === undefined ? [] : boundVolumes(after.proposal).map((v) => ({
    ...v,
    altitudeLowerM: Math.max(v.altitudeLowerM, MIN_ALTITUDE_M),
    altitudeUpperM: Math.min(v.altitudeUpperM, MAX_ALTITUDE_M),
  }));
  // Withdrawn, or terms with no volume inside their window: nothing to publish any more.
  if (after.state !== 'effective' || extents.length === 0) {
    if (old === undefined) return;
    await tx.constraints.delete(id);
    await notifySubscribers(tx, old.extents, { kind: 'constraints', nowMs });
    return;
  }
  const { startMs, endMs } = timeBounds(extents);
  await tx.constraints.put({
    id,
    manager: ctx.self.manager as never,
    // The version in force only grows, so the constraint's version never repeats, even after
    // a time unpublished.
    version: after.version ?? (old === undefined ? 1 : old.version + 1),
    ovn: ctx.ids.ovn(),
    extents,
    ussBaseUrl: ctx.self.ussBaseUrl(),
    timeStartMs: startMs,
    timeEndMs: endMs,
    updatedAtMs: nowMs,
  });
  await notifySubscribers(tx, old === undefined ? extents : [...old.extents, ...extents], { kind: 'constraints', nowMs });
}
