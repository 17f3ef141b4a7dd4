export * from './answer-rules';
export * from './answer-text-guard';
