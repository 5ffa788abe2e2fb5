;; plugin_cleanup runs once, after the case's last job ended, on the live instance, for the extension: the parent and
;; its child run, and only then does the cleanup's spacedrive_log line appear, in the extension trace (job null). Its
;; return value (3) is ignored: nothing fails.
(module
  (import "spacedrive" "register_job" (func $register_job (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_spawn_child" (func $spawn (param i32 i32 i32 i32 i32) (result i32)))
  (import "spacedrive" "job_log" (func $job_log (param i32 i32 i32 i32)))
  (import "spacedrive" "spacedrive_log" (func $log (param i32 i32 i32)))

  (data (i32.const 64) "parent")             ;; 6
  (data (i32.const 72) "execute_parent")     ;; 14
  (data (i32.const 88) "child")              ;; 5
  (data (i32.const 96) "execute_child")      ;; 13
  (data (i32.const 112) "init")              ;; 4
  (data (i32.const 120) "parent ran")        ;; 10
  (data (i32.const 136) "child ran")         ;; 9
  (data (i32.const 152) "cleanup")           ;; 7

  (func (export "plugin_init") (result i32)
    (drop (call $register_job (i32.const 64) (i32.const 6) (i32.const 72) (i32.const 14) (i32.const 1)))
    (drop (call $register_job (i32.const 88) (i32.const 5) (i32.const 96) (i32.const 13) (i32.const 1)))
    (call $log (i32.const 1) (i32.const 112) (i32.const 4))
    (i32.const 0))

  (func (export "plugin_cleanup") (result i32)
    (call $log (i32.const 1) (i32.const 152) (i32.const 7))
    (i32.const 3))

  (func (export "execute_parent") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (local $id i32)
    (local.set $id (call $job_id (local.get $ctx)))
    (drop (call $spawn (local.get $id) (i32.const 88) (i32.const 5) (i32.const 0) (i32.const 0)))
    (call $job_log (local.get $id) (i32.const 1) (i32.const 120) (i32.const 10))
    (i32.const 0))

  (func (export "execute_child") (param $ctx i32) (param $ctx_len i32) (param $st i32) (param $st_len i32) (result i32)
    (call $job_log (call $job_id (local.get $ctx)) (i32.const 1) (i32.const 136) (i32.const 9))
    (i32.const 0))

  ;; @include "../lib/runtime.wat"
)
