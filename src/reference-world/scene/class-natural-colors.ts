import type { GenevalColor } from './geneval-spec.js';

/** The colour an object of each class gets when the prompt names none (its most typical GenEval colour). */
export const NATURAL_COLORS: Readonly<Record<string, GenevalColor>> = {
  person: 'pink', bicycle: 'blue', car: 'red', motorcycle: 'black', airplane: 'white', bus: 'yellow', train: 'green',
  truck: 'blue', boat: 'white', 'traffic light': 'yellow', 'fire hydrant': 'red', 'stop sign': 'red', 'parking meter': 'black',
  bench: 'brown', bird: 'blue', cat: 'orange', dog: 'brown', horse: 'brown', sheep: 'white', cow: 'white', elephant: 'black',
  bear: 'brown', zebra: 'white', giraffe: 'yellow', backpack: 'blue', umbrella: 'purple', handbag: 'pink', tie: 'red',
  suitcase: 'black', frisbee: 'orange', skis: 'blue', snowboard: 'green', 'sports ball': 'orange', kite: 'red',
  'baseball bat': 'brown', 'baseball glove': 'brown', skateboard: 'yellow', surfboard: 'white', 'tennis racket': 'green',
  bottle: 'green', 'wine glass': 'white', cup: 'white', fork: 'white', knife: 'black', spoon: 'white', bowl: 'blue',
  banana: 'yellow', apple: 'red', sandwich: 'brown', orange: 'orange', broccoli: 'green', carrot: 'orange', 'hot dog': 'brown',
  pizza: 'yellow', donut: 'pink', cake: 'white', chair: 'brown', couch: 'blue', 'potted plant': 'green', bed: 'white',
  'dining table': 'brown', toilet: 'white', tv: 'black', laptop: 'black', 'computer mouse': 'white', 'tv remote': 'black',
  'computer keyboard': 'black', 'cell phone': 'black', microwave: 'white', oven: 'black', toaster: 'red', sink: 'white',
  refrigerator: 'white', book: 'red', clock: 'white', vase: 'blue', scissors: 'red', 'teddy bear': 'brown',
  'hair drier': 'pink', toothbrush: 'green',
};

/** The natural colour of a class (white for unknown classes). */
export function naturalColorOf(className: string): GenevalColor {
  return NATURAL_COLORS[className] ?? 'white';
}
