/**
 * The ladder's colours and fonts, read from VS Code's --vscode-* CSS variables. Canvas cannot use
 * CSS variables, so the values are read once and re-read when the theme changes (VS Code swaps the
 * body class: vscode-light / vscode-dark / vscode-high-contrast / vscode-high-contrast-light).
 *
 * resolveTheme is pure (it takes a variable reader), so fallbacks are decided without a DOM.
 */

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface NumberFont {
  readonly family: string;
  readonly sizePx: number;
  readonly weight: string;
}

export interface LadderTheme {
  readonly kind: ThemeKind;
  readonly highContrast: boolean;
  readonly background: string;
  readonly foreground: string;
  readonly mutedForeground: string;
  /** Bid sizes, bid depth bars and aggressive buys ("green"). */
  readonly bid: string;
  /** Ask sizes, ask depth bars and aggressive sells ("red"). */
  readonly ask: string;
  /** Best bid / best ask rows; '' in high contrast, which outlines them instead. */
  readonly bestRowBackground: string;
  readonly spreadBackground: string;
  readonly gridLine: string;
  /** High contrast outlines ('' outside high contrast). */
  readonly contrastBorder: string;
  readonly contrastActiveBorder: string;
  readonly hoverBackground: string;
  readonly focusBorder: string;
  readonly tooltipBackground: string;
  readonly tooltipForeground: string;
  readonly tooltipBorder: string;
  readonly numberFont: NumberFont;
  /** Opacity of depth bars and of cumulative bars; higher in high contrast. */
  readonly barAlpha: number;
  readonly cumulativeBarAlpha: number;
}

/** The theme kind from the body's class list; high-contrast-light is tested first (it may carry both). */
export function themeKindOf(bodyClass: string): ThemeKind {
  const classes = ` ${bodyClass} `;
  if (classes.includes(' vscode-high-contrast-light ')) return 'high-contrast-light';
  if (classes.includes(' vscode-high-contrast ')) return 'high-contrast';
  if (classes.includes(' vscode-light ')) return 'light';
  return 'dark';
}

/** Reads one --vscode-* variable; returns '' when it is not set. */
export type CssVariableReader = (name: string) => string;

export function resolveTheme(read: CssVariableReader, kind: ThemeKind): LadderTheme {
  const light = kind === 'light' || kind === 'high-contrast-light';
  const highContrast = kind === 'high-contrast' || kind === 'high-contrast-light';
  const pick = (fallback: string, ...names: string[]): string => {
    for (const name of names) {
      const value = read(name).trim();
      if (value !== '') return value;
    }
    return fallback;
  };
  const foreground = pick(light ? '#333333' : '#cccccc', '--vscode-editor-foreground', '--vscode-foreground');
  const contrastBorder = highContrast ? pick(light ? '#0f4a85' : '#6fc3df', '--vscode-contrastBorder') : '';
  const contrastActiveBorder = highContrast ? pick(light ? '#006bbd' : '#f38518', '--vscode-contrastActiveBorder') : '';
  const sizePx = parseFloat(read('--vscode-editor-font-size'));
  return {
    kind,
    highContrast,
    background: pick(light ? '#ffffff' : '#1e1e1e', '--vscode-editor-background'),
    foreground,
    mutedForeground: pick(foreground, '--vscode-descriptionForeground', '--vscode-disabledForeground'),
    bid: pick(light ? '#388a34' : '#89d185', '--vscode-charts-green', '--vscode-testing-iconPassed'),
    ask: pick(light ? '#e51400' : '#f14c4c', '--vscode-charts-red', '--vscode-errorForeground'),
    bestRowBackground: highContrast ? '' : pick(light ? '#eeeeee' : '#282828', '--vscode-editor-lineHighlightBackground', '--vscode-list-inactiveSelectionBackground'),
    spreadBackground: highContrast ? '' : pick(light ? '#e5ebf1' : '#3a3d41', '--vscode-editor-inactiveSelectionBackground', '--vscode-editorWidget-background'),
    gridLine: pick(contrastBorder || (light ? '#e5e5e5' : '#444444'), '--vscode-editorGroup-border', '--vscode-panel-border', '--vscode-widget-border'),
    contrastBorder,
    contrastActiveBorder,
    hoverBackground: highContrast ? '' : pick(light ? '#e8e8e8' : '#2a2d2e', '--vscode-list-hoverBackground'),
    focusBorder: pick(contrastActiveBorder || '#007fd4', '--vscode-focusBorder'),
    tooltipBackground: pick(light ? '#f3f3f3' : '#252526', '--vscode-editorHoverWidget-background', '--vscode-editorWidget-background'),
    tooltipForeground: pick(foreground, '--vscode-editorHoverWidget-foreground', '--vscode-editorWidget-foreground'),
    tooltipBorder: pick(contrastBorder || (light ? '#c8c8c8' : '#454545'), '--vscode-editorHoverWidget-border', '--vscode-editorWidget-border'),
    numberFont: {
      family: pick('monospace', '--vscode-editor-font-family'),
      sizePx: Number.isFinite(sizePx) && sizePx >= 6 ? sizePx : 13,
      weight: pick('normal', '--vscode-editor-font-weight'),
    },
    barAlpha: highContrast ? 0.5 : light ? 0.22 : 0.28,
    cumulativeBarAlpha: highContrast ? 0.3 : 0.12,
  };
}

/** The theme of the document right now (DOM). */
export function readDocumentTheme(): LadderTheme {
  const style = getComputedStyle(document.body);
  return resolveTheme((name) => style.getPropertyValue(name), themeKindOf(document.body.className));
}

/**
 * Calls `onChange` when VS Code switches theme: it rewrites the body's class (and its
 * data-vscode-theme-kind). Returns a function that stops watching.
 */
export function watchThemeChanges(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  return () => observer.disconnect();
}

/** A canvas font string for the number font at a device pixel size. */
export function canvasFont(font: NumberFont, sizeDevicePx: number, bold = false): string {
  return `${bold ? 'bold' : font.weight} ${sizeDevicePx}px ${font.family}`;
}
