import { fitPlane, medianOf } from '../scene/background-plane.js';
import { GENEVAL_COLORS } from '../scene/geneval-spec.js';
import type { GenevalColor } from '../scene/geneval-spec.js';
import { BACKGROUND_LABEL, chromaticThreshold, classifyPixel, saturationOf } from '../scene/pixel-colors.js';
import { classifySilhouette } from './silhouette-classifier.js';

/**
 * One object found in an image: class, dominant colour, centre (fractions of width / height), size
 * (longer box side over the image's shorter side), box width and height (fractions of width /
 * height) and a 0..1 confidence.
 */
export interface DetectedObject {
  class: string;
  color: GenevalColor;
  cx: number;
  cy: number;
  size: number;
  confidence: number;
  width?: number;
  height?: number;
}

/** Options of the detector. */
export interface DetectOptions {
  /** Smallest component area, as a fraction of the image area. */
  readonly minAreaFraction?: number;
}

/** Foreground pixels this close (in pixels, along a row or column) belong to one component. */
const BRIDGE = 5;
/** Size (bits) of the per-call colour classification cache. */
const CACHE_BITS = 14;
const CACHE_SIZE = 1 << CACHE_BITS;
/** How much of the border's colour cast the detector's white balance removes (grey-world on the border, half strength). */
const WHITE_BALANCE = 0.35;
/** Silhouette distance at which a match's confidence has halved. */
const DISTANCE_SCALE = 2.2;

interface Component {
  /** Pixels covered by its runs (bridged gaps included). */
  area: number;
  /** Indices of its runs. */
  runs: number[];
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/**
 * Finds the objects of a rendered scene from its pixels alone, as a small classical detector would:
 * labels each pixel with a GenEval colour against a background model (a lightness plane fitted to the
 * border, so lighting gradients cancel, and a partial grey-world white balance from the border's
 * colour), groups non-background pixels into connected components (runs, small gaps bridged), and
 * classifies each component by its silhouette (silhouette-features.ts: elongation, fill, holes,
 * moments, a density grid) against every class's silhouette learned at a few poses
 * (silhouette-classifier.ts); its colour is the majority colour of its pixels, its box the component's
 * box. No class code is drawn in the image, so it makes a detector's errors: objects that touch merge
 * into one (miscounted, misread), small or faint ones are missed, look-alike classes are confused, and
 * colours shift with the light (tinted light, haze, exposure).
 */
export function detectObjects(rgb: Uint8Array, width: number, height: number, channels: 3 | 4, options: DetectOptions = {}): DetectedObject[] {
  if (width <= 0 || height <= 0 || rgb.length < width * height * channels) return [];
  const pixels = width * height;

  // background model from a border frame
  const border = Math.max(2, Math.round(Math.min(width, height) * 0.01));
  const xs: number[] = [];
  const ys: number[] = [];
  const values: number[] = [];
  const saturations: number[] = [];
  const borderR: number[] = [];
  const borderG: number[] = [];
  const borderB: number[] = [];
  const step = Math.max(1, Math.floor(Math.min(width, height) / 96));
  const sample = (x: number, y: number): void => {
    const o = (y * width + x) * channels;
    const r = rgb[o] ?? 0;
    const g = rgb[o + 1] ?? 0;
    const b = rgb[o + 2] ?? 0;
    xs.push(x / width);
    ys.push(y / height);
    values.push((Math.max(r, g, b) + Math.min(r, g, b)) / 510);
    saturations.push(saturationOf(r, g, b));
    borderR.push(r);
    borderG.push(g);
    borderB.push(b);
  };
  for (let y = 0; y < height; y += step) {
    const interior = y >= border && y < height - border;
    for (let x = 0; x < width; x += step) {
      if (interior && x >= border && x < width - border) x = width - border;
      if (x < width) sample(x, y);
    }
  }
  const [a, bx, by] = fitPlane(xs, ys, values);
  const saturationThreshold = chromaticThreshold(medianOf(saturations));
  const backgroundColor: [number, number, number] = [medianOf(borderR), medianOf(borderG), medianOf(borderB)];
  const grey = (backgroundColor[0] + backgroundColor[1] + backgroundColor[2]) / 3;
  const balance = backgroundColor.map((channel) => 1 + WHITE_BALANCE * (grey / Math.max(1, channel) - 1)) as [number, number, number];

  // per pixel: lightness (for badges) and colour label (for segmentation)
  const lightness = new Float32Array(pixels);
  const labels = new Uint8Array(pixels);
  // flat fills repeat colours: a direct-mapped cache keyed by colour and the local background
  // lightness (quantised to 1/255) skips most classifications
  const cacheKeys = new Float64Array(CACHE_SIZE).fill(-1);
  const cacheLabels = new Uint8Array(CACHE_SIZE);
  for (let y = 0, p = 0; y < height; y += 1) {
    const rowBackground = a + by * (y / height);
    for (let x = 0; x < width; x += 1, p += 1) {
      const o = p * channels;
      const r = rgb[o] as number;
      const g = rgb[o + 1] as number;
      const b = rgb[o + 2] as number;
      lightness[p] = (Math.max(r, g, b) + Math.min(r, g, b)) / 510;
      const backgroundLevel = Math.min(255, Math.max(0, Math.round((rowBackground + bx * (x / width)) * 255)));
      const key = ((backgroundLevel << 24) | (r << 16) | (g << 8) | b) >>> 0;
      const slot = (Math.imul(key, 0x9e3779b1) >>> (32 - CACHE_BITS)) & (CACHE_SIZE - 1);
      if (cacheKeys[slot] === key) {
        labels[p] = cacheLabels[slot] as number;
      } else {
        const label = classifyPixel(r, g, b, backgroundLevel / 255, saturationThreshold);
        cacheKeys[slot] = key;
        cacheLabels[slot] = label;
        labels[p] = label;
      }
    }
  }

  // connected components over runs of foreground: a run ends after BRIDGE background pixels (so
  // anti-aliased grey seams between black and white parts are bridged), and runs join the runs they
  // overlap in the BRIDGE rows above
  const runX0: number[] = [];
  const runX1: number[] = [];
  const runY: number[] = [];
  const rowStart = new Int32Array(height + 1);
  for (let y = 0; y < height; y += 1) {
    rowStart[y] = runX0.length;
    const row = y * width;
    let x = 0;
    while (x < width) {
      if (labels[row + x] === BACKGROUND_LABEL) {
        x += 1;
        continue;
      }
      const start = x;
      let end = x;
      let gap = 0;
      for (x += 1; x < width; x += 1) {
        if (labels[row + x] !== BACKGROUND_LABEL) {
          end = x;
          gap = 0;
        } else if (++gap >= BRIDGE) break;
      }
      runX0.push(start);
      runX1.push(end);
      runY.push(y);
      x = end + 1;
    }
  }
  rowStart[height] = runX0.length;
  const runCount = runX0.length;
  const parent = new Int32Array(runCount);
  for (let r = 0; r < runCount; r += 1) parent[r] = r;
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] as number;
    let node = i;
    while (node !== root) {
      const next = parent[node] as number;
      parent[node] = root;
      node = next;
    }
    return root;
  };
  for (let y = 1; y < height; y += 1) {
    for (let r = rowStart[y] as number; r < (rowStart[y + 1] as number); r += 1) {
      const x0 = runX0[r] as number;
      const x1 = runX1[r] as number;
      for (let above = Math.max(0, y - BRIDGE); above < y; above += 1) {
        for (let s = rowStart[above] as number; s < (rowStart[above + 1] as number); s += 1) {
          if ((runX0[s] as number) > x1) break;
          if ((runX1[s] as number) < x0) continue;
          const rootR = find(r);
          const rootS = find(s);
          if (rootR !== rootS) parent[rootR] = rootS;
        }
      }
    }
  }
  // components: their boxes and the runs they are made of
  const idOfRoot = new Int32Array(runCount).fill(-1);
  const components: Component[] = [];
  for (let r = 0; r < runCount; r += 1) {
    const root = find(r);
    let id = idOfRoot[root] as number;
    const x0 = runX0[r] as number;
    const x1 = runX1[r] as number;
    const y = runY[r] as number;
    if (id < 0) {
      id = components.length;
      idOfRoot[root] = id;
      components.push({ area: 0, minX: x0, minY: y, maxX: x1, maxY: y, runs: [] });
    }
    const component = components[id] as Component;
    component.area += x1 - x0 + 1;
    component.runs.push(r);
    if (x0 < component.minX) component.minX = x0;
    if (x1 > component.maxX) component.maxX = x1;
    if (y > component.maxY) component.maxY = y;
  }

  const minArea = Math.max(24, (options.minAreaFraction ?? 0.0008) * pixels);
  const detections: DetectedObject[] = [];
  for (const component of components) {
    if (component.area < minArea) continue;
    const boxWidth = component.maxX - component.minX + 1;
    const boxHeight = component.maxY - component.minY + 1;
    if (Math.min(boxWidth, boxHeight) < 10) continue;
    const mask = componentMask(component, { x0: runX0, x1: runX1, y: runY });
    const [best, second] = classifySilhouette(mask, 2);
    if (best === undefined) continue;
    const color = dominantColor({ rgb, channels, runs: { x0: runX0, x1: runX1, y: runY }, component, width, height, backgroundPlane: [a, bx, by], backgroundColor, balance });
    if (!color) continue;
    // close to a learned silhouette, and clearly closer than to the runner-up class
    const closeness = 1 / (1 + (best.distance / DISTANCE_SCALE) ** 2);
    const margin = second === undefined ? 1 : Math.min(1, 0.5 + (second.distance - best.distance) / Math.max(0.5, best.distance));
    const confidence = Math.round(closeness * margin * Math.min(1, color.share * 1.5) * 1000) / 1000;
    detections.push({
      class: best.class,
      color: color.color,
      cx: (component.minX + component.maxX + 1) / 2 / width,
      cy: (component.minY + component.maxY + 1) / 2 / height,
      size: Math.max(boxWidth, boxHeight) / Math.min(width, height),
      width: boxWidth / width,
      height: boxHeight / height,
      confidence,
    });
  }
  return detections.sort((x, y) => y.confidence - x.confidence || x.cx - y.cx || x.cy - y.cy);
}

/** A component's pixels as a mask over its box. */
function componentMask(component: Component, runs: { readonly x0: readonly number[]; readonly x1: readonly number[]; readonly y: readonly number[] }): { width: number; height: number; data: Uint8Array } {
  const width = component.maxX - component.minX + 1;
  const height = component.maxY - component.minY + 1;
  const data = new Uint8Array(width * height);
  for (const run of component.runs) {
    const row = ((runs.y[run] as number) - component.minY) * width - component.minX;
    data.fill(1, row + (runs.x0[run] as number), row + (runs.x1[run] as number) + 1);
  }
  return { width, height, data };
}

/** What the colour vote of one component needs. */
interface ColorVoteInput {
  readonly rgb: Uint8Array;
  readonly channels: number;
  readonly runs: { readonly x0: readonly number[]; readonly x1: readonly number[]; readonly y: readonly number[] };
  readonly component: Component;
  readonly width: number;
  readonly height: number;
  readonly backgroundPlane: readonly [number, number, number];
  readonly backgroundColor: readonly [number, number, number];
  /** Per-channel gains of the white balance. */
  readonly balance: readonly [number, number, number];
}

/**
 * The most frequent colour of a component's pixels, and its share of the votes: each pixel white-
 * balanced with the image's gains, then labelled against the background lightness at the component.
 */
function dominantColor(input: ColorVoteInput): { color: GenevalColor; share: number } | undefined {
  const { rgb, channels, runs, component, width, height, balance } = input;
  const [gainR, gainG, gainB] = balance;
  const [a, bx, by] = input.backgroundPlane;
  const centerX = (component.minX + component.maxX + 1) / 2;
  const centerY = (component.minY + component.maxY + 1) / 2;
  const backgroundLightness = a + bx * (centerX / width) + by * (centerY / height);
  const [br, bg, bb] = input.backgroundColor;
  const threshold = chromaticThreshold(saturationOf(br * gainR, bg * gainG, bb * gainB));
  const votes = new Array<number>(GENEVAL_COLORS.length).fill(0);
  let total = 0;
  // large components vote on a 2x2 lattice: a quarter of the pixels decide the majority as well
  const stride = component.area > 4000 ? 2 : 1;
  for (const run of component.runs) {
    const y = runs.y[run] as number;
    if (y % stride !== 0) continue;
    for (let x = runs.x0[run] as number; x <= (runs.x1[run] as number); x += stride) {
      const o = (y * width + x) * channels;
      const label = classifyPixel(Math.min(255, (rgb[o] ?? 0) * gainR), Math.min(255, (rgb[o + 1] ?? 0) * gainG), Math.min(255, (rgb[o + 2] ?? 0) * gainB), backgroundLightness, threshold);
      if (label === BACKGROUND_LABEL) continue;
      votes[label] = (votes[label] ?? 0) + 1;
      total += 1;
    }
  }
  if (total === 0) return undefined;
  let best = 0;
  for (let k = 1; k < votes.length; k += 1) if ((votes[k] ?? 0) > (votes[best] ?? 0)) best = k;
  const color = GENEVAL_COLORS[best];
  return color === undefined ? undefined : { color, share: (votes[best] ?? 0) / total };
}
