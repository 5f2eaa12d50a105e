import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import PQueue from 'p-queue';
import type { CandidateRecord, GenerationRecord } from '../api/schemas/generation-record.js';
import { LIMITS, promptOptimizationMethodSchema, rewardAggregateSchema, searchMethodSchema } from '../api/schemas/generation-request.js';
import type { GenerationRequestBody } from '../playground/client/api-client.js';
import { GenerationProgress } from '../playground/client/generation-progress.js';
import { formatReward, scoresText } from '../playground/client/score-text.js';
import { integerArgument, numberArgument } from './cli-arguments.js';
import { type CliIo, EXIT, fail } from './cli-io.js';
import { generationProgressView } from './cli-generation-progress.js';
import { apiFailure, type ServerFlags, type ServerTarget, serverTarget, withServerOptions } from './cli-server-options.js';

/** Candidate images downloaded at once. */
const DOWNLOADS_AT_ONCE = 4;

interface GenerateFlags extends ServerFlags {
  readonly search: (typeof searchMethodSchema.options)[number];
  readonly budget: number;
  readonly optimize: (typeof promptOptimizationMethodSchema.options)[number];
  readonly reward?: readonly { readonly model: string; readonly weight: number }[];
  readonly aggregate?: (typeof rewardAggregateSchema.options)[number];
  readonly n?: number;
  readonly size?: number;
  readonly width?: number;
  readonly height?: number;
  readonly steps?: number;
  readonly searchSteps?: number;
  readonly seed?: number;
  readonly deadlineMs?: number;
  readonly appUser?: string;
  readonly out?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

/** What `generate` wrote. */
interface WrittenFiles {
  readonly dir: string;
  readonly best: string | null;
  readonly record: string;
  readonly candidates: readonly string[];
}

/**
 * `diffalign generate "prompt" [--search zero_order] [--budget 16] [--out DIR] …`: sends the generation to a
 * server (`--server`, else the local one) as a stream, shows its progress on stderr, and writes the best
 * image as `best.png`, every candidate image under `candidates/` and the record as `record.json` into the
 * output directory. It talks to a running server rather than starting the engine in the CLI's process: the
 * generation lands in the store that server serves (so the playground, the history and the harvest see it),
 * one process owns the data directory, and the same command works against a deployment.
 */
export function generateCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const command = new Command('generate')
    .description('generate images for a prompt on a diffalign server, with progress; writes best.png, candidates/ and record.json')
    .argument('<prompt>', 'what to generate (quote it)')
    .addOption(new Option('--search <method>', 'noise search').choices(searchMethodSchema.options).default('best_of_n'))
    .option('--budget <n>', `images the request may generate, everything included (1-${LIMITS.budget})`, integerArgument(1, LIMITS.budget), 4)
    .addOption(new Option('--optimize <method>', 'prompt optimization').choices(promptOptimizationMethodSchema.options).default('none'))
    .option('--reward <model[=weight]>', 'a reward model and its weight, repeatable (default: the server\'s default rewards; `GET /v1/models` lists them)', collectReward)
    .addOption(new Option('--aggregate <how>', 'how several rewards become one (default rank)').choices(rewardAggregateSchema.options))
    .option('-n, --n <count>', 'how many top images the record lists (default 1)', integerArgument(1, LIMITS.n))
    .option('--size <px>', 'width and height (64-1024, a multiple of 8; default 512)', sideArgument)
    .option('--width <px>', 'width (overrides --size)', sideArgument)
    .option('--height <px>', 'height (overrides --size)', sideArgument)
    .option('--steps <n>', 'sampler steps of the returned image (default 20)', integerArgument(1, LIMITS.steps))
    .option('--search-steps <n>', 'sampler steps while searching; the winner is redone at --steps', integerArgument(1, LIMITS.steps))
    .option('--seed <n>', 'root seed, for a reproducible record (default: random)', integerArgument(0, LIMITS.seedMax))
    .option('--deadline-ms <ms>', 'anytime deadline: the best so far when it passes', integerArgument(1, LIMITS.deadlineMs))
    .option('--app-user <id>', 'pseudonymous user kept as metadata.app_user (erasure requests name it)')
    .option('--out <dir>', 'directory to write into, new or empty (default: ./diffalign-out/<generation id>)')
    .option('--json', 'print what was written and the result as JSON on stdout (progress stays on stderr)')
    .option('--quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  npx diffalign generate "a photo of a red train and a purple bear" --search zero_order --budget 16 --out train',
        '  npx diffalign generate "three dogs left of a blue car" --optimize opt2i --budget 24 --reward geneval --reward aesthetic=0.5',
        '  npx diffalign generate "a cat" --server https://diffalign.example.com --key "$DIFFALIGN_API_KEY" --json',
        '',
        'Without --server it uses the local server (start it with `npx diffalign serve`).',
        'Exit codes: 0 done, 1 the generation failed, 2 bad usage or a request the server refused, 3 no server answered, 4 the API key was refused.',
      ].join('\n'),
    );
  return withServerOptions(command).action(async (prompt: string, flags: GenerateFlags) => setExitCode(await runGenerate(prompt, flags, io)));
}

async function runGenerate(prompt: string, flags: GenerateFlags, io: CliIo): Promise<number> {
  const say = (message: string, code: number): number => fail(io, 'generate', message, code);
  if (prompt.trim() === '') return say('the prompt is empty: pass what to generate, e.g. diffalign generate "a photo of a red apple"', EXIT.usage);
  const target = serverTarget(flags, io);
  if (typeof target === 'string') return say(target, EXIT.usage);
  const chosenOut = flags.out === undefined ? undefined : resolve(io.cwd, flags.out);
  if (chosenOut !== undefined && !(await isNewOrEmpty(chosenOut))) return say(`--out ${flags.out} is not a new or empty directory: choose another one (or leave --out out: "./diffalign-out/<generation id>")`, EXIT.usage);

  const body = requestBody(prompt, flags);
  const progress = new GenerationProgress(flags.budget);
  const view = generationProgressView(io, flags.quiet === true);
  try {
    for await (const event of target.client.streamGeneration(body)) {
      progress.apply(event);
      view.update(progress, event);
    }
  } catch (error) {
    view.stop();
    const failure = apiFailure(error, target);
    return say(failure.message, failure.code);
  }
  view.stop();
  const record = progress.record;
  if (!record) return say(`the stream ended without the final record${progress.id ? ` (GET ${target.baseUrl}/v1/generations/${progress.id} shows it)` : ''}`, EXIT.failure);

  let files: WrittenFiles;
  try {
    files = await writeGeneration(record, chosenOut ?? resolve(io.cwd, 'diffalign-out', record.id), target.client);
  } catch (error) {
    const failure = apiFailure(error, target);
    return say(`could not write the results: ${failure.message}`, EXIT.failure);
  }
  const ok = record.status === 'succeeded';
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ id: record.id, status: record.status, truncated: record.truncated, best: summaryOf(record.best), final_prompt: record.final_prompt, usage: record.usage, warnings: record.warnings, error: record.error ?? null, files })}\n`);
  } else {
    io.stdout.write(humanSummary(record, files, io.cwd));
  }
  for (const warning of record.warnings) io.stderr.write(`diffalign generate: warning: ${warning}\n`);
  if (!ok) return say(`generation ${record.id} ${record.status}${record.error ? `: ${record.error.message} (${record.error.code})` : ''}; its record is in ${files.record}`, EXIT.failure);
  return EXIT.ok;
}

function requestBody(prompt: string, flags: GenerateFlags): GenerationRequestBody {
  const width = flags.width ?? flags.size;
  const height = flags.height ?? flags.size;
  return {
    prompt,
    ...(flags.n !== undefined ? { n: flags.n } : {}),
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
    ...(flags.steps !== undefined ? { steps: flags.steps } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ...(flags.optimize !== 'none' ? { prompt_optimization: { method: flags.optimize } } : {}),
    search: { method: flags.search, budget: flags.budget, ...(flags.searchSteps !== undefined ? { search_steps: flags.searchSteps } : {}) },
    ...(flags.reward ? { rewards: [...flags.reward] } : {}),
    ...(flags.aggregate ? { aggregate: flags.aggregate } : {}),
    ...(flags.deadlineMs !== undefined ? { deadline_ms: flags.deadlineMs } : {}),
    ...(flags.appUser !== undefined ? { metadata: { app_user: flags.appUser } } : {}),
  };
}

/** Downloads every candidate image (with the key), writes best.png (PNG, converted when the server sent another format) and the record. */
async function writeGeneration(record: GenerationRecord, dir: string, client: ServerTarget['client']): Promise<WrittenFiles> {
  await mkdir(join(dir, 'candidates'), { recursive: true });
  const queue = new PQueue({ concurrency: DOWNLOADS_AT_ONCE });
  const bytes = new Map<string, Uint8Array>();
  const withImages = record.candidates.filter((candidate): candidate is CandidateRecord & { url: string } => candidate.url !== undefined);
  const candidates = await Promise.all(
    withImages.map((candidate) =>
      queue.add(async () => {
        const image = new Uint8Array(await (await client.image(candidate.url)).arrayBuffer());
        bytes.set(candidate.id, image);
        const file = join(dir, 'candidates', `${candidate.id}.${extensionOf(candidate.media_type)}`);
        await writeFile(file, image);
        return file;
      }),
    ),
  );
  let best: string | null = null;
  const bestBytes = record.best ? bytes.get(record.best.id) : undefined;
  if (record.best && bestBytes) {
    best = join(dir, 'best.png');
    await writeFile(best, isPng(bestBytes) ? bestBytes : await toPng(bestBytes));
  }
  const recordFile = join(dir, 'record.json');
  await writeFile(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  return { dir, best, record: recordFile, candidates };
}

function humanSummary(record: GenerationRecord, files: WrittenFiles, cwd: string): string {
  const shown = (file: string): string => relative(cwd, file) || '.';
  const best = record.best;
  const lines = [
    best
      ? `best ${best.id}: reward ${best.reward === null ? '—' : formatReward(best.reward)}${scoresText(best) ? ` (${scoresText(best)})` : ''} from "${best.prompt}"`
      : `no best image (${record.status}${record.error ? `: ${record.error.message}` : ''})`,
    ...(files.best ? [`wrote ${shown(files.best)}`] : []),
    `wrote ${files.candidates.length} candidate image${files.candidates.length === 1 ? '' : 's'} to ${shown(join(files.dir, 'candidates'))}/`,
    `wrote ${shown(files.record)} (generation ${record.id}, ${record.status}${record.truncated ? `, stopped early: ${record.stop_reason ?? 'truncated'}` : ''})`,
  ];
  return `${lines.join('\n')}\n`;
}

function summaryOf(candidate: CandidateRecord | null): Record<string, unknown> | null {
  return candidate ? { id: candidate.id, reward: candidate.reward, scores: candidate.scores, prompt: candidate.prompt, url: candidate.url ?? null } : null;
}

function collectReward(value: string, previous: readonly { model: string; weight: number }[] | undefined): { model: string; weight: number }[] {
  const [model, weightText] = value.split('=', 2) as [string, string | undefined];
  if (model.trim() === '') throw new InvalidArgumentError('expected a model id, optionally =weight, such as geneval or aesthetic=0.5');
  const weight = weightText === undefined ? 1 : numberArgument(0)(weightText);
  return [...(previous ?? []), { model: model.trim(), weight }];
}

function sideArgument(value: string): number {
  const side = integerArgument(LIMITS.minSide, LIMITS.maxSide)(value);
  if (side % LIMITS.sideMultiple !== 0) throw new InvalidArgumentError(`expected a multiple of ${LIMITS.sideMultiple} from ${LIMITS.minSide} to ${LIMITS.maxSide}`);
  return side;
}

async function isNewOrEmpty(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

function extensionOf(mediaType: string | undefined): string {
  return { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' }[mediaType ?? 'image/png'] ?? 'bin';
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((byte, index) => bytes[index] === byte);
}

async function toPng(bytes: Uint8Array): Promise<Uint8Array> {
  const { default: sharp } = await import('sharp');
  return sharp(bytes).png().toBuffer();
}
