/**
 * Streams a workload JSONL file in chunks of parsed records, hashing every byte on the way
 * (md5, as the workload README asks to record next to published numbers). Reading in
 * multi-megabyte chunks keeps per-line overhead to the JSON parse itself.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { WorkloadRecord } from './workload-records.js';

export interface ReadSummary {
  readonly md5: string;
  readonly bytes: number;
  /** Records per type, including those skipped because a limit was reached. */
  readonly seen: Readonly<Record<string, number>>;
}

export interface ReadOptions {
  /** Most records to parse per type; further ones are counted but not parsed. */
  readonly limits?: Readonly<Record<string, number>>;
}

const TYPE_PREFIX = /^\{"type":"([a-z]+)"/;

/**
 * Yields arrays of parsed records (one array per chunk read) and returns the file's md5.
 * The whole file is always read, so the md5 is that of the file even when limits stop parsing.
 */
export async function* readWorkloadChunks(
  file: string,
  options: ReadOptions = {},
): AsyncGenerator<WorkloadRecord[], ReadSummary, void> {
  const limits = options.limits ?? {};
  const seen: Record<string, number> = {};
  const hash = createHash('md5');
  const decoder = new StringDecoder('utf8');
  let bytes = 0;
  let rest = '';
  let lineNo = 0;

  const parseLines = (text: string): WorkloadRecord[] => {
    const out: WorkloadRecord[] = [];
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      const line = text.slice(start, end);
      start = end + 1;
      lineNo++;
      if (line === '') continue;
      const type = TYPE_PREFIX.exec(line)?.[1] ?? 'unknown';
      const count = (seen[type] = (seen[type] ?? 0) + 1);
      if (count > (limits[type] ?? Infinity)) continue;
      try {
        out.push(JSON.parse(line) as WorkloadRecord);
      } catch (error) {
        throw new Error(`Cannot parse line ${lineNo} of workload "${file}": ${(error as Error).message}`);
      }
    }
    rest = text.slice(start);
    return out;
  };

  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 })) {
    const buffer = chunk as Buffer;
    hash.update(buffer);
    bytes += buffer.length;
    const records = parseLines(rest + decoder.write(buffer));
    if (records.length > 0) yield records;
  }
  const last = parseLines(`${rest}${decoder.end()}\n`);
  if (last.length > 0) yield last;
  return { md5: hash.digest('hex'), bytes, seen };
}

/** The file's first line parsed, if it is a meta record (a cheap peek: reads 64 KiB at most). */
export async function readMeta(file: string): Promise<WorkloadRecord | undefined> {
  const stream = createReadStream(file, { start: 0, end: 65_535, encoding: 'utf8' });
  let head = '';
  for await (const chunk of stream) {
    head += chunk as string;
    if (head.includes('\n')) break;
  }
  stream.destroy();
  const line = head.split('\n', 1)[0] ?? '';
  if (!line.startsWith('{"type":"meta"')) return undefined;
  return JSON.parse(line) as WorkloadRecord;
}
