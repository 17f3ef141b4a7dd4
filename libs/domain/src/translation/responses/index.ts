export * from './responses-types';
export {
  responsesRequestToOpenAiChat,
  responsesConversationItems,
  type ResponsesToOpenAiChatOptions,
} from './responses-request';
export { openAiChatResponseToResponses, type ResponsesAnswerContext } from './responses-response';
export * from './responses-stream';
