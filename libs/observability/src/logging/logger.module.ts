import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';

/**
 * Never logged, whatever the level: credentials arrive in these headers, and set-cookie carries sessions.
 * pino's redaction replaces them before serialisation, so no code path can leak them by accident.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

export interface LoggerOptions {
  appName: string;
  level: string;
  format: 'json' | 'pretty';
  /** Per-request access logs. The gateway turns them off on its hot path and records usage events instead. */
  logRequests?: boolean;
  /**
   * A request-scoped child logger (with the request bound to every line) for each request. It costs a logger, a
   * serialised binding and an AsyncLocalStorage context per request, about 5 % of the gateway's CPU at load, so
   * the gateway turns it off and names the request id in the lines it writes.
   */
  requestContext?: boolean;
}

@Module({})
export class LoggerModule {
  static forRoot(options: LoggerOptions): DynamicModule {
    return {
      module: LoggerModule,
      imports: [
        PinoLoggerModule.forRoot({
          // No route gets the middleware: nothing is bound per request.
          ...(options.requestContext === false ? { forRoutes: [] } : {}),
          pinoHttp: {
            name: options.appName,
            level: options.level,
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            autoLogging: options.logRequests === false ? false : { ignore: (request) => request.url === '/healthz' },
            quietReqLogger: true,
            // pino-pretty runs in a worker thread; JSON stays the default for anything that parses logs.
            transport:
              options.format === 'pretty'
                ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
                : undefined,
          },
        }),
      ],
      exports: [PinoLoggerModule],
    };
  }
}
