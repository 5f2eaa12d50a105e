import { COCO_CLASSES } from './coco-classes.js';

/**
 * The class badge every object carries at the centre of its glyph box: a light rounded square with a
 * dark frame and a 3x3 grid of cells, exactly four of them dark. The 126 four-of-nine patterns form a
 * constant-weight code, so a reader needs no absolute threshold (the four darkest cells are the
 * code) and a blob without a badge reads as no valid code. Fractions are of the badge side.
 */
export const BADGE_GEOMETRY = {
  /** Badge side as a fraction of min(glyph box width, height). */
  sizeFactor: 0.45,
  /** Side of the body-coloured plate behind the badge, as a multiple of the badge side. */
  plate: 1.3,
  frame: 0.08,
  cornerRadius: 0.12,
  gridOffset: 0.17,
  cell: 0.22,
} as const;

/** Number of dark cells in every code. */
export const BADGE_DARK_CELLS = 4;

const CODES: readonly number[] = (() => {
  const codes: number[] = [];
  for (let value = 0; value < 512; value += 1) {
    let bits = 0;
    for (let k = 0; k < 9; k += 1) bits += (value >> k) & 1;
    if (bits === BADGE_DARK_CELLS) codes.push(value);
  }
  return codes;
})();

const CLASS_BY_CODE = new Map<number, string>(COCO_CLASSES.map((className, index) => [CODES[index] ?? -1, className]));

/** The badge code (bit k = cell row floor(k/3), column k%3 is dark) of a class; undefined for unknown classes. */
export function badgeCodeOf(className: string): number | undefined {
  const index = COCO_CLASSES.indexOf(className);
  return index < 0 ? undefined : CODES[index];
}

/** The class a badge code stands for, if any. */
export function classOfBadgeCode(code: number): string | undefined {
  return CLASS_BY_CODE.get(code);
}
