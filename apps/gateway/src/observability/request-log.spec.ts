import { Writable } from 'node:stream';
import pino from 'pino';
import { RequestContext } from '../pipeline/request-context';
import { RequestLog } from './request-log';

function capture(loggerLevel: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: loggerLevel }, stream) };
}

const end = { status: 200, errorCode: null, endedAt: 120.6, costUsd: 0.001 };

describe('RequestLog', () => {
  it('writes one line at the configured level', () => {
    const { lines, logger } = capture('info');
    const context = new RequestContext('request-1', 20, '127.0.0.1', '/v1/embeddings');
    context.keyPrefix = 'gh_live_AbCd';
    new RequestLog(logger, 'warn').write(context, end);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'request',
        requestId: 'request-1',
        keyPrefix: 'gh_live_AbCd',
        route: '/v1/embeddings',
        status: 200,
        latencyMs: 101,
        ttfbMs: null,
        ttftMs: null,
        costUsd: 0.001,
      }),
    ]);
  });

  it('writes nothing when silent, or below the logger level', () => {
    const { lines, logger } = capture('info');
    const context = new RequestContext('request-2', 0, '127.0.0.1');
    new RequestLog(logger, 'silent').write(context, end);
    new RequestLog(logger, 'debug').write(context, end);
    expect(lines).toEqual([]);
  });
});
