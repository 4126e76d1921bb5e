import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface LineSeries {
  label: string;
  /** One value per x; null where there is none (no target, or suppressed). */
  values: (number | null)[];
  emphasis?: boolean;
}

/**
 * A line chart drawn by uPlot (small, canvas, kept up by its author since 2019). The canvas is hidden from
 * assistive technology: the figure's caption names it and `describedBy` points at the table with the same
 * numbers, which is the text alternative (and what prints in black and white).
 */
export function LineChart(props: {
  days: string[];
  series: LineSeries[];
  yLabel: string;
  caption: string;
  describedBy: string;
  target?: number;
}): preact.JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = props.days.map((d) => Date.parse(`${d}T12:00:00Z`) / 1000);
    const lines = props.series.map((s, i) => ({
      label: s.label,
      stroke: s.emphasis ? '#0b0c0c' : `hsl(${Math.round((i * 360) / Math.max(1, props.series.length))} 70% 40%)`,
      width: s.emphasis ? 3 : 1.5,
      spanGaps: true,
      value: (_u: uPlot, v: number | null) => (v === null ? '–' : `${v.toFixed(2)}%`),
    }));
    const targetLine = props.target === undefined ? [] : [{ label: `${props.target}%`, stroke: '#d4351c', dash: [6, 4], width: 1 }];
    const data = [
      xs,
      ...props.series.map((s) => s.values),
      ...(props.target === undefined ? [] : [xs.map(() => props.target!)]),
    ] as uPlot.AlignedData;
    const plot = new uPlot(
      {
        width: Math.max(280, el.clientWidth),
        height: 260,
        series: [{ value: (_u, v) => (v === null ? '–' : new Date(v * 1000).toISOString().slice(0, 10)) }, ...lines, ...targetLine],
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(100, Math.ceil(max / 10) * 10)] } },
        axes: [{}, { label: props.yLabel, values: (_u, ticks) => ticks.map((v) => `${v}%`) }],
        legend: { live: true },
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 260 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.days, props.series, props.yLabel, props.target]);
  return (
    <figure class="chart" aria-describedby={props.describedBy}>
      <figcaption>{props.caption}</figcaption>
      <div ref={box} aria-hidden="true" />
    </figure>
  );
}
