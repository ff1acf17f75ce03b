/**
 * Which Home Assistant release changed what the stand-in emulates. Each threshold is the first release with
 * the behaviour; `ha_version` strings look like `2025.11.2` or `2025.11.0b3`.
 */

/** Versions the tests use: one from before the statistics metadata change, one after. */
export const OLDER_HA_VERSION = '2025.6.3';
export const CURRENT_HA_VERSION = '2025.12.4';

export function compareHaVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < 3; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function parse(version: string): number[] {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  if (!match) throw new Error(`not a Home Assistant version: ${version}`);
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

export const atLeast = (version: string, minimum: string): boolean =>
  compareHaVersions(version, minimum) >= 0;

/**
 * `mean_type` and `unit_class` in the `metadata` of `recorder/import_statistics`, `has_mean` optional:
 * Home Assistant 2025.11, announced in home-assistant/developers.home-assistant
 * blog/2025-10-16-recorder-statistics-api-changes.md ("Changes to the recorder statistics API"), code in
 * home-assistant/core homeassistant/components/recorder/websocket_api.py `ws_import_statistics`. Before it the
 * schema has `vol.Required("has_mean"): bool` and no other optional key, so the new keys are rejected as extra.
 */
export const STATISTICS_MEAN_TYPE_VERSION = '2025.11.0';

/**
 * The same blog post: "Not specifying the `mean_type` / `unit_class` is deprecated and will stop working in
 * Home Assistant Core 2026.11". From that release the stand-in refuses an import without them.
 */
export const STATISTICS_MEAN_TYPE_REQUIRED_VERSION = '2026.11.0';
