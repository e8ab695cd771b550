import { readFileSync } from 'node:fs';
import {
  type Conversation,
  conversationFromDialogue,
  type Dialogue,
  HeuristicAnalyzer,
  type Insights,
} from '@echolens/core';
import { describe, expect, it } from 'vitest';
import { finalizeInsights } from '../../src/analyze/evidence.js';
import { scoreText } from '../../src/analyze/offline/sentiment.js';
import { DEFAULT_TAXONOMY, TopicMatcher } from '../../src/analyze/offline/taxonomy.js';
import { dataPath } from '../helpers/data.js';

const analyzer = new HeuristicAnalyzer();

/** A chat (no timings) from alternating lines, agent first unless `customerFirst`. */
function chat(lines: readonly string[], customerFirst = false): Conversation {
  return conversationFromDialogue(
    {
      turns: lines.map((text, index) => ({
        speaker: (index % 2 === 0) === customerFirst ? 'customer' : 'agent',
        text,
      })),
    },
    'chat',
  );
}

function analyze(conversation: Conversation, startedAt?: string): Insights {
  return finalizeInsights(
    analyzer.analyze(conversation, startedAt ? { startedAt } : {}),
    conversation,
    'heuristic',
  );
}

const sentences = (text: string) =>
  text
    .replace(/“[^”]*”/g, 'QUOTE')
    .split(/(?<=[.!?])\s+/)
    .filter(Boolean);

describe('offline outcomes say what happened, or that the text does not say', () => {
  /** The outcome of a chat whose agent speaks first. */
  const resolutionOf = (lines: readonly string[]) => analyze(chat(lines)).resolution;

  it('reads a refusal as declined, not as a completed transaction', () => {
    const resolution = resolutionOf([
      'Hello, how can I help?',
      'I bought the season pass but the documentary is missing, can you unlock it?',
      'I am sorry, we are not able to provide this content in your region.',
      'That is really disappointing.',
    ]);
    expect(resolution).toMatchObject({ status: 'unresolved', category: 'declined' });
    expect(resolution.evidence[0]?.quote).toMatch(/not able to provide/);
  });

  it('reads a confirmation with a reference number as completed, not as a follow-up', () => {
    const resolution = resolutionOf([
      'Good afternoon, how may I help you?',
      'I would like to book a table for two on Friday at seven.',
      'Your table is booked. Your reference number is 4471Q.',
      'Perfect, thank you!',
    ]);
    expect(resolution).toMatchObject({ status: 'resolved', category: 'transaction_completed' });
  });

  it('lets a later success outrank an earlier failure, and never reads "was not successful" as one', () => {
    const retried = resolutionOf([
      'Hello, how can I help?',
      'Please book a table for two at Luigi at seven.',
      'Unfortunately, I could not make the reservation. Shall I try half past seven?',
      'Yes, that would be great.',
      'The reservation was successful.',
      'Thanks so much!',
    ]);
    expect(retried).toMatchObject({ status: 'resolved', category: 'transaction_completed' });
    const failed = resolutionOf([
      'Hello, how can I help?',
      'Please send 50 pounds to my sister.',
      'I am sorry, the transfer was not successful.',
      'Oh no.',
    ]);
    expect(failed).toMatchObject({ status: 'unresolved', category: 'declined' });
  });

  it('reads "I was able to book" as done, "not able to" and "nothing else available" as declined', () => {
    const booked = resolutionOf([
      'Hello, how can I help?',
      'Can you get me an appointment with Dr Stelling?',
      'I was finally able to book your visit with her for Tuesday at ten.',
      'Great.',
    ]);
    expect(booked).toMatchObject({ status: 'resolved', category: 'transaction_completed' });
    const notBooked = resolutionOf([
      'Hello, how can I help?',
      'Can you get me an appointment with Dr Stelling?',
      'I was not able to book your visit, her diary is closed.',
      'Oh.',
    ]);
    expect(notBooked).toMatchObject({ status: 'unresolved', category: 'declined' });
    const nothing = resolutionOf([
      'Hello, how can I help?',
      'Any later flights to Denver?',
      "I'm sorry, I don't have anything else available.",
      'Okay.',
    ]);
    expect(nothing).toMatchObject({ status: 'unresolved', category: 'declined' });
  });

  it('reads bad news as news, not as a completed request; an apology for the wait changes nothing', () => {
    const cancelled = resolutionOf([
      'Hi, how can I help?',
      'Is flight AK 377 to Kuala Lumpur really cancelled today?',
      'Sorry Marina, yes the flight is cancelled. You may opt for a free flight change or a refund.',
      'Okay, thanks.',
    ]);
    expect(cancelled.category).not.toBe('transaction_completed');
    const booked = resolutionOf([
      'Hi, how can I help?',
      'A table for two on Friday at seven, please.',
      'Sorry for the wait, your table is booked.',
      'Great, thanks!',
    ]);
    expect(booked).toMatchObject({ status: 'resolved', category: 'transaction_completed' });
    const refused = resolutionOf([
      'Hi, how can I help?',
      'I need help with staff travel tickets issued through MyIDTravel.',
      "We're unable to assist with any staff travel bookings.",
      'Oh.',
    ]);
    expect(refused).toMatchObject({ status: 'unresolved', category: 'declined' });
  });

  it('hears a manager of the company as escalation, a job in a compound ("train manager", "Device Manager") as none', () => {
    const upgrade = analyze(
      chat([
        'Hello, how can I help?',
        'Any chance of an upgrade tonight? We are celebrating our anniversary.',
        "I'm afraid we can't promise anything, but we can ask the Train Manager when you board.",
        'Thanks for trying. We assume the train manager was very busy as we heard nothing. Good journey all the same!',
      ]),
    );
    expect(upgrade.complaint.isComplaint).toBe(false);
    expect(upgrade.resolution.category).not.toBe('escalated');
    const steps = resolutionOf([
      'Hi, how can I help?',
      'My computer stopped working after the update.',
      'If you can start in Safe Mode, go to Device Manager to update the outdated drivers.',
      'Ok.',
    ]);
    expect(steps.category).not.toBe('escalated');
    const angry = analyze(
      chat([
        'Hello, how can I help?',
        'This is the third time. I want to speak to a manager now.',
        'Of course.',
      ]),
    );
    expect(angry.complaint.isComplaint).toBe(true);
    expect(angry.complaint.severity).toBe('high');
  });

  it('takes an offer asked as a question for an offer, not a hand-over or an escalation', () => {
    const offered = resolutionOf([
      'Hi, how can I help?',
      'My invoice shows the wrong address.',
      'Would you like me to transfer you to our billing team? Or shall I escalate this to my manager?',
      'No, just tell me how to fix it.',
    ]);
    expect(offered.category).not.toMatch(/transferred|escalated/);
    const done = resolutionOf([
      'Hi, how can I help?',
      'My invoice shows the wrong address.',
      "That is handled by billing. I'll transfer you to our billing team now.",
      'Okay.',
    ]);
    expect(done.category).toBe('transferred');
  });

  it('takes how things are done ("refunds are processed within 5 days") for information, not a completion', () => {
    const policy = resolutionOf([
      'Hi, how can I help?',
      'When will I get my money back for the returned jacket?',
      'Refunds are processed within 5 working days, and the bag is made from recycled plastic.',
      'Okay.',
    ]);
    expect(policy.category).not.toBe('transaction_completed');
    const done = resolutionOf([
      'Hi, how can I help?',
      'Can you book me a table for two at eight?',
      'Your table is booked for eight.',
      'Thanks!',
    ]);
    expect(done).toMatchObject({ status: 'resolved', category: 'transaction_completed' });
  });

  it('hears a referral said with -ing or "would" as a hand-over, and "be sure to pass this on" as a task', () => {
    const referred = resolutionOf([
      'Hi, how can I help?',
      'Why was £40 taken from my account?',
      "We'd advise speaking to the station team regarding this.",
      'Okay.',
    ]);
    expect(referred.category).toBe('transferred');
    const passed = analyze(
      chat([
        'Hi, how can I help?',
        'Season 1 is still unavailable in my region.',
        "I'll be sure to pass this on to the content team.",
        'Thanks.',
      ]),
    );
    expect(passed.actionItems.map((item) => item.task)).toEqual([
      expect.stringMatching(/pass this on to the content team/),
    ]);
  });

  it('takes what was asked to be played, now playing, as the request completed', () => {
    const played = resolutionOf([
      'Hi, what can I do for you?',
      'Play Boy in the Bubble on the bedroom speaker.',
      'The song has started playing on the bedroom speaker.',
      'Thanks.',
    ]);
    expect(played).toMatchObject({ status: 'resolved', category: 'transaction_completed' });
  });

  it('takes a confirmation number asked for as nothing done, and one sent as done', () => {
    const asked = resolutionOf([
      'Hi, how can I help?',
      'My flight from Dallas was delayed and nobody told me.',
      'Please DM us your confirmation number so we can take a look.',
      'Fine.',
    ]);
    expect(asked.category).not.toBe('transaction_completed');
    const sent = resolutionOf([
      'Hi, how can I help?',
      'Please move my flight to Friday.',
      "Done, I've sent you a confirmation by email.",
      'Thanks!',
    ]);
    expect(sent).toMatchObject({ status: 'resolved', category: 'transaction_completed' });
  });

  it('takes what a clause of time or condition says ("once it is done", "if we can\'t") as nothing that happened', () => {
    const waiting = resolutionOf([
      'Hi, how can I help?',
      "I can't cast from the app to my TV.",
      'Could you reboot your modem and log back in?',
      'I will try that, give me a few minutes.',
      "Sure thing. I'll be here once everything is done rebooting.",
      'Still no cast option after the reboot.',
      'I would be happy to get this issue escalated for you. Can you DM us the service address?',
    ]);
    expect(waiting).toMatchObject({ status: 'partially_resolved', category: 'follow_up_scheduled' });
    const upgrade = resolutionOf([
      'Hi, how can I help?',
      'Your trains are always full, fed up of it.',
      'Longer trains will be introduced in December when the upgrade has been completed.',
      'Okay, thanks.',
    ]);
    expect(upgrade.category).not.toBe('transaction_completed');
    const conditional = resolutionOf([
      'Hi, how can I help?',
      'My parcel never arrived.',
      "If we can't find it by Friday, we will send a replacement.",
      'Okay.',
    ]);
    expect(conditional.category).not.toBe('declined');
    // A hand-over said with "if" is still a hand-over.
    const referred = resolutionOf([
      'How can I help?',
      'Whenever I unplug my external drive I get an error.',
      "Oh no! If that's the case, it'd be best if you contact our Answer Desk team for further assistance.",
      'Okay.',
    ]);
    expect(referred).toMatchObject({ status: 'partially_resolved', category: 'transferred' });
    // The same words as a statement still count.
    const done = resolutionOf([
      'Hi, how can I help?',
      'Please cancel my order.',
      'Everything is done, the order is cancelled.',
      'Thanks!',
    ]);
    expect(done).toMatchObject({ status: 'resolved', category: 'transaction_completed' });
  });

  it('lets the customer\'s "didn\'t work" undo an earlier completion, even when a follow-up comes after it', () => {
    const resolution = resolutionOf([
      'How can I help?',
      'My TV shows no signal on every box.',
      "I've sent a signal to reset the mini box. Please wait 20 minutes and let me know.",
      'Didn’t work.',
      'We will need to schedule an appointment to get this resolved. Please DM us to continue.',
    ]);
    expect(resolution).toMatchObject({ status: 'partially_resolved', category: 'follow_up_scheduled' });
  });

  it('reads "I got the appointment for you", "you have a reservation now", "we have booked" and "I booked you" as done, "I\'ve got your booking here" as not', () => {
    const got = resolutionOf([
      'How can I help?',
      'Can you try quarter past 10 in the morning?',
      "Great, I got the appointment for you. They don't do cosmetic services on site.",
      "Great, that's good.",
    ]);
    expect(got).toMatchObject({ status: 'resolved', category: 'transaction_completed' });
    const now = resolutionOf([
      'How can I help?',
      'Get the room please.',
      'You have a reservation now.',
      'Ideal.',
    ]);
    expect(now).toMatchObject({ status: 'resolved', category: 'transaction_completed' });
    const company = resolutionOf([
      'How can I help?',
      'I need a taxi to the Junction by 6:30 from my hotel.',
      'OK, we have booked a Red Skoda to take you to the Junction by 6:30.',
      'Thanks.',
    ]);
    expect(company).toMatchObject({ status: 'resolved', category: 'transaction_completed' });
    const past = resolutionOf([
      'How can I help?',
      'I need a hotel in the north from Saturday.',
      "Booking was unsuccessful. I'm sorry, the Alpha-Milton has no wifi. I booked you into the Avalon starting Saturday.",
      'Thank you very much.',
    ]);
    expect(past).toMatchObject({ status: 'resolved', category: 'transaction_completed' });
    const lookedUp = resolutionOf([
      'How can I help?',
      'Can you check my booking for Friday?',
      "I've got your booking here, it shows two guests.",
      'Okay.',
    ]);
    expect(lookedUp.category).not.toBe('transaction_completed');
  });

  it('hears the agent acknowledge a fix ("glad you\'ve managed to connect now") as fixed, after an earlier "same issue"', () => {
    const resolution = resolutionOf([
      'How can I help?',
      "I'm having problems finding the WiFi start page, do you have a link?",
      'Could you please try forgetting the network in your settings, reconnect and then follow the link again?',
      'Nope. Same issue.',
      "Apologies about that, glad you've managed to connect now. Have a good journey.",
    ]);
    expect(resolution).toMatchObject({ status: 'resolved', category: 'issue_fixed' });
    const hoping = resolutionOf([
      'How can I help?',
      'The WiFi start page does not load.',
      'Would you be glad to try another link?',
      'Same issue.',
    ]);
    expect(hoping.category).not.toBe('issue_fixed');
  });

  it('hears how things were before the problem, or are elsewhere, as no fix; "no luck" as not working', () => {
    const resolution = resolutionOf([
      'How can I help?',
      'Everything was working fine prior to the update. Now I get an error when I unplug my drive.',
      'Kindly check out the answer in this link and let us know how it goes.',
      'No luck, and the drive works fine on my other PC.',
    ]);
    expect(resolution.category).not.toBe('issue_fixed');
    expect(resolution).toMatchObject({ status: 'unresolved', category: 'no_action' });
  });

  it('hears "DM me your…" and "DM your…" as a follow-up arranged, like "DM us"', () => {
    for (const request of [
      'So I can issue a refund for you, can you DM me your full name and address?',
      'Could you DM your email address so I can ask someone to reset the password for you?',
    ]) {
      const resolution = resolutionOf([
        'How can I help?',
        'My password reset link does not work.',
        request,
        'Sent.',
      ]);
      expect(resolution).toMatchObject({ status: 'partially_resolved', category: 'follow_up_scheduled' });
    }
  });

  it('takes rooms "booked" by others as none to be had, and a reference code before a question as a booking', () => {
    const taken = resolutionOf([
      'How can I help?',
      'Can you book a 4 star hotel room in the west? Any one is fine.',
      'Both of these hotels are booked. Would you like to change any of your parameters?',
      'No, never mind.',
    ]);
    expect(taken).toMatchObject({ status: 'unresolved', category: 'declined' });
    const booked = resolutionOf([
      'How can I help?',
      'Let me try again: a 4 star hotel in the west for 6 people, 5 nights from Saturday.',
      // The code ends in a letter: that full stop still ends the sentence, so the booking is not read as a question.
      'That worked. Your reference number is U0E4KO2T. Is there anything else I can help with?',
      'No, thanks.',
    ]);
    expect(booked).toMatchObject({ status: 'resolved', category: 'transaction_completed' });
    expect(booked.evidence[0]?.quote).toBe('Your reference number is U0E4KO2T.');
  });

  it('recognises a transfer and an answered question closed with "anything else?"', () => {
    const transfer = resolutionOf([
      'Thanks for calling, how can I help?',
      'My pension statement shows the wrong employer.',
      "That is handled by our pensions team, I'll transfer you to them now.",
      'Okay.',
    ]);
    expect(transfer).toMatchObject({ status: 'partially_resolved', category: 'transferred' });

    const answered = resolutionOf([
      'Hi, how can I help?',
      'What time does the Leeds branch open on Saturday?',
      'It opens at nine and closes at four. Is there anything else I can help with?',
      'No, that is all.',
    ]);
    expect(answered).toMatchObject({ status: 'resolved', category: 'information_provided' });
  });

  it('abstains when the conversation does not say how it ended', () => {
    const insights = analyze(
      chat(['Hi, how can I help?', 'My router shows a red light.', 'Which model is it?', 'The grey one.']),
    );
    expect(insights.resolution).toMatchObject({ status: 'unknown', category: 'unknown' });
    expect(insights.abstentions.find((entry) => entry.field === 'resolution')?.reason).toMatch(
      /does not say/,
    );
    expect(insights.summary.text).toMatch(/does not say how it ended/);
  });
});

describe('offline summaries tell the call in at most three evidence-backed sentences', () => {
  const rows = ['azure_customer_support_example.jsonl', 'abcd.jsonl'].flatMap((file) =>
    readFileSync(dataPath('dialogues', file), 'utf8')
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as Dialogue & { id: string }),
  );

  it.each(rows.map((row) => [row.id, row] as const))('%s', (_id, row) => {
    const conversation = conversationFromDialogue(row, row.id);
    const insights = analyze(conversation);
    const { text, evidence } = insights.summary;
    expect(sentences(text).length).toBeLessThanOrEqual(3);
    expect(text).toMatch(/^The customer /);
    expect(text).toMatch(/Outcome: /);
    // Every quote in the text is cited, and the first one is the customer's own words.
    const quotes = [...text.matchAll(/“([^”]+)”/g)].map((match) => match[1] ?? '');
    expect(quotes.length).toBeGreaterThanOrEqual(1);
    const byId = new Map(conversation.turns.map((turn) => [turn.id, turn]));
    for (const quote of quotes) {
      const cited = evidence.find((item) => item.quote.includes(quote));
      expect(cited, quote).toBeDefined();
      expect(byId.get(cited?.turnIds[0] ?? '')?.text).toContain(quote);
    }
    const problem = evidence.find((item) => item.quote.includes(quotes[0] ?? ''));
    expect(byId.get(problem?.turnIds[0] ?? '')?.role).toBe('customer');
    expect(text).not.toMatch(/raised a .* complaint about/); // the old template
  });

  it('tells the espresso-machine chat: the problem, the steps, the fix', () => {
    const row = rows.find((candidate) => candidate.id.startsWith('azure'));
    if (!row) throw new Error('the Azure example dialogue is missing');
    const text = analyze(conversationFromDialogue(row, row.id)).summary.text;
    expect(text).toMatch(/wifi connection .* didn.t work/);
    expect(text).toMatch(/The agent's fix: “The smart brew 300 can only connect to 2\.4GHz networks/);
    expect(text).toMatch(/Outcome: fixed during the contact/);
  });

  it('tells reasons given as an explanation, not as steps walked through', () => {
    const text = analyze(
      chat(
        [
          'Why did my bill go up this month?',
          'Your bill went up because the promotional discount ended.',
          'But nobody told me.',
          'We sent an email in May because the terms require notice.',
          'I never got it.',
          'It may have gone to spam because of your filters.',
        ],
        true,
      ),
    ).summary.text;
    expect(text).not.toMatch(/walked the customer through the steps/);
    expect(text).toContain('The agent explained: “Your bill went up because the promotional discount ended”');
  });

  it('quotes a question that leans back ("help me find one?") with the sentence that names its subject', () => {
    const text = analyze(
      chat(
        [
          'I am looking for an Italian restaurant in the south of town. Can you help me find one?',
          "Frankie and Benny's is in the south. I've booked your reservation there for Thursday at 17:15.",
          'Great, thanks.',
        ],
        true,
      ),
    ).summary.text;
    expect(text).toContain(
      '“I am looking for an Italian restaurant in the south of town. Can you help me find one”',
    );
    // The booking is quoted once, as what the agent did; the next step is its date.
    expect(text.split("I've booked your reservation").length).toBe(2);
    expect(text).toMatch(/next step: the booking \(Thursday/);
    const problemOf = (line: string) =>
      /The customer \w+(?: in touch)?(?: \([^)]*\))?: “([^”]*)”/.exec(
        analyze(chat([line, 'Sure.'], true)).summary.text,
      )?.[1];
    expect(problemOf("I'm looking for attractions to check out. Can you find any that I can visit?")).toBe(
      "I'm looking for attractions to check out. Can you find any that I can visit",
    );
    // "any thing else" and "one room" stand for nothing said before.
    expect(problemOf('I want a dentist in Milpitas. Is there any thing else at 10:30?')).not.toMatch(
      /^I want.*\?/,
    );
    // An @mention and the comma after it are addressing, not part of the quote.
    expect(problemOf('@acmecares , my order never arrived and nobody answers.')).toBe(
      'my order never arrived and nobody answers',
    );
    // An imperative is a request as much as "I would like".
    expect(problemOf('Find me a bus to Portland.')).toBe('Find me a bus to Portland');
  });

  it('quotes the step that fixed it, not the first step tried, when the customer says it works', () => {
    const lines = [
      'My coffee machine will not connect to the wifi.',
      'Please try holding the wifi button for 3 seconds.',
      'Done, nothing happened.',
      'Does your network have 5GHz in its name?',
      'Yes it does.',
      'The machine only connects to 2.4GHz networks. Please pick the 2.4GHz one of the same router.',
      'Ah, it works now! Thank you.',
    ];
    const text = analyze(chat(lines, true)).summary.text;
    expect(text).toContain(
      "The agent's fix: “The machine only connects to 2.4GHz networks. Please pick the 2.4GHz one of the same router”",
    );
    expect(text).toMatch(/Outcome: fixed during the contact/);
    // A question just before the fix shows nothing of what fixed it: the summary tells the steps instead.
    const asked = analyze(
      chat([...lines.slice(0, 5), 'Which router model is it?', 'It works now, thanks!'], true),
    );
    expect(asked.summary.text).not.toMatch(/The agent's fix/);
  });

  it('quotes what the agent explained, not the sympathy around it', () => {
    const text = analyze(
      chat(
        [
          'The self-service till refused my old coins. Why are you not accepting them?',
          "I get how inconvenient it is, as I'd be feeling the same.",
          'So what now?',
          'There is an extra week to use them in any of our stores.',
        ],
        true,
      ),
    ).summary.text;
    expect(text).not.toMatch(/inconvenient/);
    expect(text).toContain('There is an extra week to use them in any of our stores');
    // An apology that carries the information is still the answer.
    const apology = analyze(
      chat(
        [
          'I want an expensive Welsh restaurant.',
          'I apologise, there are no Welsh restaurants in that range.',
        ],
        true,
      ),
    ).summary.text;
    expect(apology).toContain('there are no Welsh restaurants in that range');
  });

  it("tells the agent's answer by the words it shares with the question, not the clarifying question before it", () => {
    const text = analyze(
      chat(
        [
          "I've got a promo code and I want to know when they expire.",
          'Just to verify, you already tried to use the code?',
          'No, I just want to see how long they last for.',
          'Ok, all promo codes expire after 7 days without fail.',
          'Perfect, thanks.',
        ],
        true,
      ),
    ).summary.text;
    expect(text).toMatch(/The agent answered: “Ok, all promo codes expire after 7 days without fail”/);
    expect(text).not.toMatch(/The agent asked/);
  });

  it('tells a booking already made once, with its date as the next step; a promised task as a promise', () => {
    const booked = analyze(
      chat(
        [
          'Can you find me a dentist in San Jose?',
          'I have booked an appointment for you at A J Dental Lab next Friday at 11:30 am.',
          'Thank you!',
        ],
        true,
      ),
      '2026-11-30T10:00:00Z',
    ).summary.text;
    expect(booked).toMatch(
      /The agent confirmed: “I have booked an appointment for you at A J Dental Lab next Friday at 11:30 am”/,
    );
    // Quoted once, as what the agent did; what is still to come is its date.
    expect(booked).toMatch(/next step: the booking \(next Friday\)\.$/);
    const promised = analyze(
      chat(
        ['I was charged twice for my order.', "Sorry about that, I'll process the refund by Friday."],
        true,
      ),
      '2026-11-30T10:00:00Z',
    ).summary.text;
    expect(promised).toMatch(/next step: the company will process the refund by Friday/);
  });

  it('tells a next step in reported speech: "you" is the customer, "our" the company', () => {
    const next = (lines: string[]) => /next step: (.*)\.$/.exec(analyze(chat(lines, true)).summary.text)?.[1];
    expect(
      next(['My refund never arrived.', "Sorry, I'll give you a call tomorrow once your refund is checked."]),
    ).toBe("the agent's side will give the customer a call tomorrow once the customer's refund is checked");
    expect(
      next(['The staff were wonderful.', "We'll pass your kind words on to our staff at Incheon."]),
    ).toBe("the company will pass the customer's kind words on to the company's staff at Incheon");
    expect(
      next([
        'Where is my parcel?',
        'Please check the tracking number on your receipt.',
        "Okay, I'll call you back.",
      ]),
    ).toBe('the customer may call the company back');
    // A promise whose subject is "you" is what the customer will receive.
    expect(next(['Did my refund go through?', 'Yes, you will get an email confirmation tomorrow.'])).toBe(
      'the customer will get an email confirmation tomorrow',
    );
    // A modal goes with the subject: not "the customer is to should check out…".
    expect(next(['Any attractions nearby?', 'You should check out the Alcatraz tour on Friday.'])).toBe(
      'the customer is to check out the Alcatraz tour on Friday',
    );
  });

  it('quotes a sentence split across two numbered messages whole, each part as its own evidence', () => {
    const split = analyze(
      conversationFromDialogue(
        {
          turns: [
            {
              speaker: 'customer',
              text: '@IHGService staying with you in Glasgow. Your menu has nothing for vegans!',
            },
            {
              speaker: 'agent',
              text: '@210404 1/2 I am sorry to hear this. I called the hotel and informed them of your concern. They will be reaching out to you shortly to',
            },
            { speaker: 'agent', text: '@210404 2/2 discuss this further. Thanks for your time. ^jl' },
          ],
        },
        'chat',
      ),
    );
    expect(split.summary.text).toMatch(/“They will be reaching out to you shortly to discuss this further”/);
    expect(split.summary.evidence.map((item) => item.quote)).toEqual(
      expect.arrayContaining(['They will be reaching out to you shortly to', 'discuss this further.']),
    );
    // Two casual messages without a full stop are two messages, not one sentence.
    const casual = analyze(
      chat(
        [
          'hey my computer just stopped working after updating whats going on',
          'i cant even contact customer support on my laptop or phone',
          'Which version of Windows are you using?',
        ],
        true,
      ),
    );
    expect(casual.summary.text).not.toMatch(/going on i cant/);
  });

  it('quotes no agent\'s signature ("- David", "^HP", "1 ^RR"), and keeps a hyphenated name whole', () => {
    const signed = analyze(
      chat(
        [
          '@ArgosHelpers When will I get confirmation of dispatch?',
          '@450760 Please DM us your order details so we can check - Sheree',
          '@ArgosHelpers where is the new album Peek-A-Boo',
        ],
        true,
      ),
    );
    expect(signed.summary.text).not.toMatch(/Sheree/);
    expect(signed.summary.text).toMatch(/“Please DM us your order details so we can check”/);
    const glued = analyze(
      chat(
        ['My phone screen is bleeding.', "DM us and we'll check this out: https://t.co/x1 *DanKing"],
        true,
      ),
    );
    expect(glued.summary.text).toMatch(/“DM us and we'll check this out”/);
    const album = analyze(
      chat(["I can't find Red Velvet's new album Peek-A-Boo", 'Which app are you using? ^HP'], true),
    );
    expect(album.summary.text).toMatch(/Peek-A-Boo”/);
  });

  it('quotes the step after a short thank-you as the fix, with "[link]" for a link inside it', () => {
    const insights = analyze(
      chat(
        [
          'When I sync music from iTunes it changes to the wrong artwork all the time.',
          "Thanks for clarifying. Let's work through the steps here: https://t.co/Qzoz3MATdz DM us if the issue continues.",
          "I've found a solution! Thanks",
        ],
        true,
      ),
    );
    expect(insights.summary.text).toMatch(
      /The agent's fix: “Let's work through the steps here: \[link\] DM us if the issue continues”/,
    );
    // The evidence keeps the words as said.
    expect(insights.summary.evidence.map((item) => item.quote).join(' ')).toMatch(
      /https:\/\/t\.co\/Qzoz3MATdz/,
    );
  });

  it('tells a question as asked and a closing as nothing explained', () => {
    const text = analyze(
      chat(
        [
          'My delivery went to the wrong room of the house, why does the website say a room of your choice?',
          'Do you have an order number you can give me, please? Let us know if there is anything else we can do.',
          'Sure.',
        ],
        true,
      ),
    ).summary.text;
    expect(text).toMatch(/The agent asked: “Do you have an order number you can give me, please”/);
    expect(text).not.toMatch(/The agent explained/);
  });

  it('takes the problem from what the agent apologises for, even without a problem word', () => {
    const text = analyze(
      chat(
        [
          'A slug came out of my cauliflower when I cut it!',
          "Hi, I'm sorry that you found a slug eating your cauliflower. I will arrange a refund.",
          'You can pass on my details, shall I direct message them to you?',
          'Yes please, send me your full name and address.',
        ],
        true,
      ),
    ).summary.text;
    expect(text).toMatch(/^The customer [^“]*: “A slug came out of my cauliflower when I cut it/);
  });

  it('reads "we\'re unable to offer" as a refusal', () => {
    const insights = analyze(
      chat(
        [
          'I missed my connecting flight because of your staffing and it cost me money.',
          "We're sorry your flight was missed, but we're unable to offer anything further.",
        ],
        true,
      ),
    );
    expect(insights.resolution.category).toBe('declined');
    expect(insights.summary.text).toMatch(/The agent said it could not be done/);
  });
});

describe('offline sentiment and satisfaction', () => {
  it('hears "that would be great" as a request, "perfect, that worked" as satisfaction', () => {
    const emotionsOf = (line: string) =>
      analyze(chat([line, 'Let me check.'], true)).emotions.map((emotion) => emotion.emotion);
    expect(
      emotionsOf("I'd like my issue resolved today, so if you could respond now, that would be great."),
    ).not.toContain('satisfaction');
    expect(emotionsOf('Perfect, that worked!')).toContain('satisfaction');
  });

  it('reads sarcasm and reproach as negative and "great difficulty" as no praise', () => {
    expect(scoreText('Shame on you, thanks for nothing.').score).toBeLessThan(-0.5);
    expect(scoreText('Such a great job guys. NOT!').score).toBeLessThan(-0.3);
    expect(scoreText('I love how you can not help your own customer.').score).toBeLessThan(-0.3);
    // Praise taken back at once.
    expect(scoreText('Well done, Bravo!! Oh, except that is the law.').score).toBeLessThan(0);
    expect(scoreText('Great, except it still crashes every morning.').score).toBeLessThan(0);
    expect(scoreText('Great, thank you so much!').score).toBeGreaterThan(0);
    // The kind of film asked for is not the customer's mood; being scared is.
    expect(scoreText('A scary one.').score).toBe(0);
    expect(scoreText('I want to watch a sad movie tonight.').score).toBe(0);
    expect(scoreText('This is scary, my account was hacked.').score).toBeLessThan(0);
    expect(
      scoreText('A frail elderly person would have great difficulty with these steps.').score,
    ).toBeLessThan(0);
    expect(scoreText("I'll leave it there and drop it off tomorrow.").score).toBe(0);
    // "super" before a word only intensifies it; alone it praises.
    expect(scoreText("I'm super considering ditching you guys.").score).toBeLessThanOrEqual(0);
    expect(scoreText('That was super!').score).toBeGreaterThan(0);
    expect(scoreText('Super helpful, thanks.').score).toBeGreaterThan(0);
  });

  it('is mixed only when clearly negative and clearly positive speech both occur', () => {
    const mildlyNegative = analyze(
      chat(
        [
          'My parcel is a day late.',
          'Sorry about that, it is out for delivery today.',
          'Great, thank you so much, that is brilliant!',
        ],
        true,
      ),
    );
    expect(mildlyNegative.sentiment.customer.label).toBe('positive');
    const both = analyze(
      chat(
        [
          'This is ridiculous, I am furious, the worst service ever!',
          'I am so sorry, I have refunded you in full.',
          'Oh wow, thank you so much, that is brilliant, really appreciate it!',
        ],
        true,
      ),
    );
    expect(both.sentiment.customer.label).toBe('mixed');
    expect(both.satisfaction.predictedScore).not.toBeNull();
  });

  it('counts emphatic thanks towards satisfaction and cites it, whatever the last words are', () => {
    // The end of the real auto-repair call: thanks in the middle of the closing, then short neutral words.
    const insights = analyze(
      chat(
        [
          'My oil light is still on after the service and I do not know why.',
          'They forgot to reset it. Hold both buttons for ten seconds.',
          'It is off now. That is great. Thank you so much, you saved me a trip.',
          'You are welcome. Anything else I can do for you today?',
          'No, that is it.',
          'Okay, have a good one.',
          'All right, bye.',
        ],
        true,
      ),
    );
    expect(insights.satisfaction.label).toBe('satisfied');
    expect(insights.satisfaction.evidence[0]?.quote).toMatch(/thank you so much/i);
  });
});

describe('offline complaint or question', () => {
  const opening = (text: string) =>
    analyze(chat([text, 'Thanks for reaching out, let me look into that for you.'], true)).complaint
      .isComplaint;

  it('hears a yes/no question about a possible problem as a question, and a "why" question as a grievance', () => {
    expect(
      opening('@Airline is flight AK 377 really cancelled today? I got a text but the dates are confusing.'),
    ).toBe(false);
    expect(opening('Why was my flight cancelled today?')).toBe(true);
    expect(opening('Is there a reason my flight was cancelled today?')).toBe(true);
    expect(opening('I updated my phone to iOS 11 and it is not compatible with the app.')).toBe(true);
  });

  it('reads "never works" like "does not work"', () => {
    expect(opening('Third time I chat for this. You tell me to update, again and again. Never works.')).toBe(
      true,
    );
  });
});

describe('offline rules know the channel and the common phrasings', () => {
  it('passes a closing and an identity check said in other words; voice-only rules do not apply to chats', () => {
    const insights = analyze(
      chat([
        'Hi there, how can I help?',
        'I need to update the card on my subscription billing.',
        'Sure, can I have the email address on the account?',
        'It is sam@example.com',
        'Thanks, I have updated your card details.',
        'Great, thanks!',
        'Our pleasure. Enjoy your day.',
      ]),
    );
    const status = (id: string) => insights.compliance.find((result) => result.ruleId === id)?.status;
    expect(status('proper_closing')).toBe('pass');
    expect(status('identity_verification')).toBe('pass');
    expect(status('recording_disclosure')).toBe('not_applicable');
  });
});

describe('offline promises and appointments', () => {
  it("finds the customer's tentative callback and the booked appointment with its date", () => {
    const insights = analyze(
      chat(
        [
          'Hi, the car I bought two weeks ago makes a grinding noise when I brake.',
          'I am sorry to hear that. I can book you an 8 a.m. appointment two days from now.',
          'That works, but I might have to call you back just to finalize the appointment.',
          'No problem, just call us back.',
        ],
        true,
      ),
      '2024-03-11T10:00:00Z',
    );
    const customerPromise = insights.callbackPromises.find((promise) => promise.promisedBy === 'customer');
    expect(customerPromise?.promise).toMatch(/call you back/);
    const appointment = insights.actionItems.find((item) => /appointment/.test(item.task));
    expect(appointment).toMatchObject({ owner: 'company', due: 'two days from now', dueDate: '2024-03-13' });
  });
});

describe('offline appointments read back for confirmation', () => {
  it('keeps the appointment the customer agreed to, not one they turned down', () => {
    const insights = analyze(
      chat(
        [
          'I would like to book a salon appointment on March 10th.',
          'Okay, confirm these details for me: you would like an appointment for March 10th at 5:15 pm at Elle Lui.',
          'No, I would like to go on Friday next week.',
          'Please confirm these details: the appointment is March 8th at Elle Lui.',
          'Yes that sounds fine.',
          'The appointment has been confirmed for you.',
        ],
        true,
      ),
    );
    const appointments = insights.actionItems.filter((item) => /appointment/.test(item.task));
    expect(appointments.map((item) => item.task)).toEqual(['the appointment is March 8th at Elle Lui']);
    expect(insights.summary.text).not.toMatch(/March 10th at 5:15/);
  });

  it('makes no appointment of words from two sentences or of a condition', () => {
    const insights = analyze(
      chat(
        [
          "I won't schedule an appointment, I'm only renting this house.",
          "I'm truly sorry we've made you feel this way. If you change your mind and decide to schedule an appointment, we are here 24/7.",
        ],
        true,
      ),
    );
    expect(insights.actionItems.filter((item) => /appointment/.test(item.task))).toEqual([]);
  });
});

describe('topics with descriptions and examples, an honest other, a meaningful confidence', () => {
  const taxonomy = [
    {
      id: 'late_delivery',
      description: 'An order or parcel has not arrived on time',
      examples: ['Where is my parcel?', 'My order was due yesterday and still is not here'],
    },
    {
      id: 'damaged_item',
      description: 'Something arrived broken or damaged',
      examples: ['The vase arrived smashed', 'The box was crushed and the lamp is broken'],
    },
    { id: 'password_reset', examples: ['I forgot my password', 'The reset email never comes'] },
  ];
  const matcher = new TopicMatcher(taxonomy);
  /** The default taxonomy's primary topic of a chat whose customer speaks first. */
  const topicOf = (lines: readonly string[]) => analyze(chat(lines, true)).intent.primary.topicId;

  it('matches by example phrases and descriptions, more confident when one topic clearly wins', () => {
    const clear = matcher.match(['My parcel still has not arrived, it was due on Monday'])[0];
    expect(clear?.topicId).toBe('late_delivery');
    const vague = matcher.match(['The order arrived and the box is damaged'])[0];
    expect(vague?.topicId).toBe('damaged_item');
    expect(clear?.confidence ?? 0).toBeGreaterThan(0.5);
    expect(TopicMatcher.abstains(matcher.match(['What is the weather like in Lisbon?'])[0])).toBe(true);
  });

  it('says other, with the reason, when nothing in the call speaks for a topic', () => {
    const topical = new HeuristicAnalyzer({ taxonomy });
    const conversation = chat(['Hello!', 'Hi, do you sell garden furniture?', 'We do, yes.', 'Thanks, bye.']);
    const insights = finalizeInsights(topical.analyze(conversation), conversation, 'heuristic');
    expect(insights.intent.primary).toMatchObject({ topicId: 'other', confidence: 0 });
    expect(insights.abstentions.some((entry) => entry.field === 'intent')).toBe(true);
  });

  it('names no topic without a word of it to quote, however the spelling pieces overlap', () => {
    // Off-topic speech (a real clip of the dev set); with the default taxonomy its letter sequences
    // still score a little for "billing", but none of its words is a billing word.
    const conversation = chat(
      [
        'Skills and abilities: Batman has no inherent superpowers. He relies on his own scientific knowledge and athletic prowess.',
        'I see.',
      ],
      true,
    );
    const insights = finalizeInsights(
      new HeuristicAnalyzer().analyze(conversation),
      conversation,
      'heuristic',
    );
    expect(insights.intent.primary).toMatchObject({ topicId: 'other', confidence: 0, evidence: [] });
    const billing = chat(
      ['I was charged twice on my bill this month.', 'Let me look into that for you.'],
      true,
    );
    const named = finalizeInsights(new HeuristicAnalyzer().analyze(billing), billing, 'heuristic');
    expect(named.intent.primary.topicId).toBe('billing');
    expect(named.intent.primary.evidence[0]?.quote).toMatch(/charged|bill/);
  });

  it('hears "charge" said of a battery as no billing matter', () => {
    expect(
      topicOf([
        "The vibration on my controller doesn't work in one game.",
        'Is the controller fully charged?',
        'It is fully charged and the charger is new.',
      ]),
    ).not.toBe('billing');
    expect(topicOf(["You didn't charge me the discount price, I was charged twice.", 'Let me check.'])).toBe(
      'billing',
    );
  });

  it("hears a business's phone number or address asked for as no change to the customer's own details", () => {
    expect(
      topicOf([
        'I am looking for a place to swim in Cambridge.',
        'There are four, including Parkside Pools in the centre.',
        'May I have their phone numbers and the address, please?',
      ]),
    ).not.toBe('account_update');
    expect(topicOf(['I moved house and need to change my address and my phone number.', 'Sure.'])).toBe(
      'account_update',
    );
    expect(topicOf(['Please update the email address on my account.', 'Sure.'])).toBe('account_update');
  });

  it('takes no topic from how the chat moves to private messages ("shall I direct message them to you?")', () => {
    expect(
      topicOf([
        '@Tesco a slug came out of this cauliflower when we cut it!',
        'I will log your feedback and arrange a refund. Do we have your permission to pass your details to our suppliers?',
        'You can pass on my details, shall I direct message them to you?',
      ]),
    ).not.toBe('fraud_security');
  });

  it('names no topic on one incidental word of an example sentence, but does on a name word or two example words', () => {
    // JFK's "ask" is a word of the default fraud topic's example "a suspicious message asking for my
    // details", and the only word of the sentence the taxonomy knows: before, "fraud and security" at 0.86.
    const speech = chat(
      [
        'And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.',
      ],
      true,
    );
    const insights = finalizeInsights(new HeuristicAnalyzer().analyze(speech), speech, 'heuristic');
    expect(insights.intent.primary).toMatchObject({ topicId: 'other', confidence: 0, evidence: [] });

    const defaults = new TopicMatcher(DEFAULT_TAXONOMY);
    expect(defaults.grounded('fraud_security', ['Ask what you can do for your country'])).toBe(false);
    expect(defaults.grounded('fraud_security', ['I think this was a scam'])).toBe(true); // a keyword
    expect(defaults.grounded('fraud_security', ['Someone used my card without permission'])).toBe(true); // two example words
    // A word of a multi-word keyword is not a name word: "phone" alone does not name account details.
    expect(defaults.grounded('account_update', ['What is their phone?'])).toBe(false);
    expect(defaults.grounded('account_update', ['I need to change my phone number'])).toBe(true);
  });
});
