/**
 * A queued generation handed to a job runner: what finds its durable record, which holds the plan, so
 * the message itself carries nothing a second reader could disagree with.
 */
export interface GenerationJob {
  readonly generationId: string;
  readonly tenant: string;
  /** The HTTP request that submitted it (log correlation). */
  readonly requestId?: string;
}

/**
 * Where `Prefer: respond-async` generations run once their queued record is durable, when not in the
 * process that accepted them. Without one, the app runs them in-process on its GenerationSupervisor, as
 * synchronous ones (the Node server). On serverless runtimes a sandbox may freeze right after the
 * response, so the job goes to another function (the Lambda worker, invoked asynchronously).
 */
export interface JobRunner {
  readonly provider: string;
  /** Names what runs the jobs (logs, and the owner of a handed-over record: `job:<target>`). */
  readonly target: string;
  /**
   * How long a handed-over job may wait to start: its queued record counts as alive that long (the
   * runner's own retries and queueing included); past it a job that never started reads as lost.
   */
  readonly maxWaitMs: number;
  /** Hands the job over; resolves once the runner has it durably (it will run), rejects when it does not. */
  doDispatch(job: GenerationJob): Promise<void>;
}
