/**
 * What an agent's use cases need from the outside: the broker (F3548 DSS plus Parley's
 * declarations, receipts and ticket key) and the other parties' agents (F3548 USS API). The
 * adapters translate transport failures into DomainErrors that name the broker or the peer:
 * `broker_unavailable` / `broker_refused`, `peer_unavailable` / `peer_refused`.
 */
import type { Volume4D } from '../../domain/geo/volume-4d.js';
import type { IntentState } from '../../domain/intents/intent-state.js';
import type { TicketClaims, TicketProblem } from '../../domain/tickets/ticket.js';
import type { AgentStore } from './agent-store.js';
import type { Clock } from '../ports/clock.js';
import type { IdSource } from '../ports/id-source.js';
import type { EqualPriorityRule } from '../../domain/planning/planning-rules.js';
import type { DisclosurePolicy } from '../../domain/disclosure/policy.js';

/** An operational intent reference as the broker shows it. */
export interface ReferenceView {
  readonly id: string;
  readonly manager: string;
  readonly version: number;
  readonly state: IntentState;
  /** Only the manager sees it; others read undefined (the broker's "Available from USS"). */
  readonly ovn: string | undefined;
  readonly timeStartMs: number;
  readonly timeEndMs: number;
  readonly ussBaseUrl: string;
  /** '' when the intent has no subscription. */
  readonly subscriptionId: string;
}

export interface QueriedReference extends ReferenceView {
  /** The broker's intersection ticket for us, when the reference meets a record of ours. */
  readonly ticket: string | undefined;
}

export interface SubscriberNotice {
  readonly ussBaseUrl: string;
  readonly subscriptions: readonly { readonly subscriptionId: string; readonly notificationIndex: number }[];
}

export interface PutIntentRequest {
  readonly id: string;
  /** The current OVN when updating; undefined when creating. */
  readonly currentOvn: string | undefined;
  readonly extents: readonly Volume4D[];
  readonly state: IntentState;
  readonly key: readonly string[];
  /** Our subscription for the intent: a new implicit one (to our base URL) or the existing one. */
  readonly subscription: { readonly kind: 'new' } | { readonly kind: 'existing'; readonly id: string };
}

export type PutIntentOutcome =
  | { readonly kind: 'accepted'; readonly reference: ReferenceView & { readonly ovn: string }; readonly subscribers: readonly SubscriberNotice[] }
  /** The key missed the current OVN of these references (F3548 409). */
  | { readonly kind: 'conflict'; readonly missing: readonly ReferenceView[]; readonly message: string };

/** A constraint reference as the broker shows it: as an intent's, without state or subscription. */
export interface ConstraintReferenceView {
  readonly id: string;
  readonly manager: string;
  readonly version: number;
  /** Only the manager sees it; others read undefined (the broker's "Available from USS"). */
  readonly ovn: string | undefined;
  readonly timeStartMs: number;
  readonly timeEndMs: number;
  readonly ussBaseUrl: string;
}

export interface PutConstraintRequest {
  readonly id: string;
  /** The current OVN when updating; undefined when creating. */
  readonly currentOvn: string | undefined;
  readonly extents: readonly Volume4D[];
}

export interface ConstraintWrite {
  readonly reference: ConstraintReferenceView & { readonly ovn: string };
  readonly subscribers: readonly SubscriberNotice[];
}

export interface BrokerPort {
  /** Puts the volumes we intend to fly on record (the basis of our tickets); returns its id. */
  declare(volumes: readonly Volume4D[], priority: number | undefined): Promise<{ readonly id: string }>;
  withdrawDeclaration(id: string): Promise<void>;
  query(area: Volume4D): Promise<QueriedReference[]>;
  putIntent(request: PutIntentRequest): Promise<PutIntentOutcome>;
  /** Ends the intent; undefined when the broker no longer has it. */
  deleteIntent(id: string, ovn: string): Promise<{ readonly subscribers: readonly SubscriberNotice[] } | undefined>;
  getIntent(id: string): Promise<ReferenceView | undefined>;
  /** Creates or updates our constraint reference (F3548: no key); any refusal throws. */
  putConstraint(request: PutConstraintRequest): Promise<ConstraintWrite>;
  /** Deletes our constraint reference; undefined when the broker no longer has it. */
  deleteConstraint(id: string, ovn: string): Promise<{ readonly subscribers: readonly SubscriberNotice[] } | undefined>;
  /** A constraint reference as the broker holds it (its OVN only when it is ours). */
  getConstraint(id: string): Promise<ConstraintReferenceView | undefined>;
  /** Records what we disclosed under a ticket; the receipt's log index. */
  recordReceipt(ticket: string, fields: readonly string[]): Promise<{ readonly index: number }>;
  /** Checks a ticket against the broker's ticket key (fetched once, again when its kid changes). */
  openTicket(token: string): Promise<TicketClaims | TicketProblem>;
  /** The broker's issuer name, as tickets carry it. */
  ticketIssuer(): Promise<string>;
}

/** What an owner answered: the reference (with its OVN) and the fields it disclosed. */
export interface PeerAnswer {
  readonly reference: ReferenceView & { readonly ovn: string };
  /** The disclosed fields as sent (shown to our operator). */
  readonly details: Readonly<Record<string, unknown>>;
  /** Parsed from the details when disclosed and valid; undefined otherwise. */
  readonly volumes: readonly Volume4D[] | undefined;
  readonly priority: number | undefined;
}

export interface PeerTarget {
  /** The owner (the reference's manager), named in every error. */
  readonly party: string;
  readonly ussBaseUrl: string;
}

/** F3548 notification of a change of one of our intents (no details: see notify.ts). */
export interface IntentNotice {
  readonly intentId: string;
  /** Undefined when the intent was deleted. */
  readonly reference: ReferenceView | undefined;
  readonly subscriptions: SubscriberNotice['subscriptions'];
}

/** F3548 notification of a change of one of our constraints (the reference only; details by GET). */
export interface ConstraintNotice {
  readonly constraintId: string;
  /** Undefined when the constraint was removed. */
  readonly reference: ConstraintReferenceView | undefined;
  readonly subscriptions: SubscriberNotice['subscriptions'];
}

export interface PeerPort {
  fetchDetails(target: PeerTarget, intentId: string, ticket: string | undefined): Promise<PeerAnswer>;
  notify(ussBaseUrl: string, notice: IntentNotice): Promise<void>;
  notifyConstraint(ussBaseUrl: string, notice: ConstraintNotice): Promise<void>;
}

export interface AgentContext {
  /** Our party id (the `sub` of our tokens, the manager of our intents). */
  readonly party: string;
  /** Where peers reach our /uss/v1 (our intents' uss_base_url). */
  readonly publicUrl: string;
  readonly store: AgentStore;
  readonly broker: BrokerPort;
  readonly peers: PeerPort;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly policy: DisclosurePolicy;
  readonly planning: {
    readonly equalPriority: EqualPriorityRule;
    /** PUT attempts before giving up when the key keeps going stale (409). */
    readonly maxAttempts: number;
    /** Details fetched at once. */
    readonly fetchConcurrency: number;
  };
  /** Answer F3548 clients that send no ticket with the reference only (its OVN), or 403. */
  readonly ticketless: 'deny' | 'reference';
  /** Structured events (ids and counts only, never details or tokens). */
  readonly events: (event: string, fields: Readonly<Record<string, unknown>>) => void;
}
