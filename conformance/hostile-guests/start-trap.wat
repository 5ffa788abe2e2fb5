;; A start function that traps. A start function would run inside instantiation, before plugin_init and outside the
;; host's time limit, so the ABI has none: the guest fails to link (JP_LINK, "start function").
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (func $start (unreachable))
  (start $start)
  (func (export "plugin_init") (result i32) (i32.const 0))
  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
