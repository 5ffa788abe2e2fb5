;; The root job `first` keeps its own job id at 2048..2063, counts one item, spawns a `second` child and completes.
;; The child (run after the parent ended, on the same instance) calls progress, checkpoint and increment_items with
;; the parent's stale id: each must be refused with NOT_RUNNING_JOB and change nothing of the parent. The child logs
;; the checkpoint status under its own id ("checkpoint=2").
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))
  (import "spacedrive" "job_spawn_child" (func $spawn_child (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "first")                           ;; 5
  (data (i32.const 72) "second")                          ;; 6
  (data (i32.const 80) "execute_first")                   ;; 13
  (data (i32.const 96) "execute_second")                  ;; 14
  (data (i32.const 112) "stale")                          ;; 5
  (data (i32.const 120) "stale-state")                    ;; 11
  (data (i32.const 136) "checkpoint=")                    ;; 11

  (global $PARENT_ID i32 (i32.const 2048))

  (func (export "plugin_init") (result i32)
    (if (call $register_job (i32.const 64) (i32.const 5) (i32.const 80) (i32.const 13) (i32.const 1))
      (then (return (i32.const 1))))
    (call $register_job (i32.const 72) (i32.const 6) (i32.const 96) (i32.const 14) (i32.const 1)))

  (func (export "execute_first") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $copy (global.get $PARENT_ID) (local.get $id) (i32.const 16)))
    (call $items (local.get $id) (i64.const 1))
    (if (i32.eqz (call $spawn_child (local.get $id) (i32.const 72) (i32.const 6) (i32.const 0) (i32.const 0)))
      (then (return (i32.const 2))))
    (i32.const 0))

  (func (export "execute_second") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $status i32)
    (local.set $id (call $job_id (local.get $ctx)))
    ;; all three with the parent's id, which is no longer running
    (call $progress (global.get $PARENT_ID) (f32.const 0.5) (i32.const 112) (i32.const 5))
    (local.set $status (call $checkpoint (global.get $PARENT_ID) (i32.const 120) (i32.const 11)))
    (call $items (global.get $PARENT_ID) (i64.const 5))
    ;; "checkpoint=<status>" under the child's own id
    (drop (call $copy (i32.const 1024) (i32.const 136) (i32.const 11)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 1024)
      (i32.add (i32.const 11) (call $write_u32 (i32.const 1035) (local.get $status))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
