import * as d3 from 'd3';
import { Widget } from '@lumino/widgets';
import { Range } from '../../core/contrast';
import { Histogram } from '../../core/histogram';

const WIDTH = 240;
const HEIGHT = 72;
const PAD = 6;

/**
 * The histogram of the shown slice with the contrast limits as two handles you drag (d3),
 * napari's contrast-limits slider with the distribution visible under it. The handles are ARIA
 * sliders: focus one and use the arrow keys (Shift for bigger steps).
 */
export class ContrastHistogram extends Widget {
  private readonly svg: d3.Selection<SVGSVGElement, unknown, null, undefined>;
  private hist: Histogram | null = null;
  private limits: Range = [0, 1];
  private gamma = 1;

  constructor(private readonly onLimitsChange: (limits: Range) => void) {
    super();
    this.addClass('jp-SegLab-histogram');
    this.svg = d3
      .select(this.node)
      .append('svg')
      .attr('viewBox', `0 0 ${WIDTH} ${HEIGHT}`)
      .attr('role', 'group')
      .attr('aria-label', 'Histogram and contrast limits');
    this.svg.append('g').attr('class', 'jp-SegLab-histogramBars');
    this.svg.append('path').attr('class', 'jp-SegLab-histogramGamma');
    for (const which of [0, 1] as const) {
      this.svg
        .append('rect')
        .attr('class', 'jp-SegLab-histogramHandle')
        .attr('data-handle', which === 0 ? 'low' : 'high')
        .attr('tabindex', 0)
        .attr('role', 'slider')
        .attr('aria-label', which === 0 ? 'Lower contrast limit' : 'Upper contrast limit')
        .on('keydown', (event: KeyboardEvent) => this.onKey(event, which))
        .call(
          d3.drag<SVGRectElement, unknown>().on('drag', (event: d3.D3DragEvent<SVGRectElement, unknown, unknown>) => {
            this.moveHandle(which, this.x().invert(event.x));
          })
        );
    }
  }

  /** Shows a new histogram, limits and gamma (e.g. when the slice or the layer changes). */
  setState(hist: Histogram, limits: Range, gamma = 1): void {
    this.hist = hist;
    this.limits = [limits[0], limits[1]];
    this.gamma = gamma;
    this.draw();
  }

  /** The domain shown: the data range widened to include the limits. */
  private x(): d3.ScaleLinear<number, number> {
    const [lo, hi] = this.hist ? this.hist.range : this.limits;
    return d3
      .scaleLinear()
      .domain([Math.min(lo, this.limits[0]), Math.max(hi, this.limits[1])])
      .range([PAD, WIDTH - PAD])
      .clamp(true);
  }

  private moveHandle(which: 0 | 1, value: number): void {
    const next: Range = [...this.limits] as Range;
    next[which] = value;
    // Keep low < high: a handle dragged past the other stops just before it.
    const [lo, hi] = this.x().domain();
    const minGap = (hi - lo) / 1000 || 1e-9;
    if (which === 0) next[0] = Math.min(next[0], next[1] - minGap);
    else next[1] = Math.max(next[1], next[0] + minGap);
    this.limits = next;
    this.draw();
    this.onLimitsChange(next);
  }

  private onKey(event: KeyboardEvent, which: 0 | 1): void {
    const [lo, hi] = this.x().domain();
    const step = ((hi - lo) / 100) * (event.shiftKey ? 10 : 1);
    const delta = { ArrowLeft: -step, ArrowDown: -step, ArrowRight: step, ArrowUp: step }[event.key];
    if (delta === undefined) return;
    event.preventDefault();
    event.stopPropagation();
    this.moveHandle(which, this.limits[which] + delta);
  }

  private draw(): void {
    const x = this.x();
    const bars = this.svg.select<SVGGElement>('.jp-SegLab-histogramBars');
    if (this.hist) {
      const { counts, range } = this.hist;
      const binWidth = (range[1] - range[0]) / counts.length;
      // Log counts: microscopy histograms are dominated by background.
      const y = d3
        .scaleLinear()
        .domain([0, Math.log1p(d3.max(counts) ?? 1)])
        .range([HEIGHT - PAD, PAD]);
      bars
        .selectAll('rect')
        .data(Array.from(counts))
        .join('rect')
        .attr('x', (_, i) => x(range[0] + i * binWidth))
        .attr('width', (_, i) => Math.max(0.5, x(range[0] + (i + 1) * binWidth) - x(range[0] + i * binWidth)))
        .attr('y', c => y(Math.log1p(c)))
        .attr('height', c => HEIGHT - PAD - y(Math.log1p(c)));
    }
    const [l0, l1] = this.limits;
    const curve = d3.range(0, 1.0001, 0.05).map(t => [x(l0 + t * (l1 - l0)), HEIGHT - PAD - (HEIGHT - 2 * PAD) * t ** this.gamma]);
    this.svg.select('.jp-SegLab-histogramGamma').attr('d', d3.line()(curve as Array<[number, number]>));
    this.svg
      .selectAll<SVGRectElement, unknown>('.jp-SegLab-histogramHandle')
      .attr('x', (_, i) => x(this.limits[i]) - 3)
      .attr('y', 0)
      .attr('width', 6)
      .attr('height', HEIGHT)
      .attr('aria-valuenow', (_, i) => this.limits[i])
      .attr('aria-valuemin', x.domain()[0])
      .attr('aria-valuemax', x.domain()[1])
      .attr('aria-valuetext', (_, i) => formatValue(this.limits[i]));
  }
}

function formatValue(v: number): string {
  return Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : String(+v.toPrecision(6));
}
