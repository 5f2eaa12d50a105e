/**
 * The reference world's ground truth: what the sampler actually drew, for benchmarks and tests only.
 * Nothing under src/ outside this folder imports it (test/reference-world/truth/import-boundary.test.ts
 * walks the import graph): the API, the engine and every scorer see prompts and PNG bytes, never this.
 */
export { judgeTruth, layoutObjects, MIN_VISIBLE, sceneTruth, truthOfSample } from './scene-truth.js';
export type { SceneTruth, TrueObject } from './scene-truth.js';
export { CALIBRATION_STYLES, measureScorerCalibration } from './scorer-calibration.js';
export type { CalibrationOptions } from './scorer-calibration.js';
