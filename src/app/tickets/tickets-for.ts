/**
 * Which references of a query answer come with an intersection ticket for the requester: those
 * that intersect something the requester has put on record as its own — one of its intents,
 * subscriptions or live planning declarations (issue 4, "mutual interest must be proven, not
 * claimed"). The requester's records are found once for the query's area, then each foreign
 * reference is tested exactly against them. Each ticket's basis carries what an owner's policy
 * conditions need: the declared priority (declarations only, when given) and the distance in km
 * between the basis's and the intent's bounding circles (domain/tickets/basis-distance.ts).
 */
import { volumesIntersect } from '../../domain/geo/volumes-intersect.js';
import type { LatLng, Volume4D } from '../../domain/geo/volume-4d.js';
import type { IntentId } from '../../domain/ids.js';
import { basisKm, boundingCentre } from '../../domain/tickets/basis-distance.js';
import type { BasisKind } from '../../domain/tickets/ticket.js';
import type { BrokerContext, Caller } from '../broker-context.js';
import type { TicketIssuer } from '../ports/ticket-issuer.js';
import type { IntentRecord } from '../ports/store.js';

interface Basis {
  readonly kind: BasisKind;
  readonly id: string;
  readonly extents: readonly Volume4D[];
  /** Subscriptions match on footprint and time only, as notifications do. */
  readonly ignoreAltitude: boolean;
  /** Declarations only, when declared with one. */
  readonly priority?: number;
  /** The centre of the extents' bounding circle, computed when first needed. */
  centre?: LatLng;
}

/** Most of the requester's own records considered per query. */
const MAX_BASES = 200;

export async function ticketsFor(
  ctx: BrokerContext,
  issuer: TicketIssuer,
  caller: Caller,
  area: Volume4D,
  found: readonly IntentRecord[],
): Promise<Map<IntentId, string>> {
  const tickets = new Map<IntentId, string>();
  const foreign = found.filter((intent) => intent.manager !== caller.id);
  if (foreign.length === 0) return tickets;
  const nowMs = ctx.clock.nowMs();
  // In order of preference: a live declaration is the requester's current statement of what it
  // plans (and the only basis with a priority), then its intents, then its subscriptions.
  const bases: Basis[] = [];
  const subscriptions: Basis[] = [];
  await ctx.store.read(async (reader) => {
    for (const d of await reader.declarations.findIntersecting([area], { party: caller.id, nowMs, limit: MAX_BASES })) {
      bases.push({ kind: 'declaration', id: d.id, extents: d.extents, ignoreAltitude: false, ...(d.priority === undefined ? {} : { priority: d.priority }) });
    }
    for (const s of await reader.subscriptions.findIntersecting([area], { nowMs, manager: caller.id, limit: MAX_BASES, ignoreAltitude: true })) {
      subscriptions.push({ kind: 'subscription', id: s.id, extents: s.extents, ignoreAltitude: true });
    }
  });
  for (const intent of found) if (intent.manager === caller.id) bases.push({ kind: 'intent', id: intent.id, extents: intent.extents, ignoreAltitude: false });
  bases.push(...subscriptions);
  if (bases.length === 0) return tickets;
  for (const intent of foreign) {
    const basis = bases.find((b) => anyIntersect(intent.extents, b.extents, b.ignoreAltitude));
    if (basis === undefined) continue;
    basis.centre ??= boundingCentre(basis.extents);
    const km = basisKm(basis.centre, boundingCentre(intent.extents));
    tickets.set(
      intent.id,
      issuer.issue({
        requester: caller.id,
        intentId: intent.id,
        owner: intent.manager,
        version: intent.version,
        basis: { kind: basis.kind, id: basis.id, ...(basis.priority === undefined ? {} : { priority: basis.priority }), km },
      }, nowMs),
    );
  }
  return tickets;
}

function anyIntersect(a: readonly Volume4D[], b: readonly Volume4D[], ignoreAltitude: boolean): boolean {
  return a.some((va) => b.some((vb) => volumesIntersect(va, vb, { ignoreAltitude })));
}
