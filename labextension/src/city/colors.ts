/** Colour scales for buildings, and the JupyterLab theme read from `--jp-*` CSS variables. */

export type RGB = [number, number, number];

/** Viridis-like stops (perceptually ordered, readable in light and dark themes). */
const SEQUENTIAL: RGB[] = [
  [0.267, 0.005, 0.329],
  [0.231, 0.322, 0.545],
  [0.129, 0.569, 0.549],
  [0.369, 0.788, 0.384],
  [0.992, 0.906, 0.145]
];

/** Blue - grey - red for deltas (negative - none - positive). */
const DIVERGING: RGB[] = [
  [0.129, 0.4, 0.675],
  [0.573, 0.773, 0.871],
  [0.75, 0.75, 0.75],
  [0.957, 0.647, 0.51],
  [0.698, 0.094, 0.169]
];

export const MISSING: RGB = [0.55, 0.55, 0.55];
/** The selected building: magenta, in no palette or ramp, readable in both themes. */
export const SELECTION: RGB = [1, 0.17, 0.84];

export type ColorMode = 'continuous' | 'categorical' | 'diverging';

function ramp(stops: RGB[], t: number, out: Float32Array, at: number): void {
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i];
  const b = stops[i + 1];
  out[at] = a[0] + (b[0] - a[0]) * f;
  out[at + 1] = a[1] + (b[1] - a[1]) * f;
  out[at + 2] = a[2] + (b[2] - a[2]) * f;
}

export function parseColor(css: string, fallback: RGB = MISSING): RGB {
  const s = css.trim();
  let m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) {
    const v = parseInt(m[1], 16);
    return [((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
  }
  m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) {
    const [r, g, b] = m[1].split('').map(c => parseInt(c + c, 16) / 255);
    return [r, g, b];
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(s);
  if (m) {
    return [Number(m[1]) / 255, Number(m[2]) / 255, Number(m[3]) / 255];
  }
  return fallback;
}

export function toCss(c: RGB): string {
  const h = (v: number) =>
    Math.round(Math.min(1, Math.max(0, v)) * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${h(c[0])}${h(c[1])}${h(c[2])}`;
}

export function gradientCss(mode: ColorMode): string {
  const stops = mode === 'diverging' ? DIVERGING : SEQUENTIAL;
  return `linear-gradient(to right, ${stops.map(toCss).join(', ')})`;
}

/** How colour values map to RGB. */
export interface IColorScale {
  mode: ColorMode;
  range: [number, number];
  palette: RGB[];
}

/** Fill `out` (3 floats per value) from values through the scale. */
export function colorize(
  values: ArrayLike<number>,
  scale: IColorScale,
  out: Float32Array
): void {
  const [lo, hi] = scale.range;
  const span = hi - lo || 1;
  const stops = scale.mode === 'diverging' ? DIVERGING : SEQUENTIAL;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const at = 3 * i;
    if (Number.isNaN(v)) {
      out.set(MISSING, at);
    } else if (scale.mode === 'categorical') {
      const c = scale.palette[v % scale.palette.length] ?? MISSING;
      out.set(c, at);
    } else {
      ramp(stops, (v - lo) / span, out, at);
    }
  }
}

/** The colours of the current JupyterLab theme (or neutral defaults outside JupyterLab). */
export interface ITheme {
  light: boolean;
  background: RGB;
  ground: RGB;
  district: RGB;
  text: string;
  accent: RGB;
  font: string;
}

export function readTheme(el: Element): ITheme {
  const style = getComputedStyle(el);
  const v = (name: string) => style.getPropertyValue(name).trim();
  const bodyLight = document.body.getAttribute('data-jp-theme-light');
  const background = parseColor(v('--jp-layout-color0'), [1, 1, 1]);
  const light =
    bodyLight === null
      ? (background[0] + background[1] + background[2]) / 3 > 0.5
      : bodyLight === 'true';
  return {
    light,
    background,
    ground: parseColor(
      v('--jp-layout-color2'),
      light ? [0.93, 0.93, 0.93] : [0.2, 0.2, 0.2]
    ),
    district: parseColor(
      v('--jp-layout-color3'),
      light ? [0.74, 0.74, 0.74] : [0.32, 0.32, 0.32]
    ),
    text: v('--jp-ui-font-color1') || (light ? '#333' : '#ddd'),
    accent: SELECTION,
    font: v('--jp-ui-font-family') || 'sans-serif'
  };
}
