import type { components } from './openapi-types.js';

/** A problem document (RFC 9457) the API answered. */
export type Problem = components['schemas']['Problem'];

/** The API answered an error: its status and problem document (`code` is stable: switch on it). */
export class DiffalignApiError extends Error {
  override readonly name = 'DiffalignApiError';
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    readonly response: Response,
  ) {
    super(problem ? `${status} ${problem.code}: ${problem.detail}` : `HTTP ${status}`);
  }

  /** The problem's stable code, when the answer was a problem document. */
  get code(): Problem['code'] | undefined {
    return this.problem?.code;
  }
}

/** Reads an error answer into a DiffalignApiError (a problem+json body when there is one). */
export async function apiErrorOf(response: Response): Promise<DiffalignApiError> {
  let problem: Problem | undefined;
  try {
    const text = await response.clone().text();
    problem = text ? (JSON.parse(text) as Problem) : undefined;
  } catch {
    problem = undefined;
  }
  return new DiffalignApiError(response.status, problem, response);
}
