import { glyphFor } from '../scene/class-glyphs.js';
import { pluralOf } from '../scene/coco-classes.js';
import type { GenevalObject, GenevalRelation, GenevalSpec } from '../scene/geneval-spec.js';
import { silhouetteOverlap } from '../scene/glyph-mask.js';
import type { ParsedPrompt } from '../scene/prompt-parser.js';
import type { RenderStyle } from '../scene/render-style.js';
import { classesOfSupercategory, classRarity, COCO_TRAIN_INSTANCES, contextAffinity, supercategoryOf } from './coco-statistics.js';
import { colorAtypicality } from './color-typicality.js';
import { latentDifficulty } from './prompt-latent-difficulty.js';
import { nameFamiliarity } from './word-familiarity.js';

/**
 * The reference world's failure model: for the prompt as the model read it, the scenes it draws — the
 * intended one and its typical failures — with content-dependent probabilities. The sampler turns each
 * mode into latent prototypes of a Gaussian mixture, so these probabilities are the model's prior over
 * outcomes; classifier-free guidance then reshapes them.
 *
 * Every phenomenon is a hazard on the logit scale, h = base + Σ facts + latent, failing with
 * probability σ(h); the intended scene keeps Π(1 − σ(h)) and the failures share the rest in
 * proportion to σ(h). The facts are COCO class frequency (coco-statistics.ts), colour typicality
 * (color-typicality.ts), context affinity, the name's familiarity (word-familiarity.ts), mention order
 * and repetition, counts and phrasing cues; the latent is the prompt's heavy-tailed difficulty
 * (prompt-latent-difficulty.ts). Six base hazards are fitted to published accuracies (see
 * `FITTED_BASE_HAZARDS`); the fact weights are fixed assumptions, written next to each.
 */

/** The kinds of scene a prompt can turn into. */
export const SCENE_MODE_KINDS = [
  'intended',
  'omission',
  'substitution',
  'count',
  'attribute_neglect',
  'attribute_leak',
  'attribute_swap',
  'relation_flip',
  'relation_ignored',
  'cluttered',
  'washed_out',
] as const;

/** One kind of scene a prompt can turn into. */
export type SceneModeKind = (typeof SCENE_MODE_KINDS)[number];

/** One mode of the conditional mixture: the scene actually drawn, in which style, and its probability. */
export interface SceneMode {
  readonly kind: SceneModeKind;
  /** The scene drawn (the read spec, altered by the failure). */
  readonly spec: GenevalSpec;
  readonly style: RenderStyle;
  /** Probability of the mode before guidance; the modes of a prompt sum to 1. */
  readonly weight: number;
  /** What went wrong, in words ("omitted the bench"); "as asked" for the intended scene. */
  readonly description: string;
}

/** The six base hazards (logits) fitted to published per-task accuracies, one per GenEval task. */
export interface BaseHazards {
  /** An object is misread (a rare word or concept drawn as a likelier look-alike): single_object. */
  readonly misread: number;
  /** An object of a multi-object prompt is neglected (not drawn at all): two_object. */
  readonly neglect: number;
  /** A count of 2 comes out wrong: counting. */
  readonly count: number;
  /** A requested colour is not rendered: colors. */
  readonly color: number;
  /** A spatial relation is not drawn as asked: position. */
  readonly relation: number;
  /** Two objects' colours bind to the wrong objects (leak or swap): color_attr. */
  readonly binding: number;
}

/**
 * Fitted base hazards. Fit (`tsx test/bench/reference-world-fit.ts`): with the fact weights below
 * fixed, each base hazard is found by secant steps on the logit scale so that the world's raw
 * accuracy on its GenEval task, judged by the truth (the scene the sampler drew), at 512², 20 DDIM
 * steps, guidance 5, matches SD-XL's in the GenEval paper (Ghosh et al. 2023, Table 2: single object
 * 0.98, two objects 0.74, counting 0.39, colors 0.85, position 0.15, color attribution 0.23), in
 * task order (each task's other hazards already fitted), on the official 553 prompts, 8 seeds each,
 * stopping within ±0.012 of each target (the run that produced these measured single 0.970, two 0.744,
 * counting 0.389, colors 0.854, position 0.141, color_attr 0.236; 2026-12-01).
 */
export const FITTED_BASE_HAZARDS: BaseHazards = {
  misread: -6.976,
  neglect: -3.485,
  count: 0.983,
  color: -3.88,
  relation: 5.109,
  binding: 3.778,
};

/** Weights of the facts (fixed assumptions of this world, not fitted). */
export const FACT_WEIGHTS = {
  /** Per unit of COCO rarity (0 person .. 1 hair drier) on the misread hazard: rare concepts are drawn wrong. */
  rarity: 3.2,
  /** Per unit of rarity on the neglect hazard (rare subjects lose the competition for attention). */
  rarityNeglect: 1.0,
  /** Per unit of name unfamiliarity, ln(1/familiarity)/ln(20), on the misread hazard. */
  unfamiliarName: 2.0,
  /** Per rank of first mention on the neglect hazard (Attend-and-Excite: later subjects are neglected). */
  mentionOrder: 1.0,
  /** Per additional mention, ln(mentions), on the neglect hazard (repeating a subject strengthens it). */
  repetition: -0.8,
  /** Per unit of missing context affinity (1 − affinity) on the neglect hazard. */
  context: 1.0,
  /** Per object instance beyond two on neglect and count hazards (crowded scenes fail more). */
  crowding: 0.25,
  /** Per unit of count beyond 2 on the count hazard (counting errors grow with the count). */
  countGrowth: 0.7,
  /** On the count hazard when counts are written as digits. */
  numerals: -0.3,
  /** Per unit of colour atypicality (0 usual .. 1 far from every usual colour) on the colour hazard. */
  atypicalColor: 2.5,
  /** On the binding hazard when colours are bound in their own clause ("a car that is red"). */
  colorClause: -0.5,
  /** On the relation hazard when the prompt names image regions ("on the left … on the right"). */
  explicitLayout: -0.6,
  /** Per unit of unclear phrasing (1 − parser clarity) on every hazard. */
  unclear: 1.5,
  /** Per style modifier beyond 8 on the neglect and binding hazards (attention diluted by long prompts). */
  dilution: 0.05,
  /** Scale of the prompt's heavy-tailed content difficulty on every hazard. */
  contentLatent: 1.8,
  /** Scale of the wording's latent difficulty on every hazard. */
  wordingLatent: 0.35,
} as const;

/**
 * Share of relation failures drawn mirrored (the rest place the objects without regard to the
 * relation, which satisfies it by chance about a third of the time): an assumption of this world,
 * chosen so that a model that never gets relations right stays well below SD-XL's position accuracy.
 */
const RELATION_FLIP_SHARE = 0.75;

/** Rates of the low-quality modes of a plain prompt (each quality modifier lowers them, up to six). */
const LOW_QUALITY = { cluttered: 0.05, washedOut: 0.03, modifierGain: 0.4 } as const;

/** Phrasing cues in the prompt text that the parser's spec does not carry. */
export interface PhrasingCues {
  /** A colour stated in its own clause or phrase ("that is red", "painted red", "colored red", "in red"). */
  readonly colorClause: boolean;
  /** Layout words naming image regions ("on the left", "at the top"). */
  readonly explicitLayout: boolean;
  /** A count written in digits. */
  readonly numerals: boolean;
}

const COLOR_NAMES = 'red|orange|yellow|green|blue|purple|pink|brown|black|white';

/** Finds the phrasing cues of a prompt. */
export function phrasingCues(prompt: string): PhrasingCues {
  const text = prompt.toLowerCase();
  return {
    colorClause: new RegExp(`\\b(?:(?:that|which)\\s+(?:is|are)|painted|colou?red|in)\\s+(?:${COLOR_NAMES})\\b`).test(text),
    explicitLayout: /\b(?:on|at|in) the (?:left|right|top|bottom|upper|lower)\b/.test(text),
    numerals: /\b\d+\b/.test(text),
  };
}

/** Where and how often each object of the spec is named in the prompt text. */
export interface MentionProfile {
  /** Rank of the object's first mention in the text (0 = first); include order when not found. */
  readonly order: readonly number[];
  /** How many times the object's class is named (at least 1). */
  readonly mentions: readonly number[];
}

/** A regex-safe stem of a class name that also matches its regular plural ("bus" → buses). */
function classStem(className: string): string {
  const words = className.toLowerCase().split(/\s+/).filter((word) => word.length > 0);
  const last = words.pop() ?? className;
  const stem = last.endsWith('y') && last.length > 3 ? `${last.slice(0, -1)}(?:y|ie)` : last.replace(/[^a-z0-9]/g, '');
  return [...words.map((word) => word.replace(/[^a-z0-9]/g, '')), stem].join(' ');
}

/** Finds the order and repetition of the spec's objects in the prompt text (the parser gives the spec, not the wording). */
export function mentionProfile(prompt: string, spec: GenevalSpec): MentionProfile {
  const text = ` ${prompt.toLowerCase().replace(/[^a-z0-9]+/g, ' ')} `;
  const firstIndex: number[] = [];
  const mentions: number[] = [];
  spec.include.forEach((object, index) => {
    const pattern = new RegExp(`\\b${classStem(object.class)}(?:s|es)?\\b`, 'g');
    const hits = [...text.matchAll(pattern)];
    firstIndex.push(hits[0]?.index ?? text.length + index);
    mentions.push(Math.max(1, hits.length));
  });
  const ranked = firstIndex.map((position, index) => ({ position, index })).sort((left, right) => left.position - right.position || left.index - right.index);
  const order = new Array<number>(spec.include.length).fill(0);
  ranked.forEach((entry, rank) => {
    order[entry.index] = rank;
  });
  return { order, mentions };
}

const SUBSTITUTES = new Map<string, string | undefined>();

/**
 * What a model draws when it misreads a class: the look-alike it knows better — among the more
 * frequent classes of the same COCO supercategory, the one whose upright silhouette overlaps most
 * (a bear comes out elephant-like, a hair drier as another household object). Undefined for a class
 * that is the most frequent of its supercategory (a misread person is left out).
 */
export function substituteOf(className: string): string | undefined {
  if (SUBSTITUTES.has(className)) return SUBSTITUTES.get(className);
  const supercategory = supercategoryOf(className);
  const own = COCO_TRAIN_INSTANCES[className] ?? 0;
  const candidates = supercategory === undefined ? [] : classesOfSupercategory(supercategory).filter((other) => other !== className && (COCO_TRAIN_INSTANCES[other] ?? 0) > own);
  let best: { className: string; overlap: number } | undefined;
  for (const other of candidates) {
    const overlap = silhouetteOverlap(glyphFor(className), glyphFor(other));
    if (best === undefined || overlap > best.overlap) best = { className: other, overlap };
  }
  SUBSTITUTES.set(className, best?.className);
  return best?.className;
}

/** The logistic function. */
function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

/** A failure candidate before normalisation: its probability and the scene it draws. */
interface FailureCandidate {
  readonly kind: SceneModeKind;
  readonly probability: number;
  readonly spec: GenevalSpec;
  readonly style: RenderStyle;
  readonly description: string;
}

/** Modifier words that ask for quality (Promptist's vocabulary); each lowers the low-quality modes. */
const QUALITY_WORDS = ['detailed', 'detail', '8k', '4k', 'hd', 'sharp', 'high quality', 'masterpiece', 'artstation', 'trending', 'professional', 'award', 'octane', 'unreal', 'cinematic', 'lighting', 'illustration', 'concept art', 'digital painting', 'photorealistic', 'realistic', 'intricate', 'elegant', 'smooth', 'studio'];

/** What the failure model reads: the text the encoder kept, its parse, and the style it implies. */
export interface FailureModelInput {
  /** The prompt text the model read (after CLIP's 77-token cut). */
  readonly text: string;
  readonly parsed: ParsedPrompt;
  readonly style: RenderStyle;
}

/** Every hazard of a prompt, in logits, by phenomenon (for tests and the benchmark's explanations). */
export interface PromptHazards {
  readonly latent: number;
  readonly misread: readonly number[];
  readonly neglect: readonly number[];
  readonly count: readonly (number | undefined)[];
  readonly color: readonly (number | undefined)[];
  readonly relation: readonly (number | undefined)[];
  readonly binding: number | undefined;
}

/** The hazards (logits) of each phenomenon of a read prompt. */
export function promptHazards(input: FailureModelInput, base: BaseHazards = FITTED_BASE_HAZARDS): PromptHazards {
  const { text, parsed } = input;
  const spec = parsed.spec;
  const include = spec.include;
  const w = FACT_WEIGHTS;
  const { content, wording } = latentDifficulty(spec, text);
  const clarity = Math.min(1, Math.max(0, Number.isFinite(parsed.clarity) ? parsed.clarity : 0.5));
  const latent = w.contentLatent * content + w.wordingLatent * wording + w.unclear * (1 - clarity);
  const cues = phrasingCues(text);
  const profile = mentionProfile(text, spec);
  const instances = include.reduce((sum, object) => sum + Math.max(1, object.count), 0);
  const crowding = w.crowding * Math.max(0, instances - 2);
  const dilution = w.dilution * Math.max(0, parsed.modifiers.length - 8);
  const misread = include.map((object) => {
    const unfamiliar = Math.log(1 / Math.max(0.05, nameFamiliarity(text, object.class))) / Math.log(20);
    return base.misread + w.rarity * classRarity(object.class) + w.unfamiliarName * unfamiliar + latent;
  });
  const neglect = include.map((object, index) => {
    if (include.length < 2) return -Infinity;
    const affinity = include.filter((_, other) => other !== index).reduce((sum, other) => sum + contextAffinity(object.class, other.class), 0) / (include.length - 1);
    return (
      base.neglect +
      w.rarityNeglect * classRarity(object.class) +
      w.mentionOrder * (profile.order[index] ?? index) +
      w.repetition * Math.log(profile.mentions[index] ?? 1) +
      w.context * (1 - affinity) +
      crowding +
      dilution +
      latent
    );
  });
  const count = include.map((object) => (object.count >= 2 ? base.count + w.countGrowth * (object.count - 2) + (cues.numerals ? w.numerals : 0) + crowding + latent : undefined));
  const color = include.map((object) => (object.color === undefined ? undefined : base.color + w.atypicalColor * colorAtypicality(object.class, object.color) + latent));
  const relation = include.map((object) => (object.position === undefined ? undefined : base.relation + (cues.explicitLayout ? w.explicitLayout : 0) + latent));
  const coloured = include.filter((object) => object.color !== undefined).length;
  const binding = coloured >= 2 ? base.binding + (cues.colorClause ? w.colorClause : 0) + dilution + latent : undefined;
  return { latent, misread, neglect, count, color, relation, binding };
}

/**
 * The conditional mixture's modes for a read prompt, with probabilities that sum to 1 (intended
 * first). Phenomena, each with the literature behind it:
 * - misreading (rare concepts and unfamiliar names are drawn as a better-known look-alike): text
 *   encoders and diffusion models learn frequent concepts better (Samuel et al. 2024, "Generating
 *   images of rare concepts using pre-trained diffusion models"); COCO frequency stands in for
 *   training-data frequency;
 * - catastrophic neglect (Chefer et al. 2023, "Attend-and-Excite"): one subject of a multi-subject
 *   prompt is not drawn at all; the first-mentioned subject dominates cross-attention, so later ones
 *   are neglected more; unrelated subjects (low co-occurrence) more than related ones;
 * - counting errors (GenEval; Paiss et al. 2023, "Teaching CLIP to count to ten"): off by one,
 *   more often the larger the count;
 * - attribute neglect and leakage (Feng et al. 2023, "StructureDiffusion"; Rassin et al. 2023,
 *   "Linguistic binding in diffusion models", SynGen): an unusual colour falls back to the class's
 *   usual one; with two coloured objects, colours leak onto or swap with the other object;
 * - relation failures (GenEval "position"; Huang et al. 2023, T2I-CompBench "spatial"): a relation
 *   drawn mirrored or ignored;
 * - low-quality renders (cluttered, washed out), fewer with quality modifiers (Hao et al. 2023, Promptist).
 * CLIP's 77-token truncation happens before: objects named after the cut are not in the read spec.
 */
export function sceneModes(input: FailureModelInput, base: BaseHazards = FITTED_BASE_HAZARDS): SceneMode[] {
  const { parsed, style } = input;
  const spec = parsed.spec;
  const include = spec.include;
  const hazards = promptHazards(input, base);
  const candidates: FailureCandidate[] = [];

  include.forEach((object, index) => {
    const substitute = substituteOf(object.class);
    const misread = sigmoid(hazards.misread[index] ?? -Infinity);
    if (substitute !== undefined) {
      candidates.push({ kind: 'substitution', probability: misread, spec: withObject(spec, index, { ...object, class: substitute }), style, description: `drew ${describeObject({ ...object, class: substitute })} instead of ${describeObject(object)}` });
    } else {
      candidates.push({ kind: 'omission', probability: misread, spec: omitObject(spec, index), style, description: `left out ${describeObject(object)} (misread)` });
    }
    const neglect = hazards.neglect[index] ?? -Infinity;
    if (neglect > -Infinity) candidates.push({ kind: 'omission', probability: sigmoid(neglect), spec: omitObject(spec, index), style, description: `omitted ${describeObject(object)}` });
    const count = hazards.count[index];
    if (count !== undefined) {
      const probability = sigmoid(count);
      candidates.push({ kind: 'count', probability: probability * 0.55, spec: withObject(spec, index, { ...object, count: object.count - 1 }), style, description: `${object.count - 1} instead of ${object.count} ${pluralOf(object.class)}` });
      candidates.push({ kind: 'count', probability: probability * 0.45, spec: withObject(spec, index, { ...object, count: object.count + 1 }), style, description: `${object.count + 1} instead of ${object.count} ${pluralOf(object.class)}` });
    }
    const color = hazards.color[index];
    if (color !== undefined && object.color !== undefined) {
      const { color: _requested, ...uncoloured } = object;
      candidates.push({ kind: 'attribute_neglect', probability: sigmoid(color), spec: withObject(spec, index, uncoloured), style, description: `${object.class} not ${object.color}` });
    }
    const relation = hazards.relation[index];
    if (relation !== undefined && object.position !== undefined) {
      const [name, reference] = object.position;
      const { position: _placed, ...unplaced } = object;
      const probability = sigmoid(relation);
      candidates.push({ kind: 'relation_flip', probability: probability * RELATION_FLIP_SHARE, spec: withObject(spec, index, { ...object, position: [OPPOSITE_RELATION[name], reference] }), style, description: `${object.class} ${OPPOSITE_RELATION[name]} instead of ${name} the ${include[reference]?.class ?? 'other object'}` });
      candidates.push({ kind: 'relation_ignored', probability: probability * (1 - RELATION_FLIP_SHARE), spec: withObject(spec, index, unplaced), style, description: `${object.class} placed without regard to "${name}"` });
    }
  });

  if (hazards.binding !== undefined) {
    const probability = sigmoid(hazards.binding);
    const coloured = include.map((object, index) => ({ object, index })).filter((entry) => entry.object.color !== undefined);
    const [first, second] = coloured;
    if (first !== undefined && second !== undefined && first.object.color !== second.object.color) {
      const swapped = withObject(withObject(spec, first.index, { ...first.object, color: second.object.color }), second.index, { ...second.object, color: first.object.color });
      candidates.push({ kind: 'attribute_swap', probability: probability * 0.5, spec: swapped, style, description: `colours of ${first.object.class} and ${second.object.class} swapped` });
      candidates.push({ kind: 'attribute_leak', probability: probability * 0.25, spec: withObject(spec, second.index, { ...second.object, color: first.object.color }), style, description: `${first.object.color} leaked onto the ${second.object.class}` });
      candidates.push({ kind: 'attribute_leak', probability: probability * 0.25, spec: withObject(spec, first.index, { ...first.object, color: second.object.color }), style, description: `${second.object.color} leaked onto the ${first.object.class}` });
    }
  }

  const qualityModifiers = parsed.modifiers.filter((modifier) => QUALITY_WORDS.some((word) => modifier.toLowerCase().includes(word))).length;
  const qualityFactor = 1 / (1 + LOW_QUALITY.modifierGain * Math.min(6, qualityModifiers));
  candidates.push({ kind: 'cluttered', probability: LOW_QUALITY.cluttered * qualityFactor, spec, style: { ...style, clutter: Math.max(style.clutter, 0.85), detail: Math.min(style.detail, 0.3) }, description: 'cluttered, low-quality image' });
  candidates.push({ kind: 'washed_out', probability: LOW_QUALITY.washedOut * qualityFactor, spec, style: { ...style, washout: Math.max(style.washout, 0.7), contrast: Math.min(style.contrast, 0.7) }, description: 'washed-out, low-contrast image' });

  const intendedWeight = candidates.reduce((product, candidate) => product * (1 - candidate.probability), 1);
  const totalFailure = candidates.reduce((sum, candidate) => sum + candidate.probability, 0);
  const modes: SceneMode[] = [{ kind: 'intended', spec, style, weight: intendedWeight, description: 'as asked' }];
  for (const candidate of candidates) {
    if (candidate.probability <= 0 || totalFailure === 0) continue;
    modes.push({ kind: candidate.kind, spec: candidate.spec, style: candidate.style, weight: ((1 - intendedWeight) * candidate.probability) / totalFailure, description: candidate.description });
  }
  return modes;
}

/** The mirror image of each relation. */
const OPPOSITE_RELATION: Readonly<Record<GenevalRelation, GenevalRelation>> = {
  'left of': 'right of',
  'right of': 'left of',
  above: 'below',
  below: 'above',
};

/** The spec with one object replaced. */
function withObject(spec: GenevalSpec, index: number, object: GenevalObject): GenevalSpec {
  return { ...spec, include: spec.include.map((current, currentIndex) => (currentIndex === index ? object : current)) };
}

/** The spec without one object: relations to it are dropped, later references shift down. */
function omitObject(spec: GenevalSpec, index: number): GenevalSpec {
  const include: GenevalObject[] = [];
  spec.include.forEach((object, objectIndex) => {
    if (objectIndex === index) return;
    if (object.position === undefined) {
      include.push(object);
      return;
    }
    const [relation, reference] = object.position;
    if (reference === index) {
      const { position: _dropped, ...rest } = object;
      include.push(rest);
      return;
    }
    include.push({ ...object, position: [relation, reference > index ? reference - 1 : reference] });
  });
  return { ...spec, include };
}

/** "the red car", "the 2 dogs". */
function describeObject(object: GenevalObject): string {
  const colour = object.color === undefined ? '' : `${object.color} `;
  return object.count === 1 ? `the ${colour}${object.class}` : `the ${object.count} ${colour}${pluralOf(object.class)}`;
}
