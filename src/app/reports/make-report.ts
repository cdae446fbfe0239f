/** Archive an F3548 ErrorReport (DSS0100,2) about a failed exchange and give it an id. */
import type { PartyId, ReportId } from '../../domain/ids.js';
import type { BrokerContext, Caller } from '../broker-context.js';
import type { ReportRecord } from '../ports/store.js';
import { recordChange } from '../log/record-change.js';

export async function makeReport(
  ctx: BrokerContext,
  caller: Caller,
  report: Readonly<Record<string, unknown>>,
): Promise<ReportRecord> {
  const nowMs = ctx.clock.nowMs();
  const id = ctx.ids.uuid() as ReportId;
  const record: ReportRecord = { id, reporter: caller.id as PartyId, body: { ...report, report_id: id }, createdAtMs: nowMs };
  await ctx.store.transact(async (tx) => {
    await tx.reports.put(record);
    // The report's body may hold another USS's data: the log keeps only its id.
    await recordChange(ctx, tx, { kind: 'report.create', by: record.reporter, subject: { id } }, nowMs);
  });
  return record;
}
