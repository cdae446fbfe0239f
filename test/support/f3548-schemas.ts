/**
 * JSON Schemas (draft-07, ajv 8) for the F3548-21 DSS response bodies, written from the
 * OpenAPI's field lists (astm-utm/Protocol utm.yaml, branch F3548-21) and the notes in
 * /work/shared/reference/f3548.md where current clients expect more. Unknown fields are
 * allowed, as the standard says they must be ignored. `assertMatches()` narrows a body to
 * its TypeScript shape or throws with ajv's errors.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under `nodenext` its default import is the module object.
const addFormats = addFormatsModule.default;

/** UUIDv4 as the F3548-21 branch fixed it (variant nibble 8, 9, a or b). */
const UUID_V4 = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$';
const INT32_MAX = 2_147_483_647;

const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const arrayOf = (name: string) => ({ type: 'array', items: ref(name) });

const definitions = {
  UUIDv4: { type: 'string', format: 'uuid', minLength: 36, maxLength: 36, pattern: UUID_V4 },
  EntityID: ref('UUIDv4'),
  SubscriptionID: ref('UUIDv4'),
  /** 16–128 characters; non-managers read "Available from USS" (18 characters), which fits. */
  EntityOVN: { type: 'string', minLength: 16, maxLength: 128 },
  /** int32, +1 on every change; the DSS starts at 1. */
  EntityVersion: { type: 'integer', minimum: 1, maximum: INT32_MAX },
  Time: {
    type: 'object',
    required: ['value', 'format'],
    properties: {
      // RFC 3339 with the time zone 'Z', as the standard requires.
      value: { type: 'string', format: 'date-time', pattern: 'Z$' },
      format: { type: 'string', enum: ['RFC3339'] },
    },
  },
  /** No trailing '/': paths like /uss/v1/... are appended to it. */
  UssBaseURL: { type: 'string', format: 'uri', pattern: '[^/]$' },
  UssAvailabilityState: { type: 'string', enum: ['Unknown', 'Normal', 'Down'] },
  OperationalIntentState: { type: 'string', enum: ['Accepted', 'Activated', 'Nonconforming', 'Contingent'] },
  SubscriptionNotificationIndex: { type: 'integer', minimum: 0, maximum: INT32_MAX },

  OperationalIntentReference: {
    type: 'object',
    required: ['id', 'manager', 'uss_availability', 'version', 'state', 'time_start', 'time_end', 'uss_base_url', 'subscription_id'],
    properties: {
      id: ref('EntityID'),
      manager: { type: 'string', minLength: 1 },
      uss_availability: ref('UssAvailabilityState'),
      version: ref('EntityVersion'),
      state: ref('OperationalIntentState'),
      ovn: ref('EntityOVN'),
      time_start: ref('Time'),
      time_end: ref('Time'),
      uss_base_url: ref('UssBaseURL'),
      subscription_id: ref('SubscriptionID'),
    },
  },
  ConstraintReference: {
    type: 'object',
    required: ['id', 'manager', 'uss_availability', 'version', 'time_start', 'time_end', 'uss_base_url'],
    properties: {
      id: ref('EntityID'),
      manager: { type: 'string', minLength: 1 },
      uss_availability: ref('UssAvailabilityState'),
      version: ref('EntityVersion'),
      ovn: ref('EntityOVN'),
      time_start: ref('Time'),
      time_end: ref('Time'),
      uss_base_url: ref('UssBaseURL'),
    },
  },
  SubscriptionState: {
    type: 'object',
    required: ['subscription_id', 'notification_index'],
    properties: { subscription_id: ref('SubscriptionID'), notification_index: ref('SubscriptionNotificationIndex') },
  },
  SubscriberToNotify: {
    type: 'object',
    required: ['subscriptions', 'uss_base_url'],
    properties: { subscriptions: { ...arrayOf('SubscriptionState'), minItems: 1 }, uss_base_url: ref('UssBaseURL') },
  },
  Subscription: {
    type: 'object',
    required: ['id', 'version', 'notification_index', 'uss_base_url'],
    properties: {
      id: ref('SubscriptionID'),
      // F3548-21: an opaque string (older drafts had an integer).
      version: { type: 'string', minLength: 1 },
      notification_index: ref('SubscriptionNotificationIndex'),
      time_start: ref('Time'),
      time_end: ref('Time'),
      uss_base_url: ref('UssBaseURL'),
      notify_for_operational_intents: { type: 'boolean' },
      notify_for_constraints: { type: 'boolean' },
      implicit_subscription: { type: 'boolean' },
      dependent_operational_intents: arrayOf('EntityID'),
    },
  },

  QueryOperationalIntentReferenceResponse: {
    type: 'object',
    required: ['operational_intent_references'],
    properties: { operational_intent_references: arrayOf('OperationalIntentReference') },
  },
  GetOperationalIntentReferenceResponse: {
    type: 'object',
    required: ['operational_intent_reference'],
    properties: { operational_intent_reference: ref('OperationalIntentReference') },
  },
  ChangeOperationalIntentReferenceResponse: {
    type: 'object',
    required: ['subscribers', 'operational_intent_reference'],
    properties: { subscribers: arrayOf('SubscriberToNotify'), operational_intent_reference: ref('OperationalIntentReference') },
  },
  AirspaceConflictResponse: {
    type: 'object',
    properties: {
      message: { type: 'string' },
      missing_operational_intents: arrayOf('OperationalIntentReference'),
      missing_constraints: arrayOf('ConstraintReference'),
    },
  },
  QueryConstraintReferencesResponse: {
    type: 'object',
    required: ['constraint_references'],
    properties: { constraint_references: arrayOf('ConstraintReference') },
  },
  GetConstraintReferenceResponse: {
    type: 'object',
    required: ['constraint_reference'],
    properties: { constraint_reference: ref('ConstraintReference') },
  },
  ChangeConstraintReferenceResponse: {
    type: 'object',
    required: ['subscribers', 'constraint_reference'],
    properties: { subscribers: arrayOf('SubscriberToNotify'), constraint_reference: ref('ConstraintReference') },
  },
  QuerySubscriptionsResponse: {
    type: 'object',
    required: ['subscriptions'],
    properties: { subscriptions: arrayOf('Subscription') },
  },
  GetSubscriptionResponse: { type: 'object', required: ['subscription'], properties: { subscription: ref('Subscription') } },
  PutSubscriptionResponse: {
    type: 'object',
    required: ['subscription'],
    properties: {
      subscription: ref('Subscription'),
      operational_intent_references: arrayOf('OperationalIntentReference'),
      constraint_references: arrayOf('ConstraintReference'),
    },
  },
  DeleteSubscriptionResponse: { type: 'object', required: ['subscription'], properties: { subscription: ref('Subscription') } },
  UssAvailabilityStatusResponse: {
    type: 'object',
    required: ['version', 'status'],
    properties: {
      version: { type: 'string' },
      status: {
        type: 'object',
        required: ['uss', 'availability'],
        properties: { uss: { type: 'string', minLength: 1 }, availability: ref('UssAvailabilityState') },
      },
    },
  },
  ExchangeRecord: {
    type: 'object',
    required: ['url', 'method', 'recorder_role', 'request_time'],
    properties: {
      url: { type: 'string' },
      method: { type: 'string' },
      headers: { type: 'array', items: { type: 'string' } },
      recorder_role: { type: 'string', enum: ['Client', 'Server'] },
      request_time: ref('Time'),
      request_body: { type: 'string' },
      response_time: ref('Time'),
      response_body: { type: 'string' },
      response_code: { type: 'integer' },
      problem: { type: 'string' },
    },
  },
  ErrorReport: {
    type: 'object',
    required: ['exchange'],
    properties: { report_id: { type: 'string' }, exchange: ref('ExchangeRecord') },
  },
  ErrorResponse: { type: 'object', properties: { message: { type: 'string' } } },
} as const;

// ---- TypeScript shapes of the schemas above (what a validated body may be used as) ----

export interface WireTime {
  readonly value: string;
  readonly format: 'RFC3339';
}
export type UssAvailabilityState = 'Unknown' | 'Normal' | 'Down';
export type OperationalIntentState = 'Accepted' | 'Activated' | 'Nonconforming' | 'Contingent';

export interface OperationalIntentReference {
  readonly id: string;
  readonly manager: string;
  readonly uss_availability: UssAvailabilityState;
  readonly version: number;
  readonly state: OperationalIntentState;
  readonly ovn?: string;
  readonly time_start: WireTime;
  readonly time_end: WireTime;
  readonly uss_base_url: string;
  readonly subscription_id: string;
}
export interface ConstraintReference {
  readonly id: string;
  readonly manager: string;
  readonly uss_availability: UssAvailabilityState;
  readonly version: number;
  readonly ovn?: string;
  readonly time_start: WireTime;
  readonly time_end: WireTime;
  readonly uss_base_url: string;
}
export interface SubscriptionState {
  readonly subscription_id: string;
  readonly notification_index: number;
}
export interface SubscriberToNotify {
  readonly subscriptions: readonly SubscriptionState[];
  readonly uss_base_url: string;
}
export interface Subscription {
  readonly id: string;
  readonly version: string;
  readonly notification_index: number;
  readonly time_start?: WireTime;
  readonly time_end?: WireTime;
  readonly uss_base_url: string;
  readonly notify_for_operational_intents?: boolean;
  readonly notify_for_constraints?: boolean;
  readonly implicit_subscription?: boolean;
  readonly dependent_operational_intents?: readonly string[];
}
export interface ExchangeRecord {
  readonly url: string;
  readonly method: string;
  readonly recorder_role: 'Client' | 'Server';
  readonly request_time: WireTime;
  readonly [field: string]: unknown;
}

export interface WireTypes {
  readonly OperationalIntentReference: OperationalIntentReference;
  readonly ConstraintReference: ConstraintReference;
  readonly Subscription: Subscription;
  readonly SubscriberToNotify: SubscriberToNotify;
  readonly QueryOperationalIntentReferenceResponse: { readonly operational_intent_references: readonly OperationalIntentReference[] };
  readonly GetOperationalIntentReferenceResponse: { readonly operational_intent_reference: OperationalIntentReference };
  readonly ChangeOperationalIntentReferenceResponse: {
    readonly subscribers: readonly SubscriberToNotify[];
    readonly operational_intent_reference: OperationalIntentReference;
  };
  readonly AirspaceConflictResponse: {
    readonly message?: string;
    readonly missing_operational_intents?: readonly OperationalIntentReference[];
    readonly missing_constraints?: readonly ConstraintReference[];
  };
  readonly QueryConstraintReferencesResponse: { readonly constraint_references: readonly ConstraintReference[] };
  readonly GetConstraintReferenceResponse: { readonly constraint_reference: ConstraintReference };
  readonly ChangeConstraintReferenceResponse: {
    readonly subscribers: readonly SubscriberToNotify[];
    readonly constraint_reference: ConstraintReference;
  };
  readonly QuerySubscriptionsResponse: { readonly subscriptions: readonly Subscription[] };
  readonly GetSubscriptionResponse: { readonly subscription: Subscription };
  readonly PutSubscriptionResponse: {
    readonly subscription: Subscription;
    readonly operational_intent_references?: readonly OperationalIntentReference[];
    readonly constraint_references?: readonly ConstraintReference[];
  };
  readonly DeleteSubscriptionResponse: { readonly subscription: Subscription };
  readonly UssAvailabilityStatusResponse: {
    readonly version: string;
    readonly status: { readonly uss: string; readonly availability: UssAvailabilityState };
  };
  readonly ErrorReport: { readonly report_id?: string; readonly exchange: ExchangeRecord };
  readonly ErrorResponse: { readonly message?: string };
}

export type SchemaName = keyof WireTypes;

export const SCHEMA_NAMES: readonly SchemaName[] = [
  'OperationalIntentReference',
  'ConstraintReference',
  'Subscription',
  'SubscriberToNotify',
  'QueryOperationalIntentReferenceResponse',
  'GetOperationalIntentReferenceResponse',
  'ChangeOperationalIntentReferenceResponse',
  'AirspaceConflictResponse',
  'QueryConstraintReferencesResponse',
  'GetConstraintReferenceResponse',
  'ChangeConstraintReferenceResponse',
  'QuerySubscriptionsResponse',
  'GetSubscriptionResponse',
  'PutSubscriptionResponse',
  'DeleteSubscriptionResponse',
  'UssAvailabilityStatusResponse',
  'ErrorReport',
  'ErrorResponse',
];

const SCHEMA_ID = 'https://parley.invalid/test/f3548.json';

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
ajv.addSchema({ $id: SCHEMA_ID, definitions });

const validators = new Map<SchemaName, ValidateFunction>();

function validatorFor(name: SchemaName): ValidateFunction {
  let validate = validators.get(name);
  if (validate === undefined) {
    validate = ajv.getSchema(`${SCHEMA_ID}#/definitions/${name}`);
    if (validate === undefined) throw new Error(`assertMatches: no schema named ${name}`);
    validators.set(name, validate);
  }
  return validate;
}

function describe(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `  ${e.instancePath || '(root)'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`).join('\n');
}

/** assertMatches() throws, listing every ajv error, unless `body` is a valid `name`. */
export function assertMatches<K extends SchemaName>(name: K, body: unknown): asserts body is WireTypes[K] {
  const validate = validatorFor(name);
  if (!validate(body)) {
    const shown = JSON.stringify(body);
    throw new Error(
      `Response body does not match F3548 ${name}:\n${describe(validate.errors)}\nbody: ${shown.length > 2000 ? `${shown.slice(0, 2000)}…` : shown}`,
    );
  }
}
