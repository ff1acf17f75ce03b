import type { JeedomClient } from './client.js';
import type { JeedomEvent } from './encode.js';
import type { CommandPlan } from './plan-events.js';

export interface SendResult {
  /** Events Jeedom acknowledged, per plan (same order as the plans). */
  confirmed: number[];
  error: unknown;
}

/**
 * A command's events split into those that may go in any order and those that must go last, one after the
 * other. history.class.php stores a point per (cmd, datetime) with `REPLACE INTO` (4.5.3: 1085): points at
 * distinct datetimes land the same in any order. The cache (current value, valueDate) follows the order,
 * cmd.class.php `event()` (1882-1886) keeping the previous valueDate for a value equal to the cached one: the
 * trailing run of values equal to the last one, and the value before it, go last in order, so the command ends
 * with the newest value and the valueDate a one-by-one sending gives. A plan with a datetime twice goes in order.
 */
export function splitForSending(events: readonly JeedomEvent[]): {
  anyOrder: JeedomEvent[];
  inOrder: JeedomEvent[];
} {
  const datetimes = new Set(events.map((event) => event.datetime ?? ''));
  if (datetimes.size < events.length) return { anyOrder: [], inOrder: [...events] };
  let start = events.length - 1;
  while (start > 0 && events[start - 1]!.value === events.at(-1)!.value) start -= 1;
  start = Math.max(0, start - 1);
  return { anyOrder: events.slice(0, start), inOrder: events.slice(start) };
}

export interface EventSender {
  /** Starts sending a plan's events, `index` being its place among the plans (they may come in any order). */
  send(plan: CommandPlan, index: number): void;
  /** Waits until every plan handed over so far is sent (or the first failure). */
  sent(): Promise<void>;
  /** Starts nothing more (the planning failed) and waits for the requests in flight. */
  stop(): Promise<void>;
  /** Waits until every plan handed over is sent, or the first failure; `planCount` plans in all. */
  finish(planCount: number): Promise<SendResult>;
}

/**
 * Sends plans with `cmd::event` as they are handed over, while the others are still being planned (jeeApi.php
 * has no call taking several values or points: one request per value), at most `concurrency` requests in
 * flight. The first failure stops everything (requests in flight finish): what was acknowledged until then is
 * reported, nothing after it is attempted.
 */
export function startSending(client: JeedomClient, concurrency: number, signal?: AbortSignal): EventSender {
  const confirmed: number[] = [];
  const sending: Promise<void>[] = [];
  let error: unknown = null;
  let stopped = false;
  let inFlight = 0;
  // Thousands wait at the start of a backfill: taken from `next` on rather than shifted (a shift moves them all).
  let waiting: (() => void)[] = [];
  let next = 0;
  // A finished request hands its slot straight to the next waiting one, so in flight never exceeds the bound.
  const acquire = async () => {
    if (inFlight < concurrency) inFlight += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const wake = waiting[next];
    if (wake === undefined) {
      inFlight -= 1;
      return;
    }
    next += 1;
    if (next === waiting.length) {
      waiting = [];
      next = 0;
    }
    wake();
  };

  const sendEvent = async (plan: CommandPlan, index: number, event: JeedomEvent): Promise<void> => {
    await acquire();
    try {
      if (error !== null || stopped) return;
      if (signal?.aborted) {
        error = signal.reason ?? new Error('aborted');
        return;
      }
      await client.call('cmd::event', {
        id: plan.target.cmdId,
        value: event.value,
        ...(event.datetime ? { datetime: event.datetime } : {}),
      });
      confirmed[index]! += 1;
    } catch (caught) {
      error ??= caught;
    } finally {
      release();
    }
  };

  const sendPlan = async (plan: CommandPlan, index: number): Promise<void> => {
    const { anyOrder, inOrder } = splitForSending(plan.events);
    await Promise.all(anyOrder.map((event) => sendEvent(plan, index, event)));
    for (const event of inOrder) {
      if (error !== null || stopped) return;
      await sendEvent(plan, index, event);
    }
  };

  return {
    send(plan, index) {
      confirmed[index] = 0;
      sending.push(sendPlan(plan, index));
    },
    async sent() {
      await Promise.all(sending.splice(0));
    },
    async stop() {
      stopped = true;
      await Promise.all(sending.splice(0));
    },
    async finish(planCount) {
      await Promise.all(sending.splice(0));
      return { confirmed: Array.from({ length: planCount }, (_, index) => confirmed[index] ?? 0), error };
    },
  };
}
