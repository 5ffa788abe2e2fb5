;; An instance that trapped or was stopped mid-run is never reused. Each parent job sets the instance's $marker to
;; 42, spawns a `child` and then ends: `parent_ok` returns 0, `parent_trap` traps (unreachable), `parent_spin`
;; spins until limits.runTimeoutMs stops it. The child runs after its parent's run and logs
;; "marker=<marker> inits=<plugin_init runs on this instance>": "marker=42 inits=1" on the parent's own instance
;; (parent_ok), "marker=0 inits=1" on a fresh one (after a trap or a timeout: plugin_init ran again there, and its
;; identical registrations were accepted silently).
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))

  (data (i32.const 64) "parent_ok")                       ;; 9
  (data (i32.const 80) "parent_trap")                     ;; 11
  (data (i32.const 96) "parent_spin")                     ;; 11
  (data (i32.const 112) "child")                          ;; 5
  (data (i32.const 128) "execute_parent_ok")              ;; 17
  (data (i32.const 148) "execute_parent_trap")            ;; 19
  (data (i32.const 168) "execute_parent_spin")            ;; 19
  (data (i32.const 188) "execute_child")                  ;; 13
  (data (i32.const 208) "marker=")                        ;; 7
  (data (i32.const 216) " inits=")                        ;; 7

  (global $marker (mut i32) (i32.const 0))
  (global $inits (mut i32) (i32.const 0))

  (func (export "plugin_init") (result i32)
    (global.set $inits (i32.add (global.get $inits) (i32.const 1)))
    (drop (call $register_job (i32.const 64) (i32.const 9) (i32.const 128) (i32.const 17) (i32.const 1)))
    (drop (call $register_job (i32.const 80) (i32.const 11) (i32.const 148) (i32.const 19) (i32.const 1)))
    (drop (call $register_job (i32.const 96) (i32.const 11) (i32.const 168) (i32.const 19) (i32.const 1)))
    (call $register_job (i32.const 112) (i32.const 5) (i32.const 188) (i32.const 13) (i32.const 1)))

  (func $set_and_spawn (param $ctx i32)
    (global.set $marker (i32.const 42))
    (drop (call $spawn (call $job_id (local.get $ctx)) (i32.const 112) (i32.const 5) (i32.const 0) (i32.const 0))))

  (func (export "execute_parent_ok") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $set_and_spawn (local.get $ctx))
    (i32.const 0))

  (func (export "execute_parent_trap") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $set_and_spawn (local.get $ctx))
    (unreachable))

  (func (export "execute_parent_spin") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $set_and_spawn (local.get $ctx))
    (loop $forever (br $forever))
    (i32.const 0))

  (func (export "execute_child") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $p i32)
    (local.set $p (i32.add (i32.const 1024) (call $copy (i32.const 1024) (i32.const 208) (i32.const 7))))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (global.get $marker))))
    (local.set $p (i32.add (local.get $p) (call $copy (local.get $p) (i32.const 216) (i32.const 7))))
    (local.set $p (i32.add (local.get $p) (call $write_u32 (local.get $p) (global.get $inits))))
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (i32.const 1024) (i32.sub (local.get $p) (i32.const 1024)))
    (i32.const 0))

  ;; @include "../../wat-fixtures/lib/runtime.wat"
)
