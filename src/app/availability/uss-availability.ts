/**
 * USS availability (F3548 DSS0100,1): an arbitration authority marks a USS Normal or Down,
 * with read-modify-write on an opaque version ("" when there is no record yet).
 */
import { DomainError } from '../../domain/errors.js';
import type { PartyId } from '../../domain/ids.js';
import type { BrokerContext } from '../broker-context.js';
import type { Availability, AvailabilityRecord } from '../ports/store.js';
import { recordChange } from '../log/record-change.js';

export interface AvailabilityView {
  readonly ussId: PartyId;
  readonly availability: Availability;
  readonly version: string;
}

function toView(ussId: PartyId, record: AvailabilityRecord | undefined): AvailabilityView {
  return record === undefined ? { ussId, availability: 'Unknown', version: '' } : record;
}

export async function getAvailability(ctx: BrokerContext, ussId: PartyId): Promise<AvailabilityView> {
  return toView(ussId, await ctx.store.read((reader) => reader.availability.get(ussId)));
}

export async function setAvailability(
  ctx: BrokerContext,
  command: { readonly ussId: PartyId; readonly oldVersion: string; readonly availability: Availability; readonly by: PartyId },
): Promise<AvailabilityView> {
  const nowMs = ctx.clock.nowMs();
  return ctx.store.transact(async (tx) => {
    const current = await tx.availability.get(command.ussId);
    const currentVersion = current?.version ?? '';
    if (currentVersion !== command.oldVersion) {
      throw new DomainError(
        'version_mismatch',
        `old_version does not match the current version of USS ${command.ussId}'s availability`,
        { field: 'old_version' },
      );
    }
    const record: AvailabilityRecord = {
      ussId: command.ussId,
      availability: command.availability,
      version: ctx.ids.ovn(),
      updatedAtMs: nowMs,
    };
    await tx.availability.put(record);
    await recordChange(ctx, tx, {
      kind: 'availability.set',
      by: command.by,
      concerns: [command.ussId],
      subject: { uss_id: command.ussId, availability: command.availability },
    }, nowMs);
    return record;
  });
}

/** Availability of each listed manager, read in one go (every reference carries its manager's). */
export async function availabilityOfManagers(
  ctx: BrokerContext,
  managers: Iterable<string>,
): Promise<(manager: string) => Availability> {
  const unique = [...new Set(managers)];
  const found = new Map<string, Availability>();
  if (unique.length > 0) {
    await ctx.store.read(async (reader) => {
      for (const manager of unique) {
        const record = await reader.availability.get(manager as PartyId);
        if (record !== undefined) found.set(manager, record.availability);
      }
    });
  }
  return (manager) => found.get(manager) ?? 'Unknown';
}
