import type { TempoCounts } from '../../domain/index.js';
import type { TariffPeriod } from '../../domain/offer-types.js';
import type { EnergyDirection } from '../../domain/vocabulary.js';
import type { EcowattDay, Pdl, TempoDay } from '../../query/types.js';

/**
 * What a time-series destination plugs into the backfill engine: how its lines are written (`LineFormat`), how a
 * batch reaches the server (`TimeSeriesWriter`) and what its series are called (`BackfillSchema`). The engine
 * owns everything else: streaming the history from the query layer, batching, what was accepted, change
 * detection and the state kept between passes.
 */

/** Names and values, written in this order. */
export type Labels = Readonly<Record<string, string>>;

/** What every sample of a series shares. */
export interface SeriesKey {
  /** A Prometheus metric, an InfluxDB measurement. */
  metric: string;
  /** Written in this order; values are any text (the format escapes them). */
  labels: Labels;
  /**
   * For a format whose points carry several named values (InfluxDB line protocol: `measurement,tags field=…`),
   * the one this series' values are written to; a Prometheus series has a single value and no field.
   */
  field?: string;
  /**
   * For a format with typed values (InfluxDB line protocol): the series' values are whole numbers, written as
   * integers (`3i`) rather than floats. A format with a single number type writes them as any other value.
   */
  integer?: boolean;
  /**
   * Text every point of the series carries beside its value, as string fields (InfluxDB: Tempo's colour name,
   * `color="BLEU"`). Only a format with `seriesSuffix` can write them; the others refuse such a series.
   */
  textFields?: Labels;
}

/** One value of a series at an instant. */
export interface Sample extends SeriesKey {
  value: number;
  /** Epoch milliseconds. */
  timestampMs: number;
}

/** The granularity of an energy stream. */
export type EnergyType = 'daily' | 'monthly' | 'detailed';

/**
 * A text format of one sample per line. The engine writes each line as
 * `<series prefix><value><series suffix> <timestamp>\n`,
 * the shape Prometheus exposition (`metric{label="v"} 1.5 1700000000000`) and InfluxDB line protocol
 * (`measurement,tag=v field=1.5 1700000000000`, millisecond precision) share: the value as the shortest decimal
 * that reads back as the same double (what `String()` gives), the timestamp in whole milliseconds.
 */
export interface LineFormat {
  /**
   * What starts every line of a series, up to the value: checked and escaped once per series, so a stream writes
   * its samples without doing it again for each one. Throws a RangeError on a name the server would drop.
   */
  seriesPrefix(metric: string, labels: Labels, field?: string): string;
  /**
   * What follows the value on every line of a series, checked and escaped once per series too: InfluxDB writes
   * `i` after an integer and the series' text fields after that (`code=3i,color="ROUGE"`). Without it, nothing
   * follows the value.
   */
  seriesSuffix?(key: SeriesKey): string;
  /**
   * For a format whose points carry several named values: what is written between the value of `first` and that
   * of `second` when both are fields of one point, so that they share a line (InfluxDB: `,power_w=`); null when
   * they are not. Without it, every sample is a line of its own.
   */
  fieldJoint?(first: SeriesKey, second: SeriesKey): string | null;
  /**
   * The earliest instant the server reads as milliseconds: for an earlier timestamp (or one that is not a whole
   * number) the engine has `formatTimestamp` throw.
   */
  readonly minTimestampMs: number;
  /** The value's text; throws a RangeError on a value the format cannot carry (NaN, infinities). */
  formatValue(value: number): string;
  /** The timestamp's text; throws a RangeError on one the format cannot carry. */
  formatTimestamp(timestampMs: number): string;
}

/** The instants of one series a batch carries, first and last (epoch ms, inclusive). */
export interface SeriesSpan {
  series: SeriesKey;
  fromMs: number;
  toMs: number;
}

/** A value at an instant. */
export interface TimedValue {
  timestampMs: number;
  value: number;
}

export interface TimeSeriesWriter {
  readonly format: LineFormat;
  /** Where batches are sent, as dry-run payloads name it (e.g. the import URL). */
  readonly target: string;
  /**
   * Sends one batch (lines in `format`, UTF-8): resolves once the server confirmed every sample of it, throws
   * otherwise. The bytes are only valid until the returned promise settles (the engine writes the batch after
   * next into them). Never called in a dry run, where the engine collects the batches as payloads instead; null
   * when the writer has nothing to send with then.
   */
  readonly send: ((body: Buffer) => Promise<void>) | null;
  /**
   * What the server holds of a series between two instants (inclusive). Where a batch's fate is unknown (cut
   * mid-request, killed before the answer), its series and time span can be read back and only what is missing
   * sent again, instead of storing twice what was ingested. Optional: a write-only server cannot offer it.
   */
  readBack?(series: SeriesKey, fromMs: number, toMs: number): Promise<TimedValue[]>;
}

/** Where each sample of an EcoWatt day belongs, as `ecowattInstants` places them. */
export interface EcowattInstants {
  /** The day's level at its Europe/Paris midnight, or null when it is not a level (0–3). */
  day: TimedValue | null;
  /** Each hourly level at its Paris hour. */
  hours: TimedValue[];
  /** Hours that could not be placed: the whole day when its values are unreadable, or the hour DST skips. */
  skippedHours: number;
  hourlyUnreadable: boolean;
}

export interface EcowattSamples {
  samples: Sample[];
  skippedHours: number;
  hourlyUnreadable: boolean;
}

/** The series one energy stream (a PDL, a direction, a granularity) writes to. */
export interface EnergySeries {
  /** The energy of each interval, day or month, in Wh. */
  energy: SeriesKey;
  /**
   * Detailed streams only, for a destination that stores it: each interval's average power in W, a sample of its
   * own beside the energy at the same instant (InfluxDB merges the fields of one point written in two lines).
   */
  power?: SeriesKey;
}

/** Where one tariff's consumption goes, and its cost at the price in force. */
export interface TariffSeries {
  /** The tariff's energy, in Wh. */
  energy: SeriesKey;
  /** Its cost, in €. */
  cost: SeriesKey;
}

/** A tariff's half-hours (at their start) or their sum over each Paris day (at its midnight). */
export type TariffGranularity = 'detailed' | 'daily';

/** The destination's series for each kind of data. */
export interface BackfillSchema {
  energySeries(pdl: Pdl, direction: EnergyDirection, type: EnergyType): EnergySeries;
  /**
   * Consumption split by tariff, each half-hour and each day, with its cost (see tariff-days.ts): for a PDL
   * whose offer splits and has a price, when the load curve is exported. Without it, the engine prices nothing.
   */
  tariffSeries?(pdl: Pdl, tariff: TariffPeriod, granularity: TariffGranularity): TariffSeries;
  /** The samples of a Tempo day, at the day's Paris midnight. */
  tempoDaySamples(day: TempoDay): Sample[];
  /** Days left and used in the current Tempo season, at export time; sent when the season has days. */
  tempoSeasonSamples?(remaining: TempoCounts, used: TempoCounts, timestampMs: number): Sample[];
  /** The samples of an EcoWatt day (see `ecowattInstants`). */
  ecowattDaySamples(day: EcowattDay): EcowattSamples;
}
