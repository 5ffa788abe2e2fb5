/**
 * Text a guest (or any input) wrote, safe to print on a terminal: every C0 control (tab and newline too: these are
 * one-line fields), DEL and the C1 controls written as `\uXXXX`, so an escape sequence cannot recolour the screen, set
 * the window title or fake a line. (Reports written to files keep their line breaks: report/gate-report.ts,
 * visibleControls.)
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001F\u007F-\u009F]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** printable() for a message of several lines (an error with its usage, a compiler's echo of a source line): keeps its line breaks and tabs. */
export function printableLines(text: string): string {
  return text
    .split("\n")
    .map((line) => line.split("\t").map(printable).join("\t"))
    .join("\n");
}
