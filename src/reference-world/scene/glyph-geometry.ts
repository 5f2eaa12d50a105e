/**
 * Glyph geometry: a tiny drawing language for class silhouettes, compiled to shapes normalised so the
 * body's bounding box fits a unit square (max side 1) with its top-left corner at the origin.
 *
 * Source syntax (design units, y down), primitives separated by `;`, a leading `-` cuts a hole
 * (painted in order, so later body shapes can fill part of an earlier hole):
 *   r x y w h [radius]          rectangle, optionally rounded
 *   c cx cy r                   circle
 *   e cx cy rx ry [angle]       ellipse, rotated by angle degrees
 *   p x1 y1 x2 y2 …             polygon
 *   l x1 y1 x2 y2 width         thick line with round caps
 *   a cx cy r thickness a0 a1   arc band from angle a0 to a1 (degrees, clockwise from +x)
 */

/** One compiled primitive, in normalised glyph coordinates. */
export type GlyphShape =
  | { readonly kind: 'polygon'; readonly hole: boolean; readonly points: readonly number[] }
  | { readonly kind: 'ellipse'; readonly hole: boolean; readonly cx: number; readonly cy: number; readonly rx: number; readonly ry: number; readonly angle: number }
  | { readonly kind: 'line'; readonly hole: boolean; readonly x1: number; readonly y1: number; readonly x2: number; readonly y2: number; readonly width: number };

/** A compiled glyph: shapes inside [0, width] x [0, height], max(width, height) = 1. */
export interface Glyph {
  readonly shapes: readonly GlyphShape[];
  readonly width: number;
  readonly height: number;
}

/** A glyph's source: primitives and an optional rotation (degrees, about the design centre 5,5). */
export interface GlyphSource {
  readonly d: string;
  readonly rot?: number;
}

const DEG = Math.PI / 180;

function roundedRectPoints(x: number, y: number, w: number, h: number, radius: number): number[] {
  const r = Math.max(0, Math.min(radius, w / 2, h / 2));
  if (r === 0) return [x, y, x + w, y, x + w, y + h, x, y + h];
  const points: number[] = [];
  const corners: [number, number, number][] = [
    [x + w - r, y + r, -90],
    [x + w - r, y + h - r, 0],
    [x + r, y + h - r, 90],
    [x + r, y + r, 180],
  ];
  for (const [cx, cy, start] of corners) {
    for (let k = 0; k <= 4; k += 1) {
      const angle = (start + (k * 90) / 4) * DEG;
      points.push(cx + r * Math.cos(angle), cy + r * Math.sin(angle));
    }
  }
  return points;
}

function arcBandPoints(cx: number, cy: number, r: number, thickness: number, a0: number, a1: number): number[] {
  const outer: number[] = [];
  const inner: number[] = [];
  const steps = 16;
  for (let k = 0; k <= steps; k += 1) {
    const angle = (a0 + ((a1 - a0) * k) / steps) * DEG;
    outer.push(cx + (r + thickness / 2) * Math.cos(angle), cy + (r + thickness / 2) * Math.sin(angle));
    inner.unshift(cy + (r - thickness / 2) * Math.sin(angle));
    inner.unshift(cx + (r - thickness / 2) * Math.cos(angle));
  }
  return [...outer, ...inner];
}

function parsePrimitive(text: string): GlyphShape {
  const trimmed = text.trim();
  const hole = trimmed.startsWith('-');
  const [kind, ...rest] = (hole ? trimmed.slice(1) : trimmed).trim().split(/\s+/);
  const n = rest.map(Number);
  const at = (i: number, fallback = 0): number => n[i] ?? fallback;
  switch (kind) {
    case 'r':
      return { kind: 'polygon', hole, points: roundedRectPoints(at(0), at(1), at(2), at(3), at(4)) };
    case 'c':
      return { kind: 'ellipse', hole, cx: at(0), cy: at(1), rx: at(2), ry: at(2), angle: 0 };
    case 'e':
      return { kind: 'ellipse', hole, cx: at(0), cy: at(1), rx: at(2), ry: at(3), angle: at(4) };
    case 'p':
      return { kind: 'polygon', hole, points: n };
    case 'l':
      return { kind: 'line', hole, x1: at(0), y1: at(1), x2: at(2), y2: at(3), width: at(4) };
    case 'a':
      return { kind: 'polygon', hole, points: arcBandPoints(at(0), at(1), at(2), at(3), at(4), at(5)) };
    default:
      throw new Error(`unknown glyph primitive: ${text}`);
  }
}

function mapShape(shape: GlyphShape, point: (x: number, y: number) => [number, number], scale: number, turn: number): GlyphShape {
  switch (shape.kind) {
    case 'polygon': {
      const points: number[] = [];
      for (let k = 0; k + 1 < shape.points.length; k += 2) points.push(...point(shape.points[k] ?? 0, shape.points[k + 1] ?? 0));
      return { ...shape, points };
    }
    case 'ellipse': {
      const [cx, cy] = point(shape.cx, shape.cy);
      return { ...shape, cx, cy, rx: shape.rx * scale, ry: shape.ry * scale, angle: shape.angle + turn };
    }
    case 'line': {
      const [x1, y1] = point(shape.x1, shape.y1);
      const [x2, y2] = point(shape.x2, shape.y2);
      return { ...shape, x1, y1, x2, y2, width: shape.width * scale };
    }
  }
}

/** Exact axis-aligned bounds of one shape: [minX, minY, maxX, maxY]. */
export function shapeBounds(shape: GlyphShape): [number, number, number, number] {
  switch (shape.kind) {
    case 'polygon': {
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (let k = 0; k + 1 < shape.points.length; k += 2) {
        const x = shape.points[k] ?? 0;
        const y = shape.points[k + 1] ?? 0;
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
      return [minX, minY, maxX, maxY];
    }
    case 'ellipse': {
      const cos = Math.cos(shape.angle * DEG);
      const sin = Math.sin(shape.angle * DEG);
      const hx = Math.hypot(shape.rx * cos, shape.ry * sin);
      const hy = Math.hypot(shape.rx * sin, shape.ry * cos);
      return [shape.cx - hx, shape.cy - hy, shape.cx + hx, shape.cy + hy];
    }
    case 'line': {
      const half = shape.width / 2;
      return [Math.min(shape.x1, shape.x2) - half, Math.min(shape.y1, shape.y2) - half, Math.max(shape.x1, shape.x2) + half, Math.max(shape.y1, shape.y2) + half];
    }
  }
}

/** Compiles a glyph source: parse, rotate, and normalise so the body's bounds become [0,w]x[0,h], max(w,h) = 1. */
export function compileGlyph(source: GlyphSource): Glyph {
  const turn = source.rot ?? 0;
  const cos = Math.cos(turn * DEG);
  const sin = Math.sin(turn * DEG);
  const rotate = (x: number, y: number): [number, number] => [5 + (x - 5) * cos - (y - 5) * sin, 5 + (x - 5) * sin + (y - 5) * cos];
  const rotated = source.d
    .split(';')
    .filter((part) => part.trim() !== '')
    .map((part) => mapShape(parsePrimitive(part), rotate, 1, turn));
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const shape of rotated) {
    if (shape.hole) continue;
    const [x0, y0, x1, y1] = shapeBounds(shape);
    minX = Math.min(minX, x0);
    minY = Math.min(minY, y0);
    maxX = Math.max(maxX, x1);
    maxY = Math.max(maxY, y1);
  }
  const scale = 1 / Math.max(maxX - minX, maxY - minY);
  const normalise = (x: number, y: number): [number, number] => [(x - minX) * scale, (y - minY) * scale];
  return {
    shapes: rotated.map((shape) => mapShape(shape, normalise, scale, 0)),
    width: (maxX - minX) * scale,
    height: (maxY - minY) * scale,
  };
}
