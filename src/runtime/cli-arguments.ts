import { InvalidArgumentError } from 'commander';

/** A commander argument parser for a whole number in [min, max] (an out-of-range or malformed value is bad usage). */
export function integerArgument(min: number, max: number = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `expected an integer ≥ ${min}` : `expected an integer from ${min} to ${max}`);
    }
    return number;
  };
}

/** A commander argument parser for a finite number ≥ min. */
export function numberArgument(min: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number) || number < min) throw new InvalidArgumentError(`expected a number ≥ ${min}`);
    return number;
  };
}
