import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

export interface ChartSeries {
  readonly label: string;
  /** A CSS colour (token). */
  readonly color: string;
  readonly values: readonly number[];
}

const W = 300;
const H = 90;

/** `points` attribute of an SVG polyline for values on a 0…max scale, newest on the right. */
export function polylinePoints(values: readonly number[], max: number, slots: number): string {
  if (!values.length) return '';
  const step = W / Math.max(1, slots - 1);
  const offset = slots - values.length;
  return values
    .map((v, i) => {
      const x = (offset + i) * step;
      const y = H - (max > 0 ? Math.min(1, Math.max(0, v / max)) : 0) * (H - 4) - 2;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/** A small line chart in SVG (no chart library): one or two series, fixed window, current values. */
@Component({
  selector: 'cap-line-chart',
  template: `
    <figure class="chart">
      <figcaption>
        <span class="title">{{ title() }}</span>
        @for (s of series(); track s.label) {
          <span class="legend"
            ><i [style.background]="s.color"></i>{{ s.label }} {{ format()(last(s)) }}</span
          >
        }
      </figcaption>
      <svg
        [attr.viewBox]="'0 0 ' + w + ' ' + h"
        preserveAspectRatio="none"
        role="img"
        [attr.aria-label]="ariaLabel()"
      >
        <line x1="0" [attr.y1]="h / 2" [attr.x2]="w" [attr.y2]="h / 2" class="grid" />
        @for (s of series(); track s.label) {
          <polyline
            [attr.points]="points(s)"
            fill="none"
            [attr.stroke]="s.color"
            stroke-width="1.8"
            vector-effect="non-scaling-stroke"
          />
        }
      </svg>
      <div class="scale muted">
        <span>max {{ format()(max()) }}</span>
      </div>
    </figure>
  `,
  styles: `
    .chart {
      margin: 0;
      border: 1px solid var(--border);
      border-radius: var(--radius-lg);
      background: var(--surface);
      padding: 0.75rem;
    }
    figcaption {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 0.75rem;
      align-items: baseline;
      margin-bottom: 0.4rem;
      font-size: 0.85rem;
    }
    .title {
      font-weight: 600;
    }
    .legend i {
      display: inline-block;
      width: 0.7rem;
      height: 0.2rem;
      margin-right: 0.3rem;
      vertical-align: middle;
      border-radius: 1px;
    }
    svg {
      width: 100%;
      height: 90px;
      display: block;
    }
    .grid {
      stroke: var(--border);
      stroke-dasharray: 3 3;
    }
    .scale {
      font-size: 0.75rem;
      text-align: right;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LineChart {
  readonly title = input.required<string>();
  readonly series = input.required<readonly ChartSeries[]>();
  /** Samples across the chart. */
  readonly slots = input(60);
  /** Fixed top of the scale (e.g. 100 for %); otherwise the largest value. */
  readonly fixedMax = input<number | null>(null);
  readonly format = input<(v: number) => string>((v) => v.toFixed(1));

  protected readonly w = W;
  protected readonly h = H;
  protected readonly max = computed(() => {
    const fixed = this.fixedMax();
    if (fixed !== null) return fixed;
    const top = Math.max(0, ...this.series().flatMap((s) => s.values));
    return top > 0 ? top * 1.1 : 1;
  });
  protected readonly ariaLabel = computed(
    () =>
      `${this.title()}: ${this.series()
        .map((s) => `${s.label} ${this.format()(this.last(s))}`)
        .join(', ')}`,
  );

  protected points(s: ChartSeries): string {
    return polylinePoints(s.values, this.max(), this.slots());
  }

  protected last(s: ChartSeries): number {
    return s.values[s.values.length - 1] ?? 0;
  }
}
