/**
 * Text a server sent, made safe to put into a message: control characters (terminal escapes, line
 * breaks) become spaces and the length is bounded, so an error body cannot rewrite a log line or a
 * terminal, nor fill a notification.
 */
export function serverText(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
