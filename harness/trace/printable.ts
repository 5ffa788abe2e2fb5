/**
 * Text a guest, a host or a file wrote, made safe to show: the characters a reader must not get as they are written
 * as visible `\uXXXX` escapes, so that an escape sequence cannot recolour a terminal, set its title or fake a line.
 * One escape, three sets of characters, by where the text goes.
 */
const escaped = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * Characters that show nothing yet change what is read, escaped wherever text goes: a byte order mark, zero-width
 * space and word joiner, the left-to-right and right-to-left marks, the bidirectional embeddings, overrides and
 * isolates (which can reorder what a line appears to say), and the line and paragraph separators (a fake line). The
 * zero-width joiner and non-joiner are left: scripts and emoji need them.
 */
const INVISIBLE = "\u200B\u200E\u200F\u2028\u2029\u202A-\u202E\u2060\u2066-\u2069\uFEFF";
/** Every C0 control (tab and newline too: a one-line field), DEL and the C1 controls. */
const CONTROLS = new RegExp(`[\u0000-\u001F\u007F-\u009F${INVISIBLE}]`, "g");
/** The same but tab and newline: a message of several lines (an error with its usage, a compiler's echo of a line). */
const CONTROLS_BUT_LINES = new RegExp(`[\u0000-\u0008\u000B-\u001F\u007F-\u009F${INVISIBLE}]`, "g");
/**
 * For reports written to files: C0 controls but tab, newline and carriage return, DEL and C1, U+FFFE/U+FFFF and lone
 * surrogates (which XML cannot hold at all).
 */
const REPORT_INVISIBLE = new RegExp(
  `[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF${INVISIBLE}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]`,
  "g",
);

/** A one-line field for the terminal. */
export const printable = (text: string): string => text.replace(CONTROLS, escaped);

/** A message of several lines for the terminal: its line breaks and tabs kept. */
export const printableLines = (text: string): string => text.replace(CONTROLS_BUT_LINES, escaped);

/** Text a report (gate.md, gate.html, junit.xml) copies from a host or a guest. */
export const visibleControls = (text: string): string => text.replace(REPORT_INVISIBLE, escaped);
