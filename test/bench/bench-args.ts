/** The value after `--name` in a benchmark's arguments, if given (the benchmarks' option parsing). */
export function argValue(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
}
