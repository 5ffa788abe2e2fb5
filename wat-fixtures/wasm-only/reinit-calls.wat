;; WASM-only: the calls of a plugin_init that runs again on a fresh instance, after a run's Running event, are the
;; extension's and count for no job (call.count). The root spawns a child that traps, retiring the instance, and a
;; second child, whose run gets a fresh instance: its plugin_init logs three lines and registers the three jobs (six
;; calls) before the child's context is passed. The child checks for an interrupt twice; a pause planned at its
;; second call answers only its second check (0, then 1), where counting plugin_init's calls would answer both.
(module
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_check_interrupt" (func $check (param i32) (result i32)))

  (data (i32.const 64) "root")                  ;; 4
  (data (i32.const 72) "execute_root")          ;; 12
  (data (i32.const 88) "boom")                  ;; 4
  (data (i32.const 96) "execute_boom")          ;; 12
  (data (i32.const 112) "kid")                  ;; 3
  (data (i32.const 120) "execute_kid")          ;; 11
  (data (i32.const 136) "init line")            ;; 9

  (func (export "plugin_init") (result i32)
    (call $log (i32.const 1) (i32.const 136) (i32.const 9))
    (call $log (i32.const 1) (i32.const 136) (i32.const 9))
    (call $log (i32.const 1) (i32.const 136) (i32.const 9))
    (drop (call $register_job (i32.const 64) (i32.const 4) (i32.const 72) (i32.const 12) (i32.const 1)))
    (drop (call $register_job (i32.const 88) (i32.const 4) (i32.const 96) (i32.const 12) (i32.const 1)))
    (drop (call $register_job (i32.const 112) (i32.const 3) (i32.const 120) (i32.const 11) (i32.const 1)))
    (i32.const 0))

  (func (export "execute_root") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $spawn (local.get $id) (i32.const 88) (i32.const 4) (i32.const 0) (i32.const 0)))
    (drop (call $spawn (local.get $id) (i32.const 112) (i32.const 3) (i32.const 0) (i32.const 0)))
    (i32.const 0))

  (func (export "execute_boom") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (unreachable))

  (func (export "execute_kid") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $check (local.get $id)))
    (drop (call $check (local.get $id)))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
