/**
 * Test-side rule, computed with Intl independently of the exporter's domain code: the start of the interval
 * MyElectricalData labels `date label`. Its label is the end minus the length on the naive wall clock
 * (shared/myelectricaldata/README.md, adapters/enedis.py::_shift_timestamps_to_interval_start), so the start is
 * the end's instant, a repeated autumn time read as its later occurrence, minus the length.
 */

const offsetFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  timeZoneName: 'shortOffset',
});

function parisOffsetHours(ms: number): number {
  const name = offsetFormat.formatToParts(new Date(ms)).find((part) => part.type === 'timeZoneName')!.value;
  return Number(/GMT([+-]\d+)/.exec(name)![1]);
}

export function medIntervalStart(date: string, label: string, minutes: number): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = label.split(':').map(Number) as [number, number];
  const endWall = Date.UTC(y, m - 1, d, hh, mm + minutes);
  for (const offset of [1, 2]) {
    const candidate = endWall - offset * 3_600_000;
    if (parisOffsetHours(candidate) === offset) return candidate - minutes * 60_000;
  }
  throw new Error(`${date} ${label} ends at a time that does not exist in Europe/Paris`);
}
