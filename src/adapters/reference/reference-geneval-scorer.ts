import { decodeImage } from './image-input.js';
import { ReferenceImageScorer } from './image-scorer-base.js';
import type { ItemScore, ReferenceScorerConfig } from './image-scorer-base.js';
import { detectObjects } from '../../reference-world/reward-models/object-detector.js';
import { parsePrompt } from '../../reference-world/scene/prompt-parser.js';
import type { GenevalSpec } from '../../reference-world/scene/geneval-spec.js';
import { verifyScene } from '../../reference-world/reward-models/geneval-verifier.js';

/** Longest image side the detector works at (larger images are shrunk first, as detectors resize their input). */
const DETECTION_SIDE = 192;
const SPEC_CACHE_SIZE = 256;
/** Why the verifier abstains on a prompt that names nothing it can check. */
const ABSTAIN_NO_OBJECT = 'prompt names no GenEval object (none of the 80 COCO classes), so there is no constraint to verify';

/**
 * GenEval-style verifier (`geneval`): parses the prompt into GenEval constraints, detects the objects of
 * the image from its pixels alone (reward-models/object-detector.ts: silhouettes, colours, boxes; an
 * imperfect detector, as GenEval's is) and scores the share of constraints that hold (1 when all do);
 * details list the constraints passed and failed, in words. A prompt that names no GenEval object gets
 * no score (null, `detail.abstained` says why; its image is not looked at) rather than a vacuous 1.
 */
export class ReferenceGenevalScorer extends ReferenceImageScorer {
  readonly modelId = 'geneval';
  readonly range = { min: 0, max: 1 } as const;
  /** Objects, counts, colours and positions already show on a low-resolution x̂₀ preview (what compute-aware search prunes on). */
  readonly judgesPreviews = true;
  private readonly specs = new Map<string, GenevalSpec>();

  constructor(config: ReferenceScorerConfig = {}) {
    super(config);
  }

  private specOf(prompt: string): GenevalSpec {
    const cached = this.specs.get(prompt);
    if (cached) return cached;
    const spec = parsePrompt(prompt).spec;
    if (this.specs.size >= SPEC_CACHE_SIZE) this.specs.delete(this.specs.keys().next().value ?? '');
    this.specs.set(prompt, spec);
    return spec;
  }

  protected async scoreImage(bytes: Uint8Array, prompt: string, mediaType: string | undefined): Promise<ItemScore> {
    const spec = this.specOf(prompt);
    if (spec.include.length === 0 && (spec.exclude ?? []).length === 0) return { score: null, detail: { abstained: ABSTAIN_NO_OBJECT } };
    const image = await decodeImage(bytes, DETECTION_SIDE, mediaType);
    const verdict = verifyScene(spec, detectObjects(image.data, image.width, image.height, image.channels));
    return { score: verdict.score, detail: { passed: verdict.passed, failed: verdict.failed } };
  }
}
