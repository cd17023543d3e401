/**
 * One target's throughput over the last few minutes: keys/s or MiB/s into the target (a solid
 * line) and out of each source (dashed), each in its node's colour. The chart redraws once per
 * batch that brought this target samples, and not at all while it is scrolled out of sight.
 */
import { memo, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatRate } from '../../../core/util/format-units.js';
import type { ConsoleState } from '../../store/console-state.js';
import { seriesKey, selectTargetSampleAt } from '../../store/metrics-slice.js';
import { useConsole, useConsoleStore } from '../console-context.js';
import { nodeColours, nodeLabel, type NodeIndex } from './cluster-nodes.js';
import { axisStart, secondsAgo, timeTicks } from './time-axis.js';
import { MIB } from './live-figures.js';
import { useIsOnScreen } from './use-on-screen.js';
import { ownEntry } from '../../../core/shared/own-entry.js';

export type ThroughputMetric = 'bytes' | 'keys';

/** Three minutes of one-second samples. */
export const CHART_SECONDS = 180;

interface ChartLine {
  /** A stable key per node (its number), never its address: recharts reads dots as paths. */
  readonly dataKey: string;
  readonly node: string;
  readonly role: 'target' | 'source';
  readonly colour: string;
}

/** `t`: seconds before the newest sample (0 is now, -60 a minute ago). */
type ChartRow = { at: number; t: number } & Record<string, number>;

/** The chart's lines and rows, from the ring buffers, newest CHART_SECONDS samples of each node. */
export function chartData(
  state: ConsoleState,
  jobId: string,
  target: string,
  sources: readonly string[],
  metric: ThroughputMetric,
  nodes: NodeIndex,
): { lines: ChartLine[]; rows: ChartRow[] } {
  const lines: ChartLine[] = [target, ...sources].map((node, i) => ({
    dataKey: `n${nodeLabel(nodes, node) === '?' ? `x${i}` : nodeLabel(nodes, node)}`,
    node,
    role: i === 0 ? 'target' : 'source',
    colour: nodeColours(nodes, node).fill,
  }));
  const byTime = new Map<number, ChartRow>();
  for (const line of lines) {
    const samples = state.throughput[seriesKey(jobId, target, line.node)]?.samples;
    if (samples === undefined) continue;
    for (let i = Math.max(0, samples.size - CHART_SECONDS); i < samples.size; i++) {
      const sample = samples.at(i);
      if (sample === undefined) continue;
      let row = byTime.get(sample.at);
      if (row === undefined) {
        row = { at: sample.at, t: 0 } as ChartRow;
        byTime.set(sample.at, row);
      }
      row[line.dataKey] = metric === 'bytes' ? sample.bytesPerSecond / MIB : sample.keysPerSecond;
    }
  }
  const rows = [...byTime.values()].sort((a, b) => a.at - b.at).slice(-CHART_SECONDS);
  const newest = rows.at(-1)?.at ?? 0;
  // Tenths of a second: the last sample of a resync comes when it ends, often a fraction of a
  // second after the one before, and must not be drawn on top of it.
  for (const row of rows) row.t = Math.round((row.at - newest) / 100) / 10;
  return { lines, rows };
}

export const ThroughputChart = memo(function ThroughputChart(props: {
  readonly jobId: string;
  readonly target: string;
  readonly metric: ThroughputMetric;
  readonly nodes: NodeIndex;
}) {
  const { jobId, target, metric, nodes } = props;
  const store = useConsoleStore();
  const box = useRef<HTMLDivElement>(null);
  const isOnScreen = useIsOnScreen(box);
  const selectAt = useMemo(() => selectTargetSampleAt(jobId, target), [jobId, target]);
  const sampleAt = useConsole(isOnScreen ? selectAt : selectNothing);
  // Out of sight, the chart keeps the last data it drew.
  const shownAt = useRef(0);
  if (isOnScreen) shownAt.current = sampleAt;
  const sources = useConsole(
    useShallow((state: ConsoleState) =>
      (ownEntry(state.totals[jobId], target) ?? [])
        .filter((node) => node.role === 'source')
        .map((node) => node.node),
    ),
  );
  const data = useMemo(
    () => chartData(store.getState(), jobId, target, sources, metric, nodes),
    // shownAt.current stands for the ring buffers' contents, which change in place.
    [store, jobId, target, sources, metric, nodes, shownAt.current],
  );
  const unit = metric === 'bytes' ? 'MiB/s' : 'keys/s';
  return (
    <figure className="throughput-chart" ref={box}>
      <figcaption>
        {unit}: into {target} (solid), out of its sources (dashed)
      </figcaption>
      {data.rows.length === 0 ? (
        <p className="muted chart-empty">No samples yet.</p>
      ) : (
        <ChartView rows={data.rows} lines={data.lines} unit={unit} />
      )}
    </figure>
  );
});

const selectNothing = () => 0;

const ChartView = memo(function ChartView(props: {
  readonly rows: readonly ChartRow[];
  readonly lines: readonly ChartLine[];
  readonly unit: string;
}) {
  const { rows, lines, unit } = props;
  return (
    <LineChart
      className="throughput-plot"
      data={rows as ChartRow[]}
      responsive
      style={{ width: '100%', height: 150 }}
      margin={{ top: 6, right: 12, bottom: 0, left: 0 }}
    >
      <CartesianGrid strokeDasharray="2 4" className="chart-grid" />
      {/* Ticks given and interval 0: recharts then places them without measuring their text,
          which would force a layout of the page on every redraw. */}
      <XAxis
        dataKey="t"
        type="number"
        domain={[axisStart(rows[0]?.t ?? 0), 0]}
        ticks={timeTicks(rows[0]?.t ?? 0)}
        interval={0}
        tickFormatter={secondsAgo}
        className="chart-axis"
      />
      <YAxis
        width={52}
        tickCount={4}
        interval={0}
        tickFormatter={formatValue}
        className="chart-axis"
      />
      <Tooltip
        isAnimationActive={false}
        labelFormatter={(t) => secondsAgo(Number(t))}
        formatter={(value, name) => [`${formatValue(Number(value))} ${unit}`, String(name)]}
        wrapperClassName="chart-tooltip"
      />
      {lines.map((line) => (
        <Line
          key={line.dataKey}
          dataKey={line.dataKey}
          name={`${line.role === 'target' ? 'in' : 'out of'} node ${line.dataKey.slice(1)}`}
          stroke={line.colour}
          strokeWidth={line.role === 'target' ? 2.5 : 1.5}
          strokeDasharray={line.role === 'target' ? '0' : '5 3'}
          dot={false}
          isAnimationActive={false}
          connectNulls
        />
      ))}
    </LineChart>
  );
});

// MiB/s are often below 10, where a whole number would say 0 or 1: one decimal there.
function formatValue(value: number): string {
  return value > 0 && value < 10 ? value.toFixed(1) : formatRate(value);
}
