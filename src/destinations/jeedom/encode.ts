import { firstDayOfMonth, firstDayOfYear } from '../../domain/paris-time.js';
import { toDailyEnergy } from '../../domain/readings.js';
import type { SkipCounter } from '../../domain/readings.js';
import { frenchColor } from '../../domain/tempo.js';
import { whToKwh } from '../../domain/units.js';
import type { DataKind } from '../../domain/vocabulary.js';
import type { DailyRow, MonthlyTotal, Pdl, TempoDay } from '../../query/types.js';
import type { CommandDefinition } from './commands.js';
import {
  COST_COMMANDS,
  ECOWATT_COMMANDS,
  EUR_DECIMALS,
  KWH_DECIMALS,
  TEMPO_COMMANDS,
  energyCommands,
} from './commands.js';

/**
 * What med-export creates in Jeedom (virtual equipments and their info commands) and the values it sends,
 * built without any I/O.
 */

export const VIRTUAL_PLUGIN = 'virtual';
export const EQUIPMENT_PREFIX = 'MyElectricalData';
const LOGICAL_ID_PREFIX = 'med_export';
/** cmd.class.php / eqLogic.class.php `setName()`: `substr(cleanComponanteName($_name), 0, 127)`, in bytes. */
const NAME_MAX_BYTES = 127;

export type EquipmentRole = 'pdl' | 'tempo' | 'ecowatt';

export interface EquipmentDefinition {
  /** Key of this equipment in the destination state: `pdl:<PDL>`, `tempo`, `ecowatt`. */
  key: string;
  role: EquipmentRole;
  usagePointId?: string;
  logicalId: string;
  name: string;
  commands: readonly CommandDefinition[];
}

/**
 * A name as Jeedom stores it, so that what med-export sends is what Jeedom keeps (equipments and commands are
 * found again by logicalId, names are for people): core/php/utils.inc.php `cleanComponanteName()` (1796-1800 in
 * 4.5.3, the same in 4.4) removes `& # ] [ % \ / ' " *`, then tags, and collapses whitespace; `setName()` cuts
 * at 127 bytes and trims. The cut here keeps whole characters, where PHP could split one.
 */
export function jeedomName(text: string): string {
  const characters = [
    ...text
      .replace(/[&#\][%\\/'"*]/g, '')
      .replace(/<[^>]*>/g, '')
      .replace(/\s+/g, ' '),
  ];
  while (Buffer.byteLength(characters.join('')) > NAME_MAX_BYTES) characters.pop();
  return characters.join('').trim();
}

/** "MyElectricalData <label>" (the PDL when it has no label), unique among the PDLs exported. */
export function pdlEquipmentNames(pdls: readonly Pdl[]): Map<string, string> {
  const labelOf = (pdl: Pdl) => jeedomName(pdl.name ?? '') || pdl.usagePointId;
  const counts = new Map<string, number>();
  for (const pdl of pdls) counts.set(labelOf(pdl), (counts.get(labelOf(pdl)) ?? 0) + 1);
  const names = new Map<string, string>();
  for (const pdl of pdls) {
    const label = labelOf(pdl);
    const unique =
      (counts.get(label) ?? 0) > 1 && label !== pdl.usagePointId ? `${label} (${pdl.usagePointId})` : label;
    names.set(pdl.usagePointId, jeedomName(`${EQUIPMENT_PREFIX} ${unique}`));
  }
  return names;
}

/** Key of a command in the destination state and in JEEDOM_COMMANDS: `<equipment key>/<logicalId>`. */
export function commandKey(
  equipment: Pick<EquipmentDefinition, 'key'>,
  command: Pick<CommandDefinition, 'logicalId'>,
): string {
  return `${equipment.key}/${command.logicalId}`;
}

/** What the database holds that decides whether some commands exist. */
export interface StoredData {
  /** `{pdl}/{direction}` whose J-1 is not stored: no `…_yesterday` command (it would stay empty forever). */
  withoutYesterday?: ReadonlySet<string>;
  /** PDLs whose consumption costs add up to the bill (day-costs.ts, billsCosts): the cost commands. */
  costed?: ReadonlySet<string>;
}

/**
 * The equipments and commands the exported data kinds need: one equipment per PDL (its consumption, cost and
 * production commands), one for Tempo, one for EcoWatt. Equipments without any command are left out.
 */
export function equipmentDefinitions(
  pdls: readonly Pdl[],
  kinds: ReadonlySet<DataKind>,
  stored: StoredData = {},
): EquipmentDefinition[] {
  const names = pdlEquipmentNames(pdls);
  const definitions: EquipmentDefinition[] = [];
  for (const pdl of pdls) {
    const energy = (direction: 'consumption' | 'production') =>
      energyCommands(direction).filter(
        (command) =>
          command.logicalId !== `${direction}_yesterday` ||
          !stored.withoutYesterday?.has(`${pdl.usagePointId}/${direction}`),
      );
    const commands = [
      ...(pdl.hasConsumption ? energy('consumption') : []),
      ...(pdl.hasConsumption && stored.costed?.has(pdl.usagePointId) ? COST_COMMANDS : []),
      ...(pdl.hasProduction ? energy('production') : []),
    ].filter((command) => kinds.has(command.kind));
    definitions.push({
      key: `pdl:${pdl.usagePointId}`,
      role: 'pdl',
      usagePointId: pdl.usagePointId,
      logicalId: `${LOGICAL_ID_PREFIX}_pdl_${pdl.usagePointId}`,
      name: names.get(pdl.usagePointId)!,
      commands,
    });
  }
  if (kinds.has('tempo')) {
    definitions.push({
      key: 'tempo',
      role: 'tempo',
      logicalId: `${LOGICAL_ID_PREFIX}_tempo`,
      name: `${EQUIPMENT_PREFIX} Tempo`,
      commands: TEMPO_COMMANDS,
    });
  }
  if (kinds.has('ecowatt')) {
    definitions.push({
      key: 'ecowatt',
      role: 'ecowatt',
      logicalId: `${LOGICAL_ID_PREFIX}_ecowatt`,
      name: `${EQUIPMENT_PREFIX} EcoWatt`,
      commands: ECOWATT_COMMANDS,
    });
  }
  return definitions.filter((definition) => definition.commands.length > 0);
}

/**
 * The JEEDOM_COMMANDS entry for a command: `<PDL>:<logicalId>` first, then the bare `<logicalId>` (which, for a
 * PDL command, only applies when a single PDL is exported).
 */
export function mappedCommandId(
  mapping: Readonly<Record<string, number>>,
  equipment: EquipmentDefinition,
  command: CommandDefinition,
  pdlCount: number,
): number | undefined {
  if (equipment.usagePointId) {
    const specific = mapping[`${equipment.usagePointId}:${command.logicalId}`];
    if (specific !== undefined) return specific;
    return pdlCount === 1 ? mapping[command.logicalId] : undefined;
  }
  return mapping[command.logicalId];
}

/** jeeApi.php `eqLogic::save` params creating a virtual equipment (no `cmd` list: that would delete others). */
export function equipmentSaveParams(
  definition: EquipmentDefinition,
  objectId: number | undefined,
): Record<string, unknown> {
  return {
    eqType_name: VIRTUAL_PLUGIN,
    name: definition.name,
    logicalId: definition.logicalId,
    ...(objectId !== undefined ? { object_id: objectId } : {}),
    // eqLogic isEnable defaults to 0, and cmd.class.php event() drops every value of a disabled equipment.
    isEnable: 1,
    isVisible: 1,
    category: { energy: 1 },
    configuration: {
      createdBy: 'med-export',
      ...(definition.usagePointId ? { usagePointId: definition.usagePointId } : {}),
    },
  };
}

/** jeeApi.php `cmd::save` params creating an info command in a virtual equipment. */
export function commandSaveParams(
  definition: CommandDefinition,
  eqLogicId: number,
  order: number,
): Record<string, unknown> {
  return {
    eqType_name: VIRTUAL_PLUGIN,
    eqType: VIRTUAL_PLUGIN,
    eqLogic_id: eqLogicId,
    name: definition.name,
    logicalId: definition.logicalId,
    type: 'info',
    subType: definition.subType,
    unite: definition.unit,
    isHistorized: definition.historized ? 1 : 0,
    isVisible: 1,
    order,
    ...(definition.genericType ? { generic_type: definition.genericType } : {}),
    configuration: {
      ...(definition.round !== undefined ? { historizeRound: definition.round } : {}),
      // history.class.php save(): with a smoothing mode, a value re-sent for a day already stored would be
      // averaged with the old one instead of replacing it.
      historizeMode: 'none',
      repeatEventManagement: definition.repeat,
    },
  };
}

/** One `cmd::event`: a value and, for a value that belongs to a day, the Jeedom datetime of that day. */
export interface JeedomEvent {
  value: number | string;
  datetime?: string;
}

/**
 * A Paris calendar day as the Jeedom datetime of its start. Jeedom reads it in its own timezone (core.inc.php:
 * `date_default_timezone_set(config::byKey('timezone'))`), Europe/Paris on a French box.
 */
export function dayDatetime(date: string): string {
  return `${date} 00:00:00`;
}

export function kwh(wh: number): number {
  return whToKwh(wh, KWH_DECIMALS);
}

export function euros(value: number): number {
  const factor = 10 ** EUR_DECIMALS;
  return Math.round(value * factor) / factor || 0;
}

/**
 * ISO dates (`YYYY-MM-DD`, `YYYY-MM`, `YYYY`) in calendar order: their characters' order. localeCompare gives
 * the same order but builds an ICU collator on its first call (about 90 ms in the backfill's profile).
 */
function byIsoDate(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Costs (day-costs.ts) as events at their day or the first of their month, oldest first. */
export function costEvents(costs: readonly { date: string; costEur: number }[]): JeedomEvent[] {
  return [...costs]
    .sort((a, b) => byIsoDate(a.date, b.date))
    .map((cost) => ({ value: euros(cost.costEur), datetime: dayDatetime(cost.date) }));
}

/** Daily energies as events at their day, oldest first; unusable rows are counted in `skipped`. */
export function dailyEvents(
  rows: readonly DailyRow[],
  skipped: SkipCounter,
  onlyDates?: ReadonlySet<string>,
): JeedomEvent[] {
  const events: { date: string; event: JeedomEvent }[] = [];
  for (const row of rows) {
    if (onlyDates && !onlyDates.has(row.date)) continue;
    const reading = toDailyEnergy(row);
    if (!reading.ok) {
      skipped.add(reading.reason);
      continue;
    }
    events.push({
      date: reading.date,
      event: { value: kwh(reading.wh), datetime: dayDatetime(reading.date) },
    });
  }
  return events.sort((a, b) => byIsoDate(a.date, b.date)).map((entry) => entry.event);
}

/** Monthly totals as events on the first day of their month, oldest first. */
export function monthEvents(
  totals: readonly MonthlyTotal[],
  onlyMonths?: ReadonlySet<string>,
): JeedomEvent[] {
  return [...totals]
    .filter((total) => !onlyMonths || onlyMonths.has(total.month))
    .sort((a, b) => byIsoDate(a.month, b.month))
    .map((total) => ({ value: kwh(total.wh), datetime: dayDatetime(`${total.month}-01`) }));
}

/** Yearly totals (sums of the monthly ones) as events on 1 January, oldest first. */
export function yearEvents(totals: readonly MonthlyTotal[], onlyYears?: ReadonlySet<string>): JeedomEvent[] {
  const byYear = new Map<string, number>();
  for (const total of totals) {
    const year = total.month.slice(0, 4);
    byYear.set(year, (byYear.get(year) ?? 0) + total.wh);
  }
  return [...byYear]
    .filter(([year]) => !onlyYears || onlyYears.has(year))
    .sort(([a], [b]) => byIsoDate(a, b))
    .map(([year, wh]) => ({ value: kwh(wh), datetime: dayDatetime(`${year}-01-01`) }));
}

/** Tempo colours (BLEU/BLANC/ROUGE) at their day, oldest first, from `after` (excluded) to `today` (included). */
export function tempoDayEvents(days: readonly TempoDay[], today: string, after?: string): JeedomEvent[] {
  return days
    .filter((day) => day.date <= today && (after === undefined || day.date > after))
    .sort((a, b) => byIsoDate(a.date, b.date))
    .map((day) => ({ value: frenchColor(day.color), datetime: dayDatetime(day.date) }));
}

/**
 * cmd.class.php event() makes the last value sent the command's current value, whatever its date: after
 * re-sending corrected older days, the newest one has to be sent again last.
 */
export function endWithLatest(
  events: readonly JeedomEvent[],
  latest: JeedomEvent | undefined,
): JeedomEvent[] {
  if (!latest) return [...events];
  const last = events.at(-1);
  if (last && last.datetime === latest.datetime && last.value === latest.value) return [...events];
  return [...events.filter((event) => event.datetime !== latest.datetime), latest];
}

/** Months and years a set of changed days touches. */
export function periodsOf(dates: Iterable<string>): {
  months: Set<string>;
  years: Set<string>;
  first: string | null;
} {
  const months = new Set<string>();
  const years = new Set<string>();
  let first: string | null = null;
  for (const date of dates) {
    months.add(firstDayOfMonth(date).slice(0, 7));
    years.add(firstDayOfYear(date).slice(0, 4));
    if (first === null || date < first) first = date;
  }
  return { months, years, first };
}

/** The value as compared with the one last confirmed, for values sent only when they change. */
export function eventSignature(event: JeedomEvent): string {
  return `${event.datetime ?? ''}|${event.value}`;
}
