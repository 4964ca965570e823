import * as fs from 'node:fs';
import * as path from 'node:path';
import { RecordingReader, type RecordedFrame, type RecordingReadReport } from '../../../src/engine/replay/recordingReader';

/** The real Binance BTCUSDT session shipped in test/fixtures (see test/fixtures/NOTICE.md). */
export const RECORDING_FIXTURE = path.resolve(__dirname, '../../../../test/fixtures/binance-usdm-btcusdt-2024-08-08.txt.gz');

let cached: RecordedFrame[] | undefined;

/** Every frame of a recording, through the streaming reader (for tests that compare whole files). */
export async function readAllFrames(file: string): Promise<{ frames: RecordedFrame[]; report: RecordingReadReport }> {
  const reader = await RecordingReader.open(file);
  const frames: RecordedFrame[] = [];
  for (let batch = await reader.read(); batch.length > 0; batch = await reader.read()) frames.push(...batch);
  return { frames, report: reader.report };
}

// A root hook, registered when a test file imports this module: the fixture is streamed in once,
// before any test runs, so tests take its frames synchronously and every later use is free.
before(async function () {
  this.timeout(60_000);
  if (cached === undefined && fs.existsSync(RECORDING_FIXTURE)) cached = (await readAllFrames(RECORDING_FIXTURE)).frames;
});

/** Frames of the fixture recording; throws (failing the test) when the file is not there. */
export function fixtureFrames(): RecordedFrame[] {
  if (cached === undefined) throw new Error(`the recording fixture is missing at ${RECORDING_FIXTURE}`);
  return cached;
}
