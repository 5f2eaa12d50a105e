/**
 * The diffusion noise schedule of the reference sampler: Stable Diffusion's "scaled linear" betas
 * (β from 0.00085 to 0.012 over T = 1000 training steps, linear in √β), so ᾱ_t and the DDIM step
 * grid behave like the production model's.
 */

/** Training steps of the schedule (T). */
export const TRAIN_TIMESTEPS = 1000;

/** ᾱ_t = Π_{s≤t} (1 − β_s) for t = 0 … T−1 under the scaled-linear schedule. */
export function scaledLinearAlphaBars(trainTimesteps = TRAIN_TIMESTEPS, betaStart = 0.00085, betaEnd = 0.012): Float64Array {
  const alphaBars = new Float64Array(trainTimesteps);
  const rootStart = Math.sqrt(betaStart);
  const rootEnd = Math.sqrt(betaEnd);
  let product = 1;
  for (let t = 0; t < trainTimesteps; t += 1) {
    const root = trainTimesteps === 1 ? rootStart : rootStart + ((rootEnd - rootStart) * t) / (trainTimesteps - 1);
    product *= 1 - root * root;
    alphaBars[t] = product;
  }
  return alphaBars;
}

/**
 * DDIM timesteps for `steps` sampler steps, "trailing" spacing (Lin et al. 2024, "Common diffusion noise
 * schedules and sample steps are flawed"): t_i = round(T − i·T/steps) − 1, from T−1 down, so even one
 * step starts from pure noise.
 */
export function trailingTimesteps(steps: number, trainTimesteps = TRAIN_TIMESTEPS): number[] {
  const count = Math.max(1, Math.min(trainTimesteps, Math.floor(steps)));
  const ratio = trainTimesteps / count;
  const timesteps: number[] = [];
  for (let index = 0; index < count; index += 1) timesteps.push(Math.round(trainTimesteps - index * ratio) - 1);
  return timesteps;
}
