import { type LlmEndpoint } from '@gatehouse/domain';

/** Who wrote a text of the request, as the content rules tell them apart (a tool's output may carry injections). */
export type PromptSource = 'system' | 'user' | 'assistant' | 'tool' | 'prompt';

/**
 * One text the client sent (a message's content, a content part's or block's text, a tool call's arguments, a
 * prompt or an embedding input), with where it is in the body (`messages[2].content[0].text`) and a way to put
 * another text in its place: the content rules read the request through these (PII, injection, deny lists) and
 * redaction rewrites it before any upstream body is built from it.
 */
export interface PromptText {
  readonly path: string;
  readonly source: PromptSource;
  readonly text: string;
  replace(text: string): void;
}

type Json = Record<string, unknown>;

/**
 * The texts of a model call's body, in body order, for each endpoint's API (OpenAI's chat completions, legacy
 * completions and embeddings; Anthropic's messages; OpenAI's Responses, read in its chat translation). Whatever is not text is left out: images, audio, token arrays,
 * and a tool call's input that Anthropic sends as a JSON object (not a string: nothing to rewrite in place). A body
 * of an unexpected shape gives the texts it has; the protocol adapter has already refused a malformed one.
 */
export function promptTexts(endpoint: LlmEndpoint, body: Json): PromptText[] {
  const texts: PromptText[] = [];
  switch (endpoint) {
    // A Responses call's body is its chat translation: its input items are these messages.
    case 'chat.completions':
    case 'responses':
      chatMessages(body, texts);
      break;
    case 'completions':
      stringOrStrings(body, 'prompt', 'prompt', texts);
      break;
    case 'embeddings':
      stringOrStrings(body, 'input', 'prompt', texts);
      break;
    case 'messages':
      anthropicContent(body, 'system', 'system', 'system', texts);
      anthropicMessages(body, texts);
      break;
  }
  return texts;
}

/** OpenAI's chat messages: content as a string or text parts, tool calls' arguments, tools' outputs. */
function chatMessages(body: Json, texts: PromptText[]): void {
  each(body.messages, (message, index) => {
    const source = chatSource(message.role);
    const at = `messages[${index}]`;
    const content = message.content;
    if (typeof content === 'string') texts.push(slot(message, 'content', `${at}.content`, source));
    else {
      each(content, (part, partIndex) => {
        if (part.type === 'text' && typeof part.text === 'string') {
          texts.push(slot(part, 'text', `${at}.content[${partIndex}].text`, source));
        }
      });
    }
    each(message.tool_calls, (call, callIndex) => {
      const fn = call.function;
      if (isObject(fn) && typeof fn.arguments === 'string') {
        texts.push(slot(fn, 'arguments', `${at}.tool_calls[${callIndex}].function.arguments`, 'assistant'));
      }
    });
  });
}

function chatSource(role: unknown): PromptSource {
  if (role === 'system' || role === 'developer') return 'system';
  if (role === 'assistant' || role === 'tool') return role;
  return 'user';
}

/** Anthropic's messages: content as a string or blocks; tool results' content likewise. */
function anthropicMessages(body: Json, texts: PromptText[]): void {
  each(body.messages, (message, index) => {
    const source: PromptSource = message.role === 'assistant' ? 'assistant' : 'user';
    anthropicContent(message, 'content', `messages[${index}].content`, source, texts);
  });
}

/** A string, or blocks whose `text` blocks are texts and whose `tool_result` blocks hold content of their own. */
function anthropicContent(holder: Json, key: string, at: string, source: PromptSource, texts: PromptText[]): void {
  const content = holder[key];
  if (typeof content === 'string') {
    texts.push(slot(holder, key, at, source));
    return;
  }
  each(content, (block, blockIndex) => {
    const blockAt = `${at}[${blockIndex}]`;
    if (block.type === 'text' && typeof block.text === 'string')
      texts.push(slot(block, 'text', `${blockAt}.text`, source));
    if (block.type === 'tool_result') anthropicContent(block, 'content', `${blockAt}.content`, 'tool', texts);
  });
}

/** A field that is a string or an array of strings (token arrays are not text). */
function stringOrStrings(body: Json, key: string, source: PromptSource, texts: PromptText[]): void {
  const value = body[key];
  if (typeof value === 'string') texts.push(slot(body, key, key, source));
  else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (typeof item === 'string') texts.push(elementSlot(value, index, `${key}[${index}]`, source));
    });
  }
}

function slot(holder: Json, key: string, path: string, source: PromptSource): PromptText {
  return {
    path,
    source,
    get text() {
      return holder[key] as string;
    },
    replace(text: string) {
      holder[key] = text;
    },
  };
}

function elementSlot(array: unknown[], index: number, path: string, source: PromptSource): PromptText {
  return {
    path,
    source,
    get text() {
      return array[index] as string;
    },
    replace(text: string) {
      array[index] = text;
    },
  };
}

function each(value: unknown, visit: (item: Json, index: number) => void): void {
  if (!Array.isArray(value)) return;
  value.forEach((item, index) => {
    if (isObject(item)) visit(item, index);
  });
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
