;; Spawns a child of type "nope" (no such job) and of type "execute_orphan" (a job-shaped export this guest never
;; registered): both answer 0 with UNKNOWN_JOB_TYPE and queue nothing. The guest checks each answer is 0 (else it
;; fails) and logs the refusal; the job itself completes.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "spawner")                       ;; 7
  (data (i32.const 72) "execute_spawner")               ;; 15
  (data (i32.const 88) "nope")                          ;; 4
  (data (i32.const 96) "execute_orphan")                ;; 14
  (data (i32.const 112) "{}")                           ;; 2
  (data (i32.const 128) "spawn nope refused")           ;; 18
  (data (i32.const 160) "spawn execute_orphan refused") ;; 28

  (func (export "plugin_init") (result i32)
    (call $register_job (i32.const 64) (i32.const 7) (i32.const 72) (i32.const 15) (i32.const 1)))

  (func (export "execute_spawner") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (call $spawn (local.get $id) (i32.const 88) (i32.const 4) (i32.const 112) (i32.const 2))
      (then (return (i32.const 2))))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 128) (i32.const 18))
    (if (call $spawn (local.get $id) (i32.const 96) (i32.const 14) (i32.const 112) (i32.const 2))
      (then (return (i32.const 2))))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 160) (i32.const 28))
    (i32.const 0))

  ;; Has the job signature but is not registered, so it is no spawnable job type.
  (func (export "execute_orphan") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
