import { nounForms } from './coco-classes.js';
import type { GenevalColor, GenevalObject, GenevalRelation, GenevalSpec } from './geneval-spec.js';

/**
 * What a prompt asks for: GenEval constraints, the words the parser did not understand (kept as
 * style modifiers) and how explicit the phrasing is.
 */
export interface ParsedPrompt {
  spec: GenevalSpec;
  /** Phrases the parser did not read as objects, counts, colours or relations ("highly detailed", "8k"). */
  modifiers: string[];
  /**
   * 0..1, how explicit and unambiguous the phrasing is: 1 for GenEval-style prompts (numerals, one
   * colour per noun, explicit layout words); vague quantities, "next to", several adjectives per
   * noun, negations and long run-on clauses lower it.
   */
  clarity: number;
}

const COLOR_WORDS: Readonly<Record<string, GenevalColor>> = {
  red: 'red', orange: 'orange', yellow: 'yellow', green: 'green', blue: 'blue',
  purple: 'purple', pink: 'pink', brown: 'brown', black: 'black', white: 'white',
  violet: 'purple', lilac: 'purple', lavender: 'purple', crimson: 'red', scarlet: 'red', maroon: 'red',
  navy: 'blue', azure: 'blue', cobalt: 'blue', golden: 'yellow', gold: 'yellow', lemon: 'yellow',
  tan: 'brown', chocolate: 'brown', ivory: 'white', snow: 'white', magenta: 'pink', fuchsia: 'pink',
  lime: 'green', emerald: 'green', olive: 'green', jet: 'black', ebony: 'black',
};

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1, single: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, twin: 2,
};

const NUMBER_PHRASES: readonly (readonly [readonly string[], number])[] = [
  [['a', 'pair', 'of'], 2], [['pair', 'of'], 2], [['a', 'couple', 'of'], 2], [['couple', 'of'], 2],
  [['a', 'trio', 'of'], 3], [['trio', 'of'], 3], [['a', 'single'], 1], [['a', 'dozen'], 12], [['both'], 2],
];

const VAGUE_PHRASES: readonly (readonly string[])[] = [
  ['a', 'group', 'of'], ['a', 'bunch', 'of'], ['a', 'lot', 'of'], ['lots', 'of'], ['a', 'number', 'of'],
  ['a', 'few'], ['a', 'pile', 'of'], ['some'], ['several'], ['many'], ['multiple'], ['few'], ['numerous'], ['various'],
];

const DETERMINERS = new Set(['a', 'an', 'the', 'this', 'that', 'these', 'those', 'its', 'his', 'her', 'their', 'my', 'our', 'your', 'another']);
const NEGATIONS = new Set(['no', 'without', 'not', 'never', 'zero']);
const FILLERS = new Set(['is', 'are', 'was', 'were', 'be', 'sits', 'sitting', 'stands', 'standing', 'placed', 'located', 'positioned', 'lies', 'lying', 'there', 'it', 'they']);
const COLOR_SUFFIXES = new Set(['colored', 'coloured', 'color', 'colour', 'toned', 'tinted', 'hued']);

const CONNECTORS: readonly (readonly string[])[] = [
  ['and'], ['with'], ['plus'], ['as', 'well', 'as'], ['along', 'with'], ['together', 'with'], ['accompanied', 'by'], ['or'],
];

const FRAMES: readonly (readonly string[])[] = [
  ['a', 'photo', 'of'], ['a', 'photograph', 'of'], ['a', 'picture', 'of'], ['an', 'image', 'of'], ['a', 'shot', 'of'],
  ['a', 'snapshot', 'of'], ['photo', 'of'], ['photograph', 'of'], ['picture', 'of'], ['image', 'of'],
  ['a', 'photo', 'showing'], ['a', 'picture', 'showing'], ['an', 'image', 'showing'], ['showing'], ['depicting'],
];

type RelationWord = GenevalRelation | 'near';
type Side = 'left' | 'right' | 'top' | 'bottom';

const RELATION_PHRASES: readonly (readonly [readonly string[], RelationWord])[] = (() => {
  const phrases: [string[], RelationWord][] = [];
  for (const [side, relation] of [['left', 'left of'], ['right', 'right of']] as const) {
    for (const lead of [['to', 'the'], ['on', 'the'], ['at', 'the'], ['in', 'the'], []]) {
      phrases.push([[...lead, side, 'hand', 'side', 'of'], relation]);
      phrases.push([[...lead, side, 'side', 'of'], relation]);
      phrases.push([[...lead, side, 'of'], relation]);
    }
  }
  phrases.push(
    [['on', 'top', 'of'], 'above'], [['on', 'the', 'top', 'of'], 'above'], [['at', 'the', 'top', 'of'], 'above'],
    [['above'], 'above'], [['over'], 'above'], [['atop'], 'above'], [['upon'], 'above'], [['on'], 'above'],
    [['higher', 'than'], 'above'],
    [['at', 'the', 'bottom', 'of'], 'below'], [['on', 'the', 'bottom', 'of'], 'below'], [['below'], 'below'],
    [['under'], 'below'], [['underneath'], 'below'], [['beneath'], 'below'], [['lower', 'than'], 'below'],
    [['next', 'to'], 'near'], [['beside'], 'near'], [['besides'], 'near'], [['near'], 'near'], [['nearby'], 'near'],
    [['alongside'], 'near'], [['close', 'to'], 'near'], [['by', 'the', 'side', 'of'], 'near'], [['adjacent', 'to'], 'near'],
    [['in', 'front', 'of'], 'near'], [['behind'], 'near'], [['by'], 'near'],
  );
  return phrases.sort((a, b) => b[0].length - a[0].length);
})();

const SIDE_PHRASES: readonly (readonly [readonly string[], Side])[] = (() => {
  const phrases: [string[], Side][] = [];
  for (const side of ['left', 'right'] as const) {
    for (const lead of [['on', 'the'], ['to', 'the'], ['at', 'the'], ['in', 'the']]) {
      phrases.push([[...lead, side, 'hand', 'side'], side], [[...lead, side, 'side'], side], [[...lead, side], side]);
    }
  }
  for (const lead of [['at', 'the'], ['on', 'the'], ['in', 'the']]) {
    phrases.push([[...lead, 'top'], 'top'], [[...lead, 'bottom'], 'bottom']);
  }
  return phrases.sort((a, b) => b[0].length - a[0].length);
})();

const POSTFIX_COLOR_LEADS: readonly (readonly string[])[] = [
  ['in', 'the', 'color'], ['in', 'the', 'colour'], ['that', 'is'], ['which', 'is'], ['that', 's'], ['all', 'in'],
  ['painted'], ['colored'], ['coloured'], ['dyed'], ['in'], ['thats'], ['of', 'color'],
];

const TRIM_WORDS = new Set(['a', 'an', 'the', 'of', 'and', 'with', 'in', 'on', 'at', 'to', 'for', 'is', 'are', 'its', 'or']);
const MAX_TOKENS = 400;
const MAX_NOUN_WORDS = 4;

interface Token {
  readonly text: string;
  readonly segment: number;
}

interface Mention {
  readonly className: string;
  readonly segment: number;
  count: number;
  countKind: 'article' | 'numeral' | 'vague';
  color?: GenevalColor;
  colorConflict: boolean;
  adjectives: number;
  negated: boolean;
  side?: Side;
}

interface Relation {
  readonly subject: number;
  readonly reference: number;
  readonly relation: RelationWord;
}

interface Builder {
  count?: number;
  vague: boolean;
  colors: GenevalColor[];
  adjectives: number;
  negated: boolean;
  /** Tokens tentatively consumed; released as modifiers when no noun follows. */
  tentative: number[];
  segment: number;
}

/** Lowercases and splits a prompt into word tokens, numbering the comma/period-separated segments. */
function tokenize(prompt: string): Token[] {
  const tokens: Token[] = [];
  const text = prompt.toLowerCase().replace(/[’‘`]/g, "'").replace(/[-_/]/g, ' ');
  let segment = 0;
  for (const match of text.matchAll(/[a-z0-9]+|[,;.!?:()[\]{}|\n&]/g)) {
    const value = match[0];
    if (value === '&') tokens.push({ text: 'and', segment });
    else if (/^[a-z0-9]+$/.test(value)) tokens.push({ text: value, segment });
    else segment += 1;
    if (tokens.length >= MAX_TOKENS) break;
  }
  return tokens;
}

/** Parses a prompt into GenEval constraints, leftover style modifiers and a clarity score; never throws. */
export function parsePrompt(prompt: string): ParsedPrompt {
  const text = typeof prompt === 'string' ? prompt : String(prompt ?? '');
  try {
    return new PromptReader(text).read();
  } catch {
    return { spec: { include: [], prompt: text }, modifiers: text.trim() === '' ? [] : [text.trim()], clarity: 0 };
  }
}

/** One pass over the tokens of a prompt (a small hand-written grammar with greedy phrase matching). */
class PromptReader {
  private readonly tokens: Token[];
  private readonly consumed: boolean[];
  private readonly mentions: Mention[] = [];
  private readonly relations: Relation[] = [];
  private pending: { relation: RelationWord; subject: number; segment: number; tokens: number[] } | undefined;
  private builder: Builder;
  private danglingRelations = 0;

  constructor(private readonly prompt: string) {
    this.tokens = tokenize(prompt);
    this.consumed = this.tokens.map(() => false);
    this.builder = this.freshBuilder(0);
  }

  read(): ParsedPrompt {
    let i = 0;
    while (i < this.tokens.length) i = this.step(i);
    this.releaseBuilder();
    this.dropPending();
    return this.assemble();
  }

  private freshBuilder(segment: number): Builder {
    return { vague: false, colors: [], adjectives: 0, negated: false, tentative: [], segment };
  }

  private word(i: number): string | undefined {
    return this.tokens[i]?.text;
  }

  private segmentOf(i: number): number {
    return this.tokens[i]?.segment ?? -1;
  }

  /** Whether `phrase` occurs at token i, inside one segment. */
  private matches(i: number, phrase: readonly string[]): boolean {
    const segment = this.segmentOf(i);
    for (let k = 0; k < phrase.length; k += 1) {
      if (this.word(i + k) !== phrase[k] || this.segmentOf(i + k) !== segment) return false;
    }
    return true;
  }

  private consume(from: number, length: number): void {
    for (let k = from; k < from + length; k += 1) this.consumed[k] = true;
  }

  /** The longest class name (or synonym, plural) starting at token i. */
  private nounAt(i: number): { className: string; plural: boolean; length: number } | undefined {
    const forms = nounForms();
    const segment = this.segmentOf(i);
    for (let length = MAX_NOUN_WORDS; length >= 1; length -= 1) {
      if (this.segmentOf(i + length - 1) !== segment) continue;
      const words: string[] = [];
      for (let k = 0; k < length; k += 1) words.push(this.word(i + k) ?? '');
      const form = forms.get(words.join(' '));
      if (form) return { className: form.className, plural: form.plural, length };
    }
    return undefined;
  }

  /** A colour word at i used as an adjective: "orange" is a colour when a noun follows within a few words. */
  private colorAdjectiveAt(i: number): GenevalColor | undefined {
    const word = this.word(i);
    if (word === undefined) return undefined;
    const color = COLOR_WORDS[word];
    if (!color) return undefined;
    if (!this.nounAt(i)) return color;
    const segment = this.segmentOf(i);
    for (let j = i + 1; j <= i + 3 && this.segmentOf(j) === segment; j += 1) {
      const next = this.word(j) ?? '';
      if (COLOR_SUFFIXES.has(next)) return color;
      if (this.nounAt(j)) return color;
      if (this.isStructural(j)) return undefined;
    }
    return undefined;
  }

  /** Whether token i starts a grammatical phrase (so it cannot be an adjective). */
  private isStructural(i: number): boolean {
    const word = this.word(i) ?? '';
    if (DETERMINERS.has(word) || NEGATIONS.has(word) || FILLERS.has(word) || NUMBER_WORDS[word] !== undefined) return true;
    if (CONNECTORS.some((phrase) => this.matches(i, phrase))) return true;
    return RELATION_PHRASES.some(([phrase]) => this.matches(i, phrase));
  }

  private numberAt(i: number): { value: number; length: number } | undefined {
    const word = this.word(i) ?? '';
    if (/^\d{1,2}$/.test(word)) {
      const value = Number(word);
      return value >= 1 ? { value, length: 1 } : undefined;
    }
    const fromWord = NUMBER_WORDS[word];
    if (fromWord !== undefined) return { value: fromWord, length: 1 };
    for (const [phrase, value] of NUMBER_PHRASES) {
      if (!this.matches(i, phrase)) continue;
      // "a pair of skis" names one object: let the noun take the phrase.
      if (phrase[0] === 'a' && this.nounAt(i + 1)) continue;
      if (this.nounAt(i)) continue;
      return { value, length: phrase.length };
    }
    return undefined;
  }

  private step(i: number): number {
    const segment = this.segmentOf(i);
    if (segment !== this.builder.segment) {
      this.releaseBuilder();
      this.builder = this.freshBuilder(segment);
      if (this.pending && this.pending.segment !== segment) this.dropPending();
    }
    const noun = this.nounAt(i);
    const colorAdjective = this.colorAdjectiveAt(i);
    if (noun && colorAdjective === undefined) return this.takeNoun(i, noun);
    for (const frame of FRAMES) {
      if (this.matches(i, frame) && !this.nounAt(i + frame.length - 1)) {
        this.releaseBuilder();
        this.consume(i, frame.length);
        return i + frame.length;
      }
    }
    if (colorAdjective !== undefined) {
      this.builder.colors.push(colorAdjective);
      this.builder.tentative.push(i);
      let next = i + 1;
      if (COLOR_SUFFIXES.has(this.word(next) ?? '') && this.segmentOf(next) === segment) {
        this.builder.tentative.push(next);
        next += 1;
      }
      return next;
    }
    const number = this.numberAt(i);
    if (number) {
      this.builder.count = number.value;
      for (let k = 0; k < number.length; k += 1) this.builder.tentative.push(i + k);
      return i + number.length;
    }
    for (const phrase of VAGUE_PHRASES) {
      if (this.matches(i, phrase)) {
        this.builder.vague = true;
        for (let k = 0; k < phrase.length; k += 1) this.builder.tentative.push(i + k);
        return i + phrase.length;
      }
    }
    for (const connector of CONNECTORS) {
      if (this.matches(i, connector)) {
        this.releaseBuilder();
        this.dropPending();
        this.consume(i, connector.length);
        return i + connector.length;
      }
    }
    for (const [phrase, relation] of RELATION_PHRASES) {
      if (this.matches(i, phrase)) return this.takeRelation(i, phrase.length, relation);
    }
    const word = this.word(i) ?? '';
    if (NEGATIONS.has(word)) {
      this.builder.negated = true;
      this.builder.tentative.push(i);
      return i + 1;
    }
    if (DETERMINERS.has(word)) {
      this.builder.tentative.push(i);
      return i + 1;
    }
    if (FILLERS.has(word)) {
      this.consume(i, 1);
      return i + 1;
    }
    this.builder.adjectives += 1;
    return i + 1;
  }

  private takeNoun(i: number, noun: { className: string; plural: boolean; length: number }): number {
    const builder = this.builder;
    let count = 1;
    let countKind: Mention['countKind'] = 'article';
    if (builder.count !== undefined) {
      count = builder.count;
      countKind = 'numeral';
    } else if (builder.vague || noun.plural) {
      count = 2;
      countKind = 'vague';
    }
    const distinctColors = [...new Set(builder.colors)];
    const mention: Mention = {
      className: noun.className,
      segment: this.segmentOf(i),
      count,
      countKind,
      colorConflict: distinctColors.length > 1,
      adjectives: builder.adjectives,
      negated: builder.negated,
      ...(distinctColors[0] !== undefined ? { color: distinctColors[0] } : {}),
    };
    for (const index of builder.tentative) this.consumed[index] = true;
    this.consume(i, noun.length);
    this.builder = this.freshBuilder(this.segmentOf(i));
    this.mentions.push(mention);
    const index = this.mentions.length - 1;
    if (this.pending) {
      this.relations.push({ subject: this.pending.subject, reference: index, relation: this.pending.relation });
      this.pending = undefined;
    }
    let next = i + noun.length;
    next = this.takePostfixColor(next, mention);
    next = this.takeSide(next, mention);
    return next;
  }

  /** "a car painted red", "a car in red", "a car that is red". */
  private takePostfixColor(i: number, mention: Mention): number {
    const segment = mention.segment;
    let j = i;
    while (FILLERS.has(this.word(j) ?? '') && this.segmentOf(j) === segment && !this.matches(j, ['that', 'is'])) j += 1;
    const leads = j > i ? [...POSTFIX_COLOR_LEADS, []] : POSTFIX_COLOR_LEADS;
    for (const lead of leads) {
      if (!this.matches(j, lead)) continue;
      const colorIndex = j + lead.length;
      const color = COLOR_WORDS[this.word(colorIndex) ?? ''];
      if (!color || this.segmentOf(colorIndex) !== segment) continue;
      if (this.nounAt(colorIndex + 1) && this.segmentOf(colorIndex + 1) === segment) continue;
      let end = colorIndex + 1;
      if (COLOR_SUFFIXES.has(this.word(end) ?? '') && this.segmentOf(end) === segment) end += 1;
      if (mention.color !== undefined && mention.color !== color) mention.colorConflict = true;
      else mention.color = color;
      this.consume(i, end - i);
      return end;
    }
    return i;
  }

  /** "a dog on the left", "a kite at the top". */
  private takeSide(i: number, mention: Mention): number {
    for (const [phrase, side] of SIDE_PHRASES) {
      if (!this.matches(i, phrase)) continue;
      const after = this.word(i + phrase.length);
      if (after === 'of' && this.segmentOf(i + phrase.length) === mention.segment) return i;
      mention.side = side;
      this.consume(i, phrase.length);
      return i + phrase.length;
    }
    return i;
  }

  private takeRelation(i: number, length: number, relation: RelationWord): number {
    const segment = this.segmentOf(i);
    const subject = this.mentions.length - 1;
    this.releaseBuilder();
    this.dropPending();
    if (subject < 0 || this.mentions[subject]?.segment !== segment) {
      // no subject before the relation: the words are modifiers
      return i + length;
    }
    const tokens: number[] = [];
    for (let k = i; k < i + length; k += 1) tokens.push(k);
    this.consume(i, length);
    this.pending = { relation, subject, segment, tokens };
    return i + length;
  }

  private releaseBuilder(): void {
    this.builder = this.freshBuilder(this.builder.segment);
  }

  private dropPending(): void {
    if (!this.pending) return;
    for (const index of this.pending.tokens) this.consumed[index] = false;
    // "trending on artstation", "by an artist": common modifiers, not a broken relation
    const words = this.pending.tokens.map((index) => this.word(index)).join(' ');
    if (this.pending.relation !== 'near' && words !== 'on' && words !== 'over') this.danglingRelations += 1;
    this.pending = undefined;
  }

  private modifiers(): string[] {
    const modifiers: string[] = [];
    let run: string[] = [];
    let runSegment = -1;
    const flush = (): void => {
      while (run.length > 0 && TRIM_WORDS.has(run[0] ?? '')) run.shift();
      while (run.length > 0 && TRIM_WORDS.has(run[run.length - 1] ?? '')) run.pop();
      if (run.length > 0) modifiers.push(run.join(' '));
      run = [];
    };
    this.tokens.forEach((token, index) => {
      if (this.consumed[index] || token.segment !== runSegment) flush();
      runSegment = token.segment;
      if (!this.consumed[index]) run.push(token.text);
    });
    flush();
    return modifiers;
  }

  private assemble(): ParsedPrompt {
    const positives: number[] = [];
    const exclude: { class: string; count: number }[] = [];
    this.mentions.forEach((mention, index) => {
      if (mention.negated) exclude.push({ class: mention.className, count: 1 });
      else positives.push(index);
    });
    const relationOf = new Map<number, Relation>();
    for (const relation of this.relations) {
      const subject = this.mentions[relation.subject];
      const reference = this.mentions[relation.reference];
      if (!subject || !reference || subject.negated || reference.negated || relation.relation === 'near') continue;
      if (!relationOf.has(relation.subject)) relationOf.set(relation.subject, relation);
    }
    this.sideRelations(positives, relationOf);

    // GenEval order: a reference object comes before the object placed relative to it.
    const order: number[] = [];
    const visiting = new Set<number>();
    const add = (index: number): void => {
      if (order.includes(index) || visiting.has(index)) return;
      visiting.add(index);
      const relation = relationOf.get(index);
      if (relation) add(relation.reference);
      order.push(index);
    };
    for (const index of positives) add(index);

    const include: GenevalObject[] = order.map((index) => {
      const mention = this.mentions[index] as Mention;
      const relation = relationOf.get(index);
      const referencePosition = relation ? order.indexOf(relation.reference) : -1;
      return {
        class: mention.className,
        count: mention.count,
        ...(mention.color !== undefined ? { color: mention.color } : {}),
        ...(relation && referencePosition >= 0 && relation.relation !== 'near'
          ? { position: [relation.relation, referencePosition] as [GenevalRelation, number] }
          : {}),
      };
    });
    for (const index of order) {
      const mention = this.mentions[index] as Mention;
      if (mention.countKind === 'numeral' && mention.count >= 2) exclude.push({ class: mention.className, count: mention.count + 1 });
    }
    const tag = inferTag(include, exclude);
    const spec: GenevalSpec = {
      ...(tag !== undefined ? { tag } : {}),
      include,
      ...(exclude.length > 0 ? { exclude } : {}),
      prompt: this.prompt,
    };
    return { spec, modifiers: this.modifiers(), clarity: this.clarity(positives.length) };
  }

  /** "a dog on the left and a cat on the right": absolute sides of two objects become one relation. */
  private sideRelations(positives: number[], relationOf: Map<number, Relation>): void {
    if (positives.length !== 2 || relationOf.size > 0) return;
    const [first, second] = positives as [number, number];
    const a = this.mentions[first]?.side;
    const b = this.mentions[second]?.side;
    const opposite: Record<Side, Side> = { left: 'right', right: 'left', top: 'bottom', bottom: 'top' };
    const relationFor: Record<Side, GenevalRelation> = { left: 'left of', right: 'right of', top: 'above', bottom: 'below' };
    if (a === undefined || (b !== undefined && b !== opposite[a])) return;
    relationOf.set(first, { subject: first, reference: second, relation: relationFor[a] });
  }

  private clarity(positiveCount: number): number {
    let penalty = 0;
    if (positiveCount === 0) penalty += 0.5;
    let adjectivePenalty = 0;
    for (const mention of this.mentions) {
      if (mention.countKind === 'vague') penalty += 0.2;
      if (mention.colorConflict) penalty += 0.15;
      if (mention.negated) penalty += 0.1;
      if (mention.side !== undefined) penalty += 0.05;
      adjectivePenalty += 0.08 * Math.max(0, mention.adjectives + (mention.color ? 1 : 0) - 1);
    }
    penalty += Math.min(0.3, adjectivePenalty);
    penalty += 0.15 * this.relations.filter((relation) => relation.relation === 'near').length;
    penalty += 0.1 * this.danglingRelations;
    penalty += 0.05 * Math.max(0, positiveCount - 3);
    const mentionSegments = new Set(this.mentions.map((mention) => mention.segment));
    const mainWords = this.tokens.filter((token) => mentionSegments.has(token.segment)).length;
    penalty += Math.min(0.3, 0.02 * Math.max(0, mainWords - 16));
    return Math.round(Math.min(1, Math.max(0.05, 1 - penalty)) * 1000) / 1000;
  }
}

/** GenEval's category of a spec, when it has one of the six shapes. */
function inferTag(include: readonly GenevalObject[], exclude: readonly { class: string; count: number }[]): string | undefined {
  const countingExcludes = exclude.every((item) => include.some((object) => object.class === item.class && item.count === object.count + 1));
  if (!countingExcludes) return undefined;
  if (include.length === 1) {
    const [object] = include as [GenevalObject];
    if (object.count >= 2 && object.color === undefined) return 'counting';
    if (object.count !== 1 || exclude.length > 0) return undefined;
    return object.color === undefined ? 'single_object' : 'colors';
  }
  if (include.length !== 2 || exclude.length > 0) return undefined;
  const [first, second] = include as [GenevalObject, GenevalObject];
  if (first.count !== 1 || second.count !== 1 || first.position !== undefined) return undefined;
  if (second.position !== undefined) return first.color === undefined && second.color === undefined ? 'position' : undefined;
  if (first.color !== undefined && second.color !== undefined) return 'color_attr';
  if (first.color === undefined && second.color === undefined) return 'two_object';
  return undefined;
}
