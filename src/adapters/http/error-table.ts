/**
 * The one mapping from error codes to HTTP. Exhaustive: a new ErrorCode fails to compile
 * until it is mapped here, and docs/errors.md is checked against this table by a test.
 */
import type { ErrorCode } from '../../domain/errors.js';

export interface HttpError {
  readonly status: number;
  readonly title: string;
}

export const ERROR_TABLE: Readonly<Record<ErrorCode, HttpError>> = Object.freeze({
  invalid_input: { status: 400, title: 'Invalid input' },
  area_too_large: { status: 400, title: 'Area too large' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unauthenticated: { status: 401, title: 'Not authenticated' },
  insufficient_scope: { status: 403, title: 'Insufficient scope' },
  not_manager: { status: 403, title: 'Not the manager' },
  not_found: { status: 404, title: 'Not found' },
  update_target_missing: { status: 400, title: 'Nothing to update' },
  already_exists: { status: 409, title: 'Already exists' },
  version_mismatch: { status: 409, title: 'Version mismatch' },
  airspace_conflict: { status: 409, title: 'Airspace conflict' },
  dependents_exist: { status: 400, title: 'Has dependents' },
  subscription_not_covering: { status: 400, title: 'Subscription does not cover' },
  limit_reached: { status: 429, title: 'Limit reached' },
  planning_conflict: { status: 409, title: 'Planning conflict' },
  peer_unavailable: { status: 502, title: 'Peer agent unavailable' },
  peer_refused: { status: 502, title: 'Peer agent refused' },
  broker_unavailable: { status: 503, title: 'Broker unavailable' },
  broker_refused: { status: 502, title: 'Broker refused' },
  agreement_violation: { status: 400, title: 'Refused by an agreement' },
});
