import { ReplyError } from 'ioredis';
import { isBackendUnavailable, LimitsTimeoutError, QuotaBackendUnavailableError } from './limits.errors';

describe('isBackendUnavailable', () => {
  it('counts connection failures and timeouts as an outage', () => {
    expect(isBackendUnavailable(new Error('Connection is closed.'))).toBe(true);
    expect(isBackendUnavailable(new Error("Stream isn't writeable and enableOfflineQueue options is false"))).toBe(
      true,
    );
    expect(isBackendUnavailable(new LimitsTimeoutError(500))).toBe(true);
  });

  it('counts replies that mean "not now" as an outage, and other replies as bugs', () => {
    expect(isBackendUnavailable(new ReplyError('LOADING Redis is loading the dataset in memory'))).toBe(true);
    expect(isBackendUnavailable(new ReplyError("READONLY You can't write against a read only replica."))).toBe(true);
    expect(isBackendUnavailable(new ReplyError('ERR user_script:12: attempt to compare nil with number'))).toBe(false);
    expect(isBackendUnavailable('nope')).toBe(false);
  });

  it('carries the contract code for the 503', () => {
    const error = new QuotaBackendUnavailableError(new Error('down'));
    expect(error.code).toBe('quota_backend_unavailable');
    expect(error.cause).toBeInstanceOf(Error);
  });
});
