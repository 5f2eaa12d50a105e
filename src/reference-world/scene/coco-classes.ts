/** The 80 COCO object classes GenEval asks for, in COCO order (GenEval's `object_names.txt`). */
export const COCO_CLASSES: readonly string[] = [
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant', 'bed',
  'dining table', 'toilet', 'tv', 'laptop', 'computer mouse', 'tv remote', 'computer keyboard', 'cell phone', 'microwave', 'oven',
  'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear', 'hair drier', 'toothbrush',
];

/** English plural of each class, where it is not the regular `+s`/`+es`. */
export const IRREGULAR_PLURALS: Readonly<Record<string, string>> = {
  person: 'people',
  sheep: 'sheep',
  skis: 'skis',
  knife: 'knives',
  scissors: 'scissors',
  'computer mouse': 'computer mice',
  broccoli: 'broccoli',
};

/** Other names people use for a class (singular); their plurals are derived. */
export const CLASS_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  person: ['man', 'woman', 'child', 'kid', 'boy', 'girl', 'human', 'pedestrian'],
  bicycle: ['bike', 'cycle'],
  motorcycle: ['motorbike', 'scooter'],
  airplane: ['plane', 'aeroplane', 'airliner', 'jet', 'aircraft'],
  train: ['locomotive'],
  truck: ['lorry', 'pickup truck'],
  boat: ['ship', 'sailboat'],
  'traffic light': ['stoplight', 'traffic signal'],
  'fire hydrant': ['hydrant'],
  bird: ['parrot', 'pigeon'],
  cat: ['kitten', 'kitty'],
  dog: ['puppy'],
  horse: ['pony'],
  sheep: ['lamb'],
  cow: ['calf'],
  backpack: ['rucksack'],
  handbag: ['purse'],
  tie: ['necktie'],
  suitcase: ['luggage'],
  skis: ['ski', 'pair of skis'],
  'sports ball': ['ball', 'football', 'soccer ball', 'basketball'],
  'baseball bat': ['bat'],
  'baseball glove': ['glove', 'mitt'],
  'tennis racket': ['racket', 'racquet', 'tennis racquet'],
  'wine glass': ['wineglass'],
  cup: ['mug', 'teacup'],
  'hot dog': ['hotdog'],
  donut: ['doughnut'],
  couch: ['sofa'],
  'potted plant': ['plant', 'houseplant', 'pot plant'],
  'dining table': ['table'],
  tv: ['television', 'tv set'],
  laptop: ['notebook computer'],
  'computer mouse': ['mouse'],
  'tv remote': ['remote', 'remote control'],
  'computer keyboard': ['keyboard'],
  'cell phone': ['phone', 'cellphone', 'mobile phone', 'smartphone'],
  microwave: ['microwave oven'],
  refrigerator: ['fridge'],
  scissors: ['pair of scissors'],
  'teddy bear': ['teddy'],
  'hair drier': ['hair dryer', 'hairdryer', 'blow dryer'],
};

/** Irregular plurals of synonyms. */
const SYNONYM_PLURALS: Readonly<Record<string, string>> = {
  man: 'men',
  woman: 'women',
  child: 'children',
  mouse: 'mice',
  calf: 'calves',
  lamb: 'lambs',
  luggage: 'luggage',
  'pair of skis': 'pairs of skis',
  'pair of scissors': 'pairs of scissors',
};

/** The regular English plural of a noun phrase (last word pluralised). */
export function regularPlural(noun: string): string {
  if (/(s|x|z|ch|sh)$/.test(noun)) return `${noun}es`;
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  return `${noun}s`;
}

/** The English plural of a COCO class name ("people", "knives", "wine glasses"). */
export function pluralOf(className: string): string {
  return IRREGULAR_PLURALS[className] ?? regularPlural(className);
}

/** GenEval's own mechanical plural (`+es` after s, else `+s`: "benchs", "sheeps", "knifes"). */
export function genevalPluralOf(className: string): string {
  return className.endsWith('s') ? `${className}es` : `${className}s`;
}

/** How a surface form names a class: which class, and whether the form is plural. */
export interface NounForm {
  readonly className: string;
  readonly plural: boolean;
  /** The form is one of the class's canonical names (not a synonym). */
  readonly canonical: boolean;
}

let nounFormCache: ReadonlyMap<string, NounForm> | undefined;

/** Every surface form (singular, plural, GenEval's plural, synonyms) mapped to its class. */
export function nounForms(): ReadonlyMap<string, NounForm> {
  if (nounFormCache) return nounFormCache;
  const forms = new Map<string, NounForm>();
  const add = (form: string, value: NounForm): void => {
    if (!forms.has(form)) forms.set(form, value);
  };
  for (const className of COCO_CLASSES) {
    add(className, { className, plural: false, canonical: true });
  }
  for (const className of COCO_CLASSES) {
    add(pluralOf(className), { className, plural: true, canonical: true });
    add(genevalPluralOf(className), { className, plural: true, canonical: true });
    add(regularPlural(className), { className, plural: true, canonical: true });
  }
  for (const [className, synonyms] of Object.entries(CLASS_SYNONYMS)) {
    for (const synonym of synonyms) {
      add(synonym, { className, plural: false, canonical: false });
      add(SYNONYM_PLURALS[synonym] ?? regularPlural(synonym), { className, plural: true, canonical: false });
    }
  }
  forms.set('persons', { className: 'person', plural: true, canonical: true });
  nounFormCache = forms;
  return forms;
}

/** Whether a name is one of the 80 COCO classes. */
export function isCocoClass(name: string): boolean {
  return COCO_CLASSES.includes(name);
}
