import type { EnergyDirection } from '../domain/vocabulary.js';

/** One thing `med-export doctor` found: what it is, what it means for the exported figures, what to do. */
export interface Finding {
  /** Stable identifier for scripts reading `--json`. */
  code:
    | 'no_data'
    | 'stale_data'
    | 'missing_days'
    | 'dst_row_count'
    | 'missing_tempo_colour'
    | 'unparseable_offpeak_hours'
    | 'unknown_pricing_option'
    | 'selected_offer_missing'
    | 'offer_without_price'
    | 'unsplit_offer'
    | 'before_oldest_price'
    | 'duplicate_daily_rows'
    | 'export_collision';
  usagePointId?: string;
  direction?: EnergyDirection;
  message: string;
  meaning: string;
  action: string;
}
