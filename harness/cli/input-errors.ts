// Its own module because main.ts runs the CLI when imported: a test can ask this one.

/** Errors that are the user's input, not the harness's bug: printed as a message, exit 2. */
export async function isInputError(error: unknown): Promise<boolean> {
  const [{ GuestLoadError }, { FixtureError }, { StoreError }, { CaseFilterError }, { DocumentRegionError }] = await Promise.all([
    import("../engine/errors.ts"),
    import("../suite/fixtures.ts"),
    import("../host/sqlite-store.ts"),
    import("../suite/run-suite.ts"),
    import("../report/spec-document.ts"),
  ]);
  return (
    error instanceof GuestLoadError ||
    error instanceof FixtureError ||
    error instanceof StoreError ||
    error instanceof CaseFilterError ||
    error instanceof DocumentRegionError
  );
}
