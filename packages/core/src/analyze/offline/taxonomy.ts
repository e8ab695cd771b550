import { ConfigurationError } from '@echolens/provider';
import { z } from 'zod';
import { contentStems, STOPWORDS, stem, tokenize } from '../text.js';

/** One intent or topic a call can be about. Only `id` is required: its words are matched too. */
export const TopicSchema = z.object({
  /** Stable identifier, e.g. `billing_dispute` or `card_arrival` (underscores/dashes read as spaces). */
  id: z.string().min(1),
  /** Human-readable name; defaults to the id. */
  label: z.string().optional(),
  description: z.string().optional(),
  /** Words or phrases that signal the topic ("charged twice", "refund"). */
  keywords: z.array(z.string()).optional(),
  /** Example customer utterances. */
  examples: z.array(z.string()).optional(),
});
export type Topic = z.infer<typeof TopicSchema>;
export const TaxonomySchema = z.array(TopicSchema).min(1);
export type Taxonomy = z.infer<typeof TaxonomySchema>;

export { DEFAULT_TAXONOMY } from './default-taxonomy.js';

interface CompiledTopic {
  topic: Topic;
  /** Stem → weight for this topic's name words (id, label, keywords weigh more than description words). */
  terms: Map<string, number>;
  /** Multi-word keywords, as stem sequences, matched as phrases for a bonus. */
  phrases: string[][];
  /** Stems that name the topic by themselves (id, label, one-word keywords): see `grounded`. */
  naming: Set<string>;
  /** Everything written about the topic as one weighted feature vector (unit length). */
  centroid: FeatureVector;
  /** Each example phrase (and the description) on its own. */
  samples: FeatureVector[];
}

export interface TopicMatch {
  topicId: string;
  /**
   * 0-1: the winner's share of a softmax over the topics' scores (fixed temperature), so it falls when
   * another topic scores almost as well. `bench/analysis` reports how often answers at each level are right.
   */
  confidence: number;
  /** Combined score, comparable within one taxonomy. */
  score: number;
}

/**
 * Words a customer uses for things a taxonomy names differently. General service vocabulary (money,
 * cards, deliveries, accounts), deliberately not derived from any benchmark's utterances.
 */
const SYNONYMS: Record<string, string[]> = {
  arrive: ['come', 'get', 'receive', 'deliver', 'here', 'yet', 'wait'],
  arrival: ['come', 'receive', 'deliver', 'here', 'yet', 'wait', 'arrive'],
  refund: ['money', 'back', 'return', 'reimburse'],
  cancel: ['stop', 'end', 'terminate', 'revert'],
  transfer: ['send', 'sent', 'move', 'wire'],
  top: ['add', 'load', 'fund'],
  charge: ['fee', 'cost', 'pay', 'extra', 'commission'],
  fee: ['charge', 'cost', 'pay', 'extra'],
  declin: ['reject', 'refus', 'fail', 'denied', 'work'],
  reject: ['declin', 'refus', 'fail', 'denied'],
  fail: ['declin', 'reject', 'work', 'error', 'go'],
  pend: ['wait', 'process', 'still', 'yet', 'clear'],
  lost: ['lose', 'stolen', 'miss', 'find'],
  stolen: ['steal', 'lost', 'thief', 'took'],
  pin: ['code', 'password'],
  passcod: ['password', 'code', 'pin'],
  password: ['passcod', 'pin', 'code', 'login'],
  verifi: ['verify', 'confirm', 'id', 'identity', 'proof', 'document'],
  ident: ['id', 'verify', 'document', 'passport'],
  card: ['debit', 'credit', 'visa', 'mastercard', 'plastic'],
  atm: ['cash', 'machine', 'withdraw'],
  cash: ['atm', 'withdraw', 'money'],
  withdraw: ['cash', 'atm', 'take'],
  exchang: ['currenc', 'convert', 'rate'],
  currenc: ['exchang', 'convert', 'foreign', 'euro', 'dollar', 'pound'],
  rate: ['exchang', 'convert'],
  balanc: ['money', 'account', 'amount'],
  account: ['profil'],
  compromis: ['hack', 'stolen', 'fraud', 'unauthor'],
  unauthor: ['didn', 'recogn', 'fraud', 'strang'],
  transact: ['payment', 'purchas', 'charg'],
  payment: ['transact', 'purchas', 'pay'],
  deliveri: ['deliv', 'ship', 'arriv', 'courier', 'parcel'],
  order: ['purchas', 'bought'],
  address: ['move', 'live', 'hous'],
  limit: ['max', 'maximum', 'much', 'mani'],
  terminat: ['close', 'delet', 'cancel'],
  close: ['delet', 'cancel', 'terminat'],
  expir: ['old', 'renew', 'date'],
  contactless: ['tap', 'wave'],
  beneficiari: ['recipi', 'payee', 'person'],
  statement: ['histori', 'record'],
  wrong: ['incorrect', 'mistak', 'error'],
  duplic: ['twice', 'double', 'two'],
  support: ['help', 'assist'],
  countri: ['abroad', 'travel', 'oversea'],
  age: ['old', 'young', 'year'],
  activ: ['start', 'enabl', 'set', 'work'],
  physic: ['plastic', 'real'],
  virtual: ['onlin', 'digit', 'disposabl'],
  receiv: ['get', 'arriv', 'come', 'incom'],
  fiat: ['currenc', 'money'],
  crypto: ['bitcoin', 'cryptocurr'],
};

const SYNONYM_STEMS = new Map(
  Object.entries(SYNONYMS).map(([word, synonyms]) => [stem(word), synonyms.map((synonym) => stem(synonym))]),
);

/** Stems of a topic's name words, each with a weight; phrase keywords kept as stem sequences. */
function nameTerms(topic: Topic) {
  const terms = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const term of contentStems(text)) terms.set(term, Math.max(terms.get(term) ?? 0, weight));
  };
  const nameWords = topic.id.replace(/[_\-./]+/g, ' ');
  add(nameWords, 1);
  if (topic.label) add(topic.label, 1);
  for (const keyword of topic.keywords ?? []) add(keyword, 1);
  if (topic.description) add(topic.description, 0.5);
  for (const example of topic.examples ?? []) add(example, 0.5);
  // Expand the topic's own name words with service synonyms, at lower weight.
  for (const term of contentStems(`${nameWords} ${topic.label ?? ''}`)) {
    for (const synonymStem of SYNONYM_STEMS.get(term) ?? []) {
      if (!terms.has(synonymStem)) terms.set(synonymStem, 0.4);
    }
  }
  const phrases = (topic.keywords ?? [])
    .map((keyword) => contentStems(keyword))
    .filter((sequence) => sequence.length > 1);
  // Words that name the topic by themselves: its id, label and one-word keywords. A word of a longer
  // keyword ("phone" in "phone number") does not: the phrase does.
  const naming = new Set(
    [
      nameWords,
      topic.label ?? '',
      ...(topic.keywords ?? []).filter((keyword) => contentStems(keyword).length === 1),
    ].flatMap((text) => contentStems(text)),
  );
  return { terms, phrases, naming };
}

type FeatureVector = Map<string, number>;

/**
 * Lexical features of a text: content-word stems, pairs of neighbouring stems (with negation kept as a word,
 * so "not received" differs from "received") and four-letter pieces of each stem (so "withdrawal" meets
 * "withdraw" and typos still overlap).
 */
function features(text: string): string[] {
  const sequence = featureStems(text);
  const found: string[] = [];
  for (const [index, term] of sequence.entries()) {
    if (term !== NEGATION) {
      found.push(term);
      const padded = `<${term}>`;
      for (let start = 0; start + 4 <= padded.length; start++)
        found.push(`#${padded.slice(start, start + 4)}`);
    }
    const next = sequence[index + 1];
    if (next !== undefined) found.push(`${term}_${next}`);
  }
  return found;
}

const NEGATION = '¬';
const NEGATORS = new Set(['not', 'no', 'never', 'nothing', 'cannot', 'without']);

function featureStems(text: string): string[] {
  const stems: string[] = [];
  for (const token of tokenize(text)) {
    const word = token.text;
    if (NEGATORS.has(word) || word.endsWith("n't")) stems.push(NEGATION);
    else if (!STOPWORDS.has(word) && !/^\d+$/.test(word) && word.length > 1) stems.push(stem(word));
  }
  return stems;
}

/** A topic's score is the mean of its three views: name words, everything said about it, its closest example. */
const VIEWS = 3;
/** Softmax temperature turning scores into a confidence. */
const TEMPERATURE = 0.1;
/** Below this combined score nothing in the text speaks for any topic: the answer is `other`. */
const ABSTAIN_BELOW = 0.05;

/**
 * Scores customer text against a taxonomy. Three views of each topic are averaged: the
 * overlap of the text's stems with the topic's name words (relative to the best-matching topic) (with general service synonyms, weighted by inverse
 * frequency across topics, phrase bonuses), the TF-IDF cosine between the text and everything written about
 * the topic (id, label, keywords, description, examples), and the cosine with its closest example phrase.
 * Nothing is learned from your calls: adding descriptions and examples to a topic is how to teach it.
 */
export class TopicMatcher {
  private readonly compiled: CompiledTopic[];
  private readonly inverseFrequency = new Map<string, number>();
  private readonly featureWeight = new Map<string, number>();

  constructor(taxonomy: Taxonomy) {
    const parsed = TaxonomySchema.safeParse(taxonomy);
    if (!parsed.success) {
      throw new ConfigurationError(
        `Invalid taxonomy: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
      );
    }
    const ids = new Set<string>();
    for (const topic of parsed.data) {
      if (ids.has(topic.id))
        throw new ConfigurationError(`Invalid taxonomy: topic id "${topic.id}" appears twice`);
      ids.add(topic.id);
    }
    const names = parsed.data.map(nameTerms);
    const count = parsed.data.length;
    const documentFrequency = new Map<string, number>();
    for (const { terms } of names) {
      for (const term of terms.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    }
    for (const [term, frequency] of documentFrequency) {
      // A word shared by many topics ("card" in a card-heavy taxonomy) says little about which one.
      this.inverseFrequency.set(term, Math.log(1 + count / frequency));
    }
    const texts = parsed.data.map((topic) => ({
      name: [topic.id.replace(/[_\-./]+/g, ' '), topic.label ?? '', ...(topic.keywords ?? [])].join(' . '),
      samples: [...(topic.examples ?? []), ...(topic.description ? [topic.description] : [])],
    }));
    const featureFrequency = new Map<string, number>();
    for (const { name, samples } of texts) {
      for (const feature of new Set(features([name, ...samples].join(' . '))))
        featureFrequency.set(feature, (featureFrequency.get(feature) ?? 0) + 1);
    }
    for (const [feature, frequency] of featureFrequency)
      this.featureWeight.set(feature, Math.log(1 + count / frequency));
    this.compiled = parsed.data.map((topic, index) => {
      const { name, samples } = texts[index] ?? { name: '', samples: [] };
      return {
        topic,
        terms: names[index]?.terms ?? new Map(),
        phrases: names[index]?.phrases ?? [],
        naming: names[index]?.naming ?? new Set(),
        centroid: this.vector([{ text: [name, ...samples].join(' . '), weight: 1 }]),
        samples: samples.map((sample) => this.vector([{ text: sample, weight: 1 }])),
      };
    });
  }

  /** A topic's weighted name stems (empty for unknown ids), to find the words that matched it. */
  termsOf(topicId: string): ReadonlyMap<string, number> {
    return this.compiled.find((entry) => entry.topic.id === topicId)?.terms ?? new Map();
  }

  /** The stem form terms are kept in. */
  stemOf(word: string): string {
    return stem(word);
  }

  get topics(): Topic[] {
    return this.compiled.map((entry) => entry.topic);
  }

  /** Unit-length TF-IDF vector of weighted texts (log term frequency, features unknown to the taxonomy dropped). */
  private vector(texts: readonly { text: string; weight: number }[]): FeatureVector {
    const counts = new Map<string, number>();
    for (const { text, weight } of texts) {
      for (const feature of features(text)) {
        if (this.featureWeight.has(feature)) counts.set(feature, (counts.get(feature) ?? 0) + weight);
      }
    }
    const vector: FeatureVector = new Map();
    let norm = 0;
    for (const [feature, count] of counts) {
      // Log term frequency; a feature seen only in down-weighted turns keeps that fraction of a count.
      const frequency = count < 1 ? count : 1 + Math.log(count);
      const value = frequency * (this.featureWeight.get(feature) ?? 0);
      if (value <= 0) continue;
      vector.set(feature, value);
      norm += value * value;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [feature, value] of vector) vector.set(feature, value / norm);
    return vector;
  }

  /**
   * Ranked topics for the given texts. `weights` lets early customer turns (where the reason for the
   * call is stated) count more than later ones.
   */
  match(texts: readonly string[], weights?: readonly number[]): TopicMatch[] {
    const textStems = new Map<string, number>();
    const sequences: string[][] = [];
    texts.forEach((text, index) => {
      const stems = contentStems(text);
      sequences.push(stems);
      const weight = weights?.[index] ?? 1;
      for (const term of new Set(stems)) textStems.set(term, Math.max(textStems.get(term) ?? 0, weight));
    });
    const query = this.vector(texts.map((text, index) => ({ text, weight: weights?.[index] ?? 1 })));
    const nameScores = this.compiled.map(({ terms, phrases }) => {
      let score = 0;
      let size = 0;
      for (const [term, termWeight] of terms) {
        size += termWeight;
        const presence = textStems.get(term);
        if (presence !== undefined) score += termWeight * presence * (this.inverseFrequency.get(term) ?? 0);
      }
      for (const phrase of phrases) {
        if (sequences.some((sequence) => containsSequence(sequence, phrase))) score += 0.5 * phrase.length;
      }
      // Topics named by many words would win on volume alone; normalise gently by their size.
      return score / Math.sqrt(Math.max(2, size));
    });
    const bestName = nameScores.reduce((best, value) => Math.max(best, value), 0);
    const scored = this.compiled.map(({ topic, centroid, samples }, index) => {
      const closest = samples.reduce((best, sample) => Math.max(best, cosine(query, sample)), 0);
      const name = bestName > 0 ? (nameScores[index] ?? 0) / bestName : 0;
      const score = (name + cosine(query, centroid) + closest) / VIEWS;
      return { topicId: topic.id, score };
    });
    scored.sort((a, b) => b.score - a.score);
    const top = scored[0]?.score ?? 0;
    const partition = scored.reduce((sum, entry) => sum + Math.exp((entry.score - top) / TEMPERATURE), 0);
    return scored.map((entry) => ({
      topicId: entry.topicId,
      score: Number(entry.score.toFixed(4)),
      confidence:
        top < ABSTAIN_BELOW
          ? 0
          : Number((Math.exp((entry.score - top) / TEMPERATURE) / partition).toFixed(3)),
    }));
  }

  /**
   * Whether the texts name the topic, so that it can be given as the call's topic: one of its own name
   * words (id, label, one-word keyword), one of its keyword phrases, or two different words from the rest
   * of what is written about it (description, examples, words of longer keywords). One incidental word
   * of an example sentence ("ask", "even") is no evidence: when it is the only word of the text the
   * taxonomy knows, all three views of `match` fire on it and the confidence comes out high.
   */
  grounded(topicId: string, texts: readonly string[]): boolean {
    const entry = this.compiled.find((candidate) => candidate.topic.id === topicId);
    if (!entry) return false;
    const sequences = texts.map((text) => contentStems(text));
    let supporting = 0;
    for (const term of new Set(sequences.flat())) {
      if (entry.naming.has(term)) return true;
      if ((entry.terms.get(term) ?? 0) >= 0.5) supporting++;
    }
    if (supporting >= 2) return true;
    return entry.phrases.some((phrase) => sequences.some((sequence) => containsSequence(sequence, phrase)));
  }

  /** Whether a ranked answer is too weak to name any topic. */
  static abstains(best: TopicMatch | undefined): boolean {
    return !best || best.score < ABSTAIN_BELOW;
  }
}

function cosine(a: FeatureVector, b: FeatureVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let sum = 0;
  for (const [feature, value] of small) {
    const other = large.get(feature);
    if (other !== undefined) sum += value * other;
  }
  return sum;
}

function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  outer: for (let index = 0; index + needle.length <= haystack.length; index++) {
    for (let offset = 0; offset < needle.length; offset++) {
      if (haystack[index + offset] !== needle[offset]) continue outer;
    }
    return true;
  }
  return false;
}
