import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface ScriptedUpstream {
  url: string;
  /** How many answers it finished writing (a stream counts once its last byte is out). */
  finished(): number;
  close(): Promise<void>;
}

/** Output tokens it reports for every answer: a fixed number, so a test can tell exact usage from an estimate. */
export const SCRIPTED_OUTPUT_TOKENS = 77;
const INPUT_TOKENS = 11;
const CHUNK = 3;

/**
 * An upstream that answers OpenAI chat completions and Anthropic messages with exactly the text after `say:` in the
 * last user message (streamed in chunks of 3 characters, `delayMs` apart), or, when the request offers tools and
 * the text starts with `call:`, with a call of its first tool whose arguments are the rest of the text (streamed
 * in pieces of 3 characters too). Usage is always reported, with `SCRIPTED_OUTPUT_TOKENS` output tokens.
 */
export async function startScriptedUpstream(delayMs = 0): Promise<ScriptedUpstream> {
  let finished = 0;
  const server = createServer((request, response) => {
    void answer(request, response, delayMs).then(() => (finished += 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    finished: () => finished,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Script {
  text: string;
  /** The tool called with `text` as its arguments; null for a text answer. */
  tool: string | null;
}

async function answer(request: IncomingMessage, response: ServerResponse, delayMs: number): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  const script = scriptOf(body);
  const anthropic = request.url?.startsWith('/v1/messages') === true;
  if (body.stream !== true) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(anthropic ? anthropicMessage(script) : openAiCompletion(script)));
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const frame of anthropic ? anthropicEvents(script) : openAiChunks(script)) {
    if (response.destroyed) return;
    response.write(frame);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  response.end();
}

function scriptOf(body: Record<string, unknown>): Script {
  const messages = (body.messages ?? []) as { role: string; content: unknown }[];
  const last = [...messages].reverse().find((message) => message.role === 'user');
  const content = last?.content;
  const text =
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? (content as { text?: string }[]).map((part) => part.text ?? '').join('')
        : '';
  const tools = (body.tools ?? []) as { name?: string; function?: { name: string } }[];
  const tool = tools[0]?.function?.name ?? tools[0]?.name;
  if (text.startsWith('call:') && tool !== undefined) return { text: text.slice(5), tool };
  return { text: text.startsWith('say:') ? text.slice(4) : text, tool: null };
}

function piecesOf(text: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += CHUNK) pieces.push(text.slice(i, i + CHUNK));
  return pieces;
}

const openAiUsage = { prompt_tokens: INPUT_TOKENS, completion_tokens: SCRIPTED_OUTPUT_TOKENS, total_tokens: 88 };

function openAiCompletion(script: Script): Record<string, unknown> {
  const message =
    script.tool === null
      ? { role: 'assistant', content: script.text }
      : {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: script.tool, arguments: script.text } }],
        };
  return {
    id: 'chatcmpl-scripted',
    object: 'chat.completion',
    created: 1,
    model: 'scripted',
    choices: [{ index: 0, message, finish_reason: script.tool === null ? 'stop' : 'tool_calls' }],
    usage: openAiUsage,
  };
}

function openAiChunks(script: Script): string[] {
  const frame = (choices: unknown[], usage: unknown = null) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: 1, model: 'scripted', choices, usage })}\n\n`;
  const frames = [frame([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])];
  if (script.tool === null) {
    for (const piece of piecesOf(script.text)) {
      frames.push(frame([{ index: 0, delta: { content: piece }, finish_reason: null }]));
    }
  } else {
    const start = { index: 0, id: 'call_1', type: 'function', function: { name: script.tool, arguments: '' } };
    frames.push(frame([{ index: 0, delta: { tool_calls: [start] }, finish_reason: null }]));
    for (const piece of piecesOf(script.text)) {
      const delta = { tool_calls: [{ index: 0, function: { arguments: piece } }] };
      frames.push(frame([{ index: 0, delta, finish_reason: null }]));
    }
  }
  frames.push(frame([{ index: 0, delta: {}, finish_reason: script.tool === null ? 'stop' : 'tool_calls' }]));
  frames.push(frame([], openAiUsage), 'data: [DONE]\n\n');
  return frames;
}

function anthropicMessage(script: Script): Record<string, unknown> {
  const content =
    script.tool === null
      ? [{ type: 'text', text: script.text }]
      : [{ type: 'tool_use', id: 'toolu_1', name: script.tool, input: JSON.parse(script.text) as unknown }];
  return {
    id: 'msg_scripted',
    type: 'message',
    role: 'assistant',
    model: 'scripted',
    content,
    stop_reason: script.tool === null ? 'end_turn' : 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: INPUT_TOKENS, output_tokens: SCRIPTED_OUTPUT_TOKENS },
  };
}

function anthropicEvents(script: Script): string[] {
  const event = (name: string, data: Record<string, unknown>) =>
    `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
  const message = { id: 'msg_scripted', type: 'message', role: 'assistant', model: 'scripted', content: [] };
  const frames = [
    event('message_start', { message: { ...message, usage: { input_tokens: INPUT_TOKENS, output_tokens: 1 } } }),
  ];
  const block =
    script.tool === null
      ? { type: 'text', text: '' }
      : { type: 'tool_use', id: 'toolu_1', name: script.tool, input: {} };
  frames.push(event('content_block_start', { index: 0, content_block: block }));
  for (const piece of piecesOf(script.text)) {
    const delta =
      script.tool === null ? { type: 'text_delta', text: piece } : { type: 'input_json_delta', partial_json: piece };
    frames.push(event('content_block_delta', { index: 0, delta }));
  }
  frames.push(
    event('content_block_stop', { index: 0 }),
    event('message_delta', {
      delta: { stop_reason: script.tool === null ? 'end_turn' : 'tool_use', stop_sequence: null },
      usage: { output_tokens: SCRIPTED_OUTPUT_TOKENS },
    }),
    event('message_stop', {}),
  );
  return frames;
}
