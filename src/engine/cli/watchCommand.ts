import { MarketFeed } from '../live/marketFeed';
import type { FeedHealth } from '../live/feedHealth';
import { flag, intOption, parseArgs } from './args';
import { FEED_VALUE_OPTIONS, feedOptions } from './feedOptions';
import type { CliIo } from './io';
import { renderLadder } from './ladderText';

export const WATCH_USAGE =
  'flowsight watch SYMBOL [--ws-url URL] [--rest-url URL] [--depth full|depth20] [--levels N] [--interval MS] [--stale-after MS] [--json]';

/** Exit code when the exchange refuses for good (451, unknown symbol): the user must change something. */
const EXIT_FAILED = 3;

export async function watchCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, [...FEED_VALUE_OPTIONS, 'levels', 'interval'], ['json']);
  const options = feedOptions(args, WATCH_USAGE);
  const levels = intOption(args, 'levels', 20, 1, 1000);
  const intervalMs = intOption(args, 'interval', 1000, 50, 3_600_000);
  const json = flag(args, 'json');

  const feed = new MarketFeed({
    symbol: options.symbol,
    streamUrl: options.streamUrl,
    restUrl: options.restUrl,
    depthMode: options.depthMode,
    staleAfterMs: options.staleAfterMs,
    log: (level, message) => {
      if (level !== 'info' || !json) io.error(`${level}: ${message}`);
    },
  });

  return new Promise<number>((resolve) => {
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      io.signal.removeEventListener('abort', onAbort);
      void feed.stop().then(() => resolve(code));
    };
    const onAbort = (): void => finish(0);
    io.signal.addEventListener('abort', onAbort, { once: true });

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
    const tick = (): void => {
      timer = undefined;
      if (finished) return;
      print();
      timer = setTimeout(tick, intervalMs);
    };

    if (json) {
      const offSignals = feed.bus.subscribe('signal', (signal) => io.out(JSON.stringify(signal)));
      io.signal.addEventListener('abort', offSignals, { once: true });
    }
    feed.onHealthChange((health) => {
      if (health.state !== 'failed' || finished) return;
      io.error(`flowsight watch: ${health.reason}`);
      if (json) io.out(JSON.stringify({ type: 'health', ...health }));
      finish(EXIT_FAILED);
    });
    void feed.start().then(() => {
      if (!finished && feed.state !== 'failed') timer = setTimeout(tick, intervalMs);
    });
  });
}

function summaryLine(h: FeedHealth): string {
  const latency = h.metrics.exchangeLatencyMs;
  return `${h.state.toUpperCase()} — ${h.reason} | ${h.metrics.messagesPerSecond.toFixed(0)} msg/s, latency p50 ${latency.p50.toFixed(1)} ms p99 ${latency.p99.toFixed(1)} ms | reconnects ${h.counters.reconnects}, resyncs ${h.counters.resyncs}, gaps ${h.counters.gaps}, malformed ${h.counters.malformed}`;
}
