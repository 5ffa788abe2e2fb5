;; WASM-only: plugin_init fails on a fresh instance (run.retire). Globals and memory are new on every instance, so
;; the guest tells its first instance from a later one by the host's state: the rate limit (1 call a minute) counts
;; plugin_init's wire calls. plugin_init registers "parent" and "child" and calls query:libraries.list: on the first
;; instance the call is answered ({"libraries":...}) and plugin_init returns 0; on every later instance it answers
;; RateLimitExceeded ({"error":...}) and plugin_init returns 1.
;; The parent spawns children "a" and "b", then traps: its instance is retired. Each child's run needs a fresh
;; instance, whose plugin_init returns 1: the run is counted (Running), fails with end cause trap without the export
;; being called, and the instance is discarded, so "b" gets another fresh instance (a third rate-limited call).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "parent")                  ;; 6
  (data (i32.const 72) "execute_parent")          ;; 14
  (data (i32.const 88) "child")                   ;; 5
  (data (i32.const 96) "execute_child")           ;; 13
  (data (i32.const 112) "query:libraries.list")   ;; 20
  (data (i32.const 136) "a")                      ;; 1
  (data (i32.const 140) "b")                      ;; 1
  (data (i32.const 144) "child ran")              ;; 9

  (func (export "plugin_init") (result i32)
    (local $answer i32)
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 72) (i32.const 14) (i32.const 1)))
    (drop (call $register_job (i32.const 88) (i32.const 5) (i32.const 96) (i32.const 13) (i32.const 1)))
    (local.set $answer (call $call (i32.const 112) (i32.const 20) (i32.const 0) (i32.const 0) (i32.const 0)))
    (if (i32.eqz (local.get $answer)) (then (return (i32.const 1))))
    ;; the answer's text starts at $answer + 4: {"l... is the list, {"e... an error answer
    (i32.ne (i32.load8_u (i32.add (local.get $answer) (i32.const 6))) (i32.const 108))) ;; 'l'

  (func (export "execute_parent") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $spawn (local.get $id) (i32.const 88) (i32.const 5) (i32.const 136) (i32.const 1)))
    (drop (call $spawn (local.get $id) (i32.const 88) (i32.const 5) (i32.const 140) (i32.const 1)))
    unreachable)

  ;; Never called: each child's plugin_init fails first.
  (func (export "execute_child") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (i32.const 144) (i32.const 9))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
