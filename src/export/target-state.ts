import type { StoredState } from './export-log.js';

/** How many earlier targets' states are kept: enough to go back and forth, bounded however often it moves. */
const EARLIER_TARGETS_KEPT = 4;

/** A destination that now points at another target than the one its stored state belongs to. */
export interface TargetSwitch {
  from: string;
  to: string;
  /** It was pointed at this target before: what it confirmed there was kept, and is used again. */
  restored: boolean;
}

/**
 * What a destination delivered belongs to the server it delivered to: pointed at another one (a new, empty
 * VictoriaMetrics, another broker or topic prefix), it starts from empty state and so sends the whole history;
 * pointed back at one it knew, it takes up that one's state again. A state recorded before targets were
 * adopts the current target.
 */
export function forTarget(
  stored: StoredState,
  target: string,
): { stored: StoredState; switched: TargetSwitch | null } {
  if (!stored.target || stored.target === target) return { stored: { ...stored, target }, switched: null };
  const earlier = { ...stored.earlierTargets };
  const back = earlier[target];
  delete earlier[target];
  earlier[stored.target] = { state: stored.state, watermark: stored.watermark?.toISOString() ?? null };
  for (const old of Object.keys(earlier).slice(0, -EARLIER_TARGETS_KEPT)) delete earlier[old];
  return {
    stored: {
      state: back?.state ?? {},
      watermark: back?.watermark ? new Date(back.watermark) : null,
      target,
      earlierTargets: earlier,
    },
    switched: { from: stored.target, to: target, restored: back !== undefined },
  };
}
