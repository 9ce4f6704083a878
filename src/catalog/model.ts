/** One routable model, as the in-memory catalog snapshot holds it. */
export interface CatalogModel {
  /** `{provider}/{model}`, the id clients send. */
  id: string;
  provider: ProviderName;
  /** The model name the provider's own API expects. */
  upstreamModel: string;
  kind: "chat" | "embedding";
  /** Integer nano-USD per 1M tokens; a null cache price bills at the input price. */
  prices: {
    input: bigint;
    output: bigint;
    cacheRead: bigint | null;
    cacheWrite: bigint | null;
  };
  supportsTools: boolean;
  supportsReasoning: boolean;
  supportsCaching: boolean;
  supportsStreaming: boolean;
  maxOutputTokens: number;
  enabled: boolean;
}

export type ProviderName = "google" | "anthropic";
