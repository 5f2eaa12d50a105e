/**
 * Runs the GPU container handlers' Python tests (infra/endpoints/tests) so `npm test` covers them.
 * They need only Debian's python3-pytest and python3-numpy (no torch): `.ci/run` installs those when
 * /usr/bin/python3 lacks them; locally, `apt-get install -y python3-pytest python3-numpy`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PYTHON = '/usr/bin/python3';
const root = fileURLToPath(new URL('../..', import.meta.url));
const INSTALL_HINT = 'install them with `apt-get update && apt-get install -y python3-pytest python3-numpy` (as root; .ci/run does this in CI)';

/** pytest's exit codes (https://docs.pytest.org/en/stable/reference/exit-codes.html). */
const PYTEST_EXIT: Record<number, string> = {
  0: 'all tests passed',
  1: 'some tests failed',
  2: 'the run was interrupted',
  3: 'pytest hit an internal error',
  4: 'pytest was invoked wrongly',
  5: 'no tests were collected',
};

function python(args: string[], timeoutMs: number) {
  return spawnSync(PYTHON, args, {
    cwd: root,
    encoding: 'utf8',
    timeout: timeoutMs,
    // No bytecode or cache files in the work tree, and nothing from a developer's Python setup.
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: '', PYTHONNOUSERSITE: '1', PYTEST_ADDOPTS: '' },
  });
}

describe('GPU container handlers (infra/endpoints, Python)', () => {
  it('pass their pytest suite with pytest and numpy only', () => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: the handler tests need Debian's python3; ${INSTALL_HINT}`);
    const probe = python(['-c', 'import pytest, numpy'], 30_000);
    if (probe.status !== 0) {
      throw new Error(`${PYTHON} cannot import pytest and numpy (${(probe.stderr || probe.error?.message || '').trim()}); ${INSTALL_HINT}`);
    }

    const scratch = mkdtempSync(join(tmpdir(), 'diffalign-pytest-'));
    try {
      const run = python(
        ['-m', 'pytest', 'infra/endpoints/tests', '-q', '-p', 'no:cacheprovider', '--basetemp', join(scratch, 'tmp'), '-o', 'addopts='],
        120_000,
      );
      const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
      if (run.error) throw new Error(`pytest did not finish: ${run.error.message}\n${output}`);
      if (run.status !== 0) {
        const meaning = run.status === null ? `it was killed by ${run.signal}` : (PYTEST_EXIT[run.status] ?? `exit code ${run.status}`);
        throw new Error(`pytest infra/endpoints/tests failed: ${meaning}\n${output}`);
      }
      expect(output).toMatch(/\b\d+ passed\b/);
      expect(output).not.toMatch(/\b\d+ (failed|error)/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
