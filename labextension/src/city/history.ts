/**
 * Time travel over sparse per-step changes: the kernel sends the state before the first step
 * (`base`) and, for each step (a commit or a time bucket), the buildings it changed with their
 * new height and colour values (height < 0: the file does not exist then). One forward pass keeps
 * each event's previous values, so stepping backwards costs as little as stepping forwards.
 */
export interface ITimelineData {
  times: Float64Array; // epoch seconds, one per step
  offsets: Uint32Array; // steps + 1: events of step k are offsets[k]..offsets[k+1]
  ids: Uint32Array; // building per event
  heights: Float32Array; // value after the event
  colors: Float32Array;
  baseHeights: Float32Array; // per building, before step 0
  baseColors: Float32Array;
}

/** A position in the timeline with its own state arrays. */
export class TimelineCursor {
  constructor(private readonly tl: Timeline) {
    this.heights = tl.data.baseHeights.slice();
    this.colors = tl.data.baseColors.slice();
  }

  /** Move to the state after step `k` (-1: before the first step). */
  seek(k: number): void {
    const { offsets, ids, heights, colors } = this.tl.data;
    const target = Math.max(-1, Math.min(this.tl.steps - 1, k));
    while (this.step < target) {
      this.step++;
      for (let e = offsets[this.step]; e < offsets[this.step + 1]; e++) {
        this.heights[ids[e]] = heights[e];
        this.colors[ids[e]] = colors[e];
      }
    }
    while (this.step > target) {
      for (let e = offsets[this.step + 1] - 1; e >= offsets[this.step]; e--) {
        this.heights[ids[e]] = this.tl.prevHeights[e];
        this.colors[ids[e]] = this.tl.prevColors[e];
      }
      this.step--;
    }
  }

  step = -1;
  readonly heights: Float32Array;
  readonly colors: Float32Array;
}

export class Timeline {
  constructor(readonly data: ITimelineData) {
    const { offsets, ids, heights, colors, baseHeights, baseColors } = data;
    const n = ids.length;
    this.prevHeights = new Float32Array(n);
    this.prevColors = new Float32Array(n);
    const h = baseHeights.slice();
    const c = baseColors.slice();
    for (let e = 0; e < n; e++) {
      const i = ids[e];
      this.prevHeights[e] = h[i];
      this.prevColors[e] = c[i];
      h[i] = heights[e];
      c[i] = colors[e];
    }
    this.steps = Math.max(0, offsets.length - 1);
  }

  cursor(): TimelineCursor {
    return new TimelineCursor(this);
  }

  readonly steps: number;
  readonly prevHeights: Float32Array;
  readonly prevColors: Float32Array;
}

/**
 * The change of a metric between two states, per building: b - a, where an absent file (height
 * < 0) or a missing value counts as 0; for a categorical metric 1 if the category changed.
 */
export function deltaValues(
  a: { heights: Float32Array; values: Float32Array },
  b: { heights: Float32Array; values: Float32Array },
  categorical: boolean
): { diff: Float32Array; extent: number } {
  const n = a.heights.length;
  const diff = new Float32Array(n);
  let extent = 0;
  for (let i = 0; i < n; i++) {
    const va = a.heights[i] < 0 || Number.isNaN(a.values[i]) ? 0 : a.values[i];
    const vb = b.heights[i] < 0 || Number.isNaN(b.values[i]) ? 0 : b.values[i];
    diff[i] = categorical ? Number(va !== vb) : vb - va;
    extent = Math.max(extent, Math.abs(diff[i]));
  }
  return { diff, extent };
}
