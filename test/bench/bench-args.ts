/** The value after `--name` (or in `--name=value`) in a benchmark's arguments, if given (the benchmarks' option parsing). */
export function argValue(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(`--${name}`);
  if (index >= 0) return argv[index + 1];
  const joined = argv.find((arg) => arg.startsWith(`--${name}=`));
  return joined === undefined ? undefined : joined.slice(name.length + 3);
}
