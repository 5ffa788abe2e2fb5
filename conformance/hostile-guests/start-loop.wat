;; A start function that never returns. It would run inside instantiation, outside any time limit, and hang the host;
;; the ABI has no start functions, so the guest fails to link (JP_LINK, "start function") before it can run.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (func $start (loop $forever (br $forever)))
  (start $start)
  (func (export "plugin_init") (result i32) (i32.const 0))
  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
