import type { RevisionPhrasing } from '../../../src/reference-world/prompt-models/revision-phrasing.js';

/**
 * A paraphrase of the reviser's default phrasing: every template reworded (no template shared), same
 * slots and styles. A reviser whose behaviour hung on its exact words would behave differently with it.
 */
export const PARAPHRASED_PHRASING: RevisionPhrasing = {
  frames: ['a picture of', 'a snapshot of', 'a realistic image showing', 'a detailed photograph of', 'a shot of'],
  exactCounts: ['{n} and only {n}', 'a total of {n}'],
  singles: ['just one', 'only one'],
  colourClauses: ['{quantity} {noun} which {be} {colour}', '{quantity} {noun} coloured {colour}', '{quantity} {noun} in the colour {colour}'],
  relations: {
    'left of': ['{a} placed to the left of {b}', '{a} at the left of {b}', '{a} sitting left of {b}'],
    'right of': ['{a} placed to the right of {b}', '{a} at the right of {b}', '{a} sitting right of {b}'],
    above: ['{a} over {b}', '{a} located above {b}', '{a} atop {b}'],
    below: ['{a} under {b}', '{a} located below {b}', '{a} beneath {b}'],
    near: ['{a} near {b}', '{a} close to {b}'],
  },
  layouts: {
    'left of': ['{a} in the left part of the picture and {b} in the right part', '{a} at the left and {b} at the right'],
    'right of': ['{a} in the right part of the picture and {b} in the left part', '{a} at the right and {b} at the left'],
    above: ['{a} in the upper part of the picture and {b} in the lower part', '{a} up top and {b} down below'],
    below: ['{a} in the lower part of the picture and {b} in the upper part', '{a} down below and {b} up top'],
  },
  joiners: [' and ', ' and also ', ' plus ', ' along with '],
  emphases: ['the {noun} easy to see', 'showing the {noun} prominently', 'with the {noun} in plain sight'],
  expansions: ['in an ordinary real-world scene', 'under gentle daylight', 'against a simple backdrop', 'in a bright indoor space', 'in a lifelike setting'],
  boosters: [
    ['very detailed', 'in focus'],
    ['best quality', 'photorealistic', '4k'],
    ['award-winning photo', 'crisp focus', 'soft lighting'],
    ['extremely detailed', 'sharp', 'hd'],
  ],
  additions: ['a houseplant in the corner', 'with a little bird close by', 'a mug on a shelf behind them', 'with someone in the background', 'a wall clock behind them'],
};
