/**
 * The five styles the CLI uses, with the escape codes chalk writes at its level 1 (16 colours: the codes of
 * chalk/source/vendor/ansi-styles/index.js, applied as chalk/source/index.js `applyStyle` does). Loading chalk
 * cost every start its terminal detection, which this CLI does not use: it decides colours itself (io.ts).
 */
export interface Colors {
  /** 0: plain text; 1: coloured. */
  readonly level: 0 | 1;
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

const ESC = '\u001B[';

export function createColors(colorful: boolean): Colors {
  const style = (open: number, close: number) => {
    const [opening, closing] = [`${ESC}${open}m`, `${ESC}${close}m`];
    return (text: string) =>
      !colorful || text === ''
        ? text
        : // A closing code inside re-opens the style, and each line is closed and re-opened, as chalk does.
          opening +
          text
            .split(closing)
            .join(closing + opening)
            .replace(/\r?\n/g, (lineBreak) => closing + lineBreak + opening) +
          closing;
  };
  return {
    level: colorful ? 1 : 0,
    bold: style(1, 22),
    dim: style(2, 22),
    green: style(32, 39),
    red: style(31, 39),
    yellow: style(33, 39),
  };
}
