// A provider's tool called as the SDK calls it, without the HTTP around it: the arguments through
// its input schema, the answer checked against its output schema.
import { expect } from '@jest/globals';
import type { McpTool } from '../../src/mcp/provider.js';

export async function runTool(tool: McpTool, args: unknown = {}): Promise<any> {
  const answer = await tool.run(tool.input.parse(args));
  // parse drops keys the schema does not name: equal means nothing more and nothing less.
  expect(tool.output.parse(answer)).toEqual(answer);
  return answer;
}
