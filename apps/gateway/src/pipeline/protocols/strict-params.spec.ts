import { strictParamsRefusal, unknownParameters } from './strict-params';

describe('unknown parameters (the validation.strictParams hook)', () => {
  it('lists the top-level fields the endpoint reference does not define', () => {
    const body = { model: 'demo-chat', messages: [], temperature: 1, reasoning_effort: 'low', vendor_flag: true };
    expect(unknownParameters({ endpoint: 'chat.completions', body })).toEqual(['vendor_flag']);
    expect(unknownParameters({ endpoint: 'embeddings', body: { model: 'e', input: 'x', dimensions: 8 } })).toEqual([]);
    expect(
      unknownParameters({ endpoint: 'completions', body: { model: 'c', prompt: 'x', best_of: 2, top_k: 5 } }),
    ).toEqual(['top_k']);
    // top_k is Anthropic's own parameter, and n is OpenAI's.
    expect(
      unknownParameters({ endpoint: 'messages', body: { model: 'm', max_tokens: 1, messages: [], top_k: 5, n: 2 } }),
    ).toEqual(['n']);
  });

  it("reads a translated call's own request fields, not the body it was translated to", () => {
    // A Responses call's body is its chat translation (messages, max_completion_tokens): the client sent neither.
    const body = { model: 'r', messages: [], max_completion_tokens: 5 };
    const requestParameters = ['model', 'input', 'max_output_tokens', 'store', 'vendor_flag'];
    expect(unknownParameters({ endpoint: 'responses', body, requestParameters })).toEqual(['vendor_flag']);
    expect(unknownParameters({ endpoint: 'responses', body, requestParameters: ['model', 'input'] })).toEqual([]);
  });

  it('refuses the first with 400 invalid_request_error naming it, and nothing when there is none', () => {
    expect(
      strictParamsRefusal({ endpoint: 'chat.completions', body: { model: 'x', messages: [], extra: 1 } }),
    ).toMatchObject({
      status: 400,
      code: 'invalid_request_error',
      param: 'extra',
      message: expect.stringMatching(/^extra: unknown parameter/),
    });
    expect(strictParamsRefusal({ endpoint: 'chat.completions', body: { model: 'x', messages: [] } })).toBeNull();
  });
});
