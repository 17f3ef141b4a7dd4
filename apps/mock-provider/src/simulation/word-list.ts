/**
 * The vocabulary of every generated answer. Each word is one completion token, so output token counts are
 * exact and easy to reason about in tests. Changing this list changes every deterministic output.
 */
export const WORDS: readonly string[] = [
  'gateway request token model stream latency budget quota tenant policy',
  'provider upstream response limit cache route key usage event window',
  'the a of and to in with for on by',
  'quick steady bright quiet simple careful exact small large open',
  'river mountain garden harbor meadow forest signal lantern bridge compass',
  'reads writes counts sends holds checks builds moves keeps finds',
  'today always often later again here there soon still together',
  'answer question number letter system service record value result message',
]
  .join(' ')
  .split(' ');
