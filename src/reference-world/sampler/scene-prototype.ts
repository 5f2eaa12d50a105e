import type { GenevalSpec } from '../scene/geneval-spec.js';
import type { RenderStyle } from '../scene/render-style.js';
import { layoutScene, type SceneLayout } from '../scene/scene-layout.js';
import { renderSceneRgb } from '../scene/scene-renderer.js';
import { LruCache } from './lru-cache.js';
import { mix32 } from './normal-rng.js';

/** One latent prototype: a concrete layout of one scene mode, rendered small. */
export interface ScenePrototype {
  /** Index into the mixture's modes, or −1 for an unconditional (prompt-independent) scene. */
  readonly modeIndex: number;
  readonly layout: SceneLayout;
  readonly style: RenderStyle;
  /** Seed of the layout (also seeds its clutter when posed). */
  readonly layoutSeed: number;
  /** CHW float RGB in [−1, 1] at latentSize × latentSize. */
  readonly latent: Float32Array;
}

/** A deterministic 32-bit layout seed for (scene, variant): FNV-1a of the spec's JSON, mixed with the variant. */
export function layoutSeedFor(spec: GenevalSpec, variant: number): number {
  const text = JSON.stringify(spec.include);
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return mix32((hash ^ Math.imul(variant + 1, 0x9e3779b9)) >>> 0);
}

/** Prototype renders kept per process (a scene, style and variant render the same in every prompt's mixture). */
const RENDERS = new LruCache<string, Promise<{ layout: SceneLayout; layoutSeed: number; latent: Float32Array }>>(2048);

/** Lays out one variant of a scene and renders it at latent size as a prototype (renders cached). */
export async function renderPrototype(modeIndex: number, spec: GenevalSpec, style: RenderStyle, variant: number, latentSize: number): Promise<ScenePrototype> {
  const key = `${JSON.stringify(spec.include)}|${JSON.stringify(style)}|${variant}|${latentSize}`;
  let render = RENDERS.get(key);
  if (render === undefined) {
    const layoutSeed = layoutSeedFor(spec, variant);
    const layout = layoutScene(spec, layoutSeed);
    render = renderSceneRgb(layout, style, latentSize, latentSize).then((latent) => ({ layout, layoutSeed, latent }));
    RENDERS.set(key, render);
    render.catch(() => RENDERS.delete(key));
  }
  const { layout, layoutSeed, latent } = await render;
  return { modeIndex, layout, style, layoutSeed, latent };
}
