import { replayCommand, REPLAY_USAGE } from './replayCommand';
import { watchCommand, WATCH_USAGE } from './watchCommand';
import { recordCommand, RECORD_USAGE } from './recordCommand';
import { exchangeCommand, EXCHANGE_USAGE } from './exchangeCommand';
import { UsageError } from './args';
import { plainText } from '../core/untrustedText';
import { processIo, type CliIo } from './io';

const USAGE = `FlowSight — Binance USDⓈ-M futures order book, headless

usage:
  ${REPLAY_USAGE}
  ${WATCH_USAGE}
  ${RECORD_USAGE}
  ${EXCHANGE_USAGE}

Recordings are hftbacktest's raw Binance-futures format: '<local receive time, ns since the epoch> <json>' lines
(combined-stream envelopes as received and REST depth snapshot bodies), plain or .gz.`;

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  replay: replayCommand,
  watch: watchCommand,
  record: recordCommand,
  exchange: exchangeCommand,
};

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.error(`unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.error(`flowsight ${name}: ${err.message}`);
      return 2;
    }
    io.error(`flowsight ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}

if (require.main === module) {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  runCli(process.argv.slice(2), processIo(controller.signal)).then(
    (code) => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${plainText(String(err))}\n`);
      process.exitCode = 1;
    },
  );
}
