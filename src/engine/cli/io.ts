import { plainText, terminalText } from '../core/untrustedText';

/** Where a CLI command writes; injected so commands run the same in a terminal and in tests. */
export interface CliIo {
  out(line: string): void;
  error(line: string): void;
  readonly isTty: boolean;
  /** Aborted on Ctrl+C so a command can stop cleanly and still print its summary. */
  readonly signal: AbortSignal;
}

/**
 * The process's stdout and stderr. Lines carry text a server chose (reasons, error bodies), so no
 * escape sequence or control character of theirs reaches the terminal; only FlowSight's own
 * colours and screen clearing on an interactive stdout survive.
 */
export function processIo(signal: AbortSignal): CliIo {
  const isTty = process.stdout.isTTY === true;
  return {
    out: (line) => process.stdout.write(`${isTty ? terminalText(line) : plainText(line)}\n`),
    error: (line) => process.stderr.write(`${plainText(line)}\n`),
    isTty,
    signal,
  };
}
