;; WASM-only: the job traps, so its instance is retired, and no live instance is left at the end of the case: the host
;; must not create one just to call plugin_cleanup, whose log line therefore never appears.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))

  (data (i32.const 64) "crash")              ;; 5
  (data (i32.const 72) "execute_crash")      ;; 13
  (data (i32.const 88) "cleanup")            ;; 7

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  (func (export "plugin_cleanup") (result i32)
    (call $log (i32.const 1) (i32.const 88) (i32.const 7))
    (i32.const 0))

  (func (export "execute_crash") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (unreachable))

  ;; @include "../lib/runtime.wat"
)
