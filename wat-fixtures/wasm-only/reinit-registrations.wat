;; WASM-only: registrations are the extension's (init.reinit). The guest tells its first instance from a later one by
;; the host's state, as reinit-failed-registrations does: under 1 wire call a minute, plugin_init's
;; query:libraries.list is answered on the first instance and answers RateLimitExceeded on every later one.
;; On the first instance plugin_init registers "parent", "boom" and "ok". On a later one it registers "parent" and
;; "boom" again (OK, nothing recorded), registers a NEW name, "extra", twice (the second is an existing registration
;; by then: OK, nothing recorded) and logs both statuses ("00"), and does not register "ok" again: "ok" stays
;; registered all the same.
;; The parent spawns "boom" and "ok" and waits (ABI 1.1): boom traps, retiring the instance; ok's run gets a fresh
;; instance (plugin_init as above) and returns 0. Back on its own instance, the parent spawns "ok" again and "extra":
;; both are registered types, so both are queued and run after the parent, on the live instance.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_wait_for_children" (func $wait (param i32) (result i32)))

  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "parent")                  ;; 6
  (data (i32.const 72) "execute_parent")          ;; 14
  (data (i32.const 88) "boom")                    ;; 4
  (data (i32.const 96) "execute_boom")            ;; 12
  (data (i32.const 112) "ok")                     ;; 2
  (data (i32.const 120) "execute_ok")             ;; 10
  (data (i32.const 136) "query:libraries.list")   ;; 20
  (data (i32.const 160) "extra")                  ;; 5

  (func (export "plugin_init") (result i32)
    (local $answer i32)
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 72) (i32.const 14) (i32.const 1)))
    (drop (call $register_job (i32.const 88) (i32.const 4) (i32.const 96) (i32.const 12) (i32.const 1)))
    (local.set $answer (call $call (i32.const 136) (i32.const 20) (i32.const 0) (i32.const 0) (i32.const 0)))
    (if (i32.eqz (local.get $answer)) (then (return (i32.const 1))))
    ;; the answer's text starts at $answer + 4: {"l... is the list (the first instance), {"e... an error answer
    (if (i32.eq (i32.load8_u (i32.add (local.get $answer) (i32.const 6))) (i32.const 108))
      (then (return (call $register_job (i32.const 112) (i32.const 2) (i32.const 120) (i32.const 10) (i32.const 1)))))
    ;; a later instance: "extra" twice, each status as a digit at 200 and 201, logged; "ok" not again
    (i32.store8 (i32.const 200) (i32.add (i32.const 48)
      (call $register_job (i32.const 160) (i32.const 5) (i32.const 120) (i32.const 10) (i32.const 1))))
    (i32.store8 (i32.const 201) (i32.add (i32.const 48)
      (call $register_job (i32.const 160) (i32.const 5) (i32.const 120) (i32.const 10) (i32.const 1))))
    (call $log (i32.const 1) (i32.const 200) (i32.const 2))
    (i32.const 0))

  (func (export "execute_parent") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $spawn (local.get $id) (i32.const 88) (i32.const 4) (i32.const 0) (i32.const 0)))
    (drop (call $spawn (local.get $id) (i32.const 112) (i32.const 2) (i32.const 0) (i32.const 0)))
    (drop (call $wait (local.get $id)))
    ;; still on this instance, which boom retired
    (drop (call $spawn (local.get $id) (i32.const 112) (i32.const 2) (i32.const 0) (i32.const 0)))
    (drop (call $spawn (local.get $id) (i32.const 160) (i32.const 5) (i32.const 0) (i32.const 0)))
    (i32.const 0))

  (func (export "execute_boom") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    unreachable)

  (func (export "execute_ok") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
