;; WASM-only: registrations a failing plugin_init made before it failed stand (init.reinit, run.retire). Globals and
;; memory are new on every instance, so the guest tells its first instance from a later one by the host's state: the
;; rate limit (1 call a minute) counts plugin_init's wire calls. plugin_init registers "parent", "boom" and "child"
;; and calls query:libraries.list: on the first instance the call is answered ({"libraries":...}) and plugin_init
;; returns 0; on every later instance it answers RateLimitExceeded ({"error":...}), and plugin_init registers a NEW
;; name, "extra", then returns 1.
;; The parent spawns "boom" and two "child" jobs and waits for them (ABI 1.1): boom traps, retiring the instance; each
;; child's run gets a fresh instance whose plugin_init registers "extra" and fails. The first of these records
;; job_registered "extra"; the second finds "extra" registered with the same export and records nothing. The parent
;; goes on running on its instance and spawns an "extra" child: a registered type, so it is queued (not
;; UNKNOWN_JOB_TYPE). That child's run, after the parent's, gets a fourth instance, whose plugin_init fails too.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "spacedrive_call" (func $call (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_wait_for_children" (func $wait (param i32) (result i32)))

  (global (export "spacedrive_abi_version_1_1") i32 (i32.const 0))

  (data (i32.const 64) "parent")                  ;; 6
  (data (i32.const 72) "execute_parent")          ;; 14
  (data (i32.const 88) "boom")                    ;; 4
  (data (i32.const 96) "execute_boom")            ;; 12
  (data (i32.const 112) "child")                  ;; 5
  (data (i32.const 120) "execute_child")          ;; 13
  (data (i32.const 136) "query:libraries.list")   ;; 20
  (data (i32.const 160) "extra")                  ;; 5
  (data (i32.const 168) "a")                      ;; 1
  (data (i32.const 172) "b")                      ;; 1

  (func (export "plugin_init") (result i32)
    (local $answer i32)
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 72) (i32.const 14) (i32.const 1)))
    (drop (call $register_job (i32.const 88) (i32.const 4) (i32.const 96) (i32.const 12) (i32.const 1)))
    (drop (call $register_job (i32.const 112) (i32.const 5) (i32.const 120) (i32.const 13) (i32.const 1)))
    (local.set $answer (call $call (i32.const 136) (i32.const 20) (i32.const 0) (i32.const 0) (i32.const 0)))
    (if (i32.eqz (local.get $answer)) (then (return (i32.const 1))))
    ;; the answer's text starts at $answer + 4: {"l... is the list (the first instance), {"e... an error answer
    (if (i32.eq (i32.load8_u (i32.add (local.get $answer) (i32.const 6))) (i32.const 108)) (then (return (i32.const 0))))
    ;; a later instance: a new registration, then the failure
    (drop (call $register_job (i32.const 160) (i32.const 5) (i32.const 120) (i32.const 13) (i32.const 1)))
    (i32.const 1))

  (func (export "execute_parent") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $spawn (local.get $id) (i32.const 88) (i32.const 4) (i32.const 0) (i32.const 0)))
    (drop (call $spawn (local.get $id) (i32.const 112) (i32.const 5) (i32.const 168) (i32.const 1)))
    (drop (call $spawn (local.get $id) (i32.const 112) (i32.const 5) (i32.const 172) (i32.const 1)))
    (drop (call $wait (local.get $id)))
    ;; still on this instance, which boom retired: "extra" was registered by the failed plugin_init
    (drop (call $spawn (local.get $id) (i32.const 160) (i32.const 5) (i32.const 0) (i32.const 0)))
    (i32.const 0))

  (func (export "execute_boom") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    unreachable)

  ;; Never called: each child's plugin_init fails first.
  (func (export "execute_child") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
