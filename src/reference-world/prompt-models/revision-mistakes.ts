import type { SeededRandom } from '../scene/seeded-random.js';
import type { PromptReading, ReadMention, ReadPlacement, ReadRelation } from './prompt-reading.js';

/**
 * How often the reference reviser gets a revision wrong, per revision, at any temperature. Stated, not
 * measured: LLM prompt rewrites are known to drift from the user's meaning (Mañas et al. 2024 judge every
 * revision against the user's prompt for this reason), and these rates make the drift frequent enough that
 * judging must catch it, rare enough that most revisions are faithful.
 */
export interface RevisionMistakeRates {
  /** Share of revisions that drop or change one constraint: an object, a colour, a count or a relation. */
  readonly constraint: number;
  /** Share of revisions that add content the user did not ask for (an extra object or scene element). */
  readonly unrequested: number;
}

/** The reviser's stated mistake rates: 8% of revisions break one constraint, 10% add unrequested content. */
export const REVISION_MISTAKE_RATES: RevisionMistakeRates = { constraint: 0.08, unrequested: 0.1 };

/** What a revision got wrong against the user's prompt. */
export type RevisionMistake = 'dropped_object' | 'changed_colour' | 'changed_count' | 'changed_relation' | 'added_content';

/** Colours a writer slips to from each colour: neighbouring hues, never a synonym of the same colour. */
const NEAR_COLOURS: Readonly<Record<string, readonly string[]>> = {
  red: ['orange', 'pink'], orange: ['red', 'yellow', 'brown'], yellow: ['orange', 'green'], green: ['blue', 'yellow'],
  blue: ['purple', 'green'], purple: ['pink', 'blue'], pink: ['purple', 'red'], brown: ['orange', 'black'],
  black: ['brown', 'white'], white: ['black', 'pink'],
};

const FLIPPED: Readonly<Record<ReadRelation, ReadRelation>> = { 'left of': 'right of', 'right of': 'left of', above: 'below', below: 'above', near: 'near' };

/** A reading with at most one constraint broken, and which. */
export interface MistakenReading {
  readonly reading: PromptReading;
  readonly mistake?: Exclude<RevisionMistake, 'added_content'>;
}

/**
 * With probability `rate`, breaks one constraint of the reading the way LLM revisions do: drops an object
 * (with its relations), changes a colour to a neighbouring one, a count by one, or a relation's direction.
 * The kind is drawn uniformly among those the reading allows (a count can always change).
 */
export function maybeBreakConstraint(reading: PromptReading, rate: number, random: SeededRandom): MistakenReading {
  if (reading.mentions.length === 0 || random.next() >= rate) return { reading };
  const kinds: Exclude<RevisionMistake, 'added_content'>[] = ['changed_count'];
  if (reading.mentions.length >= 2) kinds.push('dropped_object');
  if (reading.mentions.some((mention) => mention.colour !== undefined)) kinds.push('changed_colour');
  if (reading.placements.some((placement) => placement.relation !== 'near')) kinds.push('changed_relation');
  const mistake = random.pick(kinds);
  const mentions = [...reading.mentions];
  let placements: ReadPlacement[] = [...reading.placements];
  switch (mistake) {
    case 'dropped_object': {
      const dropped = random.int(mentions.length);
      mentions.splice(dropped, 1);
      const shift = (index: number): number => (index > dropped ? index - 1 : index);
      placements = placements
        .filter((placement) => placement.subject !== dropped && placement.reference !== dropped)
        .map((placement) => ({ ...placement, subject: shift(placement.subject), reference: shift(placement.reference) }));
      break;
    }
    case 'changed_colour': {
      const coloured = mentions.map((mention, index) => ({ mention, index })).filter((entry) => entry.mention.colour !== undefined);
      const { mention, index } = random.pick(coloured);
      const options = NEAR_COLOURS[mention.colour ?? ''] ?? ['red', 'blue'];
      mentions[index] = { ...mention, colour: random.pick(options.filter((colour) => colour !== mention.colour)) } satisfies ReadMention;
      break;
    }
    case 'changed_count': {
      const index = random.int(mentions.length);
      const mention = mentions[index] as ReadMention;
      const count = mention.count <= 1 ? 2 : mention.count + (random.next() < 0.5 ? -1 : 1);
      mentions[index] = { ...mention, count };
      break;
    }
    case 'changed_relation': {
      const directed = placements.map((placement, index) => ({ placement, index })).filter((entry) => entry.placement.relation !== 'near');
      const { placement, index } = random.pick(directed);
      placements[index] = { ...placement, relation: FLIPPED[placement.relation] };
      break;
    }
  }
  return { reading: { ...reading, mentions, placements }, mistake };
}

/** With probability `rate`, one piece of unrequested content from the phrasing's list; else undefined. */
export function maybeAddContent(additions: readonly string[], rate: number, random: SeededRandom): string | undefined {
  if (additions.length === 0 || random.next() >= rate) return undefined;
  return random.pick(additions);
}
