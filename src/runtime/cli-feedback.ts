import { Argument, Command } from 'commander';
import { FEEDBACK_TYPES, feedbackEventSchema } from '../api/schemas/feedback.js';
import type { FeedbackEventBody } from '../playground/client/feedback-events.js';
import { integerArgument } from './cli-arguments.js';
import { type CliIo, EXIT, fail } from './cli-io.js';
import { apiFailure, type ServerFlags, serverTarget, withServerOptions } from './cli-server-options.js';

interface FeedbackFlags extends ServerFlags {
  readonly choice?: string;
  readonly rating?: number;
  readonly consent?: boolean;
  readonly appUser?: string;
  readonly clientEventId?: string;
  readonly json?: boolean;
}

/** What `POST /v1/feedback` answers. */
interface FeedbackAnswer {
  readonly batch_id: string;
  readonly accepted: number;
  readonly event_ids: readonly string[];
}

/**
 * `diffalign feedback <type> <generation-id> [candidate…]`: sends one feedback event to the server, checked
 * first against the API's own event schema (so a wrong combination is a usage error naming the field, and
 * nothing is sent). `compare` names two candidates and `--choice`; `rate` one and `--rating`.
 */
export function feedbackCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  const command = new Command('feedback')
    .description(`send a feedback event about a generation's images (${FEEDBACK_TYPES.join(', ')})`)
    .addArgument(new Argument('<type>', 'what the user did').choices(FEEDBACK_TYPES))
    .argument('<generation-id>', 'the generation (its id from `diffalign generate` or the record)')
    .argument('[candidates...]', 'the candidate it is about (c000…); compare: the two shown; regenerate: none or one')
    .option('--choice <id|tie>', 'compare: the preferred candidate, or tie')
    .option('--rating <n>', 'rate: 1 (worst) to 5 (best)', integerArgument(1, 5))
    .option('--consent', 'the user agreed that this event may train models (only consented events are harvested)')
    .option('--app-user <id>', 'pseudonymous user id (never a name or e-mail); erasure requests name it')
    .option('--client-event-id <id>', 'your id of the event: a retry with the same id is counted once')
    .option('--json', 'print the server\'s answer as JSON')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  npx diffalign feedback select 01a233f0-7b34-76cf-8a1c-7df80ce7f71b c003 --consent --app-user u-123',
        '  npx diffalign feedback compare 01a233f0-7b34-76cf-8a1c-7df80ce7f71b c000 c002 --choice c002 --consent',
        '  npx diffalign feedback rate 01a233f0-7b34-76cf-8a1c-7df80ce7f71b c001 --rating 4 --consent',
        '',
        'Exit codes: 0 stored, 1 the server failed, 2 bad usage or an event the server refused, 3 no server answered, 4 the API key was refused.',
      ].join('\n'),
    );
  return withServerOptions(command).action(async (type: FeedbackEventBody['type'], generationId: string, candidates: string[], flags: FeedbackFlags) =>
    setExitCode(await sendFeedback(type, generationId, candidates, flags, io)),
  );
}

async function sendFeedback(type: FeedbackEventBody['type'], generationId: string, candidates: readonly string[], flags: FeedbackFlags, io: CliIo): Promise<number> {
  const say = (message: string, code: number): number => fail(io, 'feedback', message, code);
  const event = eventOf(type, generationId, candidates, flags);
  if (typeof event === 'string') return say(event, EXIT.usage);
  const checked = feedbackEventSchema.safeParse(event);
  if (!checked.success) {
    const issues = checked.error.issues.map((issue) => `\n  ${issue.path.join('.') || '(event)'}: ${issue.message}`).join('');
    return say(`not a valid ${type} event (nothing sent):${issues}\nrun \`diffalign feedback --help\` for the arguments each type takes`, EXIT.usage);
  }
  const target = serverTarget(flags, io);
  if (typeof target === 'string') return say(target, EXIT.usage);
  let answer: FeedbackAnswer;
  try {
    answer = await target.client.postJson<FeedbackAnswer>('/v1/feedback', { events: [event] });
  } catch (error) {
    const failure = apiFailure(error, target);
    return say(failure.message, failure.code);
  }
  if (flags.json) io.stdout.write(`${JSON.stringify(answer)}\n`);
  else io.stdout.write(`stored ${type} event ${answer.event_ids[0] ?? ''} (batch ${answer.batch_id})\n`);
  if (!flags.consent) io.stderr.write('diffalign feedback: note: sent without --consent, so it is stored but never harvested into a dataset\n');
  return EXIT.ok;
}

/** The event the arguments describe, or what is wrong with them. */
function eventOf(type: FeedbackEventBody['type'], generationId: string, candidates: readonly string[], flags: FeedbackFlags): FeedbackEventBody | string {
  const common = {
    type,
    generation_id: generationId,
    consent: flags.consent === true,
    ...(flags.appUser !== undefined ? { app_user: flags.appUser } : {}),
    ...(flags.clientEventId !== undefined ? { client_event_id: flags.clientEventId } : {}),
    ...(flags.rating !== undefined ? { rating: flags.rating } : {}),
    ...(flags.choice !== undefined ? { choice: flags.choice } : {}),
  };
  if (type === 'compare') {
    if (candidates.length !== 2) return `compare names the two candidates shown (got ${candidates.length}): diffalign feedback compare <generation-id> c000 c001 --choice c001|tie`;
    return { ...common, candidate_ids: [candidates[0]!, candidates[1]!] };
  }
  if (candidates.length > 1) return `${type} names one candidate (got ${candidates.length}); only compare names two`;
  return { ...common, ...(candidates[0] !== undefined ? { candidate_id: candidates[0] } : {}) };
}
