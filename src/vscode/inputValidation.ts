/**
 * An input box's `validateInput` from a parser that throws: undefined when `parse` accepts the text,
 * else the parser's own message (so the box says exactly what the command would say).
 */
export function parseOrMessage(parse: (value: string) => unknown): (value: string) => string | undefined {
  return (value) => {
    try {
      parse(value);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  };
}
