import type { MarketFeed } from '../live/marketFeed';
import type { FeedHealth } from '../live/feedHealth';
import type { CliIo } from './io';

/** Exit code when the exchange refuses for good (451, unknown symbol): the user must change something. */
export const EXIT_FAILED = 3;

export interface RunFeedOptions {
  /** Name for messages, e.g. 'watch'. */
  command: string;
  /** Stop after this long (0 or absent: until Ctrl+C). */
  durationMs?: number;
  /** Call `onTick` this often once the feed has started. */
  tickMs?: number;
  /** Returning false ends the command with exit code 1 (the reason is the caller's to print). */
  onTick?: () => void | boolean;
  /** Told once when the feed fails for good, before the command ends. */
  onFailed?: (health: FeedHealth) => void;
}

/**
 * Starts a feed (or several, e.g. one per recorded symbol) and runs until Ctrl+C (exit 0), the
 * duration ends (exit 0) or one fails for good (exit 3, the reason on stderr). Owns its timers and
 * stops every feed before resolving.
 */
export function runFeedUntilDone(feedOrFeeds: MarketFeed | readonly MarketFeed[], io: CliIo, options: RunFeedOptions): Promise<number> {
  const feeds: readonly MarketFeed[] = Array.isArray(feedOrFeeds) ? feedOrFeeds : [feedOrFeeds as MarketFeed];
  return new Promise<number>((resolve) => {
    let finished = false;
    let tickTimer: NodeJS.Timeout | undefined;
    let durationTimer: NodeJS.Timeout | undefined;
    const finish = (code: number): void => {
      if (finished) return;
      finished = true;
      if (tickTimer) clearTimeout(tickTimer);
      if (durationTimer) clearTimeout(durationTimer);
      io.signal.removeEventListener('abort', onAbort);
      void Promise.all(feeds.map((feed) => feed.stop())).then(() => resolve(code));
    };
    const onAbort = (): void => finish(0);
    io.signal.addEventListener('abort', onAbort, { once: true });
    if (options.durationMs) durationTimer = setTimeout(() => finish(0), options.durationMs);
    const tick = (): void => {
      tickTimer = undefined;
      if (finished) return;
      if (options.onTick?.() === false) {
        finish(1);
        return;
      }
      tickTimer = setTimeout(tick, options.tickMs);
    };
    for (const feed of feeds) {
      feed.onHealthChange((health) => {
        if (health.state !== 'failed' || finished) return;
        io.error(`flowsight ${options.command}: ${feeds.length > 1 ? `${health.symbol}: ` : ''}${health.reason}`);
        options.onFailed?.(health);
        finish(EXIT_FAILED);
      });
    }
    void Promise.all(feeds.map((feed) => feed.start())).then(() => {
      if (!finished && feeds.every((feed) => feed.state !== 'failed') && options.onTick && options.tickMs) tickTimer = setTimeout(tick, options.tickMs);
    });
  });
}
