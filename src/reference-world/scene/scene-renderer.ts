import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { glyphFor } from './class-glyphs.js';
import { PALETTE_RGB, hslToRgb, mixRgb, styleRgb, toHex } from './color-palette.js';
import type { Rgb } from './color-palette.js';
import type { GlyphShape } from './glyph-geometry.js';
import { clampStyle } from './render-style.js';
import type { RenderStyle } from './render-style.js';
import type { PlacedObject, SceneLayout } from './scene-layout.js';
import { NEUTRAL_LIGHTING, type SceneLighting } from './scene-lighting.js';
import { SeededRandom, hashString } from './seeded-random.js';

/** Smallest and largest image side the renderer accepts. */
export const RENDER_SIZE_RANGE = { min: 16, max: 2048 } as const;

/** HSL lightness of the background (its hue comes from the layout). */
export const BACKGROUND_LIGHTNESS = 0.58;
/** HSL saturation of the background: low, so every object colour stands out. */
export const BACKGROUND_SATURATION = 0.1;
const HAZE: Rgb = [214, 214, 214];

const fmt = (value: number): string => (Math.round(value * 100) / 100).toString();

function checkSize(width: number, height: number): void {
  for (const side of [width, height]) {
    if (!Number.isInteger(side) || side < RENDER_SIZE_RANGE.min || side > RENDER_SIZE_RANGE.max) {
      throw new RangeError(`render size must be an integer in ${RENDER_SIZE_RANGE.min}..${RENDER_SIZE_RANGE.max}, got ${width}x${height}`);
    }
  }
}

/** SVG of one shape mapped into the pixel box (x0, y0, scale). */
function shapeSvg(shape: GlyphShape, x0: number, y0: number, scale: number, paint: string): string {
  switch (shape.kind) {
    case 'polygon': {
      const points: string[] = [];
      for (let k = 0; k + 1 < shape.points.length; k += 2) {
        points.push(`${fmt(x0 + (shape.points[k] ?? 0) * scale)},${fmt(y0 + (shape.points[k + 1] ?? 0) * scale)}`);
      }
      return `<polygon points="${points.join(' ')}" ${paint}/>`;
    }
    case 'ellipse': {
      const cx = fmt(x0 + shape.cx * scale);
      const cy = fmt(y0 + shape.cy * scale);
      const rotate = shape.angle !== 0 ? ` transform="rotate(${fmt(shape.angle)} ${cx} ${cy})"` : '';
      return `<ellipse cx="${cx}" cy="${cy}" rx="${fmt(shape.rx * scale)}" ry="${fmt(shape.ry * scale)}"${rotate} ${paint}/>`;
    }
    case 'line':
      return `<line x1="${fmt(x0 + shape.x1 * scale)}" y1="${fmt(y0 + shape.y1 * scale)}" x2="${fmt(x0 + shape.x2 * scale)}" y2="${fmt(y0 + shape.y2 * scale)}" ${paint}/>`;
  }
}

/** The pixel box of a placed object's upright, unstretched glyph (its pose turns it about the box centre). */
export function objectPixelBox(object: PlacedObject, width: number, height: number): { x0: number; y0: number; w: number; h: number; scale: number } {
  const glyph = glyphFor(object.class);
  const scale = object.size * Math.min(width, height);
  const w = glyph.width * scale;
  const h = glyph.height * scale;
  return { x0: object.cx * width - w / 2, y0: object.cy * height - h / 2, w, h, scale };
}

function outlineColor(color: Rgb, name: string): Rgb {
  if (name === 'black') return mixRgb(color, [255, 255, 255], 0.16);
  if (name === 'white') return [70, 70, 72];
  return mixRgb(color, [0, 0, 0], 0.45);
}

/** What objects need to know about the scene around them. */
interface ScenePaint {
  readonly style: RenderStyle;
  /** Background fill, painted into holes (the background shows through them). */
  readonly background: string;
  /** Opacity of the background grain pattern, repeated in holes (0: none). */
  readonly grain: number;
  /** Pitch of the hatch pattern in pixels. */
  readonly hatchPitch: number;
  /** The light gradient's direction (unit vector, image axes, from the lit side to the dark side) and how strongly objects are shaded along it (0: flat). */
  readonly shade: { readonly x: number; readonly y: number; readonly strength: number };
}

/** Shading of objects: a floor (objects always have some volume) plus a share of the light gradient's strength. */
const SHADE = { base: 0.08, perLight: 0.6 } as const;

/**
 * One object: its glyph's primitives painted in order (body in the object's colour with an outline
 * growing with detail, holes in the background's paint so later body shapes can refill them) and an
 * opaque hatch texture at high detail, turned and stretched by the object's pose. Nothing but its
 * silhouette, colour and texture says what it is. No masks: librsvg allocates a canvas-sized surface
 * per mask, which made many-object scenes slow.
 */
function objectSvg(object: PlacedObject, index: number, width: number, height: number, paint: ScenePaint): { defs: string; body: string } {
  const { style } = paint;
  const glyph = glyphFor(object.class);
  const { x0, y0, w, h, scale } = objectPixelBox(object, width, height);
  const base = PALETTE_RGB[object.color] ?? PALETTE_RGB.white;
  const fill = toHex(styleRgb(base, style.saturation, style.contrast));
  const outlineRgb = outlineColor(base, object.color);
  const outline = toHex(styleRgb(outlineRgb, style.saturation, style.contrast));
  const outlineWidth = style.detail > 0.05 ? style.detail * 0.012 * scale : 0;
  const hatched = style.detail > 0.45;
  let defs = hatched
    ? `<pattern id="h${index}" width="${paint.hatchPitch * HATCH_TILE}" height="${paint.hatchPitch * HATCH_TILE}" patternUnits="userSpaceOnUse">${hatchLines(paint.hatchPitch, toHex(styleRgb(mixRgb(base, outlineRgb, (style.detail - 0.45) * 0.5), style.saturation, style.contrast)))}</pattern>`
    : '';
  // volume: lit on the side the light comes from, in shadow on the other (in the glyph's own frame, so
  // the direction is turned back by the object's rotation)
  const shaded = paint.shade.strength > 0;
  if (shaded) {
    const turn = ((object.rotation ?? 0) * Math.PI) / 180;
    const lx = paint.shade.x * Math.cos(turn) + paint.shade.y * Math.sin(turn);
    const ly = -paint.shade.x * Math.sin(turn) + paint.shade.y * Math.cos(turn);
    const reach = Math.max(w, h) / 2;
    const centreX = x0 + w / 2;
    const centreY = y0 + h / 2;
    const opacity = fmt(paint.shade.strength);
    defs += `<linearGradient id="s${index}" gradientUnits="userSpaceOnUse" x1="${fmt(centreX - lx * reach)}" y1="${fmt(centreY - ly * reach)}" x2="${fmt(centreX + lx * reach)}" y2="${fmt(centreY + ly * reach)}"><stop offset="0" stop-color="#fff" stop-opacity="${opacity}"/><stop offset="0.45" stop-color="#fff" stop-opacity="0"/><stop offset="0.55" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="${opacity}"/></linearGradient>`;
  }

  const parts: string[] = [];
  for (const shape of glyph.shapes) {
    if (shape.hole) {
      const holePaint = (color: string, extra = ''): string =>
        shape.kind === 'line'
          ? shapeSvg(shape, x0, y0, scale, `stroke="${color}" stroke-width="${fmt(shape.width * scale)}" stroke-linecap="round" fill="none"${extra}`)
          : shapeSvg(shape, x0, y0, scale, `fill="${color}"${extra}`);
      parts.push(holePaint(paint.background));
      if (paint.grain > 0) parts.push(holePaint('url(#grain)', ` opacity="${fmt(paint.grain)}"`));
      continue;
    }
    if (shape.kind === 'line') {
      const full = shape.width * scale;
      if (outlineWidth > 0) parts.push(shapeSvg(shape, x0, y0, scale, `stroke="${outline}" stroke-width="${fmt(full + outlineWidth)}" stroke-linecap="round" fill="none"`));
      parts.push(shapeSvg(shape, x0, y0, scale, `stroke="${fill}" stroke-width="${fmt(Math.max(0, full - outlineWidth))}" stroke-linecap="round" fill="none"`));
      if (hatched) parts.push(shapeSvg(shape, x0, y0, scale, `stroke="url(#h${index})" stroke-width="${fmt(Math.max(0, full - outlineWidth))}" stroke-linecap="round" fill="none"`));
      if (shaded) parts.push(shapeSvg(shape, x0, y0, scale, `stroke="url(#s${index})" stroke-width="${fmt(Math.max(0, full - outlineWidth))}" stroke-linecap="round" fill="none"`));
      continue;
    }
    const stroke = outlineWidth > 0 ? ` stroke="${outline}" stroke-width="${fmt(outlineWidth)}"` : '';
    parts.push(shapeSvg(shape, x0, y0, scale, `fill="${fill}"${stroke}`));
    if (hatched) parts.push(shapeSvg(shape, x0, y0, scale, `fill="url(#h${index})"`));
    if (shaded) parts.push(shapeSvg(shape, x0, y0, scale, `fill="url(#s${index})"`));
  }
  const rotation = object.rotation ?? 0;
  const stretchX = object.stretchX ?? 1;
  const stretchY = object.stretchY ?? 1;
  const body = parts.join('');
  if (rotation === 0 && stretchX === 1 && stretchY === 1) return { defs, body };
  // the pose turns and stretches the glyph about its box centre
  const cx = fmt(x0 + w / 2);
  const cy = fmt(y0 + h / 2);
  return { defs, body: `<g transform="translate(${cx} ${cy}) rotate(${fmt(rotation)}) scale(${stretchX.toFixed(4)} ${stretchY.toFixed(4)}) translate(-${cx} -${cy})">${body}</g>` };
}


function clutterSvg(layout: SceneLayout, style: RenderStyle, width: number, height: number, random: SeededRandom): string {
  const count = Math.round(style.clutter * 40);
  const side = Math.min(width, height);
  const shapes: string[] = [];
  for (let k = 0; k < count; k += 1) {
    const hue = layout.backgroundHue + random.range(-50, 50);
    const lightness = BACKGROUND_LIGHTNESS + random.range(-0.09, 0.09);
    const color = toHex(styleRgb(hslToRgb(hue, 0.05, lightness), style.saturation, style.contrast));
    const x = random.range(0, width);
    const y = random.range(0, height);
    const r = random.range(0.015, 0.07) * side;
    const kind = random.int(3);
    if (kind === 0) shapes.push(`<circle cx="${fmt(x)}" cy="${fmt(y)}" r="${fmt(r)}" fill="${color}"/>`);
    else if (kind === 1) shapes.push(`<rect x="${fmt(x - r)}" y="${fmt(y - r * 0.6)}" width="${fmt(2 * r)}" height="${fmt(1.2 * r)}" rx="${fmt(r * 0.2)}" fill="${color}" transform="rotate(${fmt(random.range(0, 180))} ${fmt(x)} ${fmt(y)})"/>`);
    else shapes.push(`<line x1="${fmt(x)}" y1="${fmt(y)}" x2="${fmt(x + random.range(-3, 3) * r)}" y2="${fmt(y + random.range(-3, 3) * r)}" stroke="${color}" stroke-width="${fmt(r * 0.25)}" stroke-linecap="round"/>`);
  }
  return shapes.join('');
}

/** Dots per side of one grain pattern tile (large tiles render much faster than one dot per tile). */
const GRAIN_TILE = 12;
const HATCH_TILE = 12;

function grainDots(pitch: number, color: string): string {
  const dot = fmt(pitch * 0.4);
  const parts: string[] = [];
  for (let row = 0; row < GRAIN_TILE; row += 1) {
    for (let column = 0; column < GRAIN_TILE; column += 1) {
      const offset = row % 2 === 0 ? 0.5 : 0;
      parts.push(`M${fmt((column + 0.3 + offset) * pitch)} ${fmt((row + 0.3) * pitch)}h${dot}v${dot}h-${dot}z`);
    }
  }
  return `<path fill="${color}" d="${parts.join('')}"/>`;
}

function hatchLines(pitch: number, color: string): string {
  const size = pitch * HATCH_TILE;
  const parts: string[] = [];
  for (let k = -HATCH_TILE; k <= HATCH_TILE; k += 1) parts.push(`M${fmt(k * pitch)} ${fmt(size)}L${fmt(k * pitch + size)} 0`);
  return `<path stroke="${color}" stroke-width="${fmt(pitch * 0.3)}" d="${parts.join('')}"/>`;
}

/**
 * The scene as an SVG document (no text, no external references): background, clutter, each object
 * as its posed class glyph in its colour, then light gradient, colour temperature, exposure and haze overlays.
 */
export function renderSceneSvg(layout: SceneLayout, style: RenderStyle, width: number, height: number, lighting: SceneLighting = NEUTRAL_LIGHTING): string {
  return buildSceneSvg(layout, style, width, height, true, lighting);
}

/**
 * The light gradient of a scene as a vector (image fractions): the style's diagonal (top-left light)
 * plus the lighting's own vector. Its length sets the gradient's strength, so where the sum nears zero
 * the gradient fades out instead of flipping direction (smooth in the lighting).
 */
function lightVector(style: RenderStyle, lighting: SceneLighting): { x: number; y: number; strength: number } {
  const x = style.lighting * Math.SQRT1_2 + lighting.gradientX;
  const y = style.lighting * Math.SQRT1_2 + lighting.gradientY;
  const length = Math.hypot(x, y);
  return { x: length === 0 ? Math.SQRT1_2 : x / length, y: length === 0 ? Math.SQRT1_2 : y / length, strength: Math.min(0.45, 0.25 * length) };
}

/** Gaussian blur (pixels) a style asks for at a given image size: only below detail 0.25. */
export function blurSigma(style: RenderStyle, width: number, height: number): number {
  const detail = clampStyle(style).detail;
  return detail < 0.25 ? (0.25 - detail) * 4 * (Math.min(width, height) / 512) : 0;
}

function buildSceneSvg(layout: SceneLayout, style: RenderStyle, width: number, height: number, blurInSvg: boolean, lighting: SceneLighting): string {
  checkSize(width, height);
  const s = clampStyle(style);
  const side = Math.min(width, height);
  const random = new SeededRandom(layout.clutterSeed ?? hashString(`${JSON.stringify(layout)}|${width}x${height}`));
  const background = toHex(styleRgb(hslToRgb(layout.backgroundHue, BACKGROUND_SATURATION, BACKGROUND_LIGHTNESS), s.saturation, s.contrast));
  const grainColor = toHex(styleRgb(hslToRgb(layout.backgroundHue, BACKGROUND_SATURATION, BACKGROUND_LIGHTNESS - 0.07), s.saturation, s.contrast));
  // whole-pixel pattern tiles: librsvg renders fractional tiles many times slower
  const grain = Math.max(2, Math.round(side * 0.018));
  const hatch = Math.max(2, Math.round(side * 0.012));
  const lightRay = lightVector(s, lighting);
  const light = lightRay.strength;
  // the gradient runs across the image along the light's direction, lit side first
  const reach = (Math.abs(lightRay.x) * width + Math.abs(lightRay.y) * height) / 2;
  const gradientEnds = [width / 2 - lightRay.x * reach, height / 2 - lightRay.y * reach, width / 2 + lightRay.x * reach, height / 2 + lightRay.y * reach].map(fmt);
  const temperature = Math.max(-1, Math.min(1, lighting.temperature));
  const exposure = Math.max(-1, Math.min(1, lighting.exposure));

  const defs: string[] = [
    `<pattern id="grain" width="${fmt(grain * GRAIN_TILE)}" height="${fmt(grain * GRAIN_TILE)}" patternUnits="userSpaceOnUse">${grainDots(grain, grainColor)}</pattern>`,
    `<linearGradient id="light" x1="${gradientEnds[0]}" y1="${gradientEnds[1]}" x2="${gradientEnds[2]}" y2="${gradientEnds[3]}" gradientUnits="userSpaceOnUse"><stop offset="0" stop-color="#fff" stop-opacity="${fmt(light)}"/><stop offset="0.5" stop-color="#fff" stop-opacity="0"/><stop offset="0.5" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="${fmt(light)}"/></linearGradient>`,
  ];
  const blur = blurInSvg ? blurSigma(s, width, height) : 0;
  if (blur > 0) defs.push(`<filter id="blur" x="0" y="0" width="1" height="1"><feGaussianBlur stdDeviation="${fmt(blur)}"/></filter>`);

  const grainOpacity = s.detail > 0.05 ? s.detail * 0.8 : 0;
  const paint: ScenePaint = { style: s, background, grain: grainOpacity, hatchPitch: hatch, shade: { x: lightRay.x, y: lightRay.y, strength: SHADE.base + SHADE.perLight * light } };
  const objects = layout.objects.map((object, index) => objectSvg(object, index, width, height, paint));
  for (const object of objects) defs.push(object.defs);
  const content = [
    `<rect width="${width}" height="${height}" fill="${background}"/>`,
    grainOpacity > 0 ? `<rect width="${width}" height="${height}" fill="url(#grain)" opacity="${fmt(grainOpacity)}"/>` : '',
    clutterSvg(layout, s, width, height, random),
    ...objects.map((object) => object.body),
    light > 0 ? `<rect width="${width}" height="${height}" fill="url(#light)"/>` : '',
    temperature !== 0 ? `<rect width="${width}" height="${height}" fill="${temperature > 0 ? '#ff9330' : '#3a86ff'}" opacity="${(0.24 * Math.abs(temperature)).toFixed(4)}"/>` : '',
    exposure !== 0 ? `<rect width="${width}" height="${height}" fill="${exposure > 0 ? '#fff' : '#000'}" opacity="${(0.3 * Math.abs(exposure)).toFixed(4)}"/>` : '',
    s.washout > 0 ? `<rect width="${width}" height="${height}" fill="${toHex(HAZE)}" opacity="${fmt(0.55 * s.washout)}"/>` : '',
  ].join('');
  const scene = blur > 0 ? `<rect width="${width}" height="${height}" fill="${background}"/><g filter="url(#blur)">${content}</g>` : content;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><defs>${defs.join('')}</defs>${scene}</svg>`;
}

/** A sharp pipeline of the rasterised scene; blur is applied by libvips (librsvg's SVG blur is slow), same sigma. */
function rasterize(layout: SceneLayout, style: RenderStyle, width: number, height: number, lighting: SceneLighting): Sharp {
  const image = sharp(Buffer.from(buildSceneSvg(layout, style, width, height, false, lighting))).removeAlpha();
  const sigma = blurSigma(style, width, height);
  return sigma >= 0.3 ? image.blur(sigma) : image;
}

/** The scene rasterised to interleaved 8-bit RGB (height x width x 3). */
export async function renderSceneRaw(layout: SceneLayout, style: RenderStyle, width: number, height: number, lighting: SceneLighting = NEUTRAL_LIGHTING): Promise<Uint8Array> {
  const { data } = await rasterize(layout, style, width, height, lighting).raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The scene as PNG bytes (RGB, deterministic for the same inputs). */
export async function renderScenePng(layout: SceneLayout, style: RenderStyle, width: number, height: number, lighting: SceneLighting = NEUTRAL_LIGHTING): Promise<Uint8Array> {
  const png = await rasterize(layout, style, width, height, lighting).png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** The scene as a CHW float tensor in [-1, 1] (e.g. 3x32x32 latent prototypes for the sampler). */
export async function renderSceneRgb(layout: SceneLayout, style: RenderStyle, width: number, height: number, lighting: SceneLighting = NEUTRAL_LIGHTING): Promise<Float32Array> {
  const raw = await renderSceneRaw(layout, style, width, height, lighting);
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p += 1) {
    out[p] = (raw[3 * p] ?? 0) / 127.5 - 1;
    out[plane + p] = (raw[3 * p + 1] ?? 0) / 127.5 - 1;
    out[2 * plane + p] = (raw[3 * p + 2] ?? 0) / 127.5 - 1;
  }
  return out;
}
