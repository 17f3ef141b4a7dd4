import { isRetryableStatus, isTargetSpecificStatus } from './retryable-status';

describe('isRetryableStatus', () => {
  it.each([429, 500, 502, 503, 504, 599])('retries %i', (status) => expect(isRetryableStatus(status)).toBe(true));
  it.each([200, 400, 401, 403, 404, 408, 413, 422])('does not retry %i', (status) =>
    expect(isRetryableStatus(status)).toBe(false),
  );
});

describe('isTargetSpecificStatus', () => {
  it('names credential and model problems, not request problems', () => {
    expect([401, 403, 404].every(isTargetSpecificStatus)).toBe(true);
    expect([400, 413, 422, 429, 500].some(isTargetSpecificStatus)).toBe(false);
  });
});
