// The offline analyzer against the dev labels, with its peers in the same run and bootstrap intervals on every figure.
// Used by run.mjs; `node bench/analysis/offline.mjs` prints the figures alone (quick to iterate on).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPipeline } from '@echolens/core';
import { mulberry32 as random } from '@echolens/core/testing';
import { dataRoot } from '../lib/setup.mjs';
import {
  accuracy,
  balancedAccuracy,
  binaryScores,
  bootstrap,
  mean,
  pick,
  round,
  spearman,
} from './stats.mjs';

const require = createRequire(import.meta.url);
const vader = require('vader-sentiment').SentimentIntensityAnalyzer;

export const readDialogues = (file) =>
  readFileSync(join(dataRoot, 'dialogues', file), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));

const compound = (text) => vader.polarity_scores(text).compound;
const customerTexts = (row) =>
  row.turns.filter((turn) => turn.speaker === 'customer').map((turn) => turn.text);

/** Function words for the keyword-overlap peer (a plain English stop list, not EchoLens's). */
const FUNCTION_WORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but
  by can could did do does doing down during each few for from further had has have having he her here hers herself
  him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or
  other our ours ourselves out over own same she should so some such than that the their theirs them themselves then
  there these they this those through to too under until up very was we were what when where which while who whom
  why will with would you your yours yourself yourselves`.split(/\s+/),
);
const contentWords = (text) =>
  new Set((text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((word) => !FUNCTION_WORDS.has(word)));

/** Keyword overlap: the label whose words (and example words, when given) share most content words with the text. */
function keywordOverlapClassifier(taxonomy) {
  const topics = taxonomy.map((topic) => ({
    id: topic.id,
    words: contentWords([topic.id.replace(/[_-]+/g, ' '), ...(topic.examples ?? [])].join(' ')),
  }));
  return (text) => {
    const words = contentWords(text);
    let best = topics[0].id;
    let bestScore = -1;
    for (const topic of topics) {
      let score = 0;
      for (const word of words) if (topic.words.has(word)) score++;
      if (score > bestScore) {
        best = topic.id;
        bestScore = score;
      }
    }
    return best;
  };
}

async function analyzeAll(pipeline, rows) {
  const started = performance.now();
  const results = [];
  for (const row of rows) {
    const result = await pipeline.analyzeConversation({ id: row.id, turns: row.turns });
    results.push(result.analysis.insights);
  }
  return { results, msPerCall: (performance.now() - started) / Math.max(1, rows.length) };
}

const binary = (predictions, labels) => (indices) =>
  binaryScores(pick(predictions, indices), pick(labels, indices)).f1;

/** Intent top-1 over single utterances with a given taxonomy; also the confidence of each answer. */
async function classify(taxonomy, rows) {
  const pipeline = createPipeline({ cache: false, memory: false, taxonomy });
  const answers = [];
  for (const row of rows) {
    const result = await pipeline.analyzeConversation({
      id: row.id,
      turns: [{ speaker: 'customer', text: row.text }],
    });
    answers.push(result.analysis.insights.intent);
  }
  return answers;
}

/**
 * Off-topic speech with the default taxonomy: the English reference texts of the ASR dev clips (read books,
 * news, commands, a speech), none a customer-service matter, so every topic given to one is invented.
 */
async function offTopicAnswers() {
  const rows = readFileSync(join(dataRoot, 'asr', 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line))
    .filter((row) => row.lang === 'en');
  const answers = await classify(undefined, rows);
  const given = answers
    .map((answer, index) => ({ text: rows[index].text, ...answer.primary }))
    .filter((answer) => answer.topicId !== 'other')
    .map(({ text, topicId, confidence }) => ({ text, topicId, confidence }));
  return { n: rows.length, given };
}

/** Accuracy by confidence bin: does a higher confidence mean a more often right answer? */
function reliability(confidences, correct) {
  const edges = [0, 0.2, 0.4, 0.6, 0.8, 1.0001];
  const rows = [];
  for (let k = 0; k + 1 < edges.length; k++) {
    const members = confidences
      .map((value, index) => [value, index])
      .filter(([value]) => value >= edges[k] && value < edges[k + 1]);
    if (members.length === 0) continue;
    rows.push({
      bin: `${edges[k].toFixed(1)}-${Math.min(1, edges[k + 1]).toFixed(1)}`,
      n: members.length,
      meanConfidence: round(mean(members.map(([value]) => value))),
      accuracy: round(mean(members.map(([, index]) => (correct[index] ? 1 : 0)))),
    });
  }
  return rows;
}

export async function offlineFigures() {
  const pipeline = createPipeline({ cache: false, memory: false });

  // TweetSumm: customer negative, complaint vs question, gratitude.
  const tweetsumm = readDialogues('tweetsumm.jsonl');
  const tweet = await analyzeAll(pipeline, tweetsumm);
  const vaderTurns = tweetsumm.map((row) => customerTexts(row).map(compound));
  const negativeLabels = tweetsumm.map((row) => row.labels.customer_negative === true);
  const negativeSystems = {
    echolens: tweet.results.map((insights) =>
      ['negative', 'mixed'].includes(insights.sentiment.customer.label),
    ),
    'VADER: any customer turn ≤ -0.05': vaderTurns.map((scores) => scores.some((s) => s <= -0.05)),
    'VADER: mean of customer turns ≤ -0.05': vaderTurns.map((scores) => mean(scores) <= -0.05),
    'all negative': negativeLabels.map(() => true),
  };
  const negative = Object.fromEntries(
    Object.entries(negativeSystems).map(([system, predictions]) => {
      const scores = binaryScores(predictions, negativeLabels);
      return [
        system,
        {
          f1: bootstrap(predictions.length, binary(predictions, negativeLabels)),
          precision: round(scores.precision),
          recall: round(scores.recall),
        },
      ];
    }),
  );

  const typed = tweetsumm.map((row, index) => ({ row, index })).filter(({ row }) => row.labels.dialog_type);
  const typeLabels = typed.map(({ row }) => row.labels.dialog_type);
  const typeSystems = {
    echolens: typed.map(({ index }) => {
      const value = tweet.results[index].complaint.isComplaint;
      return value === true ? 'complaint' : 'question';
    }),
    'VADER: complaint when any customer turn ≤ -0.05': typed.map(({ index }) =>
      vaderTurns[index].some((s) => s <= -0.05) ? 'complaint' : 'question',
    ),
    'majority class (complaint)': typed.map(() => 'complaint'),
  };
  const complaint = Object.fromEntries(
    Object.entries(typeSystems).map(([system, predictions]) => [
      system,
      {
        balancedAccuracy: bootstrap(predictions.length, (indices) =>
          balancedAccuracy(pick(predictions, indices), pick(typeLabels, indices)),
        ),
        accuracy: round(accuracy(predictions, typeLabels)),
        questionRecall: round(
          typeLabels.filter((label, k) => label === 'question' && predictions[k] === 'question').length /
            typeLabels.filter((label) => label === 'question').length,
        ),
      },
    ]),
  );

  const gratitudeLabels = tweetsumm.map((row) => row.labels.customer_gratitude === true);
  const gratitudeSystems = {
    echolens: tweet.results.map((insights) =>
      insights.emotions.some((emotion) => emotion.emotion === 'gratitude' && emotion.intensity >= 0.5),
    ),
    'keyword: thank/appreciate in a customer turn': tweetsumm.map((row) =>
      customerTexts(row).some((text) => /\b(thank|thanks|thx|appreciate)/i.test(text)),
    ),
  };
  const gratitude = Object.fromEntries(
    Object.entries(gratitudeSystems).map(([system, predictions]) => [
      system,
      { f1: bootstrap(predictions.length, binary(predictions, gratitudeLabels)) },
    ]),
  );

  // USS (SGD + MultiWOZ): satisfaction correlation, and outcomes derived from dialogue acts.
  const sgd = readDialogues('uss_sgd.jsonl');
  const mwoz = readDialogues('uss_mwoz.jsonl');
  const sgdResults = await analyzeAll(pipeline, sgd);
  const mwozResults = await analyzeAll(pipeline, mwoz);
  const satisfactionRows = [...sgd, ...mwoz];
  const satisfactionInsights = [...sgdResults.results, ...mwozResults.results];
  const satisfactionLabels = satisfactionRows.map((row) => row.labels.overall_satisfaction_mean);
  const echolensScores = satisfactionInsights.map((insights) => insights.satisfaction.predictedScore ?? 3);
  const vaderMean = satisfactionRows.map((row) => mean(customerTexts(row).map(compound)));
  const vaderLast = satisfactionRows.map((row) => compound(customerTexts(row).at(-1) ?? ''));
  const rho = (scores) => (indices) => spearman(pick(scores, indices), pick(satisfactionLabels, indices));
  const n = satisfactionRows.length;
  const satisfaction = {
    echolens: bootstrap(n, rho(echolensScores)),
    'VADER: mean customer compound': bootstrap(n, rho(vaderMean)),
    'VADER: last customer turn': bootstrap(n, rho(vaderLast)),
    'echolens − VADER mean (paired)': bootstrap(
      n,
      (indices) => rho(echolensScores)(indices) - rho(vaderMean)(indices),
    ),
    sgd: {
      echolens: bootstrap(sgd.length, (indices) =>
        spearman(pick(echolensScores.slice(0, sgd.length), indices), pick(satisfactionLabels, indices)),
      ),
      vader: bootstrap(sgd.length, (indices) =>
        spearman(pick(vaderMean.slice(0, sgd.length), indices), pick(satisfactionLabels, indices)),
      ),
    },
    mwoz: {
      echolens: bootstrap(mwoz.length, (indices) =>
        spearman(
          pick(echolensScores.slice(sgd.length), indices),
          pick(satisfactionLabels.slice(sgd.length), indices),
        ),
      ),
      vader: bootstrap(mwoz.length, (indices) =>
        spearman(
          pick(vaderMean.slice(sgd.length), indices),
          pick(satisfactionLabels.slice(sgd.length), indices),
        ),
      ),
    },
  };

  // SGD outcome: success = a NOTIFY_SUCCESS act, failure = NOTIFY_FAILURE, no_transaction = neither.
  const outcomeOf = (insights) =>
    insights.resolution.category === 'transaction_completed'
      ? 'success'
      : insights.resolution.category === 'declined'
        ? 'failure'
        : 'no_transaction';
  const sgdLabels = sgd.map((row) => row.labels.derived_transaction_outcome);
  const sgdPredictions = sgdResults.results.map(outcomeOf);
  const confusion = {};
  sgdLabels.forEach((label, index) => {
    confusion[label] ??= {};
    confusion[label][sgdPredictions[index]] = (confusion[label][sgdPredictions[index]] ?? 0) + 1;
  });
  const sgdOutcome = {
    echolens: bootstrap(sgd.length, (indices) =>
      balancedAccuracy(pick(sgdPredictions, indices), pick(sgdLabels, indices)),
    ),
    accuracy: round(accuracy(sgdPredictions, sgdLabels)),
    confusion,
  };
  // MultiWOZ: booked when a booking act happened.
  const mwozLabels = mwoz.map((row) => row.labels.derived_booking_outcome);
  const mwozPredictions = mwozResults.results.map((insights) =>
    insights.resolution.category === 'transaction_completed' ? 'booked' : 'not booked',
  );
  const mwozConfusion = {};
  mwozLabels.forEach((label, index) => {
    mwozConfusion[label] ??= {};
    mwozConfusion[label][mwozPredictions[index]] = (mwozConfusion[label][mwozPredictions[index]] ?? 0) + 1;
  });

  // BANKING77: label names alone (all 616), and five example phrases per label drawn from the dev items,
  // evaluated on the other three of each label, over several random draws.
  const banking = readDialogues('banking77_intents.jsonl');
  const labels = [...new Set(banking.map((row) => row.intent))];
  const truth = banking.map((row) => row.intent);
  const namesTaxonomy = labels.map((id) => ({ id }));
  const namesAnswers = await classify(namesTaxonomy, banking);
  const namesPredictions = namesAnswers.map((answer) => answer.primary.topicId);
  const namesPeer = keywordOverlapClassifier(namesTaxonomy);
  const namesPeerPredictions = banking.map((row) => namesPeer(row.text));
  const top1 = (predictions, gold) => (indices) => accuracy(pick(predictions, indices), pick(gold, indices));
  const namesCorrect = namesPredictions.map((prediction, index) => prediction === truth[index]);

  const DRAWS = 5;
  const fewShot = { predictions: [], peer: [], truth: [], item: [], confidence: [] };
  const perDraw = [];
  for (let draw = 0; draw < DRAWS; draw++) {
    const next = random(1000 + draw);
    const examples = new Map();
    const held = [];
    for (const label of labels) {
      const members = banking.filter((row) => row.intent === label);
      const shuffled = members
        .map((row) => ({ row, key: next() }))
        .sort((a, b) => a.key - b.key)
        .map((entry) => entry.row);
      examples.set(
        label,
        shuffled.slice(0, 5).map((row) => row.text),
      );
      held.push(...shuffled.slice(5));
    }
    const taxonomy = labels.map((id) => ({ id, examples: examples.get(id) }));
    const answers = await classify(taxonomy, held);
    const peer = keywordOverlapClassifier(taxonomy);
    let right = 0;
    held.forEach((row, index) => {
      const predicted = answers[index].primary.topicId;
      fewShot.predictions.push(predicted);
      fewShot.peer.push(peer(row.text));
      fewShot.truth.push(row.intent);
      fewShot.item.push(row.id);
      fewShot.confidence.push(answers[index].primary.confidence);
      if (predicted === row.intent) right++;
    });
    perDraw.push(round(right / held.length));
  }
  const fewShotCorrect = fewShot.predictions.map((prediction, index) => prediction === fewShot.truth[index]);
  const intent = {
    labelNames: {
      echolens: bootstrap(banking.length, top1(namesPredictions, truth)),
      'keyword overlap without function words': bootstrap(banking.length, top1(namesPeerPredictions, truth)),
      abstained: namesPredictions.filter((prediction) => prediction === 'other').length,
      reliability: reliability(
        namesAnswers.map((answer) => answer.primary.confidence),
        namesCorrect,
      ),
    },
    fiveExamples: {
      draws: DRAWS,
      heldOutPerDraw: fewShot.predictions.length / DRAWS,
      perDraw,
      echolens: bootstrap(fewShot.predictions.length, top1(fewShot.predictions, fewShot.truth), {
        groups: fewShot.item,
      }),
      'keyword overlap without function words': bootstrap(
        fewShot.peer.length,
        top1(fewShot.peer, fewShot.truth),
        { groups: fewShot.item },
      ),
      abstained: fewShot.predictions.filter((prediction) => prediction === 'other').length,
      reliability: reliability(fewShot.confidence, fewShotCorrect),
    },
    offTopic: await offTopicAnswers(),
  };

  return {
    data: { tweetsumm: tweetsumm.length, sgd: sgd.length, mwoz: mwoz.length, banking77: banking.length },
    negative,
    complaint: {
      ...complaint,
      n: typed.length,
      questions: typeLabels.filter((l) => l === 'question').length,
    },
    gratitude,
    satisfaction: { ...satisfaction, n },
    sgdOutcome,
    // Booked or not: "no_availability" and "info_only" are both "not booked".
    mwozOutcome: {
      accuracy: round(
        accuracy(
          mwozPredictions,
          mwozLabels.map((label) => (label === 'booked' ? 'booked' : 'not booked')),
        ),
      ),
      confusion: mwozConfusion,
    },
    intent,
    msPerCall: {
      tweetsumm: round(tweet.msPerCall, 2),
      uss: round((sgdResults.msPerCall + mwozResults.msPerCall) / 2, 2),
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const figures = await offlineFigures();
  console.log(JSON.stringify(figures, null, 1));
}
