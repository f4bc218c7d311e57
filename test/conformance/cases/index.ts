/** Every conformance case, in the order of issue 5's list. */
import type { ConformanceCase } from './common.js';
import { lateConflict, probeDenial, probeTiebreak } from './conflicts.js';
import { hotPlug, nameChange } from './lifecycle.js';
import { additionalRecords, caseInsensitivity } from './records.js';
import { legacyUnicast, multipleQuestions, quUnicast, sharedReplyTiming, uniqueReplyTiming } from './replies.js';
import { announcements, chattiness, ipTtl, probing } from './startup.js';
import { duplicateSuppression, knownAnswerSuppression } from './suppression.js';

export const CASES: readonly ConformanceCase[] = [
  probing,
  probeTiebreak,
  probeDenial,
  announcements,
  lateConflict,
  uniqueReplyTiming,
  sharedReplyTiming,
  knownAnswerSuppression,
  duplicateSuppression,
  multipleQuestions,
  quUnicast,
  legacyUnicast,
  additionalRecords,
  caseInsensitivity,
  nameChange,
  hotPlug,
  ipTtl,
  chattiness,
];

export type { CaseResult, ConformanceCase, Runs, Status } from './common.js';
