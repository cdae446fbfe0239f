/** F3548 /dss/v1/uss_availability and /dss/v1/reports. */
import type { FastifyInstance } from 'fastify';
import { getAvailability, setAvailability, type AvailabilityView } from '../../../app/availability/uss-availability.js';
import { makeReport } from '../../../app/reports/make-report.js';
import { SCOPE } from '../../../app/scopes.js';
import { invalidInput } from '../../../domain/errors.js';
import type { PartyId } from '../../../domain/ids.js';
import type { HttpDeps } from '../http-deps.js';
import { dssRoute } from './dss-route.js';
import { parseAvailabilityBody, parseReportBody } from './wire/parse-requests.js';

function ussIdOf(params: unknown): PartyId {
  const id = (params as { uss_id: string }).uss_id;
  if (id.length < 1 || id.length > 256) throw invalidInput('uss_id', 'must be 1 to 256 characters');
  return id as PartyId;
}

function toWire(view: AvailabilityView) {
  return { status: { uss: view.ussId, availability: view.availability }, version: view.version };
}

export function registerAvailabilityRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const { ctx } = deps;
  dssRoute(app, deps, {
    method: 'GET',
    url: '/uss_availability/:uss_id',
    scopes: [[SCOPE.availabilityArbitration], [SCOPE.strategicCoordination], [SCOPE.conformanceMonitoring]],
    summary: "A USS's availability (Unknown when never set)",
    handler: async (request) => ({ status: 200, body: toWire(await getAvailability(ctx, ussIdOf(request.params))) }),
  });
  dssRoute(app, deps, {
    method: 'PUT',
    url: '/uss_availability/:uss_id',
    scopes: [[SCOPE.availabilityArbitration]],
    summary: "Set a USS's availability (old_version must be the current version, \"\" when unset)",
    handler: async (request, caller) => {
      const ussId = ussIdOf(request.params);
      const body = parseAvailabilityBody(request.body);
      const view = await setAvailability(ctx, { ussId, ...body, by: caller.id });
      return { status: 200, body: toWire(view), decision: { event: 'availability.set', fields: { uss: ussId, availability: view.availability } } };
    },
  });
  dssRoute(app, deps, {
    method: 'POST',
    url: '/reports',
    scopes: Object.values(SCOPE).map((scope) => [scope]),
    summary: 'Archive an error report about a failed exchange with another USS',
    handler: async (request, caller) => {
      const report = await makeReport(ctx, caller, parseReportBody(request.body));
      return { status: 201, body: report.body, decision: { event: 'report.archived', fields: { report_id: report.id } } };
    },
  });
}
