import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../harness/engine/modules.ts";

/** The wasmtime release the wasmtime host is checked with (its README says how to install it). */
export const WASMTIME_VERSION = "49.0.0";

/** The virtual environment `.ci/run` makes for the wasmtime host, in the checkout (ignored by git). */
export const WASMTIME_VENV = join(PROJECT_ROOT, ".venv", "wasmtime-host");

/** How to get the wasmtime host's check to run where no Python with wasmtime was found. */
export const PYTHON_HELP =
  `the wasmtime host runs on Python 3.11+ with wasmtime ${WASMTIME_VERSION}: \`python3 -m venv .venv/wasmtime-host && .venv/wasmtime-host/bin/pip install wasmtime==${WASMTIME_VERSION}\` ` +
  "(as .ci/run does), or set JOB_PARITY_PYTHON=<a python with wasmtime>; then `npx vitest run conformance/wasmtime-host.test.ts`";

/**
 * A Python that can import wasmtime: JOB_PARITY_PYTHON when set, else the one in WASMTIME_VENV, else python3 on the
 * PATH; or why there is none.
 */
export function findWasmtimePython(): { readonly python: string } | { readonly missing: string } {
  const given = process.env.JOB_PARITY_PYTHON;
  const venv = join(WASMTIME_VENV, "bin", "python");
  const candidates = given !== undefined && given !== "" ? [given] : existsSync(venv) ? [venv] : ["python3"];
  const python = candidates[0]!;
  // The version the host is checked with: another wasmtime may differ in what the host relies on.
  const script = "import sys, importlib.metadata as m, wasmtime; print('%d.%d' % sys.version_info[:2], m.version('wasmtime'))";
  const probe = spawnSync(python, ["-c", script], { encoding: "utf8", timeout: 30_000 });
  if (probe.error !== undefined) return { missing: `${python} could not be started (${probe.error.message})` };
  if (probe.status !== 0) return { missing: `${python} cannot import wasmtime (${probe.stderr.trim().split("\n").pop() ?? `exit ${probe.status}`})` };
  const [pythonVersion, wasmtime] = probe.stdout.trim().split(" ");
  const [major, minor] = pythonVersion!.split(".").map(Number);
  if (major! < 3 || (major === 3 && minor! < 11)) return { missing: `${python} is Python ${pythonVersion}; the host needs 3.11 or later` };
  if (wasmtime !== WASMTIME_VERSION) return { missing: `${python} has wasmtime ${wasmtime}; the host is checked with ${WASMTIME_VERSION}` };
  return { python };
}
