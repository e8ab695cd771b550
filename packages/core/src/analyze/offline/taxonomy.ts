import { ConfigurationError } from '@echolens/provider';
import { z } from 'zod';
import { contentStems, stem } from '../text.js';

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

/**
 * A general contact-center taxonomy, used when you give none. Keywords are plain service vocabulary so
 * the offline analyzer can match them; a language model also sees the labels and descriptions.
 */
export const DEFAULT_TAXONOMY: Taxonomy = [
  {
    id: 'billing',
    label: 'Billing and charges',
    description: 'Questions or disputes about bills, charges, fees, invoices',
    keywords: [
      'bill',
      'billing',
      'charge',
      'charged',
      'overcharged',
      'fee',
      'invoice',
      'statement',
      'price',
      'cost',
      'pay',
      'payment',
      'subscription',
    ],
  },
  {
    id: 'refund',
    label: 'Refunds and returns',
    description: 'Getting money back, returning or exchanging items',
    keywords: [
      'refund',
      'money back',
      'return',
      'returned',
      'exchange',
      'reimburse',
      'compensation',
      'voucher',
    ],
  },
  {
    id: 'cancellation',
    label: 'Cancellation',
    description: 'Cancelling a service, subscription, order or booking',
    keywords: ['cancel', 'cancellation', 'terminate', 'close my account', 'unsubscribe', 'end my contract'],
  },
  {
    id: 'account_access',
    label: 'Account access',
    description: 'Login, password, verification, locked accounts',
    keywords: [
      'login',
      'log in',
      'sign in',
      'password',
      'locked',
      'verification code',
      'two factor',
      'username',
      'reset',
    ],
  },
  {
    id: 'technical_issue',
    label: 'Technical issue',
    description: 'Something does not work: app, website, device, connection, errors',
    keywords: [
      'not working',
      'error',
      'crash',
      'bug',
      'app',
      'website',
      'wifi',
      'internet',
      'connection',
      'update',
      'install',
      'device',
      'router',
      'freezes',
      'outage',
      'signal',
    ],
  },
  {
    id: 'order_status',
    label: 'Order and delivery',
    description: 'Where an order, parcel or delivery is; late, missing or damaged deliveries',
    keywords: [
      'order',
      'delivery',
      'deliver',
      'shipping',
      'shipped',
      'package',
      'parcel',
      'tracking',
      'courier',
      'arrive',
      'dispatch',
    ],
  },
  {
    id: 'booking',
    label: 'Bookings and reservations',
    description: 'Making or changing reservations: travel, hotels, restaurants, rentals, appointments',
    keywords: [
      'book',
      'booking',
      'reservation',
      'reserve',
      'flight',
      'ticket',
      'hotel',
      'seat',
      'appointment',
      'schedule',
      'table',
      'rental',
    ],
  },
  {
    id: 'travel_disruption',
    label: 'Travel disruption',
    description: 'Delayed or cancelled flights and trains, missed connections, baggage',
    keywords: [
      'delayed',
      'delay',
      'cancelled flight',
      'missed connection',
      'baggage',
      'luggage',
      'gate',
      'boarding',
      'train',
    ],
  },
  {
    id: 'plan_change',
    label: 'Plan or product change',
    description: 'Upgrades, downgrades, changing plan, adding features',
    keywords: [
      'upgrade',
      'downgrade',
      'change my plan',
      'switch plan',
      'add a line',
      'premium',
      'package',
      'contract',
    ],
  },
  {
    id: 'card_services',
    label: 'Card services',
    description: 'Bank or credit cards: lost, stolen, declined, activation, PIN',
    keywords: ['card', 'debit', 'credit card', 'pin', 'atm', 'declined', 'stolen', 'activate', 'contactless'],
  },
  {
    id: 'fraud_security',
    label: 'Fraud and security',
    description: 'Unauthorised transactions, scams, compromised accounts',
    keywords: [
      'fraud',
      'unauthorised',
      'unauthorized',
      'scam',
      'hacked',
      'suspicious',
      'phishing',
      "didn't make",
    ],
  },
  {
    id: 'transfers_payments',
    label: 'Transfers and payments',
    description: 'Sending money, transfers, top-ups, pending or failed payments',
    keywords: [
      'transfer',
      'send money',
      'top up',
      'pending',
      'transaction',
      'deposit',
      'withdraw',
      'beneficiary',
      'exchange rate',
    ],
  },
  {
    id: 'account_update',
    label: 'Account details',
    description: 'Changing address, name, contact details, personal information',
    keywords: [
      'address',
      'change my name',
      'update my details',
      'phone number',
      'email address',
      'personal details',
    ],
  },
  {
    id: 'product_information',
    label: 'Product information',
    description: 'Questions about features, availability, compatibility, how to use something',
    keywords: [
      'how do i',
      'how to',
      'feature',
      'available',
      'availability',
      'compatible',
      'stock',
      'does it',
      'information',
    ],
  },
  {
    id: 'product_quality',
    label: 'Product quality',
    description: 'Defective, damaged or poor-quality products; warranty and repairs',
    keywords: ['broken', 'defective', 'faulty', 'damaged', 'quality', 'warranty', 'repair', 'replacement'],
  },
  {
    id: 'service_feedback',
    label: 'Service feedback',
    description: 'Praise or complaints about staff, service or the company in general',
    keywords: [
      'staff',
      'rude',
      'customer service',
      'experience',
      'feedback',
      'complaint',
      'manager',
      'thank',
    ],
  },
];

interface CompiledTopic {
  topic: Topic;
  /** Stem → weight for this topic (keywords and id weigh more than description words). */
  terms: Map<string, number>;
  /** Multi-word keywords, as stem sequences, matched as phrases for a bonus. */
  phrases: string[][];
}

export interface TopicMatch {
  topicId: string;
  /** 0-1: the winner's share of the matching evidence, tempered by how much evidence there is. */
  confidence: number;
  /** Raw score, comparable within one taxonomy. */
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

/** Stems of a topic's words, each with a weight; phrase keywords kept as stem sequences. */
function compileTopic(topic: Topic): CompiledTopic {
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
  return { topic, terms, phrases };
}

/** Scores customer text against a taxonomy: weighted stem overlap with IDF across topics, phrase bonuses. */
export class TopicMatcher {
  private readonly compiled: CompiledTopic[];
  private readonly inverseFrequency = new Map<string, number>();

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
    this.compiled = parsed.data.map(compileTopic);
    const documentFrequency = new Map<string, number>();
    for (const { terms } of this.compiled) {
      for (const term of terms.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    }
    const count = this.compiled.length;
    for (const [term, frequency] of documentFrequency) {
      // A word shared by many topics ("card" in a card-heavy taxonomy) says little about which one.
      this.inverseFrequency.set(term, Math.log(1 + count / frequency));
    }
  }

  /** A topic's weighted stems (empty for unknown ids), to find the words that matched it. */
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
    const scored = this.compiled.map(({ topic, terms, phrases }) => {
      let score = 0;
      let matchedTerms = 0;
      for (const [term, termWeight] of terms) {
        const presence = textStems.get(term);
        if (presence === undefined) continue;
        score += termWeight * presence * (this.inverseFrequency.get(term) ?? 0);
        matchedTerms += termWeight;
      }
      for (const phrase of phrases) {
        if (sequences.some((sequence) => containsSequence(sequence, phrase))) score += 0.5 * phrase.length;
      }
      // Topics named by many words would win on volume alone; normalise gently by their size.
      const size = [...terms.values()].reduce((total, weight) => total + weight, 0);
      const normalised = matchedTerms > 0 ? score / Math.sqrt(Math.max(2, size)) : 0;
      return { topicId: topic.id, score: normalised };
    });
    scored.sort((a, b) => b.score - a.score);
    const total = scored.reduce((sum, entry) => sum + entry.score, 0);
    return scored.map((entry) => ({
      topicId: entry.topicId,
      score: Number(entry.score.toFixed(4)),
      confidence: total > 0 ? Number(((entry.score / total) * (1 - Math.exp(-entry.score))).toFixed(3)) : 0,
    }));
  }
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
