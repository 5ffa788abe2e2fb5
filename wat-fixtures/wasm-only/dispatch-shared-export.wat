;; WASM-only: two registrations share one export (dispatch.job-type). plugin_init registers "first" and then "second",
;; both run by execute_shared (a name is registered once; an export may serve several). The scenario names the
;; export, so the root's type is "first", the first registration with it. The root (no state) spawns a child of type
;; "execute_shared" (an export, not a job name: UNKNOWN_JOB_TYPE, answer 0) and one of type "second" with params "c"
;; (its type is "second"); the child, which has a state, just completes.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))

  (data (i32.const 64) "first")                   ;; 5
  (data (i32.const 72) "second")                  ;; 6
  (data (i32.const 80) "execute_shared")          ;; 14
  (data (i32.const 96) "c")                       ;; 1

  (func (export "plugin_init") (result i32)
    (if (call $register_job (i32.const 64) (i32.const 5) (i32.const 80) (i32.const 14) (i32.const 1))
      (then (return (i32.const 1))))
    (call $register_job (i32.const 72) (i32.const 6) (i32.const 80) (i32.const 14) (i32.const 1)))

  (func (export "execute_shared") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    ;; the child: its state is "c"
    (if (local.get $st_len) (then (return (i32.const 0))))
    (local.set $id (call $job_id (local.get $ctx)))
    ;; an export is not a job type: refused, nothing queued
    (if (call $spawn (local.get $id) (i32.const 80) (i32.const 14) (i32.const 96) (i32.const 1))
      (then (return (i32.const 2))))
    ;; the second registration's name: a child of type "second"
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 72) (i32.const 6) (i32.const 96) (i32.const 1)))
      (then (return (i32.const 2))))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
