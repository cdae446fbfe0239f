/** ASTM F3548-21 OAuth scopes. */
export const SCOPE = Object.freeze({
  strategicCoordination: 'utm.strategic_coordination',
  constraintManagement: 'utm.constraint_management',
  constraintProcessing: 'utm.constraint_processing',
  conformanceMonitoring: 'utm.conformance_monitoring_sa',
  availabilityArbitration: 'utm.availability_arbitration',
});
