-- med-export's own tables; MyElectricalData's tables are never written.
CREATE TABLE IF NOT EXISTS export_logs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  destination text NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'success', 'partial', 'error', 'skipped')),
  records_exported integer NOT NULL DEFAULT 0,
  error_message text NULL,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  started_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz NULL
);
CREATE INDEX IF NOT EXISTS export_logs_destination_started_at ON export_logs (destination, started_at DESC);
CREATE INDEX IF NOT EXISTS export_logs_started_at ON export_logs (started_at DESC);

-- What each destination has confirmed: its own JSON state and the MyElectricalData updated_at high-water mark.
CREATE TABLE IF NOT EXISTS export_state (
  destination text PRIMARY KEY,
  state jsonb NOT NULL DEFAULT '{}'::jsonb,
  watermark timestamptz NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
