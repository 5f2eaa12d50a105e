import { createHash } from 'node:crypto';
import { z } from 'zod';

/** What the emulator can do to a call instead of (or before) answering it. */
export const FAULT_KINDS = [
  'latency',
  'throttle',
  'service_unavailable',
  'internal_failure',
  'model_error',
  'model_not_ready',
  'malformed',
  'hang',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** One fault rule: which calls it hits, and how. */
export const faultRuleSchema = z.object({
  fault: z.enum(FAULT_KINDS),
  /** Only calls to this endpoint (default: every endpoint). */
  endpoint: z.string().min(1).optional(),
  /** Only calls whose body contains this text (e.g. `"seed":1234`: a permanently failing batch). */
  match: z.string().min(1).optional(),
  /** Fraction of the matching calls it hits, decided by a hash of (seed, rule, endpoint, body, attempt): no flakes. Default 1. */
  rate: z.number().min(0).max(1).optional(),
  /** Only these SDK attempts (`amz-sdk-request: attempt=N`, 1-based), e.g. [1, 2]: the third try succeeds. */
  attempts: z.array(z.number().int().min(1)).optional(),
  /** At most this many hits (in arrival order), then the rule is spent. */
  count: z.number().int().min(0).optional(),
  /** `latency`: milliseconds added before the answer (default 100). */
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  /** `model_error`: the container's status (default 500; 4xx: the caller's fault). */
  originalStatus: z.number().int().min(100).max(599).optional(),
  /** `model_error`: the container's message. */
  message: z.string().optional(),
  /** `malformed`: a body that is not JSON (default), JSON of the wrong shape, or one result too few. */
  variant: z.enum(['not_json', 'wrong_shape', 'wrong_count']).optional(),
});

export type FaultRule = z.infer<typeof faultRuleSchema>;

/** The emulator's faults: rules tried in order (every matching `latency` adds up; the first other fault wins). */
export const faultPlanSchema = z.object({
  seed: z.number().int().optional(),
  rules: z.array(faultRuleSchema),
});

export type FaultPlan = z.infer<typeof faultPlanSchema>;

/** What the plan does to one call. */
export interface FaultDecision {
  readonly latencyMs: number;
  /** The fault instead of the answer, if any. */
  readonly fault: FaultRule | undefined;
}

/** One invocation as the plan sees it. */
export interface FaultableCall {
  readonly endpoint: string;
  readonly attempt: number;
  readonly body: Uint8Array;
}

/**
 * Applies a fault plan to calls. Rate decisions are a pure function of (seed, rule index, endpoint, body,
 * attempt), so the same request hits the same faults in every run whatever the interleaving; only
 * `count` depends on arrival order.
 */
export class FaultInjector {
  private plan: FaultPlan = { rules: [] };
  private hits: number[] = [];

  constructor(plan?: FaultPlan) {
    if (plan) this.set(plan);
  }

  set(plan: FaultPlan): void {
    this.plan = faultPlanSchema.parse(plan);
    this.hits = this.plan.rules.map(() => 0);
  }

  get current(): FaultPlan {
    return this.plan;
  }

  decide(call: FaultableCall): FaultDecision {
    let latencyMs = 0;
    let fault: FaultRule | undefined;
    this.plan.rules.forEach((rule, index) => {
      if (rule.fault !== 'latency' && fault !== undefined) return;
      if (rule.endpoint !== undefined && rule.endpoint !== call.endpoint) return;
      if (rule.attempts !== undefined && !rule.attempts.includes(call.attempt)) return;
      if (rule.match !== undefined && !Buffer.from(call.body.buffer, call.body.byteOffset, call.body.byteLength).includes(rule.match)) return;
      if (rule.count !== undefined && (this.hits[index] ?? 0) >= rule.count) return;
      const rate = rule.rate ?? 1;
      if (rate < 1 && unitHash(this.plan.seed ?? 0, index, call) >= rate) return;
      this.hits[index] = (this.hits[index] ?? 0) + 1;
      if (rule.fault === 'latency') latencyMs += rule.latencyMs ?? 100;
      else fault = rule;
    });
    return { latencyMs, fault };
  }
}

/** A uniform number in [0, 1) from the call's identity. */
function unitHash(seed: number, ruleIndex: number, call: FaultableCall): number {
  const digest = createHash('sha256').update(`${seed}:${ruleIndex}:${call.endpoint}:${call.attempt}:`).update(call.body).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}
