import { addDays } from '../../domain/paris-time.js';
import { SkipCounter, toDailyEnergy } from '../../domain/readings.js';
import { frenchColor } from '../../domain/tempo.js';
import type { MonthlyTotal, QueryLayer } from '../../query/types.js';
import type { EnergyDirection } from '../../domain/vocabulary.js';
import type { CurrentValues } from '../../engines/current-values/current-values.js';
import { dailyCosts, monthCost } from '../../engines/current-values/day-costs.js';
import type { DayCost } from '../../engines/current-values/day-costs.js';
import type { PdlCosts } from '../../engines/costs/pdl-costs.js';
import { costReportDetails } from '../../engines/costs/cost-details.js';
import { mergeDates } from '../../engines/costs/tempo-repair.js';
import type { ChangeWindow } from '../../contract/destination.js';
import type { JeedomEvent } from './encode.js';
import {
  costEvents,
  dailyEvents,
  dayDatetime,
  endWithLatest,
  eventSignature,
  kwh,
  monthEvents,
  periodsOf,
  tempoDayEvents,
  yearEvents,
} from './encode.js';
import type { JeedomState } from './state.js';
import type { Target } from './sync-equipments.js';

/*
 * How Jeedom stores a value sent with a date (jeedom/core 4.x), which decides how history is backfilled:
 * - core/api/jeeApi.php, `cmd::event`: `$cmd->event($params['value'], $params['datetime'])` (datetime optional).
 * - core/class/cmd.class.php `event()`: `$this->setCollectDate(($_datetime !== null) ? $_datetime : date(...))`;
 *   unless the value repeats the cached one, `$this->setCache(array('value' => $value, 'valueDate' => ...))`;
 *   then `$this->addHistoryValue($value, $this->getCollectDate())`. Nothing compares the datetime with the
 *   current value's: a value dated in the past IS historised at its date AND becomes the current value.
 * - core/class/history.class.php `save()`: `REPLACE INTO history SET cmd_id=:cmd_id, datetime=:datetime,
 *   value=:value`: an old day slots in among the others, a day sent again replaces its point — unless a smoothing
 *   mode is set (`history::smooth` > 0 and `historizeMode` not 'none'), which would average it: commands are
 *   created with historizeMode 'none'.
 * - history.class.php `removeHistoryInFutur()` deletes points dated after now: nothing is sent with a future date.
 * So: every day goes with `cmd::event` at its own midnight, oldest first, the newest last so that it ends as the
 * current value; when only older days were corrected, the newest is sent again last (encode.endWithLatest).
 */

/** The events one command receives in this run, oldest first, and what to remember once they are confirmed. */
export interface CommandPlan {
  target: Target;
  events: JeedomEvent[];
  /** For commands sent only on change: the signature stored in state.values once confirmed. */
  signature?: string;
  /** For tempo_today: the last day whose colour the events deliver. */
  tempoThrough?: string;
}

export interface PlanReport {
  skipped: SkipCounter;
  /** Values that could not be sent for lack of data, e.g. `pdl:123/ecowatt_level`. */
  missing: string[];
  /** By PDL, what its costs could not use fully (costReportDetails). */
  costs: Record<string, unknown>;
}

/**
 * What changed since the last confirmed delivery, per PDL and direction: every day on the first run, from
 * `--since` when given, else the days `changedDates` reports (rows inserted or updated since).
 */
type Window =
  { kind: 'all' } | { kind: 'from'; from: string } | { kind: 'days'; days: Set<string>; first: string };

const ALL: Window = { kind: 'all' };

class ChangedDays {
  private readonly cache = new Map<string, Promise<Window>>();

  constructor(
    private readonly query: QueryLayer,
    private readonly changes: ChangeWindow,
  ) {}

  of(direction: EnergyDirection, usagePointId: string): Promise<Window> {
    const key = `${direction}:${usagePointId}`;
    let window = this.cache.get(key);
    if (!window) {
      const { changedSince, resendFrom } = this.changes;
      if (resendFrom !== null) window = Promise.resolve({ kind: 'from', from: resendFrom });
      else if (changedSince === null) window = Promise.resolve(ALL);
      else {
        window = this.query.changedDates(direction, usagePointId, changedSince).then((dates) => {
          const { first } = periodsOf(dates);
          return { kind: 'days', days: new Set(dates), first: first ?? '' };
        });
      }
      this.cache.set(key, window);
    }
    return window;
  }
}

function directionOf(logicalId: string): EnergyDirection | null {
  if (logicalId.startsWith('consumption_')) return 'consumption';
  if (logicalId.startsWith('production_')) return 'production';
  return null;
}

/** Daily, month or year events of one PDL and direction for a window of changes. */
async function energyEvents(
  query: QueryLayer,
  direction: EnergyDirection,
  usagePointId: string,
  logicalId: string,
  window: Window,
  report: PlanReport,
): Promise<JeedomEvent[]> {
  const from = window.kind === 'from' ? window.from : window.kind === 'days' ? window.first : undefined;
  if (logicalId.endsWith('_daily')) {
    const rows = await query.dailyRows(direction, usagePointId, from ? { from } : undefined);
    const events = dailyEvents(rows, report.skipped, window.kind === 'days' ? window.days : undefined);
    if (window.kind !== 'days') return events;
    // The newest usable day, sent again last when only older days changed.
    const latest = dailyEvents(rows.filter((row) => toDailyEnergy(row).ok).slice(-1), new SkipCounter());
    return endWithLatest(events, latest[0]);
  }
  // Month and year figures need whole periods: totals from 1 January of the first year concerned.
  const totals: MonthlyTotal[] = await query.monthlyTotals(
    direction,
    usagePointId,
    from ? { from: `${from.slice(0, 4)}-01-01` } : undefined,
  );
  const periods = window.kind === 'days' ? periodsOf(window.days) : null;
  if (logicalId.endsWith('_month')) {
    const all = monthEvents(totals);
    if (periods) return endWithLatest(monthEvents(totals, periods.months), all.at(-1));
    return from ? all.filter((event) => event.datetime! >= dayDatetime(`${from.slice(0, 7)}-01`)) : all;
  }
  const all = yearEvents(totals);
  return periods ? endWithLatest(yearEvents(totals, periods.years), all.at(-1)) : all;
}

/**
 * The consumption costs of one PDL from the first day a window needs (the first of its month, for whole
 * months), computed once for both cost commands.
 */
class CostDays {
  private readonly cache = new Map<string, Promise<DayCost[]>>();

  constructor(
    private readonly query: QueryLayer,
    private readonly report: PlanReport,
  ) {}

  of(costs: PdlCosts, usagePointId: string, from: string | undefined): Promise<DayCost[]> {
    const key = `${usagePointId}:${from ?? ''}`;
    let days = this.cache.get(key);
    if (!days) {
      days = dailyCosts(this.query, costs, usagePointId, from ? { from } : {}).then((result) => {
        const said = costReportDetails(result.report);
        if (said) this.report.costs[usagePointId] = said;
        return result.days;
      });
      this.cache.set(key, days);
    }
    return days;
  }
}

/** The daily or monthly cost events of one PDL for a window of changes, the newest value last. */
async function costEventsOf(
  costDays: CostDays,
  costs: PdlCosts,
  usagePointId: string,
  logicalId: string,
  window: Window,
): Promise<JeedomEvent[]> {
  const first = window.kind === 'from' ? window.from : window.kind === 'days' ? window.first : undefined;
  // Both commands read from the first of the month, so that they share one pass over the load curve.
  const days = await costDays.of(costs, usagePointId, first ? `${first.slice(0, 7)}-01` : undefined);
  if (logicalId === 'consumption_cost_daily') {
    const all = costEvents(days);
    if (window.kind === 'all') return all;
    if (window.kind === 'from') return costEvents(days.filter((day) => day.date >= window.from));
    return endWithLatest(costEvents(days.filter((day) => window.days.has(day.date))), all.at(-1));
  }
  const months = [...new Set(days.map((day) => day.date.slice(0, 7)))];
  const totals = months.flatMap((month) => {
    const cost = monthCost(days, month);
    return cost ? [{ date: `${month}-01`, costEur: cost.costEur }] : [];
  });
  const all = costEvents(totals);
  if (window.kind !== 'days') return all;
  const touched = periodsOf(window.days).months;
  return endWithLatest(costEvents(totals.filter((total) => touched.has(total.date.slice(0, 7)))), all.at(-1));
}

/** The targets by equipment, in their order, each with its index among all the targets. */
function byEquipment(targets: readonly Target[]): { target: Target; index: number }[][] {
  const groups = new Map<string, { target: Target; index: number }[]>();
  targets.forEach((target, index) => {
    const group = groups.get(target.equipment.key) ?? [];
    group.push({ target, index });
    groups.set(target.equipment.key, group);
  });
  return [...groups.values()];
}

/** Plans every target's events from the MyElectricalData database, sending only what changed. */
export async function planEvents(options: {
  query: QueryLayer;
  targets: readonly Target[];
  current: CurrentValues;
  changes: ChangeWindow;
  state: JeedomState;
  /** Costed PDLs' costs (day-costs.ts, billsCosts), by PDL. */
  costs?: ReadonlyMap<string, PdlCosts>;
  /** Energy days whose Tempo colour arrived or changed since the last run (tempoRepairDates). */
  tempoRepairs?: readonly string[];
  /** Called with each plan as soon as it is ready, and its index in `plans`, so that sending can start. */
  onPlan?: (plan: CommandPlan, index: number) => void;
  /** Resolves once every plan handed over so far is sent: an equipment's plans wait for it. */
  sent?: () => Promise<void>;
}): Promise<{ plans: CommandPlan[]; report: PlanReport }> {
  const { query, targets, current, changes, state } = options;
  const report: PlanReport = { skipped: new SkipCounter(), missing: [], costs: {} };
  const changed = new ChangedDays(query, changes);
  const costDays = new CostDays(query, report);
  const resendFrom = changes.resendFrom;
  const missing = new Set<Target>();

  const onChange = (target: Target, event: JeedomEvent | null): CommandPlan => {
    if (event === null) {
      missing.add(target);
      return { target, events: [] };
    }
    const signature = eventSignature(event);
    const unchanged = !target.backfill && state.values[target.key] === signature;
    return { target, events: unchanged ? [] : [event], signature };
  };

  const planOf = async (target: Target): Promise<CommandPlan> => {
    const { logicalId } = target.command;
    const direction = directionOf(logicalId);
    if (direction && target.equipment.usagePointId) {
      const usagePointId = target.equipment.usagePointId;
      const figures = current.pdls.find((pdl) => pdl.pdl.usagePointId === usagePointId)?.[direction] ?? null;
      if (logicalId.endsWith('_yesterday')) {
        const yesterday = figures?.yesterday;
        return onChange(
          target,
          yesterday ? { value: kwh(yesterday.wh), datetime: dayDatetime(yesterday.date) } : null,
        );
      }
      const costs = logicalId.startsWith('consumption_cost_') ? options.costs?.get(usagePointId) : undefined;
      if (costs) {
        let window = target.backfill ? ALL : await changed.of(direction, usagePointId);
        // A Tempo colour that arrived or changed moves its days' cost from one tariff's price to another's.
        const repairs = costs.offerType === 'TEMPO' ? (options.tempoRepairs ?? []) : [];
        if (window.kind === 'days' && repairs.length > 0) {
          const days = mergeDates([...window.days].sort(), repairs);
          window = { kind: 'days', days: new Set(days), first: days[0]! };
        }
        const empty = window.kind === 'days' && window.days.size === 0;
        return {
          target,
          events: empty ? [] : await costEventsOf(costDays, costs, usagePointId, logicalId, window),
        };
      }
      const window = target.backfill ? ALL : await changed.of(direction, usagePointId);
      if (window.kind === 'days' && window.days.size === 0) return { target, events: [] };
      return {
        target,
        events: await energyEvents(query, direction, usagePointId, logicalId, window, report),
      };
    }

    switch (logicalId) {
      case 'tempo_today': {
        const today = current.today;
        const full = target.backfill || changes.changedSince === null;
        const after = full ? undefined : resendFrom !== null ? addDays(resendFrom, -1) : state.tempoThrough;
        const days = await query.tempoDays(after ? { from: addDays(after, 1), to: today } : { to: today });
        const events = tempoDayEvents(days, today, after);
        const through = events.length > 0 ? events.at(-1)!.datetime!.slice(0, 10) : state.tempoThrough;
        if (current.tempo.today.color === null) {
          // Today's colour is not published yet: say so rather than leave yesterday's colour as today's.
          const unknown: JeedomEvent = { value: frenchColor(null), datetime: dayDatetime(today) };
          if (full || state.values[target.key] !== eventSignature(unknown)) events.push(unknown);
        }
        const last = events.at(-1);
        return {
          target,
          events,
          ...(through ? { tempoThrough: through } : {}),
          ...(last ? { signature: eventSignature(last) } : {}),
        };
      }
      case 'tempo_tomorrow':
        return onChange(target, { value: frenchColor(current.tempo.tomorrow.color) });
      case 'tempo_remaining_blue':
      case 'tempo_remaining_white':
      case 'tempo_remaining_red': {
        const color = logicalId.slice('tempo_remaining_'.length) as 'blue' | 'white' | 'red';
        return onChange(target, { value: current.tempo.remaining[color] });
      }
      case 'ecowatt_level':
      case 'ecowatt_next_hour': {
        const level = logicalId === 'ecowatt_level' ? current.ecowatt?.level : current.ecowatt?.nextHourLevel;
        return onChange(target, level === null || level === undefined ? null : { value: level });
      }
      case 'ecowatt_alert':
        return onChange(target, current.ecowatt ? { value: current.ecowatt.alert ? 1 : 0 } : null);
      default:
        return { target, events: [] };
    }
  };

  // One equipment (a PDL, Tempo, EcoWatt) at a time, its commands planned at once: the next one is planned while
  // this one is sent, and handed over only once this one is sent, so a run holds about two equipments' values
  // whatever the number of PDLs (issue 15: peak memory flat from 1 to 50 PDLs). Within an equipment each plan
  // goes as soon as it is ready: a PDL's energy values flow while its costs are still computed from the load
  // curve (the larger part of a backfill's reading).
  const plans: CommandPlan[] = [];
  for (const group of byEquipment(targets)) {
    const planning = group.map(({ target }) => planOf(target));
    // Awaited below, once the previous equipment is sent; a failure meanwhile must not go unhandled.
    for (const planned of planning) planned.catch(() => undefined);
    await options.sent?.();
    await Promise.all(
      planning.map(async (planned, position) => {
        const plan = await planned;
        const { index } = group[position]!;
        plans[index] = plan;
        options.onPlan?.(plan, index);
      }),
    );
  }
  report.missing = targets.filter((target) => missing.has(target)).map((target) => target.key);
  return { plans, report };
}
