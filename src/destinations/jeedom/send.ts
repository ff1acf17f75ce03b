import type { JeedomClient } from './client.js';
import type { CommandPlan } from './plan.js';

/** Commands fed at the same time; each command's own events stay in order (the last one becomes its value). */
const PARALLEL_COMMANDS = 4;

export interface SendResult {
  /** Events Jeedom acknowledged, per plan (same order as the plans). */
  confirmed: number[];
  error: unknown;
}

/**
 * Sends every plan with `cmd::event`, oldest event first within a command. The first failure stops everything
 * (events in flight finish): what was acknowledged until then is reported, nothing after it is attempted.
 */
export async function sendPlans(
  client: JeedomClient,
  plans: readonly CommandPlan[],
  signal?: AbortSignal,
): Promise<SendResult> {
  const confirmed = plans.map(() => 0);
  let error: unknown = null;
  let next = 0;

  const worker = async () => {
    while (error === null) {
      const index = next++;
      const plan = plans[index];
      if (!plan) return;
      for (const event of plan.events) {
        if (error !== null) return;
        if (signal?.aborted) {
          error = signal.reason ?? new Error('aborted');
          return;
        }
        try {
          await client.call('cmd::event', {
            id: plan.target.cmdId,
            value: event.value,
            ...(event.datetime ? { datetime: event.datetime } : {}),
          });
          confirmed[index]! += 1;
        } catch (caught) {
          error ??= caught;
          return;
        }
      }
    }
  };

  await Promise.all(Array.from({ length: Math.min(PARALLEL_COMMANDS, plans.length) }, worker));
  return { confirmed, error };
}
