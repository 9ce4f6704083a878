import { requestIdSuffix } from "../http/request-id.ts";

/**
 * Ids of responses and their items. An item id names its response, its side
 * (input or output) and its position, so an `item_reference` is a primary-key
 * read of one response, with no index over items: `msg_<32 hex>o1` is output
 * item 1 of `resp_<32 hex>`. Clients treat them as opaque, as OpenAI's.
 */

type ItemKind = "msg" | "fc" | "fco" | "rs";
type ItemSide = "i" | "o";

export interface ItemAddress {
  responseId: string;
  side: ItemSide;
  index: number;
}

const ITEM_ID = /^(?:msg|fc|fco|rs)_([0-9a-f]{32})([io])(\d{1,6})$/;

/** A response's id shares its request id's random part (`req_<32 hex>`), as chat completion ids do: one id finds both. */
export const responseIdFor = (requestId: string) => `resp_${requestIdSuffix(requestId)}`;

export const itemId = (responseId: string, kind: ItemKind, side: ItemSide, index: number) =>
  `${kind}_${responseId.slice("resp_".length)}${side}${index}`;

/** Where a gateway item id points; undefined for an id the gateway did not make. */
export function itemAddress(id: string): ItemAddress | undefined {
  const match = ITEM_ID.exec(id);
  if (!match) return undefined;
  return { responseId: `resp_${match[1]}`, side: match[2] as ItemSide, index: Number(match[3]) };
}

/** The id prefix of an input item of this type (undefined for types the gateway does not store). */
export function kindOf(type: string): ItemKind | undefined {
  switch (type) {
    case "message":
      return "msg";
    case "function_call":
      return "fc";
    case "function_call_output":
      return "fco";
    case "reasoning":
      return "rs";
    default:
      return undefined;
  }
}
