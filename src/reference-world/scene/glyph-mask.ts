import { shapeBounds } from './glyph-geometry.js';
import type { Glyph, GlyphShape } from './glyph-geometry.js';

/** How a glyph is posed: turned about its box centre (degrees, clockwise) and stretched along its own axes. */
export interface GlyphPose {
  readonly rotation: number;
  readonly stretchX: number;
  readonly stretchY: number;
}

/** The upright, unstretched pose. */
export const UPRIGHT_POSE: GlyphPose = { rotation: 0, stretchX: 1, stretchY: 1 };

/** A binary silhouette on a grid: 1 where the glyph's body is, 0 elsewhere (holes included). */
export interface GlyphMask {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** Whether a point (glyph units) lies inside one shape. */
function contains(shape: GlyphShape, x: number, y: number): boolean {
  switch (shape.kind) {
    case 'polygon': {
      const points = shape.points;
      let inside = false;
      for (let k = 0, j = points.length - 2; k + 1 < points.length; j = k, k += 2) {
        const xi = points[k] ?? 0;
        const yi = points[k + 1] ?? 0;
        const xj = points[j] ?? 0;
        const yj = points[j + 1] ?? 0;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
      return inside;
    }
    case 'ellipse': {
      const angle = (shape.angle * Math.PI) / 180;
      const dx = x - shape.cx;
      const dy = y - shape.cy;
      const u = dx * Math.cos(angle) + dy * Math.sin(angle);
      const v = -dx * Math.sin(angle) + dy * Math.cos(angle);
      return (u / shape.rx) ** 2 + (v / shape.ry) ** 2 <= 1;
    }
    case 'line': {
      const vx = shape.x2 - shape.x1;
      const vy = shape.y2 - shape.y1;
      const length = vx * vx + vy * vy;
      const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((x - shape.x1) * vx + (y - shape.y1) * vy) / length));
      return Math.hypot(x - (shape.x1 + t * vx), y - (shape.y1 + t * vy)) <= shape.width / 2;
    }
  }
}

/** The glyph's painted state at a point: shapes in order, a hole clears, a body shape fills. */
function insideGlyph(shapes: readonly GlyphShape[], bounds: readonly (readonly number[])[], x: number, y: number): boolean {
  let inside = false;
  for (let index = 0; index < shapes.length; index += 1) {
    const box = bounds[index] as readonly number[];
    if (x < (box[0] ?? 0) || y < (box[1] ?? 0) || x > (box[2] ?? 0) || y > (box[3] ?? 0)) continue;
    const shape = shapes[index] as GlyphShape;
    if (contains(shape, x, y)) inside = !shape.hole;
  }
  return inside;
}

/** The axis-aligned size (glyph units) of a posed glyph's box. */
export function posedExtent(glyph: Glyph, pose: GlyphPose): { width: number; height: number } {
  const angle = (pose.rotation * Math.PI) / 180;
  const w = glyph.width * pose.stretchX;
  const h = glyph.height * pose.stretchY;
  return { width: Math.abs(w * Math.cos(angle)) + Math.abs(h * Math.sin(angle)), height: Math.abs(w * Math.sin(angle)) + Math.abs(h * Math.cos(angle)) };
}

/**
 * Rasterises a posed glyph into a mask whose grid spans the posed box (the longer side gets `side`
 * cells), sampling each cell at its centre. Used to learn silhouettes and to compare classes' shapes.
 */
export function rasterizeGlyph(glyph: Glyph, pose: GlyphPose, side: number): GlyphMask {
  const extent = posedExtent(glyph, pose);
  const scale = side / Math.max(extent.width, extent.height);
  const width = Math.max(1, Math.round(extent.width * scale));
  const height = Math.max(1, Math.round(extent.height * scale));
  const angle = (pose.rotation * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const bounds = glyph.shapes.map((shape) => shapeBounds(shape));
  const data = new Uint8Array(width * height);
  for (let row = 0; row < height; row += 1) {
    for (let column = 0; column < width; column += 1) {
      // cell centre relative to the box centre, in glyph units, turned back and unstretched
      const px = (column + 0.5 - width / 2) / scale;
      const py = (row + 0.5 - height / 2) / scale;
      const gx = (px * cos + py * sin) / pose.stretchX + glyph.width / 2;
      const gy = (-px * sin + py * cos) / pose.stretchY + glyph.height / 2;
      data[row * width + column] = insideGlyph(glyph.shapes, bounds, gx, gy) ? 1 : 0;
    }
  }
  return { width, height, data };
}

/**
 * How alike two glyphs look upright: intersection over union of their masks drawn in the same square
 * (each centred, at its own aspect ratio), 0..1.
 */
export function silhouetteOverlap(first: Glyph, second: Glyph, side = 32): number {
  const inSquare = (glyph: Glyph): Uint8Array => {
    const mask = rasterizeGlyph(glyph, UPRIGHT_POSE, side);
    const square = new Uint8Array(side * side);
    const left = Math.floor((side - mask.width) / 2);
    const top = Math.floor((side - mask.height) / 2);
    for (let row = 0; row < mask.height; row += 1) {
      for (let column = 0; column < mask.width; column += 1) square[(row + top) * side + column + left] = mask.data[row * mask.width + column] ?? 0;
    }
    return square;
  };
  const a = inSquare(first);
  const b = inSquare(second);
  let both = 0;
  let either = 0;
  for (let index = 0; index < a.length; index += 1) {
    both += (a[index] ?? 0) & (b[index] ?? 0);
    either += (a[index] ?? 0) | (b[index] ?? 0);
  }
  return either === 0 ? 0 : both / either;
}
