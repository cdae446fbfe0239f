/*
 * Reading JSON columns back with their shape checked, so a damaged or hand-edited row fails
 * where it is read, naming its table, row and column, not deep inside a use case.
 */

/** Where a stored value sits. */
export interface Cell {
  readonly table: string;
  readonly id: string;
  readonly column: string;
}

/** A stored row that cannot be read back: changed outside Parley, or a damaged file. */
export class CorruptRowError extends Error {
  override readonly name = 'CorruptRowError';
  readonly table: string;
  readonly id: string;
  readonly column: string;

  constructor(cell: Cell, problem: string) {
    super(
      `Cannot read ${cell.table} row "${cell.id}": column ${cell.column} ${problem} ` +
        '(the row was changed outside Parley or the file is damaged)',
    );
    this.table = cell.table;
    this.id = cell.id;
    this.column = cell.column;
  }
}

/** Checks a parsed value's parts, with paths like `[0].footprint.radiusM` in its errors. */
export class StoredJson {
  readonly #cell: Cell;

  constructor(cell: Cell) {
    this.#cell = cell;
  }

  /** Parses the column's text. */
  parse(text: unknown): unknown {
    if (typeof text !== 'string') throw new CorruptRowError(this.#cell, `holds ${describe(text)}, not JSON text`);
    try {
      return JSON.parse(text);
    } catch {
      // Not the parser's message: it quotes the text, and rows hold details that stay in the agent.
      throw new CorruptRowError(this.#cell, `is not valid JSON (${text.length} characters)`);
    }
  }

  fail(path: string, expected: string, value: unknown): never {
    const at = path === '' ? '' : ` at ${path.replace(/^\./, '')}`;
    throw new CorruptRowError(this.#cell, `has ${describe(value)}${at} where ${expected} belongs`);
  }

  object(value: unknown, path: string): Readonly<Record<string, unknown>> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'an object', value);
    return value as Record<string, unknown>;
  }

  array(value: unknown, path: string): readonly unknown[] {
    if (!Array.isArray(value)) this.fail(path, 'an array', value);
    return value;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.fail(path, 'a string', value);
    return value;
  }

  /** A finite number (JSON.parse reads 1e999 as Infinity). */
  number(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, 'a finite number', value);
    return value;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, 'true or false', value);
    return value;
  }
}

/** The kind of value found, never the value: rows hold details that must not reach a log. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return `the number ${value}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
