/**
 * The parties file: who may call the broker with their own keys, and where their agent
 * answers. `{"parties":[{"id":"blue","name":"Blue","keys":[<public JWK>],"agent_url":"http://..."}]}`
 * A party's token has `sub` = its id and is signed by one of its keys.
 */
import { readFile } from 'node:fs/promises';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { PartyId } from '../domain/ids.js';
import { ConfigFileError } from './config-file-error.js';
import {
  describe,
  importVerificationKey,
  isTokenAlgorithm,
  publicJwkAlgorithm,
  type VerificationKey,
} from './verification-key.js';

export const PARTY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_NAME_LENGTH = 200;

export interface Party {
  readonly id: PartyId;
  readonly name: string;
  readonly keys: readonly VerificationKey[];
  readonly agentUrl: string;
}

export interface PartiesDirectory {
  get(id: string): Party | undefined;
  list(): readonly Party[];
}

/** Reads and validates a parties file; throws ConfigFileError listing every problem. */
export async function loadPartiesFile(path: string): Promise<PartiesDirectory> {
  const source = `parties file "${path}"`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigFileError(source, [`cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigFileError(source, [`not valid JSON: ${(error as Error).message}`]);
  }
  return parseParties(json, source);
}

/** Validates parsed parties JSON; throws ConfigFileError listing every problem. */
export async function parseParties(json: unknown, source: string): Promise<PartiesDirectory> {
  const problems: string[] = [];
  const entries = partiesArray(json, problems);
  const parties: Party[] = [];
  const idFields = new Map<string, string>();
  const keyFields = new Map<string, string>();

  for (const [index, entry] of entries.entries()) {
    const field = `parties[${index}]`;
    const party = await readParty(entry, field, problems, keyFields);
    const id = (entry as { id?: unknown } | null)?.id;
    if (typeof id === 'string') {
      const earlier = idFields.get(id);
      if (earlier !== undefined) problems.push(`${field}.id: "${id}" is already the id of ${earlier}`);
      else idFields.set(id, field);
    }
    if (party !== undefined) parties.push(party);
  }
  if (problems.length > 0) throw new ConfigFileError(source, problems);
  return directoryOf(parties);
}

export function directoryOf(parties: readonly Party[]): PartiesDirectory {
  const byId = new Map(parties.map((party) => [party.id as string, party]));
  const list = Object.freeze([...parties]);
  return { get: (id) => byId.get(id), list: () => list };
}

function partiesArray(json: unknown, problems: string[]): readonly unknown[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    problems.push('must be a JSON object with a "parties" array');
    return [];
  }
  const parties = (json as Record<string, unknown>)['parties'];
  if (!Array.isArray(parties)) {
    problems.push('parties: must be an array');
    return [];
  }
  return parties;
}

async function readParty(
  entry: unknown,
  field: string,
  problems: string[],
  keyFields: Map<string, string>,
): Promise<Party | undefined> {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problems.push(`${field}: must be an object with id, name, keys and agent_url`);
    return undefined;
  }
  const record = entry as Record<string, unknown>;
  const before = problems.length;
  const id = record['id'];
  if (typeof id !== 'string' || !PARTY_ID_PATTERN.test(id)) {
    problems.push(`${field}.id: ${describe(id)} must match ${PARTY_ID_PATTERN.source}`);
  }
  const name = record['name'];
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH) {
    problems.push(`${field}.name: must be a non-empty string of at most ${MAX_NAME_LENGTH} characters`);
  }
  const agentUrl = record['agent_url'];
  if (!isHttpUrl(agentUrl)) {
    problems.push(`${field}.agent_url: ${describe(agentUrl)} must be an http(s) URL`);
  }
  const keys = await readKeys(record['keys'], `${field}.keys`, problems, keyFields);
  if (problems.length > before) return undefined;
  return {
    id: id as PartyId,
    name: name as string,
    keys,
    agentUrl: agentUrl as string,
  };
}

async function readKeys(
  value: unknown,
  field: string,
  problems: string[],
  keyFields: Map<string, string>,
): Promise<VerificationKey[]> {
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${field}: must be a non-empty array of public JWKs`);
    return [];
  }
  const keys: VerificationKey[] = [];
  for (const [index, jwk] of value.entries()) {
    const keyField = `${field}[${index}]`;
    const alg = publicJwkAlgorithm(jwk, keyField);
    if (!isTokenAlgorithm(alg)) {
      problems.push(alg);
      continue;
    }
    const key = await importVerificationKey(jwk as JWK, alg, keyField);
    if (typeof key === 'string') {
      problems.push(key);
      continue;
    }
    // One key, one party: otherwise a token could not say whose it is.
    const thumbprint = await calculateJwkThumbprint(jwk as JWK);
    const earlier = keyFields.get(thumbprint);
    if (earlier !== undefined) {
      problems.push(`${keyField}: the same key is already ${earlier}`);
      continue;
    }
    keyFields.set(thumbprint, keyField);
    keys.push(key);
  }
  return keys;
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
