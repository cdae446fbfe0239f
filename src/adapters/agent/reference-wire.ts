/**
 * F3548 operational intent and constraint references, read from the broker's and the peers' answers, and
 * written in ours. Reading checks every field the agent relies on and names the one that is
 * wrong; unknown fields are ignored (F3548).
 */
import type { ConstraintReferenceView, ReferenceView } from '../../app/agent/agent-ports.js';
import type { OperationRecord } from '../../app/agent/agent-store.js';
import { timeBounds } from '../../domain/geo/volume-4d.js';
import { isIntentState } from '../../domain/intents/intent-state.js';
import { invalidInput } from '../../domain/errors.js';
import { HIDDEN_OVN, wireTime } from '../http/dss-v1/wire/to-wire.js';
import { readObject, readString } from '../http/dss-v1/wire/json-read.js';
import { parseTime } from '../http/dss-v1/volume-wire.js';
import { NULL_SUBSCRIPTION_ID } from '../../domain/ids.js';

/** An F3548 OperationalIntentReference: the fields every reference has, and state and subscription. */
export function readReference(value: unknown, field: string): ReferenceView {
  const common = readConstraintReference(value, field);
  const o = readObject(value, field);
  const state = o['state'];
  if (!isIntentState(state)) throw invalidInput(`${field}.state`, 'must be Accepted, Activated, Nonconforming or Contingent');
  return {
    ...common,
    state,
    // '' when none: F3548 says so with the null UUID, which is no subscription to attach to.
    subscriptionId: typeof o['subscription_id'] === 'string' && o['subscription_id'] !== NULL_SUBSCRIPTION_ID ? o['subscription_id'] : '',
  };
}

/** Our own operation's reference, as we show it to peers (with its OVN: they need it in keys). */
export function ownReferenceToWire(record: OperationRecord, manager: string, ussBaseUrl: string) {
  const { startMs, endMs } = timeBounds([...record.volumes, ...record.offNominalVolumes]);
  return {
    id: record.id,
    manager,
    uss_availability: 'Normal',
    version: record.version,
    state: record.state,
    ovn: record.ovn,
    time_start: wireTime(startMs),
    time_end: wireTime(endMs),
    uss_base_url: ussBaseUrl,
    subscription_id: record.subscriptionId === '' ? NULL_SUBSCRIPTION_ID : record.subscriptionId,
  };
}

export function referenceToWire(reference: ReferenceView) {
  return {
    id: reference.id,
    manager: reference.manager,
    uss_availability: 'Normal',
    version: reference.version,
    state: reference.state,
    ovn: reference.ovn ?? HIDDEN_OVN,
    time_start: wireTime(reference.timeStartMs),
    time_end: wireTime(reference.timeEndMs),
    uss_base_url: reference.ussBaseUrl,
    subscription_id: reference.subscriptionId === '' ? NULL_SUBSCRIPTION_ID : reference.subscriptionId,
  };
}

export function constraintReferenceToWire(reference: ConstraintReferenceView) {
  return {
    id: reference.id,
    manager: reference.manager,
    uss_availability: 'Normal',
    version: reference.version,
    ovn: reference.ovn ?? HIDDEN_OVN,
    time_start: wireTime(reference.timeStartMs),
    time_end: wireTime(reference.timeEndMs),
    uss_base_url: reference.ussBaseUrl,
  };
}

/**
 * An F3548 ConstraintReference from the broker or a peer — the fields every reference has; the
 * OVN only when shown (not "Available from USS"). Unknown fields are ignored.
 */
export function readConstraintReference(value: unknown, field: string): ConstraintReferenceView {
  const o = readObject(value, field);
  const version = o['version'];
  if (!Number.isSafeInteger(version) || (version as number) < 1) throw invalidInput(`${field}.version`, 'must be a whole number ≥ 1');
  const ovn = o['ovn'];
  return {
    id: readString(o['id'], `${field}.id`, { min: 1, max: 64 }),
    manager: readString(o['manager'], `${field}.manager`, { min: 1, max: 256 }),
    version: version as number,
    ovn: typeof ovn === 'string' && ovn !== '' && ovn !== HIDDEN_OVN ? ovn : undefined,
    timeStartMs: parseTime(o['time_start'], `${field}.time_start`),
    timeEndMs: parseTime(o['time_end'], `${field}.time_end`, { roundUp: true }),
    ussBaseUrl: readString(o['uss_base_url'], `${field}.uss_base_url`, { min: 1, max: 2048 }),
  };
}
