/**
 * What every broker use case receives: the store, time and id sources, and the limits.
 * Built once in main/ and passed down; use cases never read the environment or the clock.
 */
import type { Clock } from './ports/clock.js';
import type { Commitments } from './ports/commitments.js';
import type { IdSource } from './ports/id-source.js';
import type { Store } from './ports/store.js';

export interface BrokerLimits {
  /** Most references one query answers (F3548 reference DSS: 10,000). */
  readonly resultCap: number;
  /** Largest footprint area, km² (reference DSS: 2,500). */
  readonly maxAreaKm2: number;
  readonly intentMaxVertices: number;
  readonly constraintMaxVertices: number;
  /** How far ahead an intent may end (OiMaxPlanHorizon: 30 days). */
  readonly intentHorizonMs: number;
  /** How far ahead a constraint may end (CstrMaxPlanningHorizon: 56 days). */
  readonly constraintHorizonMs: number;
  /** Longest subscription (DSS0015: 24 h). */
  readonly subscriptionMaxDurationMs: number;
  /** Allowed clock skew for starts in the past (reference DSS: 5 min). */
  readonly clockSkewMs: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const DEFAULT_LIMITS: BrokerLimits = Object.freeze({
  resultCap: 10_000,
  maxAreaKm2: 2_500,
  intentMaxVertices: 10_000,
  constraintMaxVertices: 1_000,
  intentHorizonMs: 30 * DAY_MS,
  constraintHorizonMs: 56 * DAY_MS,
  subscriptionMaxDurationMs: 24 * HOUR_MS,
  clockSkewMs: 5 * 60_000,
});

export interface BrokerContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly limits: BrokerLimits;
  /** Salts and commitments of the verifiable log's entries. */
  readonly commitments: Commitments;
  /**
   * The broker as the manager of the constraint references it publishes for agreements in force
   * (issue 5): its name, and where it serves their details (GET /uss/v1/constraints/{id}).
   */
  readonly self: { readonly manager: string; readonly ussBaseUrl: () => string };
}

/** The authenticated party a use case acts for: `sub` of its token, and its F3548 scopes. */
export interface Caller {
  readonly id: import('../domain/ids.js').PartyId;
  readonly scopes: ReadonlySet<string>;
}
