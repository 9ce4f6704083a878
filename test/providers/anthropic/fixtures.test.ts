/**
 * Every recorded Anthropic payload in test/fixtures/anthropic, translated
 * out: parseResponse for bodies, the full StreamEvent list for streams,
 * mapError for the error body. Expected values are written out by hand.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { ApiError } from "../../../src/errors.ts";
import type { StreamEvent } from "../../../src/providers/types.ts";
import { fixtureJson, fixtureText, fixturesDir } from "../../support/fixtures.ts";
import { reasoning, startUsageEvent, text, translateFixture, usage, usageEvent } from "./helpers.ts";
import { parseAnthropicResponse } from "../../../src/providers/anthropic/parse-anthropic-response.ts";
import { mapAnthropicError } from "../../../src/providers/anthropic/map-anthropic-error.ts";

const FORMAT = "anthropic-claude-v1";
const CLEAR_THINKING_JSON_SIGNATURE =
  "Er4BCkYICxgCKkCoxqLHLrx4mFL9Ox7/aHKht87WDzXfvZ7qbZKSnHV8imA5b3LXxuVqcXQ9z5sXwDx20JIW/+6DJehOSNK72L83Egx0T9s7VzB6QUK9g5kaDO9lGaWN5CPEDJU0lyIw4+Ed3q4N9w+16h3cfQ+9stJXHCl+1nYDxjIOLcyJT8Ug/LTmtlp4bbxWmmfNicayKiasdReHiOnqz1sKEF0pR4kcnF5mQGdLxk8q3A3NY+wGsH8MtUIqxRgB";
const CLEAR_THINKING_STREAM_SIGNATURE =
  "EvQBCkYICxgCKkAxhD4NUKFzudtZ6NzbZdEiBACIScTzqjPViM596iWLZIk4EFKYYBj3B6Ptl3b0dcQv/VeJBNbejNWIWRBn+KPNEgz6HWtKx7p+QRgKsEoaDGjsiqfht7gTRFYHiyIwD1VSmNqHxv3wy8KEMP+LYb/TC4UH3H97tuoaADARFFcA0phdfxnzKQxFnc9lwY+dKlzUsaKSUAFeu1bDL5ikZJ1vL0Fkz6JjoFke0L/wOJRIUDUlDUOFJ1tZ3ea7g6LGE/5hwuvWgLwewdcm64d+43l7F57XrOmqNd6flI2K/oPr/4yzNgvi/EhT6Ca17BgB";
const THINKING_TOOL_SIGNATURE =
  "Eq4CCpIBCBIYAipAM+SGYGx7V1aPBT2LXi5M54elabwLjKMzxMZ7dQBpCn7jCn2ZkTBMgSLasCPWFF+8WMNYFp1xjC6uGZVxY3r8QDIRY2xhdWRlLXNvbm5ldC00LTY4AEIIdGhpbmtpbmdaJDNiOTNhNWRkLTczMDItNDgzZi1hZWFlLTM2MjA3NTU0OGFlMagBh7jq1QYSDNydXz9zcJ0AqizKMBoMWF4MBXod7dF4HVu3IjAqraMrYlluR4bgmuEmWgWhCkVJwHulmGCJQdC/sp1159oNVg2LtQomhtAXeciPrnwqSQ/VQUpZzAJ/SwqeRixWF0cnac6CC/ndDGQq0zwI9Ru9WzH59xuEbule/yBisuGwiyR6WwsfKaMDaXb51Obn56qHuGLD2Np2mOgYAQ==";
const SONNET_5_SIGNATURE =
  "EsECCokBCBAYAipA9i3HF1aHpQITkdN8OvLd33gdPZEyLKJA9EvxTXumYzG5xgpLkCYbGOTUkjuimP/4sMuSvrTX1hLxRAhUtlZnJzIPY2xhdWRlLXNvbm5ldC01OABCCHRoaW5raW5nWiQzYjkzYTVkZC03MzAyLTQ4M2YtYWVhZS0zNjIwNzU1NDhhZTESDAbvSPk/+y/ldBqv6BoMOCYOaXUugWqs6kXXIjBQ973isavJRdWK+d8zBKNmf0l9l9StDUo6wz8ZJrP8abCvbRLiPjjKLqPZaJUTcG4qZTHhVwzkEB7BbnEr2qzxHut5kzxg7E5rD5hCZHbjCwAYtMeAPZJOo8jigNCG2O745nj6veI330HlHPvUtHunqKgGqmnSilo4ucvTVAqF0qr0BkXSwZq2JlnKeXmFLtlg+1I6L4oPGAE=";

const toolStart = (call: number, id: string, name: string): StreamEvent => ({
  type: "tool_call_start",
  choice: 0,
  call,
  id,
  name,
});
const toolDelta = (call: number, args: string): StreamEvent => ({
  type: "tool_call_delta",
  choice: 0,
  call,
  arguments: args,
});
const finish = (reason: "stop" | "length" | "tool_calls" | "content_filter"): StreamEvent => ({
  type: "finish",
  choice: 0,
  reason,
});

const parse = (file: string) => parseAnthropicResponse(fixtureJson("anthropic", file));

const covered = new Set<string>();
/** Registers the file as covered when the test is defined, so the coverage check holds under any filter. */
function fixtureTest(file: string, what: string, body: (file: string) => void) {
  covered.add(file);
  test(what ? `${file}: ${what}` : file, () => body(file));
}

describe("non-streaming bodies → parseResponse", () => {
  fixtureTest("anthropic-text.json", "", (file) => {
    expect(parse(file)).toEqual({
      choices: [
        {
          index: 0,
          content:
            "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
          finishReason: "stop",
        },
      ],
      usage: usage(12, 29),
    });
  });

  fixtureTest("anthropic-clear-thinking.1.json", "thinking → reasoning + a signed reasoning_details entry", (file) => {
    expect(parse(file)).toEqual({
      choices: [
        {
          index: 0,
          content: "925 ÷ 5 = 185",
          reasoning: "925 divided by 5 = 185",
          reasoningDetails: [
            {
              type: "reasoning.text",
              text: "925 divided by 5 = 185",
              signature: CLEAR_THINKING_JSON_SIGNATURE,
              format: FORMAT,
              index: 0,
            },
          ],
          finishReason: "stop",
        },
      ],
      usage: usage(69, 33),
    });
  });

  fixtureTest("anthropic-issue-11719-quoted-tool-input.json", "nested input with escaped quotes", (file) => {
    const result = parse(file);
    expect(result).toEqual({
      choices: [
        {
          index: 0,
          content: null,
          toolCalls: [
            {
              id: "toolu_01JKBd25gEfr9ZpVvn8quK2v",
              name: "website_update",
              arguments:
                '{"website_path":"/home/user/pace-landing","tasks":[{"description":"Today you post every run to Strava, but Strava does not answer the question: \\"What should I do next after this run?\\". It is a great log, but it is not adaptive.","type":"feature","passes":false}]}',
            },
          ],
          finishReason: "tool_calls",
        },
      ],
      usage: usage(912, 118),
    });
    expect(JSON.parse(result.choices[0].toolCalls![0].arguments).tasks[0].description).toContain(
      '"What should I do next after this run?"',
    );
  });

  fixtureTest("anthropic-tool-no-args.json", "text + a call with input {}", (file) => {
    expect(parse(file)).toEqual({
      choices: [
        {
          index: 0,
          content:
            "<thinking>\nThe updateIssueList tool was provided in the list of available functions. The tool has no required parameters, so it can be called without any additional information needed from the user.\n</thinking>\n\nOkay, I will update the current issue list:",
          toolCalls: [{ id: "toolu_01LRmxn9vGM1d2DZSDBowdZ1", name: "updateIssueList", arguments: "{}" }],
          finishReason: "tool_calls",
        },
      ],
      usage: usage(602, 93),
    });
  });

  fixtureTest("issue-13430-thinking-tool-call.json", "thinking + call, thinking_tokens → reasoningTokens", (file) => {
    expect(parse(file)).toEqual({
      choices: [
        {
          index: 0,
          content: null,
          reasoning: "The user wants me to call checkSandboxErrors immediately.",
          reasoningDetails: [
            {
              type: "reasoning.text",
              text: "The user wants me to call checkSandboxErrors immediately.",
              signature: THINKING_TOOL_SIGNATURE,
              format: FORMAT,
              index: 0,
            },
          ],
          toolCalls: [{ id: "toolu_017R7ACrx7NF7sLDDtvdQ1u9", name: "checkSandboxErrors", arguments: "{}" }],
          finishReason: "tool_calls",
        },
      ],
      usage: usage(599, 59, { reasoningTokens: 18 }),
    });
  });

  fixtureTest("anthropic-refusal.json", "no content, refusal → content_filter", (file) => {
    expect(parse(file)).toEqual({
      choices: [{ index: 0, content: null, finishReason: "content_filter" }],
      usage: usage(18, 5),
    });
  });
});

describe("streams → StreamEvents", () => {
  fixtureTest("anthropic-text.chunks.txt", "", (file) => {
    expect(translateFixture(file)).toEqual([
      startUsageEvent(12, 1),
      text("Hello"),
      text("! I"),
      text("'m doing well, thank you for asking"),
      text(". How are you doing today?"),
      text(" Is"),
      text(" there anything I can help you with?"),
      usageEvent(12, 30),
      finish("stop"),
    ]);
  });

  fixtureTest("anthropic-clear-thinking.1.chunks.txt", "the signature closes a full, round-trippable entry", (file) => {
    expect(translateFixture(file)).toEqual([
      startUsageEvent(69, 2),
      reasoning("The previous"),
      reasoning(" result"),
      reasoning(" was"),
      reasoning(" 925."),
      reasoning(" Now"),
      reasoning(" I need to divide that"),
      reasoning(" by 5.\n\n925"),
      reasoning(" ÷ 5 "),
      reasoning("= 185"),
      {
        type: "reasoning_detail",
        choice: 0,
        detail: {
          type: "reasoning.text",
          text: "The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185",
          signature: CLEAR_THINKING_STREAM_SIGNATURE,
          format: FORMAT,
          index: 0,
        },
      },
      text("925"),
      text(" ÷ 5 "),
      text("= 185"),
      usageEvent(69, 53),
      finish("stop"),
    ]);
  });

  fixtureTest("anthropic-claude-sonnet-5-reasoning-summarized.chunks.txt", "padded lines, thinking_tokens", (file) => {
    expect(translateFixture(file)).toEqual([
      startUsageEvent(47, 2),
      reasoning("I"),
      reasoning("'m working through the Euclidean algorithm to find the GCD of 1071 and 462,"),
      reasoning(" applying successive division until I reach a remainder of zero, which"),
      reasoning(" gives me 21 as the greatest common divisor."),
      {
        type: "reasoning_detail",
        choice: 0,
        detail: {
          type: "reasoning.text",
          text: "I'm working through the Euclidean algorithm to find the GCD of 1071 and 462, applying successive division until I reach a remainder of zero, which gives me 21 as the greatest common divisor.",
          signature: SONNET_5_SIGNATURE,
          format: FORMAT,
          index: 0,
        },
      },
      text("# Finding GCD(1071, 462) Using the Euclidean Algorithm\n\n## Step 1: Divide 1071 by 462\n$$1071 = 2"),
      text(" \\times 462 + 147$$\n(since 2 × 462 = 924, and 1071 − 924 = 147)"),
      text(
        "\n\n## Step 2: Divide 462 by 147\n$$462 = 3 \\times 147 + 21$$\n(since 3 × 147 = 441, and 462 − 441 = 21)\n\n## Step",
      ),
      text(" 3: Divide 147 by 21\n$$147 = 7 \\times 21 + 0$$\n(since 7 × 21 = 147, remainder is 0)\n\n## Concl"),
      text(
        "usion\nSince the remainder is now 0, the algorithm stops. The last non-zero remainder is **21**.\n\n$$\\gcd(1071, 462",
      ),
      text(") = 21$$\n\n**Verification:** \n- 1071 = 21 × 51 ✓\n- 462 = 21 × 22 ✓"),
      usageEvent(47, 373, { reasoningTokens: 62 }),
      finish("stop"),
    ]);
  });

  fixtureTest("anthropic-issue-11719-quoted-tool-input.chunks.txt", "argument fragments forwarded as-is", (file) => {
    const events = translateFixture(file);
    expect(events).toEqual([
      startUsageEvent(912, 16),
      toolStart(0, "toolu_01Cr31vcGoeeRgi3Eo5Ds8qN", "website_update"),
      // The leading "" fragment is skipped.
      toolDelta(0, '{"website_path": "/home/user'),
      toolDelta(0, "/pace-landing"),
      toolDelta(0, '", "tasks": [{"description": "Today you post'),
      toolDelta(0, " every run to Strava, but"),
      toolDelta(0, " Strava does not answer the question"),
      toolDelta(0, ': \\"What should I do next after'),
      toolDelta(0, ' this run?\\". It is a great'),
      toolDelta(0, ' log, but it is not adaptive.",'),
      toolDelta(0, ' "type": "feature", "passes'),
      toolDelta(0, '": false}]'),
      toolDelta(0, "}"),
      usageEvent(912, 118),
      finish("tool_calls"),
    ]);
    const args = events.flatMap((e) => (e.type === "tool_call_delta" ? [e.arguments] : [])).join("");
    expect(JSON.parse(args)).toEqual({
      website_path: "/home/user/pace-landing",
      tasks: [
        {
          description:
            'Today you post every run to Strava, but Strava does not answer the question: "What should I do next after this run?". It is a great log, but it is not adaptive.',
          type: "feature",
          passes: false,
        },
      ],
    });
  });

  fixtureTest("issue-10781.1.chunks.txt", "text block then a tool call numbered 0 (content index 1)", (file) => {
    expect(translateFixture(file)).toEqual([
      startUsageEvent(624, 1),
      text("Let"),
      text(" me check."),
      toolStart(0, "toolu_01Ni1uw4HXYxUhc4iFMqx7yY", "get_weather"),
      toolDelta(0, '{"city": "San Francisco'),
      toolDelta(0, '"}'),
      usageEvent(624, 59),
      finish("tool_calls"),
    ]);
  });

  fixtureTest("anthropic-tool-no-args.chunks.txt", 'a call with no argument JSON gets "{}"', (file) => {
    expect(translateFixture(file)).toEqual([
      startUsageEvent(565, 7),
      text("I'll update the issue list for"),
      text(" you."),
      toolStart(0, "toolu_01QE1WLsSVp5hy5Q3GmGTmjP", "updateIssueList"),
      toolDelta(0, "{}"),
      usageEvent(565, 48),
      finish("tool_calls"),
    ]);
  });

  fixtureTest("anthropic-issue-5942-cache-write.chunks.txt", "cache creation is prompt + cacheWrite", (file) => {
    expect(translateFixture(file)).toEqual([
      startUsageEvent(18642, 1, { cacheWriteTokens: 18639 }),
      text("OK"),
      usageEvent(18642, 1, { cacheWriteTokens: 18639 }),
      finish("length"),
    ]);
  });

  fixtureTest("anthropic-issue-5942-cache-read.chunks.txt", "cache read is prompt + cached", (file) => {
    expect(translateFixture(file)).toEqual([
      startUsageEvent(18642, 1, { cachedTokens: 18639 }),
      text("OK"),
      usageEvent(18642, 1, { cachedTokens: 18639 }),
      finish("length"),
    ]);
  });

  fixtureTest(
    "anthropic-message-delta-input-tokens.chunks.txt",
    "message_delta input figures overwrite message_start",
    (file) => {
      expect(translateFixture(file)).toEqual([
        startUsageEvent(43, 1),
        text("p"),
        text("ong"),
        usageEvent(61, 2),
        finish("stop"),
      ]);
    },
  );

  fixtureTest("anthropic-refusal.chunks.txt", "no content blocks, refusal → content_filter", (file) => {
    expect(translateFixture(file)).toEqual([startUsageEvent(18, 1), usageEvent(18, 5), finish("content_filter")]);
  });
});

describe("error bodies → mapError", () => {
  fixtureTest("anthropic-parallel-provider-client-tools.error.json", "400 keeps the provider's message", (file) => {
    const error = mapAnthropicError(400, fixtureText("anthropic", file));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.toEnvelope()).toEqual({
      error: {
        message:
          "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_issue8112_custom. Each `tool_use` block must have a corresponding `tool_result` block in the next message.",
        type: "invalid_request_error",
        code: "upstream_invalid_request",
      },
    });
    expect(error.status).toBe(400);
  });
});

test("every Anthropic fixture file is covered above", () => {
  expect([...covered].sort()).toEqual(readdirSync(resolve(fixturesDir, "anthropic")).sort());
});
