;; In the middle of its work the job checkpoints "one" then "two", counts 3 items, reports progress 0.5, and then
;; loads from address 0xfffffff0, past the end of its own memory: a trap ("memory access out of bounds"). The job
;; ends Failed with cause trap, keeps its last checkpoint ("two") and its metrics, and is not resumed.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))
  (import "spacedrive" "job_report_progress" (func $progress (param i32 f32 i32 i32)))

  (data (i32.const 64) "mid_trap")                        ;; 8
  (data (i32.const 80) "execute_mid_trap")                ;; 16
  (data (i32.const 96) "one")                             ;; 3
  (data (i32.const 100) "two")                            ;; 3
  (data (i32.const 104) "halfway")                        ;; 7

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 8) (i32.const 80) (i32.const 16) (i32.const 1)))

  (func (export "execute_mid_trap") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $checkpoint (local.get $id) (i32.const 96) (i32.const 3)))
    (drop (call $checkpoint (local.get $id) (i32.const 100) (i32.const 3)))
    (call $items (local.get $id) (i64.const 3))
    (call $progress (local.get $id) (f32.const 0.5) (i32.const 104) (i32.const 7))
    (drop (i32.load (i32.const 0xfffffff0)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
