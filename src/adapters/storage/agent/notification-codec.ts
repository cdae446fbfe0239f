import type { NotificationKind, NotificationRecord } from '../../../app/agent/agent-store.js';
import { toExactJson } from './exact-json.js';
import { StoredJson } from './stored-json.js';

/*
 * Notifications to and from rows: a deleted-notice has NULL version and state; `deleted` is 0/1;
 * `kind` says whether `intent_id` names an operational intent or a constraint.
 */

export interface NotificationRow {
  readonly seq: number;
  readonly received_at_ms: number;
  readonly from_party: string;
  readonly kind: string;
  readonly intent_id: string;
  readonly version: number | null;
  readonly state: string | null;
  readonly deleted: number;
  readonly subscriptions: string;
}

export const NOTIFICATION_COLUMNS = 'seq, received_at_ms, from_party, kind, intent_id, version, state, deleted, subscriptions';

const KINDS: readonly NotificationKind[] = ['operational_intent', 'constraint'];

export function notificationToRow(n: Omit<NotificationRecord, 'seq'>): Omit<NotificationRow, 'seq'> {
  return {
    received_at_ms: n.receivedAtMs,
    from_party: n.from,
    kind: n.kind,
    intent_id: n.intentId,
    version: n.version ?? null,
    state: n.state ?? null,
    deleted: n.deleted ? 1 : 0,
    subscriptions: toExactJson(
      n.subscriptions.map((s) => ({ subscriptionId: s.subscriptionId, notificationIndex: s.notificationIndex })),
      `the subscriptions of a notification about intent "${n.intentId}"`,
    ),
  };
}

export function notificationFromRow(row: NotificationRow): NotificationRecord {
  const kind =
    KINDS.find((k) => k === row.kind) ??
    new StoredJson({ table: 'notifications', id: String(row.seq), column: 'kind' }).fail('', `one of ${KINDS.join(', ')}`, row.kind);
  const json = new StoredJson({ table: 'notifications', id: String(row.seq), column: 'subscriptions' });
  const subscriptions = json.array(json.parse(row.subscriptions), '').map((item, i) => {
    const s = json.object(item, `[${i}]`);
    return {
      subscriptionId: json.string(s.subscriptionId, `[${i}].subscriptionId`),
      notificationIndex: json.number(s.notificationIndex, `[${i}].notificationIndex`),
    };
  });
  return {
    seq: row.seq,
    receivedAtMs: row.received_at_ms,
    from: row.from_party,
    kind,
    intentId: row.intent_id,
    version: row.version ?? undefined,
    state: row.state ?? undefined,
    deleted: row.deleted !== 0,
    subscriptions,
  };
}
