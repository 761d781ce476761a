/**
 * Feature importance (mean decrease in impurity) as horizontal bars, the most important
 * features first, drawn with d3. Feature names are set as text (d3's .text), never as HTML.
 */
import * as d3 from 'd3';

export const IMPORTANCE_BARS = 12;

export function drawImportances(svgNode: SVGSVGElement, names: readonly string[], importances: ArrayLike<number>, bars = IMPORTANCE_BARS): void {
  const rows = Array.from(names, (name, k) => ({ name, value: importances[k] ?? 0 }))
    .sort((a, b) => b.value - a.value)
    .slice(0, bars);
  const width = 360;
  const barHeight = 14;
  const labelWidth = 230;
  const height = rows.length * barHeight + 18;
  const svg = d3.select(svgNode).attr('width', width).attr('height', height).attr('role', 'img').attr('aria-label', 'feature importance');
  svg.selectAll('*').remove();
  const x = d3
    .scaleLinear()
    .domain([0, d3.max(rows, r => r.value) || 1])
    .range([0, width - labelWidth - 40]);
  const g = svg.append('g').attr('transform', `translate(${labelWidth},2)`);
  const row = g
    .selectAll('g.row')
    .data(rows)
    .join('g')
    .attr('class', 'row')
    .attr('transform', (_, i) => `translate(0,${i * barHeight})`);
  row.append('rect').attr('height', barHeight - 3).attr('width', r => Math.max(1, x(r.value))).attr('class', 'jp-SegLab-importanceBar');
  row.append('text').attr('x', -4).attr('y', barHeight - 5).attr('text-anchor', 'end').attr('class', 'jp-SegLab-importanceLabel').text(r => r.name);
  row.append('text').attr('x', r => x(r.value) + 3).attr('y', barHeight - 5).attr('class', 'jp-SegLab-importanceValue').text(r => r.value.toFixed(3));
  g.append('g').attr('transform', `translate(0,${rows.length * barHeight})`).call(d3.axisBottom(x).ticks(4).tickSize(3));
}
