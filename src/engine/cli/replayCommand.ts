import { describeReadProblems, RecordingReader, type RecordedFrame } from '../replay/recordingReader';
import { runReplay } from '../replay/replaySession';
import { inferTickSize, knownTickSize } from '../config/knownSymbols';
import { symbolOfStream } from '../protocol/streams';
import { flag, intOption, parseArgs, stringOption, UsageError } from './args';
import { renderLadder } from './ladderText';
import type { CliIo } from './io';

export const REPLAY_USAGE =
  'flowsight replay FILE [--symbol S] [--speed max|N] [--depth full|depth20] [--levels N] [--interval MS] [--tick-size T] [--json]';

/** Frames looked at to tell the symbol and tick size before playing. */
const HEAD_FRAMES = 1000;

export async function replayCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['symbol', 'speed', 'depth', 'levels', 'interval', 'tick-size'], ['json']);
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length > 1) throw new UsageError(`usage: ${REPLAY_USAGE}`);
  const speedText = stringOption(args, 'speed') ?? 'max';
  const speed = speedText === 'max' ? 'max' : Number(speedText);
  if (speed !== 'max' && !(speed > 0 && Number.isFinite(speed))) throw new UsageError(`--speed must be 'max' or a positive number, got '${speedText}'`);
  const depth = stringOption(args, 'depth') ?? 'full';
  if (depth !== 'full' && depth !== 'depth20') throw new UsageError(`--depth must be 'full' or 'depth20', got '${depth}'`);
  const levels = intOption(args, 'levels', 20, 1, 5000);
  const intervalMs = intOption(args, 'interval', 1000, 10, 3_600_000);
  const json = flag(args, 'json');

  let reader: RecordingReader;
  try {
    reader = await RecordingReader.open(file);
  } catch (err) {
    io.error(`cannot read recording ${file}: ${(err as Error).message}`);
    return 2;
  }
  try {
    const head = await reader.peek(HEAD_FRAMES);
    const symbol = (stringOption(args, 'symbol') ?? symbolInRecording(head) ?? '').toUpperCase();
    if (symbol === '') {
      for (const line of describeReadProblems(reader.report, file)) io.error(line);
      io.error(`${file}: no stream names found to tell the symbol; pass --symbol`);
      return 2;
    }
    const tickSize = tickSizeFor(symbol, stringOption(args, 'tick-size'), head);

    const summary = await runReplay({
      reader,
      symbol,
      tickSize,
      depthMode: depth,
      speed,
      levels,
      intervalMs,
      signal: io.signal,
      onBook: (line) => {
        if (json) io.out(JSON.stringify(line));
        else io.out(`${io.isTty && speed !== 'max' ? '\x1b[H\x1b[2J' : ''}${renderLadder(line, tickSize, io.isTty)}\n`);
      },
    });
    const report = reader.report;
    for (const line of describeReadProblems(report, file)) io.error(line);
    const malformed = summary.malformed + report.damaged;
    if (json) {
      io.out(JSON.stringify({ ...summary, malformed, damagedLines: report.damaged, endedEarly: report.endedEarly ?? null }));
    } else {
      io.out(
        `${summary.messages} messages in ${summary.elapsedMs.toFixed(1)} ms of processing (${summary.messagesPerSecond.toLocaleString('en-US')} msg/s); ` +
          `gaps ${summary.gaps}, resyncs ${summary.resyncs}, malformed ${malformed}, snapshots ${summary.snapshotsApplied}/${summary.snapshotsRequested}` +
          (report.endedEarly !== undefined ? `; ${report.endedEarly}` : ''),
      );
    }
  } finally {
    reader.close();
  }
  return 0;
}

function symbolInRecording(frames: readonly RecordedFrame[]): string | undefined {
  for (let i = 0; i < frames.length; i++) {
    const match = /^\s*\{\s*"stream"\s*:\s*"([^"@]+)@/.exec(frames[i].text);
    if (match) return symbolOfStream(match[1]);
  }
  return undefined;
}

function tickSizeFor(symbol: string, explicit: string | undefined, frames: readonly RecordedFrame[]): number {
  if (explicit !== undefined) {
    const tick = Number(explicit);
    if (!(tick > 0 && Number.isFinite(tick))) throw new UsageError(`--tick-size must be a positive number, got '${explicit}'`);
    return tick;
  }
  return knownTickSize(symbol) ?? inferTickSize(frames.slice(0, 500).map((f) => f.text)) ?? 0.00000001;
}
