/**
 * `parley keygen --out FILE [--alg EdDSA|ES256|RS256] [--force]`: writes a private JWK
 * (mode 0600) and prints the public JWK, ready for the parties file.
 */
import { Command, Option } from 'commander';
import { TOKEN_ALGORITHMS, type TokenAlgorithm } from '../../config/verification-key.js';
import { processOutput, type CliOutput } from './cli-output.js';
import { generateKeyFile } from './key-file.js';

export function keygenCommand(output: CliOutput = processOutput): Command {
  return new Command('keygen')
    .description('generate a signing key: private JWK to FILE (mode 0600), public JWK to stdout')
    .requiredOption('--out <file>', 'where to write the private JWK')
    .addOption(new Option('--alg <alg>', 'signature algorithm').choices(TOKEN_ALGORITHMS).default('EdDSA'))
    .option('--force', 'replace FILE if it exists', false)
    .action(async (options: { out: string; alg: TokenAlgorithm; force: boolean }) => {
      const { publicJwk } = await generateKeyFile(options.out, options.alg, { force: options.force });
      output.stdout(`${JSON.stringify(publicJwk, null, 2)}\n`);
      output.stderr(`Private key written to ${options.out} (mode 0600); put the public JWK above in the parties file.\n`);
    });
}
