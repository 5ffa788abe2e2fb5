;; An empty checkpoint is a checkpoint, also for the run that resumes from it (dispatch.state): started with state
;; "init", the first run logs the state it was given, checkpoints 0 bytes and returns 1 (Paused); the resumed run is
;; given no state (state_len 0), logs "resumed: none" and completes. A host that resumed it from its initial state
;; would run the first branch again, and again, until maxRunsPerJob.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_checkpoint" (func $checkpoint (param i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "empty-resume")           ;; 12
  (data (i32.const 80) "execute_empty_resume")   ;; 20
  (data (i32.const 112) "resumed: none")         ;; 13

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 12) (i32.const 80) (i32.const 20) (i32.const 1)))

  (func (export "execute_empty_resume") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (i32.eqz (local.get $st_len))
      (then
        (call $job_log (local.get $id) (i32.const 1) (i32.const 112) (i32.const 13))
        (return (i32.const 0))))
    ;; A state: log it as given, checkpoint nothing, and pause.
    (call $job_log (local.get $id) (i32.const 1) (local.get $st) (local.get $st_len))
    (if (call $checkpoint (local.get $id) (i32.const 0) (i32.const 0)) (then (return (i32.const 2))))
    (i32.const 1))

  ;; @include "../lib/runtime.wat"
)
