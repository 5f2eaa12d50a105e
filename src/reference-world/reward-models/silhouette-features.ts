/**
 * Shape features of a binary silhouette, the detector's description of what a blob looks like:
 * elongation (principal axes), fill of its box, holes (how many, how much), compactness, four Hu
 * moments (Hu 1962, "Visual pattern recognition by moment invariants") and a 4×4 density grid over
 * its box. Invariant to position and scale; nearly invariant to the small turns objects get.
 */

/** A binary mask, row-major, 1 inside. */
export interface BinaryMask {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Side of the density grid. */
const GRID = 4;
/** Number of features `silhouetteFeatures` returns. */
export const FEATURE_COUNT = 9 + GRID * GRID;
/** Weight of each feature in distances (the 16 grid cells share the weight of a few single features). */
export const FEATURE_WEIGHTS: readonly number[] = [1.2, 1, 1.2, 0.8, 1, 1, 0.6, 0.4, 1, ...new Array<number>(GRID * GRID).fill(0.35)];

/** Signed log of a moment invariant (they span many orders of magnitude). */
function signedLog(value: number): number {
  return value === 0 ? 0 : -Math.sign(value) * Math.log10(Math.abs(value) + 1e-12);
}

/** Holes of a mask: background cells not reachable from its border (4-connected); their total and how many sizeable ones. */
function holesOf(mask: BinaryMask, area: number): { cells: number; count: number } {
  const { width, height, data } = mask;
  const outside = new Uint8Array(width * height);
  const stack: number[] = [];
  const push = (index: number): void => {
    if (data[index] === 0 && outside[index] === 0) {
      outside[index] = 1;
      stack.push(index);
    }
  };
  for (let x = 0; x < width; x += 1) {
    push(x);
    push((height - 1) * width + x);
  }
  for (let y = 0; y < height; y += 1) {
    push(y * width);
    push(y * width + width - 1);
  }
  while (stack.length > 0) {
    const index = stack.pop() as number;
    const x = index % width;
    if (x > 0) push(index - 1);
    if (x < width - 1) push(index + 1);
    if (index >= width) push(index - width);
    if (index < width * (height - 1)) push(index + width);
  }
  let cells = 0;
  let count = 0;
  const seen = new Uint8Array(width * height);
  const minimum = Math.max(2, area * 0.01);
  for (let start = 0; start < data.length; start += 1) {
    if (data[start] !== 0 || outside[start] === 1 || seen[start] === 1) continue;
    let size = 0;
    seen[start] = 1;
    stack.push(start);
    const visit = (next: number): void => {
      if (data[next] !== 0 || outside[next] === 1 || seen[next] === 1) return;
      seen[next] = 1;
      stack.push(next);
    };
    while (stack.length > 0) {
      const index = stack.pop() as number;
      size += 1;
      const x = index % width;
      if (x > 0) visit(index - 1);
      if (x < width - 1) visit(index + 1);
      if (index >= width) visit(index - width);
      if (index < width * (height - 1)) visit(index + width);
    }
    cells += size;
    if (size >= minimum) count += 1;
  }
  return { cells, count };
}

/** The features of a silhouette (length FEATURE_COUNT); zeros for an empty mask. */
export function silhouetteFeatures(mask: BinaryMask): Float64Array {
  const { width, height, data } = mask;
  const features = new Float64Array(FEATURE_COUNT);
  let area = 0;
  let sumX = 0;
  let sumY = 0;
  let perimeter = 0;
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if (data[y * width + x] === 0) continue;
      area += 1;
      sumX += x + 0.5;
      sumY += y + 0.5;
      if (x === 0 || data[y * width + x - 1] === 0) perimeter += 1;
      if (x === width - 1 || data[y * width + x + 1] === 0) perimeter += 1;
      if (y === 0 || data[(y - 1) * width + x] === 0) perimeter += 1;
      if (y === height - 1 || data[(y + 1) * width + x] === 0) perimeter += 1;
    }
  }
  if (area === 0) return features;
  const meanX = sumX / area;
  const meanY = sumY / area;
  let mu20 = 0;
  let mu02 = 0;
  let mu11 = 0;
  let mu30 = 0;
  let mu03 = 0;
  let mu21 = 0;
  let mu12 = 0;
  const grid = new Float64Array(GRID * GRID);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if (data[y * width + x] === 0) continue;
      const dx = x + 0.5 - meanX;
      const dy = y + 0.5 - meanY;
      mu20 += dx * dx;
      mu02 += dy * dy;
      mu11 += dx * dy;
      mu30 += dx * dx * dx;
      mu03 += dy * dy * dy;
      mu21 += dx * dx * dy;
      mu12 += dx * dy * dy;
      grid[Math.min(GRID - 1, Math.floor((y * GRID) / height)) * GRID + Math.min(GRID - 1, Math.floor((x * GRID) / width))] += 1;
    }
  }
  const eta = (moment: number, order: number): number => moment / Math.pow(area, 1 + order / 2);
  const n20 = eta(mu20, 2);
  const n02 = eta(mu02, 2);
  const n11 = eta(mu11, 2);
  const n30 = eta(mu30, 3);
  const n03 = eta(mu03, 3);
  const n21 = eta(mu21, 3);
  const n12 = eta(mu12, 3);
  const hu1 = n20 + n02;
  const hu2 = (n20 - n02) ** 2 + 4 * n11 ** 2;
  const hu3 = (n30 - 3 * n12) ** 2 + (3 * n21 - n03) ** 2;
  const hu4 = (n30 + n12) ** 2 + (n21 + n03) ** 2;
  const spread = Math.sqrt(((mu20 - mu02) / 2) ** 2 + mu11 ** 2);
  const major = (mu20 + mu02) / 2 + spread;
  const minor = Math.max(1e-9, (mu20 + mu02) / 2 - spread);
  const holes = holesOf(mask, area);
  features[0] = 0.5 * Math.log(major / minor);
  features[1] = area / (width * height);
  features[2] = holes.cells / (area + holes.cells);
  features[3] = Math.min(3, holes.count) / 3;
  features[4] = Math.log((perimeter * perimeter) / (4 * Math.PI * area));
  features[5] = signedLog(hu1);
  features[6] = signedLog(hu2) / 3;
  features[7] = signedLog(hu3) / 4;
  features[8] = signedLog(hu4) / 4;
  const cellArea = (width * height) / (GRID * GRID);
  for (let cell = 0; cell < GRID * GRID; cell += 1) features[9 + cell] = (grid[cell] ?? 0) / cellArea;
  return features;
}
