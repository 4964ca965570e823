/**
 * Thousands separators in plain decimal text, for the webview's numbers and for the grouping labels
 * the toolbar and the Set Price Grouping command share. Pure and import-free (the webview bundles it).
 */

/** Inserts "," every three digits of the integer part of a plain decimal string ("-61659.7" → "-61,659.7"). */
export function withThousands(plain: string): string {
  const negative = plain.startsWith('-');
  const body = negative ? plain.slice(1) : plain;
  const dot = body.indexOf('.');
  const int = dot === -1 ? body : body.slice(0, dot);
  if (int.length <= 3) return plain;
  let grouped = '';
  const head = int.length % 3 || 3;
  grouped = int.slice(0, head);
  for (let i = head; i < int.length; i += 3) grouped += ',' + int.slice(i, i + 3);
  return (negative ? '-' : '') + grouped + (dot === -1 ? '' : body.slice(dot));
}
