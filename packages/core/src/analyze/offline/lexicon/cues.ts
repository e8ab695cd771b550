import type { ComplaintType, EmotionName } from '../../../schema/insights.js';

/**
 * Phrase patterns the offline analyzer looks for, written against the *match form* of a turn
 * (lowercase, straight apostrophes). Each list is general service language, not tied to any data set:
 * speech-to-text output and chat both appear, so patterns avoid relying on punctuation.
 */

const NOT = "(?:not|n't|never|no longer)";

/** "Why" questions aimed at the company are grievances ("why was I charged", "is there a reason my card was declined"). */
export const GRIEVANCE_QUESTION =
  /\bwhy (?:is|are|was|were|did|does|do|has|have|would|won't|can't|isn't|aren't|didn't|doesn't|haven't|hasn't)\b|\bis there (?:a|any) reason\b/;

/** The customer reports something wrong (a complaint rather than a question). */
export const PROBLEM_CUES: readonly RegExp[] = [
  new RegExp(
    `\\b(?:is|are|was|were|does|do|did|has|have|will|would|can|could)?${NOT} ?(?:\\w+ )?(?:works?|working|loads?|loading|connects?|connecting|arrives?|arrived|turns? on|charges?|charging|syncs?|syncing|shows?|showing|opens?|responds?|responding)\\b`,
  ),
  /\b(?:won't|wont|cannot|can't|cant|unable to|couldn't|not able to)\b/,
  /\b(?:error|errors|bug|bugs|glitch|crash\w*|freez\w*|broken|broke|faulty|defective|damaged|outage|down again|stopped|incompatible|not compatible|no longer supported)\b/,
  /\b(?:charged|overcharged|double charged|billed)\b/,
  /\b(?:delayed|late|cancell?ed|missed|missing|lost|stolen|never (?:received|arrived|came|got))\b/,
  /\b(?:still (?:waiting|not|no|haven't|hasn't)|been waiting|on hold|no (?:response|reply|answer))\b/,
  /\b(?:wrong|incorrect|mistake|trouble)\b|(?<!\b(?:no|any|a|not an?) )\b(?:problem|issue)s?\b(?! (?:has|have|is|was) (?:been )?(?:solved|resolved|fixed|sorted))/,
  GRIEVANCE_QUESTION,
  /\b(?:not|never|haven't|hasn't|didn't) (?:heard|had) (?:back|anything|a (?:reply|response|word))|\bsilence\b|\bgo(?:es)? away\b/,
  /\b(?:rude|unhelpful|useless|terrible|awful|horrible|worst|ridiculous|unacceptable|disgrace\w*|joke)\b/,
  /\bstill (?:on|off|there|showing|down|broken|happening|the same|wrong|stuck|unavailable)\b|\b(?:don't|do not|didn't) (?:know|understand) why\b/,
  /\b(?:complain\w*|dispute)\b/,
];

/** The customer asks for information or how to do something. */
export const QUESTION_CUES: readonly RegExp[] = [
  /\b(?:how (?:do|can|does|long|much|many|to)|what (?:is|are|does|time|if)|when (?:will|does|is|can)|where (?:can|do|is)|which|is (?:it|there) (?:possible|a way)|can i|could i|do you (?:have|know|offer)|are you|is there|are there|will there|(?:i'm|i am|i was) wondering|i wonder)\b/,
  /\?/,
];

/** The customer asks for something to be done (a request rather than a grievance). */
export const REQUEST_CUES: readonly RegExp[] = [
  /\b(?:i(?: need| want| would like|'d like| am looking for|'m looking for| am trying to|'m trying to)|(?:can|could|would) you (?:please )?(?:help|tell|check|change|book|send|find|confirm|let|advise|assist|explain|give)|please (?:help|advise|confirm|tell|let me know|check)|need (?:help|assistance|some help)|help me|looking for|(?:wanted|want|like|need) to (?:check|know|ask|find out|see|confirm)|check(?:ing)? on)\b/,
  // An imperative request ("Find me date events", "Book me a table for two"), as said to a booking assistant.
  /(?:^|[.!?]\s+)(?:please |now |also |ok,? |okay,? )?(?:find|book|get|show|search|look up|reserve|schedule) (?:me|us)\b/,
];

/** Genuine gratitude or praise, as opposed to a formulaic "thanks". */
export const STRONG_GRATITUDE_CUES: readonly RegExp[] = [
  /\bthank(?:s| you)(?: (?:so|very) much| a (?:lot|million|ton)| again)\b/,
  /\b(?:really|truly|much|greatly|very much) appreciat\w*\b/,
  /\bappreciate (?:it|that|this|your|the|all)\b[^.!?\n]{0,60}?\b(?:help|effort|support|time)\b/,
  /\b(?:grateful|lifesaver|life saver|you(?:'re| are) (?:the best|a star|amazing|awesome|great)|you guys rock|you rock)\b/,
  /\b(?:excellent|exceptional|outstanding|amazing|fantastic|brilliant|great|wonderful) (?:service|staff|support|job|help|team|company|experience)\b/,
  /\b(?:staff|team|service|you) (?:have been|has been|were|was) (?:excellent|exceptional|amazing|fantastic|brilliant|great|wonderful|so helpful|very helpful)\b/,
];

export const POLITE_THANKS_CUES: readonly RegExp[] = [/\b(?:thank(?:s| you)?|thx|ty|cheers|appreciate it)\b/];

/** Emotion cues per emotion; intensity comes from the cue strength and the turn's sentiment. */
export const EMOTION_CUES: Record<Exclude<EmotionName, 'gratitude'>, readonly RegExp[]> = {
  anger: [
    /\b(?:angry|furious|livid|outraged|pissed|fuming|mad at|hate you|disgrace\w*|disgusted|disgusting|f+u+c+k\w*|shit\w*|wtf|damn\w*|bullshit|crap)\b/,
    /😡|🤬|😠|👿/u,
  ],
  frustration: [
    /\b(?:frustrat\w*|annoy\w*|fed up|sick (?:and tired )?of|tired of|had enough|ridiculous|unacceptable|useless|pathetic|ugh+|again and again|every (?:single )?time|(?:third|3rd|fourth|4th|fifth|5th) time|how many times|keeps? (?:happening|crashing|failing)|still not|still no)\b/,
    /😤|😩|😫|🙄|😒/u,
  ],
  impatience: [
    /\b(?:how long|still waiting|been waiting|waiting for (?:hours|days|weeks|ages)|any update|asap|right now|immediately|hurry|urgent(?:ly)?|(?:hours|days|weeks) (?:now|later|ago)|on hold for)\b/,
  ],
  confusion: [
    /\b(?:confus\w*|don't understand|do not understand|doesn't make sense|makes no sense|not sure (?:what|how|why|if)|unclear|misleading|conflicting|which is (?:correct|right)|what does (?:that|this|it) mean)\b/,
  ],
  anxiety: [
    /\b(?:worried|worrying|concerned|scared|afraid|nervous|anxious|panic\w*|stressed|stressful|desperate)\b/,
  ],
  disappointment: [
    /\b(?:disappoint\w*|let down|expected (?:better|more)|used to be|shame|sad(?:ly)?|unfortunately|not (?:happy|impressed|pleased))\b/,
    /😞|😢|😭|😔|☹|🙁|💔/u,
  ],
  satisfaction: [
    // "That would be great" asks for something; it does not say the customer is pleased.
    /\b(?<!\b(?:would|'d|will|could|should) be )(?:perfect|great|awesome|excellent|brilliant|fantastic|happy with|love it|works? (?:now|again|perfectly|fine|great)|(?:that|it) (?:worked|fixed it|helped)|all (?:set|good|sorted)|problem solved)\b/,
    /😀|😃|😄|😁|😊|🙂|😍|👍|🙌|🎉/u,
  ],
  relief: [/\b(?:phew|finally|relieved|what a relief|that's a relief|thank god|thank goodness)\b/],
};

/** The customer threatens to leave, go public, or take it further. */
export const CHURN_CUES: readonly RegExp[] = [
  /\b(?:cancel (?:my|the) (?:account|subscription|contract|service|membership|plan)|close my account|switch(?:ing)? (?:to|provider|carrier|bank)|leave (?:you|for)|never (?:fly|shop|use|buy|order|book)\w* (?:with |from )?(?:you|again)|take my business|go(?:ing)? elsewhere|last time i)\b/,
];
export const SUPERVISOR_CUES: readonly RegExp[] = [
  // A manager of the company, not a job in a compound ("the train manager was busy", "my account manager").
  /\b(?:(?:a|an|your|my|our|the) (?:supervisor|manager|boss|team leader|line manager)|(?:speak|talk) to someone (?:else|senior|in charge)|someone senior|someone in charge|escalate|escalation|formal complaint|complaints department)\b/,
];
export const LEGAL_CUES: readonly RegExp[] = [
  /\b(?:lawyer|attorney|legal action|sue|court|ombudsman|regulator|trading standards|better business bureau|bbb|fcc|ftc|consumer (?:rights|protection)|report you|chargeback)\b/,
];
export const REPEAT_CONTACT_CUES: readonly RegExp[] = [
  /\b(?:(?:second|third|fourth|fifth|2nd|3rd|4th|5th|another|multiple|several|many) (?:time|times|call|calls|attempt)|called (?:before|already|yesterday|last week|twice|several times)|already (?:called|contacted|tried|spoke|told|explained|sent)|again and again|keep (?:calling|asking|getting)|still (?:waiting|not|no|haven't))\b/,
];

/** Something was fixed or done during the contact. */
export const FIXED_CUES: readonly RegExp[] = [
  // Not how things were before the problem ("everything was working fine prior to the update") nor how they are
  // elsewhere ("the drive works fine on my other PC").
  /(?<!\b(?:was|were|been|used to be) )\b(?:works? (?:now|again|perfectly|fine|great)|working (?:now|again|fine))\b(?! (?:prior to|before|until|till|on (?:my|another|the other|other|a different)|with (?:my|another|the other|other|a different)|in (?:another|other|a different))\b)/,
  /\b(?:(?:that|it|this) (?:worked|fixed it|did it|did the trick|solved it|helped)|(?:problem|issue|it)(?:'s| is| has been) (?:fixed|solved|resolved|sorted)|(?:fixed|sorted|solved|resolved) it|managed to|found a solution|all (?:set|good|sorted)|got it (?:working|sorted))\b/,
];
/** The agent acknowledges that it works now ("Glad you've managed to connect now", "glad to hear it's working"). */
export const FIX_ACKNOWLEDGED_CUES: readonly RegExp[] = [
  /\bglad (?:to (?:hear|see|know) )?(?:that )?(?:you(?:'ve| have)? (?:managed|got it (?:working|sorted|fixed)|been able to)|(?:it's|it is|that's|that is|everything's|everything is|all is|you're|you are) (?:now )?(?:working|sorted|fixed|resolved|back up|up and running|all set|connected)|(?:it|that|this) (?:worked|helped|fixed it|did the trick))\b/,
];
/** A transaction the customer wanted was completed (a reference or confirmation number counts as proof). */
export const TRANSACTION_DONE_CUES: readonly RegExp[] = [
  /\b(?:reference|confirmation|booking) (?:number|code|no\.?|#)[: ]+(?=[a-z0-9-]*\d)[a-z0-9-]{4,}\b/,
  /\b(?:your|the) (?:reference|confirmation|booking|reservation|order|ticket) (?:number|code|id)\b(?: is|'s|:)/,
  /\b(?:you(?:'re| are)|that's|it's|everything's|everything is) (?:all )?(?:set|booked|confirmed|done)\b/,
  // The agent or the company did it: "we have booked a Red Skoda to take you…", "I booked you into the Avalon".
  /\b(?:i|we)(?:'ve| have|'ve just| have just| just)? (?:gone ahead and )?(?:booked|scheduled|reserved|set up|put you down|got you down) (?:you|that|it|an?|the|your)\b/,
  // "I got the appointment for you", "I got you booked", "you have a reservation now": said of the customer, with
  // "for you", "you" or "now" (not "I've got your booking here", an agent looking one up).
  /\b(?:i|we)(?:'ve| have)? got (?:you (?:booked|scheduled|reserved|down|in)\b|(?:you )?(?:a|an|the|your) (?:\w+ )?(?:appointment|booking|reservation|table|room|seats?|tickets?) for you\b)|\byou (?:now have (?:a|an) (?:\w+ )?(?:reservation|booking|appointment)|have (?:a|an) (?:\w+ )?(?:reservation|booking|appointment) now)\b/,
  // "I was finally able to book your visit": being able to is having done it.
  /\b(?:i|we)(?: was| were|'ve been| have been) (?:finally |now )?able to (?:book|reserve|schedule|process|complete|cancel|change|update|refund|issue|transfer|send|place|arrange|add|set up|get you)\b/,
  // "The transfer was successful", "all booked for you", "added to your calendar".
  /\b(?:is|are|has been|have been|was|were) (?:(?!not |never )\w+ )?successful\b|\ball (?:booked|set|sorted|done) for you\b|\b(?:added|applied|credited) (?:it |that |this )?(?:to|on) your (?:calendar|account|booking|order|card|bill)\b/,
  // What was asked to be played is playing: "The song is now playing", "Your movie will begin playing shortly".
  /\b(?:is|are) (?:now )?playing\b|\b(?:started|begun|began|will (?:begin|start)|has started|have started) (?:to play|playing)\b|\bnow playing\b/,
  // A confirmation sent is proof; a confirmation number asked for ("DM us your confirmation number") is not.
  // In the present tense only a resulting state is news ("your table is booked"): a process verb says how things
  // are done ("refunds are processed within 5 days", "the bag is made from recycled plastic"), not that it was.
  /\b(?:(?:has been|have been|was|were|been) (?:successfully )?(?:booked|reserved|confirmed|scheduled|placed|processed|completed|made|purchased|transferred|sent|issued|refunded|cancell?ed|updated|changed|activated|submitted)|(?:is|are) (?:now )?(?:successfully )?(?:booked|reserved|confirmed|scheduled|completed|cancell?ed|activated)|successfully|(?:sent|send|sending|emailed|receive|get) (?:you )?(?:a |the |your )?confirmation\b|(?:i|we)(?:'ve| have) (?:booked|reserved|processed|issued|refunded|cancell?ed|updated|changed|sent|made|placed|scheduled|arranged|applied|added|credited)|your (?:booking|reservation|order|appointment|transfer|payment|refund) (?:is|has been) (?:confirmed|made|complete|placed|processed|set))\b/,
];
/**
 * Bad news said as such. A completion phrase in the same sentence reports what happened to the customer, not
 * what the agent did for them: "Sorry, yes the flight is cancelled". An apology for the wait is courtesy, not
 * bad news ("Sorry for the wait, your table is booked").
 */
export const BAD_NEWS_CUES: readonly RegExp[] = [
  /\b(?:sorry|unfortunately|(?:i'm|i am|we're|we are) afraid|apologi[sz]e|apologies|regret to)\b(?! (?:for|about) (?:the |your )?(?:wait|waiting|delay|hold|that|keeping))/,
];
/**
 * What was asked for is taken by others: "Both of these hotels are booked", "they are all booked". Said of the
 * things themselves (plural, or "both/all/none"), not of the customer's booking ("your table is booked").
 */
export const TAKEN_CUES: readonly RegExp[] = [
  /\b(?:both|all|they|those|these|none)\b[^.!?\n]{0,40}? (?:are|were) (?:all |fully |already )?booked\b(?! for you)/,
];
/** The request could not be met: a refusal or an inability (a plain "it is not refundable" is information). */
export const DECLINED_CUES: readonly RegExp[] = [
  ...TAKEN_CUES,
  /\b(?:i|we)(?:'m| am|'re| are)? (?:afraid (?:i|we) )?(?:can't|cannot|couldn't|could not|was unable to|were unable to|am unable to|are unable to|unable to|won't be able to|wasn't able to|weren't able to|was not able to|were not able to|not able to|are not able to|do not|don't|no longer) (?:\w+ ){0,2}?(?:book|reserve|make|process|complete|schedule|refund|cancel|change|accept|approve|offer|help|assist|find|issue|replace|transfer|fix|get|provide|give|share|release|extend|waive|reverse|send|guarantee|honou?r|allow|arrange|support|ship|deliver|sell|stock|carry)\b/,
  /\b(?:is|are|isn't|aren't) (?:not )?(?:available|possible|supported|permitted|allowed) (?:in your|for your|at this|on this|to you)\b|\b(?:not|isn't) (?:something|a service) (?:we|that we) (?:offer|provide|can)\b/,
  /\b(?:booking|reservation|payment|transaction|transfer|order|request|appointment|purchase)s? (?:has |have )?(?:failed|was unsuccessful|were unsuccessful|(?:was|were|has not been|have not been)(?: not|n't) successful|didn't go through|did not go through|could not be (?:made|completed|processed)|was declined|was rejected)\b/,
  /\b(?:not eligible|(?:can't|cannot|unable to) accept|no (?:availability|seats|rooms|tables|slots) (?:left|available)|fully booked|sold out)\b/,
  // "I don't have anything else available", "nothing is available then".
  /\b(?:(?:don't|do not) have (?:anything|any \w+)(?: else| more| other)? available|nothing (?:else |more )?(?:is )?available)\b/,
];
/**
 * Words that open a clause of condition or time: what follows in that clause has not happened ("I'll be here once
 * everything is done rebooting", "if we can't find it, …", "when the upgrade has been completed").
 */
const SUBORDINATE_OPENERS = /\b(?:once|when|whenever|after|as soon as|until|till|unless|if|before|in case)\b/;

/** Whether the clause a cue stands in (from the last comma, semicolon or colon before it) opens with one of those words. */
export function inSubordinateClause(sentence: string, cueStart: number): boolean {
  const before = sentence.slice(0, cueStart).toLowerCase();
  const clauseStart = Math.max(before.lastIndexOf(','), before.lastIndexOf(';'), before.lastIndexOf(':'));
  return SUBORDINATE_OPENERS.test(before.slice(clauseStart + 1));
}

/** The matter continues after the contact (ticket, callback, investigation, private message). */
export const FOLLOW_UP_CUES: readonly RegExp[] = [
  /\b(?:(?:we|i|someone|they|a (?:member|colleague|specialist|technician|team)\w*)(?:'ll| will) (?:be (?:reaching out|in touch|contacting you|calling you|getting back)|get back|call you|contact you|reach out|follow up|look into|investigate|be in touch|send you|email you|update you|give you a call)|(?:send|drop) (?:us|me) a (?:dm|direct message|private message)|dm (?:us|me|your)|(?:raised|opened|created|logged) (?:a )?(?:ticket|case|complaint|report)|(?:ticket|case) (?:number|id)|within \d+ (?:hours|days|business days|working days)|escalat\w*|passed (?:this|it) (?:on|along)|forwarded)\b/,
];
/** The agent hands the customer to another department or colleague. */
export const TRANSFER_CUES: readonly RegExp[] = [
  /\b(?:transfer(?:ring)? you|put you through|connect(?:ing)? you (?:with|to)|pass(?:ing)? you (?:over |on )?to|(?:call(?:ing)?|contact(?:ing)?|reach(?:ing)? out to|speak(?:ing)? (?:to|with)|get(?:ting)? in touch with) (?:our|the|their) (?:\w+ ){0,2}(?:department|team|desk|store|branch|office|line)|(?:they|that team|that department|the \w+ (?:team|department)) (?:will|would|can|should) be able to (?:help|advise|assist))\b/,
];

/** The agent checks whether anything else is needed: the contact is closing. */
export const ANYTHING_ELSE_CUES: readonly RegExp[] = [
  /\b(?:anything else|anything more|something else|(?:how|what) else (?:can|may|could) (?:i|we) (?:help|do|assist)|any other (?:questions?|concerns?|issues?)|(?:is there|can i help with) (?:anything|something) (?:else|more))\b/,
];

/** The customer closes contentedly ("that's all I need", "I'm set", "all good"). */
export const CONTENT_CLOSE_CUES: readonly RegExp[] = [
  /\b(?:that(?:'s| is| was| will be) (?:all|everything|it)|that'?ll be all|i'm (?:set|good|all set)|all good|no,? (?:that's|thats) (?:it|all)|that's (?:great|perfect|fine|helpful)|sounds (?:good|great)|(?:that|this|you) (?:helped|answered|saved)|(?:makes|made) (?:sense|a lot of sense)|perfect|great,? thanks?)\b/,
];

/** The customer signals the issue is not solved at the end. */
export const STILL_UNRESOLVED_CUES: readonly RegExp[] = [
  /\b(?:no luck|still (?:not|no|doesn't|won't|isn't|can't|haven't|the same)|(?:didn't|doesn't|did not|does not) (?:help|work|fix)|same (?:problem|issue|result)|nothing (?:happened|changed|works)|that's not (?:what|helpful)|not (?:helpful|resolved|fixed|solved)|useless|forget it|i give up)\b/,
];
/** The customer asked only for information and got it. */
export const INFORMATION_CUES: readonly RegExp[] = [
  /\b(?:you can|you'll need to|you will need to|you need to|you(?:'re| are) (?:going to|gonna) (?:want to |need to )?(?:see|press|hold|go|turn|tap|click|find)|you'll want to|all you (?:need|have) to do|the (?:best|easiest) way|here(?:'s| is) (?:how|the|a link)|it (?:is|costs|takes)|there(?:'s| is| are)|(?:opens|closes) at|available (?:on|at|from|in)|check out|please (?:visit|see|refer|follow|go to))\b/,
];

/** Agent phrases that show empathy. */
export const EMPATHY_CUES: readonly RegExp[] = [
  /\b(?:sorry (?:to (?:hear|learn|see|read)|about|for|that)|(?:i|we) (?:apologi[sz]e|understand|can imagine|hear you|appreciate your patience)|(?:that|this) (?:must be|sounds|is) (?:frustrating|annoying|difficult|stressful|inconvenient|disappointing)|i know how|(?:i|we) (?:get|know|can see|understand) how (?:\w+ )?(?:frustrating|annoying|inconvenient|difficult|stressful|upsetting|disappointing|worrying)(?: (?:it|this|that) (?:is|was|must be))?|completely understand|totally understand|my apologies|our apologies|apologies for)\b/,
];
/** Agent politeness. */
export const POLITENESS_CUES: readonly RegExp[] = [
  /\b(?:please|thank(?:s| you)|you're welcome|my pleasure|happy to help|glad to help|of course|certainly|absolutely)\b/,
];
/** Agent signals of not knowing. */
export const UNCERTAINTY_CUES: readonly RegExp[] = [
  /\b(?:i don't know|i do not know|not sure|no idea|i'm not certain|i (?:can't|cannot) say|i(?:'ll| will) have to (?:check|ask)|let me ask (?:someone|my)|i think maybe|i guess)\b/,
];
/** Agent gives an instruction: a step for the customer to take. */
export const INSTRUCTION_CUES: readonly RegExp[] = [
  /\b(?:walk you through|you(?:'re| are) (?:going|gonna) (?:to )?(?:want to |need to |have to )?(?:hold|press|turn|click|tap|select|see|go|open|find|enter|restart|reset|switch|push|sit|check)|go ahead and (?:hold|press|turn|click|tap|select|open|enter|restart|reset|try)|(?:hold|press|push) (?:it|them|both|the|that|down)|let's (?:try|check|reset))\b/,
  /\b(?:you can|you'll need to|you need to|please (?:try|go|tap|click|select|restart|check|open|update|reinstall|follow|hold|press)|(?:first|next|then),? (?:go|tap|click|select|open|press|try)|step|settings|option|here(?:'s| is) how)\b/,
];
/** Agent gives concrete guidance: an instruction, or the reason for something. */
export const GUIDANCE_CUES: readonly RegExp[] = [
  ...INSTRUCTION_CUES,
  /\b(?:the reason is|this is because|because)\b/,
];

/** Agent greets or introduces themselves. */
export const GREETING_CUES: readonly RegExp[] = [
  /\b(?:hello|hi|hey|good (?:morning|afternoon|evening)|thank(?:s| you) for (?:calling|contacting|reaching out|getting in touch|your (?:call|message|patience))|welcome to|my name is|you(?:'re| are) (?:speaking|chatting) (?:with|to)|this is \w+|how (?:can|may) i help)\b/,
];
/** Agent closes properly: checks for anything else, thanks, or wishes the customer well. */
export const CLOSING_CUES: readonly RegExp[] = [
  ...ANYTHING_ELSE_CUES,
  /\b(?:(?:have|enjoy) (?:a|your|the rest of your) (?:\w+ )?(?:day|evening|night|weekend|one|trip|flight|stay|meal|holiday|time|week)|thank(?:s| you) (?:for|so much for) (?:calling|contacting|reaching out|getting in touch|choosing|your (?:time|patience|call|business|message|understanding|feedback))|take care|goodbye|bye|(?:our|my) pleasure|you(?:'re| are) (?:very |most )?welcome|glad (?:i|we) could help|happy to (?:help|assist)|all the best|best wishes|(?:let|tell) us know if|(?:reach out|get in touch|contact us|give us a shout) (?:again )?(?:if|any ?time|whenever)|here (?:if|whenever) you need)\b/,
];

/** Phrases an agent should never say (used by the default prohibited-language rule). */
export const PROHIBITED_AGENT_PHRASES: readonly string[] = [
  'calm down',
  "that's not my problem",
  'not my problem',
  "that's not my job",
  "i don't care",
  'shut up',
  "you're wrong",
  'you are wrong',
  'whatever',
  'stupid',
  'idiot',
  'fuck',
  'shit',
  'damn it',
  'there is nothing i can do',
  "there's nothing i can do",
  'you should have',
];

/** Keywords that point at a complaint type, checked in order (first strong match wins). */
export const COMPLAINT_TYPE_CUES: readonly [ComplaintType, RegExp][] = [
  [
    'staff_behaviour',
    /\b(?:rude|unprofessional|attitude|hung up|shouted|yelled|dismissive|staff|agent|employee|representative|driver)\b/,
  ],
  [
    'billing',
    /\b(?:charg\w*|bill\w*|invoice|fee|fees|price|pricing|overcharg\w*|payment|paid|refund|subscription|money)\b/,
  ],
  [
    'wait_time',
    /\b(?:on hold|wait(?:ing|ed)?|queue|no (?:response|reply|answer)|hours|days|weeks|respond|response time)\b/,
  ],
  [
    'delivery',
    /\b(?:deliver\w*|parcel|package|shipping|shipped|courier|arriv\w*|tracking|dispatch\w*|order)\b/,
  ],
  [
    'account_access',
    /\b(?:log ?in|sign ?in|password|locked|verification code|account access|two.factor|2fa|username)\b/,
  ],
  [
    'technical_issue',
    /\b(?:app|website|site|error|crash\w*|bug|glitch|wifi|wi-fi|internet|connection|connect|update|install|router|signal|outage|stream\w*|server|freez\w*|load\w*)\b/,
  ],
  [
    'product_defect',
    /\b(?:broken|defective|faulty|damaged|quality|stopped working|doesn't work|not working|warranty|repair|replacement)\b/,
  ],
  ['policy', /\b(?:policy|policies|terms|rules|not allowed|eligible|eligibility|restriction|fine print)\b/],
  [
    'service_quality',
    /\b(?:service|experience|customer care|support|delay\w*|cancell?ed|late|seat|flight|train|menu)\b/,
  ],
];
