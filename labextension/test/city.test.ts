import { describe, expect, it } from 'vitest';

import { deltaValues, Timeline } from '../src/city/history';
import { asFloat32 } from '../src/city/model';
import { FootprintGrid } from '../src/city/picking';

describe('Timeline', () => {
  // 3 buildings, 3 steps: b0 grows, b1 is added at step 1, b2 is deleted at step 2
  const tl = new Timeline({
    times: new Float64Array([10, 20, 30]),
    offsets: new Uint32Array([0, 1, 3, 4]),
    ids: new Uint32Array([0, 0, 1, 2]),
    heights: new Float32Array([5, 7, 3, -1]),
    colors: new Float32Array([1, 2, 3, 4]),
    baseHeights: new Float32Array([4, -1, 9]),
    baseColors: new Float32Array([0, 0, 9])
  });

  it('steps forwards and backwards to the same states', () => {
    const c = tl.cursor();
    c.seek(2);
    expect(Array.from(c.heights)).toEqual([7, 3, -1]);
    c.seek(0);
    expect(Array.from(c.heights)).toEqual([5, -1, 9]);
    expect(Array.from(c.colors)).toEqual([1, 0, 9]);
    c.seek(-1);
    expect(Array.from(c.heights)).toEqual([4, -1, 9]);
    c.seek(1);
    expect(Array.from(c.heights)).toEqual([7, 3, 9]);
    expect(tl.steps).toBe(3);
  });
});

describe('FootprintGrid', () => {
  // a 10 x 10 grid of unit buildings with 1-unit streets, from -10 to 10
  const n = 100;
  const rects = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    const x = -10 + 2 * (i % 10);
    const z = -10 + 2 * Math.floor(i / 10);
    rects.set([x, z, x + 1, z + 1], 4 * i);
  }
  const grid = new FootprintGrid(rects);
  const heights = new Float32Array(n).fill(1);
  const box = (i: number): [number, number] | null =>
    heights[i] < 0 ? null : [0, heights[i]];

  it('finds the building straight below', () => {
    const hit = grid.pick(
      { origin: [-7.5, 50, -9.5], dir: [0, -1, 0] },
      box,
      10
    );
    expect(hit).toBe(1);
    const street = grid.pick(
      { origin: [-8.5, 50, -9.5], dir: [0, -1, 0] },
      box,
      10
    );
    expect(street).toBe(-1);
  });

  it('returns the nearest of the buildings along a slanted ray', () => {
    heights.fill(0.5, 40, 44); // low buildings the ray passes over
    heights[44] = 5; // a tower in front of building 45
    const dir: [number, number, number] = [1, -0.05, 0];
    const norm = Math.hypot(...dir);
    const ray = {
      origin: [-20, 2, -1.5] as [number, number, number],
      dir: dir.map(v => v / norm) as [number, number, number]
    };
    expect(grid.pick(ray, box, 10)).toBe(44);
    heights[44] = -1; // absent buildings cannot be picked
    expect(grid.pick(ray, box, 10)).toBe(45);
  });
});

describe('asFloat32', () => {
  it('reads a DataView with an unaligned byteOffset', () => {
    const buf = new ArrayBuffer(13);
    const src = new Float32Array([1.5, -2, 3]);
    new Uint8Array(buf).set(new Uint8Array(src.buffer), 1);
    expect(Array.from(asFloat32(new DataView(buf, 1, 12)))).toEqual([
      1.5, -2, 3
    ]);
  });
});

describe('deltaValues', () => {
  const a = {
    heights: new Float32Array([1, -1, 2]),
    values: new Float32Array([5, 9, NaN])
  };
  const b = {
    heights: new Float32Array([1, 3, -1]),
    values: new Float32Array([8, 4, 7])
  };

  it('subtracts, counting absent files and missing values as 0', () => {
    const { diff, extent } = deltaValues(a, b, false);
    expect(Array.from(diff)).toEqual([3, 4, 0]);
    expect(extent).toBe(4);
  });

  it('marks changed categories with 1', () => {
    expect(Array.from(deltaValues(a, b, true).diff)).toEqual([1, 1, 0]);
  });
});
