// Kept apart from the scorers (which need sharp) so runtimes without them, the Workers and Lambda entries
// wiring the SageMaker scorers the emulator serves, read the same calibration.

/**
 * Mean and standard deviation of each reference scorer, for z-score aggregation. Measured by
 * `measureScorerCalibration` (scene/scorer-calibration.ts) on 139 512x512 renders of the generated
 * GenEval suite (seed 0, every 4th spec; every other scene a typical failure of its spec; neutral,
 * Promptist-boosted and hazy styles in turn); the test re-measures a sample and checks they hold.
 */
export const REFERENCE_SCORER_CALIBRATION: Record<string, { mean: number; std: number }> = {
  geneval: { mean: 0.731, std: 0.306 },
  aesthetic: { mean: 6.282, std: 1.199 },
  compressibility: { mean: -0.19, std: 0.066 },
  incompressibility: { mean: 0.19, std: 0.066 },
};
