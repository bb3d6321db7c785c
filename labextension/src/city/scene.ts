/**
 * The three.js scene: one InstancedMesh of buildings (custom shader, GPU interpolation), one of
 * district slabs, orbit controls, picking through a grid index (picking.ts), HTML labels.
 * Renders on demand only (no idle loop), and frees the WebGL context on dispose.
 */
import {
  BoxGeometry,
  BufferAttribute,
  BufferGeometry,
  InstancedBufferAttribute,
  InstancedMesh,
  PerspectiveCamera,
  Raycaster,
  Scene,
  ShaderMaterial,
  Vector2,
  Vector3,
  WebGLRenderer
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

import { ITheme, RGB } from './colors';
import { FootprintGrid } from './picking';
import {
  BUILDING_FRAGMENT,
  BUILDING_VERTEX,
  DISTRICT_VERTEX,
  FLAT_FRAGMENT
} from './shaders';

/** Geometry of the city in world units (the treemap is a square of side `world`). */
export interface ICityGeometry {
  world: number;
  rects: Float32Array; // 4 per building: x0, z0, x1, z1
  base: Float32Array; // 1 per building: elevation of its district's top
  districts: Float32Array; // 4 per district
  districtDepth: Uint8Array;
  labels: { text: string; district: number }[];
}

const SLAB = 0.004; // district slab thickness, as a share of the world size

export class CityScene {
  constructor(
    readonly host: HTMLElement,
    private theme: ITheme
  ) {
    this.renderer = new WebGLRenderer({ antialias: false });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    this.canvas = this.renderer.domElement;
    this.canvas.className = 'cp-city-canvas';
    host.appendChild(this.canvas);
    this.labelLayer = document.createElement('div');
    this.labelLayer.className = 'cp-city-labels';
    host.appendChild(this.labelLayer);
    this.camera = new PerspectiveCamera(45, 1, 0.1, 1e6);
    this.controls = new OrbitControls(this.camera, this.canvas);
    this.controls.addEventListener('change', this.requestRender);
    this.controls.screenSpacePanning = false;
    this.controls.maxPolarAngle = Math.PI * 0.49;
    this.uniforms = {
      uMix: { value: 1 },
      uHeightScale: { value: 1 },
      uMinHeight: { value: 0.1 },
      uSelected: { value: -1 },
      uFade: { value: 0.82 },
      uBackground: { value: [...theme.background] },
      uAccent: { value: [...theme.accent] }
    };
    this.material = new ShaderMaterial({
      uniforms: this.uniforms,
      vertexShader: BUILDING_VERTEX,
      fragmentShader: BUILDING_FRAGMENT
    });
    this.districtMaterial = new ShaderMaterial({
      vertexShader: DISTRICT_VERTEX,
      fragmentShader: FLAT_FRAGMENT
    });
    this.applyTheme(theme);
  }

  /** Build the meshes (once per layout). */
  setGeometry(g: ICityGeometry): void {
    this.clearMeshes();
    this.geometry = g;
    const n = g.rects.length / 4;
    const box = buildingGeometry();
    const half = g.world / 2;
    const mesh = new InstancedMesh(box, this.material, Math.max(n, 1));
    mesh.count = n;
    mesh.frustumCulled = false;
    const m = mesh.instanceMatrix.array as Float32Array;
    const footprints = new Float32Array(4 * n);
    this.maxBase = 0;
    for (let i = 0; i < n; i++) {
      const [x0, z0, x1, z1] = g.rects.subarray(4 * i, 4 * i + 4);
      footprints.set([x0 - half, z0 - half, x1 - half, z1 - half], 4 * i);
      this.maxBase = Math.max(this.maxBase, g.base[i] * g.world * SLAB);
      const o = 16 * i;
      m.fill(0, o, o + 16);
      m[o] = Math.max(x1 - x0, 1e-6);
      m[o + 5] = 1;
      m[o + 10] = Math.max(z1 - z0, 1e-6);
      m[o + 12] = (x0 + x1) / 2 - half;
      m[o + 13] = g.base[i] * g.world * SLAB;
      m[o + 14] = (z0 + z1) / 2 - half;
      m[o + 15] = 1;
    }
    mesh.instanceMatrix.needsUpdate = true;
    this.grid = new FootprintGrid(footprints);
    const attr = (size: number) =>
      new InstancedBufferAttribute(new Float32Array(n * size), size);
    for (const [name, size] of [
      ['aH0', 1],
      ['aH1', 1],
      ['aC0', 3],
      ['aC1', 3],
      ['aFade', 1],
      ['aHi', 4]
    ] as const) {
      box.setAttribute(name, attr(size));
    }
    this.buildings = mesh;
    this.scene.add(mesh);
    this.uniforms.uMinHeight.value = g.world * 0.0015;
    this.buildDistricts(g);
    this.buildLabels(g);
    this.resetView();
  }

  private buildDistricts(g: ICityGeometry): void {
    const k = g.districts.length / 4;
    const box = new BoxGeometry(1, 1, 1).translate(0, 0.5, 0);
    const colors = new Float32Array(3 * k);
    box.setAttribute('aColor', new InstancedBufferAttribute(colors, 3));
    const mesh = new InstancedMesh(box, this.districtMaterial, Math.max(k, 1));
    mesh.count = k;
    mesh.frustumCulled = false;
    const m = mesh.instanceMatrix.array as Float32Array;
    const half = g.world / 2;
    const t = g.world * SLAB;
    for (let i = 0; i < k; i++) {
      const [x0, z0, x1, z1] = g.districts.subarray(4 * i, 4 * i + 4);
      const o = 16 * i;
      m.fill(0, o, o + 16);
      m[o] = Math.max(x1 - x0, 1e-6);
      m[o + 5] = t;
      m[o + 10] = Math.max(z1 - z0, 1e-6);
      m[o + 12] = (x0 + x1) / 2 - half;
      m[o + 13] = g.districtDepth[i] * t;
      m[o + 14] = (z0 + z1) / 2 - half;
      m[o + 15] = 1;
    }
    this.districts = mesh;
    this.colorDistricts();
    this.scene.add(mesh);
  }

  private colorDistricts(): void {
    if (!this.districts || !this.geometry) {
      return;
    }
    const attr = this.districts.geometry.getAttribute(
      'aColor'
    ) as InstancedBufferAttribute;
    const out = attr.array as Float32Array;
    const { ground, district } = this.theme;
    this.geometry.districtDepth.forEach((d, i) => {
      const f = d === 0 ? 0 : Math.min(1, 0.35 + 0.2 * d);
      for (let c = 0; c < 3; c++) {
        out[3 * i + c] = ground[c] + (district[c] - ground[c]) * f;
      }
    });
    attr.needsUpdate = true;
  }

  private buildLabels(g: ICityGeometry): void {
    this.labelLayer.replaceChildren();
    this.labels = g.labels.map(({ text, district }) => {
      const el = document.createElement('div');
      el.className = 'cp-city-label';
      el.textContent = text;
      this.labelLayer.appendChild(el);
      const [x0, z0, x1] = g.districts.subarray(4 * district, 4 * district + 4);
      const y = (g.districtDepth[district] + 1) * g.world * SLAB;
      const half = g.world / 2;
      return { el, at: new Vector3((x0 + x1) / 2 - half, y, z0 - half) };
    });
  }

  /** Show new values: heights (raw metric values, < 0 = absent) and colours (RGB per building). */
  show(heights: Float32Array, rgb: Float32Array, durationMs: number): void {
    const mesh = this.buildings;
    if (!mesh) {
      return;
    }
    const g = mesh.geometry;
    const get = (name: string) =>
      g.getAttribute(name) as InstancedBufferAttribute;
    const h0 = get('aH0').array as Float32Array;
    const h1 = get('aH1').array as Float32Array;
    const c0 = get('aC0').array as Float32Array;
    const c1 = get('aC1').array as Float32Array;
    const t = this.uniforms.uMix.value;
    if (t >= 1) {
      h0.set(h1);
      c0.set(c1);
    } else {
      for (let i = 0; i < h0.length; i++) {
        const a = h0[i];
        const b = h1[i];
        h0[i] = a >= 0 && b >= 0 ? a + (b - a) * t : t < 0.5 ? a : b;
      }
      for (let i = 0; i < c0.length; i++) {
        c0[i] += (c1[i] - c0[i]) * t;
      }
    }
    h1.set(heights);
    c1.set(rgb);
    for (const name of ['aH0', 'aH1', 'aC0', 'aC1']) {
      get(name).needsUpdate = true;
    }
    this.animate(durationMs);
  }

  setHeightMax(max: number): void {
    const world = this.geometry?.world ?? 1;
    this.uniforms.uHeightScale.value = (world * 0.3) / (max > 0 ? max : 1);
    this.requestRender();
  }

  /** 1 = faded (filtered out), 0 = shown. */
  setFade(mask: Float32Array): void {
    this.updateAttribute('aFade', mask);
  }

  /** Highlight colours: 4 floats per building (rgb, 1 = on). */
  setHighlights(hi: Float32Array): void {
    this.updateAttribute('aHi', hi);
  }

  setSelected(id: number): void {
    this.uniforms.uSelected.value = id;
    this.requestRender();
  }

  private updateAttribute(name: string, values: Float32Array): void {
    const attr = this.buildings?.geometry.getAttribute(name) as
      InstancedBufferAttribute | undefined;
    if (attr) {
      (attr.array as Float32Array).set(values);
      attr.needsUpdate = true;
      this.requestRender();
    }
  }

  private animate(durationMs: number): void {
    cancelAnimationFrame(this.animation);
    if (durationMs <= 0) {
      this.uniforms.uMix.value = 1;
      this.requestRender();
      return;
    }
    const start = performance.now();
    this.uniforms.uMix.value = 0;
    const frame = () => {
      const t = Math.min(1, (performance.now() - start) / durationMs);
      this.uniforms.uMix.value = t * t * (3 - 2 * t);
      this.render();
      if (t < 1) {
        this.animation = requestAnimationFrame(frame);
      }
    };
    this.animation = requestAnimationFrame(frame);
  }

  applyTheme(theme: ITheme): void {
    this.theme = theme;
    this.renderer.setClearColor(rgbNumber(theme.background), 1);
    this.uniforms.uBackground.value = [...theme.background];
    this.uniforms.uAccent.value = [...theme.accent];
    this.colorDistricts();
    this.labelLayer.style.color = theme.text;
    this.requestRender();
  }

  resetView(): void {
    const w = this.geometry?.world ?? 100;
    this.camera.near = w / 1000;
    this.camera.far = w * 20;
    this.camera.position.set(w * 0.55, w * 0.75, w * 0.95);
    this.controls.target.set(0, 0, 0);
    this.camera.updateProjectionMatrix();
    this.controls.update();
    this.requestRender();
  }

  resize(width: number, height: number): void {
    if (width <= 0 || height <= 0) {
      return;
    }
    this.size = [width, height];
    this.renderer.setSize(width, height);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  /** Canvas position (CSS pixels) of a point inside a building, or null when it is absent. */
  projectBuilding(id: number, share = 0.6): [number, number] | null {
    const mesh = this.buildings;
    if (!mesh || id < 0 || id >= mesh.count) {
      return null;
    }
    const h1 = (mesh.geometry.getAttribute('aH1') as InstancedBufferAttribute)
      .array[id];
    if (h1 < 0) {
      return null;
    }
    const m = mesh.instanceMatrix.array;
    const o = 16 * id;
    const u = this.uniforms;
    const height = Math.max(h1, 0) * u.uHeightScale.value + u.uMinHeight.value;
    const v = new Vector3(
      m[o + 12],
      m[o + 13] + height * share,
      m[o + 14]
    ).project(this.camera);
    const [w, h] = this.size;
    return [((v.x + 1) / 2) * w, ((1 - v.y) / 2) * h];
  }

  /** Building under a point in CSS pixels of the canvas, or -1. */
  pick(x: number, y: number): number {
    const mesh = this.buildings;
    const grid = this.grid;
    const [w, h] = this.size;
    if (!mesh || !grid || x < 0 || y < 0 || x >= w || y >= h) {
      return -1;
    }
    this.raycaster.setFromCamera(
      new Vector2((x / w) * 2 - 1, 1 - (y / h) * 2),
      this.camera
    );
    const { origin, direction } = this.raycaster.ray;
    const attr = (name: string) =>
      (mesh.geometry.getAttribute(name) as InstancedBufferAttribute)
        .array as Float32Array;
    const [h0, h1, fade] = [attr('aH0'), attr('aH1'), attr('aFade')];
    const m = mesh.instanceMatrix.array;
    const u = this.uniforms;
    const t = Math.min(1, Math.max(0, u.uMix.value));
    const box = (i: number): [number, number] | null => {
      const a = h0[i];
      const b = h1[i];
      const s = (a >= 0 ? 1 - t : 0) + (b >= 0 ? t : 0);
      if (fade[i] > 0.5 || s < 0.01) {
        return null;
      }
      const height =
        (Math.max(a, 0) * (1 - t) + Math.max(b, 0) * t) * u.uHeightScale.value;
      const base = m[16 * i + 13];
      return [base, base + (height + u.uMinHeight.value) * s];
    };
    const maxTop =
      this.maxBase + (this.geometry?.world ?? 1) * 0.31 + u.uMinHeight.value;
    return grid.pick(
      {
        origin: [origin.x, origin.y, origin.z],
        dir: [direction.x, direction.y, direction.z]
      },
      box,
      maxTop
    );
  }

  readonly requestRender = (): void => {
    if (this.pending || this.disposed) {
      return;
    }
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  };

  render(): void {
    if (this.disposed) {
      return;
    }
    this.renderer.render(this.scene, this.camera);
    this.placeLabels();
    this.frames++;
  }

  /** A PNG of the current view. */
  toDataURL(): string {
    this.renderer.render(this.scene, this.camera);
    return this.canvas.toDataURL('image/png');
  }

  private placeLabels(): void {
    const [w, h] = this.size;
    const v = new Vector3();
    for (const { el, at } of this.labels) {
      v.copy(at).project(this.camera);
      const visible = v.z < 1 && Math.abs(v.x) < 1.1 && Math.abs(v.y) < 1.1;
      el.style.display = visible ? '' : 'none';
      if (visible) {
        el.style.transform = `translate(${((v.x + 1) / 2) * w}px, ${((1 - v.y) / 2) * h}px)`;
      }
    }
  }

  private clearMeshes(): void {
    for (const mesh of [this.buildings, this.districts]) {
      if (mesh) {
        this.scene.remove(mesh);
        mesh.geometry.dispose();
        mesh.dispose();
      }
    }
    this.buildings = this.districts = undefined;
  }

  dispose(): void {
    this.disposed = true;
    cancelAnimationFrame(this.animation);
    this.clearMeshes();
    this.controls.removeEventListener('change', this.requestRender);
    this.controls.dispose();
    this.material.dispose();
    this.districtMaterial.dispose();
    this.renderer.dispose();
    this.renderer.forceContextLoss();
    this.canvas.remove();
    this.labelLayer.remove();
  }

  readonly canvas: HTMLCanvasElement;
  readonly camera: PerspectiveCamera;
  readonly controls: OrbitControls;
  frames = 0;
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly labelLayer: HTMLDivElement;
  private readonly uniforms: {
    uMix: { value: number };
    uHeightScale: { value: number };
    uMinHeight: { value: number };
    uSelected: { value: number };
    uFade: { value: number };
    uBackground: { value: number[] };
    uAccent: { value: number[] };
  };
  private readonly material: ShaderMaterial;
  private readonly districtMaterial: ShaderMaterial;
  private readonly raycaster = new Raycaster();
  private grid?: FootprintGrid;
  private maxBase = 0;
  private buildings?: InstancedMesh;
  private districts?: InstancedMesh;
  private geometry?: ICityGeometry;
  private labels: { el: HTMLDivElement; at: Vector3 }[] = [];
  private size: [number, number] = [1, 1];
  private pending = false;
  private disposed = false;
  private animation = 0;
}

/**
 * A unit box standing on y = 0 with its 8 corners shared and no bottom face: 8 vertices and 10
 * triangles instead of BoxGeometry's 24 and 12 (faces are shaded from screen-space derivatives).
 * With software GL the vertex stage is most of a frame's cost.
 */
function buildingGeometry(): BufferGeometry {
  const corners: [number, number, number][] = [];
  for (const y of [0, 1]) {
    for (const [x, z] of [
      [-0.5, -0.5],
      [0.5, -0.5],
      [0.5, 0.5],
      [-0.5, 0.5]
    ]) {
      corners.push([x, y, z]);
    }
  }
  const faces: [number[], [number, number, number]][] = [
    [
      [4, 5, 6, 7],
      [0, 1, 0]
    ],
    [
      [0, 1, 5, 4],
      [0, 0, -1]
    ],
    [
      [1, 2, 6, 5],
      [1, 0, 0]
    ],
    [
      [2, 3, 7, 6],
      [0, 0, 1]
    ],
    [
      [3, 0, 4, 7],
      [-1, 0, 0]
    ]
  ];
  const index: number[] = [];
  for (const [[a, b, c, d], normal] of faces) {
    for (const tri of [
      [a, b, c],
      [a, c, d]
    ]) {
      const [p, q, r] = tri.map(i => corners[i]);
      const u = [q[0] - p[0], q[1] - p[1], q[2] - p[2]];
      const v = [r[0] - p[0], r[1] - p[1], r[2] - p[2]];
      const cross = [
        u[1] * v[2] - u[2] * v[1],
        u[2] * v[0] - u[0] * v[2],
        u[0] * v[1] - u[1] * v[0]
      ];
      const outward =
        cross[0] * normal[0] + cross[1] * normal[1] + cross[2] * normal[2] > 0;
      index.push(...(outward ? tri : [tri[0], tri[2], tri[1]]));
    }
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute(
    'position',
    new BufferAttribute(new Float32Array(corners.flat()), 3)
  );
  geometry.setIndex(index);
  return geometry;
}

function rgbNumber(c: RGB): number {
  return (
    (Math.round(c[0] * 255) << 16) |
    (Math.round(c[1] * 255) << 8) |
    Math.round(c[2] * 255)
  );
}
