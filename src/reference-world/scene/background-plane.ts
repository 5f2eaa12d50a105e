/**
 * A robust least-squares plane v = a + b·x + c·y through samples (x, y in 0..1): the background of a
 * rendered scene under a linear lighting gradient. Refit twice without outliers (residual above
 * max(0.03·scale, 2.5 × median residual)), so objects or clutter touching the border do not bend it.
 */
export function fitPlane(xs: readonly number[], ys: readonly number[], values: readonly number[], scale = 1): [number, number, number] {
  let keep = values.map(() => true);
  let plane: [number, number, number] = [medianOf([...values]), 0, 0];
  for (let pass = 0; pass < 3; pass += 1) {
    let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, sv = 0, sxv = 0, syv = 0;
    for (let k = 0; k < values.length; k += 1) {
      if (!keep[k]) continue;
      const x = xs[k] ?? 0;
      const y = ys[k] ?? 0;
      const v = values[k] ?? 0;
      n += 1; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y; sv += v; sxv += x * v; syv += y * v;
    }
    const solved = solve3([n, sx, sy, sx, sxx, sxy, sy, sxy, syy], [sv, sxv, syv]);
    if (!solved) break;
    plane = solved;
    const [a, b, c] = plane;
    const residuals = values.map((v, k) => Math.abs(v - (a + b * (xs[k] ?? 0) + c * (ys[k] ?? 0))));
    const cut = Math.max(0.03 * scale, 2.5 * medianOf([...residuals]));
    keep = residuals.map((residual) => residual <= cut);
  }
  return plane;
}

/** Solves a 3x3 linear system (row-major matrix) by Cramer's rule; undefined when singular. */
function solve3(m: readonly number[], v: readonly number[]): [number, number, number] | undefined {
  const at = (i: number): number => m[i] ?? 0;
  const det = (p: readonly number[]): number =>
    (p[0] ?? 0) * ((p[4] ?? 0) * (p[8] ?? 0) - (p[5] ?? 0) * (p[7] ?? 0)) -
    (p[1] ?? 0) * ((p[3] ?? 0) * (p[8] ?? 0) - (p[5] ?? 0) * (p[6] ?? 0)) +
    (p[2] ?? 0) * ((p[3] ?? 0) * (p[7] ?? 0) - (p[4] ?? 0) * (p[6] ?? 0));
  const d = det(m);
  if (Math.abs(d) < 1e-12) return undefined;
  const replaced = (column: number): number[] => Array.from({ length: 9 }, (_, i) => (i % 3 === column ? v[Math.floor(i / 3)] ?? 0 : at(i)));
  return [det(replaced(0)) / d, det(replaced(1)) / d, det(replaced(2)) / d];
}

/** Median of numbers (sorts the given array in place). */
export function medianOf(values: number[]): number {
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)] ?? 0;
}
