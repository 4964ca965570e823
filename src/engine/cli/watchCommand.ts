import { MarketFeed } from '../live/marketFeed';
import type { FeedHealth } from '../live/feedHealth';
import { flag, intOption, parseArgs } from './args';
import { FEED_VALUE_OPTIONS, feedOptions } from './feedOptions';
import type { CliIo } from './io';
import { runFeedUntilDone } from './runFeed';
import { renderLadder } from './ladderText';

export const WATCH_USAGE =
  'flowsight watch SYMBOL [--ws-url URL] [--rest-url URL] [--depth full|depth20] [--levels N] [--interval MS] [--stale-after MS] [--json]';

export async function watchCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [...FEED_VALUE_OPTIONS, 'levels', 'interval'], ['json']);
  const options = feedOptions(args, WATCH_USAGE);
  const levels = intOption(args, 'levels', 20, 1, 1000);
  const intervalMs = intOption(args, 'interval', 1000, 50, 3_600_000);
  const json = flag(args, 'json');

  const feed = new MarketFeed({
    ...options,
    log: (level, message) => {
      if (level !== 'info' || !json) io.error(`${level}: ${message}`);
    },
  });

  const print = (): void => {
    const engine = feed.engine;
    const health = feed.health();
    if (engine) {
      const line = engine.bookLine(levels);
      if (json) io.out(JSON.stringify(line));
      else io.out(`${io.isTty ? '\x1b[H\x1b[2J' : ''}${renderLadder(line, engine.book.tickSize, io.isTty)}\n${summaryLine(health)}\n`);
    }
    if (json) io.out(JSON.stringify({ type: 'health', ...health }));
  };
  const offSignals = json ? feed.bus.subscribe('signal', (signal) => io.out(JSON.stringify(signal))) : undefined;
  try {
    return await runFeedUntilDone(feed, io, {
      command: 'watch',
      tickMs: intervalMs,
      onTick: print,
      onFailed: (health) => {
        if (json) io.out(JSON.stringify({ type: 'health', ...health }));
      },
    });
  } finally {
    offSignals?.();
  }
}

function summaryLine(h: FeedHealth): string {
  const latency = h.metrics.exchangeLatencyMs;
  return `${h.state.toUpperCase()} — ${h.reason} | ${h.metrics.messagesPerSecond.toFixed(0)} msg/s, latency p50 ${latency.p50.toFixed(1)} ms p99 ${latency.p99.toFixed(1)} ms | reconnects ${h.counters.reconnects}, resyncs ${h.counters.resyncs}, gaps ${h.counters.gaps}, malformed ${h.counters.malformed}`;
}
