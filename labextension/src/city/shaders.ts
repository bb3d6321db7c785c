/**
 * GLSL for the buildings. Heights and colours are interpolated on the GPU between two states
 * (`aH0`/`aC0` -> `aH1`/`aC1` by `uMix`); a negative height means the file does not exist then,
 * so buildings grow out of the ground when they appear and shrink away when deleted.
 */

export const BUILDING_VERTEX = /* glsl */ `
attribute float aH0;
attribute float aH1;
attribute vec3 aC0;
attribute vec3 aC1;
attribute float aFade;
attribute vec4 aHi;
uniform float uMix;
uniform float uHeightScale;
uniform float uMinHeight;
uniform float uSelected;
uniform vec3 uAccent;
varying vec3 vColor;
varying vec3 vPos;
varying float vFade;

void main() {
  float e0 = step(0.0, aH0);
  float e1 = step(0.0, aH1);
  float t = clamp(uMix, 0.0, 1.0);
  float s = mix(e0, e1, t);
  float h = mix(max(aH0, 0.0), max(aH1, 0.0), t) * uHeightScale + uMinHeight;
  vec3 p = position;
  p.xz *= s;
  p.y *= h * s;
  vec4 world = instanceMatrix * vec4(p, 1.0);
  vPos = world.xyz;
  gl_Position = projectionMatrix * modelViewMatrix * world;
  vec3 c = mix(aC0, aC1, t);
  if (aHi.w > 0.5) {
    c = aHi.rgb;
  }
  vFade = aFade;
  if (abs(float(gl_InstanceID) - uSelected) < 0.5) {
    c = uAccent * 1.1;
    vFade = 0.0;
  }
  vColor = c;
}
`;

/** Flat shading from the face's screen-space derivatives: top lit, two side tones. */
export const BUILDING_FRAGMENT = /* glsl */ `
uniform float uFade;
uniform vec3 uBackground;
varying vec3 vColor;
varying vec3 vPos;
varying float vFade;
void main() {
  vec3 n = abs(normalize(cross(dFdx(vPos), dFdy(vPos))));
  float shade = n.y + 0.84 * n.x + 0.7 * n.z;
  vec3 c = mix(vColor * shade, uBackground, vFade * uFade);
  gl_FragColor = vec4(c, 1.0);
}
`;

export const FLAT_FRAGMENT = /* glsl */ `
varying vec3 vColor;
void main() {
  gl_FragColor = vec4(vColor, 1.0);
}
`;

/** Districts: flat slabs coloured per instance, lit like the buildings. */
export const DISTRICT_VERTEX = /* glsl */ `
attribute vec3 aColor;
varying vec3 vColor;
void main() {
  vec3 l = normalize(vec3(0.45, 1.0, 0.3));
  vColor = aColor * (0.75 + 0.25 * max(dot(normal, l), 0.0));
  gl_Position = projectionMatrix * modelViewMatrix * instanceMatrix * vec4(position, 1.0);
}
`;
