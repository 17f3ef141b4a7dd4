export * from './limit-decision';
export * from './limit-keys';
export {
  decodeReservation,
  decodeScopeState,
  periodNumber,
  type ReservationRecord,
  type ReservationScope,
  type ScopeState,
} from './limit-state';
export * from './limits-engine';
export * from './limits-reader';
export * from './limits-usage';
export * from './limits.errors';
export * from './limits.types';
