/**
 * One view of a CodeCity model: decodes the binary traits, keeps the scene in step with the
 * model (metrics, filter fade, highlights, selection, time, delta) and handles the pointer.
 */
import {
  colorize,
  ColorMode,
  IColorScale,
  parseColor,
  readTheme,
  RGB
} from './colors';
import { deltaValues, Timeline, TimelineCursor } from './history';
import {
  asFloat32,
  asFloat64,
  asUint16,
  asUint32,
  asUint8,
  ICityModel,
  IHighlight,
  PathTable
} from './model';
import { CityScene, ICityGeometry } from './scene';
import { CityControls, formatValue } from './ui';

const DAY_S = 86400;
const MAX_LABELS = 24;
const DATA_TRAITS = [
  'heights',
  'colors',
  'color_mode',
  'color_range',
  'color_data_range',
  'palette',
  'categories',
  'color_age',
  'hist_heights',
  'hist_colors',
  'hist_base_heights',
  'hist_base_colors',
  'hist_offsets',
  'height_label',
  'color_label',
  'delta'
];

/** The state shown at one time: raw heights and colour values. */
interface IState {
  heights: Float32Array;
  colors: Float32Array;
  now: number; // epoch seconds
}

export class CityView {
  constructor(
    private readonly model: ICityModel,
    readonly root: HTMLElement
  ) {
    root.classList.add('cp-city');
    root.style.height = `${Number(model.get('view_height')) || 480}px`;
    this.stage = document.createElement('div');
    this.stage.className = 'cp-city-stage';
    root.appendChild(this.stage);
    this.scene = new CityScene(this.stage, readTheme(root));
    this.controls = new CityControls(root, this.stage, {
      onResetView: () => this.scene.resetView(),
      onPng: () => this.downloadPng(),
      onTime: step => this.setTime(step >= this.steps ? -1 : step),
      onPlay: playing => this.setTraits({ playing }),
      onClamp: range => this.setTraits({ color_range: range ?? [] })
    });
    this.paths = new PathTable(model);
    this.scene.setGeometry(this.geometry());
    this.loadTimeline();
    this.update(0);
    this.updateFade();
    this.updateHighlights();
    this.updateSelected();
    this.listen();
    const stage = this.stage;
    this.resizeObserver = new ResizeObserver(() =>
      this.scene.resize(stage.clientWidth, stage.clientHeight)
    );
    this.resizeObserver.observe(stage);
    this.themeObserver = new MutationObserver(() =>
      this.scene.applyTheme(readTheme(root))
    );
    this.themeObserver.observe(document.body, {
      attributes: true,
      attributeFilter: ['data-jp-theme-light', 'data-jp-theme-name']
    });
    (root as any).codecity = this; // hook for tests and the lab extension
  }

  private geometry(): ICityGeometry {
    const m = this.model;
    const world = Number(m.get('world_size')) || 1;
    const q = world / 65535;
    const scale = (a: Uint16Array) => Float32Array.from(a, v => v * q);
    const districts = scale(asUint16(m.get('district_rects')));
    const districtDepth = asUint8(m.get('district_depth'));
    const rects = scale(asUint16(m.get('building_rects')));
    const dirs = this.paths.dirIndex;
    const base = Float32Array.from(dirs, d => (districtDepth[d] ?? 0) + 1);
    // top-level districts first, then the largest deeper ones that are not too small
    const minArea = world * world * 0.01;
    const order = Array.from(districtDepth.keys())
      .filter(i => districtDepth[i] > 0)
      .map(i => {
        const [x0, z0, x1, z1] = districts.subarray(4 * i, 4 * i + 4);
        return { i, area: (x1 - x0) * (z1 - z0), top: districtDepth[i] === 1 };
      })
      .filter(d => d.top || d.area >= minArea)
      .sort((a, b) => Number(b.top) - Number(a.top) || b.area - a.area)
      .slice(0, MAX_LABELS);
    const labels = order.map(({ i, top }) => ({
      text: top
        ? this.paths.dirs[i]
        : (this.paths.dirs[i].split('/').pop() ?? ''),
      district: i
    }));
    return { world, rects, base, districts, districtDepth, labels };
  }

  private loadTimeline(): void {
    const m = this.model;
    const offsets = asUint32(m.get('hist_offsets'));
    if (offsets.length < 2) {
      this.timeline = undefined;
      this.cursor = undefined;
      return;
    }
    this.timeline = new Timeline({
      times: asFloat64(m.get('hist_times')),
      offsets,
      ids: asUint32(m.get('hist_ids')),
      heights: asFloat32(m.get('hist_heights')),
      colors: asFloat32(m.get('hist_colors')),
      baseHeights: asFloat32(m.get('hist_base_heights')),
      baseColors: asFloat32(m.get('hist_base_colors'))
    });
    this.cursor = this.timeline.cursor();
    let max = 0;
    for (const arr of [
      this.timeline.data.heights,
      this.timeline.data.baseHeights
    ]) {
      for (let i = 0; i < arr.length; i++) {
        max = arr[i] > max ? arr[i] : max;
      }
    }
    this.historyHeightMax = max;
  }

  get steps(): number {
    return this.timeline?.steps ?? 0;
  }

  /** State at step k (-1: now, from the files table). */
  private stateAt(k: number, cursor?: TimelineCursor): IState {
    const m = this.model;
    if (k < 0 || !this.timeline) {
      return {
        heights: asFloat32(m.get('heights')),
        colors: asFloat32(m.get('colors')),
        now: Number(m.get('as_of')) || Date.now() / 1000
      };
    }
    const c = cursor ?? this.cursor ?? this.timeline.cursor();
    c.seek(k);
    return {
      heights: c.heights,
      colors: c.colors,
      now: this.timeline.data.times[k]
    };
  }

  /** Colour values as shown (age metrics are stored as the day of the last change). */
  private display(state: IState): Float32Array {
    if (!this.model.get('color_age')) {
      return state.colors;
    }
    const today = state.now / DAY_S;
    return Float32Array.from(state.colors, v => today - v);
  }

  private scale(): IColorScale {
    const m = this.model;
    const mode = (m.get('color_mode') as ColorMode) || 'continuous';
    const palette = ((m.get('palette') as string[]) ?? []).map(c =>
      parseColor(c)
    );
    const clamp = (m.get('color_range') as number[]) ?? [];
    const data = (m.get('color_data_range') as number[]) ?? [];
    const range = (
      clamp.length === 2 ? clamp : data.length === 2 ? data : [0, 1]
    ) as [number, number];
    return { mode, range, palette };
  }

  /** Recompute what is shown (time, delta, metrics) and animate to it. */
  update(durationMs: number): void {
    const m = this.model;
    const n = this.paths.count;
    const k = this.steps ? Number(m.get('time_index') ?? -1) : -1;
    const delta = ((m.get('delta') as number[]) ?? []).map(Number);
    const state = this.stateAt(k);
    let values = this.display(state);
    let scale = this.scale();
    this.deltaValues = undefined;
    if (delta.length === 2 && this.timeline) {
      const cursor = this.timeline.cursor(); // its arrays change as it moves: copy what we keep
      const sa = this.stateAt(delta[0], cursor);
      const a = {
        heights: sa.heights.slice(),
        values: this.display(sa).slice()
      };
      const sb = this.stateAt(delta[1], cursor);
      const b = { heights: sb.heights, values: this.display(sb) };
      const { diff, extent } = deltaValues(a, b, scale.mode === 'categorical');
      values = diff;
      this.deltaValues = diff;
      scale = {
        mode: 'diverging',
        range: [-extent || -1, extent || 1],
        palette: []
      };
    }
    const heights = Float32Array.from(state.heights, h =>
      Number.isNaN(h) ? 0 : h
    );
    const rgb = new Float32Array(3 * n);
    colorize(values, scale, rgb);
    let max = this.historyHeightMax;
    for (let i = 0; i < n; i++) {
      max = heights[i] > max ? heights[i] : max;
    }
    this.shown = { heights, colors: values.slice(), now: state.now };
    this.scene.setHeightMax(max);
    this.scene.show(heights, rgb, durationMs);
    this.updateLegend(scale, delta.length === 2);
    this.updateTimeControls(k);
  }

  private updateLegend(scale: IColorScale, isDelta: boolean): void {
    const m = this.model;
    const label = String(m.get('color_label') ?? '');
    if (scale.mode === 'categorical') {
      this.controls.legendCategorical(
        label,
        (m.get('categories') as string[]) ?? [],
        scale.palette
      );
    } else {
      const data = ((m.get('color_data_range') as number[]) ?? scale.range) as [
        number,
        number
      ];
      const title = isDelta ? `Δ ${label}` : label;
      this.controls.legendContinuous(title, scale.mode, scale.range, data);
    }
    const shown = this.shown
      ? this.shown.heights.filter(h => h >= 0).length
      : 0;
    this.controls.setStatus(
      `${shown.toLocaleString('en-US')} files · height: ${m.get('height_label')} · colour: ${label}`
    );
    this.controls.setTitle(String(m.get('title') ?? ''));
  }

  private updateTimeControls(k: number): void {
    const steps = this.steps;
    const position = k < 0 ? steps : k;
    let label = 'now';
    if (this.timeline && k >= 0) {
      label = new Date(this.timeline.data.times[k] * 1000)
        .toISOString()
        .slice(0, 10);
    }
    this.controls.setTimeline(
      steps,
      position,
      label,
      Boolean(this.model.get('playing'))
    );
  }

  private updateFade(): void {
    const mask = asUint8(this.model.get('fade_mask'));
    const n = this.paths.count;
    this.scene.setFade(
      mask.length === n ? Float32Array.from(mask) : new Float32Array(n)
    );
  }

  private updateHighlights(): void {
    const n = this.paths.count;
    const hi = new Float32Array(4 * n);
    for (const group of (this.model.get('highlights') as IHighlight[]) ?? []) {
      const c: RGB = parseColor(group.color, [1, 0.5, 0]);
      for (const id of group.ids) {
        if (id >= 0 && id < n) {
          hi.set([c[0], c[1], c[2], 1], 4 * id);
        }
      }
    }
    this.scene.setHighlights(hi);
  }

  private updateSelected(): void {
    const path = String(this.model.get('selected') ?? '');
    this.selectedId = path ? this.paths.find(path) : -1;
    this.scene.setSelected(this.selectedId);
    this.root.dataset.selected = path;
  }

  private setTime(k: number): void {
    this.setTraits({ time_index: k });
  }

  private setTraits(values: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(values)) {
      this.model.set(k, v);
    }
    this.model.save_changes();
  }

  private listen(): void {
    const m = this.model;
    const on = (event: string, cb: (...args: any[]) => void) => {
      m.on(event, cb);
      this.listeners.push([event, cb]);
    };
    let queued = false;
    const dataChanged = () => {
      if (!queued) {
        queued = true;
        queueMicrotask(() => {
          queued = false;
          this.loadTimeline();
          this.update(250);
        });
      }
    };
    for (const name of DATA_TRAITS) {
      on(`change:${name}`, dataChanged);
    }
    on('change:time_index', () =>
      this.update(m.get('playing') ? this.interval() : 250)
    );
    on('change:fade_mask', () => this.updateFade());
    on('change:highlights', () => this.updateHighlights());
    on('change:selected', () => this.updateSelected());
    on('change:playing', () => this.updatePlaying());
    on('change:title', () =>
      this.controls.setTitle(String(m.get('title') ?? ''))
    );
    on('msg:custom', (msg: any) => this.onMessage(msg));
    const canvas = this.scene.canvas;
    const move = (e: PointerEvent) => this.onPointerMove(e);
    const down = (e: PointerEvent) => (this.downAt = [e.clientX, e.clientY]);
    const up = (e: PointerEvent) => this.onPointerUp(e);
    const leave = () => this.controls.hideTooltip();
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerdown', down);
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('pointerleave', leave);
    this.domCleanup = () => {
      canvas.removeEventListener('pointermove', move);
      canvas.removeEventListener('pointerdown', down);
      canvas.removeEventListener('pointerup', up);
      canvas.removeEventListener('pointerleave', leave);
    };
    this.updatePlaying();
  }

  private interval(): number {
    return Number(this.model.get('play_interval_ms')) || 400;
  }

  private updatePlaying(): void {
    clearInterval(this.player);
    if (this.model.get('playing') && this.steps) {
      this.player = window.setInterval(() => {
        const k = Number(this.model.get('time_index'));
        if (k < 0 || k >= this.steps - 1) {
          this.setTraits(
            k < 0 ? { time_index: 0 } : { time_index: -1, playing: false }
          );
        } else {
          this.setTime(k + 1);
        }
      }, this.interval());
    }
    this.updateTimeControls(
      this.steps ? Number(this.model.get('time_index')) : -1
    );
  }

  private canvasPoint(e: PointerEvent): [number, number] {
    const r = this.scene.canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  private onPointerMove(e: PointerEvent): void {
    if (e.buttons) {
      this.controls.hideTooltip();
      return;
    }
    this.lastMove = e;
    if (this.hoverQueued) {
      return;
    }
    this.hoverQueued = true;
    requestAnimationFrame(() => {
      this.hoverQueued = false;
      const ev = this.lastMove;
      if (ev) {
        this.hover(...this.canvasPoint(ev));
      }
    });
  }

  private hover(x: number, y: number): void {
    const id = this.scene.pick(x, y);
    this.hovered = id;
    if (id < 0) {
      this.controls.hideTooltip();
      return;
    }
    this.showTooltip(id, x, y);
    if (!this.details.has(id)) {
      this.details.set(id, null);
      this.model.send({ type: 'details', id });
    }
  }

  private showTooltip(id: number, x: number, y: number): void {
    const m = this.model;
    const rows: [string, string][] = [];
    if (this.shown) {
      rows.push([
        String(m.get('height_label')),
        formatValue(this.shown.heights[id])
      ]);
      const label = String(m.get('color_label'));
      const v = this.shown.colors[id];
      if (m.get('color_mode') === 'categorical' && !this.deltaValues) {
        const cats = (m.get('categories') as string[]) ?? [];
        rows.push([label, Number.isNaN(v) ? '–' : (cats[v] ?? String(v))]);
      } else {
        rows.push([this.deltaValues ? `Δ ${label}` : label, formatValue(v)]);
      }
    }
    for (const [k, v] of Object.entries(this.details.get(id) ?? {})) {
      const text = typeof v === 'number' ? formatValue(v) : String(v);
      // the height and colour rows already say it (unless time travel shows another value)
      if (!rows.some(([rk, rv]) => rk === k && rv === text)) {
        rows.push([k, text]);
      }
    }
    this.tipAt = [x, y];
    this.controls.showTooltip(x, y, this.paths.path(id), rows);
  }

  private onPointerUp(e: PointerEvent): void {
    const [x0, y0] = this.downAt;
    if (Math.hypot(e.clientX - x0, e.clientY - y0) > 4) {
      return;
    }
    const id = this.scene.pick(...this.canvasPoint(e));
    this.setTraits({ selected: id >= 0 ? this.paths.path(id) : '' });
    this.updateSelected();
  }

  private onMessage(msg: any): void {
    if (msg?.type === 'details' && typeof msg.id === 'number') {
      this.details.set(msg.id, msg.metrics ?? {});
      if (this.hovered === msg.id) {
        this.showTooltip(msg.id, ...this.tipAt);
      }
    } else if (msg?.type === 'png') {
      this.model.send({
        type: 'png',
        request: msg.request,
        data: this.scene.toDataURL()
      });
    } else if (msg?.type === 'reset-view') {
      this.scene.resetView();
    }
  }

  private downloadPng(): void {
    const a = document.createElement('a');
    a.href = this.scene.toDataURL();
    a.download = `${String(this.model.get('title') || 'codecity').replace(/\W+/g, '_')}.png`;
    a.click();
  }

  /** Canvas position of a point on a building's axis (share of its height), for tests and
   * guided tours; null when the file is absent at the time shown. */
  project(path: string, share = 0.6): [number, number] | null {
    const id = this.paths.find(path);
    return id < 0 ? null : this.scene.projectBuilding(id, share);
  }

  /** The path of the building under a canvas point ('' for none). */
  pathAt(x: number, y: number): string {
    const id = this.scene.pick(x, y);
    return id < 0 ? '' : this.paths.path(id);
  }

  dispose(): void {
    clearInterval(this.player);
    for (const [event, cb] of this.listeners) {
      this.model.off(event, cb);
    }
    this.domCleanup();
    this.resizeObserver.disconnect();
    this.themeObserver.disconnect();
    this.scene.dispose();
    delete (this.root as any).codecity;
    this.root.replaceChildren();
  }

  readonly scene: CityScene;
  private readonly stage: HTMLDivElement;
  readonly paths: PathTable;
  private readonly controls: CityControls;
  private readonly resizeObserver: ResizeObserver;
  private readonly themeObserver: MutationObserver;
  private readonly listeners: [string, (...args: any[]) => void][] = [];
  private readonly details = new Map<number, Record<string, unknown> | null>();
  private timeline?: Timeline;
  private cursor?: TimelineCursor;
  private historyHeightMax = 0;
  private shown?: IState;
  private deltaValues?: Float32Array;
  private selectedId = -1;
  private hovered = -1;
  private hoverQueued = false;
  private lastMove?: PointerEvent;
  private tipAt: [number, number] = [0, 0];
  private downAt: [number, number] = [0, 0];
  private player = 0;
  private domCleanup: () => void = () => undefined;
}
