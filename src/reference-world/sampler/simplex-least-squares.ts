/**
 * Euclidean projection of a vector onto the probability simplex {w ≥ 0, Σw = 1}
 * (Duchi et al. 2008, "Efficient projections onto the l1-ball"), in place.
 */
export function projectOntoSimplex(values: Float64Array): Float64Array {
  const sorted = Array.from(values).sort((left, right) => right - left);
  let cumulative = 0;
  let threshold = 0;
  for (let index = 0; index < sorted.length; index += 1) {
    cumulative += sorted[index];
    const candidate = (cumulative - 1) / (index + 1);
    if (sorted[index] - candidate > 0) threshold = candidate;
  }
  for (let index = 0; index < values.length; index += 1) values[index] = Math.max(0, values[index] - threshold);
  return values;
}

/**
 * argmin over the simplex of wᵀGw − 2bᵀw (a least-squares fit ‖x − Σ w_k·c_k‖² given the Gram matrix G = CCᵀ
 * and b = Cx), by accelerated projected gradient (FISTA, Beck & Teboulle 2009). Deterministic.
 */
export function simplexLeastSquares(gram: Float64Array, target: Float64Array, iterations = 300): Float64Array {
  const count = target.length;
  const lipschitz = 2 * largestEigenvalue(gram, count) + 1e-12;
  let weights = new Float64Array(count).fill(1 / count);
  let momentum = Float64Array.from(weights);
  let speed = 1;
  const gradient = new Float64Array(count);
  for (let iteration = 0; iteration < iterations; iteration += 1) {
    for (let row = 0; row < count; row += 1) {
      let sum = 0;
      for (let column = 0; column < count; column += 1) sum += gram[row * count + column] * momentum[column];
      gradient[row] = 2 * (sum - target[row]);
    }
    const next = new Float64Array(count);
    for (let row = 0; row < count; row += 1) next[row] = momentum[row] - gradient[row] / lipschitz;
    projectOntoSimplex(next);
    const nextSpeed = (1 + Math.sqrt(1 + 4 * speed * speed)) / 2;
    const blend = (speed - 1) / nextSpeed;
    for (let row = 0; row < count; row += 1) momentum[row] = next[row] + blend * (next[row] - weights[row]);
    weights = next;
    speed = nextSpeed;
  }
  return weights;
}

/** The largest eigenvalue of a symmetric positive semi-definite matrix, by power iteration. */
export function largestEigenvalue(matrix: Float64Array, size: number, iterations = 50): number {
  // A start vector with no symmetry (the uniform vector is often in the null space of centred Gram matrices).
  let vector = Float64Array.from({ length: size }, (_, index) => 1 + ((index * 0.6180339887) % 1));
  let eigenvalue = 0;
  for (let iteration = 0; iteration < iterations; iteration += 1) {
    const next = new Float64Array(size);
    for (let row = 0; row < size; row += 1) {
      let sum = 0;
      for (let column = 0; column < size; column += 1) sum += matrix[row * size + column] * vector[column];
      next[row] = sum;
    }
    let norm = 0;
    for (let row = 0; row < size; row += 1) norm += next[row] * next[row];
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    eigenvalue = norm;
    for (let row = 0; row < size; row += 1) next[row] /= norm;
    vector = next;
  }
  return eigenvalue;
}
