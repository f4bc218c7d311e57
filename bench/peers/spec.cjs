// The published set's TXT value for CommonJS adapters: the same hwid as
// bench/scale-lab/spec.mjs (which the ESM adapters import).
'use strict';
function hwid(i) {
  return `${(Math.imul(i + 1, 2654435761) >>> 0).toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`;
}
module.exports = { hwid };
