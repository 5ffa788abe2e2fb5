;; A warning past maxWarningsPerJob is dropped before its size is looked at (report.warning: the count first): under
;; maxWarningsPerJob 1 and maxMessageBytes 8, the second warning, 20 bytes long, is refused for the count
;; (limit maxWarningsPerJob), not for its size, and counted as dropped.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_add_warning" (func $warn (param i32 i32 i32)))

  (data (i32.const 64) "flood")                   ;; 5
  (data (i32.const 72) "execute_flood")           ;; 13
  (data (i32.const 96) "first")                   ;; 5
  (data (i32.const 112) "a warning far too big")  ;; 21

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  (func (export "execute_flood") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $warn (local.get $id) (i32.const 96) (i32.const 5))
    (call $warn (local.get $id) (i32.const 112) (i32.const 21))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
