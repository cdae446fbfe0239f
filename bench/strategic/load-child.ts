/**
 * The load step of `strategic`, run in its own process: parses the workload's references and
 * bulk-loads them into the SQLite file, then exits. The measuring process then opens that file
 * as a restarted broker would, so its memory holds the broker's state and nothing of the JSON
 * parsing (which alone leaves hundreds of MB of freed-but-resident memory behind at 1M refs).
 * argv: DB_PATH NOW_MS SYNCHRONOUS REFS EXPECTED FILE...; last stdout line: JSON summary.
 */
import { openSqliteStore } from '../../src/adapters/storage/sqlite/sqlite-store.js';
import { loadWorkload } from './load-workload.js';

const [dbPath, nowText, synchronous, refsText, expectedText, ...files] = process.argv.slice(2);
if (dbPath === undefined || files.length === 0) throw new Error('usage: load-child DB NOW_MS SYNCHRONOUS REFS EXPECTED FILE...');
const store = await openSqliteStore({ path: dbPath, synchronous: synchronous === 'NORMAL' ? 'NORMAL' : 'FULL' });
try {
  const loaded = await loadWorkload(files, { refs: Number(refsText), queries: 0, writes: 0 }, {
    store,
    nowMs: Number(nowText),
    expectedRefs: Number(expectedText),
  });
  process.stdout.write(
    `${JSON.stringify({ refs: loaded.refs, loadMs: loaded.loadMs, storeMs: loaded.storeMs, files: loaded.files.map((f) => ({ file: f.file, md5: f.md5, bytes: f.bytes, meta: { seed: f.meta?.seed } })) })}\n`,
  );
} finally {
  await store.close();
}
