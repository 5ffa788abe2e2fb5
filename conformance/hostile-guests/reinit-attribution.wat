;; plugin_init runs again on a fresh instance after a trap, just before the next job's run. Its spacedrive_log line and
;; its spacedrive_call belong to the extension then too (the ABI: "from plugin_init it is the extension's"): they land
;; on the extension trace, not on the job about to run. `parent` spawns `child` and traps; the child's trace is clean.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (data (i32.const 64) "parent")                          ;; 6
  (data (i32.const 72) "child")                           ;; 5
  (data (i32.const 80) "execute_parent")                  ;; 14
  (data (i32.const 96) "execute_child")                   ;; 13
  (data (i32.const 112) "plugin_init ran")                ;; 15
  (data (i32.const 128) "query:libraries.list")           ;; 20
  (func (export "plugin_init") (result i32)
    (call $log (i32.const 1) (i32.const 112) (i32.const 15))
    (drop (call $call (i32.const 128) (i32.const 20) (i32.const 0) (i32.const 0) (i32.const 0)))
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 80) (i32.const 14) (i32.const 1)))
    (call $register_job (i32.const 72) (i32.const 5) (i32.const 96) (i32.const 13) (i32.const 1)))
  (func (export "execute_parent") (param $ctx i32) (param i32 i32 i32) (result i32)
    (drop (call $spawn (call $job_id (local.get $ctx)) (i32.const 72) (i32.const 5) (i32.const 0) (i32.const 0)))
    (unreachable))
  (func (export "execute_child") (param i32 i32 i32 i32) (result i32) (i32.const 0))
  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
