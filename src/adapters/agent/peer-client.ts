/**
 * The agent's side of other parties' agents (F3548 /uss/v1): ask an owner for an intent's
 * details with our intersection ticket in `Parley-Ticket`, and notify subscribers of changes of
 * our intents and constraints. Every failure names the peer party and its URL:
 * `peer_unavailable` (unreachable, timed out, 5xx) or `peer_refused` (it answered, but not with
 * what planning needs).
 */
import type { ConstraintNotice, IntentNotice, PeerAnswer, PeerPort, PeerTarget } from '../../app/agent/agent-ports.js';
import { SCOPE } from '../../app/scopes.js';
import { DomainError } from '../../domain/errors.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import { DEFAULT_LIMITS } from '../../app/broker-context.js';
import { MAX_DETAIL_FIELDS, MAX_DETAILS_BYTES } from '../http/agent/native-fields.js';
import { constraintReferenceToWire } from './reference-wire.js';
import { readArray, readObject } from '../http/dss-v1/wire/json-read.js';
import { parseVolume4D } from '../http/dss-v1/volume-wire.js';
import { CallFailure, callJson, messageOf } from './http-call.js';
import { referenceToWire, readReference } from './reference-wire.js';
import { audienceOf, type TokenMinter } from './token-minter.js';

export const TICKET_HEADER = 'parley-ticket';
/** A details answer larger than this is refused unread (volumes of up to 64 × 1,000 vertices fit). */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
const MAX_DETAIL_DEPTH = 32;
/** Asks again after 200, 400, 600 ms when the owner answers 503 with Retry-After. */
const MAX_WAITS = 3;
const RETRY_WAIT_MS = 200;

export interface PeerClientOptions {
  readonly tokens: TokenMinter;
  readonly timeoutMs?: number;
}

export function peerClient(options: PeerClientOptions): PeerPort {
  const timeoutMs = options.timeoutMs ?? 5_000;

  return {
    async fetchDetails(target: PeerTarget, intentId: string, ticket: string | undefined): Promise<PeerAnswer> {
      const who = `the agent of party "${target.party}" at ${target.ussBaseUrl}`;
      const url = `${target.ussBaseUrl.replace(/\/+$/, '')}/uss/v1/operational_intents/${encodeURIComponent(intentId)}`;
      let result;
      try {
        const token = await options.tokens(audienceOf(target.ussBaseUrl), SCOPE.strategicCoordination);
        const headers: Record<string, string> = { authorization: `Bearer ${token}` };
        if (ticket !== undefined) headers[TICKET_HEADER] = ticket;
        result = await callJson(url, { method: 'GET', headers, timeoutMs, maxBytes: MAX_ANSWER_BYTES });
        // An owner still putting this intent on record says so with a short Retry-After.
        for (let wait = 1; result.status === 503 && result.retryAfterS !== undefined && result.retryAfterS <= 5 && wait <= MAX_WAITS; wait++) {
          await new Promise((resolve) => setTimeout(resolve, RETRY_WAIT_MS * wait));
          result = await callJson(url, { method: 'GET', headers, timeoutMs, maxBytes: MAX_ANSWER_BYTES });
        }
      } catch (error) {
        if (error instanceof CallFailure) throw new DomainError('peer_unavailable', `Cannot reach ${who} for intent ${intentId}: ${error.reason}`);
        if (error instanceof TypeError) throw new DomainError('peer_unavailable', `Cannot reach ${who}: its URL is not valid`);
        throw error;
      }
      if (result.status >= 500) {
        throw new DomainError('peer_unavailable', `${capital(who)} failed (${result.status}) answering for intent ${intentId}${suffix(result.body)}`);
      }
      if (result.status !== 200) {
        throw new DomainError('peer_refused', `${capital(who)} refused to answer for intent ${intentId} (${result.status}${suffix(result.body)})`);
      }
      try {
        const oi = readObject(readObject(result.body, 'body')['operational_intent'], 'operational_intent');
        const reference = readReference(oi['reference'], 'operational_intent.reference');
        if (reference.ovn === undefined) throw new Error('operational_intent.reference.ovn: missing');
        if (reference.id !== intentId) throw new Error(`operational_intent.reference.id: is ${reference.id}, not the intent asked for`);
        if (reference.manager !== target.party) throw new Error(`operational_intent.reference.manager: is "${reference.manager}", not "${target.party}"`);
        const details = oi['details'] === undefined || oi['details'] === null ? {} : readObject(oi['details'], 'operational_intent.details');
        checkDetails(details);
        const nominal = volumesIn(details['volumes']);
        const offNominal = details['off_nominal_volumes'] === undefined ? [] : volumesIn(details['off_nominal_volumes']);
        // Where it may be: nominal and off-nominal volumes alike. An aircraft off nominal whose
        // off-nominal volumes were not disclosed could be anywhere its reference covers.
        const offNominalState = reference.state === 'Nonconforming' || reference.state === 'Contingent';
        const unknown = nominal === undefined || offNominal === undefined || (offNominalState && details['off_nominal_volumes'] === undefined);
        return { reference: { ...reference, ovn: reference.ovn }, details, volumes: unknown ? undefined : [...nominal, ...offNominal], priority: priorityIn(details['priority']) };
      } catch (error) {
        throw new DomainError('peer_refused', `${capital(who)} answered for intent ${intentId} with an invalid body: ${(error as Error).message}`);
      }
    },

    async notify(ussBaseUrl: string, notice: IntentNotice): Promise<void> {
      await post(ussBaseUrl, 'operational_intents', SCOPE.strategicCoordination, {
        operational_intent_id: notice.intentId,
        // Details never travel in a notification: a subscriber asks for them with its ticket.
        ...(notice.reference === undefined ? {} : { operational_intent: { reference: referenceToWire(notice.reference) } }),
        subscriptions: subscriptionsToWire(notice.subscriptions),
      });
    },

    async notifyConstraint(ussBaseUrl: string, notice: ConstraintNotice): Promise<void> {
      await post(ussBaseUrl, 'constraints', SCOPE.constraintManagement, {
        constraint_id: notice.constraintId,
        // The reference only: a processor reads the details (published, no ticket) with GET.
        ...(notice.reference === undefined ? {} : { constraint: { reference: constraintReferenceToWire(notice.reference) } }),
        subscriptions: subscriptionsToWire(notice.subscriptions),
      });
    },
  };

  /** POSTs a notification to `{ussBaseUrl}/uss/v1/{collection}`; F3548 answers 204. */
  async function post(ussBaseUrl: string, collection: string, scope: string, body: unknown): Promise<void> {
    const url = `${ussBaseUrl.replace(/\/+$/, '')}/uss/v1/${collection}`;
    const token = await options.tokens(audienceOf(ussBaseUrl), scope);
    let result;
    try {
      result = await callJson(url, { method: 'POST', body, timeoutMs, headers: { authorization: `Bearer ${token}` } });
    } catch (error) {
      if (error instanceof CallFailure) throw new DomainError('peer_unavailable', `Cannot notify ${ussBaseUrl}: ${error.reason}`);
      throw error;
    }
    if (result.status !== 204 && result.status !== 200) {
      throw new DomainError(result.status >= 500 ? 'peer_unavailable' : 'peer_refused', `${ussBaseUrl} refused the notification (${result.status}${suffix(result.body)})`);
    }
  }
}

function subscriptionsToWire(subscriptions: ConstraintNotice['subscriptions']) {
  return subscriptions.map((s) => ({ subscription_id: s.subscriptionId, notification_index: s.notificationIndex }));
}

/**
 * What we keep of a peer's disclosure, as for our own operators' details: at most 64 fields,
 * 64 KiB of JSON, nested at most 32 deep (checked without recursion).
 */
function checkDetails(details: Readonly<Record<string, unknown>>): void {
  // The operator's detail fields, besides the operation's own: volumes, off-nominal volumes, priority.
  if (Object.keys(details).length > MAX_DETAIL_FIELDS + 3) throw new Error(`operational_intent.details: more than ${MAX_DETAIL_FIELDS} fields`);
  const stack: Array<[unknown, number]> = [[details, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DETAIL_DEPTH) throw new Error(`operational_intent.details: nested deeper than ${MAX_DETAIL_DEPTH}`);
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  const { volumes: _v, off_nominal_volumes: _o, priority: _p, ...fields } = details;
  if (Buffer.byteLength(JSON.stringify(fields)) > MAX_DETAILS_BYTES) throw new Error(`operational_intent.details: more than ${MAX_DETAILS_BYTES} bytes of fields besides volumes and priority`);
}

/** Disclosed volumes we can use for conflict checks; anything else counts as not disclosed. */
function volumesIn(value: unknown): Volume4D[] | undefined {
  if (value === undefined) return undefined;
  try {
    const rules = { requireBounds: true, maxVertices: DEFAULT_LIMITS.intentMaxVertices, maxAreaKm2: Number.POSITIVE_INFINITY };
    return readArray(value, 'volumes', { min: 0, max: 1000 }).map((v, i) => parseVolume4D(v, `volumes[${i}]`, rules));
  } catch {
    return undefined;
  }
}

function priorityIn(value: unknown): number | undefined {
  return Number.isSafeInteger(value) ? (value as number) : undefined;
}

function suffix(body: unknown): string {
  const message = messageOf(body);
  return message === undefined ? '' : `: ${message}`;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
