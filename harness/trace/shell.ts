/**
 * Words for commands people paste into a POSIX shell (reproduce and replay commands, hints): quoted so that the shell
 * reads back exactly the text, with no expansion of `$`, backticks or globs.
 */

/** A shell word, always single-quoted. */
export const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** A shell word: as it is when it has nothing the shell would act on, else single-quoted. */
export const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : shellQuote(word));
