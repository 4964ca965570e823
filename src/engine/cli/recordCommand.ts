import { MarketRecorder } from '../replay/marketRecorder';
import { intOption, parseArgs, stringOption, UsageError } from './args';
import { FEED_VALUE_OPTIONS, feedOptions } from './feedOptions';
import type { CliIo } from './io';
import { runFeedUntilDone } from './runFeed';

export const RECORD_USAGE =
  'flowsight record SYMBOL[,SYMBOL…] (--out FILE[.gz] | --out-dir DIR [--rotate daily]) [--ws-url URL] [--rest-url URL] [--depth full|depth20] [--duration S]';

/** Each symbol has its own connections and file; Binance allows 300 connections per 5 minutes per IP. */
const MAX_SYMBOLS = 20;
const ERROR_CHECK_MS = 1000;

/**
 * Records raw frames and the snapshots the book fetched in hftbacktest's raw Binance-futures format,
 * which its converter (`hftbacktest.data.utils.binancefutures.convert`) and `replay` both read.
 * Ctrl+C or SIGTERM ends every file cleanly; a killed recorder still leaves whole gzip files (complete
 * members, see RecordingWriter) that lose only the last second.
 */
export async function recordCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [...FEED_VALUE_OPTIONS, 'out', 'out-dir', 'rotate', 'duration'], []);
  const options = feedOptions(args, RECORD_USAGE);
  const symbols = symbolList(options.symbol);
  const out = stringOption(args, 'out');
  const outDir = stringOption(args, 'out-dir');
  const rotate = stringOption(args, 'rotate');
  if ((out === undefined) === (outDir === undefined)) throw new UsageError(`give either --out FILE or --out-dir DIR\nusage: ${RECORD_USAGE}`);
  if (out !== undefined && symbols.length > 1) throw new UsageError(`--out holds one symbol; record ${symbols.join(', ')} with --out-dir DIR (one file each)`);
  if (rotate !== undefined && rotate !== 'daily') throw new UsageError(`--rotate takes 'daily', got '${rotate}'`);
  if (rotate !== undefined && outDir === undefined) throw new UsageError('--rotate daily needs --out-dir DIR (files are named <symbol>_<YYYYMMDD>.gz)');
  const durationS = intOption(args, 'duration', 0, 0, 7 * 24 * 3600);

  const recorder = new MarketRecorder({
    symbols,
    output: out !== undefined ? { file: out } : { dir: outDir!, rotateDaily: rotate === 'daily' },
    feed: {
      streamUrl: options.streamUrl,
      restUrl: options.restUrl,
      depthMode: options.depthMode,
      staleAfterMs: options.staleAfterMs,
      log: (level, message) => io.error(`${level}: ${message}`),
    },
  });
  try {
    await recorder.opened();
  } catch (err) {
    await recorder.discard();
    io.error(`flowsight record: cannot start recording: ${(err as Error).message}. Choose another --out or --out-dir, or move the existing file away.`);
    return 1;
  }

  io.error(`recording ${symbols.join(', ')} to ${recorder.files.join(', ')}${durationS > 0 ? ` for ${durationS} s` : ' until Ctrl+C'}`);
  let writeError: Error | undefined;
  const code = await runFeedUntilDone(recorder.feeds, io, {
    command: 'record',
    durationMs: durationS * 1000,
    tickMs: ERROR_CHECK_MS,
    // A file that cannot be written ends the recording: going on would only pretend to record.
    onTick: () => {
      writeError ??= recorder.error;
      return writeError === undefined;
    },
  });
  let closeError: Error | undefined;
  await recorder.close().catch((err: Error) => void (closeError = err));
  const failure = writeError ?? closeError;
  if (failure) {
    io.error(`flowsight record: writing the recording failed: ${failure.message}. Frames received after that are lost; check the disk and the folder.`);
    return 1;
  }
  io.error(`wrote ${recorder.framesWritten} frames to ${recorder.files.join(', ')}`);
  return code;
}

/** `BTCUSDT,ethusdt` → ['BTCUSDT', 'ETHUSDT'], each checked, no repeats. */
function symbolList(text: string): string[] {
  const symbols = [...new Set(text.split(',').map((s) => s.trim().toUpperCase()))];
  for (const symbol of symbols) {
    if (!/^[A-Z0-9]{2,30}$/.test(symbol)) throw new UsageError(`'${symbol}' is not a symbol such as BTCUSDT (letters and digits, comma-separated for several)`);
  }
  if (symbols.length > MAX_SYMBOLS) throw new UsageError(`at most ${MAX_SYMBOLS} symbols in one run, got ${symbols.length}`);
  return symbols;
}
