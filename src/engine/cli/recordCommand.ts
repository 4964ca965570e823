import { MarketFeed } from '../live/marketFeed';
import { RecordingWriter } from '../replay/recordingFile';
import { intOption, parseArgs, stringOption, UsageError } from './args';
import { FEED_VALUE_OPTIONS, feedOptions } from './feedOptions';
import type { CliIo } from './io';
import { runFeedUntilDone } from './runFeed';

export const RECORD_USAGE =
  'flowsight record SYMBOL --out FILE[.gz] [--ws-url URL] [--rest-url URL] [--depth full|depth20] [--duration S]';

/**
 * Records raw frames and the snapshots the book fetched, in hftbacktest's raw format (see test/fixtures), so that `replay`
 * reads them back and rebuilds the same book.
 */
export async function recordCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [...FEED_VALUE_OPTIONS, 'out', 'duration'], []);
  const options = feedOptions(args, RECORD_USAGE);
  const out = stringOption(args, 'out');
  if (out === undefined) throw new UsageError(`--out is required\nusage: ${RECORD_USAGE}`);
  const durationS = intOption(args, 'duration', 0, 0, 7 * 24 * 3600);

  const writer = new RecordingWriter(out);
  const feed = new MarketFeed({
    ...options,
    log: (level, message) => io.error(`${level}: ${message}`),
    tap: {
      frame: (text, receiveMs) => writer.write(receiveMs, text),
      snapshot: (body, receiveMs) => writer.write(receiveMs, body),
    },
  });

  io.error(`recording ${options.symbol} to ${out}${durationS > 0 ? ` for ${durationS} s` : ' until Ctrl+C'}`);
  const code = await runFeedUntilDone(feed, io, { command: 'record', durationMs: durationS * 1000 });
  await writer.close();
  io.error(`wrote ${writer.framesWritten} frames to ${out}`);
  return code;
}
