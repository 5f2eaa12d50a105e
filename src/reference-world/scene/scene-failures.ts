import type { GenevalObject, GenevalRelation, GenevalSpec } from './geneval-spec.js';
import type { ParsedPrompt } from './prompt-parser.js';
import type { RenderStyle } from './render-style.js';

/**
 * The failure-mode mixture of the reference world: for a parsed prompt, the scenes a text-to-image model
 * draws (the intended one and its typical failures) and how often, as prompt-dependent probabilities.
 * The generator turns each mode into latent prototypes of a Gaussian mixture, so these probabilities are
 * the model's "prior" over outcomes; classifier-free guidance then sharpens them.
 */

/** The kinds of scene a prompt can turn into. */
export const SCENE_MODE_KINDS = [
  'intended',
  'omission',
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
  /** The scene drawn (the prompt's spec, altered by the failure). */
  readonly spec: GenevalSpec;
  readonly style: RenderStyle;
  /** Probability of the mode before guidance; the modes of a prompt sum to 1. */
  readonly weight: number;
  /** What went wrong, in words ("omitted the bench"); "as asked" for the intended scene. */
  readonly description: string;
}

/**
 * Base rates of each phenomenon for a plain prompt (clarity 0.5, objects mentioned once). The defaults are
 * calibrated so that at 20 steps and guidance 5 the GenEval accuracies land where SD-class models do
 * (test/bench/reference-world.bench.ts prints them).
 */
export interface FailureRates {
  /** Chance that the later-mentioned of two objects is left out (per object, before crowding). */
  readonly omission: number;
  /** Counting error for a count of 2; grows as (count − 1)^countGrowth. */
  readonly count: number;
  readonly countGrowth: number;
  /** Share of counting errors that draw one object too few (the rest draw one too many). */
  readonly countUnderShare: number;
  /** Requested colour not rendered (the class's usual colour instead), per coloured object. */
  readonly attributeNeglect: number;
  /** A colour bound to the other object too (leakage), per coloured object in a multi-object prompt. */
  readonly attributeLeak: number;
  /** Two colours exchanged between two coloured objects. */
  readonly attributeSwap: number;
  /** Relation drawn mirrored, per relation. */
  readonly relationFlip: number;
  /** Relation ignored (objects placed anywhere), per relation. */
  readonly relationIgnored: number;
  /** Cluttered, busy low-quality render. */
  readonly cluttered: number;
  /** Hazy, washed-out low-quality render. */
  readonly washedOut: number;
  /** How strongly unclear phrasing (clarity below 1) raises every compositional failure: factor exp(clarityGain·(1 − clarity)). */
  readonly clarityGain: number;
  /** Factor on binding failures when colours are bound in their own clause ("a car that is red"). */
  readonly colorClauseFactor: number;
  /** Factor on relation failures when the prompt states the layout ("on the left … on the right"). */
  readonly explicitLayoutFactor: number;
  /** Factor on counting failures when counts are written as digits. */
  readonly numeralFactor: number;
  /** Extra failure per object instance beyond two (crowded scenes fail more). */
  readonly crowding: number;
  /** How much each quality modifier ("highly detailed", "8k", …) lowers the low-quality modes, up to 6 of them. */
  readonly qualityModifierGain: number;
  /** Modifier count past which a long prompt starts to dilute attention (raises omission and binding). */
  readonly modifierDilutionStart: number;
  readonly modifierDilution: number;
}

/** Calibrated defaults of the failure rates (see `FailureRates`). */
export const DEFAULT_FAILURE_RATES: FailureRates = {
  omission: 0.28,
  count: 0.42,
  countGrowth: 0.7,
  countUnderShare: 0.55,
  attributeNeglect: 0.32,
  attributeLeak: 0.15,
  attributeSwap: 0.25,
  relationFlip: 0.45,
  relationIgnored: 0.45,
  cluttered: 0.05,
  washedOut: 0.03,
  clarityGain: 1.5,
  colorClauseFactor: 0.6,
  explicitLayoutFactor: 0.6,
  numeralFactor: 0.85,
  crowding: 0.3,
  qualityModifierGain: 0.4,
  modifierDilutionStart: 8,
  modifierDilution: 0.04,
};

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

/** A regex-safe stem of a class name that also matches its regular plural ("bus" → buses, "knife" → knife). */
function classStem(className: string): string {
  const words = className.toLowerCase().split(/\s+/).filter((word) => word.length > 0);
  const last = words.pop() ?? className;
  const stem = last.endsWith('y') && last.length > 3 ? `${last.slice(0, -1)}(?:y|ie)` : last.replace(/[^a-z0-9]/g, '');
  return [...words.map((word) => word.replace(/[^a-z0-9]/g, '')), stem].join(' ');
}

/** A failure candidate before normalisation: its raw probability and the scene it draws. */
interface FailureCandidate {
  readonly kind: SceneModeKind;
  readonly probability: number;
  readonly spec: GenevalSpec;
  readonly style: RenderStyle;
  readonly description: string;
}

/** Modifier words that ask for quality (Promptist's vocabulary); each lowers the low-quality modes. */
const QUALITY_WORDS = ['detailed', 'detail', '8k', '4k', 'hd', 'sharp', 'high quality', 'masterpiece', 'artstation', 'trending', 'professional', 'award', 'octane', 'unreal', 'cinematic', 'lighting', 'illustration', 'concept art', 'digital painting', 'photorealistic', 'realistic', 'intricate', 'elegant', 'smooth', 'studio'];

/**
 * The conditional mixture's modes for a prompt, with probabilities that sum to 1. Each failure
 * phenomenon contributes a probability p; the intended scene keeps Π(1 − p) and the failures share the
 * rest in proportion to p. Probabilities grow with the number of objects and constraints, shrink with
 * clearer phrasing (ParsedPrompt.clarity), and quality modifiers lower the low-quality modes.
 */
export function sceneModes(prompt: string, parsed: ParsedPrompt, style: RenderStyle, rates: FailureRates = DEFAULT_FAILURE_RATES): SceneMode[] {
  const spec = parsed.spec;
  const include = spec.include;
  const profile = mentionProfile(prompt, spec);
  const clarity = Math.min(1, Math.max(0, Number.isFinite(parsed.clarity) ? parsed.clarity : 0.5));
  const clarityFactor = Math.exp(rates.clarityGain * (1 - clarity));
  const cues = phrasingCues(prompt);
  const instances = include.reduce((sum, object) => sum + Math.max(1, object.count), 0);
  const crowdFactor = 1 + rates.crowding * Math.max(0, instances - 2);
  const modifierCount = parsed.modifiers.length;
  const dilution = 1 + rates.modifierDilution * Math.max(0, modifierCount - rates.modifierDilutionStart);
  const qualityModifiers = parsed.modifiers.filter((modifier) => QUALITY_WORDS.some((word) => modifier.toLowerCase().includes(word))).length;
  const candidates: FailureCandidate[] = [];
  const compositional = clarityFactor * crowdFactor;

  // Catastrophic neglect / entity omission (Chefer et al. 2023, "Attend-and-Excite"): in multi-subject
  // prompts one subject's cross-attention is dominated by the others and the subject is not drawn at all;
  // later-mentioned subjects are neglected more, repeating a subject strengthens its attention.
  if (include.length >= 2) {
    include.forEach((object, index) => {
      const rank = profile.order[index] ?? index;
      const orderFactor = 0.6 + (0.8 * rank) / (include.length - 1);
      const emphasis = 1 / Math.sqrt(profile.mentions[index] ?? 1);
      candidates.push({
        kind: 'omission',
        probability: rates.omission * orderFactor * emphasis * compositional * dilution,
        spec: omitObject(spec, index),
        style,
        description: `omitted ${describeObject(object)}`,
      });
    });
  }

  // Counting failures (GenEval "counting"; Paiss et al. 2023, "Teaching CLIP to count to ten"): the text
  // encoder's number sense is weak, so the drawn count is often off by one, more so for larger numbers.
  include.forEach((object, index) => {
    if (object.count < 2) return;
    const numeralFactor = cues.numerals ? rates.numeralFactor : 1;
    const probability = rates.count * Math.pow(object.count - 1, rates.countGrowth) * clarityFactor * numeralFactor * (1 + rates.crowding * Math.max(0, instances - object.count - 1));
    const plural = className(object.class, 2);
    candidates.push({
      kind: 'count',
      probability: probability * rates.countUnderShare,
      spec: withObject(spec, index, { ...object, count: object.count - 1 }),
      style,
      description: `${object.count - 1} ${object.count - 1 === 1 ? object.class : plural} instead of ${object.count}`,
    });
    candidates.push({
      kind: 'count',
      probability: probability * (1 - rates.countUnderShare),
      spec: withObject(spec, index, { ...object, count: object.count + 1 }),
      style,
      description: `${object.count + 1} ${plural} instead of ${object.count}`,
    });
  });

  // Attribute binding failures (Feng et al. 2023, "StructureDiffusion"; Rassin et al. 2023, "Linguistic
  // binding in diffusion models"): a colour is not rendered at all (neglect), leaks onto the other object,
  // or two colours are exchanged between their nouns. Leakage follows syntactic distance (Rassin et al.),
  // so a colour kept in its own clause next to its noun binds better.
  const bindingFactor = cues.colorClause ? rates.colorClauseFactor : 1;
  include.forEach((object, index) => {
    if (object.color === undefined) return;
    const { color: _ignored, ...uncoloured } = object;
    candidates.push({
      kind: 'attribute_neglect',
      probability: rates.attributeNeglect * clarityFactor * dilution,
      spec: withObject(spec, index, uncoloured),
      style,
      description: `${object.class} not ${object.color}`,
    });
    include.forEach((other, otherIndex) => {
      if (otherIndex === index || other.color === object.color) return;
      if (other.color !== undefined && otherIndex > index) {
        // The pair's swap is added once, from the first coloured object.
        const swapped = withObject(withObject(spec, index, { ...object, color: other.color }), otherIndex, { ...other, color: object.color });
        candidates.push({
          kind: 'attribute_swap',
          probability: rates.attributeSwap * compositional * dilution * bindingFactor,
          spec: swapped,
          style,
          description: `colours of ${object.class} and ${other.class} swapped`,
        });
      }
      candidates.push({
        kind: 'attribute_leak',
        probability: (rates.attributeLeak * compositional * dilution * bindingFactor) / Math.max(1, include.length - 1),
        spec: withObject(spec, otherIndex, { ...other, color: object.color }),
        style,
        description: `${object.color} leaked onto the ${other.class}`,
      });
    });
  });

  // Spatial relation failures (GenEval "position"; Huang et al. 2023, T2I-CompBench "spatial"): text
  // encoders barely encode word order, so "left of" is drawn mirrored or ignored about as often as right;
  // naming image regions ("on the left") gives the model a concrete cue (as layout-conditioned methods do).
  const layoutFactor = cues.explicitLayout ? rates.explicitLayoutFactor : 1;
  include.forEach((object, index) => {
    if (object.position === undefined) return;
    const [relation, reference] = object.position;
    const { position: _ignored, ...unplaced } = object;
    candidates.push({
      kind: 'relation_flip',
      probability: rates.relationFlip * clarityFactor * layoutFactor,
      spec: withObject(spec, index, { ...object, position: [OPPOSITE_RELATION[relation], reference] }),
      style,
      description: `${object.class} ${OPPOSITE_RELATION[relation]} instead of ${relation} the ${include[reference]?.class ?? 'other object'}`,
    });
    candidates.push({
      kind: 'relation_ignored',
      probability: rates.relationIgnored * clarityFactor * layoutFactor,
      spec: withObject(spec, index, unplaced),
      style,
      description: `${object.class} placed without regard to "${relation}"`,
    });
  });

  // Low-quality samples (the quality gap Promptist, Hao et al. 2023, closes with model-preferred modifiers):
  // busy, cluttered renders and hazy, washed-out ones, less likely the more quality words the prompt has.
  const qualityFactor = 1 / (1 + rates.qualityModifierGain * Math.min(6, qualityModifiers));
  candidates.push({
    kind: 'cluttered',
    probability: rates.cluttered * qualityFactor,
    spec,
    style: { ...style, clutter: Math.max(style.clutter, 0.85), detail: Math.min(style.detail, 0.3) },
    description: 'cluttered, low-quality image',
  });
  candidates.push({
    kind: 'washed_out',
    probability: rates.washedOut * qualityFactor,
    spec,
    style: { ...style, washout: Math.max(style.washout, 0.7), contrast: Math.min(style.contrast, 0.7) },
    description: 'washed-out, low-contrast image',
  });

  const bounded = candidates.map((candidate) => ({ ...candidate, probability: Math.min(0.9, Math.max(0, candidate.probability)) }));
  const intendedWeight = Math.max(0.02, bounded.reduce((product, candidate) => product * (1 - candidate.probability), 1));
  const totalFailure = bounded.reduce((sum, candidate) => sum + candidate.probability, 0);
  const modes: SceneMode[] = [{ kind: 'intended', spec, style, weight: intendedWeight, description: 'as asked' }];
  for (const candidate of bounded) {
    if (candidate.probability <= 0 || totalFailure === 0) continue;
    modes.push({
      kind: candidate.kind,
      spec: candidate.spec,
      style: candidate.style,
      weight: ((1 - intendedWeight) * candidate.probability) / totalFailure,
      description: candidate.description,
    });
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
  return object.count === 1 ? `the ${colour}${object.class}` : `the ${object.count} ${colour}${className(object.class, object.count)}`;
}

/** A rough English plural for descriptions (words only; the verifier never reads these). */
function className(name: string, count: number): string {
  if (count === 1) return name;
  if (/(s|x|ch|sh)$/.test(name)) return `${name}es`;
  return `${name}s`;
}
