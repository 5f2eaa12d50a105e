import { describe, expect, it } from 'vitest';
import { POSE_RANGES, poseFromNoise, poseLayout } from '../../../src/reference-world/sampler/noise-pose.js';
import { standardNormalTensor } from '../../../src/reference-world/sampler/normal-rng.js';

const DIMENSION = 3 * 32 * 32;

/** cos θ·ε(a) + sin θ·ε(b). */
function mixed(a: number, b: number, degrees: number): Float64Array {
  const theta = (degrees * Math.PI) / 180;
  const first = standardNormalTensor(a, DIMENSION);
  const second = standardNormalTensor(b, DIMENSION);
  return Float64Array.from(first, (value, index) => Math.cos(theta) * value + Math.sin(theta) * (second[index] ?? 0));
}

/** Largest change of any pose parameter, each divided by its range. */
function poseChange(a: ReturnType<typeof poseFromNoise>, b: ReturnType<typeof poseFromNoise>): number {
  let largest = Math.abs(a.lighting.temperature - b.lighting.temperature) / POSE_RANGES.temperature;
  a.instances.forEach((instance, index) => {
    const other = b.instances[index];
    if (other === undefined) return;
    largest = Math.max(largest, Math.abs(instance.dx - other.dx) / POSE_RANGES.offset, Math.abs(instance.rotation - other.rotation) / POSE_RANGES.rotation, Math.abs(Math.log(instance.scale / other.scale)) / POSE_RANGES.logScale);
  });
  return largest;
}

describe('poseFromNoise', () => {
  it('is a smooth function of the noise: the change grows with the angle to a neighbour', () => {
    // Act
    const pivot = poseFromNoise(standardNormalTensor(5, DIMENSION));
    const changes = [1, 5, 20, 90].map((degrees) => poseChange(pivot, poseFromNoise(mixed(5, 6, degrees))));

    // Assess
    expect(changes[0]).toBeGreaterThan(0);
    expect(changes[0]).toBeLessThan(0.05);
    for (let k = 1; k < changes.length; k += 1) expect(changes[k]).toBeGreaterThan(changes[k - 1] ?? 0);
  });

  it('stays within its ranges and keeps posed objects inside the frame', () => {
    for (let seed = 0; seed < 50; seed += 1) {
      // Act
      const pose = poseFromNoise(standardNormalTensor(seed, DIMENSION));
      const layout = poseLayout({ objects: [{ class: 'dog', color: 'brown', cx: 0.05, cy: 0.95, size: 0.4 }], backgroundHue: 350 }, pose, 1);

      // Assess
      for (const instance of pose.instances) {
        expect(Math.abs(instance.dx)).toBeLessThanOrEqual(POSE_RANGES.offset);
        expect(Math.abs(instance.rotation)).toBeLessThanOrEqual(POSE_RANGES.rotation);
      }
      const object = layout.objects[0];
      expect(object?.cx).toBeGreaterThan(0);
      expect(object?.cy).toBeLessThan(1);
      expect(layout.backgroundHue).toBeGreaterThanOrEqual(0);
      expect(layout.backgroundHue).toBeLessThan(360);
      expect(layout.clutterSeed).toBe(1);
    }
  });
});
