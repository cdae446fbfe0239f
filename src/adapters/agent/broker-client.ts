/**
 * The agent's side of the broker: F3548 /dss/v1 calls for its intents and constraints, and Parley's
 * declarations, receipts and ticket key. Failures become DomainErrors an operator can read:
 * `broker_unavailable` (unreachable, timed out, 5xx) or `broker_refused` (an answer the agent
 * did not expect); a 400 about the operation's own input stays `invalid_input`.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type {
  BrokerPort,
  ConstraintWrite,
  PutConstraintRequest,
  PutIntentOutcome,
  PutIntentRequest,
  QueriedReference,
  ReferenceView,
  SubscriberNotice,
} from '../../app/agent/agent-ports.js';
import { SCOPE } from '../../app/scopes.js';
import { DomainError } from '../../domain/errors.js';
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import type { TicketClaims, TicketProblem } from '../../domain/tickets/ticket.js';
import { openTicket } from '../crypto/ticket-jws.js';
import { readArray, readObject } from '../http/dss-v1/wire/json-read.js';
import { toWireVolume4D } from '../http/dss-v1/volume-wire.js';
import { readConstraintReference } from './reference-wire.js';
import { CallFailure, callJson, messageOf, type CallOptions, type CallResult } from './http-call.js';
import { readReference } from './reference-wire.js';
import { audienceOf, type TokenMinter } from './token-minter.js';

export interface BrokerClientOptions {
  /** The broker's base URL, e.g. http://127.0.0.1:8080 (no trailing slash). */
  readonly url: string;
  /** Where our intents' peers reach us (our uss_base_url). */
  readonly ussBaseUrl: () => string;
  readonly tokens: TokenMinter;
  readonly timeoutMs?: number;
}

/** How the broker's refusal under an agreement begins (app/intents/put-intent.ts). */
const AGREEMENT_REFUSAL = 'Refused by agreement ';

/** Every broker call carries these scopes: planning, off-nominal states (SCD0100), and our constraints. */
const BROKER_SCOPE = `${SCOPE.strategicCoordination} ${SCOPE.conformanceMonitoring} ${SCOPE.constraintManagement}`;

export function brokerClient(options: BrokerClientOptions): BrokerPort {
  const base = options.url.replace(/\/+$/, '');
  const audience = audienceOf(base);
  const timeoutMs = options.timeoutMs ?? 10_000;
  let ticketKey: Promise<{ issuer: string; kid: string; key: KeyObject }> | undefined;

  async function call(method: CallOptions['method'], path: string, body?: unknown): Promise<CallResult> {
    const token = await options.tokens(audience, BROKER_SCOPE);
    try {
      const result = await callJson(`${base}${path}`, { method, body, timeoutMs, headers: { authorization: `Bearer ${token}` } });
      if (result.status >= 500) throw unavailable(`answered ${result.status}${describe(result.body)}`);
      return result;
    } catch (error) {
      if (error instanceof CallFailure) throw unavailable(error.reason);
      throw error;
    }
  }

  function unexpected(what: string, result: CallResult): DomainError {
    if (result.status === 400) {
      // An agreement in force forbids it (the broker's F3548 answer says so in its message): the
      // operator should read that, not a generic input error. Problem+json answers keep their field.
      const message = messageOf(result.body) ?? '';
      const code = message.startsWith(AGREEMENT_REFUSAL) ? 'agreement_violation' : 'invalid_input';
      const field = (result.body as { field?: unknown } | undefined)?.field;
      return new DomainError(code, `The broker refused ${what}${describe(result.body)}`, typeof field === 'string' ? { field } : {});
    }
    if (result.status === 429) return new DomainError('limit_reached', `The broker refused ${what}${describe(result.body)}`);
    if (result.status === 401 || result.status === 403) {
      return new DomainError('broker_refused', `The broker refused ${what}: ${result.status}${describe(result.body)} (is this agent's party in the broker's parties file, with this key?)`);
    }
    return new DomainError('broker_refused', `The broker answered ${what} with ${result.status}${describe(result.body)}`);
  }

  function unavailable(reason: string): DomainError {
    return new DomainError('broker_unavailable', `The broker at ${base} is unavailable: ${reason}`);
  }

  function read<T>(what: string, parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      throw new DomainError('broker_refused', `The broker's answer to ${what} is not valid: ${(error as Error).message}`);
    }
  }

  function loadTicketKey() {
    ticketKey ??= (async () => {
      const result = await call('GET', '/v1/tickets/key');
      if (result.status !== 200) throw unexpected('the ticket key request', result);
      return read('the ticket key request', () => {
        const body = readObject(result.body, 'body');
        const jwk = readObject(body['jwk'], 'jwk');
        return {
          issuer: String(body['issuer']),
          kid: String(body['kid']),
          key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: String(jwk['x']) }, format: 'jwk' }),
        };
      });
    })();
    // A failed fetch is not remembered: the next ticket tries again.
    ticketKey.catch(() => (ticketKey = undefined));
    return ticketKey;
  }

  return {
    async declare(volumes: readonly Volume4D[], priority: number | undefined) {
      const result = await call('POST', '/v1/declarations', { volumes: volumes.map(toWireVolume4D), ...(priority === undefined ? {} : { priority }) });
      if (result.status !== 201) throw unexpected('our planning declaration', result);
      return read('our planning declaration', () => ({ id: String(readObject(result.body, 'body')['id']) }));
    },

    async withdrawDeclaration(id) {
      const result = await call('DELETE', `/v1/declarations/${encodeURIComponent(id)}`);
      if (result.status !== 200 && result.status !== 404) throw unexpected('the withdrawal of our declaration', result);
    },

    async query(area) {
      const result = await call('POST', '/dss/v1/operational_intent_references/query', { area_of_interest: toWireVolume4D(area) });
      if (result.status !== 200) throw unexpected('our query', result);
      return read('our query', () => {
        const list = readArray(readObject(result.body, 'body')['operational_intent_references'], 'operational_intent_references');
        return list.map((item, i): QueriedReference => {
          const ticket = (item as Record<string, unknown>)['parley_ticket'];
          return { ...readReference(item, `operational_intent_references[${i}]`), ticket: typeof ticket === 'string' ? ticket : undefined };
        });
      });
    },

    async putIntent(request: PutIntentRequest): Promise<PutIntentOutcome> {
      const path = `/dss/v1/operational_intent_references/${request.id}${request.currentOvn === undefined ? '' : `/${encodeURIComponent(request.currentOvn)}`}`;
      const body = {
        extents: request.extents.map(toWireVolume4D),
        key: request.key,
        state: request.state,
        uss_base_url: options.ussBaseUrl(),
        ...(request.subscription.kind === 'new'
          ? { new_subscription: { uss_base_url: options.ussBaseUrl(), notify_for_constraints: false } }
          : { subscription_id: request.subscription.id }),
      };
      const result = await call('PUT', path, body);
      if (result.status === 409) {
        return read('our intent', () => {
          const o = readObject(result.body, 'body');
          const missing = o['missing_operational_intents'] === undefined ? [] : readArray(o['missing_operational_intents'], 'missing_operational_intents');
          return {
            kind: 'conflict' as const,
            missing: missing.map((m, i) => readReference(m, `missing_operational_intents[${i}]`)),
            message: messageOf(result.body) ?? 'airspace conflict',
          };
        });
      }
      if (result.status !== 200 && result.status !== 201) throw unexpected('our intent', result);
      return read('our intent', () => {
        const o = readObject(result.body, 'body');
        const reference = readReference(o['operational_intent_reference'], 'operational_intent_reference');
        if (reference.ovn === undefined) throw new Error('operational_intent_reference.ovn: missing in the answer to its manager');
        return { kind: 'accepted' as const, reference: { ...reference, ovn: reference.ovn }, subscribers: readSubscribers(o['subscribers']) };
      });
    },

    async deleteIntent(id, ovn) {
      const result = await call('DELETE', `/dss/v1/operational_intent_references/${id}/${encodeURIComponent(ovn)}`);
      if (result.status === 404) return undefined;
      if (result.status !== 200) throw unexpected('the end of our intent', result);
      return read('the end of our intent', () => ({ subscribers: readSubscribers(readObject(result.body, 'body')['subscribers']) }));
    },

    async getIntent(id): Promise<ReferenceView | undefined> {
      const result = await call('GET', `/dss/v1/operational_intent_references/${id}`);
      if (result.status === 404) return undefined;
      if (result.status !== 200) throw unexpected('our reference request', result);
      return read('our reference request', () => readReference(readObject(result.body, 'body')['operational_intent_reference'], 'operational_intent_reference'));
    },

    async putConstraint(request: PutConstraintRequest): Promise<ConstraintWrite> {
      const path = `/dss/v1/constraint_references/${request.id}${request.currentOvn === undefined ? '' : `/${encodeURIComponent(request.currentOvn)}`}`;
      const result = await call('PUT', path, { extents: request.extents.map(toWireVolume4D), uss_base_url: options.ussBaseUrl() });
      if (result.status !== 200 && result.status !== 201) throw unexpected('our constraint', result);
      return read('our constraint', () => {
        const o = readObject(result.body, 'body');
        const reference = readConstraintReference(o['constraint_reference'], 'constraint_reference');
        if (reference.ovn === undefined) throw new Error('constraint_reference.ovn: missing in the answer to its manager');
        return { reference: { ...reference, ovn: reference.ovn }, subscribers: readSubscribers(o['subscribers']) };
      });
    },

    async deleteConstraint(id, ovn) {
      const result = await call('DELETE', `/dss/v1/constraint_references/${id}/${encodeURIComponent(ovn)}`);
      if (result.status === 404) return undefined;
      if (result.status !== 200) throw unexpected('the removal of our constraint', result);
      return read('the removal of our constraint', () => ({ subscribers: readSubscribers(readObject(result.body, 'body')['subscribers']) }));
    },

    async getConstraint(id) {
      // Constraint processing or management may read; our tokens hold management.
      const result = await call('GET', `/dss/v1/constraint_references/${id}`);
      if (result.status === 404) return undefined;
      if (result.status !== 200) throw unexpected('our constraint request', result);
      return read('our constraint request', () => readConstraintReference(readObject(result.body, 'body')['constraint_reference'], 'constraint_reference'));
    },

    async recordReceipt(ticket, fields) {
      const result = await call('POST', '/v1/receipts', { ticket, fields });
      if (result.status !== 201) throw unexpected('our disclosure receipt', result);
      return read('our disclosure receipt', () => {
        const index = readObject(result.body, 'body')['index'];
        if (!Number.isSafeInteger(index)) throw new Error('index: must be a whole number');
        return { index: index as number };
      });
    },

    async openTicket(token): Promise<TicketClaims | TicketProblem> {
      let current = await loadTicketKey();
      const kid = headerKid(token);
      if (kid !== undefined && kid !== current.kid) {
        // The broker may have a new ticket key: fetch it once more before refusing.
        ticketKey = undefined;
        current = await loadTicketKey();
      }
      return openTicket(token, current.key);
    },

    async ticketIssuer() {
      return (await loadTicketKey()).issuer;
    },
  };
}

function readSubscribers(value: unknown): SubscriberNotice[] {
  if (value === undefined) return [];
  return readArray(value, 'subscribers').map((item, i) => {
    const o = readObject(item, `subscribers[${i}]`);
    const url = o['uss_base_url'];
    if (typeof url !== 'string') throw new Error(`subscribers[${i}].uss_base_url: must be a string`);
    return {
      ussBaseUrl: url,
      subscriptions: readArray(o['subscriptions'], `subscribers[${i}].subscriptions`).map((s, j) => {
        const so = readObject(s, `subscribers[${i}].subscriptions[${j}]`);
        return { subscriptionId: String(so['subscription_id']), notificationIndex: Number(so['notification_index']) };
      }),
    };
  });
}

function headerKid(token: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: unknown };
    return typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

function describe(body: unknown): string {
  const message = messageOf(body);
  return message === undefined ? '' : `: ${message}`;
}
