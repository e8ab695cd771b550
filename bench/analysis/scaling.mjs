// How offline analysis time grows with the input: one long customer turn and many turns, each size and its double,
// beside VADER scoring the same text in the same run. Linear analysis doubles its time when the input doubles
// (ratio ≈ 2); the quadratic analyzer this replaced took 63 s for a 1.6 MB turn and 44 s for 10,000 turns.
import { createRequire } from 'node:module';
import { createPipeline } from '@echolens/core';
import { round } from './stats.mjs';

const require = createRequire(import.meta.url);
const vader = require('vader-sentiment').SentimentIntensityAnalyzer;

const CUSTOMER = [
  "Hi, my card payment was declined twice and I was still charged, this is the third time I'm calling.",
  "It's still not working after the update and honestly I'm fed up with this.",
  'Thanks, I appreciate your help with this, really.',
  'Can you tell me when the refund will arrive? I need the money by Friday.',
];
const AGENT = [
  "I'm sorry to hear that. May I have your full name and date of birth to verify your account?",
  "I've processed the refund and you'll receive a confirmation email; your reference number is AB1234.",
  "I'll call you back tomorrow once the technician has looked into it. Is there anything else I can help with?",
  'You can reset it from the settings page; unfortunately we are not able to reverse that fee.',
];

function longTurn(bytes) {
  const sentences = [];
  let size = 0;
  for (let index = 0; size < bytes; index++) {
    const sentence = CUSTOMER[index % CUSTOMER.length];
    sentences.push(sentence);
    size += sentence.length + 1;
  }
  return {
    callId: `long-${bytes}`,
    speakers: [],
    turns: [
      { id: 't1', speaker: 'agent', role: 'agent', text: AGENT[0] },
      { id: 't2', speaker: 'customer', role: 'customer', text: sentences.join(' ') },
      { id: 't3', speaker: 'agent', role: 'agent', text: AGENT[2] },
    ],
  };
}

function manyTurns(count) {
  return {
    callId: `turns-${count}`,
    speakers: [],
    turns: Array.from({ length: count }, (_, index) => {
      const role = index % 2 === 0 ? 'customer' : 'agent';
      const lines = role === 'customer' ? CUSTOMER : AGENT;
      return { id: `t${index + 1}`, speaker: role, role, text: lines[(index >> 1) % lines.length] };
    }),
  };
}

// The sizes are past the default input limits on purpose (they measure growth, not a real call): raise them here.
const pipeline = createPipeline({
  cache: false,
  memory: false,
  dialogueLimits: { maxTurnCharacters: 4_000_000, maxTurns: 20_000 },
});
const seconds = async (work) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};

/** The whole offline analysis of a text conversation (metrics, insights, evidence check), as a user runs it. */
async function measure(conversation) {
  const turns = conversation.turns.map((turn) => ({ speaker: turn.role, text: turn.text }));
  const echolens = await seconds(() => pipeline.analyzeConversation({ id: conversation.callId, turns }));
  const peer = await seconds(() => {
    for (const turn of conversation.turns) vader.polarity_scores(turn.text);
  });
  const characters = conversation.turns.reduce((sum, turn) => sum + turn.text.length, 0);
  return { characters, echolensSec: round(echolens, 2), vaderSec: round(peer, 2) };
}

export async function scalingFigures() {
  const rows = {};
  for (const [name, make, small] of [
    ['one long turn (bytes)', longTurn, 1_600_000],
    ['turns', manyTurns, 10_000],
  ]) {
    const single = await measure(make(small));
    const double = await measure(make(small * 2));
    rows[name] = {
      size: small,
      single,
      double,
      echolensGrowth: round(double.echolensSec / single.echolensSec, 2),
      vaderGrowth: round(double.vaderSec / single.vaderSec, 2),
      echolensOverVader: round(single.echolensSec / single.vaderSec, 2),
    };
  }
  return rows;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  console.log(JSON.stringify(await scalingFigures(), null, 1));
}
