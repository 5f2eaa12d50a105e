import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COVERAGE_DIR_ENV, OpenApiResponseValidator } from './openapi-response-validator.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** One line a checked response wrote. */
interface CoverageLine {
  readonly operation: string | null;
  readonly status: number;
  readonly content_type?: string | null;
  readonly test_file: string;
}

/** Test files that check their responses against the spec (they wrap their requests with the validator). */
function validatingTestFiles(): string[] {
  const files = readdirSync(join(repoRoot, 'test'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
  return files.filter((file) => /\b(withSpecValidation|specFetch)\(/.test(readFileSync(file, 'utf8'))).map((file) => relative(repoRoot, file));
}

/**
 * The coverage check of the spec (vitest global setup): every checked response of the run is noted
 * (operation × status × content type); at the end the table is printed, and when every test file that
 * checks responses ran, the run fails unless every operation of `openapi.yaml` was checked at least once.
 * A run of only some of those files prints the table and says the check was not made.
 */
export default function setup(): () => void {
  const directory = mkdtempSync(join(tmpdir(), 'diffalign-openapi-coverage-'));
  process.env[COVERAGE_DIR_ENV] = directory;
  return () => {
    try {
      const lines: CoverageLine[] = readdirSync(directory).flatMap((name) =>
        readFileSync(join(directory, name), 'utf8')
          .split('\n')
          .filter((line) => line.length > 0)
          .map((line) => JSON.parse(line) as CoverageLine),
      );
      if (lines.length === 0) return;
      const validator = OpenApiResponseValidator.fromFile();
      const seen = new Map<string, Set<string>>();
      for (const line of lines) {
        if (line.operation === null) continue;
        const statuses = seen.get(line.operation) ?? new Set<string>();
        statuses.add(`${line.status}${line.content_type ? ` ${line.content_type}` : ''}`);
        seen.set(line.operation, statuses);
      }
      const table = validator.operations().map((operation) => `  ${operation.operationId.padEnd(26)} ${[...(seen.get(operation.operationId) ?? [])].sort().join(', ') || '(none)'}`);
      console.log(`OpenAPI responses checked against openapi.yaml (operation: status content-type):\n${table.join('\n')}`);
      const ran = new Set(lines.map((line) => relative(repoRoot, line.test_file)));
      const expected = validatingTestFiles();
      const notRun = expected.filter((file) => !ran.has(file));
      if (notRun.length > 0) {
        console.log(`OpenAPI coverage not asserted: ${notRun.length} of ${expected.length} validating test files did not run (${notRun.join(', ')})`);
        return;
      }
      const missing = validator.operations().filter((operation) => !seen.has(operation.operationId));
      if (missing.length > 0) throw new Error(`OpenAPI coverage: no test checked a response of ${missing.map((operation) => `${operation.operationId} (${operation.method} ${operation.path})`).join(', ')}`);
      console.log(`OpenAPI coverage: every one of the ${validator.operations().length} operations was checked`);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  };
}
