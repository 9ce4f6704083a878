// Time charts through uPlot (bundled: ~50 KB minified, canvas, no DOM per point). Each chart sizes
// itself to its container, so the same page reads on a laptop and on a phone.
import uPlot from "uplot";
import { h } from "./dom.ts";

const PALETTE = ["#2563eb", "#d97706", "#059669", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#475569", "#ea580c"];
const HEIGHT = 200;

export interface Line {
  label: string;
  values: (number | null)[];
}

const live = new Set<{ plot: uPlot | undefined; observer: ResizeObserver }>();

/** Ends the charts of the page being left. */
export function destroyCharts() {
  for (const chart of live) {
    chart.observer.disconnect();
    chart.plot?.destroy();
  }
  live.clear();
}

/** Lines over bucket starts (epoch seconds), times shown in UTC like the buckets; `format` labels the y values. */
export function timeChart(title: string, xs: number[], lines: Line[], format: (value: number) => string, testid?: string): HTMLElement {
  const host = h("div", { class: "chart", role: "img", "aria-label": title, "data-testid": testid });
  const options = (width: number): uPlot.Options => ({
    title,
    width,
    height: HEIGHT,
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
    scales: { y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
    axes: [{}, { values: (_u, splits) => splits.map(format), size: 70 }],
    series: [
      {},
      ...lines.map((line, i) => ({
        label: line.label,
        stroke: PALETTE[i % PALETTE.length],
        width: 2,
        points: { show: true, size: 4 },
        value: (_u: uPlot, value: number | null) => (value === null ? "–" : format(value)),
      })),
    ],
  });
  const chart = { plot: undefined as uPlot | undefined, observer: new ResizeObserver(() => resize()) };
  const resize = () => {
    const width = Math.floor(host.clientWidth);
    if (width <= 0) return;
    if (chart.plot) chart.plot.setSize({ width, height: HEIGHT });
    else chart.plot = new uPlot(options(width), [xs, ...lines.map((line) => line.values)] as uPlot.AlignedData, host);
  };
  chart.observer.observe(host);
  live.add(chart);
  return host;
}
