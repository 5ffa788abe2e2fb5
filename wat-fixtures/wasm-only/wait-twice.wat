;; WASM-only: a child that has run is not run again by a later wait (child.wait). The parent spawns "pauser", which
;; returns 1 (pause) without a checkpoint, and waits twice. The first wait runs it (Paused: the scenario does not
;; resume); the second finds no child that has not run, runs nothing and answers the same list. The parent logs both
;; answers.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_wait_for_children" (func $wait (param i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "parent")                  ;; 6
  (data (i32.const 72) "execute_parent")          ;; 14
  (data (i32.const 88) "pauser")                  ;; 6
  (data (i32.const 96) "execute_pauser")          ;; 14

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 72) (i32.const 14) (i32.const 1)))
    (call $register_job (i32.const 88) (i32.const 6) (i32.const 96) (i32.const 14) (i32.const 1)))

  ;; Logs the length-prefixed answer at $answer.
  (func $log_answer (param $id i32) (param $answer i32)
    (call $job_log (local.get $id) (i32.const 1) (i32.add (local.get $answer) (i32.const 4)) (i32.load (local.get $answer))))

  (func (export "execute_parent") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $spawn (local.get $id) (i32.const 88) (i32.const 6) (i32.const 0) (i32.const 0)))
    (call $log_answer (local.get $id) (call $wait (local.get $id)))
    (call $log_answer (local.get $id) (call $wait (local.get $id)))
    (i32.const 0))

  (func (export "execute_pauser") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (i32.const 1))

  ;; @include "../lib/runtime.wat"
)
