import type { ExportContext } from '../../../src/contract/destination.js';
import { HttpStatusError } from '../../../src/net/http-errors.js';
import { DATA_KINDS } from '../../../src/domain/vocabulary.js';
import type { DataKind, EnergyDirection } from '../../../src/domain/vocabulary.js';
import { addDays } from '../../../src/domain/paris-time.js';
import { NO_CONFIGURED_PRICES } from '../../../src/domain/offer-prices.js';
import type {
  ChangedDay,
  DailyRow,
  DateRange,
  DetailedRow,
  EcowattDay,
  Pdl,
  QueryLayer,
  TempoDay,
} from '../../../src/query/types.js';
import type {
  BackfillSchema,
  Labels,
  LineFormat,
  TimeSeriesWriter,
} from '../../../src/engines/timeseries-backfill/writer.js';

export const PDL_ID = '11111111111111';

/** The database a pass reads: one PDL's consumption, Tempo and EcoWatt days, all editable by the test. */
export interface MemoryData {
  daily: DailyRow[];
  detailed: DetailedRow[];
  tempo: TempoDay[];
  ecowatt: EcowattDay[];
  /** What `changeCursor` answers: the database clock when a pass starts. */
  clock: Date;
}

/** `days` days from `first`, each with its daily value and 48 half-hours, written at `writtenAt`. */
export function memoryData(first: string, days: number, writtenAt: Date): MemoryData {
  const data: MemoryData = { daily: [], detailed: [], tempo: [], ecowatt: [], clock: writtenAt };
  for (let index = 0; index < days; index++) {
    const date = addDays(first, index);
    data.daily.push({ date, value: 1000 + index, updatedAt: writtenAt });
    for (let slot = 0; slot < 48; slot++) {
      const intervalStart = `${String(Math.floor(slot / 2)).padStart(2, '0')}:${slot % 2 ? '30' : '00'}`;
      data.detailed.push({ date, intervalStart, value: 100 + slot, rawData: {}, updatedAt: writtenAt });
    }
  }
  return data;
}

const within = (date: string, range: DateRange | undefined) =>
  (range?.from === undefined || date >= range.from) && (range?.to === undefined || date <= range.to);

/** The query layer over `data`, consumption only (production rows are asked for only when a PDL has them). */
export function memoryQuery(data: MemoryData): QueryLayer {
  const pdl: Pdl = {
    usagePointId: PDL_ID,
    name: null,
    pricingOption: null,
    offpeakHours: null,
    hasConsumption: true,
    hasProduction: false,
    isActive: true,
    selectedOfferId: null,
  };
  const daily = (range?: DateRange) => data.daily.filter((row) => within(row.date, range));
  const changedDays = async (_direction: EnergyDirection, _id: string, since: Date) => {
    const latest = new Map<string, number>();
    for (const row of [...data.daily, ...data.detailed]) {
      if (!row.updatedAt || row.updatedAt <= since) continue;
      latest.set(row.date, Math.max(latest.get(row.date) ?? 0, row.updatedAt.getTime() * 1000));
    }
    return [...latest]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([date, updatedUs]): ChangedDay => ({ date, updatedUs }));
  };
  return {
    listPdls: async () => [pdl],
    offerPriceHistory: async () => null,
    tempoDaysChangedSince: async () => [],
    duplicateDailyRows: async () => 0,
    dailyRows: async (_direction: EnergyDirection, _id: string, range?: DateRange) => daily(range),
    async *detailedPages(_direction, _id, range, pageSize = 1000) {
      const rows = data.detailed.filter((row) => within(row.date, range));
      for (let at = 0; at < rows.length; at += pageSize) yield rows.slice(at, at + pageSize);
    },
    monthlyTotals: async (_direction, _id, range) => {
      const totals = new Map<string, { month: string; wh: number; days: number }>();
      for (const row of daily(range)) {
        const month = row.date.slice(0, 7);
        const total = totals.get(month) ?? { month, wh: 0, days: 0 };
        total.wh += row.value ?? 0;
        total.days += 1;
        totals.set(month, total);
      }
      return [...totals.values()];
    },
    changedDates: async (direction, id, since) =>
      (await changedDays(direction, id, since)).map((day) => day.date),
    changedDays,
    changeCursor: async () => data.clock,
    writeCounts: async () => null,
    tempoDays: async () => data.tempo,
    ecowattDays: async () => data.ecowatt,
  };
}

/** A stored sample as the test reads it back. */
export interface Delivered {
  series: string;
  value: number;
  timestampMs: number;
}

/** Lines `<metric>[.<field>]<labels as JSON>|<value> <timestamp>`: simple to read back, unlike any real format. */
export const TEST_FORMAT: LineFormat = {
  seriesPrefix: (metric: string, labels: Labels, field?: string) => {
    if (metric.includes('|')) throw new RangeError(`metric ${metric} has a |`);
    return `${metric}${field === undefined ? '' : `.${field}`}${JSON.stringify(labels)}|`;
  },
  minTimestampMs: 0,
  formatValue: (value) => {
    if (!Number.isFinite(value)) throw new RangeError(`value ${value} is not finite`);
    return String(value);
  },
  formatTimestamp: (timestampMs) => {
    if (!Number.isSafeInteger(timestampMs) || timestampMs < 0)
      throw new RangeError(`bad time ${timestampMs}`);
    return String(timestampMs);
  },
};

function readLines(body: string): Delivered[] {
  return body
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const bar = line.lastIndexOf('|');
      const [value, timestampMs] = line.slice(bar + 1).split(' ');
      return { series: line.slice(0, bar), value: Number(value), timestampMs: Number(timestampMs) };
    });
}

/** A server that stores what it accepts, and refuses the requests `refuse` picks (counted from 1). */
export interface MemoryServer {
  writer: TimeSeriesWriter;
  stored: Delivered[];
  /** The samples of each accepted request. */
  requests: Delivered[][];
  refuse: (request: number) => boolean;
}

export function memoryServer(): MemoryServer {
  let count = 0;
  const server: MemoryServer = {
    stored: [],
    requests: [],
    refuse: () => false,
    writer: {
      format: TEST_FORMAT,
      target: 'memory://server',
      send: async (body) => {
        count += 1;
        // The bytes are only lent until the promise settles: read them before answering.
        const samples = readLines(body.toString('utf8'));
        await Promise.resolve();
        if (server.refuse(count)) throw new HttpStatusError(503, '', `request ${count}`, '');
        server.requests.push(samples);
        server.stored.push(...samples);
      },
    },
  };
  return server;
}

/** One sample per Tempo day and one per EcoWatt hour (and day): enough to see what is sent when. */
export const TEST_SCHEMA: BackfillSchema = {
  energySeries: (pdl, direction, type) => ({
    energy: { metric: direction, labels: { pdl: pdl.usagePointId, type } },
  }),
  tempoDaySamples: (day) => [
    {
      metric: 'tempo',
      labels: { color: day.color },
      value: 1,
      timestampMs: Date.parse(`${day.date}T00:00:00Z`),
    },
  ],
  ecowattDaySamples: (day) => ({
    samples: [
      { metric: 'ecowatt', labels: {}, value: day.level, timestampMs: Date.parse(`${day.date}T00:00:00Z`) },
    ],
    skippedHours: 0,
    hourlyUnreadable: false,
  }),
};

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export function exportContext(
  data: MemoryData,
  options: {
    state?: Record<string, unknown>;
    changedSince?: Date | null;
    resendFrom?: string | null;
    now: Date;
    dryRun?: boolean;
    exportData?: readonly DataKind[];
  },
): ExportContext<unknown> {
  return {
    config: {},
    exportData: new Set(options.exportData ?? DATA_KINDS),
    settings: {
      pdls: [],
      defaultOffpeakHours: '22:00-06:00',
      prices: { all: NO_CONFIGURED_PRICES, byPdl: {} },
      productionPrice: null,
    },
    query: memoryQuery(data),
    state: options.state ?? {},
    changes: { changedSince: options.changedSince ?? null, resendFrom: options.resendFrom ?? null },
    dryRun: options.dryRun ?? false,
    now: options.now,
    timeoutMs: 1000,
    log: silent,
    signal: new AbortController().signal,
    otherResults: [],
  };
}
