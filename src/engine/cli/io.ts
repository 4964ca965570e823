/** Where a CLI command writes; injected so commands run the same in a terminal and in tests. */
export interface CliIo {
  out(line: string): void;
  error(line: string): void;
  readonly isTty: boolean;
  /** Aborted on Ctrl+C so a command can stop cleanly and still print its summary. */
  readonly signal: AbortSignal;
}
