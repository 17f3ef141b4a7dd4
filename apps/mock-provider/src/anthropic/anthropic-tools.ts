import { toolResultText, type ToolChoice, type ToolDefinition, type ToolRequest } from '../simulation/tool-calls';
import type { MessagesRequest } from './messages.route';

interface AnthropicToolChoice {
  type?: unknown;
  name?: unknown;
  disable_parallel_tool_use?: unknown;
}

/** A messages request's tool fields in the mock's terms: tools with a name, `tool_choice` and its parallel switch. */
export function anthropicToolRequest(request: MessagesRequest): ToolRequest {
  const choice = (request['tool_choice'] ?? {}) as AnthropicToolChoice;
  return {
    tools: namedTools(request.tools),
    choice: toolChoice(choice),
    parallel: choice.disable_parallel_tool_use !== true,
    messages: request.messages,
    trailingResults: trailingResults(request.messages),
  };
}

function namedTools(tools: readonly unknown[] | undefined): ToolDefinition[] {
  const definitions: ToolDefinition[] = [];
  for (const tool of tools ?? []) {
    const { name, input_schema } = (tool ?? {}) as { name?: unknown; input_schema?: unknown };
    if (typeof name === 'string') definitions.push({ name, schema: input_schema });
  }
  return definitions;
}

/** `none`, `auto` (the default), `any` (a call is required), or `tool` with its name. */
function toolChoice(choice: AnthropicToolChoice): ToolChoice {
  if (choice.type === 'none') return { mode: 'none' };
  if (choice.type === 'any') return { mode: 'required' };
  if (choice.type === 'tool' && typeof choice.name === 'string') return { mode: 'tool', name: choice.name };
  return { mode: 'auto' };
}

/** The `tool_result` blocks of the last message, when it is a user message that carries some. */
function trailingResults(messages: MessagesRequest['messages']): string[] | undefined {
  const last = messages[messages.length - 1];
  if (last?.role !== 'user' || typeof last.content === 'string') return undefined;
  const results = last.content.filter((block) => block.type === 'tool_result');
  return results.length === 0 ? undefined : results.map((block) => toolResultText(block['content']));
}
