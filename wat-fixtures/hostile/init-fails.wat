;; plugin_init logs, registers its job and then returns 7: the guest must not load (JP_INIT_FAILED), whatever
;; plugin_init registered before failing.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))

  (data (i32.const 64) "never")                           ;; 5
  (data (i32.const 80) "execute_never")                   ;; 13
  (data (i32.const 96) "init fails")                      ;; 10

  (func (export "plugin_init") (result i32)
    (call $log (i32.const 1) (i32.const 96) (i32.const 10))
    (drop (call $register_job (i32.const 64) (i32.const 5) (i32.const 80) (i32.const 13) (i32.const 1)))
    (i32.const 7))

  (func (export "execute_never") (param i32 i32 i32 i32) (result i32) (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
