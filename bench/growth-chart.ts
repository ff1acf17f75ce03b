/** One point of the growth table: a backfill of `pdls` meters to every destination at once. */
export interface GrowthPoint {
  pdls: number;
  seconds: number;
  rows: number;
  peakRssMb: number;
}

const WIDTH = 640;
const HEIGHT = 320;
const MARGIN = { left: 56, right: 64, top: 36, bottom: 44 };

/**
 * The growth table drawn as a small SVG: seconds (left axis) and peak RSS (right axis) against the number of
 * PDLs, with the straight line through the origin and the first point that linear growth would follow.
 */
export function growthChartSvg(points: readonly GrowthPoint[], title: string): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const maxPdls = Math.max(...points.map((point) => point.pdls));
  const first = points[0]!;
  const linearAtMax = (first.seconds / first.pdls) * maxPdls;
  const maxSeconds = niceCeiling(Math.max(linearAtMax, ...points.map((point) => point.seconds)));
  const maxRss = niceCeiling(Math.max(...points.map((point) => point.peakRssMb)) * 1.2);
  const x = (pdls: number) => MARGIN.left + (pdls / maxPdls) * plotWidth;
  const ySeconds = (seconds: number) => MARGIN.top + plotHeight - (seconds / maxSeconds) * plotHeight;
  const yRss = (mb: number) => MARGIN.top + plotHeight - (mb / maxRss) * plotHeight;
  const path = (coordinates: readonly [number, number][]) =>
    coordinates
      .map(([px, py], index) => `${index === 0 ? 'M' : 'L'}${px.toFixed(1)},${py.toFixed(1)}`)
      .join(' ');
  const secondsLine = path(points.map((point) => [x(point.pdls), ySeconds(point.seconds)]));
  const rssLine = path(points.map((point) => [x(point.pdls), yRss(point.peakRssMb)]));
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const text = (px: number, py: number, content: string, anchor = 'middle', color = '#333') =>
    `<text x="${px.toFixed(1)}" y="${py.toFixed(1)}" text-anchor="${anchor}" fill="${color}">${content}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    text(WIDTH / 2, 20, title),
    ...ticks.flatMap((tick) => [
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${ySeconds(tick * maxSeconds).toFixed(1)}" y2="${ySeconds(tick * maxSeconds).toFixed(1)}" stroke="#eee"/>`,
      text(
        MARGIN.left - 6,
        ySeconds(tick * maxSeconds) + 4,
        `${Math.round(tick * maxSeconds)} s`,
        'end',
        '#1f77b4',
      ),
      text(
        WIDTH - MARGIN.right + 6,
        yRss(tick * maxRss) + 4,
        `${Math.round(tick * maxRss)} MB`,
        'start',
        '#d62728',
      ),
    ]),
    ...points.map((point) => text(x(point.pdls), HEIGHT - MARGIN.bottom + 16, String(point.pdls))),
    text(WIDTH / 2, HEIGHT - 8, 'PDLs backfilled to every destination at once'),
    `<path d="${path([
      [x(0), ySeconds(0)],
      [x(maxPdls), ySeconds(linearAtMax)],
    ])}" stroke="#1f77b4" stroke-dasharray="4 4" fill="none"/>`,
    `<path d="${secondsLine}" stroke="#1f77b4" stroke-width="2" fill="none"/>`,
    `<path d="${rssLine}" stroke="#d62728" stroke-width="2" fill="none"/>`,
    ...points.map(
      (point) =>
        `<circle cx="${x(point.pdls).toFixed(1)}" cy="${ySeconds(point.seconds).toFixed(1)}" r="3" fill="#1f77b4"/>`,
    ),
    ...points.map(
      (point) =>
        `<circle cx="${x(point.pdls).toFixed(1)}" cy="${yRss(point.peakRssMb).toFixed(1)}" r="3" fill="#d62728"/>`,
    ),
    text(MARGIN.left + 8, MARGIN.top + 12, 'seconds (dashed: linear from 1 PDL)', 'start', '#1f77b4'),
    text(MARGIN.left + 8, MARGIN.top + 28, 'peak RSS (/usr/bin/time -v)', 'start', '#d62728'),
    '</svg>',
    '',
  ].join('\n');
}

/** 1, 2 or 5 times a power of ten, at or above the value: round axis ends. */
function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= value)!;
}
