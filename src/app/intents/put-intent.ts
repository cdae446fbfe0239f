/**
 * Create or update an operational intent reference (F3548 PUT /operational_intent_references).
 * The whole check-key-then-write happens in one unit of work, so two intersecting intents can
 * never both be accepted on stale knowledge of each other (DESIGN.md invariant 2).
 */
import { DomainError, invalidInput } from '../../domain/errors.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import type { IntentId } from '../../domain/ids.js';
import {
  isValidInitialState,
  requiresConformanceScope,
  requiresKey,
  requiresSubscription,
  type IntentState,
} from '../../domain/intents/intent-state.js';
import { findMissingOvns } from '../../domain/intents/key-check.js';
import { describeRule, violates } from '../../domain/agreements/zone-rules.js';
import type { BrokerContext, Caller } from '../broker-context.js';
import { checkWriteWindow } from '../check-extents.js';
import { notifySubscribers, type SubscriberNotice } from '../notify-subscribers.js';
import type { ConstraintRecord, IntentRecord, StoreTx } from '../ports/store.js';
import { SCOPE } from '../scopes.js';
import { dropOrphanedImplicit, resolveSubscription, type SubscriptionChoice } from './resolve-subscription.js';
import { extentsDigest, logTime, recordChange } from '../log/record-change.js';

export interface PutIntentCommand {
  readonly id: IntentId;
  /** The OVN in the path: absent for a create. */
  readonly currentOvn: string | undefined;
  readonly extents: readonly Volume4D[];
  readonly state: IntentState;
  readonly ussBaseUrl: string;
  readonly key: readonly string[];
  readonly subscription: SubscriptionChoice;
}

export interface PutIntentResult {
  readonly intent: IntentRecord;
  readonly created: boolean;
  readonly subscribers: SubscriberNotice[];
}

export async function putIntent(ctx: BrokerContext, caller: Caller, command: PutIntentCommand): Promise<PutIntentResult> {
  const nowMs = ctx.clock.nowMs();
  const bounds = checkWriteWindow(command.extents, {
    field: 'extents',
    nowMs,
    horizonMs: ctx.limits.intentHorizonMs,
    what: 'an operational intent',
  });
  if (requiresConformanceScope(command.state) && !caller.scopes.has(SCOPE.conformanceMonitoring)) {
    throw new DomainError('insufficient_scope', `state ${command.state} requires scope ${SCOPE.conformanceMonitoring}`, {
      field: 'state',
    });
  }
  if (requiresSubscription(command.state) && command.subscription.kind === 'none') {
    throw invalidInput('subscription_id', `an operational intent in state ${command.state} needs subscription_id or new_subscription`);
  }
  if (command.currentOvn === undefined && !isValidInitialState(command.state)) {
    throw invalidInput('state', `a new operational intent must start Accepted, not ${command.state}`);
  }

  return ctx.store.transact(async (tx) => {
    const old = await tx.intents.get(command.id);
    if (command.currentOvn === undefined) {
      if (old !== undefined) {
        throw new DomainError('already_exists', `Operational intent ${command.id} already exists; update it at /${command.id}/{ovn}`);
      }
    } else {
      if (old === undefined) {
        throw new DomainError('update_target_missing', `Operational intent ${command.id} does not exist, so it cannot be updated`);
      }
      if (old.manager !== caller.id) {
        throw new DomainError('not_manager', `Operational intent ${command.id} is managed by another USS`);
      }
      if (old.ovn !== command.currentOvn) {
        throw new DomainError('version_mismatch', `OVN in the path is not the current OVN of operational intent ${command.id}`, {
          field: 'ovn',
        });
      }
    }

    const subscription = await resolveSubscription(tx, command.subscription, { extents: command.extents, ...bounds }, {
      manager: caller.id,
      nowMs,
      ids: ctx.ids,
      clockSkewMs: ctx.limits.clockSkewMs,
    });

    if (requiresKey(command.state)) {
      await checkZones(tx, caller, command.extents);
      await checkKey(tx, command, subscription?.notifyForConstraints === true);
    }

    const intent: IntentRecord = {
      id: command.id,
      manager: caller.id,
      version: old === undefined ? 1 : old.version + 1,
      state: command.state,
      ovn: ctx.ids.ovn(),
      extents: command.extents,
      ussBaseUrl: command.ussBaseUrl,
      subscriptionId: subscription?.id ?? null,
      timeStartMs: bounds.startMs,
      timeEndMs: bounds.endMs,
      updatedAtMs: nowMs,
    };
    await tx.intents.put(intent);
    if (old !== undefined && old.subscriptionId !== intent.subscriptionId) {
      await dropOrphanedImplicit(tx, old.subscriptionId);
    }
    const affected = old === undefined ? command.extents : [...old.extents, ...command.extents];
    const subscribers = await notifySubscribers(tx, affected, { kind: 'intents', nowMs });
    await recordChange(ctx, tx, {
      kind: old === undefined ? 'intent.create' : 'intent.update',
      by: caller.id,
      subject: {
        id: intent.id,
        version: intent.version,
        state: intent.state,
        uss_base_url: intent.ussBaseUrl,
        subscription_id: intent.subscriptionId,
        time_start: logTime(intent.timeStartMs),
        time_end: logTime(intent.timeEndMs),
        extents_sha256: extentsDigest(ctx, intent.extents),
      },
    }, nowMs);
    return { intent, created: old === undefined, subscribers };
  });
}

/**
 * 400 when the intent enters a zone an agreement in force forbids its manager (issue 5). Only
 * planned and flying states are judged: an aircraft reporting itself off nominal must be heard.
 */
async function checkZones(tx: StoreTx, caller: Caller, extents: readonly Volume4D[]): Promise<void> {
  const zones = await tx.agreements.zonesMeeting(extents);
  const broken = zones.find((zone) => violates(zone, caller.id, extents));
  if (broken === undefined) return;
  throw new DomainError(
    'agreement_violation',
    `Refused by agreement ${broken.agreementId} "${broken.title}" (version ${broken.version}): ${describeRule(broken)}`,
    { field: 'extents' },
  );
}

/** 409 unless the key holds the OVN of every intersecting intent (and constraint, when processing them). */
async function checkKey(tx: StoreTx, command: PutIntentCommand, withConstraints: boolean): Promise<void> {
  const key = new Set(command.key);
  // Intents whose current OVN is in the key are fine whatever their geometry: the search leaves
  // them out before the exact test, so only candidates for "missing" are tested.
  const lacking = await tx.intents.findIntersecting(command.extents, {
    limit: Number.MAX_SAFE_INTEGER,
    exclude: { id: command.id, ovns: key },
  });
  const downManagers = new Set<string>();
  for (const other of lacking) {
    if (other.state !== 'Accepted' || downManagers.has(other.manager)) continue;
    const availability = await tx.availability.get(other.manager);
    if (availability?.availability === 'Down') downManagers.add(other.manager);
  }
  // A Down USS cannot update its Accepted intents, so they must not block others (F3548 §2.3).
  const missingIntents = findMissingOvns(lacking, key, {
    selfId: command.id,
    exempt: (other) => other.state === 'Accepted' && downManagers.has(other.manager),
  });
  const missingConstraints: ConstraintRecord[] = withConstraints
    ? findMissingOvns(await tx.constraints.findIntersecting(command.extents, { limit: Number.MAX_SAFE_INTEGER }), key)
    : [];
  if (missingIntents.length > 0 || missingConstraints.length > 0) {
    const parts = [];
    if (missingIntents.length > 0) parts.push(`${missingIntents.length} operational intent(s)`);
    if (missingConstraints.length > 0) parts.push(`${missingConstraints.length} constraint(s)`);
    throw new DomainError('airspace_conflict', `Current OVNs not provided for ${parts.join(' and ')} intersecting the extents`, {
      details: { missingIntents, missingConstraints },
    });
  }
}
