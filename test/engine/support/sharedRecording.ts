import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRecording, type RecordedFrame } from '../../../src/engine/replay/recordingFile';

/**
 * The real Binance session in ../shared/data beside the repository (never copied into it);
 * FLOWSIGHT_SHARED_DATA points elsewhere when the checkout lives somewhere else.
 */
export const SHARED_RECORDING = path.join(
  process.env.FLOWSIGHT_SHARED_DATA ?? path.resolve(__dirname, '../../../../../shared/data'),
  'binance-usdm-btcusdt-2024-08-08.txt.gz',
);

let cached: RecordedFrame[] | undefined;

/** Frames of the shared recording; throws (failing the test) when the file is not there. */
export function sharedFrames(): RecordedFrame[] {
  if (cached) return cached;
  if (!fs.existsSync(SHARED_RECORDING)) {
    throw new Error(`the shared recording is missing at ${SHARED_RECORDING}; these tests need ../shared/data`);
  }
  cached = readRecording(SHARED_RECORDING).frames;
  return cached;
}
