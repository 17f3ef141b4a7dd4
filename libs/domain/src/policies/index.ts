export * from './effective-policy';
export * from './policy-document';
export * from './policy-yaml';
