import { mockProviderConfigSchema, parseConfig, type MockProviderConfig } from '@gatehouse/config';
import type { FastifyInstance } from 'fastify';
import { buildMockProvider } from '../src/app';

/** A config as `main.ts` would load it from this environment, silent unless a test asks otherwise. */
export function testConfig(env: Record<string, string> = {}): MockProviderConfig {
  return parseConfig('mock-provider', mockProviderConfigSchema, { LOG_LEVEL: 'silent', ...env });
}

export function buildTestApp(env: Record<string, string> = {}): FastifyInstance {
  return buildMockProvider(testConfig(env));
}

export interface SseEvent {
  event: string | undefined;
  data: string;
}

/**
 * Parses a server-sent event body strictly: every event ends with a blank line, and each line is `event: ` or
 * `data: `, which is all the mock ever sends.
 */
export function parseSse(body: string): SseEvent[] {
  if (!body.endsWith('\n\n'))
    throw new Error(`SSE body does not end with a blank line: ${JSON.stringify(body.slice(-40))}`);
  return body
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      let event: string | undefined;
      let data: string | undefined;
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice('event: '.length);
        else if (line.startsWith('data: ')) data = line.slice('data: '.length);
        else throw new Error(`Unexpected SSE line: ${JSON.stringify(line)}`);
      }
      if (data === undefined) throw new Error(`SSE event without data: ${JSON.stringify(block)}`);
      return { event, data };
    });
}

/** The JSON payloads of an OpenAI stream, without the closing `[DONE]` (checked to be last). */
export function openAiChunks<T = Record<string, unknown>>(body: string): T[] {
  const events = parseSse(body);
  const last = events.pop();
  if (last?.data !== '[DONE]') throw new Error('OpenAI stream does not end with data: [DONE]');
  return events.map((event) => {
    if (event.event !== undefined) throw new Error('OpenAI streams carry no event: lines');
    return JSON.parse(event.data) as T;
  });
}
