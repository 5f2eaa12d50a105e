/**
 * Computational aesthetics from pixel statistics (no learned weights), in the tradition of Datta et
 * al. 2006 and Ke et al. 2006, mapped to the 1..10 scale of the LAION aesthetic predictor.
 *
 * Features, on the image shrunk to at most 256 px a side (Y = Rec. 601 luma, 0..255):
 * - colourfulness M (Hasler & Süsstrunk 2003): rg = R − G, yb = (R + G)/2 − B,
 *   M = √(σ_rg² + σ_yb²) + 0.3·√(μ_rg² + μ_yb²);             f_colour = 1 − e^(−M/40)
 * - contrast: RMS contrast C = σ_Y / 255;                      f_contrast = 1 − e^(−C/0.12)
 * - sharpness: variance V of the 4-neighbour Laplacian of Y;   f_sharp = 1 − e^(−V/250)
 * - composition: the salient mass (pixels far from a background plane fitted to the border) should have its
 *   centroid near a rule-of-thirds point or the centre (d = distance to the nearest, f_place =
 *   1 − d/0.3), be balanced left/right and top/bottom (f_balance = 1 − imbalance), and cover a
 *   moderate share a of the frame (f_size = 1 − |log₁₀(a/0.15)|);  f_composition = mean of the three
 * - cleanliness: share u of non-subject pixels that differ from the background plane (clutter,
 *   heavy texture);                                                 f_clean = 1 − min(1, u/0.2)
 * raw = 0.28 f_colour + 0.22 f_contrast + 0.22 f_sharp + 0.14 f_composition + 0.14 f_clean,
 * score = 1 + 9·raw (1..10).
 */

import { fitPlane } from '../scene/background-plane.js';

/** The features and the final score of one image. */
export interface AestheticFeatures {
  readonly colorfulness: number;
  readonly contrast: number;
  readonly sharpness: number;
  readonly composition: number;
  readonly cleanliness: number;
  /** 1..10. */
  readonly score: number;
}

/** Weights of the five normalised features (they sum to 1). */
export const AESTHETIC_WEIGHTS = { colorfulness: 0.28, contrast: 0.22, sharpness: 0.22, composition: 0.14, cleanliness: 0.14 } as const;

const SALIENT_DISTANCE = 40;
const CLUTTER_DISTANCE = 16;

/** Computes the aesthetic features of interleaved 8-bit RGB(A) pixels. */
export function aestheticFeatures(data: Uint8Array, width: number, height: number, channels: number): AestheticFeatures {
  const pixels = width * height;
  if (pixels === 0) return { colorfulness: 0, contrast: 0, sharpness: 0, composition: 0, cleanliness: 0, score: 1 };
  const luma = new Float32Array(pixels);
  let sumRg = 0, sumYb = 0, sumRg2 = 0, sumYb2 = 0, sumY = 0, sumY2 = 0;
  for (let p = 0; p < pixels; p += 1) {
    const o = p * channels;
    const r = data[o] as number;
    const g = data[o + 1] as number;
    const b = data[o + 2] as number;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    sumRg += rg;
    sumYb += yb;
    sumRg2 += rg * rg;
    sumYb2 += yb * yb;
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    luma[p] = y;
    sumY += y;
    sumY2 += y * y;
  }
  const meanRg = sumRg / pixels;
  const meanYb = sumYb / pixels;
  const colorfulness = Math.sqrt(Math.max(0, sumRg2 / pixels - meanRg * meanRg) + Math.max(0, sumYb2 / pixels - meanYb * meanYb)) + 0.3 * Math.hypot(meanRg, meanYb);
  const meanY = sumY / pixels;
  const contrast = Math.sqrt(Math.max(0, sumY2 / pixels - meanY * meanY)) / 255;

  let lapSum = 0, lapSum2 = 0, lapCount = 0;
  for (let y = 1; y < height - 1; y += 1) {
    for (let x = 1; x < width - 1; x += 1) {
      const p = y * width + x;
      const value = (luma[p - 1] as number) + (luma[p + 1] as number) + (luma[p - width] as number) + (luma[p + width] as number) - 4 * (luma[p] as number);
      lapSum += value;
      lapSum2 += value * value;
      lapCount += 1;
    }
  }
  const sharpness = lapCount === 0 ? 0 : lapSum2 / lapCount - (lapSum / lapCount) ** 2;

  // background: a plane per channel through the border pixels (cancels linear lighting gradients)
  const xs: number[] = [];
  const ys: number[] = [];
  const border: number[][] = [[], [], []];
  const step = Math.max(1, Math.floor(Math.min(width, height) / 64));
  const addBorder = (x: number, y: number): void => {
    const o = (y * width + x) * channels;
    xs.push((x + 0.5) / width);
    ys.push((y + 0.5) / height);
    for (let c = 0; c < 3; c += 1) border[c]?.push(data[o + c] ?? 0);
  };
  for (let x = 0; x < width; x += step) {
    addBorder(x, 0);
    addBorder(x, height - 1);
  }
  for (let y = step; y < height - 1; y += step) {
    addBorder(0, y);
    addBorder(width - 1, y);
  }
  const planes = border.map((values) => fitPlane(xs, ys, values, 255));
  const [[ra = 0, rb = 0, rc = 0] = [], [ga = 0, gb = 0, gc = 0] = [], [ba = 0, bb = 0, bc = 0] = []] = planes;
  let mass = 0, massX = 0, massY = 0, left = 0, top = 0, salient = 0, clutter = 0;
  for (let row = 0, p = 0; row < height; row += 1) {
    const y = (row + 0.5) / height;
    const rRow = ra + rc * y;
    const gRow = ga + gc * y;
    const bRow = ba + bc * y;
    for (let column = 0; column < width; column += 1, p += 1) {
      const o = p * channels;
      const x = (column + 0.5) / width;
      const distance = Math.max(
        Math.abs((data[o] as number) - (rRow + rb * x)),
        Math.abs((data[o + 1] as number) - (gRow + gb * x)),
        Math.abs((data[o + 2] as number) - (bRow + bb * x)),
      );
      if (distance >= SALIENT_DISTANCE) {
        mass += distance;
        massX += distance * x;
        massY += distance * y;
        if (x < 0.5) left += distance;
        if (y < 0.5) top += distance;
        salient += 1;
      } else if (distance >= CLUTTER_DISTANCE) {
        clutter += 1;
      }
    }
  }
  let composition = 0;
  if (mass > 0) {
    const cx = massX / mass;
    const cy = massY / mass;
    const anchors: [number, number][] = [[1 / 3, 1 / 3], [2 / 3, 1 / 3], [1 / 3, 2 / 3], [2 / 3, 2 / 3], [0.5, 0.5]];
    const nearest = Math.min(...anchors.map(([ax, ay]) => Math.hypot(cx - ax, cy - ay)));
    const place = Math.max(0, 1 - nearest / 0.3);
    const balance = 1 - (Math.abs(2 * left - mass) + Math.abs(2 * top - mass)) / (2 * mass);
    const share = salient / pixels;
    const size = Math.max(0, 1 - Math.abs(Math.log10(share / 0.15)));
    composition = (place + balance + size) / 3;
  }
  const backgroundPixels = pixels - salient;
  const cleanliness = backgroundPixels <= 0 ? 1 : 1 - Math.min(1, clutter / backgroundPixels / 0.2);

  const normalised = {
    colorfulness: 1 - Math.exp(-colorfulness / 40),
    contrast: 1 - Math.exp(-contrast / 0.12),
    sharpness: 1 - Math.exp(-sharpness / 250),
    composition,
    cleanliness,
  };
  const raw = (Object.keys(AESTHETIC_WEIGHTS) as (keyof typeof AESTHETIC_WEIGHTS)[]).reduce((sum, key) => sum + AESTHETIC_WEIGHTS[key] * normalised[key], 0);
  return { colorfulness, contrast, sharpness, composition, cleanliness, score: 1 + 9 * Math.min(1, Math.max(0, raw)) };
}
