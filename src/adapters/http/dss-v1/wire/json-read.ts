/**
 * Small readers for untrusted JSON: each checks one field's type and names the field and the
 * rule when it fails. F3548: unknown fields are ignored and `null` means absent.
 */
import { invalidInput } from '../../../../domain/errors.js';

export type JsonObject = Readonly<Record<string, unknown>>;

export function readObject(value: unknown, field: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidInput(field, 'must be a JSON object');
  return value as JsonObject;
}

export function readArray(value: unknown, field: string, options: { min?: number; max?: number } = {}): readonly unknown[] {
  if (!Array.isArray(value)) throw invalidInput(field, 'must be an array');
  if (options.min !== undefined && value.length < options.min) throw invalidInput(field, `must hold at least ${options.min} item(s)`);
  if (options.max !== undefined && value.length > options.max) throw invalidInput(field, `must hold at most ${options.max} item(s)`);
  return value;
}

export function readString(value: unknown, field: string, options: { max?: number; min?: number } = {}): string {
  if (typeof value !== 'string') throw invalidInput(field, 'must be a string');
  if (options.min !== undefined && value.length < options.min) throw invalidInput(field, `must be at least ${options.min} characters`);
  if (options.max !== undefined && value.length > options.max) throw invalidInput(field, `must be at most ${options.max} characters`);
  return value;
}

export function readBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw invalidInput(field, 'must be true or false');
  return value;
}

/** A field that may be absent or null. */
export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/** Joins a parent path and a key: `extents` + 0 → `extents[0]`, `a` + `b` → `a.b`. */
export function at(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}
