/** Irregular plurals a caption writer knows (and nouns that do not change). */
const IRREGULAR_PLURALS: Readonly<Record<string, string>> = {
  person: 'people', man: 'men', woman: 'women', child: 'children', mouse: 'mice', knife: 'knives', sheep: 'sheep',
  skis: 'skis', scissors: 'scissors', goose: 'geese', tooth: 'teeth', foot: 'feet', leaf: 'leaves', wolf: 'wolves', bus: 'buses',
};

const IRREGULAR_SINGULARS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(IRREGULAR_PLURALS).map(([singular, plural]) => [plural, singular]));

/** Applies `inflect` to the last word of a noun ("wine glass" → "wine glasses"). */
function inflectLast(noun: string, inflect: (word: string) => string): string {
  const words = noun.split(' ');
  return [...words.slice(0, -1), inflect(words[words.length - 1] ?? '')].join(' ');
}

/** The plural a caption writer would use. */
export function pluralNoun(noun: string): string {
  return inflectLast(noun, (word) => {
    const irregular = IRREGULAR_PLURALS[word];
    if (irregular !== undefined) return irregular;
    if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
    if (/(?:s|x|z|ch|sh)$/.test(word)) return `${word}es`;
    return `${word}s`;
  });
}

/** The singular of a noun as a caption writer would guess it. */
export function singularOf(noun: string): string {
  return inflectLast(noun, (word) => {
    const irregular = IRREGULAR_SINGULARS[word];
    if (irregular !== undefined) return irregular;
    if (/[^aeiou]ies$/.test(word) && word.length > 4) return `${word.slice(0, -3)}y`;
    if (/(?:ch|sh|x|ss|z)es$/.test(word)) return word.slice(0, -2);
    if (/[^su]s$/.test(word)) return word.slice(0, -1);
    return word;
  });
}
