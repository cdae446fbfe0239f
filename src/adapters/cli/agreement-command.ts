/**
 * `parley agreement`: a party's side of the broker's register of agreed zones (issue 5).
 *   propose --file P.json | amend --id ID --file P.json | withdraw --id ID | sign --id ID [--version N]
 *   show --id ID [--json] | list [--state S] [--json]; each with --broker URL --key FILE --party ID.
 * Every document is written and signed here, with the party's own key; before signing anything
 * the broker wrote (sign, amend, withdraw) it shows what the document says and asks, unless --yes.
 * Answers go to stdout as JSON (or text for show and list); summaries and questions to stderr.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_LIMITS } from '../../app/broker-context.js';
import { systemClock, type Clock } from '../../app/ports/clock.js';
import { isUuid } from '../../domain/ids.js';
import { normalProposal, readProposal, writeDocument, type AgreementDocument, type DocumentRules } from '../agreements/agreement-document.js';
import { signDocument } from '../agreements/agreement-signature.js';
import { agreementBroker, checkedDocument, type AgreementBroker, type AgreementWire, type VersionWire } from './agreement-broker.js';
import { agreementText, listLine, versionSummary } from './agreement-summary.js';
import { processOutput, type CliOutput } from './cli-output.js';
import { confirm, type PromptInput } from './confirm-prompt.js';
import { readPrivateKeyFile, type SigningJwk } from './key-file.js';
import { createTokenSigner } from './sign-token.js';

export interface AgreementIo {
  readonly output: CliOutput;
  readonly input: PromptInput;
  readonly clock: Clock;
}

interface BrokerOptions {
  broker: string;
  key: string;
  party: string;
}

/** Documents this CLI writes keep the broker's default area limit. */
const WRITE_RULES: DocumentRules = { maxAreaKm2: DEFAULT_LIMITS.maxAreaKm2 };
/** Documents the broker already holds passed its own limit, whatever it is configured to: not ours to judge. */
const READ_RULES: DocumentRules = { maxAreaKm2: Number.POSITIVE_INFINITY };
/** Each run makes its own token, for just as long as the run needs. */
const TOKEN_TTL_S = 120;

const defaultIo: AgreementIo = { output: processOutput, input: process.stdin, clock: systemClock };

export function agreementCommand(io: AgreementIo = defaultIo): Command {
  const agreement = new Command('agreement').description('propose, sign, amend, withdraw and read agreed zones on the broker');
  const json = (value: unknown) => io.output.stdout(`${JSON.stringify(value, null, 2)}\n`);

  withBroker(agreement.command('propose'))
    .description('propose a new agreement (version 1) from a proposal file, signed by you')
    .requiredOption('--file <file>', 'proposal: {"kind","title","volumes","applies_to","required_signers","effective":{"from","to"}}')
    .action(async (options: BrokerOptions & { file: string }) => {
      const terms = await readProposalFile(options.file);
      const document = fromFile(options.file, () => writeDocument(randomUUID(), 1, 'propose', terms, WRITE_RULES));
      const { broker, key } = await session(options, io);
      json(await broker.submit(await signDocument(document.text, key)));
    });

  withBroker(agreement.command('amend'))
    .description('propose new terms for an agreement (version latest + 1), signed by you')
    .requiredOption('--id <id>', 'agreement id', parseId)
    .requiredOption('--file <file>', 'the new terms, as for propose')
    .option('--yes', 'send without asking')
    .action(async (options: BrokerOptions & { id: string; file: string; yes?: boolean }) => {
      const terms = await readProposalFile(options.file);
      fromFile(options.file, () => readProposal(terms, 'proposal', WRITE_RULES)); // a bad file fails before any call
      const { broker, key } = await session(options, io);
      const agreement = await broker.get(options.id);
      const latest = latestOf(agreement);
      const document = fromFile(options.file, () => writeDocument(options.id, latest.version + 1, 'amend', terms, WRITE_RULES));
      await proposeVersion({ broker, key, party: options.party, latest, stewards: stewardsOf(agreement), document, yes: options.yes === true }, io, json);
    });

  withBroker(agreement.command('withdraw'))
    .description('propose to end an agreement (version latest + 1, repeating the latest terms), signed by you')
    .requiredOption('--id <id>', 'agreement id', parseId)
    .option('--yes', 'send without asking')
    .action(async (options: BrokerOptions & { id: string; yes?: boolean }) => {
      const { broker, key } = await session(options, io);
      const agreement = await broker.get(options.id);
      const latest = latestOf(agreement);
      const terms = normalProposal(checkedDocument(options.id, latest, READ_RULES).proposal);
      const document = writeDocument(options.id, latest.version + 1, 'withdraw', terms, READ_RULES);
      await proposeVersion({ broker, key, party: options.party, latest, stewards: stewardsOf(agreement), document, yes: options.yes === true }, io, json);
    });

  withBroker(agreement.command('sign'))
    .description('sign a version of an agreement (the latest unless --version), after reading what it says')
    .requiredOption('--id <id>', 'agreement id', parseId)
    .option('--version <n>', 'the version to sign (default the latest)', parseVersion)
    .option('--yes', 'sign without asking')
    .action(async (options: BrokerOptions & { id: string; version?: number; yes?: boolean }) => {
      const { broker, key } = await session(options, io);
      const agreement = await broker.get(options.id);
      const version = options.version === undefined ? latestOf(agreement) : agreement.versions.find((v) => v.version === options.version);
      if (version === undefined) throw new Error(`Cannot sign version ${options.version} of agreement ${options.id}: it has versions 1 to ${agreement.versions.length}`);
      const document = checkedDocument(options.id, version, READ_RULES);
      if (version.signatures.some((s) => s.party === options.party)) {
        throw new Error(`Cannot sign version ${version.version} of agreement ${options.id}: ${options.party} has signed it already`);
      }
      io.output.stderr(`Agreement ${options.id} is ${agreement.state}. Version ${version.version} says:\n`);
      io.output.stderr(versionSummary({ document, proposer: version.proposer, createdAt: version.created_at, quorum: version.quorum, signatures: version.signatures, party: options.party }));
      const latest = agreement.versions.at(-1)?.version;
      if (latest !== version.version) io.output.stderr(`  note: this is not the latest version (${latest})\n`);
      if (options.yes !== true) {
        const what = `version ${version.version} of agreement ${options.id}`;
        await confirm({ question: `Sign ${what}?`, refused: `Did not sign ${what}` }, io);
      }
      // The bytes exactly as the broker holds them: the signature must cover its very document.
      json(await broker.sign(options.id, await signDocument(version.document, key)));
    });

  withBroker(agreement.command('show'))
    .description('show an agreement: what stands, every version and who signed it')
    .requiredOption('--id <id>', 'agreement id', parseId)
    .option('--json', "the broker's answer as JSON")
    .action(async (options: BrokerOptions & { id: string; json?: boolean }) => {
      const { broker } = await session(options, io);
      const agreement = await broker.get(options.id);
      if (options.json === true) json(agreement);
      else io.output.stdout(agreementText(agreement));
    });

  withBroker(agreement.command('list'))
    .description('list the agreements: id, state, version in force, kind, title')
    .addOption(new Option('--state <state>', 'only agreements in this state').choices(['proposed', 'effective', 'withdrawn']))
    .option('--json', "the broker's answer as JSON")
    .action(async (options: BrokerOptions & { state?: string; json?: boolean }) => {
      const { broker } = await session(options, io);
      const answer = await broker.list(options.state);
      if (options.json === true) json(answer);
      else if (answer.agreements.length === 0) io.output.stdout('no agreements\n');
      else for (const a of answer.agreements) io.output.stdout(listLine(a));
    });
  return agreement;
}

/** Amend or withdraw: show the new version, ask, then sign and send it. */
async function proposeVersion(
  step: { broker: AgreementBroker; key: SigningJwk; party: string; latest: VersionWire; stewards: readonly string[]; document: AgreementDocument; yes: boolean },
  io: AgreementIo,
  json: (value: unknown) => void,
): Promise<void> {
  const { document, stewards } = step;
  if (!stewards.includes(step.party)) {
    throw new Error(`Cannot ${document.action} agreement ${document.agreementId} as ${step.party}: only a party of the quorum in force (${stewards.join(', ')}) may`);
  }
  // What the broker will need (domain/agreements/quorum.ts): the new terms' signers and the quorum in force.
  const quorum = [...new Set([...stewards, ...document.proposal.requiredSigners])].sort();
  io.output.stderr(`You (${step.party}) propose version ${document.version} of agreement ${document.agreementId}:\n`);
  io.output.stderr(versionSummary({ document, quorum, signatures: [], party: step.party }));
  if (!step.yes) {
    const what = document.action === 'withdraw' ? `the withdrawal of agreement ${document.agreementId}` : `amendment ${document.version} of agreement ${document.agreementId}`;
    await confirm({ question: `Sign and send ${what}?`, refused: `Did not send ${what}` }, io);
  }
  json(await step.broker.submit(await signDocument(document.text, step.key)));
}

function withBroker(command: Command): Command {
  return command
    .requiredOption('--broker <url>', 'broker base URL, e.g. http://127.0.0.1:8080')
    .requiredOption('--key <file>', "your party's private JWK (parley keygen): signs documents and the token")
    .requiredOption('--party <id>', 'your party id');
}

/** The broker client, authenticated as the party with a short-lived token of its own key. */
async function session(options: BrokerOptions, io: AgreementIo): Promise<{ broker: AgreementBroker; key: SigningJwk }> {
  let url: URL;
  try {
    url = new URL(options.broker);
  } catch {
    throw new Error(`Cannot use --broker "${options.broker}": it is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Cannot use --broker "${options.broker}": it must be http:// or https://`);
  const key = await readPrivateKeyFile(options.key);
  const token = await (await createTokenSigner(key))({ sub: options.party, scope: '', aud: url.hostname, ttlS: TOKEN_TTL_S }, { nowMs: io.clock.nowMs() });
  return { broker: agreementBroker(url, token), key };
}

function latestOf(agreement: AgreementWire): VersionWire {
  const latest = agreement.versions.at(-1);
  if (latest === undefined) throw new Error(`Agreement ${agreement.id} has no versions`);
  return latest;
}

async function readProposalFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read proposal file "${path}": ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`Cannot read proposal file "${path}": not valid JSON (${(error as Error).message})`);
  }
}

/** Runs a check of the file's terms; its invalid_input (naming the field) becomes the CLI's error. */
function fromFile<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new Error(`Cannot use proposal file "${path}": ${(error as Error).message}`);
  }
}

function parseId(value: string): string {
  if (!isUuid(value)) throw new InvalidArgumentError('must be an agreement id (a UUID)');
  return value;
}

function parseVersion(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return n;
}

/** Who may put forward a version, and whose signatures it will need besides its own signers: the quorum of the version in force, else of version 1. */
function stewardsOf(agreement: AgreementWire): string[] {
  const inForce = agreement.versions.find((v) => v.version === (agreement.version_in_force ?? 1));
  return [...(inForce?.quorum ?? [])];
}
