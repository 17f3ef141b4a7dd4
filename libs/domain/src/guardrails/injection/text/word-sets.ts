/**
 * Word lists shared by the phrase signals. They are folded forms: lower case, accents removed (`instrucoes`,
 * `precedentes`), so they match whatever accents, width or lookalike letters the caller used.
 */
export const SHARED_WORD_SETS = {
  /** Verbs that throw earlier instructions away, in English. */
  DISCARD:
    'ignore ignoring disregard disregarding forget forgetting skip override overriding bypass circumvent discard ' +
    'drop abandon scrap scratch cancel erase nullify neglect dismiss overlook unlearn',
  /** What a model is told to follow. */
  DIRECTIVE:
    'instructions instruction rules rule directions directives directive guidelines guideline guidance prompts ' +
    'prompt context commands orders constraints restrictions programming training policies policy ' +
    'conditioning limitations boundaries filters safeguards guardrails principles protocols',
  /** Words that place instructions before the current message. */
  PRIOR:
    'previous prior above earlier preceding foregoing former initial original old preexisting existing current ' +
    'default underlying system hidden aforementioned starting',
  /** Small words a phrase may carry between its parts. */
  FILLER:
    'all the any of your these those every each other its this that and or such entire whole said given set my ' +
    'our so far of',
  /** Who writes a model's instructions. */
  AUTHORITY:
    'developers developer creators creator openai anthropic admin admins administrator administrators operator ' +
    'operators company owners owner programmers makers designers engineers team system',
} as const;
