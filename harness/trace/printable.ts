/**
 * Text a guest, a host or a file wrote, made safe to show: the characters a reader must not get as they are written
 * as visible `\uXXXX` escapes, so that an escape sequence cannot recolour a terminal, set its title or fake a line.
 * One escape, three sets of characters, by where the text goes.
 */
const escaped = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** Every C0 control (tab and newline too: a one-line field), DEL and the C1 controls. */
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g;
/** The same but tab and newline: a message of several lines (an error with its usage, a compiler's echo of a line). */
const CONTROLS_BUT_LINES = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
/**
 * For reports written to files: C0 controls but tab, newline and carriage return, DEL and C1, U+FFFE/U+FFFF and lone
 * surrogates (which XML cannot hold at all).
 */
const REPORT_INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A one-line field for the terminal. */
export const printable = (text: string): string => text.replace(CONTROLS, escaped);

/** A message of several lines for the terminal: its line breaks and tabs kept. */
export const printableLines = (text: string): string => text.replace(CONTROLS_BUT_LINES, escaped);

/** Text a report (gate.md, gate.html, junit.xml) copies from a host or a guest. */
export const visibleControls = (text: string): string => text.replace(REPORT_INVISIBLE, escaped);
