import { toolResultText, type ToolChoice, type ToolDefinition, type ToolRequest } from '../simulation/tool-calls';
import type { ChatCompletionRequest } from './chat-completions.route';

/** A chat request's tool fields in the mock's terms: function tools, `tool_choice`, `parallel_tool_calls`. */
export function openAiToolRequest(request: ChatCompletionRequest): ToolRequest {
  return {
    tools: functionTools(request.tools),
    choice: toolChoice(request['tool_choice']),
    parallel: request['parallel_tool_calls'] !== false,
    messages: request.messages,
    trailingResults: trailingResults(request.messages),
  };
}

function functionTools(tools: readonly unknown[] | null | undefined): ToolDefinition[] {
  const definitions: ToolDefinition[] = [];
  for (const tool of tools ?? []) {
    const fn = (tool as { function?: { name?: unknown; parameters?: unknown } } | null)?.function;
    if (typeof fn?.name === 'string') definitions.push({ name: fn.name, schema: fn.parameters });
  }
  return definitions;
}

/** `none`, `auto` (the default, and any form the mock does not know), `required`, or one named function. */
function toolChoice(choice: unknown): ToolChoice {
  if (choice === 'none' || choice === 'required') return { mode: choice };
  const name = (choice as { function?: { name?: unknown } } | null)?.function?.name;
  return typeof name === 'string' ? { mode: 'tool', name } : { mode: 'auto' };
}

/** The contents of the `tool` messages that end the conversation, or undefined when it ends otherwise. */
function trailingResults(messages: ChatCompletionRequest['messages']): string[] | undefined {
  let first = messages.length;
  while (first > 0 && messages[first - 1]?.role === 'tool') first--;
  if (first === messages.length) return undefined;
  return messages.slice(first).map((message) => toolResultText(message.content));
}
