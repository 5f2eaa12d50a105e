import type { GenevalColor } from './geneval-spec.js';

/**
 * The usual colours of each class in GenEval's ten colour names, most usual first (grey and silver
 * objects, which GenEval cannot name, are listed as white or black). Common knowledge rather than a
 * measurement: bananas are yellow or green, stop signs red, elephants grey (black here).
 */
export const TYPICAL_COLORS: Readonly<Record<string, readonly GenevalColor[]>> = {
  person: ['pink', 'brown', 'white'], bicycle: ['black', 'red', 'blue'], car: ['white', 'black', 'red', 'blue'], motorcycle: ['black', 'red'],
  airplane: ['white'], bus: ['yellow', 'white', 'red'], train: ['red', 'green', 'white'], truck: ['white', 'red', 'blue'],
  boat: ['white', 'blue'], 'traffic light': ['black', 'yellow'], 'fire hydrant': ['red', 'yellow'], 'stop sign': ['red'],
  'parking meter': ['black'], bench: ['brown', 'green'], bird: ['brown', 'black', 'white'], cat: ['orange', 'black', 'white'],
  dog: ['brown', 'black', 'white'], horse: ['brown', 'black', 'white'], sheep: ['white'], cow: ['white', 'black', 'brown'],
  elephant: ['black'], bear: ['brown', 'black', 'white'], zebra: ['white', 'black'], giraffe: ['yellow', 'brown', 'orange'],
  backpack: ['black', 'blue', 'red'], umbrella: ['black', 'blue', 'red'], handbag: ['black', 'brown'], tie: ['red', 'blue', 'black'],
  suitcase: ['black', 'blue'], frisbee: ['white', 'orange', 'yellow'], skis: ['black', 'red', 'blue'], snowboard: ['black', 'green', 'white'],
  'sports ball': ['white', 'orange'], kite: ['red', 'yellow', 'blue'], 'baseball bat': ['brown', 'black'], 'baseball glove': ['brown'],
  skateboard: ['black', 'brown'], surfboard: ['white', 'blue', 'yellow'], 'tennis racket': ['black', 'yellow'], bottle: ['green', 'white', 'brown'],
  'wine glass': ['white'], cup: ['white', 'black'], fork: ['white'], knife: ['white', 'black'], spoon: ['white'], bowl: ['white', 'blue'],
  banana: ['yellow', 'green'], apple: ['red', 'green'], sandwich: ['brown', 'yellow'], orange: ['orange'], broccoli: ['green'],
  carrot: ['orange'], 'hot dog': ['brown', 'red'], pizza: ['yellow', 'red'], donut: ['brown', 'pink'], cake: ['white', 'brown', 'pink'],
  chair: ['brown', 'black', 'white'], couch: ['brown', 'blue', 'white'], 'potted plant': ['green'], bed: ['white', 'brown'],
  'dining table': ['brown', 'white'], toilet: ['white'], tv: ['black'], laptop: ['black', 'white'], 'computer mouse': ['black', 'white'],
  'tv remote': ['black'], 'computer keyboard': ['black', 'white'], 'cell phone': ['black', 'white'], microwave: ['white', 'black'],
  oven: ['black', 'white'], toaster: ['white', 'black', 'red'], sink: ['white'], refrigerator: ['white'], book: ['red', 'blue', 'white', 'brown'],
  clock: ['white', 'black'], vase: ['white', 'blue'], scissors: ['black', 'red'], 'teddy bear': ['brown', 'white'],
  'hair drier': ['black', 'white', 'pink'], toothbrush: ['white', 'blue', 'green'],
};

/** The colour an object of a class gets when the prompt names none: its most usual colour (white for unknown classes). */
export function naturalColorOf(className: string): GenevalColor {
  return TYPICAL_COLORS[className]?.[0] ?? 'white';
}

/** The usual colours of a class (white for unknown classes). */
export function typicalColorsOf(className: string): readonly GenevalColor[] {
  return TYPICAL_COLORS[className] ?? ['white'];
}
