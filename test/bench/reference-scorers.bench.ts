/**
 * Benchmark of the reference scorers (`npm run bench reference-scorers`): milliseconds per 512x512
 * PNG for each scorer (sequential calls, one core), and the GenEval verifier's agreement with the
 * ground truth on every scene of the generated suite (faithful and deliberately wrong) at 512 px.
 */
import { cpus, loadavg } from 'node:os';
import { createReferenceScorers } from '../../src/adapters/reference/reference-scorers.js';
import { generateGenevalSuite } from '../../src/reference-world/scene/geneval-suite.js';
import { verifyScene } from '../../src/reference-world/reward-models/geneval-verifier.js';
import { detectObjects } from '../../src/reference-world/reward-models/object-detector.js';
import { NEUTRAL_STYLE, styleFromModifiers } from '../../src/reference-world/scene/render-style.js';
import { layoutScene } from '../../src/reference-world/scene/scene-layout.js';
import { renderSceneRaw, renderScenePng } from '../../src/reference-world/scene/scene-renderer.js';
import { buildSceneCases } from '../reference-world/scene/scene-cases.js';

const SIZE = 512;
const styles = [
  ['neutral', NEUTRAL_STYLE],
  ['boosted', styleFromModifiers(['highly detailed', '8k', 'sharp focus', 'vivid colors', 'dramatic lighting', 'trending on artstation'])],
  ['hazy', styleFromModifiers(['hazy', 'muted colors'])],
  ['blurry', styleFromModifiers(['blurry', 'cluttered'])],
] as const;

const suite = generateGenevalSuite(0);
const images: { prompt: string; png: Uint8Array }[] = [];
for (let index = 0; index < suite.length; index += 9) {
  const spec = suite[index];
  if (!spec) continue;
  images.push({ prompt: spec.prompt ?? '', png: await renderScenePng(layoutScene(spec, index), styles[index % styles.length]?.[1] ?? NEUTRAL_STYLE, SIZE, SIZE) });
}

console.log(`scorer timing on ${images.length} ${SIZE}x${SIZE} PNGs, one call per image (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores):`);
for (const scorer of createReferenceScorers()) {
  const item = (image: { prompt: string; png: Uint8Array }) => ({ prompt: image.prompt, image: { type: 'inline' as const, mediaType: 'image/png', data: image.png } });
  for (const image of images.slice(0, 5)) await scorer.doScore({ items: [item(image)] });
  let wall = 0;
  let best = 0;
  const cpu = process.cpuUsage();
  for (const image of images) {
    // best of three per image: robust to other processes on a shared machine
    let fastest = Infinity;
    for (let repeat = 0; repeat < 3; repeat += 1) {
      const started = performance.now();
      await scorer.doScore({ items: [item(image)] });
      const elapsed = performance.now() - started;
      wall += elapsed;
      fastest = Math.min(fastest, elapsed);
    }
    best += fastest;
  }
  const used = process.cpuUsage(cpu);
  const calls = images.length * 3;
  console.log(
    `  ${scorer.modelId.padEnd(18)} best-of-3 ${(best / images.length).toFixed(1)} ms/image, mean ${(wall / calls).toFixed(1)} ms wall, ${((used.user + used.system) / 1000 / calls).toFixed(1)} ms CPU`,
  );
}

const cases = buildSceneCases(suite, 1);
console.log(`\nGenEval verifier agreement on ${cases.length} scenes (${cases.filter((c) => !c.truth).length} deliberately wrong) at ${SIZE} px:`);
for (const [name, style] of styles) {
  let agree = 0;
  const started = performance.now();
  for (const sceneCase of cases) {
    const verdict = verifyScene(sceneCase.spec, detectObjects(await renderSceneRaw(sceneCase.layout, style, SIZE, SIZE), SIZE, SIZE, 3));
    if (verdict.correct === sceneCase.truth) agree += 1;
  }
  console.log(`  ${name.padEnd(8)} ${agree}/${cases.length} = ${((100 * agree) / cases.length).toFixed(2)}%  (${((performance.now() - started) / cases.length).toFixed(1)} ms/scene render + detect + verify)`);
}
