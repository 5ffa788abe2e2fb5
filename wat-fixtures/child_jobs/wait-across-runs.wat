;; ABI 1.1: job_wait_for_children answers every child the job has spawned, in any of its runs. Its first run spawns
;; child "a" and, a pause pending, returns 1: "a" runs after that run, and the job is resumed. Its second run spawns
;; "b" and waits: the wait runs "b" and answers both children (the ids read as job:1, job:2), which the job logs.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_wait_for_children" (func $wait (param i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check_interrupt (param i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "parent")                ;; 6
  (data (i32.const 72) "execute_parent")        ;; 14
  (data (i32.const 88) "child")                 ;; 5
  (data (i32.const 96) "execute_child")         ;; 13
  (data (i32.const 112) "a")                    ;; 1
  (data (i32.const 113) "b")                    ;; 1

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 72) (i32.const 14) (i32.const 1)))
    (call $register_job (i32.const 88) (i32.const 5) (i32.const 96) (i32.const 13) (i32.const 1)))

  (func (export "execute_parent") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $answer i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (call $check_interrupt (local.get $id))
      (then
        (if (i32.eqz (call $spawn (local.get $id) (i32.const 88) (i32.const 5) (i32.const 112) (i32.const 1))) (then (return (i32.const 2))))
        (return (i32.const 1))))
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 88) (i32.const 5) (i32.const 113) (i32.const 1))) (then (return (i32.const 2))))
    (local.set $answer (call $wait (local.get $id)))
    (if (i32.eqz (local.get $answer)) (then (return (i32.const 2))))
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (i32.add (local.get $answer) (i32.const 4)) (i32.load (local.get $answer)))
    (i32.const 0))

  ;; Logs the params it was spawned with.
  (func (export "execute_child") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (local.get $st) (local.get $st_len))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
