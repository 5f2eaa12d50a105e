/**
 * Facts about the 80 COCO classes that the reference world's difficulty model reads: how often each
 * class occurs (a proxy for how often a text-to-image model saw it in training), which COCO
 * supercategory it belongs to, and which kinds of scene it appears in (a proxy for co-occurrence).
 */

/**
 * Instances per class in COCO 2017 train (`instances_train2017.json`, 118,287 images, 860,001
 * instances including crowd regions), as the COCO API counts them per category (Lin et al. 2014,
 * "Microsoft COCO: Common Objects in Context"; the same table detectron2 and mmdetection print when
 * they load the split). Transcribed, so read them as ±2%: only their logarithm is used.
 */
export const COCO_TRAIN_INSTANCES: Readonly<Record<string, number>> = {
  person: 262_465, bicycle: 7_113, car: 43_867, motorcycle: 8_725, airplane: 5_135, bus: 6_069, train: 4_571, truck: 9_973,
  boat: 10_759, 'traffic light': 12_884, 'fire hydrant': 1_865, 'stop sign': 1_983, 'parking meter': 1_285, bench: 9_838,
  bird: 10_806, cat: 4_768, dog: 5_508, horse: 6_587, sheep: 9_509, cow: 8_147, elephant: 5_513, bear: 1_294, zebra: 5_303,
  giraffe: 5_131, backpack: 8_720, umbrella: 11_431, handbag: 12_354, tie: 6_496, suitcase: 6_192, frisbee: 2_682, skis: 6_646,
  snowboard: 2_685, 'sports ball': 6_347, kite: 9_076, 'baseball bat': 3_276, 'baseball glove': 3_747, skateboard: 5_543,
  surfboard: 6_126, 'tennis racket': 4_812, bottle: 24_342, 'wine glass': 7_913, cup: 20_650, fork: 5_479, knife: 7_770,
  spoon: 6_165, bowl: 14_358, banana: 9_458, apple: 5_851, sandwich: 4_373, orange: 6_399, broccoli: 7_308, carrot: 7_852,
  'hot dog': 2_918, pizza: 5_821, donut: 7_179, cake: 6_353, chair: 38_491, couch: 5_779, 'potted plant': 8_652, bed: 4_192,
  'dining table': 15_714, toilet: 4_157, tv: 5_805, laptop: 4_970, 'computer mouse': 2_262, 'tv remote': 5_703,
  'computer keyboard': 2_855, 'cell phone': 6_434, microwave: 1_673, oven: 3_334, toaster: 225, sink: 5_610,
  refrigerator: 2_637, book: 24_715, clock: 6_334, vase: 6_613, scissors: 1_481, 'teddy bear': 4_793, 'hair drier': 198,
  toothbrush: 1_954,
};

/** COCO's twelve supercategories (the `supercategory` field of the annotation file). */
export const COCO_SUPERCATEGORIES: Readonly<Record<string, readonly string[]>> = {
  person: ['person'],
  vehicle: ['bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat'],
  outdoor: ['traffic light', 'fire hydrant', 'stop sign', 'parking meter', 'bench'],
  animal: ['bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe'],
  accessory: ['backpack', 'umbrella', 'handbag', 'tie', 'suitcase'],
  sports: ['frisbee', 'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket'],
  kitchen: ['bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl'],
  food: ['banana', 'apple', 'sandwich', 'orange', 'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake'],
  furniture: ['chair', 'couch', 'potted plant', 'bed', 'dining table', 'toilet'],
  electronic: ['tv', 'laptop', 'computer mouse', 'tv remote', 'computer keyboard', 'cell phone'],
  appliance: ['microwave', 'oven', 'toaster', 'sink', 'refrigerator'],
  indoor: ['book', 'clock', 'vase', 'scissors', 'teddy bear', 'hair drier', 'toothbrush'],
};

/**
 * The kinds of scene each supercategory's photos show in COCO (street, nature, kitchen, home, sport).
 * An approximation of COCO's class co-occurrence, not a measurement from the annotations: COCO's
 * images are "everyday scenes containing common objects in their natural context" (Lin et al. 2014),
 * so two classes co-occur about as often as their usual scenes overlap (a fork with a knife, a
 * giraffe with a zebra, rarely a giraffe with a toaster).
 */
const SUPERCATEGORY_SCENES: Readonly<Record<string, readonly string[]>> = {
  person: ['street', 'nature', 'kitchen', 'home', 'sport'],
  vehicle: ['street'],
  outdoor: ['street', 'nature'],
  animal: ['nature'],
  accessory: ['street', 'home'],
  sports: ['sport', 'nature'],
  kitchen: ['kitchen'],
  food: ['kitchen'],
  furniture: ['home', 'kitchen'],
  electronic: ['home'],
  appliance: ['kitchen'],
  indoor: ['home'],
};

const SUPERCATEGORY_OF: ReadonlyMap<string, string> = new Map(
  Object.entries(COCO_SUPERCATEGORIES).flatMap(([supercategory, classes]) => classes.map((className) => [className, supercategory] as const)),
);

/** A class's COCO supercategory (undefined for a name that is not a COCO class). */
export function supercategoryOf(className: string): string | undefined {
  return SUPERCATEGORY_OF.get(className);
}

const COUNTS = Object.values(COCO_TRAIN_INSTANCES);
const LOG_MAX = Math.log(Math.max(...COUNTS));
const LOG_MIN = Math.log(Math.min(...COUNTS));

/**
 * How rare a class is in COCO train, 0 (person, the most frequent) .. 1 (hair drier, the rarest):
 * log(max count / count) / log(max count / min count). Unknown classes count as the rarest.
 */
export function classRarity(className: string): number {
  const count = COCO_TRAIN_INSTANCES[className];
  if (count === undefined) return 1;
  return (LOG_MAX - Math.log(count)) / (LOG_MAX - LOG_MIN);
}

/**
 * How naturally two classes share a photo, 0..1: 1 within one supercategory, else the overlap
 * (Jaccard) of their supercategories' usual scenes. An approximation of COCO co-occurrence (see
 * SUPERCATEGORY_SCENES); a person goes with anything (0.2 at least) as in COCO, where people appear in
 * nearly half of all images.
 */
export function contextAffinity(first: string, second: string): number {
  const a = supercategoryOf(first);
  const b = supercategoryOf(second);
  if (a === undefined || b === undefined) return 0;
  if (a === b) return 1;
  const scenesA = new Set(SUPERCATEGORY_SCENES[a]);
  const scenesB = SUPERCATEGORY_SCENES[b] ?? [];
  const shared = scenesB.filter((scene) => scenesA.has(scene)).length;
  const union = new Set([...scenesA, ...scenesB]).size;
  const overlap = union === 0 ? 0 : shared / union;
  return a === 'person' || b === 'person' ? Math.max(0.2, overlap) : overlap;
}

/** The classes of a supercategory, most frequent first. */
export function classesOfSupercategory(supercategory: string): readonly string[] {
  return [...(COCO_SUPERCATEGORIES[supercategory] ?? [])].sort((left, right) => (COCO_TRAIN_INSTANCES[right] ?? 0) - (COCO_TRAIN_INSTANCES[left] ?? 0));
}
