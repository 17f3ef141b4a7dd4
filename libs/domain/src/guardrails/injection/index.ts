export * from './score-injection';
export { type InjectionSignal, type InjectionSignalName } from './injection-signal';
export { MAX_SCANNED_CHARS as INJECTION_MAX_SCANNED_CHARS } from './text/scanned-text';
export * from './injection-accuracy';
