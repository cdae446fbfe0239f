/**
 * Create or update a subscription (F3548 PUT /subscriptions). Time defaults follow the
 * reference DSS: start = now, end = start + 24 h; a start more than the clock skew in the past,
 * or a window over 24 h, is refused. An update keeps the notification index, must still
 * cover every dependent intent, and makes an implicit subscription explicit.
 */
import { DomainError, invalidInput } from '../../domain/errors.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import type { SubscriptionId } from '../../domain/ids.js';
import { subscriptionCovers } from '../../domain/subscriptions/coverage.js';
import type { BrokerContext, Caller } from '../broker-context.js';
import type { ConstraintRecord, IntentRecord, SubscriptionRecord } from '../ports/store.js';
import { extentsDigest, logTime, recordChange } from '../log/record-change.js';

export interface PutSubscriptionCommand {
  readonly id: SubscriptionId;
  readonly currentVersion: string | undefined;
  /** Times and altitudes may be unbounded (±Infinity) = not given. */
  readonly extent: Volume4D;
  readonly ussBaseUrl: string;
  readonly notifyForIntents: boolean;
  readonly notifyForConstraints: boolean;
}

export interface SubscriptionView {
  readonly subscription: SubscriptionRecord;
  readonly dependentIntents: readonly string[];
}

export interface PutSubscriptionResult extends SubscriptionView {
  readonly created: boolean;
  readonly intents: IntentRecord[] | undefined;
  readonly constraints: ConstraintRecord[] | undefined;
}

export async function putSubscription(
  ctx: BrokerContext,
  caller: Caller,
  command: PutSubscriptionCommand,
): Promise<PutSubscriptionResult> {
  if (!command.notifyForIntents && !command.notifyForConstraints) {
    throw invalidInput(
      'notify_for_operational_intents',
      'at least one of notify_for_operational_intents and notify_for_constraints must be true',
    );
  }
  const nowMs = ctx.clock.nowMs();
  const extent = withDefaultWindow(command.extent, nowMs, ctx);

  return ctx.store.transact(async (tx) => {
    let old = await tx.subscriptions.get(command.id);
    if (old !== undefined && old.timeEndMs < nowMs && command.currentVersion === undefined) {
      // An expired subscription counts as deleted; a create may take its id again.
      if ((await tx.intents.listBySubscription(command.id)).length === 0) {
        await tx.subscriptions.delete(command.id);
        old = undefined;
      }
    }
    if (command.currentVersion === undefined) {
      if (old !== undefined) {
        throw new DomainError('already_exists', `Subscription ${command.id} already exists; update it at /${command.id}/{version}`);
      }
    } else {
      if (old === undefined) {
        throw new DomainError('update_target_missing', `Subscription ${command.id} does not exist, so it cannot be updated`);
      }
      if (old.manager !== caller.id) throw new DomainError('not_manager', `Subscription ${command.id} is managed by another USS`);
      if (old.version !== command.currentVersion) {
        throw new DomainError('version_mismatch', `Version in the path is not the current version of subscription ${command.id}`, {
          field: 'version',
        });
      }
    }
    const record: SubscriptionRecord = {
      id: command.id,
      manager: caller.id,
      version: ctx.ids.ovn(),
      notificationIndex: old?.notificationIndex ?? 0,
      extents: [extent],
      ussBaseUrl: command.ussBaseUrl,
      notifyForIntents: command.notifyForIntents,
      notifyForConstraints: command.notifyForConstraints,
      implicit: false,
      timeStartMs: extent.startMs,
      timeEndMs: extent.endMs,
      updatedAtMs: nowMs,
    };
    const dependentIntents = old === undefined ? [] : await tx.intents.listBySubscription(command.id);
    for (const intentId of dependentIntents) {
      const intent = await tx.intents.get(intentId);
      if (intent !== undefined && !subscriptionCovers(record, intent.extents, { clockSkewMs: ctx.limits.clockSkewMs })) {
        throw new DomainError(
          'subscription_not_covering',
          `extents: the new extents no longer cover dependent operational intent ${intentId}`,
          { field: 'extents' },
        );
      }
    }
    await tx.subscriptions.put(record);
    await recordChange(ctx, tx, {
      kind: old === undefined ? 'subscription.create' : 'subscription.update',
      by: caller.id,
      subject: {
        id: record.id,
        uss_base_url: record.ussBaseUrl,
        notify_for_operational_intents: record.notifyForIntents,
        notify_for_constraints: record.notifyForConstraints,
        time_start: logTime(record.timeStartMs),
        time_end: logTime(record.timeEndMs),
        extents_sha256: extentsDigest(ctx, record.extents),
      },
    }, nowMs);
    const search = { limit: ctx.limits.resultCap };
    return {
      subscription: record,
      dependentIntents,
      created: old === undefined,
      intents: record.notifyForIntents ? await tx.intents.findIntersecting(record.extents, search) : undefined,
      constraints: record.notifyForConstraints ? await tx.constraints.findIntersecting(record.extents, search) : undefined,
    };
  });
}

function withDefaultWindow(extent: Volume4D, nowMs: number, ctx: BrokerContext): Volume4D {
  const startMs = Number.isFinite(extent.startMs) ? extent.startMs : nowMs;
  if (startMs < nowMs - ctx.limits.clockSkewMs) {
    throw invalidInput('extents.time_start', `must not be more than ${ctx.limits.clockSkewMs / 60_000} minutes in the past`);
  }
  const endMs = Number.isFinite(extent.endMs) ? extent.endMs : startMs + ctx.limits.subscriptionMaxDurationMs;
  if (endMs <= startMs) throw invalidInput('extents.time_end', 'must be after time_start');
  if (endMs < nowMs) throw invalidInput('extents.time_end', 'must not be in the past');
  if (endMs - startMs > ctx.limits.subscriptionMaxDurationMs) {
    throw invalidInput('extents.time_end', `a subscription may last at most ${ctx.limits.subscriptionMaxDurationMs / 3_600_000} hours`);
  }
  return { ...extent, startMs, endMs };
}
