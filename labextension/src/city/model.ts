/**
 * The model seam: the small part of anywidget's model API the city uses, so the same renderer
 * runs in a notebook (anywidget) and in a JupyterLab main-area widget (any object with these
 * methods), plus the names and decoders of the synced traits.
 */

/** The anywidget model interface (AFM) the renderer needs. */
export interface ICityModel {
  get(name: string): any;
  set(name: string, value: unknown): void;
  on(event: string, callback: (...args: any[]) => void): void;
  off(
    event?: string | null,
    callback?: ((...args: any[]) => void) | null
  ): void;
  save_changes(): void;
  send(content: unknown, callbacks?: unknown, buffers?: ArrayBuffer[]): void;
}

/** One highlight group set by Python's `highlight(paths, color)`. */
export interface IHighlight {
  color: string;
  ids: number[];
}

/** Custom messages between the kernel and the view. */
export type CityMessage =
  | { type: 'details'; id: number; metrics: Record<string, unknown> }
  | { type: 'png'; request: string }
  | { type: 'reset-view' };

/** Bytes from the kernel arrive as a DataView (mind its byteOffset), ArrayBuffer or view. */
type Binary = DataView | ArrayBuffer | ArrayBufferView | null | undefined;

function bufferOf(value: Binary): [ArrayBuffer, number, number] {
  if (!value) {
    return [new ArrayBuffer(0), 0, 0];
  }
  if (value instanceof ArrayBuffer) {
    return [value, 0, value.byteLength];
  }
  return [value.buffer as ArrayBuffer, value.byteOffset, value.byteLength];
}

/** View kernel bytes as a typed array, copying when the offset is not aligned. */
function typed<T>(
  value: Binary,
  size: number,
  make: (b: ArrayBuffer, offset: number, length: number) => T
): T {
  const [buffer, offset, length] = bufferOf(value);
  const count = Math.floor(length / size);
  if (offset % size === 0) {
    return make(buffer, offset, count);
  }
  const copy = buffer.slice(offset, offset + count * size);
  return make(copy, 0, count);
}

export const asFloat32 = (v: Binary): Float32Array =>
  typed(v, 4, (b, o, n) => new Float32Array(b, o, n));
export const asFloat64 = (v: Binary): Float64Array =>
  typed(v, 8, (b, o, n) => new Float64Array(b, o, n));
export const asUint32 = (v: Binary): Uint32Array =>
  typed(v, 4, (b, o, n) => new Uint32Array(b, o, n));
export const asUint16 = (v: Binary): Uint16Array =>
  typed(v, 2, (b, o, n) => new Uint16Array(b, o, n));
export const asUint8 = (v: Binary): Uint8Array =>
  typed(v, 1, (b, o, n) => new Uint8Array(b, o, n));

/** Paths are sent as a folder table plus one basename and folder index per building. */
export class PathTable {
  constructor(model: ICityModel) {
    this.dirs = String(model.get('dir_names') ?? '').split('\n');
    this.names = String(model.get('file_names') ?? '').split('\n');
    this.dirIndex = asUint32(model.get('file_dirs'));
  }

  get count(): number {
    return this.dirIndex.length;
  }

  path(i: number): string {
    const dir = this.dirs[this.dirIndex[i]] ?? '';
    return dir ? `${dir}/${this.names[i]}` : (this.names[i] ?? '');
  }

  find(path: string): number {
    const cut = path.lastIndexOf('/');
    const dir = cut < 0 ? '' : path.slice(0, cut);
    const name = path.slice(cut + 1);
    const d = this.dirs.indexOf(dir);
    if (d < 0) {
      return -1;
    }
    for (let i = 0; i < this.dirIndex.length; i++) {
      if (this.dirIndex[i] === d && this.names[i] === name) {
        return i;
      }
    }
    return -1;
  }

  readonly dirs: string[];
  readonly names: string[];
  readonly dirIndex: Uint32Array;
}
