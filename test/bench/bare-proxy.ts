/**
 * The floor for a translating proxy on this stack: the least work any
 * OpenAI-to-Gemini gateway must do per non-streaming request, with none of
 * OpenToken's auth, validation, billing, deadlines or error handling.
 *
 *   POST /v1/chat/completions: parse the OpenAI chat body, build the Gemini
 *   generateContent body (contents from messages, generationConfig.maxOutputTokens
 *   from max_tokens), fetch the upstream, parse its JSON and answer an OpenAI
 *   chat.completion.
 *   GET /health: 200 (so the harness can wait for it like for the gateway).
 *
 * Run in its own process by the harness (run.ts), with the gateway's
 * environment: HOST, PORT, GOOGLE_BASE_URL, GOOGLE_API_KEY and
 * BUN_CONFIG_MAX_HTTP_REQUESTS. Deliberately plain: one pass of each
 * unavoidable step (req.json(), JSON.stringify of the upstream body, fetch,
 * res.json(), JSON.stringify of the reply), nothing precomputed that depends
 * on the request. Non-streaming only.
 */

interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  max_tokens?: number;
}

interface GeminiReply {
  candidates: { content: { parts: { text?: string; thought?: boolean }[] }; finishReason?: string; index?: number }[];
  usageMetadata?: { promptTokenCount?: number; candidatesTokenCount?: number; thoughtsTokenCount?: number };
}

const baseUrl = (process.env.GOOGLE_BASE_URL ?? "https://generativelanguage.googleapis.com").replace(/\/+$/, "");
const apiKey = process.env.GOOGLE_API_KEY ?? "";
let served = 0;

const server = Bun.serve({
  hostname: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  idleTimeout: 0,
  async fetch(req) {
    if (req.method === "GET") return new Response("ok");
    const body = (await req.json()) as ChatBody;
    const gemini = {
      contents: body.messages.map((m) => ({ role: m.role === "assistant" ? "model" : "user", parts: [{ text: m.content }] })),
      generationConfig: { maxOutputTokens: body.max_tokens },
    };
    const upstreamModel = body.model.slice(body.model.indexOf("/") + 1);
    const res = await fetch(`${baseUrl}/v1beta/models/${upstreamModel}:generateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": apiKey, "content-type": "application/json" },
      body: JSON.stringify(gemini),
    });
    const reply = (await res.json()) as GeminiReply;
    const candidate = reply.candidates[0]!;
    let text = "";
    for (const part of candidate.content.parts) if (part.text !== undefined && !part.thought) text += part.text;
    const usage = reply.usageMetadata ?? {};
    const prompt = usage.promptTokenCount ?? 0;
    const completion = (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0);
    return Response.json({
      id: `chatcmpl-bare${++served}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: text },
          logprobs: null,
          finish_reason: candidate.finishReason === "MAX_TOKENS" ? "length" : "stop",
        },
      ],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    });
  },
});

console.error(`bare proxy listening on http://${server.hostname}:${server.port}`);
// Exit normally on SIGTERM (the harness's stop), so `bun --cpu-prof` writes its profile.
process.once("SIGTERM", () => {
  void server.stop(true);
  process.exit(0);
});
