/**
 * Every failure the domain and the use cases can report, with a stable `code`.
 * Adapters map codes to transport answers in one table each (see adapters/http/error-table.ts);
 * adding a code here fails to compile until every table maps it.
 */
export const ERROR_CODES = [
  'invalid_input',
  'area_too_large',
  'payload_too_large',
  'unauthenticated',
  'insufficient_scope',
  'not_manager',
  'not_found',
  'update_target_missing',
  'already_exists',
  'version_mismatch',
  'airspace_conflict',
  'dependents_exist',
  'subscription_not_covering',
  'limit_reached',
  'planning_conflict',
  'peer_unavailable',
  'peer_refused',
  'broker_unavailable',
  'broker_refused',
  'agreement_violation',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface DomainErrorOptions {
  /** JSON path of the offending input field, e.g. `extents[0].volume.altitude_lower.value`. */
  readonly field?: string;
  /** Structured extras a transport may show (e.g. the missing references of a conflict). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: DomainErrorOptions = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.field = options.field;
    this.details = options.details;
  }
}

/** Shorthand for the most common failure: one input field broke one rule. */
export function invalidInput(field: string, rule: string): DomainError {
  return new DomainError('invalid_input', `${field}: ${rule}`, { field });
}
