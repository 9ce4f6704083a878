import OpenAI from "openai";
import { startAnthropicServer } from "../fakes/anthropic-server.ts";
import { startGeminiServer } from "../fakes/gemini-server.ts";
import { newTenant, startTestGateway } from "./gateway.ts";

/**
 * A gateway wired to fresh fake Gemini and Anthropic servers, plus a funded
 * key and the official openai client on it: the setup of every end-to-end
 * chat test. `env` adds or overrides configuration (e.g. short timeouts).
 */
export async function startProviderGateway(env: Record<string, string> = {}) {
  const gemini = startGeminiServer();
  const anthropic = startAnthropicServer();
  const gateway = await startTestGateway({
    GOOGLE_API_KEY: gemini.apiKey,
    GOOGLE_BASE_URL: gemini.url,
    ANTHROPIC_API_KEY: anthropic.apiKey,
    ANTHROPIC_BASE_URL: anthropic.url,
    ...env,
  });
  const { key } = await newTenant();
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key, maxRetries: 0 });
  return {
    gateway,
    gemini,
    anthropic,
    key,
    client,
    async stop() {
      await gateway.stop();
      await Promise.all([gemini.stop(), anthropic.stop()]);
    },
  };
}

export type ProviderGateway = Awaited<ReturnType<typeof startProviderGateway>>;
