import { fitPlane, medianOf } from '../scene/background-plane.js';
import { BADGE_DARK_CELLS, BADGE_GEOMETRY, classOfBadgeCode } from '../scene/class-badges.js';
import { glyphFor } from '../scene/class-glyphs.js';
import { GENEVAL_COLORS } from '../scene/geneval-spec.js';
import type { GenevalColor } from '../scene/geneval-spec.js';
import { BACKGROUND_LABEL, chromaticThreshold, classifyPixel, saturationOf } from '../scene/pixel-colors.js';

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
const BRIDGE = 4;
/** Size (bits) of the per-call colour classification cache. */
const CACHE_BITS = 14;
const CACHE_SIZE = 1 << CACHE_BITS;
/** Badge search: offsets of up to SEARCH_STEPS x 3.5% of the badge side around the box centre, each way (coarse steps of two). */
const SEARCH_STEPS = 4;
/** Badge sizes tried, relative to the one the component's box implies. */
const SEARCH_SCALES = [1, 1.1, 1.2, 0.92] as const;

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
 * Finds the objects of a rendered scene from its pixels alone: labels each pixel with a GenEval
 * colour against a background model (a lightness plane fitted to the border, so lighting gradients
 * cancel), groups non-background pixels into connected components (runs, small gaps bridged),
 * searches each component's class badge around its box centre (the four darkest of nine cells form
 * the code), and takes the dominant colour of the component outside the badge after undoing haze,
 * contrast and lighting with the badge's own dark and light levels. Position and size come from the
 * badge (it sits at the glyph box centre, 0.45 x its shorter side). Components without a readable
 * badge are not objects (clutter, faint blends); a component whose box disagrees with the glyph the
 * badge announces gets a lower confidence.
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
    const centerX = (component.minX + component.maxX + 1) / 2;
    const centerY = (component.minY + component.maxY + 1) / 2;
    const side = BADGE_GEOMETRY.sizeFactor * Math.min(boxWidth, boxHeight);
    const found = findBadge(lightness, width, height, centerX, centerY, side);
    if (!found) continue;
    const { read: badge } = found;
    const className = classOfBadgeCode(badge.code);
    if (className === undefined) continue;
    // the badge marks the glyph box: its centre is the box centre, its side 0.45 x the box's shorter side
    const glyph = glyphFor(className);
    const shorter = found.side / BADGE_GEOMETRY.sizeFactor;
    const aspect = glyph.width / glyph.height;
    const glyphWidth = aspect >= 1 ? shorter * aspect : shorter;
    const glyphHeight = aspect >= 1 ? shorter : shorter / aspect;

    const color = dominantColor({ rgb, channels, runs: { x0: runX0, x1: runX1, y: runY }, component, centerX: found.x, centerY: found.y, badgeSide: found.side * 1.15, width, height, badge, backgroundPlane: [a, bx, by], backgroundColor });
    if (!color) continue;
    // a component much smaller or larger than the glyph the badge announces is not that object
    const sizeError = Math.max(Math.abs(Math.log(boxWidth / glyphWidth)), Math.abs(Math.log(boxHeight / glyphHeight)));
    const sizeScore = sizeError < 0.25 ? 1 : Math.max(0.2, 1 - (sizeError - 0.25) * 2);
    const confidence = Math.round(badge.confidence * sizeScore * Math.min(1, color.share * 1.6) * 1000) / 1000;
    detections.push({
      class: className,
      color: color.color,
      cx: found.x / width,
      cy: found.y / height,
      size: Math.max(glyphWidth, glyphHeight) / Math.min(width, height),
      width: glyphWidth / width,
      height: glyphHeight / height,
      confidence,
    });
  }
  return detections.sort((x, y) => y.confidence - x.confidence || x.cx - y.cx || x.cy - y.cy);
}

/** Where a badge was found: its read, centre and side. */
interface FoundBadge {
  readonly read: BadgeRead;
  readonly x: number;
  readonly y: number;
  readonly side: number;
}

/**
 * Searches the badge around the component's box centre: coarse offsets (up to 14% of the side) at
 * three scales, then a fine step around the best; anti-aliasing, haze or highlights can shave thin
 * extremities off the visible box, moving its centre and shrinking it. Best = widest dark/light gap.
 */
function findBadge(lightness: Float32Array, width: number, height: number, centerX: number, centerY: number, side: number): FoundBadge | undefined {
  let best: FoundBadge | undefined;
  const consider = (x: number, y: number, size: number): void => {
    const read = readBadge(lightness, width, height, x - size / 2, y - size / 2, size);
    if (read && classOfBadgeCode(read.code) !== undefined && (!best || read.gap > best.read.gap)) best = { read, x, y, side: size };
  };
  const step = Math.max(0.5, side * 0.035);
  for (const scale of SEARCH_SCALES) {
    for (let dy = -SEARCH_STEPS; dy <= SEARCH_STEPS; dy += 2) {
      for (let dx = -SEARCH_STEPS; dx <= SEARCH_STEPS; dx += 2) consider(centerX + dx * step, centerY + dy * step, side * scale);
    }
  }
  const coarse = best;
  if (!coarse) return undefined;
  for (let dy = -1; dy <= 1; dy += 1) {
    for (let dx = -1; dx <= 1; dx += 1) {
      if (dx !== 0 || dy !== 0) consider(coarse.x + dx * step, coarse.y + dy * step, coarse.side);
    }
  }
  return best;
}

/** Mean lightness of a small square window centred at (x, y). */
function sampleMean(lightness: Float32Array, width: number, height: number, x: number, y: number, half: number): number {
  const x0 = Math.max(0, Math.floor(x - half));
  const x1 = Math.min(width - 1, Math.max(x0, Math.ceil(x + half) - 1));
  const y0 = Math.max(0, Math.floor(y - half));
  const y1 = Math.min(height - 1, Math.max(y0, Math.ceil(y + half) - 1));
  let sum = 0;
  let n = 0;
  for (let yy = y0; yy <= y1; yy += 1) {
    for (let xx = x0; xx <= x1; xx += 1) {
      sum += lightness[yy * width + xx] ?? 0;
      n += 1;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/** Reads the 3x3 badge whose top-left corner is (x0, y0): the four darkest cells form the code. */
/** A badge read: its code, how clearly it read, and its measured dark and light levels (a local grey scale). */
interface BadgeRead {
  readonly code: number;
  readonly confidence: number;
  readonly gap: number;
  readonly dark: number;
  readonly light: number;
}

function readBadge(lightness: Float32Array, width: number, height: number, x0: number, y0: number, side: number): BadgeRead | undefined {
  const half = Math.max(0.5, BADGE_GEOMETRY.cell * side * 0.25);
  const cells: { bit: number; value: number }[] = [];
  for (let bit = 0; bit < 9; bit += 1) {
    const x = x0 + (BADGE_GEOMETRY.gridOffset + ((bit % 3) + 0.5) * BADGE_GEOMETRY.cell) * side;
    const y = y0 + (BADGE_GEOMETRY.gridOffset + (Math.floor(bit / 3) + 0.5) * BADGE_GEOMETRY.cell) * side;
    cells.push({ bit, value: sampleMean(lightness, width, height, x, y, half) });
  }
  const sorted = [...cells].sort((p, q) => p.value - q.value);
  const darkest = sorted[BADGE_DARK_CELLS - 1]?.value ?? 0;
  const lightest = sorted[BADGE_DARK_CELLS]?.value ?? 0;
  const gap = lightest - darkest;
  if (gap < 0.12) return undefined;
  // the frame must be dark too: sample the middle of each side
  const frameOffset = BADGE_GEOMETRY.frame * side * 0.5;
  const frame = [
    [x0 + side / 2, y0 + frameOffset],
    [x0 + side / 2, y0 + side - frameOffset],
    [x0 + frameOffset, y0 + side / 2],
    [x0 + side - frameOffset, y0 + side / 2],
  ].map(([x = 0, y = 0]) => sampleMean(lightness, width, height, x, y, Math.max(0.5, frameOffset * 0.5)));
  const threshold = (darkest + lightest) / 2;
  const darkFrame = frame.filter((value) => value < threshold).length;
  if (darkFrame < 3) return undefined;
  let code = 0;
  for (const cell of sorted.slice(0, BADGE_DARK_CELLS)) code |= 1 << cell.bit;
  const mean = (values: readonly { value: number }[]): number => values.reduce((sum, cell) => sum + cell.value, 0) / Math.max(1, values.length);
  return {
    code,
    confidence: Math.min(1, gap / 0.35) * (darkFrame === 4 ? 1 : 0.8),
    gap: darkFrame === 4 ? gap : gap * 0.8,
    dark: mean(sorted.slice(0, BADGE_DARK_CELLS)),
    light: mean(sorted.slice(BADGE_DARK_CELLS)),
  };
}

/** What the colour vote of one component needs. */
interface ColorVoteInput {
  readonly rgb: Uint8Array;
  readonly channels: number;
  readonly runs: { readonly x0: readonly number[]; readonly x1: readonly number[]; readonly y: readonly number[] };
  readonly component: Component;
  readonly centerX: number;
  readonly centerY: number;
  readonly badgeSide: number;
  readonly width: number;
  readonly height: number;
  readonly badge: BadgeRead;
  readonly backgroundPlane: readonly [number, number, number];
  readonly backgroundColor: readonly [number, number, number];
}

/** Badge ink and paper as drawn (lightness 0..1), before any style. */
const BADGE_DARK = 26 / 255;
const BADGE_LIGHT = 246 / 255;

/**
 * The most frequent colour of a component outside its badge, and its share of the votes. Pixels are
 * first mapped through the affine grey scale the badge measured (its dark and light cells), which
 * undoes haze, contrast and the local lighting before the colour is judged.
 */
function dominantColor(input: ColorVoteInput): { color: GenevalColor; share: number } | undefined {
  const { rgb, channels, runs, component, centerX, centerY, badgeSide, width, height, badge } = input;
  const scale = (BADGE_LIGHT - BADGE_DARK) / Math.max(0.05, badge.light - badge.dark);
  const correct = (value: number): number => Math.min(255, Math.max(0, (BADGE_DARK + (value / 255 - badge.dark) * scale) * 255));
  const [a, bx, by] = input.backgroundPlane;
  const backgroundLightness = BADGE_DARK + (a + bx * (centerX / width) + by * (centerY / height) - badge.dark) * scale;
  const [br, bg, bb] = input.backgroundColor;
  const threshold = chromaticThreshold(saturationOf(correct(br), correct(bg), correct(bb)));
  const votes = new Array<number>(GENEVAL_COLORS.length).fill(0);
  const bx0 = centerX - badgeSide / 2;
  const bx1 = centerX + badgeSide / 2;
  const by0 = centerY - badgeSide / 2;
  const by1 = centerY + badgeSide / 2;
  let total = 0;
  // large components vote on a 2x2 lattice: a quarter of the pixels decide the majority as well
  const stride = component.area > 4000 ? 2 : 1;
  for (const run of component.runs) {
    const y = runs.y[run] as number;
    if (y % stride !== 0) continue;
    const insideRows = y + 0.5 >= by0 && y + 0.5 <= by1;
    for (let x = runs.x0[run] as number; x <= (runs.x1[run] as number); x += stride) {
      if (insideRows && x + 0.5 >= bx0 && x + 0.5 <= bx1) continue;
      const o = (y * width + x) * channels;
      const label = classifyPixel(correct(rgb[o] ?? 0), correct(rgb[o + 1] ?? 0), correct(rgb[o + 2] ?? 0), backgroundLightness, threshold);
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
