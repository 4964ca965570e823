import { LocalExchange, type FaultConfig, type LocalExchangeOptions } from '../exchange/localExchange';
import { flag, intOption, parseArgs, stringOption, UsageError, type ParsedArgs } from './args';
import type { CliIo } from './io';

export const EXCHANGE_USAGE =
  'flowsight exchange [--port P] [--symbols A,B] [--seed N] [--replay FILE --speed N] [--drop-every N] [--gap-every N] ' +
  '[--malformed-every N] [--stall] [--rest-status 429|418|451|500|403] [--rest-delay MS] [--ws-reject 451|403]';

const REST_STATUSES = [403, 418, 429, 451, 500] as const;

/**
 * Runs the local Binance-compatible exchange until Ctrl+C: a synthetic market (or a recording
 * replayed as one) with optional faults, for the extension's demo mode and for trying clients by hand.
 */
export async function exchangeCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(
    argv,
    ['port', 'symbols', 'seed', 'replay', 'speed', 'drop-every', 'gap-every', 'malformed-every', 'rest-status', 'rest-delay', 'ws-reject'],
    ['stall'],
  );
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}'\nusage: ${EXCHANGE_USAGE}`);
  const options = exchangeOptions(args);

  let exchange: LocalExchange;
  try {
    exchange = await LocalExchange.start(options);
  } catch (err) {
    io.error(`cannot start the exchange: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const symbols = exchange.symbols();
  const market =
    options.market?.kind === 'replay'
      ? `replay of ${options.market.file} at ${options.market.speed}x`
      : `synthetic, seed ${options.seed ?? 1}`;
  const example = `${exchange.wsUrl}/public/stream?streams=${symbols[0].toLowerCase()}@depth@100ms/${symbols[0].toLowerCase()}@bookTicker`;
  io.out(`FlowSight local exchange — ${market}: ${symbols.join(', ')}`);
  io.out(`  WebSocket  ${exchange.wsUrl}  (/public/... book data, /market/... trades, mark price, liquidations)`);
  io.out(`  REST       ${exchange.restUrl}  (/fapi/v1/ping, time, exchangeInfo, depth)`);
  io.out(`  example    ${example}`);
  io.out(`  faults     ${describeFaults(options.faults ?? {})}`);
  io.out('Press Ctrl+C to stop.');

  await new Promise<void>((resolve) => {
    if (io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const stats = exchange.stats();
  await exchange.stop();
  const faults = Object.entries(stats.faultsInjected).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none';
  io.out(
    `stopped: ${stats.connectionsOpened} connections, ${stats.dataMessagesSent} data messages, ` +
      `${stats.restRequests} REST requests, faults injected: ${faults}`,
  );
  return 0;
}

function exchangeOptions(args: ParsedArgs): LocalExchangeOptions {
  const options: LocalExchangeOptions = { port: intOption(args, 'port', 0, 0, 65535) };
  const replay = stringOption(args, 'replay');
  const speedText = stringOption(args, 'speed');
  if (replay !== undefined) {
    const speed = speedText === undefined ? 1 : Number(speedText);
    if (!(speed > 0 && Number.isFinite(speed))) throw new UsageError(`--speed must be a positive number, got '${speedText}'`);
    if (stringOption(args, 'symbols') !== undefined || stringOption(args, 'seed') !== undefined) {
      throw new UsageError('--symbols and --seed are for the synthetic market; a replay serves the recording\'s symbol');
    }
    options.market = { kind: 'replay', file: replay, speed };
  } else {
    if (speedText !== undefined) throw new UsageError('--speed needs --replay FILE');
    const symbols = stringOption(args, 'symbols');
    if (symbols !== undefined) {
      options.symbols = symbols.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '');
      const bad = options.symbols.find((s) => !/^[A-Z0-9]{2,20}$/.test(s));
      if (options.symbols.length === 0 || bad !== undefined) throw new UsageError(`--symbols takes names like BTCUSDT,ETHUSDT, got '${symbols}'`);
    }
    options.seed = intOption(args, 'seed', 1, 0, 2 ** 32 - 1);
  }

  const faults: FaultConfig = {};
  const every = (name: string): number | undefined => (stringOption(args, name) === undefined ? undefined : intOption(args, name, 1, 1, 1_000_000_000));
  faults.dropEveryNMessages = every('drop-every');
  faults.gapEveryNDiffs = every('gap-every');
  faults.malformedEveryNMessages = every('malformed-every');
  if (flag(args, 'stall')) faults.stall = true;
  const restStatus = stringOption(args, 'rest-status');
  if (restStatus !== undefined) {
    const status = REST_STATUSES.find((s) => String(s) === restStatus);
    if (status === undefined) throw new UsageError(`--rest-status must be one of ${REST_STATUSES.join(', ')}, got '${restStatus}'`);
    faults.restStatus = { status };
  }
  if (stringOption(args, 'rest-delay') !== undefined) faults.restDelayMs = intOption(args, 'rest-delay', 0, 0, 600_000);
  const wsReject = stringOption(args, 'ws-reject');
  if (wsReject !== undefined) {
    if (wsReject !== '451' && wsReject !== '403') throw new UsageError(`--ws-reject must be 451 or 403, got '${wsReject}'`);
    faults.wsRejectStatus = wsReject === '451' ? 451 : 403;
  }
  options.faults = Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)) as FaultConfig;
  return options;
}

function describeFaults(faults: FaultConfig): string {
  const parts: string[] = [];
  if (faults.dropEveryNMessages !== undefined) parts.push(`drop every ${faults.dropEveryNMessages} messages`);
  if (faults.gapEveryNDiffs !== undefined) parts.push(`gap every ${faults.gapEveryNDiffs} diffs`);
  if (faults.malformedEveryNMessages !== undefined) parts.push(`garbage every ${faults.malformedEveryNMessages} messages`);
  if (faults.stall === true) parts.push('stalled sockets');
  if (faults.restStatus !== undefined) parts.push(`REST answers ${faults.restStatus.status}`);
  if (faults.restDelayMs !== undefined) parts.push(`REST delayed ${faults.restDelayMs} ms`);
  if (faults.wsRejectStatus !== undefined) parts.push(`WebSocket upgrades refused with ${faults.wsRejectStatus}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}
