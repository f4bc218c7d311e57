/** Every querier case, in the order of the list; then the ones added beside it. */
import { firstQuery, intervalDoubling, refresh } from './cases-timing.js';
import { duplicateQuestion, duplicateQuestionForeign, knownAnswers, tcKnownAnswers } from './cases-known.js';
import { cacheFlush, goodbye, idleSilence, poof } from './cases-reactions.js';
import type { QuerierCase } from './common.js';

export const QUERIER_CASES: readonly QuerierCase[] = [
  firstQuery,
  intervalDoubling,
  knownAnswers,
  tcKnownAnswers,
  duplicateQuestion,
  goodbye,
  cacheFlush,
  poof,
  refresh,
  idleSilence,
  duplicateQuestionForeign,
];

export type { QCaseResult, QStatus, QuerierCase } from './common.js';
