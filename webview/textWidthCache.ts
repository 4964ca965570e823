/**
 * Remembers measured text widths for one font, as lightweight-charts does: measureText is slow
 * compared with a Map lookup, and a ladder measures the same few strings every frame. The cache is
 * cleared when the font changes and when it grows past its limit (prices scroll by forever).
 */
export class TextWidthCache {
  private readonly widths = new Map<string, number>();
  private font = '';

  constructor(private readonly limit = 2000) {}

  /** Width of `text` in `font`, measured by `measure` only on a miss. */
  width(font: string, text: string, measure: (text: string) => number): number {
    if (font !== this.font) {
      this.widths.clear();
      this.font = font;
    }
    let width = this.widths.get(text);
    if (width === undefined) {
      if (this.widths.size >= this.limit) this.widths.clear();
      width = measure(text);
      this.widths.set(text, width);
    }
    return width;
  }

  get size(): number {
    return this.widths.size;
  }
}
