import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRecording, type RecordedFrame } from '../../../src/engine/replay/recordingFile';

/** The real Binance BTCUSDT session shipped in test/fixtures (see test/fixtures/NOTICE.md). */
export const RECORDING_FIXTURE = path.resolve(__dirname, '../../../../test/fixtures/binance-usdm-btcusdt-2024-08-08.txt.gz');

let cached: RecordedFrame[] | undefined;

/** Frames of the fixture recording; throws (failing the test) when the file is not there. */
export function fixtureFrames(): RecordedFrame[] {
  if (cached) return cached;
  if (!fs.existsSync(RECORDING_FIXTURE)) throw new Error(`the recording fixture is missing at ${RECORDING_FIXTURE}`);
  cached = readRecording(RECORDING_FIXTURE).frames;
  return cached;
}
