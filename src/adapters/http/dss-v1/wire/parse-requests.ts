/**
 * F3548 request bodies and path parameters → use-case commands. Every failure names the field
 * and the rule; nothing here touches the store.
 */
import type { BrokerLimits } from '../../../../app/broker-context.js';
import type { SubscriptionChoice } from '../../../../app/intents/resolve-subscription.js';
import type { Availability } from '../../../../app/ports/store.js';
import { invalidInput } from '../../../../domain/errors.js';
import type { Volume4D } from '../../../../domain/geo/volume-4d.js';
import { isUuid, type SubscriptionId } from '../../../../domain/ids.js';
import { isIntentState, type IntentState } from '../../../../domain/intents/intent-state.js';
import { parseVolume4D } from '../volume-wire.js';
import { at, isAbsent, readArray, readBoolean, readObject, readString, type JsonObject } from './json-read.js';

export interface WireRules {
  readonly limits: BrokerLimits;
  readonly allowHttpBaseUrls: boolean;
}

/** Most volumes one request may carry (each is also bounded in vertices and area). */
const MAX_EXTENTS = 1_000;
const MAX_KEY_OVNS = 100_000;

export function parseEntityId<T extends string>(value: string, field: string): T {
  if (!isUuid(value)) throw invalidInput(field, 'must be a UUID (8-4-4-4-12 hexadecimal digits)');
  return value as T;
}

export function parseOvnParam(value: string, field: string): string {
  if (value.length < 1 || value.length > 128) throw invalidInput(field, 'must be 1 to 128 characters');
  return value;
}

export function parseUssBaseUrl(value: unknown, field: string, rules: WireRules): string {
  const text = readString(value, field, { min: 1, max: 2048 });
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidInput(field, 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && !(rules.allowHttpBaseUrls && url.protocol === 'http:')) {
    throw invalidInput(field, rules.allowHttpBaseUrls ? 'must be an http or https URL' : 'must be an https URL');
  }
  if (text.endsWith('/')) throw invalidInput(field, 'must not end with "/"');
  return text;
}

export function parseAreaOfInterest(body: unknown, rules: WireRules): Volume4D {
  const object = readObject(body, 'body');
  if (isAbsent(object['area_of_interest'])) throw invalidInput('area_of_interest', 'is required');
  return parseVolume4D(object['area_of_interest'], 'area_of_interest', {
    requireBounds: false,
    maxVertices: rules.limits.intentMaxVertices,
    maxAreaKm2: rules.limits.maxAreaKm2,
  });
}

/** A list of bounded F3548 Volume4D (1 to MAX_EXTENTS), each validated at `field[i]`. */
export function parseExtents(value: unknown, field: string, maxVertices: number, rules: WireRules): Volume4D[] {
  const list = readArray(value, field, { min: 1, max: MAX_EXTENTS });
  return list.map((item, i) =>
    parseVolume4D(item, at(field, i), { requireBounds: true, maxVertices, maxAreaKm2: rules.limits.maxAreaKm2 }),
  );
}

export interface IntentBody {
  readonly extents: Volume4D[];
  readonly state: IntentState;
  readonly ussBaseUrl: string;
  readonly key: string[];
  readonly subscription: SubscriptionChoice;
}

export function parsePutIntentBody(body: unknown, rules: WireRules): IntentBody {
  const object = readObject(body, 'body');
  const extents = parseExtents(object['extents'], 'extents', rules.limits.intentMaxVertices, rules);
  const stateText = readString(object['state'], 'state');
  if (!isIntentState(stateText)) {
    throw invalidInput('state', 'must be one of Accepted, Activated, Nonconforming, Contingent (end an intent with DELETE)');
  }
  const ussBaseUrl = parseUssBaseUrl(object['uss_base_url'], 'uss_base_url', rules);
  const key = isAbsent(object['key'])
    ? []
    : readArray(object['key'], 'key', { max: MAX_KEY_OVNS }).map((ovn, i) => readString(ovn, at('key', i), { max: 128 }));
  const hasId = !isAbsent(object['subscription_id']);
  const hasNew = !isAbsent(object['new_subscription']);
  if (hasId && hasNew) throw invalidInput('new_subscription', 'must not be given together with subscription_id');
  let subscription: SubscriptionChoice = { kind: 'none' };
  if (hasId) {
    subscription = {
      kind: 'existing',
      id: parseEntityId<SubscriptionId>(readString(object['subscription_id'], 'subscription_id'), 'subscription_id'),
    };
  } else if (hasNew) {
    const created = readObject(object['new_subscription'], 'new_subscription');
    subscription = {
      kind: 'new',
      ussBaseUrl: parseUssBaseUrl(created['uss_base_url'], 'new_subscription.uss_base_url', rules),
      notifyForConstraints: isAbsent(created['notify_for_constraints'])
        ? false
        : readBoolean(created['notify_for_constraints'], 'new_subscription.notify_for_constraints'),
    };
  }
  return { extents, state: stateText, ussBaseUrl, key, subscription };
}

export function parsePutConstraintBody(body: unknown, rules: WireRules): { extents: Volume4D[]; ussBaseUrl: string } {
  const object = readObject(body, 'body');
  return {
    extents: parseExtents(object['extents'], 'extents', rules.limits.constraintMaxVertices, rules),
    ussBaseUrl: parseUssBaseUrl(object['uss_base_url'], 'uss_base_url', rules),
  };
}

export interface SubscriptionBody {
  readonly extent: Volume4D;
  readonly ussBaseUrl: string;
  readonly notifyForIntents: boolean;
  readonly notifyForConstraints: boolean;
}

export function parsePutSubscriptionBody(body: unknown, rules: WireRules): SubscriptionBody {
  const object = readObject(body, 'body');
  if (isAbsent(object['extents'])) throw invalidInput('extents', 'is required');
  const extent = parseVolume4D(object['extents'], 'extents', {
    requireBounds: false,
    maxVertices: rules.limits.intentMaxVertices,
    maxAreaKm2: rules.limits.maxAreaKm2,
  });
  const flag = (name: string): boolean => (isAbsent(object[name]) ? false : readBoolean(object[name], name));
  return {
    extent,
    ussBaseUrl: parseUssBaseUrl(object['uss_base_url'], 'uss_base_url', rules),
    notifyForIntents: flag('notify_for_operational_intents'),
    notifyForConstraints: flag('notify_for_constraints'),
  };
}

export function parseAvailabilityBody(body: unknown): { oldVersion: string; availability: Availability } {
  const object = readObject(body, 'body');
  const oldVersion = isAbsent(object['old_version']) ? '' : readString(object['old_version'], 'old_version', { max: 128 });
  const text = readString(object['availability'], 'availability').toLowerCase();
  const availability = ({ unknown: 'Unknown', normal: 'Normal', down: 'Down' } as const)[text as 'unknown' | 'normal' | 'down'];
  if (availability === undefined) throw invalidInput('availability', 'must be one of Unknown, Normal, Down');
  return { oldVersion, availability };
}

const EXCHANGE_STRINGS = ['url', 'method', 'recorder_role', 'request_time'] as const;

/** ErrorReport: `{exchange: ExchangeRecord}`; the record is archived as sent. */
export function parseReportBody(body: unknown): JsonObject {
  const object = readObject(body, 'body');
  const exchange = readObject(object['exchange'], 'exchange');
  for (const name of EXCHANGE_STRINGS) {
    if (isAbsent(exchange[name])) throw invalidInput(at('exchange', name), 'is required');
  }
  readString(exchange['url'], 'exchange.url', { max: 2048 });
  readString(exchange['method'], 'exchange.method', { max: 16 });
  const role = readString(exchange['recorder_role'], 'exchange.recorder_role');
  if (role !== 'Client' && role !== 'Server') throw invalidInput('exchange.recorder_role', 'must be Client or Server');
  readObject(exchange['request_time'], 'exchange.request_time');
  if (!isAbsent(exchange['response_code']) && !Number.isInteger(exchange['response_code'])) {
    throw invalidInput('exchange.response_code', 'must be an integer');
  }
  return object;
}
