/**
 * The reference world's seedable standard-normal generator ε(seed).
 *
 * Platform independent and written out so any implementation (Python, C, another JS engine) can
 * reproduce it bit for bit:
 * - 32-bit state, initialised from the seed by the splitmix32 finaliser: `state = mix32(seed ^ 0x5851f42d)`
 *   (mixing the seed first keeps nearby seeds — 0, 1, 2, … — from sharing a stream);
 * - splitmix32 step: `state += 0x9e3779b9; z = state; z = (z ^ z>>>16)·0x85ebca6b; z = (z ^ z>>>13)·0xc2b2ae35;
 *   z ^= z>>>16` (all unsigned 32-bit arithmetic), output `z`;
 * - uniforms `u = (z + 0.5) / 2³²`, strictly inside (0, 1);
 * - Box–Muller on consecutive pairs (u₁, u₂): `r = √(−2 ln u₁)`, `n₀ = r·cos(2πu₂)`, `n₁ = r·sin(2πu₂)`,
 *   emitted n₀ then n₁, in float64, then rounded to float32 when stored in a tensor.
 * The arithmetic is IEEE-754 double precision; Node's V8 computes `Math.log/cos/sin` with its fdlibm port,
 * so values are identical across processes, machines and operating systems.
 */

const GOLDEN_GAMMA = 0x9e3779b9;
const SEED_SALT = 0x5851f42d;
const TWO_POW_32 = 4294967296;

/** splitmix32's output finaliser: a bijective avalanche mix of a 32-bit integer. */
export function mix32(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** A splitmix32 stream of unsigned 32-bit integers, seeded as documented above. */
export class Splitmix32 {
  private state: number;

  constructor(seed: number) {
    this.state = mix32((seed >>> 0) ^ SEED_SALT);
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    this.state = (this.state + GOLDEN_GAMMA) >>> 0;
    return mix32(this.state);
  }

  /** The next uniform in the open interval (0, 1). */
  nextUniform(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }
}

/** A standard-normal stream (splitmix32 + Box–Muller), seeded as documented above. */
export class NormalGenerator {
  private readonly source: Splitmix32;
  private spare: number | null = null;

  constructor(seed: number) {
    this.source = new Splitmix32(seed);
  }

  /** The next standard-normal draw. */
  next(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    const u1 = this.source.nextUniform();
    const u2 = this.source.nextUniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }
}

/** ε(seed): the first `length` draws of the seed's standard-normal stream, as float32. */
export function standardNormalTensor(seed: number, length: number): Float32Array {
  const generator = new NormalGenerator(seed);
  const tensor = new Float32Array(length);
  for (let index = 0; index < length; index += 1) tensor[index] = generator.next();
  return tensor;
}
