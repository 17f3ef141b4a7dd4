import { LRUCache } from 'lru-cache';
import { seedFrom, seededRandom } from './seeded-random';

/** Dimensions when the request does not set `dimensions`: OpenAI's for its known models, 1536 otherwise. */
export function defaultDimensions(model: string): number {
  return model === 'text-embedding-3-large' ? 3072 : 1536;
}

/**
 * A deterministic unit-length vector for one input, in which texts that use the same words are close and texts
 * about different things are far apart, as a real embedding model's would be (only much cruder: it knows words,
 * not meaning, so "dog bites man" and "man bites dog" are the same to it).
 *
 * The text is read into weighted features (see `textFeatures`): its content words, normalised, and a little of
 * their character trigrams. Each feature has a fixed random direction, drawn from a PRNG seeded by model +
 * feature; the vector is the weighted sum of its features' directions, normalised. Random directions are nearly
 * orthogonal in many dimensions, so the cosine of two vectors approximates the weighted overlap of their features.
 * The first d components of a direction are the same for any `dimensions` >= d, so shorter vectors are
 * proportional to the start of longer ones, as with OpenAI's v3 models.
 */
export function generateEmbedding(model: string, input: string, dimensions: number): Float32Array {
  const sum = new Float64Array(dimensions);
  for (const [feature, weight] of textFeatures(input)) {
    const direction = featureDirection(model, feature, dimensions);
    for (let index = 0; index < dimensions; index++) sum[index] = (sum[index] ?? 0) + weight * (direction[index] ?? 0);
  }
  let sumOfSquares = 0;
  for (let index = 0; index < dimensions; index++) sumOfSquares += (sum[index] ?? 0) ** 2;
  const norm = Math.sqrt(sumOfSquares) || 1;
  const vector = new Float32Array(dimensions);
  for (let index = 0; index < dimensions; index++) vector[index] = (sum[index] ?? 0) / norm;
  return vector;
}

/**
 * Feature directions, reused across requests: a load test sends the same few inputs thousands of times, and a
 * direction costs one PRNG draw per dimension. Bounded by bytes (32 MiB: about 5,000 directions of 1,536 floats).
 */
const directions = new LRUCache<string, Float32Array>({
  maxSize: 32 * 1024 * 1024,
  sizeCalculation: (direction) => direction.byteLength || 1,
});

function featureDirection(model: string, feature: string, dimensions: number): Float32Array {
  const key = `${model}\0${feature}\0${dimensions}`;
  const cached = directions.get(key);
  if (cached) return cached;
  const random = seededRandom(seedFrom('embedding', model, feature));
  const direction = new Float32Array(dimensions);
  for (let index = 0; index < dimensions; index++) direction[index] = random() * 2 - 1;
  directions.set(key, direction);
  return direction;
}

/** How much the character trigrams weigh against the words, as the ratio of their parts' lengths. */
const TRIGRAM_SHARE = 0.3;
/** Question words change the question ("why" vs "when"), but less than a content word does. */
const QUESTION_WORD_WEIGHT = 0.5;

/**
 * The features of a text and their weights. Words: lower-cased (NFKC), contractions opened (`isn't` → `is not`),
 * punctuation dropped, a small list of stop words left out (articles, pronouns, auxiliaries, the scaffolding of a
 * request such as "please tell me"), a light stemmer (`running` → `run`, `libraries` → `library`) and a small
 * synonym table (`automobile` → `car`), each word weighing 1 + ln(count). Trigrams of the kept words (`^ca`,
 * `car`, `ar$`) catch spelling variants, together weighing `TRIGRAM_SHARE` of the words. A text of stop words only
 * is read by all its words; a text with no word at all by itself, so every input has a direction of its own.
 */
export function textFeatures(input: string): Map<string, number> {
  const words = normalisedWords(input);
  let kept = words.filter((word) => !STOP_WORDS.has(word)).map(canonicalWord);
  if (kept.length === 0) kept = words.map(canonicalWord);
  const features = new Map<string, number>();
  if (kept.length === 0) {
    features.set(`raw:${input}`, 1);
    return features;
  }
  const counts = new Map<string, number>();
  for (const word of kept) counts.set(word, (counts.get(word) ?? 0) + 1);
  let wordsSquared = 0;
  for (const [word, count] of counts) {
    const weight = (1 + Math.log(count)) * (QUESTION_WORDS.has(word) ? QUESTION_WORD_WEIGHT : 1);
    features.set(`w:${word}`, weight);
    wordsSquared += weight * weight;
  }
  const trigrams = new Map<string, number>();
  for (const word of counts.keys()) {
    const padded = `^${word}$`;
    for (let index = 0; index + 3 <= padded.length; index++) {
      const trigram = padded.slice(index, index + 3);
      trigrams.set(trigram, (trigrams.get(trigram) ?? 0) + 1);
    }
  }
  let trigramsSquared = 0;
  for (const count of trigrams.values()) trigramsSquared += count * count;
  const trigramScale =
    trigramsSquared === 0 ? 0 : (TRIGRAM_SHARE * Math.sqrt(wordsSquared)) / Math.sqrt(trigramsSquared);
  for (const [trigram, count] of trigrams) features.set(`c:${trigram}`, count * trigramScale);
  return features;
}

const CONTRACTIONS: [RegExp, string][] = [
  [/\bwon't\b/g, 'will not'],
  [/\bcan't\b/g, 'can not'],
  [/n't\b/g, ' not'],
  [/'(?:s|re|ve|ll|d|m)\b/g, ''],
];

function normalisedWords(input: string): string[] {
  let text = input
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'");
  for (const [pattern, replacement] of CONTRACTIONS) text = text.replace(pattern, replacement);
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

function canonicalWord(word: string): string {
  const stemmed = stem(word);
  return SYNONYMS.get(stemmed) ?? stemmed;
}

/** Plural, -ing, -ed and -ly endings; short words are left alone so that `is`, `bus` and `red` survive. */
function stem(word: string): string {
  if (/^\d/.test(word) || word.length <= 3) return word;
  let stemmed = word;
  if (stemmed.endsWith('ies') && stemmed.length > 4) stemmed = `${stemmed.slice(0, -3)}y`;
  else if (stemmed.endsWith('sses')) stemmed = stemmed.slice(0, -2);
  else if (stemmed.endsWith('s') && !/(?:ss|us|is)$/.test(stemmed)) stemmed = stemmed.slice(0, -1);
  if (stemmed.endsWith('ing') && stemmed.length > 5) stemmed = undouble(stemmed.slice(0, -3));
  else if (stemmed.endsWith('ed') && stemmed.length > 4) stemmed = undouble(stemmed.slice(0, -2));
  else if (stemmed.endsWith('ly') && stemmed.length > 4) stemmed = stemmed.slice(0, -2);
  if (stemmed.endsWith('e') && stemmed.length > 4) stemmed = stemmed.slice(0, -1);
  return stemmed;
}

/** `runn` → `run`, `stopp` → `stop` (but `install`, `pass` keep their double letter: l and s are left alone). */
function undouble(word: string): string {
  return /([^aeiouls])\1$/.test(word) ? word.slice(0, -1) : word;
}

const STOP_WORDS = new Set(
  (
    'a an the is are was were be been being am do does did doing done to of in on at for by from with about as ' +
    'into onto over than then this that these those it its i me my mine myself we us our you your yours he him ' +
    'his she her they them their there here and or but if so very really just also some any all please kindly ' +
    'can could would should will shall may might must let tell explain describe show give know want need like ' +
    'way ways help thing things someone anyone somebody anybody something anything question quick briefly ' +
    'exactly actually possible go going get got'
  ).split(' '),
);

const QUESTION_WORDS = new Set(['what', 'why', 'how', 'when', 'where', 'who', 'which', 'whom', 'whose']);

/** Small groups of words that mean the same in a question; each maps to its group's first word. */
const SYNONYM_GROUPS = [
  'car automobile vehicle',
  'buy purchase',
  'big large huge',
  'small tiny little',
  'fast quick rapid speedy quickly',
  'fix repair resolve solve troubleshoot',
  'start begin commence',
  'make create generate produce',
  'remove delete erase eliminate',
  'error bug fault',
  'cheap inexpensive affordable',
  'movie film',
  'doctor physician',
  'child kid',
  'house home',
  'learn study',
  'use utilize utilise employ',
  'display show',
  'answer reply response',
  'obtain acquire',
  'price cost',
  'picture photo image',
  'choose pick select',
  'difference differ distinction versus vs',
  'mean meaning definition define',
  'improve enhance',
  'store save',
  'install setup',
  'calculate compute',
  'convert transform',
  'summarize summarise summary',
  'reduce decrease lower shorten',
  'increase raise',
  'benefit advantage pro',
  'drawback disadvantage downside con',
  'recommend suggest',
  'simple easy straightforward',
  'hard difficult',
  'stop halt',
  'run execute',
  'check verify',
  'write compose',
  'find locate search',
  'weather forecast',
];

const SYNONYMS = new Map<string, string>();
for (const group of SYNONYM_GROUPS) {
  const [first = '', ...others] = group.split(' ');
  for (const word of others) SYNONYMS.set(stem(word), stem(first));
}

/** OpenAI's `encoding_format: base64`: the little-endian float32 bytes, base64-encoded. */
export function encodeEmbeddingBase64(vector: Float32Array): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let index = 0; index < vector.length; index++) bytes.writeFloatLE(vector[index] ?? 0, index * 4);
  return bytes.toString('base64');
}
