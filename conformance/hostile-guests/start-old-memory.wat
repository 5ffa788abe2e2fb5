;; A start function that calls the host. During instantiation the host holds no memory of the new instance yet (on a
;; re-instantiation, the retired instance's), so such calls could read the wrong memory; the ABI has no start
;; functions, and the guest fails to link (JP_LINK, "start function").
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (data (i32.const 64) "parent")                          ;; 6
  (data (i32.const 72) "child")                           ;; 5
  (data (i32.const 80) "execute_parent")                  ;; 14
  (data (i32.const 96) "from start")                      ;; 10
  (data (i32.const 112) "OLD MEMORY")                     ;; 10
  (data (i32.const 128) "execute_child")                  ;; 13
  (func $start (call $log (i32.const 1) (i32.const 96) (i32.const 10)))
  (start $start)
  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 80) (i32.const 14) (i32.const 1)))
    (call $register_job (i32.const 72) (i32.const 5) (i32.const 128) (i32.const 13) (i32.const 1)))
  (func (export "execute_parent") (param $ctx i32) (param i32 i32 i32) (result i32)
    (memory.copy (i32.const 96) (i32.const 112) (i32.const 10))
    (drop (call $spawn (call $job_id (local.get $ctx)) (i32.const 72) (i32.const 5) (i32.const 0) (i32.const 0)))
    (unreachable))
  (func (export "execute_child") (param i32 i32 i32 i32) (result i32) (i32.const 0))
  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
