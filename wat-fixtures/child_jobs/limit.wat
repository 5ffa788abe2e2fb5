;; With limits.maxChildrenPerJob = 1 the parent spawns a `child` ("first"), then a second ("second"): the second
;; spawn answers 0 with LIMIT_EXCEEDED. The guest checks both answers (else it fails) and logs the refusal; only
;; the first child exists and runs, logging its params.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "parent")                 ;; 6
  (data (i32.const 72) "execute_parent")         ;; 14
  (data (i32.const 88) "child")                  ;; 5
  (data (i32.const 96) "execute_child")          ;; 13
  (data (i32.const 112) "first")                 ;; 5
  (data (i32.const 120) "second")                ;; 6
  (data (i32.const 128) "second spawn refused")  ;; 20

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 72) (i32.const 14) (i32.const 1)))
    (call $register_job (i32.const 88) (i32.const 5) (i32.const 96) (i32.const 13) (i32.const 1)))

  (func (export "execute_parent") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 88) (i32.const 5) (i32.const 112) (i32.const 5)))
      (then (return (i32.const 2))))
    (if (call $spawn (local.get $id) (i32.const 88) (i32.const 5) (i32.const 120) (i32.const 6))
      (then (return (i32.const 2))))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 128) (i32.const 20))
    (i32.const 0))

  ;; Logs its params (initial state).
  (func (export "execute_child") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (local.get $st) (local.get $st_len))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
