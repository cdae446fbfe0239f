/** ASTM F3548-21 OAuth scopes, and Parley's own. */
export const SCOPE = Object.freeze({
  /** Parley: read the verifiable log (checkpoints, proofs, entries). */
  audit: 'parley.audit',
  /** Parley: a party's operators on its own agent's /v1 (never in the tokens an agent sends). */
  operator: 'parley.operator',
  strategicCoordination: 'utm.strategic_coordination',
  constraintManagement: 'utm.constraint_management',
  constraintProcessing: 'utm.constraint_processing',
  conformanceMonitoring: 'utm.conformance_monitoring_sa',
  availabilityArbitration: 'utm.availability_arbitration',
});
