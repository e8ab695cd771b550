#!/usr/bin/env node
// Redaction recall and precision per personal-data type, on a constructed set of customer-service
// utterances with known spans, with bootstrap 95% confidence intervals; then what redaction does to the
// real dev dialogues (every redaction counted, a sample written out for reading by hand).
//   pnpm build && node bench/redaction/run.mjs
// The set is built by templating: each template is a sentence a caller or agent says, with slots filled
// from lists written here (names, streets, cities, numbers generated with valid checksums), never from
// the dev dialogues' own personal data. Templates and fillers were fixed before the first measurement.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { conversationFromDialogue, findPii, redactConversation } from '@echolens/core';
import { dataRoot, outDir as out } from '../lib/setup.mjs';

// A seeded generator, so the set is the same on every run.
let seed = 20_241_129;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = (list) => list[Math.floor(random() * list.length)];
const digits = (count) => Array.from({ length: count }, () => Math.floor(random() * 10)).join('');
const SPOKEN = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const spoken = (number) => [...number].map((digit) => SPOKEN[Number(digit)]).join(' ');

function luhnComplete(prefix, length) {
  const body = prefix + digits(length - prefix.length - 1);
  for (let check = 0; check < 10; check++) {
    const candidate = body + check;
    let sum = 0;
    let double = false;
    for (let index = candidate.length - 1; index >= 0; index--) {
      let value = Number(candidate[index]);
      if (double) {
        value *= 2;
        if (value > 9) value -= 9;
      }
      sum += value;
      double = !double;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}

// Fillers: names from many origins (some on the first-name list, some not), streets, cities.
const FIRST = [
  'Sarah',
  'Michael',
  'Priya',
  'Oluwaseun',
  'Mei',
  'Carlos',
  'Fatima',
  'Dmitri',
  'Aoife',
  'Kwame',
  'Linda',
  'Rahul',
  'Sofia',
  'Thomas',
  'Yuki',
  'Emma',
  'Jamal',
  'Ingrid',
  'Diego',
  'Hannah',
];
const LAST = [
  'Johnson',
  'Nguyen',
  'Okafor',
  'Garcia',
  'Schmidt',
  'Patel',
  'Kowalski',
  'Brown',
  "O'Neill",
  'Tanaka',
  'Silva',
  'Haddad',
  'Andersson',
  'Mensah',
  'Rossi',
  'Campbell',
];
const STREET = [
  'Baker',
  'Maple',
  'Oak',
  'Elm',
  'Sunset',
  'Riverside',
  'Highland',
  'Church',
  'Mill',
  'Cedar',
  'Park',
  'Lincoln',
];
const STREET_TYPE = ['Street', 'Avenue', 'Road', 'Lane', 'Drive', 'Boulevard', 'St', 'Ave', 'Rd', 'Court'];
const CITY = [
  ['Springfield', 'IL'],
  ['Austin', 'TX'],
  ['Portland', 'OR'],
  ['Columbus', 'OH'],
  ['Madison', 'WI'],
  ['Albany', 'NY'],
];
const UK_CITY = ['London', 'Leeds', 'Bristol', 'Glasgow', 'Cardiff'];
const MONTHS = ['January', 'March', 'April', 'June', 'August', 'October', 'December'];

/** A template fills slots; `{…}` marks the personal data, whose span is recorded. */
const TEMPLATES = {
  CARD_NUMBER: [
    () => ['my card number is {', luhnComplete('4', 16).replace(/(\d{4})(?=\d)/g, '$1 '), '}'],
    () => ['sure it is {', spoken(luhnComplete('5', 16)), '} thanks'],
    () => ['the visa is {', luhnComplete('4', 16), '}'],
  ],
  CARD_SECURITY_CODE: [
    () => ['the security code is {', digits(3), '}'],
    () => ['CVV {', spoken(digits(3)), '}'],
    () => ['and the three digit code on the back is {', digits(3), '}'],
  ],
  CARD_EXPIRY: [
    () => {
      const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
      return ['it expires {', `${month}/${26 + Math.floor(random() * 6)}`, '}'];
    },
    () => ['the expiry date on the card is {', `${pick(MONTHS)} 20${27 + Math.floor(random() * 4)}`, '}'],
    () => [
      'my card expires {',
      `oh ${pick(['four', 'six', 'nine'])} twenty ${pick(['seven', 'eight', 'nine'])}`,
      '}',
    ],
  ],
  PERSON_NAME: [
    () => ['hi my name is {', `${pick(FIRST)} ${pick(LAST)}`, '} and I have a question'],
    () => ['thank you for calling, this is {', pick(FIRST), '} speaking, how can I help?'],
    () => ['you are speaking with {', pick(FIRST), '} from billing'],
    () => ['Mr. {', pick(LAST), '}, I can see your order here'],
    () => ['I talked to {', `${pick(FIRST)} ${pick(LAST)}`, '} last week about this'],
    () => ['thanks {', pick(FIRST), '}, that helps a lot'],
  ],
  ADDRESS: [
    () => ['I live at {', `${1 + Math.floor(random() * 9999)} ${pick(STREET)} ${pick(STREET_TYPE)}`, '}'],
    () => {
      const [city, state] = pick(CITY);
      return [
        'please ship it to {',
        `${10 + Math.floor(random() * 990)} ${pick(STREET)} ${pick(STREET_TYPE)}, ${city}, ${state} ${digits(5)}`,
        '}',
      ];
    },
    () => ['send the papers to {', `PO Box ${digits(4)}`, '}'],
    () => {
      const [city, state] = pick(CITY);
      return ['we are in {', `${city}, ${state} ${digits(5)}`, '} now'];
    },
    () => [
      'the office is in {',
      `${pick(UK_CITY)} ${pick(['SW1A', 'LS1', 'BS8', 'G12', 'CF10'])} ${digits(1)}${pick(['AA', 'AP', 'BX', 'DQ'])}`,
      '}',
    ],
    () => ['my zip code is {', digits(5), '}'],
  ],
};
/** Utterances with no personal data that look like some (numbers, capitals, codes, everyday names). */
const NEGATIVES = [
  () => `Will you be at home on ${pick(MONTHS)} ${1 + Math.floor(random() * 28)}?`,
  () => `May I have your order number, it starts with ${digits(2)}?`,
  () => `The bill went up by ${digits(2)} dollars this month.`,
  () => `I have ${1 + Math.floor(random() * 5)} questions about the way this works.`,
  () => `Please hold while I check with ${pick(['Chase Bank', 'Customer Service', 'the Billing Team'])}.`,
  () => `Error code ${digits(3)} shows up on the screen.`,
  () => `My subscription expires on ${pick(MONTHS)} ${1 + Math.floor(random() * 28)}.`,
  () => `It is a ${1 + Math.floor(random() * 5)} hour drive to the store.`,
  () => `Your tracking number is ${digits(12)}.`,
  () => `Grace period ends in ${1 + Math.floor(random() * 30)} days.`,
  () => `The promo code expires next week.`,
  () => `I have been a customer for ${1 + Math.floor(random() * 20)} years.`,
];

function build(perTemplate) {
  const items = [];
  for (const [type, templates] of Object.entries(TEMPLATES)) {
    for (const template of templates) {
      for (let index = 0; index < perTemplate; index++) {
        const [before, value, after] = template();
        const prefix = before.slice(0, -1);
        const text = `${prefix}${value}${after.slice(1)}`;
        items.push({ text, truth: [{ type, start: prefix.length, end: prefix.length + value.length }] });
      }
    }
  }
  for (const negative of NEGATIVES) {
    for (let index = 0; index < perTemplate; index++) items.push({ text: negative(), truth: [] });
  }
  return items;
}

const TYPES = Object.keys(TEMPLATES);
/** Per item, per type: true spans fully covered (by any redaction), predicted spans, correct predictions. */
function score(item) {
  const predicted = findPii(item.text);
  const counts = {};
  for (const type of TYPES) counts[type] = { truth: 0, caught: 0, predicted: 0, correct: 0 };
  for (const truth of item.truth) {
    counts[truth.type].truth++;
    // Caught when no character of it is left readable (spaces inside a spoken number excepted).
    const leaked = [...item.text.slice(truth.start, truth.end)].filter(
      (character, offset) =>
        character.trim() &&
        !predicted.some((span) => span.start <= truth.start + offset && truth.start + offset < span.end),
    );
    if (leaked.length === 0) counts[truth.type].caught++;
  }
  for (const span of predicted) {
    if (!counts[span.type]) continue;
    counts[span.type].predicted++;
    if (
      item.truth.some((truth) => truth.type === span.type && span.start < truth.end && truth.start < span.end)
    )
      counts[span.type].correct++;
  }
  return counts;
}

function rates(scores, type) {
  let truth = 0;
  let caught = 0;
  let predicted = 0;
  let correct = 0;
  for (const counts of scores) {
    truth += counts[type].truth;
    caught += counts[type].caught;
    predicted += counts[type].predicted;
    correct += counts[type].correct;
  }
  return {
    recall: truth ? caught / truth : Number.NaN,
    precision: predicted ? correct / predicted : Number.NaN,
    truth,
    predicted,
  };
}

/** Percentile bootstrap over utterances, 1,000 resamples. */
function bootstrap(scores, type) {
  const recalls = [];
  const precisions = [];
  for (let round = 0; round < 1000; round++) {
    const sample = Array.from({ length: scores.length }, () => scores[Math.floor(random() * scores.length)]);
    const { recall, precision } = rates(sample, type);
    if (!Number.isNaN(recall)) recalls.push(recall);
    if (!Number.isNaN(precision)) precisions.push(precision);
  }
  const interval = (values) => {
    values.sort((a, b) => a - b);
    return [values[Math.floor(values.length * 0.025)], values[Math.floor(values.length * 0.975)]];
  };
  return { recall: interval(recalls), precision: interval(precisions) };
}

const items = build(40);
const scores = items.map(score);
const perType = Object.fromEntries(
  TYPES.map((type) => [type, { ...rates(scores, type), ci: bootstrap(scores, type) }]),
);
const misses = items.filter((_, index) =>
  TYPES.some((type) => scores[index][type].caught < scores[index][type].truth),
);
const falseAlarms = items.filter((item) => item.truth.length === 0 && findPii(item.text).length > 0);

// The real dev dialogues: every redaction, by type, and a sample with its context to read by hand.
const dialogueFolder = join(dataRoot, 'dialogues');
const found = [];
let turnCount = 0;
for (const file of readdirSync(dialogueFolder).filter((name) => name.endsWith('.jsonl'))) {
  for (const [line, raw] of readFileSync(join(dialogueFolder, file), 'utf8').split('\n').entries()) {
    if (!raw.trim()) continue;
    const parsed = JSON.parse(raw);
    // BANKING77 rows are single customer utterances.
    const dialogue = parsed.turns
      ? parsed
      : { id: parsed.id, turns: [{ speaker: 'customer', text: parsed.text }] };
    const conversation = conversationFromDialogue(dialogue, dialogue.id ?? `${file}:${line + 1}`);
    turnCount += conversation.turns.length;
    const redacted = redactConversation(conversation);
    redacted.turns.forEach((turn, index) => {
      if (turn.text !== conversation.turns[index].text) {
        found.push({
          file,
          dialogue: conversation.callId,
          before: conversation.turns[index].text,
          after: turn.text,
        });
      }
    });
  }
}
const byType = {};
for (const entry of found) {
  for (const match of entry.after.matchAll(/\[([A-Z_]+)\]/g)) byType[match[1]] = (byType[match[1]] ?? 0) + 1;
}

const results = {
  constructed: {
    utterances: items.length,
    perType,
    falseAlarmsOnNegatives: falseAlarms.length,
    negatives: items.filter((item) => !item.truth.length).length,
  },
  devDialogues: { turns: turnCount, redactedTurns: found.length, placeholdersByType: byType },
};
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'redaction.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(
  join(out, 'redaction-dev-dialogues.txt'),
  found
    .map((entry) => `${entry.file} ${entry.dialogue}\n  before: ${entry.before}\n  after:  ${entry.after}\n`)
    .join('\n'),
);
writeFileSync(
  join(out, 'redaction-misses.txt'),
  [
    ...misses.map(
      (item) =>
        `MISS ${JSON.stringify(item.truth)} ${item.text}\n  → ${findPii(item.text)
          .map((span) => `${span.type}:${item.text.slice(span.start, span.end)}`)
          .join(', ')}`,
    ),
    ...falseAlarms.map((item) => `FALSE ALARM ${item.text} → ${JSON.stringify(findPii(item.text))}`),
  ].join('\n'),
);

const pct = (value) => (Number.isNaN(value) ? 'n/a' : `${(value * 100).toFixed(1)}%`);
console.log(`constructed set: ${items.length} utterances`);
for (const [type, figures] of Object.entries(perType)) {
  console.log(
    `${type.padEnd(20)} recall ${pct(figures.recall)} [${pct(figures.ci.recall[0])}, ${pct(figures.ci.recall[1])}]  precision ${pct(figures.precision)} [${pct(figures.ci.precision[0])}, ${pct(figures.ci.precision[1])}]  (n=${figures.truth}, predicted ${figures.predicted})`,
  );
}
console.log(`false alarms on ${results.constructed.negatives} negatives: ${falseAlarms.length}`);
console.log(`dev dialogues: ${found.length} of ${turnCount} turns redacted`, byType);
