;; ABI 1.1: job_wait_for_children runs the job's queued children inside the call, each to its end, and answers every
;; child's id and status as JSON, which the parent logs (the ids read as job:1, job:2). The first child traps: it
;; fails, and its instance, the parent's too, is retired; the second child then runs on a fresh instance, and the
;; parent goes on in its own. The children's runs wrote their ids over the parent's at 16..31, so the parent reads its
;; own id from its context again. A child spawned after the wait runs after the parent's run, as always.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_wait_for_children" (func $wait (param i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "parent")                ;; 6
  (data (i32.const 72) "execute_parent")        ;; 14
  (data (i32.const 88) "ok")                    ;; 2
  (data (i32.const 96) "execute_ok")            ;; 10
  (data (i32.const 112) "trap")                 ;; 4
  (data (i32.const 120) "execute_trap")         ;; 12
  (data (i32.const 136) "ok ran")               ;; 6
  (data (i32.const 144) "trap ran")             ;; 8
  (data (i32.const 152) "after wait")           ;; 10

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 72) (i32.const 14) (i32.const 1)))
    (drop (call $register_job (i32.const 88) (i32.const 2) (i32.const 96) (i32.const 10) (i32.const 1)))
    (call $register_job (i32.const 112) (i32.const 4) (i32.const 120) (i32.const 12) (i32.const 1)))

  (func (export "execute_parent") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32) (local $answer i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 112) (i32.const 4) (i32.const 0) (i32.const 0))) (then (return (i32.const 2))))
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 88) (i32.const 2) (i32.const 0) (i32.const 0))) (then (return (i32.const 2))))
    (local.set $answer (call $wait (local.get $id)))
    (if (i32.eqz (local.get $answer)) (then (return (i32.const 2))))
    (local.set $id (call $job_id (local.get $ctx)))
    (call $job_log (local.get $id) (i32.const 1) (i32.add (local.get $answer) (i32.const 4)) (i32.load (local.get $answer)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 152) (i32.const 10))
    (if (i32.eqz (call $spawn (local.get $id) (i32.const 88) (i32.const 2) (i32.const 0) (i32.const 0))) (then (return (i32.const 2))))
    (i32.const 0))

  (func (export "execute_ok") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (i32.const 136) (i32.const 6))
    (i32.const 0))

  (func (export "execute_trap") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (i32.const 144) (i32.const 8))
    (unreachable))

  ;; @include "../lib/runtime.wat"
)
