/**
 * Messages between the bench (which runs the broker) and bench/http-client.ts (a separate
 * process, so client CPU is not charged to the broker's event loop). The client answers each
 * command with one result, in order.
 */
import type { LatencySummary } from './latency.js';

export interface ClientSetup {
  readonly type: 'setup';
  /** e.g. http://127.0.0.1:41234 */
  readonly baseUrl: string;
  /** Token for queries (any USS may query). */
  readonly readerToken: string;
  /** Tokens by party id, for every party the write phases act as. */
  readonly partyTokens: Readonly<Record<string, string>>;
  /** Workload query ids and their `{"area_of_interest": …}` request bodies. */
  readonly queryIds: readonly string[];
  readonly queryBodies: readonly string[];
  /** Start of the workload horizon (epoch ms); synthetic volumes are placed days after it. */
  readonly t0Ms: number;
}

export type ClientCommand =
  | { readonly type: 'query'; readonly connections: number; readonly warmup: number }
  | { readonly type: 'put'; readonly connections: number; readonly count: number; readonly parties: readonly string[] }
  | {
      readonly type: 'samecell';
      readonly connections: number;
      readonly seconds: number;
      readonly idsPerConnection: number;
      /** Party of connection c is `${partyPrefix}${c}`. */
      readonly partyPrefix: string;
    }
  | { readonly type: 'exit' };

export interface QueryPhaseResult {
  readonly type: 'query';
  readonly connections: number;
  readonly latency: LatencySummary;
  readonly qps: number;
  readonly hitsPerQuery: number;
  readonly hitsChecksum: string;
  readonly errors: Readonly<Record<string, number>>;
}

export interface PutPhaseResult {
  readonly type: 'put';
  readonly connections: number;
  readonly succeeded: number;
  readonly perS: number;
  readonly latency: LatencySummary;
  readonly errors: Readonly<Record<string, number>>;
}

export interface SameCellPhaseResult {
  readonly type: 'samecell';
  readonly connections: number;
  /** Intents in the cell at the end (all intersect each other). */
  readonly intents: number;
  readonly succeeded: number;
  /** Attempts answered 409 (a key missing a just-changed OVN), retried with fresher OVNs. */
  readonly conflicts: number;
  readonly attempts: number;
  readonly perS: number;
  readonly attemptsPerS: number;
  /** Mean OVNs per key sent. */
  readonly keySize: number;
  readonly latency: LatencySummary;
  readonly errors: Readonly<Record<string, number>>;
}

export type ClientResult = QueryPhaseResult | PutPhaseResult | SameCellPhaseResult;

export type ClientMessage = { readonly type: 'ready' } | ClientResult | { readonly type: 'error'; readonly message: string };
