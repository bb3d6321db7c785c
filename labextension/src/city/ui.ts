/** The city's HTML controls: toolbar with time slider, legend with clamp inputs, tooltip. */
import { ColorMode, gradientCss, RGB, toCss } from './colors';

export interface IControlsCallbacks {
  onResetView(): void;
  onPng(): void;
  onTime(step: number): void;
  onPlay(playing: boolean): void;
  onClamp(range: [number, number] | null): void;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  parent?: HTMLElement,
  text?: string
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) {
    e.textContent = text;
  }
  parent?.appendChild(e);
  return e;
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) {
    return '–';
  }
  if (Number.isInteger(v)) {
    return v.toLocaleString('en-US');
  }
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

export class CityControls {
  /** The toolbar goes first in `root`; legend, status and tooltip float over `stage`. */
  constructor(
    readonly root: HTMLElement,
    readonly stage: HTMLElement,
    private readonly cb: IControlsCallbacks
  ) {
    this.bar = el('div', 'cp-city-bar');
    root.prepend(this.bar);
    this.title = el('span', 'cp-city-title', this.bar);
    const reset = el('button', 'cp-city-reset', this.bar, 'Reset view');
    reset.title = 'Back to the initial camera';
    reset.onclick = () => cb.onResetView();
    const png = el('button', 'cp-city-png', this.bar, 'PNG');
    png.title = 'Download a PNG of the current view';
    png.onclick = () => cb.onPng();
    this.play = el('button', 'cp-city-play', this.bar, '▶');
    this.play.title = 'Play / pause the history';
    this.play.onclick = () => cb.onPlay(this.play.dataset.playing !== 'true');
    this.slider = el('input', 'cp-city-slider', this.bar);
    this.slider.type = 'range';
    this.slider.min = '0';
    this.slider.step = '1';
    this.slider.oninput = () => cb.onTime(Number(this.slider.value));
    this.time = el('span', 'cp-city-time', this.bar);
    this.legend = el('div', 'cp-city-legend', stage);
    this.status = el('div', 'cp-city-status', stage);
    this.tooltip = el('div', 'cp-city-tooltip', stage);
  }

  setTitle(text: string): void {
    this.title.textContent = text;
  }

  /** steps = 0 hides the time controls. */
  setTimeline(
    steps: number,
    position: number,
    label: string,
    playing: boolean
  ): void {
    const show = steps > 0;
    for (const e of [this.play, this.slider, this.time]) {
      e.style.display = show ? '' : 'none';
    }
    this.slider.max = String(steps);
    this.slider.value = String(position);
    this.time.textContent = label;
    this.play.textContent = playing ? '❚❚' : '▶';
    this.play.dataset.playing = String(playing);
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  legendCategorical(title: string, categories: string[], palette: RGB[]): void {
    this.legend.replaceChildren();
    el('div', 'cp-city-legend-title', this.legend, title);
    categories.forEach((name, i) => {
      const row = el('div', 'cp-city-legend-row', this.legend);
      const sw = el('span', 'cp-city-swatch', row);
      sw.style.background = toCss(palette[i % palette.length]);
      row.appendChild(document.createTextNode(name));
    });
  }

  legendContinuous(
    title: string,
    mode: ColorMode,
    range: [number, number],
    dataRange: [number, number]
  ): void {
    this.legend.replaceChildren();
    el('div', 'cp-city-legend-title', this.legend, title);
    const ramp = el('div', 'cp-city-ramp', this.legend);
    ramp.style.background = gradientCss(mode);
    const row = el('div', 'cp-city-clamp', this.legend);
    const input = (value: number, cls: string) => {
      const i = el('input', cls, row);
      i.type = 'number';
      i.value = String(Number(value.toPrecision(6)));
      i.title = 'Clamp the colour range';
      return i;
    };
    const lo = input(range[0], 'cp-city-lo');
    row.appendChild(document.createTextNode(' – '));
    const hi = input(range[1], 'cp-city-hi');
    const apply = () => {
      const a = Number(lo.value);
      const b = Number(hi.value);
      if (Number.isFinite(a) && Number.isFinite(b) && a < b) {
        this.cb.onClamp([a, b]);
      }
    };
    lo.onchange = apply;
    hi.onchange = apply;
    if (mode !== 'diverging') {
      const reset = el('button', 'cp-city-unclamp', row, '↺');
      reset.title = `Full range ${formatValue(dataRange[0])} – ${formatValue(dataRange[1])}`;
      reset.onclick = () => this.cb.onClamp(null);
    }
  }

  showTooltip(
    x: number,
    y: number,
    path: string,
    rows: [string, string][]
  ): void {
    const t = this.tooltip;
    t.replaceChildren();
    el('b', '', t, path);
    const table = el('table', '', t);
    for (const [k, v] of rows) {
      const tr = el('tr', '', table);
      el('td', '', tr, k);
      el('td', '', tr, v);
    }
    t.style.display = 'block';
    const w = this.stage.clientWidth;
    t.style.left = `${Math.min(x + 14, Math.max(0, w - t.offsetWidth - 4))}px`;
    t.style.top = `${y + 14}px`;
  }

  hideTooltip(): void {
    this.tooltip.style.display = 'none';
  }

  readonly bar: HTMLDivElement;
  readonly slider: HTMLInputElement;
  readonly tooltip: HTMLDivElement;
  private readonly title: HTMLSpanElement;
  private readonly play: HTMLButtonElement;
  private readonly time: HTMLSpanElement;
  private readonly legend: HTMLDivElement;
  private readonly status: HTMLDivElement;
}
