/* Examples of the spec (validated against it by Redocly's lint): a real record of the reference world (`npm start`). */
import type { CandidateRecord, GenerationRecord } from './generation-record.js';
import type { ProblemBody } from './problem.js';

const ID = '01a233b7-bbf3-7334-aa69-9d80f0535482';

/** The best of the two candidates of the example record. */
const bestCandidate: CandidateRecord = {
  id: 'c000',
  status: 'scored',
  prompt: 'a photo of a red train and a purple bear',
  noise: {
    terms: [
      {
        seed: 36228735,
        weight: 1
      }
    ]
  },
  steps: 8,
  guidance: 5,
  width: 64,
  height: 64,
  phase: 'search',
  round: 0,
  scores: {
    aesthetic: 7.722074054124051,
    geneval: 0.75
  },
  details: {
    geneval: {
      failed: [
        'a purple bear (found a red bear)'
      ],
      passed: [
        'a train',
        'a red train',
        'a bear'
      ]
    }
  },
  reward: 0.6666666666666666,
  nfe: 16,
  media_type: 'image/png',
  url: `/v1/generations/${ID}/candidates/c000`
};

/** The other candidate. */
const otherCandidate: CandidateRecord = {
  ...bestCandidate,
  id: 'c001',
  noise: { terms: [{ seed: 4285976998, weight: 1 }] },
  scores: { aesthetic: 8.180580971762502, geneval: 0.5 },
  details: { geneval: { failed: ['a bear (found 0)', 'a purple bear (found no bear)'], passed: ['a train', 'a red train'] } },
  reward: 0.3333333333333333,
  url: `/v1/generations/${ID}/candidates/c001`,
};

/** A finished generation (best of 2 on the reference world, GenEval and aesthetic rewards). */
export const succeededRecordExample: GenerationRecord = {
  id: ID,
  object: 'generation',
  status: 'succeeded',
  prompt: 'a photo of a red train and a purple bear',
  final_prompt: 'a photo of a red train and a purple bear',
  best: bestCandidate,
  images: [bestCandidate],
  candidates: [bestCandidate, otherCandidate],
  trace: [
    {
      phase: 'search',
      method: 'best_of_n',
      round: 0,
      candidate_ids: [
        'c000',
        'c001'
      ],
      best_candidate_id: 'c000',
      best_reward: 0.6666666666666666
    }
  ],
  usage: {
    images: 2,
    prompt_images: 0,
    search_images: 2,
    final_images: 0,
    nfe: 32,
    prompt_nfe: 0,
    search_nfe: 32,
    final_nfe: 0,
    calls: {
      generator: 1,
      scorer: 2,
      rewriter: 0,
      chat: 0
    },
    ms: {
      prompt: 9,
      search: 874,
      final: 0,
      total: 884
    }
  },
  truncated: false,
  stop_reason: null,
  warnings: [],
  request: {
    prompt: 'a photo of a red train and a purple bear',
    n: 1,
    width: 64,
    height: 64,
    steps: 8,
    guidance: 5,
    seed: 42,
    prompt_optimization: {
      method: 'none',
      mode: 'off',
      rounds: 3,
      candidates: 5,
      noises: 4
    },
    search: {
      method: 'best_of_n',
      budget: 2,
      search_steps: 8,
      neighbors: 4,
      cosine: 0.95,
      on_stall: 'restart'
    },
    rewards: [
      {
        model: 'geneval',
        weight: 1
      },
      {
        model: 'aesthetic',
        weight: 0.5
      }
    ],
    aggregate: 'rank'
  },
  metadata: {
    app_user: 'u-123'
  },
  created_at: '2026-12-01T22:26:48.948Z',
  completed_at: '2026-12-01T22:26:49.892Z',
};

/** The record a `Prefer: respond-async` request is answered with: queued, nothing run yet. */
export const queuedRecordExample: GenerationRecord = {
  ...succeededRecordExample,
  status: 'queued',
  final_prompt: null,
  best: null,
  images: [],
  candidates: [],
  trace: [],
  usage: null,
  completed_at: null,
};

/** The record examples, shared by every answer that carries a record (components/examples). */
export const RECORD_EXAMPLES = {
  GenerationSucceeded: { summary: 'A finished generation', value: succeededRecordExample },
  GenerationQueued: { summary: 'Queued: nothing run yet', value: queuedRecordExample },
  GenerationRunning: { summary: 'Running: asked to cancel, not stopped yet', value: { ...queuedRecordExample, status: 'running' } },
  GenerationCancelled: {
    summary: 'Cancelled: what finished is kept',
    value: { ...succeededRecordExample, status: 'cancelled', truncated: true, stop_reason: 'cancelled', error: { code: 'cancelled', message: 'the generation was cancelled; what finished is kept' } },
  },
} as const satisfies Record<string, { summary: string; value: GenerationRecord }>;

/** What `GET /v1/models` answers on `npm start`. */
export const modelsExample = {
  generators: [
    {
      id: 'reference-ddim-v1',
      provider: 'reference',
      max_batch_size: 4
    }
  ],
  scorers: [
    {
      id: 'geneval',
      provider: 'reference',
      model_id: 'geneval',
      range: {
        min: 0,
        max: 1
      }
    },
    {
      id: 'aesthetic',
      provider: 'reference',
      model_id: 'aesthetic',
      range: {
        min: 1,
        max: 10
      }
    },
    {
      id: 'compressibility',
      provider: 'reference',
      model_id: 'compressibility',
      range: {
        min: -4,
        max: 0
      }
    },
    {
      id: 'incompressibility',
      provider: 'reference',
      model_id: 'incompressibility',
      range: {
        min: 0,
        max: 4
      }
    }
  ],
  prompt_optimizers: [
    {
      method: 'promptist',
      provider: 'reference',
      model_id: 'reference-promptist-v1'
    },
    {
      method: 'opt2i',
      provider: 'reference',
      model_id: 'reference-opt2i-v2'
    }
  ],
  default_rewards: [
    {
      model: 'geneval',
      weight: 1
    }
  ]
};

/** A problem example of a code. */
export function problemExample(status: number, code: ProblemBody['code'], title: string, detail: string, extra: Partial<ProblemBody> = {}): ProblemBody {
  return { type: `https://diffalign.dev/problems/${code.replaceAll('_', '-')}`, title, status, detail, code, instance: '/v1/generations', ...extra };
}

/** The generation id that problems about a kept record carry in the examples. */
export const EXAMPLE_GENERATION_ID = ID;
