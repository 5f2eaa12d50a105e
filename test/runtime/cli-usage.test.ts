import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/runtime/cli.js';
import { runCliInProcess } from '../support/cli-run.js';
import { freePort } from '../support/spawn-server.js';

const GENERATION = '01a233f0-7b34-76cf-8a1c-7df80ce7f71b';

/** Each command's help, and options it must list. */
const HELP: readonly (readonly [readonly string[], readonly string[]])[] = [
  [[], ['serve', 'generate', 'feedback', 'harvest', 'keys', 'emulator', 'Exit codes: 0 done', '3 the server did not answer', 'http://127.0.0.1:8787/']],
  [['serve'], ['--host <host>', '--port <port>', '--data-dir <dir>', '--playground <on|off>']],
  [['generate'], ['<prompt>', '--search <method>', '--budget <n>', '--optimize <method>', '--reward <model[=weight]>', '--aggregate <how>', '--out <dir>', '--server <url>', '--key <key>', '--json', 'Exit codes:']],
  [['feedback'], ['<type>', '<generation-id>', '[candidates...]', '--choice <id|tie>', '--rating <n>', '--consent', '--server <url>', '--key <key>', '--json']],
  [['harvest'], ['--out <dir>', '--from <date>', '--tenant <tenant>', '--no-ai-feedback', '--json', 'Exit codes:']],
  [['keys'], ['create [options]', 'revoke [options] <key-id>', 'list [options]']],
  [['keys', 'create'], ['--tenant <tenant>', '--label <label>', '--json']],
  [['keys', 'revoke'], ['<key-id>', '--json']],
  [['keys', 'list'], ['--json']],
  [['emulator'], ['--host <host>', '--port <port>', '--threads <n>', '--faults <json>', '--faults-file <path>']],
];

describe('diffalign CLI: help, usage errors and exit codes (in process)', () => {
  let temp: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'diffalign-cli-usage-'));
    // a port nobody listens on: the "local server" of these runs is not running
    env = { DIFFALIGN_DATA_DIR: join(temp, 'data'), DIFFALIGN_PORT: String(await freePort()) };
  });
  afterAll(async () => {
    await rm(temp, { recursive: true, force: true });
  });

  it.each(HELP)('diffalign %j --help prints its usage and options, exit 0', async (command, listed) => {
    // Act
    const result = await runCliInProcess([...command, '--help'], env);
    // Assess
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toContain(`Usage: ${['diffalign', ...command].join(' ')} `);
    for (const text of listed) expect(result.stdout).toContain(text);
    expect(result.stderr).toBe('');
  });

  it.each([
    [['serve', '--prot', '8080'], '--port'],
    [['generate', 'a cat', '--budgte', '4'], '--budget'],
    [['feedback', 'select', GENERATION, 'c000', '--consnet'], '--consent'],
    [['harvest', '--out', 'x', '--tenatn', 'a'], '--tenant'],
    [['keys', 'create', '--tenant', 'a', '--lable', 'x'], '--label'],
    [['emulator', '--thread', '1'], '--threads'],
  ] as const)('diffalign %j: a wrong flag says what was meant and where the help is, exit 2', async (args, meant) => {
    // Act
    const result = await runCliInProcess(args, env);
    // Assess
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toMatch(/error: unknown option '--\w+'/);
    expect(result.stderr).toContain(`(Did you mean ${meant}?)`);
    const command = args.slice(0, args[0] === 'keys' ? 2 : 1).join(' ');
    expect(result.stderr).toContain(`(run \`diffalign ${command} --help\` for the options)`);
    expect(result.stdout).toBe('');
  });

  it('refuses bad values and missing arguments before contacting anything, exit 2', async () => {
    // Act
    const runs = await Promise.all([
      runCliInProcess(['generate'], env),
      runCliInProcess(['generate', 'a cat', '--budget', '0'], env),
      runCliInProcess(['generate', 'a cat', '--size', '100'], env),
      runCliInProcess(['generate', 'a cat', '--search', 'random'], env),
      runCliInProcess(['generate', '   '], env),
      runCliInProcess(['generate', 'a cat', '--server', 'ftp://example.com'], env),
      runCliInProcess(['feedback', 'like', GENERATION, 'c000'], env),
      runCliInProcess(['serve', '--port', '70000'], env),
      runCliInProcess(['nonsense'], env),
    ]);
    // Assess
    expect(runs.map((run) => run.code)).toEqual(runs.map(() => EXIT.usage));
    expect(runs[0]!.stderr).toContain("missing required argument 'prompt'");
    expect(runs[1]!.stderr).toContain("option '--budget <n>' argument '0' is invalid. expected an integer from 1 to 256");
    expect(runs[2]!.stderr).toContain('expected a multiple of 8 from 64 to 1024');
    expect(runs[3]!.stderr).toContain('Allowed choices are best_of_n, zero_order');
    expect(runs[4]!.stderr).toContain('the prompt is empty');
    expect(runs[5]!.stderr).toContain('expected an http(s) URL');
    expect(runs[6]!.stderr).toContain("value 'like' is invalid for argument 'type'. Allowed choices are impression, select");
    expect(runs[7]!.stderr).toContain('expected an integer from 0 to 65535');
    expect(runs[8]!.stderr).toContain("unknown command 'nonsense'");
  });

  it('checks a feedback event against the API schema before sending it, naming the field, exit 2', async () => {
    // Act
    const noCandidate = await runCliInProcess(['feedback', 'select', GENERATION], env);
    const compareOne = await runCliInProcess(['feedback', 'compare', GENERATION, 'c000', '--choice', 'c000'], env);
    const wrongChoice = await runCliInProcess(['feedback', 'compare', GENERATION, 'c000', 'c001', '--choice', 'c002'], env);
    const rateless = await runCliInProcess(['feedback', 'rate', GENERATION, 'c000'], env);
    const badId = await runCliInProcess(['feedback', 'select', 'not-a-uuid', 'c000'], env);
    // Assess
    for (const run of [noCandidate, compareOne, wrongChoice, rateless, badId]) expect(run.code).toBe(EXIT.usage);
    expect(noCandidate.stderr).toContain('candidate_id: a select event names the candidate it is about');
    expect(compareOne.stderr).toContain('compare names the two candidates shown (got 1)');
    expect(wrongChoice.stderr).toContain('choice: choice must be one of candidate_ids, or tie');
    expect(rateless.stderr).toContain('rating: a rate event carries rating 1-5');
    expect(badId.stderr).toContain('generation_id:');
    expect(badId.stderr).toContain('nothing sent');
  });

  it('says how to start a server when none answers (exit 3), naming --server when one was given', async () => {
    // Prepare
    const port = env['DIFFALIGN_PORT'];
    // Act
    const local = await runCliInProcess(['generate', 'a photo of a red apple'], env);
    const named = await runCliInProcess(['feedback', 'select', GENERATION, 'c000', '--server', `http://127.0.0.1:${port}`], env);
    // Assess
    expect(local.code).toBe(EXIT.unreachable);
    expect(local.stderr).toContain(`no diffalign server at http://127.0.0.1:${port}: start one with \`npx diffalign serve\``);
    expect(named.code).toBe(EXIT.unreachable);
    expect(named.stderr).toContain(`no answer from http://127.0.0.1:${port}/v1/feedback (ECONNREFUSED): check --server`);
  });

  it('refuses an --out directory that holds files, before generating, exit 2', async () => {
    // Prepare
    const out = join(temp, 'used');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'keep.txt'), 'mine');
    // Act
    const result = await runCliInProcess(['generate', 'a cat', '--out', out], env);
    // Assess
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain(`--out ${out} is not a new or empty directory`);
  });

  it('prints the version, exit 0', async () => {
    // Act
    const result = await runCliInProcess(['--version'], env);
    // Assess
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
