/**
 * A configuration file that cannot be used, with every problem found in it listed at once
 * (STYLE: "every problem listed at once"). Each problem names its field path.
 */
export class ConfigFileError extends Error {
  readonly source: string;
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super(`Cannot use ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigFileError';
    this.source = source;
    this.problems = problems;
  }
}
