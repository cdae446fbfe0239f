/**
 * `parley audit verify`: checks a broker's verifiable log without trusting the broker.
 *   online:  --broker URL --key FILE --party ID [--state DIR] [--log-key VKEY]
 *   offline: --data DIR [--state DIR] [--log-key VKEY]
 * Prints what held and what failed; exits 1 when anything failed, naming it.
 */
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import type { AuditEntry } from '../audit/audit-source.js';
import { readAuditState, writeAuditState } from '../audit/audit-state.js';
import { httpAuditSource } from '../audit/http-source.js';
import { auditOffline, auditOnline, type AuditReport } from '../audit/log-audit.js';
import { storeAuditSource } from '../audit/store-source.js';
import { processOutput, type CliOutput } from './cli-output.js';
import { readPrivateKeyFile } from './key-file.js';
import { signToken } from './sign-token.js';

interface VerifyOptions {
  broker?: string;
  key?: string;
  party?: string;
  data?: string;
  state?: string;
  logKey?: string;
  progress?: boolean;
}

/** Raised for a verdict of FAILED: main/ exits 1 after the report is printed. */
export class AuditFailed extends Error {
  override readonly name = 'AuditFailed';
}

export function auditCommand(output: CliOutput = processOutput): Command {
  const audit = new Command('audit').description("check the broker's verifiable log");
  audit
    .command('verify')
    .description('verify the log online (--broker, --key, --party) or a broker\'s data directory offline (--data)')
    .option('--broker <url>', 'broker base URL, e.g. http://127.0.0.1:8080')
    .option('--key <file>', 'your party\'s private JWK (signs the token for the log API)')
    .option('--party <id>', 'your party id')
    .option('--data <dir>', 'a broker\'s data directory, audited offline')
    .option('--state <dir>', 'where to keep the last verified checkpoint and the broker\'s key between runs')
    .option('--log-key <vkey>', 'the broker\'s checkpoint verifier key, if you have it from a trusted channel')
    .option('--no-progress', 'no progress bar')
    .action(async (options: VerifyOptions) => {
      const report = await verify(options, output);
      print(report, output);
      if (!report.ok) throw new AuditFailed(`audit failed: ${report.problems.length} problem(s)`);
    });
  audit
    .command('disclosures')
    .description('list who was shown what of your operations (disclosure receipts), after verifying the log')
    .requiredOption('--broker <url>', 'broker base URL')
    .requiredOption('--key <file>', 'your party\'s private JWK')
    .requiredOption('--party <id>', 'your party id')
    .option('--state <dir>', 'as for verify: the last verified checkpoint and the broker\'s key')
    .option('--log-key <vkey>', 'the broker\'s checkpoint verifier key')
    .option('--json', 'one JSON object per receipt instead of a table')
    .action(async (options: VerifyOptions & { json?: boolean }) => {
      const receipts: Array<Record<string, unknown>> = [];
      const report = await verify({ ...options, progress: false }, output, (entry) => {
        const content = JSON.parse(entry.content as string) as Record<string, unknown>;
        if (content['kind'] === 'disclosure.receipt' && content['by'] === options.party) receipts.push({ index: entry.index, ...content });
      });
      if (!report.ok) {
        print(report, output);
        throw new AuditFailed(`audit failed: ${report.problems.length} problem(s)`);
      }
      if (options.json === true) {
        for (const r of receipts) output.stdout(`${JSON.stringify(r)}\n`);
        return;
      }
      output.stdout(`${receipts.length} disclosure${receipts.length === 1 ? '' : 's'} of ${options.party}'s operations (log verified, ${report.passed.length} checks):\n`);
      for (const r of receipts) {
        output.stdout(
          `  #${String(r['index'])}  ${String(r['at'])}  to ${String(r['requester'])}  intent ${String(r['intent_id'])} v${String(r['intent_version'])}  ` +
            `fields ${(r['fields'] as string[]).join(',') || '(none)'}  ticket ${String(r['ticket_id'])}  basis ${basisText(r['basis'])}\n`,
        );
      }
    });
  return audit;
}

/** A receipt's basis as `declaration <id> (priority 7, 10.0 km)`: priority and km only when the ticket had them. */
function basisText(value: unknown): string {
  const basis = value as { kind: string; id: string; priority?: number; km?: number };
  const weighed = [
    ...(basis.priority === undefined ? [] : [`priority ${basis.priority}`]),
    ...(basis.km === undefined ? [] : [`${basis.km.toFixed(1)} km`]),
  ];
  return weighed.length === 0 ? `${basis.kind} ${basis.id}` : `${basis.kind} ${basis.id} (${weighed.join(', ')})`;
}

async function verify(options: VerifyOptions, output: CliOutput, onWholeEntry?: (entry: AuditEntry) => void): Promise<AuditReport> {
  const online = options.broker !== undefined;
  if (online === (options.data !== undefined)) throw new Error('give either --broker (online) or --data (offline)');
  const previous = readAuditState(options.state);
  const bar = options.progress === false ? undefined : progressBar();
  const common = {
    previous,
    ...(onWholeEntry === undefined ? {} : { onWholeEntry }),
    ...(options.logKey === undefined ? {} : { pinnedKey: options.logKey }),
    onProgress: (done: number, total: number | undefined) => bar?.(done, total),
  };
  if (!online) {
    const source = storeAuditSource(options.data as string);
    try {
      output.stdout(`auditing the data directory ${source.description} offline\n`);
      return await auditOffline(source, common);
    } finally {
      bar?.(-1, undefined);
      source.close();
    }
  }
  if (options.key === undefined || options.party === undefined) throw new Error('an online audit needs --key FILE and --party ID');
  const url = new URL(options.broker as string);
  const privateJwk = await readPrivateKeyFile(options.key);
  const token = await signToken(privateJwk, { sub: options.party, scope: 'parley.audit', aud: url.hostname, ttlS: 600 }, { nowMs: Date.now() });
  const source = httpAuditSource(url.toString(), token);
  output.stdout(`auditing the log of ${source.description} as ${options.party}\n`);
  let report: AuditReport;
  try {
    report = await auditOnline(source, common);
  } finally {
    bar?.(-1, undefined);
  }
  if (report.verified !== undefined && options.state !== undefined) {
    writeAuditState(options.state, { checkpoint: report.verified.note, verifierKey: report.verified.verifierKey });
    report.passed.push(`kept this checkpoint in ${options.state} for the next audit`);
  }
  return report;
}

function print(report: AuditReport, output: CliOutput): void {
  for (const line of report.passed) output.stdout(`  ok    ${line}\n`);
  for (const line of report.problems) output.stdout(`  FAIL  ${line}\n`);
  output.stdout(report.ok ? 'verdict: OK\n' : `verdict: FAILED (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'})\n`);
}

/** A progress bar on stderr for long entry scans; call with done = -1 to stop. */
function progressBar(): (done: number, total: number | undefined) => void {
  let bar: InstanceType<typeof cliProgress.SingleBar> | undefined;
  return (done, total) => {
    if (done < 0) {
      bar?.stop();
      bar = undefined;
      return;
    }
    if (total === undefined || total < 10_000 || !process.stderr.isTTY) return;
    if (bar === undefined) {
      bar = new cliProgress.SingleBar({ format: 'entries [{bar}] {percentage}% | {value}/{total}', stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic);
      bar.start(total, 0);
    }
    bar.update(done);
  };
}
