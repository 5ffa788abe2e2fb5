;; A job's counts are the job's, not a run's (run.resume). The first run adds 5 items and a warning, checkpoints, adds
;; 3 more items and pauses; resumed, it adds 5 items and a warning again and completes. Its items total is 13, not the
;; checkpoint's 5 plus 5, and its second warning meets maxWarningsPerJob 1, which counts the first run's.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_increment_items" (func $items (param i32 i64)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_add_warning" (func $warning (param i32 i32 i32)))

  (data (i32.const 64) "tally")                 ;; 5
  (data (i32.const 72) "execute_tally")         ;; 13
  (data (i32.const 88) "half done")             ;; 9
  (data (i32.const 104) "slow file")            ;; 9

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 5) (i32.const 72) (i32.const 13) (i32.const 1)))

  (func (export "execute_tally") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (call $items (local.get $id) (i64.const 5))
    (call $warning (local.get $id) (i32.const 104) (i32.const 9))
    ;; resumed (from the checkpoint below): done
    (if (i32.ne (local.get $st_len) (i32.const 0)) (then (return (i32.const 0))))
    (if (i32.ne (call $checkpoint (local.get $id) (i32.const 88) (i32.const 9)) (i32.const 0)) (then (return (i32.const 2))))
    (call $items (local.get $id) (i64.const 3))
    (i32.const 1))

  ;; @include "../lib/runtime.wat"
)
